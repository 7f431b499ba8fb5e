"""Seeded defects (``sut/defects``) and behaviours (``sut/behaviours``) replace only public seams of the target.

A defect that patches a private name (``span_convert._first``) or reads one (``span_store._SELECT_SPANS``)
breaks silently when the target's internals are tidied, and tells a reader nothing about where the target
can be changed. Every seam a defect or behaviour touches is a public function, class, method or module
constant of the target, with a docstring or comment saying it is a seam. Inside a replacement method,
``self._x`` is the instance's own state and stays allowed.
"""

import ast
import importlib
from pathlib import Path

import pytest

SUT = Path(__file__).resolve().parents[2] / "sut"
MODULES = sorted([*SUT.joinpath("defects").glob("*.py"), *SUT.joinpath("behaviours").glob("*.py")])
TARGET_PACKAGES = ("sut.backend", "sut.ingestion", "sut.common")


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_references(source: str) -> list[str]:
    """Every place of ``source`` that reaches into a private name of something other than ``self``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        where = f"line {getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            if not (isinstance(node.value, ast.Name) and node.value.id == "self"):
                found.append(f"{where}: {ast.unparse(node)}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            # (a private module of the catalogues themselves, ``sut.behaviours._routes``, is no part of the target)
            if node.module.startswith(TARGET_PACKAGES) and any(is_private(part) for part in node.module.split(".")):
                found.append(f"{where}: from {node.module} import ...")
            found += [f"{where}: import {alias.name}" for alias in node.names if is_private(alias.name)]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in ("setattr", "getattr", "delattr") and len(node.args) > 1:
                name = node.args[1]
                if isinstance(name, ast.Constant) and isinstance(name.value, str) and is_private(name.value):
                    found.append(f"{where}: {ast.unparse(node)}")
    return found


def imported_target_names(tree: ast.AST) -> dict[str, str]:
    """``{local name: module path}`` of every ``from sut.<process>[.x] import y`` (modules and objects)."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(TARGET_PACKAGES):
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}:{alias.name}"
    return names


def resolve(reference: str):
    module, _, name = reference.partition(":")
    try:
        return importlib.import_module(f"{module}.{name}")
    except ModuleNotFoundError:
        return getattr(importlib.import_module(module), name)


def replaced_seams(source: str) -> list[tuple[str, str, list[str]]]:
    """``(written as, imported name, attribute chain)`` of every assignment to an attribute of the target."""
    tree = ast.parse(source)
    imported = imported_target_names(tree)
    seams = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            chain = []
            while isinstance(target, ast.Attribute):
                chain.insert(0, target.attr)
                target = target.value
            if chain and isinstance(target, ast.Name) and target.id in imported:
                seams.append((ast.unparse(node.targets[0]), imported[target.id], chain))
    return seams


def test_the_private_name_check_finds_what_it_must():
    source = (
        "from sut.backend import span_convert, span_store\n"
        "from sut.backend._hidden import x\n"
        "from sut.backend.wal import _lock\n"
        "span_convert._first = len\n"
        "sql = span_store._SELECT_SPANS\n"
        "setattr(span_convert, '_first', len)\n"
        "span_store.SpanStore._open = len\n"
        "self._lock = None\n"
        "span_store.SpanStore.__init__ = len\n"
    )
    assert len(private_references(source)) == 6


@pytest.mark.parametrize("path", MODULES, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_defects_and_behaviours_reach_no_private_name_of_the_target(path):
    found = private_references(path.read_text(encoding="utf-8"))
    assert not found, f"{path.relative_to(SUT.parent)} reaches into private names of the target: {found}"


@pytest.mark.parametrize("path", MODULES, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_every_replaced_seam_exists_in_the_target(path):
    for written, reference, chain in replaced_seams(path.read_text(encoding="utf-8")):
        owner = resolve(reference)
        for attribute in chain:
            assert hasattr(owner, attribute), f"{path.name}: {written} replaces nothing (no {attribute})"
            owner = getattr(owner, attribute)
