"""First-user race (B4), API-key ownership (B7) and the gRPC InternalAuthService (A5)."""

import grpc
from backend_harness import race_first_user, user_count

from sut.protos import ingestion_pb2, ingestion_pb2_grpc


def test_concurrent_first_user_creation_admits_exactly_one(start_backend):
    backend = start_backend()
    assert backend.anonymous("GET", "/users/db-has-users").json() == {"users_exist": False}
    statuses = race_first_user(backend)
    assert sorted(statuses) == [200] + [400] * 29
    assert user_count(backend) == 1
    assert backend.anonymous("GET", "/users/db-has-users").json() == {"users_exist": True}


def validate(backend, key: str) -> bool:
    with grpc.insecure_channel(f"127.0.0.1:{backend.auth_port}", options=[("grpc.enable_http_proxy", 0)]) as channel:
        stub = ingestion_pb2_grpc.InternalAuthServiceStub(channel)
        return stub.ValidateApiKey(ingestion_pb2.ValidateApiKeyRequest(api_key=key), timeout=5).is_valid


def test_keys_belong_to_their_creator(backend, admin, new_email):
    email = new_email("other")
    backend.create_user(admin, email)
    other = backend.sign_in(email)

    first = admin.post(backend.url("/api_keys"), json={"name": "admin key 1"}).json()
    second = admin.post(backend.url("/api_keys"), json={"name": "admin key 2"}).json()
    theirs = other.post(backend.url("/api_keys"), json={"name": "other key"}).json()

    admin_ids = [key["id"] for key in admin.get(backend.url("/api_keys")).json()]
    assert admin_ids[:2] == [second["id"], first["id"]]  # newest first
    assert theirs["id"] not in admin_ids
    assert [key["id"] for key in other.get(backend.url("/api_keys")).json()] == [theirs["id"]]

    refused = other.delete(backend.url(f"/api_keys/{first['id']}"))
    assert refused.status_code == 404 and refused.json() == {"detail": "API key not found"}
    assert validate(backend, first["key"]) is True


def test_deleted_key_is_no_longer_valid(backend, admin):
    key = admin.post(backend.url("/api_keys"), json={"name": "short-lived"}).json()
    assert validate(backend, key["key"]) is True
    assert admin.delete(backend.url(f"/api_keys/{key['id']}")).status_code == 204
    assert validate(backend, key["key"]) is False
    assert validate(backend, "") is False
    assert validate(backend, "' OR 1=1 --") is False
