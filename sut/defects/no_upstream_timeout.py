"""Provider calls are made without a timeout: a provider that never answers holds the request for ever.

Models the most common HTTP-client mistake (``requests.get(url)`` without ``timeout=``): a provider that
accepts the connection and then hangs keeps the user waiting and one of the target's workers blocked until
the connection dies, and enough such requests exhaust the target. Breaks policy B17 (an upstream timeout is
answered 504 within the target's own timeout).
"""

PROCESS = "backend"
POLICY = "B17"
CAUGHT_BY = ["An OpenAI Timeout Gives 504 Within The Target's Own Timeout"]
FAILS_WITH = r"of openai got no answer within \d+ s"


def apply():
    from sut.backend import llm_providers

    def upstream_deadline(timeout_s):
        return None  # the configured timeout is never applied

    llm_providers.upstream_deadline = upstream_deadline
