"""Every offending request of a hostile-input sweep is reported, whatever bytes it carries.

A real sweep once died writing its replay file (``UnicodeEncodeError: … '\\ud800' … surrogates not
allowed``): the file was 0 bytes and the 500s it had found were lost; an ASCII-only file then moved the crash
into the log writer and corrupted ``output.xml``, so pabot dropped the whole suite. Here a server that
answers 500 to everything — echoing the raw request — is swept for real through Robot: every request must be
in the replay file and in the log, lone surrogates, NUL bytes and invalid UTF-8 included, and ``output.xml``
must stay readable.
"""

import io
import json
from http.server import BaseHTTPRequestHandler

import pytest
import robot
from robot.api import ExecutionResult

from junjo_acceptance.hostile_input.sweep import Offence, Probe

DOCUMENT = {
    "openapi": "3.1.0", "info": {"title": "broken", "version": "1"},
    "paths": {"/things/{name}": {"post": {
        "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
        "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {
            "label": {"type": "string"}, "password": {"type": "string", "minLength": 8}}}}}},
        "responses": {"200": {"description": "ok"}}}}},
}


class _Broken(BaseHTTPRequestHandler):
    """200 for what the sweep's accounts need, 500 with the raw request echoed back for everything else."""

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path == "/openapi.json":
            self._send(200, json.dumps(DOCUMENT).encode(), "application/json")
        elif self.path in ("/sign-in", "/auth-test"):
            self._send(200, b'{"message": "signed in"}', "application/json", {"Set-Cookie": "session=s; Path=/"})
        else:
            self._send(500, b"Internal Server Error while handling " + self.path.encode("latin-1") + b" " + body,
                       "text/plain; charset=utf-8")

    do_GET = do_POST = do_DELETE = _answer  # noqa: N815 - the names http.server looks up

    def _send(self, status, body, content_type, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def broken_server(serve):
    return serve(_Broken)


SUITE = """*** Settings ***
Library    HostileInput

*** Test Cases ***
Sweep A Broken Server
    VAR    &{account}    email=sweeper@acceptance.example    password=correct-horse-battery
    ${summary} =    Sweep Every Operation With Hostile Input    ${URL}    ${account}    ${account}    ${{ [] }}
    Sweep Should Have Found No Offending Request    ${summary}
"""


@pytest.mark.slow
def test_every_offending_request_reaches_the_replay_file_and_the_log(tmp_path, broken_server):
    (tmp_path / "sweep.robot").write_text(SUITE)
    out = tmp_path / "out"
    robot.run(str(tmp_path / "sweep.robot"), outputdir=str(out), variable=[f"URL:{broken_server}"],
              log="NONE", report="NONE", stdout=io.StringIO(), stderr=io.StringIO())
    result = ExecutionResult(str(out / "output.xml"))  # output.xml is still valid XML
    test = result.suite.tests[0]
    assert test.status == "FAIL", test.message
    assert test.message.startswith("B9: "), test.message
    replay_files = list(out.glob("hostile-input-corpus-*.json"))
    assert len(replay_files) == 1 and replay_files[0].stat().st_size > 0
    records = json.loads(replay_files[0].read_text(encoding="utf-8"))
    sources = [record["source"] for record in records]
    assert any("surrogate" in s for s in sources), "no lone-surrogate request in the replay file"
    assert any("NUL" in s for s in sources), "no NUL-byte request in the replay file"
    assert any("invalid UTF-8" in s for s in sources), "no invalid-UTF-8 request in the replay file"
    assert all(record["status"] == 500 for record in records)
    messages = "\n".join(message.message for message in _messages(test))
    assert messages.count("Offending request: ") == len(records), "some offending requests are not in the log"
    assert test.message.startswith(f"B9: {len(records)} of "), test.message[:200]


def _messages(test):
    found = []

    def walk(item):
        for child in getattr(item, "body", []):
            if getattr(child, "type", "") == "MESSAGE":
                found.append(child)
            else:
                walk(child)
    walk(test)
    return found


def test_a_record_of_any_bytes_is_printable_and_encodable():
    body = json.dumps({"label": "lone \ud800 surrogate", "password": "pw"}).encode()
    probe = Probe("POST /things/{name}", "POST", "/things/a%00b%ED%A0%80", body, "application/json", True,
                  "body label = unicode: lone \ud800 surrogate\x00", ("password",))
    offence = Offence(probe, 500, "echo \ud800 \x00 \udcff", 1.0)
    record = offence.replay("http://127.0.0.1:1")
    text = json.dumps(record, ensure_ascii=False)
    text.encode("utf-8")  # would raise on a lone surrogate
    assert "\x00" not in text and "\\ud800" in record["body"] and "\\ud800" in record["source"]
    line = offence.line()
    line.encode("utf-8")
    assert "\x00" not in line and "\\x00" in line
