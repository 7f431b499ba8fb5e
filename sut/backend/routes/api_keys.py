"""API keys of the signed-in user: create (the only answer that shows the value, policy B21), list, delete.

Seeded defects replace functions of :mod:`sut.backend.api_keys`; the routes therefore call them through it.
"""

from typing import Annotated

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response
from pydantic import AfterValidator, BaseModel, Field

from .. import api_keys
from ..state import Backend
from .common import CurrentUser, utf8


class NewApiKey(BaseModel):
    name: Annotated[str, Field(min_length=1), AfterValidator(utf8)]


class ApiKeyOut(BaseModel):
    id: str
    key: str
    name: str
    created_at: str


class ApiKeyListed(BaseModel):
    """A key as listed: never its value, only a short prefix to recognise it by (policy B21)."""

    id: str
    name: str
    created_at: str
    key_prefix: str


def build_router(backend: Backend) -> APIRouter:
    """The API key endpoints."""
    db = backend.db
    router = APIRouter(prefix="/api_keys", tags=["api keys"])

    @router.post("", status_code=201, response_model=ApiKeyOut)
    def create_api_key(body: NewApiKey, user: CurrentUser):
        return api_keys.create_key(db, user.id, body.name)

    @router.get("", response_model=list[ApiKeyListed])
    def list_api_keys(user: CurrentUser):
        return api_keys.list_keys(db, user.id)

    @router.delete("/{key_id}", status_code=204, response_class=Response)
    def delete_api_key(key_id: str, user: CurrentUser):
        if not api_keys.delete_key(db, user.id, key_id):
            raise HTTPException(status_code=404, detail="API key not found")
        return Response(status_code=204)

    return router
