"""Keywords that make fresh, unique test data: labels, emails, passwords."""

import secrets
import unicodedata

from robot.api.deco import keyword, library
from robot.api.types import Secret


@library(scope="GLOBAL", auto_keywords=False)
class TestData:
    """Unique values, so tests never depend on each other's data (also across pabot processes)."""

    @keyword("Unique Label")
    def unique_label(self, prefix: str) -> str:
        """A label no other test (or pabot process) uses, for service names, key names, users:
        ``prefix`` and 8 random hex digits, such as ``load-3f9c1a2b``."""
        return f"{prefix}-{secrets.token_hex(4)}"

    @keyword("New Email")
    def new_email(self, label: str = "user") -> str:
        """A unique address such as ``user-3f9c1a2b@acceptance.example``."""
        return f"{label}-{secrets.token_hex(5)}@acceptance.example"

    @keyword("New Password")
    def new_password(self, length: int = 20) -> Secret:
        """A random password of ``length`` characters, as a ``Secret`` (never shown in the log)."""
        return Secret(secrets.token_urlsafe(length)[: int(length)])

    @keyword("Other Spellings Of Email")
    def other_spellings_of_email(self, email: str) -> dict:
        """Spellings of the same identity as ``email``, by how they differ: the domain in other letter case,
        surrounding spaces, and the address in the other Unicode normal form (NFD if ``email`` is NFC; give
        it a non-ASCII letter such as ``ë`` for this to differ)."""
        local, domain = email.rsplit("@", 1)
        nfc = unicodedata.normalize("NFC", email)
        return {
            "domain in capitals": f"{local}@{domain.upper()}",
            "surrounding spaces": f"  {email}  ",
            "other Unicode normal form": unicodedata.normalize("NFD" if email == nfc else "NFC", email),
        }

    @keyword("Same Identity")
    def same_identity(self, first: str, second: str) -> bool:
        """Whether two addresses name one identity: equal once spaces are stripped, the domain is lower-cased
        and both are in Unicode NFC (the normalisation of contract A2)."""
        def normal(email: str) -> str:
            local, _, domain = unicodedata.normalize("NFC", email.strip()).rpartition("@")
            return f"{local}@{domain.lower()}"
        return normal(first) == normal(second)
