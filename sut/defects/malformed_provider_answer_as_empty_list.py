"""A model list the provider sent as broken JSON is served as an empty list, with 200.

Models a "graceful fallback" that swallows parse errors (``except Exception: return []``): the playground
shows no models, nobody learns the provider answered garbage, and an empty list may even be cached. Breaks
policy B17 (a malformed upstream answer is reported as 502, never hidden).
"""

PROCESS = "backend"
POLICY = "B17"
CAUGHT_BY = ["A Malformed Gemini Answer Gives 502 With A Parse Error"]
FAILS_WITH = r'\"malformed json\" from gemini .* must reach the user as 502: .*→ 200'


def apply():
    from sut.backend import llm_providers

    parse_model_list = llm_providers.parse_model_list

    def parse_model_list_or_nothing(provider, answer):
        try:
            return parse_model_list(provider, answer)
        except llm_providers.ProviderError:
            return []

    llm_providers.parse_model_list = parse_model_list_or_nothing
