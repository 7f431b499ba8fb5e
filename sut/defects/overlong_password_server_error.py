"""Passwords longer than bcrypt's 72 bytes reach bcrypt, which raises: the answer is a 500.

Models a server that validates only a minimum password length and relies on bcrypt for the rest: older
bcrypt releases silently truncated at 72 bytes, bcrypt 5 raises ``ValueError`` instead, so since the
upgrade a user choosing a long passphrase (or 25 euro signs: 25 characters, 75 bytes) gets
"Internal Server Error". Breaks policy B9 (over-long passwords are answered 4xx, never 5xx).
"""

PROCESS = "backend"
POLICY = "B9"
CAUGHT_BY = [
    "An Over-Long Password Is Refused With A Client Error",
    "No Hostile Input Makes Any Endpoint Answer 5xx",
]
FAILS_WITH = r"(password of \d+ .*bytes.*→ 500|\d+ of \d+ hostile requests got a 5xx.*password)"


def apply():
    from sut.backend import users

    def password_too_long(password):
        return False  # left to bcrypt, which raises ValueError past 72 bytes

    users.password_too_long = password_too_long
