"""User accounts: whether any exist, the first user (public), and listing, creating and deleting users.

Seeded defects replace functions of :mod:`sut.backend.users` and this module's ``NewUser`` body; the routes
therefore call them through their modules and look ``NewUser`` up when the router is built.
"""

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, EmailStr

from .. import users
from ..state import Backend
from .common import CurrentUser, Message, NewPassword, UserId


class NewUser(BaseModel):
    """The body of a new account. A seam: seeded defects replace it."""

    email: EmailStr
    password: NewPassword


class UserOut(BaseModel):
    id: int
    email: str
    is_active: bool
    created_at: str
    updated_at: str


def build_router(backend: Backend) -> APIRouter:
    """The user endpoints."""
    db, rounds = backend.db, backend.settings.bcrypt_rounds
    router = APIRouter(prefix="/users", tags=["users"])

    @router.get("/db-has-users")
    def db_has_users():
        return {"users_exist": users.has_users(db)}

    @router.post("/create-first-user", response_model=Message)
    def create_first_user(body: NewUser):
        if not users.create_first_user(db, body.email, body.password, rounds):
            raise HTTPException(status_code=400, detail="Users already exist, cannot create first user")
        return {"message": "First user created successfully"}

    @router.get("", response_model=list[UserOut])
    def list_users(user: CurrentUser):
        return [account.public() for account in users.list_users(db)]

    @router.post("", response_model=Message)
    def create_user(body: NewUser, user: CurrentUser):
        if not users.create_user(db, body.email, body.password, rounds):
            raise HTTPException(status_code=409, detail="A user with this email already exists")
        return {"message": "User created successfully"}

    @router.delete("/{user_id}", response_model=Message)
    def delete_user(user_id: UserId, user: CurrentUser):
        if not users.delete_user(db, user_id):
            raise HTTPException(status_code=404, detail="User not found")
        return {"message": "User deleted successfully"}

    return router
