"""Keywords that reach any endpoint of the target's HTTP API by method and path, check statuses, and list the
operations the target publishes in ``/openapi.json``."""

from robot.api import logger
from robot.api.deco import keyword, library

from junjo_acceptance.api_client import openapi
from junjo_acceptance.api_client.client import ANONYMOUS, ApiResponse
from junjo_acceptance.api_client.connections import API, status_should_be


@library(scope="GLOBAL", auto_keywords=False)
class ApiEndpoints:
    """Talks to a Junjo AI Studio compatible HTTP API as any number of named clients.

    A *client* is one browser or device with its own cookie jar, named by the ``by`` argument
    (``by=admin``, ``by=phone``). The client ``anonymous`` never sends a cookie. Requests are never
    retried and always time out, so a 5xx or a hang is seen as it is. Each request is logged as one line,
    with passwords, API keys and cookies masked.

    The clients are shared with the other API libraries (``ApiSessions``, ``ApiKeys``, ``ApiSpans``,
    ``ApiLoad``): `Connect To API` aims all of them. Import them all with ``resources/common/api.resource``.
    """

    @keyword("Connect To API")
    def connect_to_api(self, base_url: str, timeout: float = 30.0):
        """Aim every later request at ``base_url`` (for example ``http://127.0.0.1:1323``).

        Clients are kept per base URL: switching back to an earlier URL finds its clients signed in as before.
        """
        API.connect(base_url, float(timeout))

    @keyword("Disconnect From API")
    def disconnect_from_api(self, base_url: str):
        """Close and forget every client of ``base_url``."""
        API.disconnect(base_url)

    @keyword("Call API")
    def call_api(self, method: str, path: str, by: str = ANONYMOUS, json=None, data=None,
                 headers: "dict | None" = None, params: "dict | None" = None,
                 timeout: "float | None" = None) -> ApiResponse:
        """Send ``method path`` as client ``by`` and return the response (never fails on a status).

        ``json`` is sent as a JSON body, ``data`` as a raw body (for malformed JSON). The response has
        ``status``, ``json``, ``detail``, ``text``, ``headers`` and ``elapsed_ms``. ``timeout`` (seconds)
        replaces the connection's default; a request that gets no answer in time raises an error.

        | ${answer} =    Call API    GET    /users    by=admin
        """
        options = {} if timeout is None else {"timeout": float(timeout)}
        return API.call(method, path, by, json=json, data=data, headers=headers, params=params, **options)

    @keyword("Response Status Should Be")
    def response_status_should_be(self, response: ApiResponse, expected, policy: str = ""):
        """Fail unless the response status is ``expected`` (a code, or codes separated by ``|``).

        ``policy`` names the rule a wrong status breaks; it leads the failure message.
        """
        status_should_be(response, expected, policy)

    @keyword("Protected Operations")
    def protected_operations(self, public_paths: list) -> list:
        """Every operation of ``/openapi.json`` whose path is not in ``public_paths``, as
        ``{method, path, template, has_body}`` with path parameters filled in."""
        answer = API.call("GET", "/openapi.json")
        status_should_be(answer, 200, "the target must publish /openapi.json")
        found = openapi.operations(answer.json, list(public_paths))
        logger.info(f"{len(found)} non-public operations: " + ", ".join(f"{o['method']} {o['template']}"
                                                                         for o in found))
        return found

    @keyword("Routes Missing From Operations")
    def routes_missing_from_operations(self, operations: list, routes: list) -> list:
        """Which of ``routes`` (``"GET /users/{id}"``) ``operations`` lacks, whatever the parameter names."""
        listed = {operation["route"] for operation in operations}
        return [route for route in routes if openapi.route_shape(route) not in listed]
