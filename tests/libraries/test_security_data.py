"""Mechanics of the keywords that keep the security suites free of inline Python: SecurityData's shaping
keywords and SecurityProbes' session-cookie lock-down check."""

import time

import pytest
from robot.api.types import Secret
from SecurityData import SecurityData
from SecurityProbes import SecurityProbes

from junjo_acceptance.api_client.client import ApiResponse

LOCKED = "session=abc.def; HttpOnly; Max-Age=2592000; Path=/; SameSite=Strict"


def _answer(set_cookie: str) -> ApiResponse:
    return ApiResponse("POST", "/sign-in", "browser", 200, {}, "{}", set_cookie=Secret(set_cookie))


def test_records_are_shaped_without_losing_order_or_bytes():
    data = SecurityData()
    keys = [{"id": 2, "name": "<b>x</b>"}, {"id": 1, "name": "o'brien"}, {"id": 3}]
    assert data.values_of_field(keys[:2], "id") == [2, 1]
    assert data.field_values_by_key(keys, field="name", key="id") == {2: "<b>x</b>", 1: "o'brien", 3: None}
    assert data.encoded_as_path_segment("' OR '1'='1/x") == "%27%20OR%20%271%27%3D%271%2Fx"
    assert data.utf8_hex_of("zoë") == "7A6FC3AB"
    assert data.markup_attributes(["<a>", "<b>"]) == {"xss.0": "<a>", "xss.1": "<b>"}
    assert data.decoded_json('{"a": [1]}') == {"a": [1]}
    assert 0 <= data.seconds_since(time.time()) < 1


def test_a_span_lookup_answer_gives_its_span_whether_listed_or_single():
    data = SecurityData()
    listed = ApiResponse("GET", "/spans", "admin", 200, {}, '[{"span_id": "a"}, {"span_id": "b"}]')
    single = ApiResponse("GET", "/spans/a", "admin", 200, {}, '{"span_id": "a"}')
    assert data.span_of_lookup_answer(listed) == {"span_id": "a"} == data.span_of_lookup_answer(single)


def test_a_locked_down_session_cookie_passes_and_returns_its_attributes():
    cookie = SecurityProbes().session_cookie_should_be_locked_down(_answer(LOCKED), max_age=2592000)
    assert cookie["name"] == "session" and cookie["httponly"] is True and "abc.def" not in str(cookie)


@pytest.mark.parametrize(("header", "message"), [
    ("sid=abc; HttpOnly; Max-Age=60; Path=/; SameSite=Strict", 'A3: the session cookie must be called "session"'),
    (LOCKED.replace("HttpOnly; ", ""), "B3: the session cookie must be HttpOnly ("),
    (LOCKED.replace("Strict", "Lax"), "B3: the session cookie must be SameSite=Strict ("),
    (LOCKED.replace("Path=/", "Path=/api"), "B3: the session cookie must have Path=/ ("),
    (LOCKED.replace("2592000", "2592001"), "B3: the session cookie's Max-Age must be between 1 s and 2592000 s ("),
    (LOCKED.replace("Max-Age=2592000; ", ""), "B3: the session cookie's Max-Age must be between 1 s and"),
    (LOCKED, "B3: in production mode the session cookie must be Secure ("),
])
def test_each_broken_rule_of_the_session_cookie_is_named(header, message):
    with pytest.raises(AssertionError) as failure:
        SecurityProbes().session_cookie_should_be_locked_down(_answer(header), max_age=2592000, secure=True)
    assert str(failure.value).startswith(message) and "abc" not in str(failure.value)
