"""HTTP endpoints of the LLM playground (contract A2); the session middleware has checked the session.

- ``GET /llm/providers/{provider}/models``: the cached model list (single flight, policy B16);
- ``POST /llm/providers/{provider}/models/refresh``: a new list from the provider, bypassing the cache;
- ``POST /llm/generate``: ``{model: "<provider>/<model>", messages, ...}`` → an OpenAI-shaped completion.

Provider failures are answered as ``{"detail": ...}`` with the status of :mod:`llm_providers` (B17, see
:mod:`sut.backend.errors`).
"""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from .. import llm_providers
from ..llm_providers import PROVIDERS
from ..model_cache import ModelCache
from ..state import Backend

ProviderName = Annotated[str, Path(max_length=100, description="openai, anthropic or gemini")]


class ChatMessage(BaseModel):
    role: Annotated[str, Field(min_length=1, max_length=100)]
    content: Any


class GenerateRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    model: Annotated[str, Field(min_length=3, max_length=300, description="<provider>/<model>")]
    messages: Annotated[list[ChatMessage], Field(min_length=1)]
    temperature: float | None = None
    max_tokens: int | None = None


class ModelList(BaseModel):
    models: list[dict[str, Any]]


def _known(provider: str) -> str:
    if provider not in PROVIDERS:
        raise HTTPException(status_code=400, detail=f"Unknown provider {provider!r}; use {', '.join(PROVIDERS)}")
    return provider


def build_router(backend: Backend) -> APIRouter:
    """The playground, its providers and model cache configured from the backend's settings."""
    settings = backend.settings
    providers = llm_providers.providers_from_settings(settings)
    cache = ModelCache(lambda provider: providers[provider].list_models(), settings.model_cache_ttl_s)
    router = APIRouter(prefix="/llm", tags=["llm playground"])

    @router.get("/providers/{provider}/models", response_model=ModelList, summary="A provider's models (cached)")
    def list_models(provider: ProviderName):
        return {"models": cache.get(_known(provider))}

    @router.post(
        "/providers/{provider}/models/refresh", response_model=ModelList, summary="A provider's models, fetched now"
    )
    def refresh_models(provider: ProviderName):
        return {"models": cache.refresh(_known(provider))}

    @router.post("/generate", summary="A chat completion (OpenAI-shaped) from the model's provider")
    def generate(body: GenerateRequest):
        provider, _, model = body.model.partition("/")
        if not model:
            raise HTTPException(status_code=400, detail="model must be '<provider>/<model>', e.g. 'openai/gpt-4o'")
        payload = body.model_dump(exclude={"model"}, exclude_none=True)
        return JSONResponse(providers[_known(provider)].generate(model, payload))

    return router
