"""Every state patch gets a new random id, so a span received twice stores its state patches twice.

Models the product's own ``patch_id = uuid4()`` (with ``INSERT OR IGNORE`` that therefore never ignores): a
client retry, a concurrent duplicate send, or the poller re-reading a batch after a crash stores each
``set_state`` event again, and a UI replaying the workflow applies the same patch several times. Breaks
policy B12 (re-sending a span does not duplicate its state patches).
"""

PROCESS = "backend"
POLICY = "B12"
CAUGHT_BY = ["Five Senders Of One Span Store It Once With One Set Of State Patches"]
FAILS_WITH = r"\d+ state patches stored for \d+ sent"


def apply():
    import uuid

    from sut.backend import span_convert

    def patch_id(trace_id, span_id, event_index):
        return str(uuid.uuid4())

    span_convert.patch_id = patch_id
