"""The poller moves its cursor as soon as it has read a batch and writes the spans later, in the background.

Models a write-behind buffer added to batch small DuckDB inserts: the poller hands each batch to a writer
thread that flushes once a second, and stores the batch's last key as its cursor right away. When the
backend dies (``kill -9``, OOM, a node failure) the spans still in the buffer are gone, and after the
restart the poller resumes after them: spans acknowledged by ingestion never reach the span store. Breaks
policy B11 (nothing acknowledged is lost, also across a restart of either process).
"""

PROCESS = "backend"
POLICY = "B11"
CAUGHT_BY = [
    "Acknowledged Spans Survive A Backend Kill During A Sustained Send",
    "Spans Behind A Saved Cursor Survive A Backend Kill At That Point",
]
FAILS_WITH = r"of \d+ sent spans, the HTTP API holds \d+ missing|spans behind the saved read cursor were lost"

FLUSH_INTERVAL_S = 1.0


def apply():
    import threading
    import time

    from sut.backend import poller, span_convert
    from sut.protos import ingestion_pb2

    pending = []
    lock = threading.Lock()
    writers = []

    def flush_forever(store):
        while True:
            time.sleep(FLUSH_INTERVAL_S)
            with lock:
                batches, pending[:] = list(pending), []
            for spans, patches in batches:
                store.write_batch(spans, patches)

    def poll_once(self):
        if not writers:
            writers.append(threading.Thread(target=flush_forever, args=(self.span_store,), daemon=True))
            writers[0].start()
        cursor = poller.load_cursor(self.db)
        request = ingestion_pb2.ReadSpansRequest(start_key_ulid=cursor, batch_size=self.batch_size)
        messages = list(self._stub.ReadSpans(request, timeout=poller.READ_TIMEOUT_S))
        if not messages:
            return 0
        spans, patches, _ = span_convert.convert_rows(messages)
        with lock:
            pending.append((spans, patches))
        poller.save_cursor(self.db, messages[-1].key_ulid)
        self.spans_written += len(spans)
        return len(messages)

    poller.Poller.poll_once = poll_once
