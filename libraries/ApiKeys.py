"""Keywords for the API keys of the target's HTTP API: create, list and delete them, and pick a race's keys
out of a listing."""

from robot.api.deco import keyword, library
from robot.api.types import Secret

from junjo_acceptance.api_client.client import ApiResponse
from junjo_acceptance.api_client.connections import API, status_should_be


@library(scope="GLOBAL", auto_keywords=False)
class ApiKeys:
    """API keys (``/api_keys``) as a signed-in client ``by`` manages them. Keys come back as ``Secret``
    values, masked in the log. The clients are those of ``ApiEndpoints`` and ``ApiSessions``.

    API keys a race created or deleted are told apart from every other key by their names: a race names its
    keys ``<label>-<n>`` after a `Unique Label`; `API Keys Named After Label` picks them out of a listing or
    out of creation answers so the two can be compared."""

    @keyword("Create API Key")
    def create_api_key(self, name: str, by: str) -> dict:
        """Create an API key named ``name`` as client ``by`` (must answer 201).

        Returns ``{id, name, created_at, key}`` with ``key`` as a ``Secret``.
        """
        answer = API.call("POST", "/api_keys", by, json={"name": name})
        status_should_be(answer, 201, "creating an API key")
        created = dict(answer.json)
        created["key"] = Secret(created["key"])
        return created

    @keyword("List API Keys")
    def list_api_keys(self, by: str) -> list:
        """``GET /api_keys`` as client ``by`` (must answer 200); keys come back as ``Secret`` values."""
        answer = API.call("GET", "/api_keys", by)
        status_should_be(answer, 200, "listing API keys")
        return [dict(item, key=Secret(item["key"])) if "key" in item else item for item in answer.json]

    @keyword("Delete API Key")
    def delete_api_key(self, key_id: str, by: str) -> ApiResponse:
        """``DELETE /api_keys/{key_id}`` as client ``by``; returns the response."""
        return API.call("DELETE", f"/api_keys/{key_id}", by)

    @keyword("API Keys Named After Label")
    def api_keys_named_after_label(self, keys: list, label: str) -> list:
        """The ``[id, name]`` of every key of ``keys`` whose name is ``<label>-…``, sorted — the same for a
        listing and for creation answers, so they compare with ``Lists Should Be Equal``.

        | ${listed} =    List API Keys    by=admin
        | ${mine} =    API Keys Named After Label    ${listed}    ${label}
        """
        return sorted([key["id"], key["name"]] for key in keys if str(key["name"]).startswith(f"{label}-"))
