"""A span load generator that is never the bottleneck: one Export request is built and serialized once,
then every batch is that byte string with fresh ids (and current timestamps) stamped into it.

Building OTLP spans with protobuf objects costs about 70 µs a span in Python; stamping ids into a
prebuilt request costs about 1 µs a span, so one core can push well over 100,000 unique spans a second
and the numbers a load test reports are the target's, not the client's.

The template holds ``traces`` traces of ``spans_per_trace`` spans each (a root and a chain of children),
all of one service. The wire format of the serialized request is walked once to find the byte offsets
of every span's ids and timestamps; lengths never change, so every stamped batch is a valid request.
Ids come from counters behind a random per-generator prefix: trace ids are unique per trace and batch,
span ids unique per span, parents point at their parent's new id.
"""

import secrets
import struct
import time
from collections import Counter
from dataclasses import dataclass

import grpc

from .grpc_sender import API_KEY_HEADER
from .otlp_builder import export_request, make_span

# Field numbers of the OTLP protobuf messages walked here (opentelemetry/proto/**.proto).
REQUEST_RESOURCE_SPANS, RESOURCE_SPANS_SCOPE_SPANS, SCOPE_SPANS_SPANS = 1, 2, 2
SPAN_TRACE_ID, SPAN_SPAN_ID, SPAN_PARENT_ID, SPAN_START, SPAN_END = 1, 2, 4, 7, 8
LENGTH_DELIMITED, FIXED64, FIXED32, VARINT = 2, 1, 5, 0
_U64 = struct.Struct("<Q")


@dataclass
class SpanSlots:
    """Byte offsets of one span's fields in the serialized template (``parent`` is None for a root)."""

    trace_id: int
    span_id: int
    parent: "int | None"
    start: int
    end: int


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def _fields(data: bytes, start: int, end: int):
    """``(field number, wire type, value offset, value length)`` of every field in ``data[start:end]``."""
    pos = start
    while pos < end:
        tag, pos = _varint(data, pos)
        number, wire = tag >> 3, tag & 7
        if wire == VARINT:
            _, after = _varint(data, pos)
            yield number, wire, pos, after - pos
            pos = after
        elif wire == LENGTH_DELIMITED:
            length, pos = _varint(data, pos)
            yield number, wire, pos, length
            pos += length
        elif wire in (FIXED64, FIXED32):
            size = 8 if wire == FIXED64 else 4
            yield number, wire, pos, size
            pos += size
        else:
            raise ValueError(f"unexpected protobuf wire type {wire} at byte {pos}")


def _children(data: bytes, start: int, end: int, number: int):
    return [(offset, offset + length) for field, wire, offset, length in _fields(data, start, end)
            if field == number and wire == LENGTH_DELIMITED]


def span_slots(payload: bytes) -> list[SpanSlots]:
    """The id and timestamp offsets of every span of a serialized ``ExportTraceServiceRequest``, in order."""
    slots = []
    for rs_start, rs_end in _children(payload, 0, len(payload), REQUEST_RESOURCE_SPANS):
        for ss_start, ss_end in _children(payload, rs_start, rs_end, RESOURCE_SPANS_SCOPE_SPANS):
            for sp_start, sp_end in _children(payload, ss_start, ss_end, SCOPE_SPANS_SPANS):
                found = {number: (offset, length) for number, _, offset, length in _fields(payload, sp_start, sp_end)}
                parent = found.get(SPAN_PARENT_ID)
                slots.append(SpanSlots(found[SPAN_TRACE_ID][0], found[SPAN_SPAN_ID][0],
                                       parent[0] if parent and parent[1] else None,
                                       found[SPAN_START][0], found[SPAN_END][0]))
    return slots


class SpanLoad:
    """Batches of ``traces × spans_per_trace`` unique spans of ``service``, as serialized Export requests."""

    def __init__(self, service: str, traces: int = 100, spans_per_trace: int = 10,
                 attributes: "dict | None" = None, name: str = "load"):
        self.service = service
        self.traces, self.spans_per_trace = int(traces), int(spans_per_trace)
        if self.traces < 1 or self.spans_per_trace < 1:
            raise ValueError("a batch needs at least one trace of at least one span")
        self.spans_per_batch = self.traces * self.spans_per_trace
        self.batches_made = 0
        self._trace_prefix = secrets.token_bytes(8)
        self._span_base = secrets.randbits(62) + 1
        start = time.time_ns()
        spans = []
        for index in range(self.spans_per_batch):
            first = index % self.spans_per_trace == 0
            spans.append(make_span(name=f"{name}-{index % self.spans_per_trace}", service=service,
                                   trace_id=None if first else spans[-1].span.trace_id.hex(),
                                   parent_span_id=None if first else spans[-1].span.span_id.hex(),
                                   start=start + index * 1000, duration_ms=0.5, attributes=attributes))
        self._template = bytearray(export_request(spans).SerializeToString())
        self._slots = span_slots(bytes(self._template))
        self._starts = [_U64.unpack_from(self._template, slot.start)[0] for slot in self._slots]
        self._durations = [_U64.unpack_from(self._template, slot.end)[0] - begin
                           for slot, begin in zip(self._slots, self._starts, strict=True)]
        if len(self._slots) != self.spans_per_batch:
            raise AssertionError(f"template walk found {len(self._slots)} spans, built {self.spans_per_batch}")

    @property
    def request_bytes(self) -> int:
        """Size of one serialized batch."""
        return len(self._template)

    def next_batch(self) -> bytes:
        """The next batch: the template with fresh trace and span ids and timestamps from now on."""
        buffer = self._template
        batch = self.batches_made
        self.batches_made += 1
        span_base = self._span_base + batch * self.spans_per_batch
        shift = time.time_ns() - self._starts[0]
        per_trace = self.spans_per_trace
        trace_id = b""
        for index, slot in enumerate(self._slots):
            if index % per_trace == 0:
                trace_id = self._trace_prefix + (batch * self.traces + index // per_trace).to_bytes(8, "big")
            buffer[slot.trace_id:slot.trace_id + 16] = trace_id
            buffer[slot.span_id:slot.span_id + 8] = (span_base + index).to_bytes(8, "big")
            if slot.parent is not None:
                buffer[slot.parent:slot.parent + 8] = (span_base + index - 1).to_bytes(8, "big")
            start = self._starts[index] + shift
            _U64.pack_into(buffer, slot.start, start)
            _U64.pack_into(buffer, slot.end, start + self._durations[index])
        return bytes(buffer)

    def trace_ids(self, batch: int) -> list[str]:
        """The trace ids (hex) of batch number ``batch`` (0 = the first one made)."""
        first = batch * self.traces
        return [(self._trace_prefix + (first + t).to_bytes(8, "big")).hex() for t in range(self.traces)]

    def span_ids(self, batch: int) -> list[str]:
        """The span ids (hex) of batch number ``batch``, in template order."""
        base = self._span_base + batch * self.spans_per_batch
        return [(base + index).to_bytes(8, "big").hex() for index in range(self.spans_per_batch)]


@dataclass
class PushedBatch:
    """One Export of a push: when it was sent (s after the push began), how long it took, its answer."""

    batch: int
    sent_at_s: float
    latency_ms: float
    code: str
    details: str = ""


def push(stub, load: SpanLoad, batches: int, api_key: "str | None", in_flight: int = 1,
         timeout_s: float = 30.0, max_seconds: float = 120.0) -> tuple[list[PushedBatch], float]:
    """Send ``batches`` fresh batches of ``load`` with at most ``in_flight`` Exports outstanding, for at most
    ``max_seconds``; returns every batch's record (in batch order) and the elapsed seconds.

    ``stub`` is an Export callable taking serialized bytes (``ExportChannels.export_stub``).
    """
    metadata = None if api_key is None else ((API_KEY_HEADER, api_key),)
    outstanding: list = []
    records: list[PushedBatch] = []
    began = time.perf_counter()

    def settle(entry) -> None:
        number, sent, future, done = entry
        try:
            future.result()
            code, details = "OK", ""
        except grpc.RpcError as error:
            code, details = error.code().name, error.details() or ""
        finished = done[0] if done else time.perf_counter()
        records.append(PushedBatch(number, sent - began, (finished - sent) * 1000, code, details))

    for _ in range(int(batches)):
        if time.perf_counter() - began > max_seconds:
            break
        payload = load.next_batch()
        sent = time.perf_counter()
        future, done = stub.future(payload, metadata=metadata, timeout=timeout_s), []
        future.add_done_callback(lambda _, done=done: done.append(time.perf_counter()))
        outstanding.append((load.batches_made - 1, sent, future, done))
        while len(outstanding) >= max(1, int(in_flight)):
            settle(outstanding.pop(0))
    for entry in outstanding:
        settle(entry)
    records.sort(key=lambda record: record.batch)
    return records, time.perf_counter() - began


def push_summary(load: SpanLoad, records: list[PushedBatch], elapsed_s: float) -> dict:
    """What a push did, in the shape the ``Push Span Load`` keyword returns."""
    failed = [record for record in records if record.code != "OK"]
    acked = (len(records) - len(failed)) * load.spans_per_batch
    return {
        "service": load.service,
        "batches": len(records),
        "spans_per_batch": load.spans_per_batch,
        "spans": acked,
        "latencies_ms": [round(record.latency_ms, 3) for record in records],
        "sent_at_s": [round(record.sent_at_s, 4) for record in records],
        "codes": dict(Counter(record.code for record in records)),
        "errors": len(failed),
        "first_error": f"{failed[0].code}: {failed[0].details}" if failed else "",
        "elapsed_s": elapsed_s,
        "spans_per_s": acked / elapsed_s if elapsed_s > 0 else 0.0,
        "request_bytes": load.request_bytes,
        "trace_ids": [trace for record in records for trace in load.trace_ids(record.batch)],
    }


def span_keys(load: SpanLoad) -> list[str]:
    """``trace_id:span_id`` of every span of every batch ``load`` made so far."""
    keys = []
    for batch in range(load.batches_made):
        traces = load.trace_ids(batch)
        keys += [f"{traces[index // load.spans_per_trace]}:{span}" for index, span in enumerate(load.span_ids(batch))]
    return keys
