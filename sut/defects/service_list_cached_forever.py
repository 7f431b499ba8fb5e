"""The service list is computed once and cached for the life of the process.

Models a "cheap optimisation" of ``GET /services`` (a ``SELECT DISTINCT`` over every span) behind a cache
that nothing invalidates: a service that starts sending after the first call never appears in the studio's
service picker, although its spans are stored and reachable by trace id. Breaks contract A2 (``/services``
lists the distinct service names).
"""

PROCESS = "backend"
POLICY = "A2"
CAUGHT_BY = ["Every Span Read Endpoint Returns The Spans It Is Asked For"]
FAILS_WITH = r"GET /services must list the service that holds spans"


def apply() -> None:
    from sut.backend import span_store

    service_names = span_store.SpanStore.service_names
    cache: dict = {}

    def cached(self):
        if "names" not in cache:
            cache["names"] = service_names(self)
        return list(cache["names"])

    span_store.SpanStore.service_names = cached
