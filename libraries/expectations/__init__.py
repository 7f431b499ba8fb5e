"""Mechanics behind the ``SpanExpectations`` keyword library.

- :mod:`expectations.compare`: one sent span against one stored span object, field by field;
- :mod:`expectations.matching`: sets of spans and state patches (missing, duplicated, differing, unexpected),
  and database rows turned into span objects.
"""
