"""New accounts take the email address as typed: a hand-written format check replaces the normaliser.

Models an endpoint whose model declares ``email: str`` with a regular expression instead of an email type
that normalises: ``Zoë@Example.COM``, `` zoë@example.com `` and the decomposed ``zoë`` are stored as three
different addresses, so one person ends up with several accounts (each with its own password, sessions
and keys). Breaks contract A2 (surrounding whitespace stripped, domain lower-cased; an existing address
gets 409).
"""

PROCESS = "backend"
POLICY = "A2"
CAUGHT_BY = ["One Identity Spelled Two Ways Is Never Two Accounts"]
FAILS_WITH = r"the same address with its .* must be refused as an existing account.*→ 200"


def apply():
    import re
    from typing import Annotated

    from pydantic import AfterValidator, BaseModel

    from sut.backend.routes import common, users

    def looks_like_email(value: str) -> str:
        if not re.fullmatch(r"\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*", value):
            raise ValueError("value is not a valid email address")
        return value

    class NewUser(BaseModel):
        email: Annotated[str, AfterValidator(looks_like_email)]
        password: common.NewPassword

    users.NewUser = NewUser
