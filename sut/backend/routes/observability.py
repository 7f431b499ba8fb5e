"""HTTP endpoints under ``/api/v1/observability``: read spans from the span store (contract A2).

Responses are serialised directly (no per-field validation) so that a page of spans or a 1000-span
trace stays fast; the ``Span`` model only documents the shape in the OpenAPI document.
"""

import json
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from ..span_store import SPAN_COLUMNS
from ..state import Backend

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
JSON_COLUMNS = (
    "attributes_json",
    "events_json",
    "links_json",
    "junjo_wf_state_start",
    "junjo_wf_state_end",
    "junjo_wf_graph_structure",
)
MAX_OFFSET = 2**62

Limit = Annotated[int, Query(ge=1, le=10000, description="at most this many spans")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="skip this many spans first")]


class Span(BaseModel):
    trace_id: str
    span_id: str
    parent_span_id: str | None
    service_name: str
    name: str | None
    kind: str | None
    start_time: str
    end_time: str
    status_code: str | None
    status_message: str | None
    attributes_json: dict[str, Any] | None
    events_json: list[dict[str, Any]] | None
    links_json: list[dict[str, Any]] | None
    trace_flags: int | None
    trace_state: str | None
    junjo_id: str | None
    junjo_parent_id: str | None
    junjo_span_type: str | None
    junjo_wf_state_start: Any
    junjo_wf_state_end: Any
    junjo_wf_graph_structure: Any
    junjo_wf_store_id: str | None


def iso_utc(epoch_us: int) -> str:
    """µs since the epoch → ``2025-11-01T10:00:00.123456+00:00``."""
    return (EPOCH + timedelta(microseconds=epoch_us)).isoformat(timespec="microseconds")


# Most spans have no events, links or workflow state: their JSON text is one of these, parsed once here.
_COMMON_JSON = {"[]": list, "{}": dict}
_decode_json = json.JSONDecoder(parse_constant=str).decode


def _json_value(text: str):
    empty = _COMMON_JSON.get(text)
    return empty() if empty else _decode_json(text)


def span_json(row: tuple) -> dict:
    span = dict(zip(SPAN_COLUMNS, row, strict=False))
    span["start_time"] = iso_utc(span["start_time"])
    span["end_time"] = iso_utc(span["end_time"])
    for column in JSON_COLUMNS:
        if span[column] is not None:
            span[column] = _json_value(span[column])
    return span


def spans_response(rows: list[tuple]) -> JSONResponse:
    return JSONResponse([span_json(row) for row in rows])


def build_router(backend: Backend) -> APIRouter:
    """The span endpoints. Seeded defects replace ``spans_response`` and methods of the span store."""
    store = backend.span_store
    router = APIRouter(prefix="/api/v1/observability", tags=["observability"])

    @router.get("/services", response_model=list[str], summary="Service names, ascending")
    def services():
        return JSONResponse(store.service_names())

    @router.get("/services/{service_name}/spans", response_model=list[Span], summary="A service's spans, newest first")
    def service_spans(service_name: str, limit: Limit = 500, offset: Offset = 0):
        return spans_response(store.find_spans(service=service_name, limit=limit, offset=offset))

    @router.get(
        "/services/{service_name}/spans/root",
        response_model=list[Span],
        summary="A service's root spans; has_llm keeps traces with an LLM span",
    )
    def root_spans(service_name: str, has_llm: bool = False, limit: Limit = 500, offset: Offset = 0):
        rows = store.find_spans(service=service_name, roots_only=True, with_llm=has_llm, limit=limit, offset=offset)
        return spans_response(rows)

    @router.get("/services/{service_name}/workflows", response_model=list[Span], summary="A service's workflow spans")
    def workflow_spans(service_name: str, limit: Limit = 500, offset: Offset = 0):
        rows = store.find_spans(service=service_name, workflows_only=True, limit=limit, offset=offset)
        return spans_response(rows)

    @router.get("/traces/{trace_id}/spans", response_model=list[Span], summary="Every span of a trace")
    def trace_spans(trace_id: str):
        return spans_response(store.find_spans(trace_id=trace_id))

    @router.get("/traces/{trace_id}/spans/{span_id}", response_model=Span | None, summary="One span, or null")
    def one_span(trace_id: str, span_id: str):
        rows = store.find_spans(trace_id=trace_id, span_id=span_id, limit=1)
        return JSONResponse(span_json(rows[0]) if rows else None)

    return router
