"""Ingestion keeps every request it acknowledged in memory and never lets go: a per-batch memory leak.

Models a "replay buffer" added so a batch could be written again if the log write failed, whose entries
are only removed on the failure path: each acknowledged ``Export`` leaves its request and its serialized
spans behind, memory grows batch after batch and the process is eventually killed for running out of it.
Breaks policy B15 (no memory growth under a sustained send after warm-up).
"""

PROCESS = "ingestion"
POLICY = "B15"
CAUGHT_BY = ["100 Batches Of 100 Spans Keep A Steady Latency And No Memory Growth"]
FAILS_WITH = r"memory grows under sustained load after warm-up: ingestion grew"


def apply() -> None:
    """Make ``batch.prepare`` remember every request and its prepared rows forever."""
    from sut.ingestion import batch

    prepare = batch.prepare
    replay_buffer: list = []

    def prepare_and_keep(request):
        prepared = prepare(request)
        replay_buffer.append((request, prepared))
        return prepared

    batch.prepare = prepare_and_keep
