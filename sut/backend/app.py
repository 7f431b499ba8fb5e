"""The FastAPI application: health, users and sign-in, API keys, observability; error mapping.

Seeded defects replace functions of ``users``, ``sessions``, ``middleware`` and ``throttle``; this module
therefore calls them through their modules (``users.create_first_user(...)``), never by imported name.
"""

import math
import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Path, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from itsdangerous import TimestampSigner
from pydantic import AfterValidator, BaseModel, EmailStr, Field

from . import api_keys, llm_routes, middleware, observability, sessions, users
from .settings import Settings
from .span_store import SpanStore, SpanStoreError
from .sqlite_store import DatabaseBusy, SqliteStore
from .throttle import SlidingWindowThrottle

APP_NAME = "Junjo AI Studio reference target"
VERSION = "0.1.0"
SQLITE_INT_MAX = 2**63 - 1


@dataclass
class Backend:
    """Everything the endpoints need."""

    settings: Settings
    db: SqliteStore
    signer: TimestampSigner
    signin_throttle: SlidingWindowThrottle
    span_store: SpanStore


# ---- request bodies ---------------------------------------------------------------------------------


def _utf8(value: str) -> str:
    value.encode("utf-8")  # a lone surrogate raises UnicodeEncodeError, a ValueError → 422
    return value


def _bcrypt_length(value: str) -> str:
    if users.password_too_long(value):
        raise ValueError(f"password must be at most {users.BCRYPT_MAX_BYTES} bytes in UTF-8")
    return value


NewPassword = Annotated[str, Field(min_length=8), AfterValidator(_utf8), AfterValidator(_bcrypt_length)]
Text = Annotated[str, AfterValidator(_utf8)]


class NewUser(BaseModel):
    email: EmailStr
    password: NewPassword


class Credentials(BaseModel):
    email: EmailStr
    password: Text


class NewApiKey(BaseModel):
    name: Annotated[str, Field(min_length=1), AfterValidator(_utf8)]


class Message(BaseModel):
    message: str


class UserOut(BaseModel):
    id: int
    email: str
    is_active: bool
    created_at: str
    updated_at: str


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


# ---- helpers ----------------------------------------------------------------------------------------

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _printable(value):
    """``value`` with lone surrogates (from JSON ``\\ud800`` escapes) replaced and non-finite numbers (Python's
    JSON parser accepts ``NaN`` and ``Infinity``) turned into text, so it can be encoded as JSON."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, list):
        return [_printable(item) for item in value]
    if isinstance(value, dict):
        return {_printable(key): _printable(item) for key, item in value.items()}
    return value



def current_user(request: Request) -> users.User:
    """The signed-in user (the session middleware has checked the cookie before routing)."""
    user = request.scope.get("state", {}).get("user")
    if user is None:
        raise HTTPException(status_code=401, detail=middleware.NO_SESSION)
    return user


CurrentUser = Annotated[users.User, Depends(current_user)]
UserId = Annotated[int, Path(ge=-SQLITE_INT_MAX, le=SQLITE_INT_MAX)]


def create_app(backend: Backend) -> FastAPI:
    settings = backend.settings
    db = backend.db
    app = FastAPI(title=APP_NAME, version=VERSION, redoc_url=None)

    # Middleware added last runs first: security headers wrap everything, then the session check.
    app.add_middleware(
        middleware.SessionMiddleware,
        authenticate=lambda cookie: sessions.authenticate(db, backend.signer, cookie, settings.session_lifetime_s),
    )
    app.add_middleware(middleware.SecurityHeadersMiddleware)

    @app.exception_handler(RequestValidationError)
    async def validation_failed(request: Request, error: RequestValidationError):
        # FastAPI's own handler, except that an echoed input that is not valid Unicode cannot cause a 500
        return JSONResponse({"detail": _printable(jsonable_encoder(error.errors()))}, status_code=422)

    @app.exception_handler(DatabaseBusy)
    async def database_busy(request: Request, error: DatabaseBusy):
        return JSONResponse({"detail": middleware.DATABASE_BUSY}, status_code=503, headers={"Retry-After": "1"})

    @app.exception_handler(SpanStoreError)
    async def span_store_unavailable(request: Request, error: SpanStoreError):
        headers = {"Retry-After": str(error.retry_after)} if error.retry_after else None
        return JSONResponse({"detail": error.detail}, status_code=503, headers=headers)

    # ---- health ---------------------------------------------------------------------------------

    @app.get("/ping", response_model=str, tags=["health"])
    async def ping():  # async: no I/O, so no thread hop
        return "pong"

    @app.get("/health", tags=["health"])
    async def health():
        return {"status": "ok", "version": VERSION, "app_name": APP_NAME}

    # ---- users and sign-in ----------------------------------------------------------------------

    @app.get("/users/db-has-users", tags=["users"])
    def db_has_users():
        return {"users_exist": users.has_users(db)}

    @app.post("/users/create-first-user", response_model=Message, tags=["users"])
    def create_first_user(body: NewUser):
        if not users.create_first_user(db, body.email, body.password, settings.bcrypt_rounds):
            raise HTTPException(status_code=400, detail="Users already exist, cannot create first user")
        return {"message": "First user created successfully"}

    @app.post("/sign-in", response_model=Message, tags=["auth"])
    def sign_in(body: Credentials):
        throttle = backend.signin_throttle
        retry_after = throttle.retry_after(body.email)
        if retry_after is not None:
            return JSONResponse(
                {"detail": "Too many failed sign-in attempts for this account; retry later"},
                status_code=429,
                headers={"Retry-After": str(retry_after)},
            )
        user = users.authenticate(db, body.email, body.password, settings.bcrypt_rounds)
        if user is None:
            throttle.record_failure(body.email)
            raise HTTPException(status_code=401, detail="Invalid credentials")
        throttle.reset(body.email)
        cookie = sessions.start_session(db, backend.signer, user, settings.session_lifetime_s)
        header = sessions.set_cookie_header(cookie, settings.session_lifetime_s, settings.production)
        return JSONResponse({"message": "signed in"}, headers={"Set-Cookie": header})

    @app.post("/sign-out", response_model=Message, tags=["auth"])
    def sign_out(request: Request):
        cookie = request.cookies.get(sessions.COOKIE_NAME)
        session_id = sessions.unsign_cookie(backend.signer, cookie) if cookie else None
        if session_id is not None:
            sessions.end_session(db, session_id)
        header = sessions.delete_cookie_header(settings.production)
        return JSONResponse({"message": "signed out"}, headers={"Set-Cookie": header})

    @app.get("/auth-test", tags=["auth"])
    def auth_test(user: CurrentUser):
        return users.signed_in_profile(db, user)

    @app.get("/users", response_model=list[UserOut], tags=["users"])
    def list_users(user: CurrentUser):
        return [account.public() for account in users.list_users(db)]

    @app.post("/users", response_model=Message, tags=["users"])
    def create_user(body: NewUser, user: CurrentUser):
        if not users.create_user(db, body.email, body.password, settings.bcrypt_rounds):
            raise HTTPException(status_code=409, detail="A user with this email already exists")
        return {"message": "User created successfully"}

    @app.delete("/users/{user_id}", response_model=Message, tags=["users"])
    def delete_user(user_id: UserId, user: CurrentUser):
        if not users.delete_user(db, user_id):
            raise HTTPException(status_code=404, detail="User not found")
        return {"message": "User deleted successfully"}

    # ---- API keys -------------------------------------------------------------------------------

    @app.post("/api_keys", status_code=201, response_model=ApiKeyOut, tags=["api keys"])
    def create_api_key(body: NewApiKey, user: CurrentUser):
        return api_keys.create_key(db, user.id, body.name)

    @app.get("/api_keys", response_model=list[ApiKeyListed], tags=["api keys"])
    def list_api_keys(user: CurrentUser):
        return api_keys.list_keys(db, user.id)

    @app.delete("/api_keys/{key_id}", status_code=204, response_class=Response, tags=["api keys"])
    def delete_api_key(key_id: str, user: CurrentUser):
        if not api_keys.delete_key(db, user.id, key_id):
            raise HTTPException(status_code=404, detail="API key not found")
        return Response(status_code=204)

    app.include_router(observability.build_router(backend.span_store))
    llm_routes.install(app, settings)
    return app
