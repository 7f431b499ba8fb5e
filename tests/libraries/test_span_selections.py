"""SpanExpectations: the sent spans a test picks out (of a trace, of a service, for each read endpoint), and
the check that non-finite doubles kept what they are."""

import pytest
from SpanExpectations import SpanExpectations
from SpanScenarios import SpanScenarios

from junjo_acceptance.ingestion import scenarios


def test_selections_of_sent_spans_and_the_endpoints_that_must_return_them():
    library = SpanExpectations()
    run = scenarios.workflow_trace(3, "svc-a")
    plain = scenarios.trace(2, "svc-b")
    sent = run + plain
    assert library.spans_of_trace(sent, plain[0]["trace_id"]) == plain
    assert library.spans_of_service(sent, "svc-a") == run
    expected = library.spans_expected_from_each_service_endpoint(sent)
    assert expected["spans"] == sent
    assert expected["root"] == [span for span in sent if span["parent_span_id"] is None] and len(expected["root"]) == 2
    assert expected["workflows"] == [run[0]]
    span = SpanScenarios().build_span_with_non_finite_doubles("svc")[0]
    library.non_finite_doubles_should_have_kept_what_they_are(
        {"attributes_json": {"pos_inf": "Infinity", "neg_inf": "-Infinity", "nan": "NaN"}})
    library.non_finite_doubles_should_have_kept_what_they_are({"attributes_json": span["attributes_json"]})
    with pytest.raises(AssertionError, match=r"B11: a -Infinity double attribute came back as infinity"):
        library.non_finite_doubles_should_have_kept_what_they_are(
            {"attributes_json": {"pos_inf": "Infinity", "neg_inf": "Infinity", "nan": "NaN"}})
