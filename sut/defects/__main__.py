"""Lists the seeded defects: ``python -m sut.defects``."""

from . import catalogue

for name, module in sorted(catalogue().items()):
    summary = (module.__doc__ or "").strip().splitlines()[0]
    print(f"{name:36} {module.PROCESS:10} {summary}")
