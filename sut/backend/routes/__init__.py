"""The backend's HTTP routes, one module per domain, each with ``build_router(backend) -> APIRouter``:

- ``health``: ``/ping``, ``/health``;
- ``users``: ``/users/...`` (the first user, listing, creating and deleting users);
- ``auth``: ``/sign-in``, ``/sign-out``, ``/auth-test``;
- ``api_keys``: ``/api_keys/...``;
- ``observability``: ``/api/v1/observability/...`` (spans);
- ``llm``: ``/llm/...`` (the LLM playground).

``common`` holds what several domains share (text fields, the signed-in user).
"""

from fastapi import FastAPI

from ..state import Backend
from . import api_keys, auth, health, llm, observability, users

DOMAINS = (health, users, auth, api_keys, observability, llm)


def install(app: FastAPI, backend: Backend) -> None:
    """Add every domain's routes to ``app``. A seam: seeded behaviours wrap it to add routes of their own."""
    for domain in DOMAINS:
        app.include_router(domain.build_router(backend))
