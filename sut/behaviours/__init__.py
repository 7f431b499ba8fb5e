"""Catalogue of seeded *behaviours* of the reference target: legitimate ways a real deployment differs.

A seeded defect (``sut/defects``) breaks a policy and some test must fail. A seeded behaviour does not: it makes
the reference target behave as a real, correct-enough Junjo AI Studio deployment was seen to behave (a public
``GET /`` banner, a public ``/api/config``, no ``offset`` on list endpoints, no ``nosniff`` header), so the
suite's regression tests can prove it raises no false alarm there. Each module has:

- a docstring: what the real product does and why it is legitimate (or, for ``nosniff``, which single test of
  its own must flag it);
- ``PROCESS``: ``"backend"`` or ``"ingestion"``;
- ``LEGITIMATE = True`` (the marker that this is no defect);
- ``apply()``: changes the correct code to behave so.

Behaviours are switched on by name when a process starts (setting ``behaviours``, env ``JUNJO_BEHAVIOURS``);
the profile ``resources/targets/reference_like_product.py`` switches them all on.
"""

import sys
from types import ModuleType

from sut import switchable


def catalogue() -> dict[str, ModuleType]:
    """Every behaviour module of this package, by name."""
    return switchable.catalogue(sys.modules[__name__])


def apply(names: list[str], process: str) -> list[str]:
    """Switch on the named behaviours that belong to ``process``; unknown names raise ``ValueError``."""
    return switchable.apply(sys.modules[__name__], "behaviour", names, process)
