"""The invalid-API-key throttle on ingestion is built with ten times the configured threshold.

Models a mis-tuned limit: the per-client counter works, but it throttles only after ten times as many
invalid keys as the setting (and the target's declared limit) allow — for the reference profile 500
instead of 50, far past the policy's ceiling of 100. Breaks policy B5 (invalid keys from one client are
answered RESOURCE_EXHAUSTED after the configured threshold).
"""

PROCESS = "ingestion"
POLICY = "B5"
CAUGHT_BY = ["Guessing API Keys Is Throttled While A Valid Key Keeps Working"]
FAILS_WITH = r"throttling began only at attempt \d+, the limit is \d+"


def apply() -> None:
    from sut.ingestion import throttle

    init = throttle.InvalidKeyThrottle.__init__

    def mistuned_init(self, max_failures, window_s, *args, **kwargs):
        init(self, max_failures * 10, window_s, *args, **kwargs)

    throttle.InvalidKeyThrottle.__init__ = mistuned_init
