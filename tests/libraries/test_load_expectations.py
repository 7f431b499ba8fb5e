"""The checks of the performance suites: paging, batch cost, concurrent writers."""

import pytest
from LoadExpectations import LoadExpectations
from robot.utils import DotDict

CHECKS = LoadExpectations()


def paged(keys, problems=(), pages=1):
    return DotDict(span_keys=list(keys), problems=list(problems), pages=pages)


def test_paged_keys_pass_when_each_expected_key_is_there_once():
    CHECKS.keys_should_be_paged_once_each(paged(["t:a", "t:b"]), ["t:b", "t:a"])


def test_paged_keys_report_every_violation_at_once():
    with pytest.raises(AssertionError) as failure:
        CHECKS.keys_should_be_paged_once_each(paged(["t:a", "t:a", "t:x"], ["page 2: 500"], pages=2), ["t:a", "t:b"])
    assert str(failure.value) == (
        "B15: reading 2 spans in 2 page(s): paging failed: ['page 2: 500']; 1 span(s) repeated across pages, "
        "e.g. ['t:a']; 1 span(s) missing from the pages, e.g. ['t:b']; 1 span(s) in the pages were never sent, "
        "e.g. ['t:x']")


def test_a_short_page_is_reported_as_a_paging_fault():
    CHECKS.page_should_hold_its_share(["k"] * 50, 200, 100, 250)
    with pytest.raises(AssertionError, match=r"paging is broken \(not the store\): the page at offset 100 with "
                                             r"limit 100 holds 99 spans, expected 100"):
        CHECKS.page_should_hold_its_share(["k"] * 99, 100, 100, 250)


def test_overlapping_pages_and_unpaged_spans_are_paging_faults():
    with pytest.raises(AssertionError, match="the page at offset 100 repeats 1 span"):
        CHECKS.page_should_not_repeat_earlier_pages(["a", "b"], ["b", "c"], 100)
    with pytest.raises(AssertionError, match="1 of 3 stored spans are on no page"):
        CHECKS.every_stored_span_should_be_on_a_page(["a", "b", "c"], ["a", "b"])


def test_span_counts_and_ids():
    assert CHECKS.span_count_shown_by_boundary_pages(10, [{}], []) == 10
    assert CHECKS.span_count_shown_by_boundary_pages(10, [], []) == 9
    assert CHECKS.span_count_listing_limit(10000) == 10000
    assert CHECKS.span_count_listing_limit(5) == 6
    assert CHECKS.span_ids_of_keys(["t1:s1", "t1:s2"]) == ["s1", "s2"]
    assert CHECKS.batches_for_spans(10000) == 10


def test_a_batch_that_costs_too_many_single_exports_fails_with_the_ratio():
    batch = DotDict(latencies_ms=[300.0, 250.0], spans_per_batch=1000)
    CHECKS.batch_should_cost_at_most_single_exports(batch, DotDict(latencies_ms=[5.0, 9.0]), "60")
    with pytest.raises(AssertionError, match=r"B15: a batch of 1000 spans costs 125.0 single-span Exports "
                                             r"\(250.0 ms against 2.0 ms, at most 60 allowed\)"):
        CHECKS.batch_should_cost_at_most_single_exports(batch, DotDict(latencies_ms=[2.0]), "60")


def test_large_attribute_text_has_the_asked_size():
    text = CHECKS.large_attribute_text(102400)
    assert len(text) == 102400 and "ü" in text and "\n" in text


def outcome(result, ok=True):
    return DotDict(ok=ok, result=result)


def test_concurrent_writers_are_judged_by_their_results():
    push = DotDict(spans_per_s=1.0, service="w-0", errors=0, first_error=None)
    failed = DotDict(spans_per_s=1.0, service="w-2", errors=1, first_error="could not write the WAL")
    key = DotDict(id="k1", name="w-1")
    assert CHECKS.span_writer_exports_should_have_been_acknowledged([outcome(push), outcome(None, ok=False)]) == [push]
    with pytest.raises(AssertionError, match=r"concurrent writers must all succeed, but Exports failed: "
                                             r"\['w-2: could not write the WAL'\]"):
        CHECKS.span_writer_exports_should_have_been_acknowledged([outcome(push), outcome(failed)])
    CHECKS.created_keys_should_be_listed_once([outcome(key)], [{"id": "k1", "name": "w-1"}])
    with pytest.raises(AssertionError, match="B11: API key w-1 created by a concurrent writer is listed 2 times"):
        CHECKS.created_keys_should_be_listed_once([outcome(key)], [{"id": "k1", "name": "w-1"}] * 2)
