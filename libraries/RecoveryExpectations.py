"""Keywords that judge how a broken target answers and what it kept (plan section 4): headers of its
answers, the API keys it stored, the spans of a partial batch."""

from robot.api.deco import keyword, library


def _lead(policy: str) -> str:
    return f"{policy}: " if policy else ""


@library(scope="GLOBAL", auto_keywords=False)
class RecoveryExpectations:
    """Small checks and builders of the error-recovery suites.

    An *answer* is what ``Call API`` returns (``status``, ``json``, ``headers`` ...); a *stored span* is a
    span as the API returns it. The ``... Should ...`` keywords fail with a message that starts with
    ``policy``.
    """

    @keyword("Header Of Answer")
    def header_of_answer(self, answer, name: str):
        """The value of header ``name`` (any case) of ``answer``, or ``None``."""
        return answer.header(name)

    @keyword("Names Of API Keys")
    def names_of_api_keys(self, keys: list) -> list:
        """The names of ``keys`` (as ``List API Keys`` returns them), in order."""
        return [key["name"] for key in keys]

    @keyword("Batch With Span In The Middle")
    def batch_with_span_in_the_middle(self, spans: list, span) -> list:
        """A new batch: ``spans`` with ``span`` put in their middle."""
        half = len(spans) // 2
        return [*spans[:half], span, *spans[half:]]

    @keyword("Stored Junjo State Should Be Raw")
    def stored_junjo_state_should_be_raw(self, stored: dict, raw: str, hazard: str, policy: str = "B13"):
        """An accepted span keeps its workflow start state exactly as sent: in ``attributes_json``
        (``junjo.workflow.state.start``) or as the raw text of ``junjo_wf_state_start``."""
        attribute = (stored.get("attributes_json") or {}).get("junjo.workflow.state.start")
        if attribute != raw and stored.get("junjo_wf_state_start") != raw:
            raise AssertionError(f"{_lead(policy)}the accepted span whose junjo JSON holds {hazard} must be "
                                 "stored with its raw value as sent")
