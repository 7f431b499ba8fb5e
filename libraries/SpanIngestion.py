"""Keywords that build OTLP spans and send them to an ingestion service over gRPC."""

from robot.api import logger
from robot.api.deco import keyword, library
from robot.api.types import Secret
from robot.utils import DotDict, timestr_to_secs

from junjo_acceptance.ingestion import scenarios
from junjo_acceptance.ingestion.grpc_sender import ExportChannels, export, export_with_invalid_keys, reachable
from junjo_acceptance.ingestion.load_generator import SpanLoad, push, push_summary, span_keys
from junjo_acceptance.ingestion.otlp_builder import (
    DEFAULT_SERVICE,
    describe,
    export_request,
    make_span,
    new_span_id,
    new_trace_id,
    otlp_of,
    service_of,
)
from junjo_acceptance.masking import mask, reveal

MIB = 1024 * 1024


@library(scope="GLOBAL", auto_keywords=False)
class SpanIngestion:
    """Builds OpenTelemetry spans and sends them to an OTLP ``TraceService/Export`` endpoint (gRPC).

    = Built spans =

    The `Build Span` family returns *described spans*: dictionaries shaped like the span object the HTTP
    API returns (contract A2), holding the values a correct target must store:

    | trace_id, span_id, parent_span_id | lowercase hex; ``parent_span_id`` is ``None`` for a root |
    | service_name, name                | ``service_name`` comes from the span's own resource |
    | kind                              | INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER or UNSPECIFIED |
    | start_time, end_time              | ISO 8601 UTC with microseconds, ``2025-11-01T10:00:00.123456+00:00`` |
    | status_code, status_message       | ``"0"`` unset, ``"1"`` ok, ``"2"`` error |
    | attributes_json                   | attributes not lifted into ``junjo_*`` columns; bytes as lowercase hex |
    | events_json                       | list of ``{name, timeUnixNano, attributes}`` |
    | links_json, trace_flags, trace_state | ``[]``, ``1``, ``None`` |
    | junjo_id ... junjo_wf_store_id    | junjo columns; workflow JSON columns parsed |

    Keys starting with ``_`` are not columns: ``_state_patches`` lists the ``state_patches`` rows the
    span's ``set_state`` events must produce, ``_otlp`` holds the protobuf span that is sent, and
    malformed spans carry their ``_defect``. Compare stored spans with these values.

    = Sending =

    Call `Set Ingestion Endpoint` first. Send keywords never fail on a gRPC error by themselves: they
    return an *export result* ``{code, details, rejected_spans, error_message, latency_ms, span_count,
    services, request_bytes}`` with ``code`` the gRPC status name (``OK``, ``UNAUTHENTICATED``,
    ``RESOURCE_EXHAUSTED`` ...). Assert with `Export Result Should Be`, or use `Send Spans And Expect`.

    API keys (plain strings or ``Secret`` values) go in the ``x-junjo-api-key`` metadata and are never
    logged in clear: the log shows their first characters and length. Each Export is logged as one line.
    """

    ROBOT_LIBRARY_SCOPE = "GLOBAL"

    def __init__(self, endpoint: "str | None" = None):
        """``endpoint`` (``host:port``) may be given here instead of with `Set Ingestion Endpoint`."""
        self._channels = ExportChannels()
        self._endpoint = endpoint
        self._loads: dict[str, list[SpanLoad]] = {}

    # ------------------------------------------------------------------ endpoint

    @keyword("Set Ingestion Endpoint")
    def set_ingestion_endpoint(self, address: str):
        """Send every later Export to ``address`` (``host:port`` of the OTLP ``TraceService``).

        Channels are kept per address and reused; they bypass HTTP proxies and allow 256 MiB messages.

        | Set Ingestion Endpoint    127.0.0.1:${OTLP_PORT}
        """
        self._endpoint = address
        logger.info(f"Ingestion endpoint: {address}")

    @keyword("Close Ingestion Channels")
    def close_ingestion_channels(self):
        """Close every gRPC channel opened so far (later sends open new ones).

        | [Teardown]    Close Ingestion Channels
        """
        logger.info(f"Closed {self._channels.close_all()} ingestion channel(s)")

    @keyword("Ingestion Endpoint Problem")
    def ingestion_endpoint_problem(self, address: str, timeout: str = "5 s") -> str:
        """Why the OTLP endpoint ``address`` cannot be reached (no gRPC connection within ``timeout``), or an
        empty string when it can. For the pre-flight check of a target's declared endpoints."""
        return reachable(address, timestr_to_secs(timeout)) or ""

    # ------------------------------------------------------------------ building

    @keyword("New Trace Id")
    def new_trace_id(self) -> str:
        """Return a random trace id: 32 lowercase hex characters.

        | ${trace_id} =    New Trace Id
        """
        return new_trace_id()

    @keyword("New Span Id")
    def new_span_id(self) -> str:
        """Return a random span id: 16 lowercase hex characters.

        | ${span_id} =    New Span Id
        """
        return new_span_id()

    @keyword("Build Span")
    def build_span(self, name: str = "acceptance-span", service: str = DEFAULT_SERVICE,
                   trace_id: "str | None" = None, span_id: "str | None" = None,
                   parent_span_id: "str | None" = None, kind: str = "INTERNAL", start=None,
                   duration_ms: float = 5, attributes: "dict | None" = None, events: "list | None" = None,
                   status: str = "UNSET", status_message: str = "") -> DotDict:
        """Build one span and return its description (see `Built spans`).

        - ``service``: the ``service.name`` of the span's own resource.
        - ``trace_id``, ``span_id``: hex; new random ids when omitted. ``parent_span_id``: hex or none (root).
        - ``kind``: ``INTERNAL``, ``SERVER``, ``CLIENT``, ``PRODUCER``, ``CONSUMER`` or ``UNSPECIFIED``.
        - ``start``: ISO 8601 (naive means UTC) or nanoseconds since the epoch; now when omitted.
        - ``duration_ms``: end time is start plus this.
        - ``attributes``: dictionary; values may be strings, booleans, integers, floats, lists,
          dictionaries (sent as kvlist) and bytes.
        - ``events``: list of ``{name, time, attributes}`` (``time`` as ``start``; defaults to the span start).
        - ``status``: ``UNSET``, ``OK`` or ``ERROR``, with ``status_message``.

        | &{attrs} =    Create Dictionary    user=alice    retries=${3}    cached=${True}
        | ${span} =    Build Span    name=checkout    kind=SERVER    attributes=${attrs}
        | ${child} =    Build Span    name=db    trace_id=${span.trace_id}    parent_span_id=${span.span_id}
        """
        return DotDict(describe(make_span(
            name=name, service=service, trace_id=trace_id, span_id=span_id, parent_span_id=parent_span_id,
            kind=kind, start=start, duration_ms=duration_ms, attributes=attributes, events=events,
            status=status, status_message=status_message)))

    @keyword("Build Trace")
    def build_trace(self, count: int, service: str = DEFAULT_SERVICE, name: str = "operation") -> list:
        """Build one trace of ``count`` spans: a root and its descendants, and return them root first.

        Kinds cycle through all six OTLP kinds and statuses through UNSET/OK/ERROR; every third span
        carries attributes of every type (markup, a 64-bit integer, float, bool, list, kvlist, bytes) and
        an event. Spans are named ``<name>-<index>``.

        | ${trace} =    Build Trace    12    service=checkout
        | Send Spans And Expect    ${trace}    OK    api_key=${KEY}
        """
        return [DotDict(span) for span in scenarios.trace(count, service, name)]

    @keyword("Build Workflow Trace")
    def build_workflow_trace(self, nodes: int = 3, service: str = DEFAULT_SERVICE, telemetry_version: int = 1,
                             workflow_name: str = "acceptance-workflow") -> list:
        """Build the spans of one junjo workflow run: the workflow span first, then ``nodes`` node spans.

        The workflow span has ``junjo.span_type=workflow``, its state at start and end, its graph and
        store id; each node span has ``junjo.span_type=node``, the workflow as parent and one
        ``set_state`` event with an RFC 6902 patch (``junjo.state_json_patch``) and ``junjo.store.id``.
        Applying the patches in order to the start state gives the end state.

        ``telemetry_version=1`` uses ``junjo.id`` / ``junjo.parent_id`` / ``junjo.workflow.graph_structure``;
        ``2`` uses ``junjo.executable_runtime_id`` / ``junjo.parent_executable_runtime_id`` /
        ``junjo.workflow.execution_graph_snapshot`` and sets ``junjo.telemetry.contract_version`` to 2.
        The descriptions hold the expected junjo columns and ``_state_patches`` either way.

        | ${run} =    Build Workflow Trace    nodes=4    telemetry_version=2
        | ${workflow} =    Set Variable    ${run}[0]
        """
        return [DotDict(span) for span in scenarios.workflow_trace(nodes, service, telemetry_version,
                                                                    workflow_name)]

    @keyword("Build Malformed Span")
    def build_malformed_span(self, defect: str, service: str = DEFAULT_SERVICE) -> DotDict:
        """Build a span with one defect (policy B13) and return its description, ``_defect`` included.

        ``defect`` is one of `Malformed Span Defects`: ``short_trace_id`` (8 bytes), ``short_span_id``
        (4 bytes), ``end_before_start``, ``missing_end_time`` (0), ``invalid_junjo_json`` (a workflow span
        whose ``junjo.workflow.*`` JSON attributes do not parse), ``missing_service_name`` (resource
        without ``service.name``), ``empty_name``.

        | ${bad} =    Build Malformed Span    short_trace_id
        """
        return DotDict(scenarios.malformed_span(defect, service))

    @keyword("Strict JSON Hazards")
    def strict_json_hazards(self) -> list:
        """Names of JSON texts a lenient reader takes and a strict one rejects: ``NaN``, ``Infinity``,
        ``deep nesting`` (5000 levels), ``stray brace``, ``lone surrogate`` (an escaped half pair)."""
        return list(scenarios.STRICT_JSON_HAZARDS)

    @keyword("Build Junjo JSON Hazard Span")
    def build_junjo_json_hazard_span(self, hazard: str, service: str = DEFAULT_SERVICE) -> DotDict:
        """A junjo workflow span whose ``junjo.workflow.state.start`` is the JSON text ``hazard`` names (see
        `Strict JSON Hazards`); ``_raw_state`` of the description holds that text as sent."""
        return DotDict(scenarios.junjo_json_hazard_span(hazard, service))

    @keyword("Malformed Span Defects")
    def malformed_span_defects(self) -> list:
        """Return the defect names `Build Malformed Span` accepts.

        | FOR    ${defect}    IN    @{DEFECTS}
        |     ${bad} =    Build Malformed Span    ${defect}
        | END
        """
        return list(scenarios.MALFORMATIONS)

    # ------------------------------------------------------------------ sending

    @keyword("Send Spans")
    def send_spans(self, spans, api_key: "str | Secret | None" = None, timeout="10s") -> DotDict:
        """Send ``spans`` in one Export and return the export result (see `Sending`); never fails on gRPC errors.

        ``spans`` is a built span or a list of them (nested lists are flattened). Spans are grouped by
        resource (service) into ResourceSpans. Without ``api_key`` no key metadata is sent.
        ``timeout`` is a Robot time (``10s``, ``1 min``) or seconds.

        | ${result} =    Send Spans    ${trace}    api_key=${KEY}
        | Should Be Equal    ${result.code}    OK
        """
        built = [otlp_of(item) for item in _flatten(spans)]
        services = sorted({str(service_of(span.resource)) for span in built})
        payload = export_request(built).SerializeToString()
        result = self._export(payload, api_key, timeout, f"{len(built)} span(s) of {', '.join(services) or '-'}")
        return DotDict(result, span_count=len(built), services=services)

    @keyword("Send Spans And Expect")
    def send_spans_and_expect(self, spans, code: str, api_key: "str | Secret | None" = None,
                              timeout="10s") -> DotDict:
        """`Send Spans` and fail unless the Export answered ``code`` (a gRPC status name); return the result.

        | Send Spans And Expect    ${trace}    UNAUTHENTICATED    api_key=${None}
        """
        result = self.send_spans(spans, api_key, timeout)
        self.export_result_should_be(result, code)
        return result

    @keyword("Spans Should Be Accepted")
    def spans_should_be_accepted(self, spans, api_key: "str | Secret | None" = None, timeout="10s") -> DotDict:
        """`Send Spans` and fail unless the Export answered ``OK`` without rejecting any span.

        Only then is every span acknowledged (policy B11). Returns the result.

        | Spans Should Be Accepted    ${trace}    api_key=${KEY}
        """
        result = self.send_spans(spans, api_key, timeout)
        self.export_result_should_be(result, "OK", rejected_spans=0)
        return result

    @keyword("Export Result Should Be")
    def export_result_should_be(self, result: dict, code: str, rejected_spans: "int | None" = None):
        """Fail unless the export ``result`` has status ``code`` and, when given, ``rejected_spans``.

        | ${result} =    Send Spans    ${batch}    api_key=${KEY}
        | Export Result Should Be    ${result}    OK    rejected_spans=2
        """
        what = f"Export of {result.get('span_count', '?')} spans answered {result['code']}"
        if result["code"] != code.upper():
            details = f" ({result['details']})" if result.get("details") else ""
            hint = ""
            if result["code"] == "RESOURCE_EXHAUSTED" and code.upper() == "OK":
                hint = ("; the target is throttling this client — on a shared deployment, another test's flood "
                        "of invalid keys (B5) can lock out every client of this host: run throttling tests alone")
            raise AssertionError(f"{what}{details}, expected {code.upper()}{hint}")
        if rejected_spans is not None and result["rejected_spans"] != int(rejected_spans):
            message = f": {result['error_message']}" if result.get("error_message") else ""
            raise AssertionError(f"{what} with {result['rejected_spans']} rejected spans{message}, "
                                 f"expected {rejected_spans} rejected")

    @keyword("Send Raw Export Of Size")
    def send_raw_export_of_size(self, mebibytes: float, api_key: "str | Secret | None" = None,
                                timeout="2 min", service: str = DEFAULT_SERVICE) -> DotDict:
        """Send one Export whose serialized request is ``mebibytes`` MiB long and return the result.

        The request holds a single span padded by a string attribute, sized to the byte when possible
        (``request_bytes`` in the result says the exact size). The result also has the span's
        ``trace_id`` and ``span_id`` and ``padding_chars``. For the 64 MiB limit (policy B14).

        | ${result} =    Send Raw Export Of Size    64.5    api_key=${KEY}
        | Should Be Equal    ${result.code}    RESOURCE_EXHAUSTED
        """
        request, padded = scenarios.padded_request(int(float(mebibytes) * MIB), service)
        payload = request.SerializeToString()
        del request
        result = self._export(payload, api_key, timeout, f"1 span padded to {len(payload) / MIB:.3f} MiB")
        return DotDict(result, span_count=1, services=[service], **padded)

    @keyword("Send Invalid API Keys")
    def send_invalid_api_keys(self, count: int, valid_key: "str | Secret | None" = None, timeout="10s",
                              max_seconds: float = 60) -> DotDict:
        """Send ``count`` Exports back to back, each with a different random invalid key; return a summary.

        One small prebuilt request is re-sent on one channel, at most for ``max_seconds``. When
        ``valid_key`` is given, one more Export is sent with it afterwards (valid traffic must keep
        working, policy B5). Summary: ``sent``, ``codes`` (``{code: count}``), ``first_resource_exhausted``
        (index of the first ``RESOURCE_EXHAUSTED`` answer, or ``None``), ``elapsed_s`` and ``valid_key_code``
        (``None`` without ``valid_key``).

        | ${summary} =    Send Invalid API Keys    1000    valid_key=${KEY}
        | Should Not Be Equal    ${summary.first_resource_exhausted}    ${None}
        | Should Be Equal    ${summary.valid_key_code}    OK
        """
        payload = export_request([make_span(name="invalid-key-probe")]).SerializeToString()
        stub = self._stub()
        summary = export_with_invalid_keys(stub, payload, int(count), timestr_to_secs(timeout), float(max_seconds))
        summary["valid_key_code"] = None
        if valid_key is not None:
            summary["valid_key_code"] = self._export(payload, valid_key, timeout, "1 probe span")["code"]
        logger.info(f"{summary['sent']} Exports with random invalid keys in {summary['elapsed_s']:.2f} s: "
                    f"{summary['codes']}, first RESOURCE_EXHAUSTED at {summary['first_resource_exhausted']}; "
                    f"valid key then answered {summary['valid_key_code']}")
        return DotDict(summary)

    # ------------------------------------------------------------------ load

    @keyword("Push Span Load")
    def push_span_load(self, batches: int, service: str, api_key: "str | Secret | None" = None,
                       traces_per_batch: int = 100, spans_per_trace: int = 10, payload_bytes: int = 0,
                       in_flight: int = 1, timeout="30s", max_seconds: float = 120) -> DotDict:
        """Push ``batches`` Exports of ``traces_per_batch × spans_per_trace`` new unique spans of ``service``
        as fast as the target acknowledges them, at most ``in_flight`` at a time; return what happened.

        The request is built and serialized once; each batch is a copy with fresh trace and span ids and
        current timestamps stamped into the bytes (the generator makes well over 100,000 spans/s on one
        core, so the target is measured, not the client). Each trace is a root and a chain of children;
        ``payload_bytes`` adds a string attribute of that size to every span. Never fails on gRPC errors.

        Result: ``service``, ``batches``, ``spans_per_batch``, ``spans`` (acknowledged), ``latencies_ms``
        and ``sent_at_s`` (per batch), ``codes`` (``{code: n}``), ``errors``, ``first_error``,
        ``elapsed_s``, ``spans_per_s``, ``request_bytes``, ``trace_ids`` (of every batch, in order).

        | ${load} =    Push Span Load    100    load-test    api_key=${KEY}    traces_per_batch=10
        """
        attributes = {"load.payload": "x" * int(payload_bytes)} if int(payload_bytes) else {"load.kind": "push"}
        load = SpanLoad(service, int(traces_per_batch), int(spans_per_trace), attributes)
        self._loads.setdefault(service, []).append(load)
        records, elapsed = push(self._stub(), load, int(batches), reveal(api_key), int(in_flight),
                                timestr_to_secs(timeout), float(max_seconds))
        result = DotDict(push_summary(load, records, elapsed))
        logger.info(f"Pushed {result.batches} batches of {load.spans_per_batch} spans ({load.request_bytes} bytes "
                    f"each) of {service} to {self._endpoint}, key {mask(reveal(api_key))}, {in_flight} in flight: "
                    f"{result.spans} spans acknowledged in {elapsed:.2f} s ({result.spans_per_s:.0f} spans/s), "
                    f"codes {result.codes}{', first error ' + result.first_error if result.errors else ''}")
        return result

    @keyword("Pushed Span Keys")
    def pushed_span_keys(self, service: str) -> list:
        """``trace_id:span_id`` of every span `Push Span Load` made for ``service`` so far (acknowledged or not)."""
        return [key for load in self._loads.get(service, []) for key in span_keys(load)]

    # ------------------------------------------------------------------ helpers

    @property
    def endpoint(self) -> str:
        """The address every Export goes to (also the OTLP probes of ``SecurityProbes``)."""
        if not self._endpoint:
            raise RuntimeError("No ingestion endpoint: call 'Set Ingestion Endpoint' first")
        return self._endpoint

    def _stub(self):
        return self._channels.export_stub(self.endpoint)

    def _export(self, payload: bytes, api_key, timeout, what: str) -> dict:
        """Send serialized ``payload``, log one masked line, return the result without the key in it."""
        plain_key = reveal(api_key)
        result = export(self._stub(), payload, plain_key, timestr_to_secs(timeout))
        if plain_key:
            for field in ("details", "error_message"):
                result[field] = result[field].replace(plain_key, mask(plain_key))
        result["request_bytes"] = len(payload)
        rejected = f", {result['rejected_spans']} rejected" if result["rejected_spans"] else ""
        details = f" ({result['details']})" if result["details"] else ""
        logger.info(f"Export of {what} to {self._endpoint}, key {mask(plain_key)}: "
                    f"{result['code']}{details}{rejected} in {result['latency_ms']:.1f} ms")
        return result


def _flatten(items) -> list:
    """A list of spans from one span or (nested) lists of spans."""
    if isinstance(items, dict) or not isinstance(items, (list, tuple)):
        return [items]
    return [span for item in items for span in _flatten(item)]
