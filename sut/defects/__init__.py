"""Catalogue of seeded defects for the reference target.

Each defect is one module in this package with:

- a docstring: the real-world bug it models and the policy (contract Part B) it breaks;
- ``PROCESS``: ``"backend"`` or ``"ingestion"``, the process it applies to;
- ``CAUGHT_BY``: the Robot test names that must fail while it is switched on;
- ``apply()``: replaces one function of the correct code with its broken twin.

Defects are switched on by name when a process starts (``--defects a,b``).
"""

import sys
from types import ModuleType

from sut import switchable


def catalogue() -> dict[str, ModuleType]:
    """Every defect module of this package, by name."""
    return switchable.catalogue(sys.modules[__name__])


def apply(names: list[str], process: str) -> list[str]:
    """Switch on the named defects that belong to ``process``; unknown names raise ``ValueError``."""
    return switchable.apply(sys.modules[__name__], "defect", names, process)
