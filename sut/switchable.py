"""What seeded defects (``sut/defects``) and seeded behaviours (``sut/behaviours``) share: a package of modules,
each with ``PROCESS`` and ``apply()``, switched on by name when a process starts."""

import importlib
import pkgutil
from types import ModuleType


def catalogue(package: ModuleType) -> dict[str, ModuleType]:
    """Every module of ``package`` (names starting with ``_`` left out), by name."""
    return {
        info.name: importlib.import_module(f"{package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_")
    }


def apply(package: ModuleType, kind: str, names: list[str], process: str) -> list[str]:
    """Switch on the modules of ``package`` named in ``names`` that belong to ``process``; unknown names raise
    ``ValueError`` (``kind`` names them in the message: "defect", "behaviour")."""
    known = catalogue(package)
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise ValueError(f"unknown {kind}(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    applied = []
    for name in names:
        if known[name].PROCESS == process:
            known[name].apply()
            applied.append(name)
    return applied
