"""A span store that cannot be opened is moved aside and replaced by a new, empty one — silently.

Models "self-healing" start-up code (``except Exception: create a fresh database``): a corrupted or
unreadable DuckDB file is answered with empty results as if there were no data, nobody is told the file is
damaged or how to rebuild it, and spans the ingestion log no longer holds are lost for good. Breaks policy
B20 (a corrupted file is detected and reported — fail fast or 503 naming the file and how to rebuild it —
never silent wrong answers).
"""

PROCESS = "backend"
POLICY = "B20"
CAUGHT_BY = ["A Corrupted Span Store Gives 503 Naming The File And How To Rebuild It"]
FAILS_WITH = r"corrupted span store .* must be reported, not served as a result"


def apply():
    import logging
    import os
    import time

    from sut.backend import span_store

    open_store = span_store.SpanStore.open_connection

    def open_or_start_afresh(self):
        try:
            return open_store(self)
        except span_store.SpanStoreCorrupted:
            os.replace(self.path, self.path.with_name(f"{self.path.name}.broken-{time.time_ns()}"))
            logging.getLogger(span_store.__name__).info("span store replaced by an empty one")
            return open_store(self)

    span_store.SpanStore.open_connection = open_or_start_afresh
