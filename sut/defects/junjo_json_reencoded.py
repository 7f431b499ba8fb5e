"""The backend re-encodes ``junjo.*`` JSON with a lenient reader before storing it.

Models a converter that "normalises" workflow state with ``json.dumps(json.loads(text))``: Python's reader
accepts what a strict one refuses (``NaN``, ``Infinity``, an escaped lone surrogate) and its writer hands
the result on — a lone surrogate cannot be encoded as UTF-8, so the span store refuses the whole batch,
the poller retries it forever and every later span waits behind it. Breaks policy B13 (a bad ``junjo.*``
JSON attribute is rejected or stored raw; later spans still flow).
"""

PROCESS = "backend"
POLICY = "B13"
CAUGHT_BY = ["Junjo JSON That A Strict Reader Rejects Never Stops Ingestion"]
FAILS_WITH = r"after a span whose junjo JSON holds [\w ]+, ingestion must keep flowing"


def apply() -> None:
    """Make ``span_convert.strict_json_text`` parse and re-serialise string JSON leniently."""
    import json

    from sut.backend import span_convert

    def reencoded(value):
        if value is None:
            return None
        if isinstance(value, str):
            try:
                return span_convert.dumps(json.loads(value))
            except ValueError:
                return None
        return span_convert.dumps(value)

    span_convert.strict_json_text = reencoded
