"""False alarms seen on real deployments, reproduced against a reference target that behaves like the product.

The profile ``reference_like_product`` switches on seeded *behaviours* (``sut/behaviours``) — legitimate ways
the real product differs: a public ``GET /`` banner, a public ``GET /api/config`` (0.80), list endpoints without
``offset``, no ``nosniff`` header. Each once made a test fail for the wrong reason; here each such test must
pass, and only the test of its own that B10 gives the hardening header may fail.
"""

import socket
import sys
from http.server import BaseHTTPRequestHandler

import pytest
from robot_runs import ROOT, run_tests

from junjo_acceptance.target.embedded import EmbeddedTarget

sys.path.insert(0, str(ROOT / "resources" / "targets"))
from reference import TARGET_PROFILE as REFERENCE  # noqa: E402 - the reference profile's settings

PROFILE = {"TARGET": "reference_like_product", "BASELINE_CHECK": "False"}
MUST_PASS = {
    # B6: / and /api/config are public; the anonymous sweep once reported them as holes.
    "Every Non-Public Endpoint Refuses Anonymous Requests": "public banner and /api/config",
    # B10: the data came back verbatim; the XSS tests once failed only on the missing nosniff header.
    "Markup In API Key Names Is Stored And Returned Byte For Byte": "no nosniff header",
    "Markup In Span And Event Attributes Is Returned As Escaped JSON": "no nosniff header",
    "Markup Characters In User Emails Come Back Byte For Byte": "no nosniff header",
    # offset_paging False: the trace test once paged with offset and reported "spans repeated across pages".
    "A Trace Of 1000 Spans Is Returned Within 500 ms And Pages Completely": "no offset paging",
    # junjo_telemetry_versions [1]: the junjo-client test once expected version-2 columns ("junjo_id is ''").
    "Junjo Client Workflow Runs Arrive With Node Spans And State Patches": "telemetry version 1 only",
}
HARDENING = "Every Kind Of Answer Carries The Nosniff Hardening Header"
# Tests that need a fresh copy of the target, which a deployment cannot give: they skip, naming the cause,
# without teardown noise ("no target named 'short-sessions' is up", "All iterations skipped.").
NEEDS_FRESH_TARGET = ["An Expired Session Is Refused", "Concurrent First-User Creation Admits Exactly One User"]
PAGING = "Pages Of 100 Over 10000 Spans Take Under 50 ms And Hold Each Span Once"


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    return run_tests(tmp_path_factory.mktemp("like-product"), [*MUST_PASS, HARDENING, PAGING, *NEEDS_FRESH_TARGET],
                     PROFILE)


# The trace test also times its reads (B15, 500 ms); on a loaded machine that part alone may fail. It is
# reported beside the paging result, never instead of it, so only a paging complaint is a false alarm here.
TIMING_ONLY = {"A Trace Of 1000 Spans Is Returned Within 500 ms And Pages Completely": "must be returned within"}


@pytest.mark.slow
@pytest.mark.parametrize("test_name", sorted(MUST_PASS))
def test_no_false_alarm_on_legitimate_product_behaviour(outcomes, test_name):
    outcome = outcomes[test_name]
    if outcome.status == "FAIL" and test_name in TIMING_ONLY:
        complaints = [line for line in outcome.message.split("\n") if line.strip() and "Several failures" not in line]
        assert all(TIMING_ONLY[test_name] in line for line in complaints), f"false alarm: {outcome.message}"
        pytest.skip(f"only the read latency failed (machine under load): {outcome.message}")
    assert outcome.status == "PASS", f"false alarm ({MUST_PASS[test_name]}): {outcome.message}"


@pytest.mark.slow
def test_a_missing_nosniff_header_fails_only_the_hardening_test(outcomes):
    outcome = outcomes[HARDENING]
    assert outcome.status == "FAIL"
    assert outcome.message.startswith("B10: 5 of 5 answers lack the hardening header"), outcome.message


@pytest.mark.slow
def test_paging_without_offset_support_skips_with_its_cause(outcomes):
    outcome = outcomes[PAGING]
    assert outcome.status == "SKIP"
    assert "offset_paging" in outcome.message and "teardown" not in outcome.message.lower(), outcome.message


@pytest.mark.slow
@pytest.mark.parametrize("test_name", NEEDS_FRESH_TARGET)
def test_a_skip_names_its_cause_without_teardown_noise(outcomes, test_name):
    outcome = outcomes[test_name]
    assert outcome.status == "SKIP", outcome
    assert "lacks the capability 'fresh_targets'" in outcome.message, outcome.message
    for noise in ("teardown", "no target named", "is None", "All iterations skipped"):
        assert noise not in outcome.message, outcome.message


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _HealthOnly(BaseHTTPRequestHandler):
    """An HTTP API that is up (``/health`` answers) while its ingestion is not."""

    def do_GET(self):  # noqa: N802 - the name http.server looks up
        body = b'{"status": "ok"}' if self.path == "/health" else b'{"detail": "Not Found"}'
        self.send_response(200 if self.path == "/health" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def health_only_api(serve):
    return serve(_HealthOnly)


@pytest.mark.slow
@pytest.mark.parametrize("http_up", [False, True], ids=["everything-down", "ingestion-down"])
def test_an_unreachable_endpoint_fails_once_in_pre_flight(tmp_path, monkeypatch, health_only_api, http_up):
    """With ingestion unreachable, 21 tests once failed one by one with ``UNAVAILABLE … Connection refused``.
    Now the pre-flight check fails the run's setup once, naming each unreachable endpoint and only those."""
    http_url = health_only_api if http_up else f"http://127.0.0.1:{_closed_port()}"
    otlp = _closed_port()
    monkeypatch.setenv("JUNJO_HTTP_URL", http_url)
    monkeypatch.setenv("JUNJO_OTLP_ADDRESS", f"127.0.0.1:{otlp}")
    names = ["A Deleted API Key Stops Working On Ingestion",
             "Markup In API Key Names Is Stored And Returned Byte For Byte"]
    outcomes = run_tests(tmp_path, names, {"TARGET": "junjo_python_backend", "PREFLIGHT_TIMEOUT": "2 s"})
    for name in names:
        message = outcomes[name].message
        assert outcomes[name].status == "FAIL"
        assert "Pre-flight: target main (junjo_python_backend) does not answer on its declared endpoints" in message
        assert (f"HTTP {http_url} is unreachable" in message) is not http_up, message
        assert f"OTLP no gRPC connection to 127.0.0.1:{otlp}" in message, message


@pytest.fixture
def deployment_without_database_paths(monkeypatch):
    """A running reference target presented as a deployment whose profile names no database file."""
    def start(defects: list[str]):
        target = EmbeddedTarget("no-db-paths", dict(REFERENCE["settings"]), defects)
        target.start()
        started.append(target)
        description = target.describe()
        monkeypatch.setenv("JUNJO_HTTP_URL", description["http_url"])
        monkeypatch.setenv("JUNJO_OTLP_ADDRESS", description["otlp_address"])
        monkeypatch.setenv("JUNJO_ADMIN_EMAIL", "qa-admin@acceptance.example")
        monkeypatch.setenv("JUNJO_ADMIN_PASSWORD", "correct-horse-battery-staple")
        for name in ("JUNJO_SQLITE_PATH", "JUNJO_DUCKDB_PATH"):
            monkeypatch.delenv(name, raising=False)
    started: list = []
    yield start
    for target in started:
        target.stop()


SQL_KEY_TEST = "Injection Strings As API Key Are Refused And Leave Keys Intact"


@pytest.mark.slow
@pytest.mark.parametrize("defect", ["", "api_key_lookup_by_string_formatting"], ids=["correct", "injectable"])
def test_a_missing_database_path_leaves_out_only_the_inspection(tmp_path, deployment_without_database_paths,
                                                                 defect):
    """The SQL-injection API-key test once skipped before sending anything when the profile named no database
    file. Now only its inspection step is left out: its API checks run (and catch an injectable key lookup),
    and a test that passed everything else ends skipped, naming the missing file."""
    deployment_without_database_paths([defect] if defect else [])
    outcome = run_tests(tmp_path, [SQL_KEY_TEST], {"TARGET": "junjo_python_backend"})[SQL_KEY_TEST]
    note = "database inspection not possible: the target profile gives no sqlite_path"
    if defect:
        assert outcome.status == "FAIL" and outcome.message.startswith("Several failures"), outcome.message
        assert "B9" in outcome.message and f"(Also not verified: {note}" in outcome.message, outcome.message
    else:
        assert outcome.status == "SKIP", outcome.message
        assert outcome.message == f"Every other check passed; not verified: {note} (2 step(s)).", outcome.message
