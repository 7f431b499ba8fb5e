"""What the routes of several domains share: text fields that must be valid Unicode, the new-password rule,
the plain ``{"message": ...}`` answer and the signed-in user."""

from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request
from pydantic import AfterValidator, BaseModel, Field

from .. import middleware, users

SQLITE_INT_MAX = 2**63 - 1


def utf8(value: str) -> str:
    """``value`` if it can be encoded as UTF-8: a lone surrogate raises UnicodeEncodeError, a ValueError → 422."""
    value.encode("utf-8")
    return value


def bcrypt_length(value: str) -> str:
    """``value`` if bcrypt can hash all of it (at most ``users.BCRYPT_MAX_BYTES`` bytes), else a 422."""
    if users.password_too_long(value):
        raise ValueError(f"password must be at most {users.BCRYPT_MAX_BYTES} bytes in UTF-8")
    return value


NewPassword = Annotated[str, Field(min_length=8), AfterValidator(utf8), AfterValidator(bcrypt_length)]
Text = Annotated[str, AfterValidator(utf8)]


class Message(BaseModel):
    message: str


def current_user(request: Request) -> users.User:
    """The signed-in user (the session middleware has checked the cookie before routing)."""
    user = request.scope.get("state", {}).get("user")
    if user is None:
        raise HTTPException(status_code=401, detail=middleware.NO_SESSION)
    return user


CurrentUser = Annotated[users.User, Depends(current_user)]
UserId = Annotated[int, Path(ge=-SQLITE_INT_MAX, le=SQLITE_INT_MAX)]
