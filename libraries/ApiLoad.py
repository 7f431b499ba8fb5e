"""A keyword that puts the target's HTTP API under a mixed load of concurrent clients and checks every
answer."""

from robot.api import logger
from robot.api.deco import keyword, library
from robot.utils import DotDict

from junjo_acceptance.api_client import load
from junjo_acceptance.api_client.connections import API


@library(scope="GLOBAL", auto_keywords=False)
class ApiLoad:
    """Load on the HTTP API as a signed-in client would make it (trace reads, paging, API keys). The
    clients are those of ``ApiEndpoints`` and ``ApiSessions``; the load copies a client's session."""

    @keyword("Run Mixed API Load")
    def run_mixed_api_load(self, requests: int, clients: int, service: str, trace_id: str, span_ids: list,
                           by: str = "admin", timeout: float = 120) -> DotDict:
        """Send ``requests`` requests from ``clients`` concurrent clients signed in as ``by`` and check every
        answer; returns the outcome (see below). Never fails by itself.

        Load model: the clients (threads with their own connection and a copy of ``by``'s session) start
        together and each sends its share back to back, so ``clients`` requests are always in flight. The mix
        per ten requests: 3 × the spans of trace ``trace_id`` (must be exactly ``span_ids``), 2 × a page of
        ``service``'s spans, 1 × its root spans, 1 × the API keys, 1 × the services, 1 × ``/auth-test`` and
        1 × a new API key. Afterwards the keys are listed again: each new key must appear exactly once.

        Result: ``requests``, ``clients``, ``latencies_ms``, ``at_s`` (start of each request, s), ``kinds``,
        ``statuses``, ``errors`` (no answer), ``problems`` (the first wrong answers), ``problem_count``,
        ``created_keys``, ``keys_missing``, ``keys_repeated``, ``elapsed_s``.
        """
        cookie = API.session_cookie(by)
        result = load.mixed_load(API.clients, cookie, int(requests), int(clients), service, trace_id,
                                 set(span_ids), float(timeout))
        logger.info(f"{result['requests']} requests from {clients} concurrent clients in {result['elapsed_s']:.2f} s: "
                    f"kinds {result['kinds']}, statuses {result['statuses']}, {result['errors']} without answer, "
                    f"{result['problem_count']} wrong; {result['created_keys']} keys created, "
                    f"{len(result['keys_missing'])} missing, {len(result['keys_repeated'])} repeated"
                    + "".join(f"\n  {problem}" for problem in result["problems"]))
        return DotDict(result)
