"""One malformed span makes ingestion refuse the whole Export: the valid spans sent with it are lost.

Models all-or-nothing batch validation (validate every span, raise on the first bad one): a single span
with a bad id or timestamp from one misbehaving library makes the client's exporter drop the entire batch —
and exporters such as ``junjo``'s do not retry, so good telemetry is silently lost. Breaks policy B13 (a bad
span never costs good spans; bad ones are counted in ``partial_success``).
"""

PROCESS = "ingestion"
POLICY = "B13"
CAUGHT_BY = [
    "A Batch With One Malformed Span Keeps Its Valid Spans And Never Blocks",
    "Spans Missing Fields Are Rejected Or Get Sane Defaults And Never Block",
]
FAILS_WITH = r"the Export answered UNKNOWN \(.*invalid batch"


def apply():
    from sut.ingestion import batch

    prepare = batch.prepare

    def prepare_all_or_nothing(request):
        prepared = prepare(request)
        if prepared.rejections:
            raise ValueError(f"invalid batch: {prepared.rejections[0]}")  # the whole Export fails
        return prepared

    batch.prepare = prepare_all_or_nothing
