"""Catalogue of seeded defects for the reference target.

Each defect is one module in this package with:

- a docstring: the real-world bug it models and the policy (contract Part B) it breaks;
- ``PROCESS``: ``"backend"`` or ``"ingestion"``, the process it applies to;
- ``CAUGHT_BY``: the Robot test names that must fail while it is switched on;
- ``apply()``: replaces one function of the correct code with its broken twin.

Defects are switched on by name when a process starts (``--defects a,b``).
"""

import importlib
import pkgutil
from types import ModuleType


def catalogue() -> dict[str, ModuleType]:
    """Every defect module of this package, by name."""
    return {
        info.name: importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_")
    }


def apply(names: list[str], process: str) -> list[str]:
    """Switch on the named defects that belong to ``process``; unknown names raise ``ValueError``."""
    known = catalogue()
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise ValueError(f"unknown defect(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    applied = []
    for name in names:
        module = known[name]
        if module.PROCESS == process:
            module.apply()
            applied.append(name)
    return applied
