"""Export acknowledges spans before they are durable: the WAL is written behind, after the answer.

Models a write-behind buffer (acknowledge first, flush every second in a background thread) introduced
to cut ``Export`` latency: a crash or ``kill -9`` shortly after an acknowledged ``Export`` loses its
spans, and a reader polling right after the acknowledgement does not find them yet. Breaks policy B11
(every span whose ``Export`` returned OK is eventually queryable, also across a restart).
"""

PROCESS = "ingestion"
POLICY = "B11"
CAUGHT_BY = ["Acknowledged Spans Survive A Kill Of Ingestion During A Sustained Send"]
FAILS_WITH = r"of \d+ sent spans, the HTTP API.* holds \d+ missing"

FLUSH_INTERVAL_S = 1.0


def apply() -> None:
    """Make ``Wal.append`` buffer the batch and return at once; a daemon thread writes it later."""
    import queue
    import threading
    import time
    from collections.abc import Sequence

    from sut.ingestion import wal

    append_now = wal.Wal.append
    pending: queue.SimpleQueue[tuple[wal.Wal, Sequence[tuple[bytes, bytes]]]] = queue.SimpleQueue()

    def flush_forever() -> None:
        while True:
            time.sleep(FLUSH_INTERVAL_S)
            while not pending.empty():
                target, rows = pending.get()
                try:
                    append_now(target, rows)
                except Exception:  # noqa: BLE001 - the write-behind buffer loses data silently
                    pass

    def append(self: wal.Wal, rows: Sequence[tuple[bytes, bytes]]) -> None:
        pending.put((self, rows))

    threading.Thread(target=flush_forever, name="wal-write-behind", daemon=True).start()
    wal.Wal.append = append
