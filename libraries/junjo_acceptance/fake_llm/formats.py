"""Bodies shaped like the three providers' APIs: model lists, chat completions and error answers."""

import json
import time

PROVIDERS = ("openai", "anthropic", "gemini")
DEFAULT_MODELS = {
    "openai": ["gpt-4o", "gpt-4o-mini", "o3-mini"],
    "anthropic": ["claude-sonnet-4-20250514", "claude-3-5-haiku-20241022"],
    "gemini": ["gemini-2.5-pro", "gemini-2.0-flash"],
}
# The path of each provider's API under the fake server; the target's base URL setting ends with it.
API_ROOTS = {"openai": "/openai/v1", "anthropic": "/anthropic/v1", "gemini": "/gemini/v1beta"}


def _title(model: str) -> str:
    return model.replace("-", " ").title()


def model_list(provider: str, models: list[str]) -> dict:
    """The provider's answer to its model-list call."""
    if provider == "openai":
        return {"object": "list", "data": [{"id": m, "object": "model", "created": 1_700_000_000,
                                            "owned_by": "openai"} for m in models]}
    if provider == "anthropic":
        data = [{"type": "model", "id": m, "display_name": _title(m), "created_at": "2025-05-14T00:00:00Z"}
                for m in models]
        return {"data": data, "has_more": False, "first_id": models[0] if models else None,
                "last_id": models[-1] if models else None}
    return {"models": [{"name": f"models/{m}", "displayName": _title(m), "inputTokenLimit": 1_048_576,
                        "outputTokenLimit": 65_536, "supportedGenerationMethods": ["generateContent"],
                        "thinking": "2.5" in m} for m in models]}


def chat_completion(model: str, request: dict) -> dict:
    """An OpenAI chat completion answering the last message of ``request``."""
    messages = request.get("messages") or [{}]
    question = str(messages[-1].get("content", ""))
    return {"id": f"chatcmpl-fake-{int(time.time() * 1000)}", "object": "chat.completion",
            "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": f"Fake answer to: {question[:200]}"}}],
            "usage": {"prompt_tokens": len(question.split()), "completion_tokens": 4,
                      "total_tokens": len(question.split()) + 4}}


def error_body(provider: str, status: int, message: str) -> dict:
    """An error answer as the provider words it."""
    if provider == "anthropic":
        kind = {401: "authentication_error", 429: "rate_limit_error"}.get(status, "api_error")
        return {"type": "error", "error": {"type": kind, "message": message}}
    if provider == "gemini":
        state = {401: "UNAUTHENTICATED", 429: "RESOURCE_EXHAUSTED"}.get(status, "INTERNAL")
        return {"error": {"code": status, "message": message, "status": state}}
    kind = {401: "invalid_request_error", 429: "requests"}.get(status, "server_error")
    return {"error": {"message": message, "type": kind, "param": None, "code": None}}


def malformed(operation: str) -> bytes:
    """A body that starts like the real answer and breaks off: not valid JSON."""
    return b'{"models": [{"name": "models/gemini-2.5-pro", "displayName": ' if operation == "models" else \
        b'{"id": "chatcmpl-broken", "choices": [{"index": 0, "message": {"content": "cut'


def dumps(body: dict) -> bytes:
    return json.dumps(body).encode("utf-8")
