"""How failures are answered: invalid requests (422), a busy SQLite database or an unavailable span store (503,
retryable), a failing LLM provider (the status of :mod:`llm_providers`, policy B17)."""

import math
import re

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from . import middleware
from .llm_providers import ProviderError
from .span_store import SpanStoreError
from .sqlite_store import DatabaseBusy

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(value):
    """``value`` with lone surrogates (from JSON ``\\ud800`` escapes) replaced and non-finite numbers (Python's
    JSON parser accepts ``NaN`` and ``Infinity``) turned into text, so it can be encoded as JSON."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, list):
        return [printable(item) for item in value]
    if isinstance(value, dict):
        return {printable(key): printable(item) for key, item in value.items()}
    return value


async def validation_failed(request: Request, error: RequestValidationError) -> JSONResponse:
    """FastAPI's own 422 answer, except that an echoed input that is not valid Unicode cannot cause a 500."""
    return JSONResponse({"detail": printable(jsonable_encoder(error.errors()))}, status_code=422)


async def database_busy(request: Request, error: DatabaseBusy) -> JSONResponse:
    """Another writer held SQLite past the busy timeout: a clear, retryable 503 (policy B18)."""
    return JSONResponse({"detail": middleware.DATABASE_BUSY}, status_code=503, headers={"Retry-After": "1"})


async def span_store_unavailable(request: Request, error: SpanStoreError) -> JSONResponse:
    """The span store is busy, corrupted or shutting down: 503 naming the cause (policy B20)."""
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after else None
    return JSONResponse({"detail": error.detail}, status_code=503, headers=headers)


async def provider_failed(request: Request, error: ProviderError) -> JSONResponse:
    """An LLM provider failed: the status its failure maps to (policy B17), never 500."""
    headers = {"Retry-After": error.retry_after} if error.retry_after else None
    return JSONResponse({"detail": error.detail}, status_code=error.status, headers=headers)


def install(app: FastAPI) -> None:
    """Answer every failure above as described."""
    app.add_exception_handler(RequestValidationError, validation_failed)
    app.add_exception_handler(DatabaseBusy, database_busy)
    app.add_exception_handler(SpanStoreError, span_store_unavailable)
    app.add_exception_handler(ProviderError, provider_failed)
