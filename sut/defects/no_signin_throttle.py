"""Failed sign-ins are never throttled.

Models a sign-in endpoint without brute-force protection (no per-account failure counter): an attacker can
try passwords against one account as fast as the server answers. Breaks policy B5 (repeated failed
sign-ins for one account are answered 429 after a threshold).
"""

PROCESS = "backend"
POLICY = "B5"
CAUGHT_BY = ["Repeated Failed Sign-Ins Are Throttled Per Account"]
FAILS_WITH = r"wrong passwords for one account were never throttled"


def apply():
    from sut.backend import throttle

    def record_failure(self, key):
        pass  # failures are never counted, so no account is ever blocked

    throttle.SlidingWindowThrottle.record_failure = record_failure
