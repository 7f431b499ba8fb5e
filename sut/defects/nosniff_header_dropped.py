"""Answers lose the ``X-Content-Type-Options: nosniff`` hardening header.

Models a proxy or middleware change that drops the header: JSON is still JSON, but an old or misconfigured
browser may sniff a body as HTML. B10 checks the header in a test of its own (the XSS tests must keep
passing, see the seeded behaviour ``no_nosniff_header``, which is the same change seen on a real deployment).
"""

PROCESS = "backend"
POLICY = "B10"
CAUGHT_BY = ["Every Kind Of Answer Carries The Nosniff Hardening Header"]
FAILS_WITH = r"answers lack the hardening header X-Content-Type-Options: nosniff"


def apply():
    from sut.behaviours import no_nosniff_header

    no_nosniff_header.apply()
