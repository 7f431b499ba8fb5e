"""The sweep engine: send requests, count them, time them, keep every offending one for replay.

A request *offends* when it gets a 5xx or no answer at all (connection dropped, timeout). Operations that
depend on an upstream service (the LLM playground) may answer 502/503/504 about that service (policy B17);
there only a 500, 501 or another 5xx offends. Requests as a signed-in user go out as the *sweeper*
account; when a request ends that session (the sweep may delete users), the :class:`Accounts` guard
signs in again, recreating a deleted account through the other one, so the sweep keeps its reach.
"""

import hashlib
import json
import re
import shlex
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

from junjo_acceptance.api_client.client import ANONYMOUS, ApiClients
from junjo_acceptance.masking import mask

UPSTREAM_STATUSES = frozenset({502, 503, 504})
SHOWN_BODY_CHARS = 400
KEPT_BODY_BYTES = 64 * 1024
SWEEPER, GUARDIAN = "sweeper", "guardian"
# Characters no UTF-8 file or XML log can hold: lone surrogates, and control characters XML 1.0 forbids.
_UNPRINTABLE = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def printable(text: str) -> str:
    """``text`` with every character a UTF-8 file or ``output.xml`` cannot hold written as its escape
    (``\\ud800``, ``\\x00``), so a record of any request — whatever bytes it carried — can be logged and saved."""
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                            else f"\\u{ord(m.group()):04x}", text)


@dataclass
class Probe:
    """One request of the sweep: where it goes, what it carries, which slot and value it tests."""

    operation: str
    method: str
    path: str
    body: "bytes | None" = None
    content_type: "str | None" = None
    signed_in: bool = True
    source: str = ""
    masked_fields: tuple[str, ...] = ()

    def shown_body(self, limit: int = SHOWN_BODY_CHARS) -> str:
        """The body for a human: JSON text with baseline passwords masked, cut to ``limit`` characters."""
        if self.body is None:
            return ""
        text = self.body.decode("utf-8", "backslashreplace")
        if self.masked_fields:
            try:
                data = json.loads(text)
                text = json.dumps({k: mask(v) if k in self.masked_fields else v for k, v in data.items()},
                                  ensure_ascii=False)
            except (ValueError, AttributeError, RecursionError):
                pass
        text = printable(text)
        if len(text) <= limit:
            return text
        digest = hashlib.sha256(self.body).hexdigest()[:16]
        return f"{text[:limit]}… ({len(self.body)} bytes, sha256 {digest}…)"


@dataclass
class Offence:
    """A probe that got a 5xx or no answer."""

    probe: Probe
    status: "int | None"
    answer: str
    elapsed_ms: float

    def replay(self, base_url: str) -> dict:
        """Everything a developer needs to send the request again (secrets masked; every text printable, so
        the record can be saved and logged whatever the request carried)."""
        probe = self.probe
        record = {"operation": probe.operation, "method": probe.method, "path": probe.path,
                  "content_type": probe.content_type, "body": probe.shown_body(KEPT_BODY_BYTES),
                  "body_bytes": len(probe.body) if probe.body is not None else 0,
                  "as": "the signed-in sweeper" if probe.signed_in else "anonymous",
                  "source": probe.source, "status": self.status, "answer": self.answer[:300],
                  "elapsed_ms": round(self.elapsed_ms, 1), "curl": self.curl(base_url)}
        return {key: printable(value) if isinstance(value, str) else value for key, value in record.items()}

    def curl(self, base_url: str) -> str:
        probe = self.probe
        parts = ["curl", "-sS", "-X", probe.method, base_url + probe.path]
        if probe.signed_in:
            parts += ["-b", "session=<cookie of a signed-in user>"]
        if probe.content_type:
            parts += ["-H", f"Content-Type: {probe.content_type}"]
        if probe.body is not None:
            parts += ["--data-binary", probe.shown_body()]
        return " ".join(shlex.quote(part) for part in parts)

    def line(self) -> str:
        what = f"{self.status}" if self.status is not None else "no answer"
        body = f" body {self.probe.shown_body(120)}" if self.probe.body is not None else ""
        return printable(f"{self.probe.method} {self.probe.path[:160]}{body} "
                         f"({self.probe.source}; as {'sweeper' if self.probe.signed_in else 'anonymous'}) → {what}: "
                         f"{self.answer[:160]}")


class Accounts:
    """The two accounts of the sweep: the *sweeper* sends, the *guardian* restores it (and vice versa)."""

    def __init__(self, clients: ApiClients, sweeper: tuple[str, str], guardian: tuple[str, str]):
        self._clients = clients
        self._credentials = {SWEEPER: sweeper, GUARDIAN: guardian}
        self.restorations = 0

    def sign_in_all(self) -> None:
        for name in self._credentials:
            if not self._sign_in(name):
                raise AssertionError(f"the {name} account of the hostile-input sweep cannot sign in")

    def ensure(self) -> None:
        """Sign in again (and recreate) whichever account lost its session."""
        for name, other in ((GUARDIAN, SWEEPER), (SWEEPER, GUARDIAN)):
            if self._clients.request("GET", "/auth-test", name).status == 200:
                continue
            self.restorations += 1
            if not self._sign_in(name):
                email, password = self._credentials[name]
                self._clients.request("POST", "/users", other, json={"email": email, "password": password})
                if not self._sign_in(name):
                    raise AssertionError(f"the {name} account of the hostile-input sweep could not be restored")

    def _sign_in(self, name: str) -> bool:
        email, password = self._credentials[name]
        self._clients.forget(name)
        return self._clients.request("POST", "/sign-in", name, json={"email": email, "password": password}).status \
            == 200


@dataclass
class Sweep:
    """Sends probes until the budget (``max_requests``, ``max_seconds``) is spent; counts and times them."""

    clients: ApiClients
    accounts: Accounts
    upstream_prefixes: tuple[str, ...] = ()
    max_requests: int = 10_000
    max_seconds: float = 120.0
    sent: int = 0
    statuses: Counter = field(default_factory=Counter)
    offences: list[Offence] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)
    per_operation: Counter = field(default_factory=Counter)
    not_sent: int = 0

    @property
    def elapsed_s(self) -> float:
        return time.perf_counter() - self.started

    def exhausted(self) -> bool:
        return self.sent >= self.max_requests or self.elapsed_s >= self.max_seconds

    def send(self, probe: Probe) -> "int | None":
        """Send one probe (unless the budget is spent) and judge the answer; returns the status."""
        if self.exhausted():
            self.not_sent += 1
            return None
        headers = {"Content-Type": probe.content_type} if probe.content_type else None
        client = SWEEPER if probe.signed_in else ANONYMOUS
        started = time.perf_counter()
        self.sent += 1
        self.per_operation[probe.operation] += 1
        try:
            answer = self.clients.request(probe.method, probe.path, client, data=probe.body, headers=headers)
        except requests.RequestException as error:
            self.statuses["no answer"] += 1
            self.offences.append(Offence(probe, None, f"{type(error).__name__}: {error}",
                                         (time.perf_counter() - started) * 1000))
            self.accounts.ensure()
            return None
        self.statuses[answer.status] += 1
        if self._offends(probe, answer.status):
            self.offences.append(Offence(probe, answer.status, answer.summary().split(": ", 1)[-1],
                                         answer.elapsed_ms))
        if (probe.signed_in and answer.status == 401) or (answer.status < 300 and probe.method == "DELETE"):
            self.accounts.ensure()  # the session is gone, or an account may have been deleted
        return answer.status

    def _offends(self, probe: Probe, status: int) -> bool:
        if status < 500:
            return False
        upstream = any(probe.path.startswith(prefix) for prefix in self.upstream_prefixes)
        return not (upstream and status in UPSTREAM_STATUSES)

    def summary(self) -> dict:
        return {"requests": self.sent, "seconds": round(self.elapsed_s, 2), "offending": len(self.offences),
                "statuses": {str(code): count for code, count in sorted(self.statuses.items(), key=str)},
                "per_operation": dict(self.per_operation), "session_restorations": self.accounts.restorations,
                "not_sent": self.not_sent}
