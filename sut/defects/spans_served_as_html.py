"""Span lists are sent with ``Content-Type: text/html`` although the body is JSON.

Models an endpoint returning ``Response(json.dumps(spans))`` (or an ``HTMLResponse`` picked by
auto-complete): the default media type is ``text/html``, so a browser opening the URL renders the body,
and markup stored in a span attribute runs as script in the studio's origin. Breaks policy B10 (JSON
responses carry ``Content-Type: application/json``).
"""

PROCESS = "backend"
POLICY = "B10"
CAUGHT_BY = ["Markup In Span And Event Attributes Is Returned As Escaped JSON"]
FAILS_WITH = r"answered with Content-Type 'text/html"


def apply():
    import json

    from fastapi.responses import Response

    from sut.backend.routes import observability

    def spans_response(rows):
        body = json.dumps([observability.span_json(row) for row in rows])
        return Response(body, media_type="text/html")

    observability.spans_response = spans_response
