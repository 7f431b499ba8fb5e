"""A real client of the target: the ``junjo`` library from PyPI, run as its own process.

- :mod:`junjo_acceptance.junjo_client.app`: the client program (a small junjo workflow exported with
  ``JunjoOtelExporter``);
- :mod:`junjo_acceptance.junjo_client.runner`: starts it, reads its report, and describes the spans it exported.
"""
