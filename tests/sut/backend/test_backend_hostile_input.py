"""Inputs the hostile-input sweep found to break the backend stay fixed (policy B9)."""

import pytest


@pytest.mark.parametrize("body", [b'{"x": NaN}', b'{"name": Infinity}', b'{"email": -Infinity, "password": NaN}'])
@pytest.mark.parametrize("path", ["/api_keys", "/users", "/sign-in", "/users/create-first-user"])
def test_non_finite_numbers_echoed_in_validation_errors_are_422(backend, admin, path, body):
    # Python's JSON parser accepts NaN/Infinity; the 422 body echoes the input and must still be valid JSON
    answer = admin.post(backend.url(path), data=body, headers={"Content-Type": "application/json"}, timeout=10)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/json" and answer.json()["detail"]


def test_signed_in_profile_names_only_the_email(backend, admin):
    assert admin.get(backend.url("/auth-test"), timeout=10).json() == {"user_email": "admin@example.com"}
