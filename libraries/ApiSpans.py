"""Keywords that read stored spans through the target's HTTP API: services, a service's spans (also page by
page), a trace's spans, one span."""

from urllib.parse import quote

from robot.api import logger
from robot.api.deco import keyword, library
from robot.utils import DotDict

from junjo_acceptance.api_client import load
from junjo_acceptance.api_client.connections import API, status_should_be

OBSERVABILITY = "/api/v1/observability"


@library(scope="GLOBAL", auto_keywords=False)
class ApiSpans:
    """The observability endpoints (``/api/v1/observability``) as a signed-in client ``by`` reads them.
    Every keyword fails unless the endpoint answers 200. The clients are those of ``ApiEndpoints`` and
    ``ApiSessions``."""

    @keyword("Get Services")
    def get_services(self, by: str) -> list:
        """Service names with stored spans (``GET /api/v1/observability/services``, must answer 200)."""
        return self._observe("/services", by)

    @keyword("Get Service Spans")
    def get_service_spans(self, service: str, by: str, limit: "int | None" = None, offset: "int | None" = None,
                          kind: str = "spans") -> list:
        """Spans of ``service``, newest first; ``kind`` is ``spans``, ``root`` or ``workflows``."""
        path = f"/services/{quote(service, safe='')}/spans" if kind != "workflows" else \
            f"/services/{quote(service, safe='')}/workflows"
        path += "/root" if kind == "root" else ""
        params = {k: v for k, v in (("limit", limit), ("offset", offset)) if v is not None}
        return self._observe(path, by, params)

    @keyword("Get Trace Spans")
    def get_trace_spans(self, trace_id: str, by: str) -> list:
        """All stored spans of ``trace_id`` (``GET /api/v1/observability/traces/{trace_id}/spans``)."""
        return self._observe(f"/traces/{quote(trace_id, safe='')}/spans", by)

    @keyword("Get Span")
    def get_span(self, trace_id: str, span_id: str, by: str):
        """One stored span, or ``None`` when the target has none with these ids."""
        return self._observe(f"/traces/{quote(trace_id, safe='')}/spans/{quote(span_id, safe='')}", by)

    @keyword("Page Through Service Spans")
    def page_through_service_spans(self, service: str, by: str, page_size: int = 100,
                                   max_pages: int = 1000, offset_paging: bool = True) -> DotDict:
        """Read every span of ``service`` page by page (``limit=page_size``, ``offset`` 0, ``page_size`` ...)
        until a page is short, timing each page; at most ``max_pages`` pages. With ``offset_paging=False`` (the
        target's profile says its lists take no ``offset``) one listing stands for all pages and ``offset`` is
        never sent — sending it to such a target would read the first page again and again.

        Returns ``pages``, ``latencies_ms`` and ``at_s`` (per page), ``span_keys`` (``trace_id:span_id`` of every
        span in page order), ``statuses`` and ``problems`` (a page that was not a 200 list).

        | ${paged} =    Page Through Service Spans    ${service}    by=admin    page_size=100
        """
        path = f"{OBSERVABILITY}/services/{quote(service, safe='')}/spans"
        result = load.page_through(API.clients, by, path, int(page_size), int(max_pages), bool(offset_paging))
        logger.info(f"Paged through {path} by {page_size}: {result['pages']} pages, {len(result['span_keys'])} spans, "
                    f"statuses {result['statuses']}" + "".join(f"\n  {p}" for p in result["problems"]))
        return DotDict(result)

    @staticmethod
    def _observe(path: str, by: str, params: "dict | None" = None):
        answer = API.call("GET", OBSERVABILITY + path, by, params=params)
        status_should_be(answer, 200, f"reading {OBSERVABILITY}{path}")
        return answer.json
