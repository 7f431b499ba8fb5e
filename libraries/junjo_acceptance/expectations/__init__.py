"""Mechanics behind the ``SpanExpectations`` keyword library.

- :mod:`junjo_acceptance.expectations.compare`: one sent span against one stored span object, field by field;
- :mod:`junjo_acceptance.expectations.matching`: sets of spans and state patches (missing, duplicated, differing,
  unexpected),
  and database rows turned into span objects.
"""
