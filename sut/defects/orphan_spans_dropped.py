"""The span store drops a span whose parent is not stored yet: children read before their parent are lost.

Models a "referential integrity" filter in the writer (only insert spans whose ``parent_span_id`` is NULL or
already stored — like a foreign key from a span to its parent) written under the assumption that parents
arrive first. Services export a child when it ends, before its parent, and concurrent services interleave
their batches, so children are routinely read in an earlier batch than their parent: they are acknowledged,
read, and silently discarded while the poller moves on. Breaks policy B11 (every acknowledged span is
eventually queryable).
"""

PROCESS = "backend"
POLICY = "B11"
CAUGHT_BY = [
    "A Span Whose Parent Arrives In A Later Batch Is Stored",
    "Ten Concurrent Senders Store Each Span Once Intact Under Its Service",
]
FAILS_WITH = r"acknowledged spans (are not queryable|not yet visible after)|of \d+ sent spans, .* holds \d+ missing"


def apply():
    from sut.backend import span_store

    write_batch = span_store.SpanStore.write_batch

    def write_batch_with_known_parents(self, spans, patches):
        in_batch = {(row.trace_id, row.span_id) for row in spans}
        wanted = {(row.trace_id, row.parent_span_id) for row in spans
                  if row.parent_span_id and (row.trace_id, row.parent_span_id) not in in_batch}
        stored = set()
        if wanted:
            with self.cursor() as cur:
                for trace_id, parent in wanted:
                    if cur.execute("SELECT 1 FROM spans WHERE trace_id = ? AND span_id = ?",
                                   (trace_id, parent)).fetchone():
                        stored.add((trace_id, parent))
        kept = [row for row in spans if not row.parent_span_id or (row.trace_id, row.parent_span_id) in in_batch
                or (row.trace_id, row.parent_span_id) in stored]
        kept_ids = {(row.trace_id, row.span_id) for row in kept}
        return write_batch(self, kept, [p for p in patches if (p.trace_id, p.span_id) in kept_ids])

    span_store.SpanStore.write_batch = write_batch_with_known_parents
