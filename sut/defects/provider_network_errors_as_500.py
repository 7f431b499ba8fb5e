"""Only timeouts of a provider call are handled: a refused, reset or dropped connection is a 500.

Models a provider client whose error handling was written for the one failure seen in testing (a slow
provider): a connection the provider closes or resets without an answer raises ``ConnectionError`` /
``RemoteDisconnected``, which nobody catches, and the user gets the target's 500 instead of "provider
unavailable". Breaks policy B17 (a network failure reaches the user as 502/503 "provider unavailable").
"""

PROCESS = "backend"
POLICY = "B17"
CAUGHT_BY = ["An Anthropic Network Failure Is Reported As Provider Unavailable"]
FAILS_WITH = r'\"(close connection|reset connection)\" from anthropic .* must reach the user as 502\|503: .*→ 500'


def apply():
    from sut.backend import llm_providers

    transport_error = llm_providers.transport_error

    def timeouts_only(provider, error, timeout_s):
        if isinstance(error, TimeoutError):
            return transport_error(provider, error, timeout_s)
        raise error  # connection errors escape: a 500

    llm_providers.transport_error = timeouts_only
