"""A provider's HTTP error (429, 500, ...) escapes as an unhandled exception: the user gets a 500.

Models a provider client that calls ``raise_for_status()`` and lets the exception travel up: a provider
rate limit or outage becomes the target's own "Internal Server Error", hiding that the user should retry
later (429) or that the provider failed (502), and paging the wrong team. Breaks policy B17 (provider
failures reach the user as clear errors, never 500).
"""

PROCESS = "backend"
POLICY = "B17"
CAUGHT_BY = [
    "An OpenAI Rate Limit Reaches The User As A Rate-Limit Error Not 500",
    "A Provider Server Error Gives 502 And Never 500",
]
FAILS_WITH = r"from openai .* must reach the user as [\d|]+: .*→ 500"


def apply():
    from sut.backend import llm_providers

    def check_status(provider, answer):
        if not 200 <= answer.status < 300:
            raise RuntimeError(f"{provider} answered HTTP {answer.status}")  # unhandled: a 500

    llm_providers.check_status = check_status
