"""Keywords that run a real client of the target: a workflow application built with ``junjo`` from PyPI."""

from robot.api import logger
from robot.api.deco import keyword, library
from robot.api.types import Secret
from robot.utils import DotDict

from junjo_acceptance.junjo_client.runner import run_client
from junjo_acceptance.masking import mask, reveal


@library(scope="GLOBAL", auto_keywords=False)
class JunjoClient:
    """Runs a small application instrumented with the ``junjo`` library (the installed release from PyPI)
    as its own process: it executes a workflow several times at once — a counting node, three nodes run
    concurrently by ``RunConcurrent``, a summarising node, each changing the workflow state through its
    store — and exports the spans with ``JunjoOtelExporter``, exactly as a user's service would.

    The application also keeps a copy of every span it finished, so a test knows precisely what was sent
    and can compare it with what the target stored. The exporter's own success report proves nothing
    (``flush()`` returns True even when the server rejected the batch): delivery is judged on the server.
    """

    @keyword("Run Junjo Workflows")
    def run_junjo_workflows(self, endpoint: str, api_key: "str | Secret", service: str, runs: int = 3,
                            timeout: float = 120) -> DotDict:
        """Run the junjo application against the OTLP ``endpoint`` (``host:port``) with ``api_key``; its
        spans carry ``service.name`` ``service``; ``runs`` workflow executions run at once.

        Returns ``junjo_version``, ``spans`` (the described spans it exported, see ``SpanIngestion``'s
        `Built spans`), ``final_states`` (each run's final workflow state), ``flushed`` and ``elapsed_s``.

        | ${client} =    Run Junjo Workflows    ${target}[otlp_address]    ${key}[key]    service=${service}
        """
        plain = reveal(api_key)
        report = run_client(endpoint, plain, service, int(runs), float(timeout))
        spans = [DotDict(span) for span in report["spans"]]
        types = {}
        for span in spans:
            types[span["junjo_span_type"] or "other"] = types.get(span["junjo_span_type"] or "other", 0) + 1
        logger.info(f"junjo {report['junjo_version']} ran {runs} workflow(s) for service {service!r} against "
                    f"{endpoint} (key {mask(plain)}) in {report['elapsed_s']:.2f} s: {len(spans)} spans "
                    f"{types}, flush reported {report['flushed']}")
        return DotDict(report, spans=spans, final_states=report["final_states"])
