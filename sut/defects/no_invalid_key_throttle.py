"""Invalid API keys on ingestion are never throttled.

Models an ingestion endpoint without brute-force protection: every guessed key is passed to the backend
and answered ``UNAUTHENTICATED`` however many come from one client, so an attacker may try keys at full
speed (and load the backend with each guess). Breaks policy B5 (repeated invalid API keys from one client
are answered ``RESOURCE_EXHAUSTED`` after a configurable threshold).
"""

PROCESS = "ingestion"
POLICY = "B5"
CAUGHT_BY = ["Guessing API Keys Is Throttled While A Valid Key Keeps Working"]
FAILS_WITH = r"invalid API keys from one client were never throttled"


def apply() -> None:
    """Make ``InvalidKeyThrottle.is_throttled`` always answer "not throttled"."""
    from sut.ingestion import throttle

    def is_throttled(self: throttle.InvalidKeyThrottle, client: str) -> float | None:
        return None  # failures are still counted, but never acted on

    throttle.InvalidKeyThrottle.is_throttled = is_throttled
