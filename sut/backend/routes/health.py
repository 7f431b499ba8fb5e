"""``/ping`` and ``/health``: public, no I/O."""

from fastapi import APIRouter

from ..state import Backend

APP_NAME = "Junjo AI Studio reference target"
VERSION = "0.1.0"


def build_router(backend: Backend) -> APIRouter:
    """The health endpoints."""
    router = APIRouter(tags=["health"])

    @router.get("/ping", response_model=str)
    async def ping():  # async: no I/O, so no thread hop
        return "pong"

    @router.get("/health")
    async def health():
        return {"status": "ok", "version": VERSION, "app_name": APP_NAME}

    return router
