"""Benchmark: the Locust OTLP user (``libraries/load/locustfile.py``, built on the suite's span generator)
with one and with two worker processes, beside the OpenTelemetry SDK's own OTLP gRPC exporter, all against
the same loopback sink in the same run.

Each Locust run is headless (a master and its workers, as the suites run it), with ``USERS_PER_WORKER``
users per worker sending batches of 1000 spans back to back for ``SECONDS`` seconds (a declared rate far
above what they can reach, so the schedule never holds them back). Measured: spans acknowledged per
second between the first and the last Export (Locust's own statistics). Printed with the ratios; the
only assertions are that every Export was acknowledged and counted — the numbers depend on the machine.
"""

import os

import pytest
from sdk_baseline import SPANS_PER_BATCH, sdk_rates

from junjo_acceptance.load.runner import LoadPlan, run

USERS_PER_WORKER = 4
SECONDS = 8
UNBOUNDED_RATE = 1_000_000


def locust_rate(address: str, workers: int, folder) -> dict:
    plan = LoadPlan("OtlpExportUser", USERS_PER_WORKER * workers, UNBOUNDED_RATE, 0, SECONDS, workers=workers,
                    options={"otlp-address": address, "load-service": "benchmark",
                             "spans-per-batch": SPANS_PER_BATCH},
                    secrets={"JUNJO_LOAD_API_KEY": "benchmark-key"})
    result = run(plan, folder)
    assert result["requests"] > 0 and result["failures"] == 0, result["failure_examples"] or result["log_tail"]
    assert result["service"]["items"] == result["requests"] * SPANS_PER_BATCH
    return result


@pytest.mark.slow
def test_locust_otlp_user_with_one_and_two_workers_beside_the_sdk_exporter(sink, tmp_path, capsys):
    one = locust_rate(sink, 1, tmp_path / "one-worker")
    two = locust_rate(sink, 2, tmp_path / "two-workers")
    exporter, _ = sdk_rates(sink)
    with capsys.disabled():
        print(f"\nLocust OTLP user, 1 worker: {one['items_per_s']:,.0f} spans/s "
              f"({one['requests']} Exports, p50 {one['service']['p50_ms']:.0f} ms)\n"
              f"Locust OTLP user, 2 workers: {two['items_per_s']:,.0f} spans/s "
              f"({two['requests']} Exports, p50 {two['service']['p50_ms']:.0f} ms)\n"
              f"SDK OTLP exporter (export only, one thread): {exporter['per_s']:,.0f} spans/s\n"
              f"ratios: 1 worker / SDK {one['items_per_s'] / exporter['per_s']:.1f}×, "
              f"2 workers / SDK {two['items_per_s'] / exporter['per_s']:.1f}×, "
              f"2 workers / 1 worker {two['items_per_s'] / one['items_per_s']:.2f}× ({os.cpu_count()} cores)")
