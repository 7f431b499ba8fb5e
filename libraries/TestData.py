"""Keywords that make fresh, unique test data: emails, passwords."""

import secrets

from robot.api.deco import keyword, library
from robot.api.types import Secret


@library(scope="GLOBAL", auto_keywords=False)
class TestData:
    """Unique values, so tests never depend on each other's data (also across pabot processes)."""

    @keyword("New Email")
    def new_email(self, label: str = "user") -> str:
        """A unique address such as ``user-3f9c1a2b@acceptance.example``."""
        return f"{label}-{secrets.token_hex(5)}@acceptance.example"

    @keyword("New Password")
    def new_password(self, length: int = 20) -> Secret:
        """A random password of ``length`` characters, as a ``Secret`` (never shown in the log)."""
        return Secret(secrets.token_urlsafe(length)[: int(length)])
