"""The Robot log never shows a secret in clear (passwords, API keys, session cookies), and never carries
stored markup as HTML (the log would become the XSS vector the XSS suite looks for).

Proof by capture: a reference target is started here, and the suites reach its HTTP API through a
recording proxy (the ``junjo_python_backend`` profile, aimed at the proxy). The proxy notes every secret
that actually crossed the wire — each ``password`` sent, each API ``key`` answered, each session cookie set
or presented — and afterwards ``output.xml`` (and the console) must contain none of them. The run covers
suites that create users, sign in, tamper and replay cookies, and use API keys on ingestion.
"""

import html
import json
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

import pytest
import requests
from robot_runs import ROOT

from junjo_acceptance.hostile_input import corpus
from junjo_acceptance.target.embedded import EmbeddedTarget

ADMIN_EMAIL = "masking-admin@acceptance.example"
ADMIN_PASSWORD = "masking-admin-password-Zq8w"
TESTS = [
    "Injection Strings As API Key Are Refused And Leave Keys Intact",
    "Injection-Shaped Emails Never Open A Session And Are Stored Verbatim",
    "Markup In Span And Event Attributes Is Returned As Escaped JSON",
    "Markup In API Key Names Is Stored And Returned Byte For Byte",
    "Markup Characters In User Emails Come Back Byte For Byte",
    "Ingestion Refuses Every Kind Of Invalid API Key",
    "The Session Cookie Is Opaque And Locked Down",
    "Password Hashes Never Appear In Any Response",
    "An Over-Long Password Is Refused With A Client Error",
    "A Tampered Session Cookie Is Refused",
    "Signing Out One Device Revokes Only That Session",
]
_HOP_BY_HOP = {"host", "content-length", "connection", "transfer-encoding", "keep-alive"}
_SESSION = re.compile(r"(?:^|[;,]\s*)session=([^;,\s]+)")


class Recorder:
    """The secrets seen on the wire, by kind."""

    def __init__(self):
        self.secrets: dict[str, set[str]] = {"password": set(), "api key": set(), "cookie": set()}
        self.lock = threading.Lock()

    def note(self, kind: str, value) -> None:
        if isinstance(value, str) and len(value) >= 8:
            with self.lock:
                self.secrets[kind].add(value)

    def note_json(self, body: bytes, field: str, kind: str) -> None:
        try:
            data = json.loads(body)
        except ValueError:
            return
        items = data if isinstance(data, list) else [data]
        for item in items:
            if isinstance(item, dict):
                self.note(kind, item.get(field))

    def note_cookies(self, header: str) -> None:
        for value in _SESSION.findall(header or ""):
            self.note("cookie", value.strip('"'))


def recording_proxy(upstream: str, recorder: Recorder) -> ThreadingHTTPServer:
    """A plain HTTP/1.1 proxy to ``upstream`` that notes secrets (it keeps no cookies of its own)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            if body:
                recorder.note_json(body, "password", "password")
            recorder.note_cookies(self.headers.get("Cookie", ""))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            with requests.Session() as session:
                session.trust_env = False
                answer = session.request(self.command, upstream + self.path, data=body, headers=headers,
                                         allow_redirects=False, timeout=60)
            content = answer.content
            recorder.note_json(content, "key", "api key")
            self.send_response(answer.status_code)
            for name, value in answer.raw.headers.items():
                if name.lower() not in _HOP_BY_HOP and name.lower() != "content-encoding":
                    self.send_header(name, value)
                    if name.lower() == "set-cookie":
                        recorder.note_cookies(value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _forward  # noqa: N815 - http.server's names

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run_through_recording_proxy(tmp_path, selection: list[str]) -> tuple[Recorder, str, str]:
    """Run Robot (``selection``: options and data sources) against a fresh reference target reached through
    the recording proxy; returns the recorder, ``output.xml`` and the console output."""
    target = EmbeddedTarget("masking", {"bcrypt_rounds": 4, "poll_interval_s": 0.05, "key_revalidate_s": 2}, [])
    target.start()
    recorder = Recorder()
    proxy = recording_proxy(target.http_url, recorder)
    try:
        env = dict(os.environ, JUNJO_HTTP_URL=f"http://127.0.0.1:{proxy.server_address[1]}",
                   JUNJO_OTLP_ADDRESS=target.describe()["otlp_address"], JUNJO_ADMIN_EMAIL=ADMIN_EMAIL,
                   JUNJO_ADMIN_PASSWORD=ADMIN_PASSWORD, JUNJO_SQLITE_PATH=str(target.data_dir / "junjo.sqlite"),
                   JUNJO_DUCKDB_PATH=str(target.data_dir / "spans.duckdb"), JUNJO_DISPOSABLE="1")
        command = [sys.executable, "-m", "robot", "--argumentfile", str(ROOT / "robot.args"),
                   "--outputdir", str(tmp_path), "--report", "NONE", "--log", "NONE", "--xunit", "NONE",
                   "--variable", "TARGET:junjo_python_backend", *selection]
        run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    finally:
        proxy.shutdown()
        target.stop()
    return recorder, (tmp_path / "output.xml").read_text(encoding="utf-8"), run.stdout + run.stderr


def leaks(recorder: Recorder, *texts: str) -> dict[str, list[str]]:
    """Per kind, the first characters of every recorded secret found in clear in ``texts``."""
    return {kind: sorted(value[:4] + "…" for value in values
                         if any(value in text or escape(value) in text for text in texts))
            for kind, values in recorder.secrets.items()}


@pytest.fixture(scope="module")
def suite_run(tmp_path_factory):
    """The selected tests, run once through the recording proxy: ``(recorder, output.xml, console)``."""
    selection = [option for name in TESTS for option in ("--test", name)] + ["suites"]
    return run_through_recording_proxy(tmp_path_factory.mktemp("masking"), selection)


@pytest.mark.slow
def test_no_secret_seen_on_the_wire_reaches_the_robot_log(suite_run):
    recorder, output, console = suite_run
    executed = re.findall(r'<test id="[^"]+" name="([^"]+)"', output)
    assert len(executed) == len(TESTS), f"not every test ran: {executed}\n{console[-2000:]}"
    for kind, found in recorder.secrets.items():
        assert found, f"no {kind} crossed the proxy: the run proves nothing about {kind}s"
    leaked = leaks(recorder, output, console)
    assert not any(leaked.values()), f"secrets in clear in output.xml or on the console: {leaked}"


@pytest.mark.slow
def test_no_stored_markup_becomes_html_in_the_log(suite_run):
    _, output, _ = suite_run
    messages = [html.unescape(text) for text in re.findall(r'<msg [^>]*html="true"[^>]*>(.*?)</msg>', output, re.S)]
    markup = corpus.MARKUP + corpus.EMAIL_SCRIPT
    assert messages, "no HTML message in the log: the check proves nothing"
    offending = [text[:200] for text in messages if any(payload in text for payload in markup)]
    assert not offending, f"HTML log messages carry hostile markup unescaped: {offending}"


@pytest.mark.slow
def test_a_secret_written_to_the_log_is_found(tmp_path):
    """The check itself works: a suite that logs the admin's cookie value in clear is caught."""
    leaky = tmp_path / "leaky.robot"
    leaky.write_text(f"""*** Settings ***
Resource    {ROOT / "resources" / "common" / "target.resource"}
Suite Setup    Start Target Under Test

*** Test Cases ***
Cookie Logged In Clear
    ${{cookie}} =    Session Cookie Of    admin
    Log    ${{cookie.value}}
""")
    recorder, output, console = run_through_recording_proxy(tmp_path, [str(leaky)])
    assert leaks(recorder, output, console)["cookie"], "the admin's cookie was logged in clear but not found"
