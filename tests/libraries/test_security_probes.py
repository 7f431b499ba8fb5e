"""Mechanics of the security keywords: cookie attributes and opacity, hash leaks, OTLP probes, masking."""

import base64
import json
import secrets

import bcrypt
from itsdangerous import TimestampSigner
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from junjo_acceptance.masking import mask_json
from junjo_acceptance.security_probes.cookie_attributes import cookie_value, parse_set_cookie, revelations
from junjo_acceptance.security_probes.leaks import password_leaks
from junjo_acceptance.security_probes.otlp_services import probe_request

SIGNER = TimestampSigner(b"test-secret")


def test_set_cookie_attributes_are_read_without_the_value():
    header = "session=abc.def.ghi; HttpOnly; Max-Age=2592000; Path=/; SameSite=Strict; Secure"
    name, attributes = parse_set_cookie(header)
    assert name == "session" and cookie_value(header) == "abc.def.ghi"
    assert attributes == {"httponly": True, "max-age": "2592000", "path": "/", "samesite": "Strict", "secure": True}


def test_an_opaque_cookie_reveals_nothing():
    for _ in range(200):  # random ids and signatures never look like data
        cookie = SIGNER.sign(secrets.token_urlsafe(32)).decode()
        assert revelations(cookie, {"email": "qa-admin@acceptance.example", "local part": "qa-admin"}, 2) == []


def test_a_cookie_carrying_session_data_is_read():
    payload = base64.urlsafe_b64encode(json.dumps({"email": "qa@x.example", "user_id": 7}).encode())
    cookie = SIGNER.sign(payload).decode()
    found = revelations(cookie, {"email": "qa@x.example"}, 7)
    assert "the email" in found and "the user id" in found and any("session field" in f for f in found)


def test_password_hashes_and_fields_are_found_but_never_quoted():
    digest = bcrypt.hashpw(b"pw", bcrypt.gensalt(4)).decode()
    found = password_leaks(json.dumps({"email": "a@b", "password_hash": digest}))
    assert any("bcrypt" in item for item in found) and any("password_hash" in item for item in found)
    assert digest not in " ".join(found)
    assert password_leaks('[{"id": 1, "email": "a@b"}]') == []


def test_probe_requests_are_valid_non_empty_messages_of_each_service():
    kinds = {"opentelemetry.proto.collector.trace.v1.TraceService": ExportTraceServiceRequest,
             "opentelemetry.proto.collector.metrics.v1.MetricsService": ExportMetricsServiceRequest,
             "opentelemetry.proto.collector.logs.v1.LogsService": ExportLogsServiceRequest}
    for service, message in kinds.items():
        payload = probe_request(service, "probe")
        assert payload and message.FromString(payload).ByteSize() == len(payload)


def test_validation_errors_do_not_echo_passwords():
    masked = mask_json({"detail": [{"loc": ["body", "password"], "input": "hunter2-secret"},
                                   {"loc": ["body", "email"], "input": "not-an-email"}]})
    assert "hunter2-secret" not in json.dumps(masked) and masked["detail"][1]["input"] == "not-an-email"
