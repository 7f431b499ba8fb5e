"""Keywords that judge what a load of spans and requests achieved (plan section 3): pages that hold every
span once, a batch that costs less than its spans one by one, concurrent writers that all got through."""

from collections import Counter

from robot.api import logger
from robot.api.deco import keyword, library

SHOWN = 5


def _lead(policy: str) -> str:
    return f"{policy}: " if policy else ""


@library(scope="GLOBAL", auto_keywords=False)
class LoadExpectations:
    """Checks and small derived numbers of the performance suites.

    Spans are named by their *key* ``trace_id:span_id`` (as ``Pushed Span Keys`` and ``Page Through Service
    Spans`` give them). A push is the result of ``Push Span Load``; an outcome is one call of the
    ``Concurrency`` library. The ``... Should ...`` keywords fail with a message that starts with ``policy``.
    """

    # ------------------------------------------------------------------ spans and pages

    @keyword("Span Ids Of Keys")
    def span_ids_of_keys(self, keys: list) -> list:
        """The span ids of span keys ``trace_id:span_id``, in order.

        | ${span_ids} =    Span Ids Of Keys    ${pushed}
        """
        return [key.split(":")[1] for key in keys]

    @keyword("Span Count Listing Limit")
    def span_count_listing_limit(self, count: int) -> int:
        """The ``limit`` of one listing that shows whether a service holds exactly ``count`` spans: one more
        than ``count``, at most 10000 (the largest page the contract allows)."""
        return min(int(count) + 1, 10000)

    @keyword("Span Count Shown By Boundary Pages")
    def span_count_shown_by_boundary_pages(self, count: int, last: list, beyond: list) -> int:
        """How many spans a service holds, judged from the page of one span at offset ``count - 1`` (``last``)
        and the one at offset ``count`` (``beyond``): ``count`` when only the first holds a span."""
        return int(count) - 1 + len(last) + len(beyond)

    @keyword("Keys Should Be Paged Once Each")
    def keys_should_be_paged_once_each(self, paged: dict, expected: list, policy: str = "B15"):
        """The pages of ``paged`` (a result of ``Page Through Service Spans``) hold every key of ``expected``
        exactly once and nothing else. Every violation found (failed pages, repeated, missing or foreign
        spans) is reported in one failure."""
        keys = paged["span_keys"]
        repeated = sorted(key for key, copies in Counter(keys).items() if copies > 1)
        missing = sorted(set(expected) - set(keys))
        foreign = sorted(set(keys) - set(expected))
        violations = []
        if paged["problems"]:
            violations.append(f"paging failed: {paged['problems']}")
        if repeated:
            violations.append(f"{len(repeated)} span(s) repeated across pages, e.g. {repeated[:SHOWN]}")
        if missing:
            violations.append(f"{len(missing)} span(s) missing from the pages, e.g. {missing[:SHOWN]}")
        if foreign:
            violations.append(f"{len(foreign)} span(s) in the pages were never sent, e.g. {foreign[:SHOWN]}")
        if violations:
            raise AssertionError(f"{_lead(policy)}reading {len(expected)} spans in {paged['pages']} page(s): "
                                 + "; ".join(violations))

    @keyword("Page Should Hold Its Share")
    def page_should_hold_its_share(self, keys: list, offset: int, page_size: int, total: int, policy: str = "B15"):
        """The page at ``offset`` (``limit`` ``page_size``) of a service of ``total`` spans holds exactly
        ``page_size`` spans, or the rest of them on the last page. Otherwise paging is broken, not the store."""
        expected = min(int(page_size), int(total) - int(offset))
        if len(keys) != expected:
            raise AssertionError(f"{_lead(policy)}paging is broken (not the store): the page at offset {offset} "
                                 f"with limit {page_size} holds {len(keys)} spans, expected {expected} (limit "
                                 "ignored or off by one)")

    @keyword("Page Should Not Repeat Earlier Pages")
    def page_should_not_repeat_earlier_pages(self, keys: list, seen: list, offset: int, policy: str = "B15"):
        """No key of ``keys`` (the page at ``offset``) is among ``seen`` (the keys of earlier pages)."""
        repeated = len(set(keys) & set(seen))
        if repeated:
            raise AssertionError(f"{_lead(policy)}paging is broken (not the store): the page at offset {offset} "
                                 f"repeats {repeated} span(s) of earlier pages (pages overlap: an offset off by "
                                 "one?)")

    @keyword("Every Stored Span Should Be On A Page")
    def every_stored_span_should_be_on_a_page(self, sent: list, seen: list, policy: str = "B15"):
        """Every key of ``sent`` (spans known to be stored) is among ``seen`` (the keys of all pages)."""
        unpaged = len(set(sent) - set(seen))
        if unpaged:
            raise AssertionError(f"{_lead(policy)}paging is broken (not the store): {unpaged} of {len(sent)} "
                                 "stored spans are on no page")

    # ------------------------------------------------------------------ batches

    @keyword("Batches For Spans")
    def batches_for_spans(self, spans: int, spans_per_batch: int = 1000) -> int:
        """How many whole batches of ``spans_per_batch`` make ``spans`` spans."""
        return int(spans) // int(spans_per_batch)

    @keyword("Batch Should Cost At Most Single Exports")
    def batch_should_cost_at_most_single_exports(self, batch_load: dict, single_load: dict, most: float,
                                                 policy: str = "B15"):
        """The fastest acknowledgement of a batch of ``batch_load`` costs at most ``most`` times the fastest
        of the one-span Exports of ``single_load`` (fastest against fastest, so load on the machine cancels
        out). A batch that costs more commits per span, not per batch."""
        batch_ms = min(batch_load["latencies_ms"])
        single_ms = min(single_load["latencies_ms"])
        ratio = round(batch_ms / max(single_ms, 0.001), 1)
        spans = batch_load["spans_per_batch"]
        logger.info(f"A batch of {spans} spans: {batch_ms} ms; one span: {single_ms} ms (×{ratio}).")
        if ratio > float(most):
            raise AssertionError(f"{_lead(policy)}a batch of {spans} spans costs {ratio} single-span Exports "
                                 f"({batch_ms} ms against {single_ms} ms, at most {most} allowed): the target "
                                 "commits per span, not per batch")

    @keyword("Large Attribute Text")
    def large_attribute_text(self, size: int) -> str:
        """``size`` characters of what an LLM attribute carries: text, markup, quotes, JSON, newlines, non-ASCII."""
        return ('prompt: "<b>ünïcödé</b>" {"k": [1, 2.5]} \n ' * 4000)[:int(size)]

    # ------------------------------------------------------------------ concurrent writers

    @keyword("Span Writer Exports Should Have Been Acknowledged")
    def span_writer_exports_should_have_been_acknowledged(self, outcomes: list, policy: str = "B15") -> list:
        """Every Export of every span writer of ``outcomes`` (calls of ``Push Span Load``, as `Outcomes Of
        Keyword` picks them) was acknowledged; returns the pushes of the calls that returned one."""
        pushes = [o.result for o in outcomes if o.ok]
        failed = [f"{push.service}: {push.first_error}" for push in pushes if push.errors]
        if failed:
            raise AssertionError(f"{_lead(policy)}concurrent writers must all succeed, but Exports failed: {failed}")
        return pushes

    @keyword("Created Keys Should Be Listed Once")
    def created_keys_should_be_listed_once(self, outcomes: list, listed: list, policy: str = "B11"):
        """Each API key created by a call of ``outcomes`` (calls of ``Create API Key``, as `Outcomes Of
        Keyword` picks them) is in ``listed`` (the admin's keys) exactly once, under its name."""
        created = [o.result for o in outcomes if o.ok]
        copies_of = Counter(f"{key['id']} {key['name']}" for key in listed)
        for key in created:
            copies = copies_of[f"{key['id']} {key['name']}"]
            if copies != 1:
                raise AssertionError(f"{_lead(policy)}API key {key['name']} created by a concurrent writer is "
                                     f"listed {copies} times")
