"""The ingestion process: health, startup failures, exclusive ports, graceful shutdown (A1)."""

import signal
import socket

import pytest
from grpc_health.v1 import health_pb2


def port_is_free(port: int) -> bool:
    """Whether a new listener can bind ``127.0.0.1:port`` (TIME_WAIT leftovers do not count)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
            probe.listen()
        except OSError:
            return False
    return True


@pytest.mark.parametrize(
    "service", ["", "ingestion.InternalIngestionService", "opentelemetry.proto.collector.trace.v1.TraceService"]
)
def test_health_reports_serving(ingestion, service):
    response = ingestion.health.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
    assert response.status == health_pb2.HealthCheckResponse.SERVING


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_gracefully_and_releases_ports(ingestion, otlp, signum):
    ingestion.export(otlp.request(otlp.spans(1)))
    assert not port_is_free(ingestion.otlp_port)
    assert ingestion.stop(signum) == 0
    assert port_is_free(ingestion.otlp_port) and port_is_free(ingestion.internal_port)


def test_second_process_cannot_share_a_port(ingestion, run_ingestion, tmp_path):
    status, output = run_ingestion(
        "--data-dir", str(tmp_path / "other"), "--otlp-port", str(ingestion.otlp_port), "--internal-port", "0"
    )
    assert status != 0
    assert f"cannot listen on 127.0.0.1:{ingestion.otlp_port}" in output


def test_unknown_defect_exits_non_zero_with_a_message(run_ingestion, tmp_path):
    status, output = run_ingestion("--data-dir", str(tmp_path), "--defects", "no_invalid_key_throttle,bogus")
    assert status != 0
    assert "unknown defect(s): bogus" in output
