"""The backend applies the OpenTelemetry SDK's default span limits when it stores a span.

Models a converter that reuses the SDK's ``SpanLimits`` defaults on the server side: a span keeps its first
128 attributes and its first 128 events, the rest are dropped without a word (the client was never told,
nothing is counted as rejected). Instrumented LLM calls with many attributes or a long stream of events
lose data. Breaks policy B11 (every acknowledged span is stored with every field intact).
"""

PROCESS = "backend"
POLICY = "B11"
CAUGHT_BY = ["A Span With Hundreds Of Attributes And Events Round-Trips Intact"]
FAILS_WITH = r"with wrong fields .*(attributes_json|events_json)"

SDK_DEFAULT_LIMIT = 128


def apply() -> None:
    """Make ``span_convert.convert_span`` drop attributes and events past the SDK default of 128."""
    from sut.backend import span_convert

    convert_span = span_convert.convert_span

    def limited(span, service):
        if len(span.attributes) > SDK_DEFAULT_LIMIT or len(span.events) > SDK_DEFAULT_LIMIT:
            trimmed = type(span)()
            trimmed.CopyFrom(span)
            del trimmed.attributes[SDK_DEFAULT_LIMIT:]
            del trimmed.events[SDK_DEFAULT_LIMIT:]
            span = trimmed
        return convert_span(span, service)

    span_convert.convert_span = limited
