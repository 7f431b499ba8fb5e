"""Read the outcomes of concurrent calls the way tests judge them: HTTP status, a field, the error."""

from collections import Counter
from typing import Any

from robot.api.types import Secret

from junjo_acceptance.masking import mask, reveal

SERVER_ERROR = 500


def status_of(result: Any) -> "int | None":
    """The HTTP status of a result (an ``ApiResponse`` or a dict with ``status``), else None."""
    if isinstance(result, dict):
        return result.get("status")
    return getattr(result, "status", None)


def field_of(result: Any, field: str) -> Any:
    """``field`` of a result: a dict key, or a key of an ``ApiResponse``'s JSON body; the result itself when
    ``field`` is empty. Secrets are revealed."""
    if not field:
        value = result
    elif isinstance(result, dict):
        value = result.get(field)
    else:
        body = getattr(result, "json", None)
        value = body.get(field) if isinstance(body, dict) else None
    return reveal(value) if isinstance(value, Secret) else value


def error_text(error: "BaseException | None") -> str:
    """``Type: message`` of an exception, or an empty string."""
    if error is None:
        return ""
    message = str(error)
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def count_text(values: list) -> str:
    """``201×98, 500×2``: how often each value occurs, in sorted order of the values."""
    counts = Counter(values)
    return ", ".join(f"{value}×{counts[value]}" for value in sorted(counts, key=str))


def duplicates(values: list, secret: bool = False) -> list[str]:
    """The values that occur more than once (masked when ``secret``), each with its count."""
    counts = Counter(values)
    return [f"{mask(value) if secret else value} ×{count}" for value, count in counts.items() if count > 1]
