"""Start the junjo client program, wait for it, and turn its report into described spans."""

import base64
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from junjo_acceptance.ingestion.otlp_builder import OtlpSpan, describe

LIBRARIES = Path(__file__).resolve().parents[2]
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "grpc_proxy")


def client_environment(api_key: str) -> dict:
    """The client's environment: the key in ``JUNJO_CLIENT_API_KEY``, no proxies (loopback target)."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in PROXY_VARIABLES}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(LIBRARIES), env.get("PYTHONPATH")]))
    env["JUNJO_CLIENT_API_KEY"] = api_key
    return env


def run_client(endpoint: str, api_key: str, service: str, runs: int, timeout_s: float) -> dict:
    """Run the client program; returns its report with ``spans`` (described) and ``elapsed_s`` added.

    Raises ``RuntimeError`` with the program's output when it fails or does not end in time.
    """
    with tempfile.TemporaryDirectory(prefix="junjo-client-") as folder:
        report_path = Path(folder) / "report.json"
        command = [sys.executable, "-m", "junjo_acceptance.junjo_client.app",
                   "--endpoint", endpoint, "--service", service,
                   "--runs", str(int(runs)), "--report", str(report_path)]
        started = time.perf_counter()
        try:
            done = subprocess.run(command, env=client_environment(api_key), capture_output=True, text=True,
                                  timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired as error:
            raise RuntimeError(f"the junjo client did not finish within {timeout_s} s") from error
        if done.returncode != 0 or not report_path.exists():
            raise RuntimeError(f"the junjo client exited with code {done.returncode}:\n"
                               f"{done.stdout[-2000:]}{done.stderr[-4000:]}".replace(api_key, "<api key>"))
        report = json.loads(report_path.read_text(encoding="utf-8"))
    report["elapsed_s"] = time.perf_counter() - started
    report["spans"] = spans_of_request(base64.b64decode(report.pop("request")))
    return report


def spans_of_request(payload: bytes) -> list[dict]:
    """The described spans of a serialized ``ExportTraceServiceRequest``, in request order."""
    request = ExportTraceServiceRequest.FromString(payload)
    return [describe(OtlpSpan(span, resource_spans.resource))
            for resource_spans in request.resource_spans
            for scope_spans in resource_spans.scope_spans
            for span in scope_spans.spans]
