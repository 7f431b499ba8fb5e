"""The small checks and builders of the error-recovery suites."""

import pytest
from RecoveryExpectations import RecoveryExpectations

from junjo_acceptance.api_client.client import ApiResponse

CHECKS = RecoveryExpectations()


def test_header_of_answer_ignores_case():
    answer = ApiResponse("POST", "/api_keys", "admin", 503, {"Retry-After": "1"}, "")
    assert CHECKS.header_of_answer(answer, "retry-after") == "1"
    assert CHECKS.header_of_answer(answer, "X-Missing") is None


def test_names_of_api_keys_and_the_span_in_the_middle():
    assert CHECKS.names_of_api_keys([{"name": "a"}, {"name": "b"}]) == ["a", "b"]
    assert CHECKS.batch_with_span_in_the_middle([1, 2, 3, 4], "bad") == [1, 2, "bad", 3, 4]


def test_stored_junjo_state_is_raw_in_either_place():
    CHECKS.stored_junjo_state_should_be_raw({"attributes_json": {"junjo.workflow.state.start": "NaN"}}, "NaN", "NaN")
    CHECKS.stored_junjo_state_should_be_raw({"attributes_json": None, "junjo_wf_state_start": "NaN"}, "NaN", "NaN")
    with pytest.raises(AssertionError, match="B13: the accepted span whose junjo JSON holds NaN must be stored"):
        CHECKS.stored_junjo_state_should_be_raw({"junjo_wf_state_start": "null"}, "NaN", "NaN")
