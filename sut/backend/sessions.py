"""Server-side sessions behind an opaque signed cookie (policies B1, B2, B3).

The cookie is ``TimestampSigner(secret).sign(session_id)``: a random id and an HMAC, nothing else. The
record in ``sessions`` says whose session it is; sign-out deletes it, and a record older than the session
lifetime is refused and deleted. The secret lives in ``<data-dir>/secret.key`` so sessions survive restarts.

The HTTP layer calls these functions through the module (``sessions.unsign_cookie(...)``) so that seeded
defects can replace them.
"""

import enum
import hashlib
import logging
import os
import re
import secrets
import tempfile
import time
from pathlib import Path

from itsdangerous import BadSignature, TimestampSigner

from .sqlite_store import DatabaseBusy, SqliteStore
from .users import User

COOKIE_NAME = "session"
_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)

log = logging.getLogger(__name__)


class SessionState(enum.Enum):
    VALID = "valid"
    ANONYMOUS = "anonymous"
    USER_NOT_FOUND = "user_not_found"


def load_or_create_secret(data_dir: Path) -> bytes:
    """The signing secret from ``secret.key``, created atomically (mode 0600) on first start."""
    path = Path(data_dir) / "secret.key"
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret-")
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)  # fails if another process created it first: then use theirs
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    secret = path.read_text().strip()
    if not secret:
        raise RuntimeError(f"{path} is empty; delete it to create a new secret (this signs out every session)")
    return secret.encode("utf-8")


def make_signer(secret: bytes) -> TimestampSigner:
    return TimestampSigner(secret, salt="junjo.session", digest_method=hashlib.sha256)


def sign_cookie(signer: TimestampSigner, session_id: str, user: User) -> str:
    """The cookie value for a session: only the signed session id (``user`` is deliberately unused)."""
    return signer.sign(session_id).decode("ascii")


def unsign_cookie(signer: TimestampSigner, value: str) -> str | None:
    """The session id in a cookie value, or None when the signature or the format is wrong."""
    try:
        session_id = signer.unsign(value).decode("ascii")
    except (BadSignature, UnicodeError, ValueError):
        return None
    return session_id if _SESSION_ID.fullmatch(session_id) else None


def session_expired(created_at: float, lifetime_s: float, now: float) -> bool:
    return created_at + lifetime_s < now


def start_session(db: SqliteStore, signer: TimestampSigner, user: User, lifetime_s: float) -> str:
    """Record a new session for ``user`` (dropping expired ones) and return its cookie value."""
    session_id = secrets.token_urlsafe(32)
    now = time.time()
    with db.transaction() as conn:
        conn.execute("DELETE FROM sessions WHERE expires_at < ?", (now,))
        conn.execute(
            "INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
            (session_id, user.id, now, now + lifetime_s),
        )
    return sign_cookie(signer, session_id, user)


def end_session(db: SqliteStore, session_id: str) -> None:
    """Revoke one session (sign-out); the user's other sessions stay valid."""
    with db.transaction() as conn:
        conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))


def resolve_session(db: SqliteStore, session_id: str, lifetime_s: float) -> tuple[SessionState, User | None]:
    """Who the session belongs to, if it exists, has not expired and its user still exists."""
    with db.read() as conn:
        row = conn.execute(
            "SELECT s.created_at, u.id, u.email, u.is_active, u.created_at AS user_created, u.updated_at"
            " FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE s.id = ?",
            (session_id,),
        ).fetchone()
    if row is None:
        return SessionState.ANONYMOUS, None
    if session_expired(row["created_at"], lifetime_s, time.time()):
        try:
            end_session(db, session_id)
        except DatabaseBusy:
            log.warning("could not delete an expired session: database busy")
        return SessionState.ANONYMOUS, None
    if row["id"] is None or not row["is_active"]:
        return SessionState.USER_NOT_FOUND, None
    user = User(row["id"], row["email"], bool(row["is_active"]), row["user_created"], row["updated_at"])
    return SessionState.VALID, user


def authenticate(
    db: SqliteStore, signer: TimestampSigner, cookie_value: str | None, lifetime_s: float
) -> tuple[SessionState, User | None]:
    """The session state of a request carrying ``cookie_value`` (None: no cookie)."""
    if not cookie_value:
        return SessionState.ANONYMOUS, None
    session_id = unsign_cookie(signer, cookie_value)
    if session_id is None:
        return SessionState.ANONYMOUS, None
    return resolve_session(db, session_id, lifetime_s)


def set_cookie_header(value: str, lifetime_s: float, secure: bool) -> str:
    header = f"{COOKIE_NAME}={value}; HttpOnly; Max-Age={max(1, round(lifetime_s))}; Path=/; SameSite=Strict"
    return header + "; Secure" if secure else header


def delete_cookie_header(secure: bool) -> str:
    header = (
        f'{COOKIE_NAME}=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Max-Age=0; Path=/; SameSite=Strict'
    )
    return header + "; Secure" if secure else header
