"""Sessions: sign-in (throttled per account, policy B5), sign-out and the signed-in user's profile.

Seeded defects replace functions of :mod:`sut.backend.users` and :mod:`sut.backend.sessions`; the routes
therefore call them through their modules.
"""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, EmailStr

from .. import sessions, users
from ..state import Backend
from .common import CurrentUser, Message, Text

TOO_MANY_SIGN_INS = "Too many failed sign-in attempts for this account; retry later"


class Credentials(BaseModel):
    email: EmailStr
    password: Text


def build_router(backend: Backend) -> APIRouter:
    """The session endpoints."""
    db, settings = backend.db, backend.settings
    router = APIRouter(tags=["auth"])

    @router.post("/sign-in", response_model=Message)
    def sign_in(body: Credentials):
        throttle = backend.signin_throttle
        retry_after = throttle.retry_after(body.email)
        if retry_after is not None:
            headers = {"Retry-After": str(retry_after)}
            return JSONResponse({"detail": TOO_MANY_SIGN_INS}, status_code=429, headers=headers)
        user = users.authenticate(db, body.email, body.password, settings.bcrypt_rounds)
        if user is None:
            throttle.record_failure(body.email)
            raise HTTPException(status_code=401, detail="Invalid credentials")
        throttle.reset(body.email)
        cookie = sessions.start_session(db, backend.signer, user, settings.session_lifetime_s)
        header = sessions.set_cookie_header(cookie, settings.session_lifetime_s, settings.production)
        return JSONResponse({"message": "signed in"}, headers={"Set-Cookie": header})

    @router.post("/sign-out", response_model=Message)
    def sign_out(request: Request):
        cookie = request.cookies.get(sessions.COOKIE_NAME)
        session_id = sessions.unsign_cookie(backend.signer, cookie) if cookie else None
        if session_id is not None:
            sessions.end_session(db, session_id)
        header = sessions.delete_cookie_header(settings.production)
        return JSONResponse({"message": "signed out"}, headers={"Set-Cookie": header})

    @router.get("/auth-test")
    def auth_test(user: CurrentUser):
        return users.signed_in_profile(db, user)

    return router
