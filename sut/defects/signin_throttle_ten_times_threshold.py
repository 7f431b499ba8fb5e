"""The sign-in throttle is built with ten times the configured threshold.

Models a mis-tuned limit, not a missing one: the failure counter works, but the threshold it is given is
the setting times ten (a limit written per ten minutes and read per minute, or a default of 50 where the
configuration says 5). Password guessing is slowed down only after ten times as many tries as the target
declares. Breaks policy B5 (throttled after the configured threshold).
"""

PROCESS = "backend"
POLICY = "B5"
CAUGHT_BY = ["Repeated Failed Sign-Ins Are Throttled Per Account"]
FAILS_WITH = r"wrong passwords for one account were never throttled \(limit \d+\)"


def apply():
    from sut.backend import throttle

    init = throttle.SlidingWindowThrottle.__init__

    def mistuned_init(self, max_failures, window_s, *args, **kwargs):
        init(self, max_failures * 10, window_s, *args, **kwargs)

    throttle.SlidingWindowThrottle.__init__ = mistuned_init
