"""Turns one ``ExportTraceServiceRequest`` into WAL rows, setting malformed spans aside (policy B13)."""

from dataclasses import dataclass, field

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from . import validation

REASONS_SHOWN = 5


@dataclass
class PreparedBatch:
    """The rows to append (serialized ``Span``, serialized ``Resource``) and the reasons for rejections."""

    rows: list[tuple[bytes, bytes]] = field(default_factory=list)
    rejections: list[str] = field(default_factory=list)

    def rejection_summary(self) -> str:
        """The first few rejection reasons, for ``partial_success.error_message``."""
        shown = "; ".join(self.rejections[:REASONS_SHOWN])
        more = len(self.rejections) - REASONS_SHOWN
        return f"{shown}; and {more} more" if more > 0 else shown


def prepare(request: ExportTraceServiceRequest) -> PreparedBatch:
    """Validate every span (numbered in request order from 0) and serialize the valid ones."""
    batch = PreparedBatch()
    index = 0
    for resource_spans in request.resource_spans:
        resource_problem = validation.resource_reject_reason(resource_spans.resource)
        resource_bytes = resource_spans.resource.SerializeToString()
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                problem = resource_problem or validation.span_reject_reason(span)
                if problem:
                    batch.rejections.append(f"span {index}: {problem}")
                else:
                    batch.rows.append((span.SerializeToString(), resource_bytes))
                index += 1
    return batch
