"""The span poller stops for good when the span store fails once: later spans are never stored.

Models a background worker that retries only network errors and lets any other exception end its thread:
the first time the span store cannot be opened (held by a backup, briefly unreadable), the poller dies
silently, ingestion keeps acknowledging spans, and none of them ever becomes queryable — until someone
restarts the backend. Breaks policy B11 (every acknowledged span is eventually queryable).
"""

PROCESS = "backend"
POLICY = "B11"
CAUGHT_BY = ["A Span Store Outage Gives Retryable Query Errors And Loses Nothing"]
FAILS_WITH = r"acknowledged spans (are not queryable|not yet visible after)"


def apply():
    import logging

    from sut.backend import poller, span_store

    report = poller.Poller.report_failure

    def report_or_give_up(self, error):
        if isinstance(error, span_store.SpanStoreError):
            logging.getLogger(poller.__name__).error("span store failed, the poller stops: %s", error)
            raise SystemExit(1)  # ends the poller thread
        report(self, error)

    poller.Poller.report_failure = report_or_give_up
