"""Mechanics behind the ``Concurrency`` keyword library.

- :mod:`junjo_acceptance.races.keyword_calls`: find a Python library keyword by name and bind one invocation to a
  callable;
- :mod:`junjo_acceptance.races.verdicts`: read outcomes (status, fields, errors) and judge a set of them.

The barrier and background runners themselves are in :mod:`concurrency`.
"""
