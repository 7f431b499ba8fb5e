"""A span without end time passes validation and is stored with end time 0 (1970), before its start.

Models validation that treats a missing end time as "an instant span" while the storage code keeps the raw
zero: the span is acknowledged and stored with ``end_time`` 1970-01-01, so its duration is hugely negative,
time-range queries and charts go wrong, and nobody is told. Breaks policy B13 (a span missing a field is
rejected and counted, or stored with a sane documented default — never with garbage).
"""

PROCESS = "ingestion"
POLICY = "B13"
CAUGHT_BY = ["Spans Missing Fields Are Rejected Or Get Sane Defaults And Never Block"]
FAILS_WITH = r"missing_end_time was stored with end_time 1970-01-01.*before its start"


def apply():
    from sut.ingestion import validation

    reject_reason = validation.span_reject_reason

    def reject_reason_ignoring_missing_end(span):
        if span.end_time_unix_nano:
            return reject_reason(span)
        probe = type(span)()
        probe.CopyFrom(span)
        probe.end_time_unix_nano = probe.start_time_unix_nano  # validated as an instant, stored as sent
        return reject_reason(probe)

    validation.span_reject_reason = reject_reason_ignoring_missing_end
