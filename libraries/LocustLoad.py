"""Keywords that run a headless Locust load (a master and N workers on loopback) and judge it."""

import itertools
from pathlib import Path

from robot.api import logger
from robot.api.deco import keyword, library
from robot.api.types import Secret
from robot.libraries.BuiltIn import BuiltIn
from robot.utils import DotDict, timestr_to_secs

from junjo_acceptance.load.runner import LoadPlan, run
from junjo_acceptance.masking import mask, reveal

COOKIE_VARIABLE, API_KEY_VARIABLE = "JUNJO_LOAD_COOKIE", "JUNJO_LOAD_API_KEY"


@library(scope="GLOBAL", auto_keywords=False)
class LocustLoad:
    """Runs load with [https://locust.io|Locust]: a headless master and ``workers`` worker processes on
    loopback, started as subprocesses and bounded in users, arrival rate, time and request count.

    = Open loop =

    The users (``libraries/load/locustfile.py``) send on a fixed schedule: together they arrive at the
    declared rate whatever the target's latency, and each request's latency is measured from its
    *intended* start, so a slow moment of the target delays every request scheduled during it and shows
    in the percentiles (no coordinated omission). Locust's own figure, from when a request was actually
    sent, is kept beside it as the service time.

    = What a run returns =

    ``requests``, ``failures``, ``declared_rate_per_s``, ``achieved_rate_per_s``, ``items_per_s`` (spans
    acknowledged, for Export users), ``open_loop`` and ``service`` (``count``, ``errors``, ``p50_ms``,
    ``p95_ms``, ``p99_ms``, ``max_ms``, ``mean_ms``), ``by_name`` (the same per request name),
    ``failure_examples``, ``history`` (second by second), ``exit_codes``, ``wall_s``, ``folder`` (Locust's
    own CSV and JSON files). `Record Load Statistics` (``Metrics``) turns it into figures, a table and a plot.

    = Secrets =

    The session cookie and the API key reach the workers as environment variables only; they never appear
    in a command line, and Locust's log and failure messages are logged with them masked.
    """

    def __init__(self):
        self._runs = itertools.count(1)

    @keyword("Run Locust API Readers")
    def run_locust_api_readers(self, http_url: str, cookie: "str | Secret", users: int, rate: float,
                               requests: int, service: str, trace_id: str, trace_spans: int = 0,
                               workers: int = 2, max_time: str = "90s") -> DotDict:
        """Run ``users`` API readers (``ApiReaderUser``) signed in with ``cookie`` against ``http_url``:
        ``requests`` requests in all at ``rate`` per second, for at most ``max_time``. They read the spans
        of trace ``trace_id`` (which must have ``trace_spans`` spans), pages and root spans of ``service``,
        the services and the API keys, and check every answer. Never fails by itself.

        | ${load} =    Run Locust API Readers    ${target}[http_url]    ${cookie}    1000    50    1000
        | ...    ${service}    ${trace_id}    50
        """
        plan = LoadPlan("ApiReaderUser", int(users), float(rate), int(requests), timestr_to_secs(max_time),
                        int(workers), host=http_url,
                        options={"load-service": service, "load-trace": trace_id, "load-trace-spans": int(trace_spans)},
                        secrets={COOKIE_VARIABLE: reveal(cookie)})
        return self._run(plan)

    @keyword("Run Locust OTLP Exporters")
    def run_locust_otlp_exporters(self, otlp_address: str, api_key: "str | Secret", users: int, rate: float,
                                  requests: int, service: str, spans_per_batch: int = 100, workers: int = 2,
                                  max_time: str = "90s") -> DotDict:
        """Run ``users`` OTLP senders (``OtlpExportUser``): ``requests`` Export requests of ``spans_per_batch``
        new spans of ``service`` each (10 spans a trace), at ``rate`` requests per second, with ``api_key``,
        to ``otlp_address``, for at most ``max_time``. Never fails by itself.

        | ${load} =    Run Locust OTLP Exporters    ${target}[otlp_address]    ${LOAD_KEY}    20    50    500
        | ...    ${service}
        """
        plan = LoadPlan("OtlpExportUser", int(users), float(rate), int(requests), timestr_to_secs(max_time),
                        int(workers), options={"otlp-address": otlp_address, "load-service": service,
                                               "spans-per-batch": int(spans_per_batch)},
                        secrets={API_KEY_VARIABLE: reveal(api_key)})
        return self._run(plan)

    @keyword("Locust Load Should Reach Its Rate Within The Latency Limit")
    def locust_load_should_reach_its_rate_within_the_latency_limit(
            self, load: dict, limit_ms: float, min_rate_fraction: float = 0.9, statistic: str = "p99_ms",
            policy: str = "", what: str = "latency"):
        """Fail unless the run reached ``min_rate_fraction`` of its declared arrival rate *and* its open-loop
        ``statistic`` stayed below ``limit_ms``. Either way the message names both figures: a latency measured
        at a lower rate than declared proves nothing.

        | Locust Load Should Reach Its Rate Within The Latency Limit    ${load}    200    policy=B15
        """
        value, achieved, declared = (float(load["open_loop"][statistic]), float(load["achieved_rate_per_s"]),
                                     float(load["declared_rate_per_s"]))
        figures = (f"{statistic} {value:.0f} ms from intended start (service time {load['service'][statistic]:.0f} ms) "
                   f"at {achieved:.1f} requests/s achieved of {declared:g}/s declared, {load['requests']} requests "
                   f"from {load['users']} users on {load['workers']} Locust workers")
        lead = f"{policy}: " if policy else ""
        if achieved < float(min_rate_fraction) * declared:
            raise AssertionError(f"{lead}{what}: the declared arrival rate was not reached "
                                 f"(at least {float(min_rate_fraction):.0%} of it needed): {figures}")
        if not value < float(limit_ms):
            raise AssertionError(f"{lead}{what}: {figures}, limit {float(limit_ms):g} ms")
        logger.info(f"{what}: {figures}, limit {float(limit_ms):g} ms")

    @keyword("Locust Load Should Have No Failures")
    def locust_load_should_have_no_failures(self, load: dict, policy: str = "", what: str = "load"):
        """Fail when any request of the run failed (no answer, a wrong status or a wrong answer), or when no
        request was made at all; the message lists the first failures (secrets masked)."""
        lead = f"{policy}: " if policy else ""
        if not load["requests"]:
            raise AssertionError(f"{lead}{what}: Locust made no request (exit codes {load['exit_codes']}):\n"
                                 f"{load['log_tail']}")
        if load["failures"]:
            raise AssertionError(f"{lead}{what}: {load['failures']} of {load['requests']} requests failed: "
                                 + "; ".join(load["failure_examples"]))

    def _run(self, plan: LoadPlan) -> DotDict:
        output = Path(BuiltIn().get_variable_value("${OUTPUT DIR}", "."))
        folder = output / "locust" / f"{plan.user_class}-{next(self._runs)}"
        secrets = {name: mask(value) for name, value in plan.secrets.items()}
        logger.info(f"Locust: {plan.users} {plan.user_class} users on a master and {plan.workers} workers, "
                    f"{plan.requests} requests at {plan.rate_per_s:g}/s (schedules start after "
                    f"{plan.start_delay_s:.1f} s, run time at most {plan.time_limit_s:.0f} s); secrets by environment: "
                    f"{secrets}; files in {folder}\nmaster: {' '.join(plan.master_command(0))}")
        result = run(plan, folder)
        logger.info(f"Locust finished in {result['wall_s']:.1f} s (exit codes {result['exit_codes']}"
                    f"{', killed at its time limit' if result['killed'] else ''}): {result['requests']} requests, "
                    f"{result['failures']} failed, {result['achieved_rate_per_s']:.1f}/s achieved"
                    + "".join(f"\n  {failure}" for failure in result["failure_examples"])
                    + f"\nmaster log (end):\n{result['log_tail']}")
        return DotDict(result, folder=str(folder))
