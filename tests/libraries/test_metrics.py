"""Unit tests of the Metrics keyword library: statistics, process sampling, plots, baselines, metrics.json,
and the library inside a real Robot run (log, message, metadata)."""

import json
import os
import random
import statistics
import textwrap
from pathlib import Path

import pytest
import robot
from robot.api import ExecutionResult

from junjo_acceptance.metrics import baseline, plots, store
from junjo_acceptance.metrics.sampler import ProcessSampler
from junjo_acceptance.metrics.stats import percentile, slope, summarise

LIBRARIES = Path(__file__).resolve().parents[2] / "libraries"


def test_percentiles_interpolate_linearly_between_closest_ranks():
    values = [random.uniform(1, 500) for _ in range(137)]
    cuts = statistics.quantiles(values, n=100, method="inclusive")  # the same definition as numpy's default
    for percent in (1, 25, 50, 95, 99):
        assert percentile(values, percent) == pytest.approx(cuts[percent - 1])
    assert (percentile(values, 0), percentile(values, 100)) == (min(values), max(values))
    assert percentile([7.0], 99) == 7.0


def test_summary_counts_errors_and_throughput():
    summary = summarise("ack", [10, 20, 30, 40], errors=1, items=4000, elapsed_s=2)
    assert (summary.count, summary.errors, summary.p50_ms, summary.max_ms) == (4, 1, 25, 40)
    assert summary.throughput_per_s == 2000
    figures = summary.figures()
    assert figures["ack.p99_ms"] == (pytest.approx(39.7), "ms") and figures["ack.throughput_per_s"] == (2000, "/s")
    assert "ack.throughput_per_s" not in summarise("x", [1.0]).figures()


def test_slope_of_a_line_and_of_a_single_point():
    assert slope([0, 1, 2, 3], [5, 7, 9, 11]) == pytest.approx(2)
    assert slope([1], [1]) == 0.0


def test_sampler_measures_this_process_and_judges_growth_after_the_mark():
    sampler = ProcessSampler({"me": os.getpid(), "nobody": 2**22 + 12345}, interval_s=0.01).start()
    ballast = []
    sampler.mark("warm-up done")
    for _ in range(20):
        ballast.append(bytearray(2 * 1024 * 1024))
        sampler._stop.wait(0.01)
    series = sampler.stop()
    summary = series["me"].summary(sampler.marks["warm-up done"])
    assert summary["samples"] >= 5 and summary["rss_growth_mib"] > 10 and summary["rss_peak_mib"] > 0
    assert series["nobody"].gone and series["nobody"].summary(0) == {"samples": 0}
    assert len(ballast) == 20


def test_plots_are_png_images():
    latency = plots.latency_png("ack", [0, 1, 2], [5.0, 6.0, 30.0], 6.0, 29.5, limit_ms=2000)
    sampler = ProcessSampler({"me": os.getpid()}, interval_s=0.01).start()
    sampler._stop.wait(0.05)
    memory = plots.memory_png("target", sampler.stop(), {"warm-up done": 0.02})
    assert latency.startswith(b"\x89PNG") and memory.startswith(b"\x89PNG")
    assert plots.img_tag(latency, "ack").startswith('<img src="data:image/png;base64,iVBOR')


BASELINE = {"default_tolerance": 1.0, "tests": {"T": {
    "ack.p50_ms": {"value": 10, "unit": "ms", "better": "lower", "tolerance": 0.5},
    "rate": {"value": 1000, "unit": "/s", "better": "higher"}}}}


def test_baseline_comparison_uses_direction_and_tolerance():
    results = {c.figure: c for c in baseline.compare("T", {"ack.p50_ms": (15, "ms"), "rate": (400, "/s"),
                                                           "new": (1, "")}, BASELINE)}
    assert results["ack.p50_ms"].verdict == "ok" and results["ack.p50_ms"].limit == 15
    assert results["rate"].verdict == "regression" and results["rate"].limit == 500
    assert results["new"].verdict == "no baseline"
    assert results["rate"].describe() == "rate = 400 /s, baseline 1000 /s, tolerance 100% → must be ≥ 500 /s"
    assert baseline.compare("T", {"ack.p50_ms": (15.1, "ms")}, BASELINE)[0].verdict == "regression"
    assert baseline.compare("T", {"ack.p50_ms": (1, "ms")}, None)[0].verdict == "no baseline"


def test_accepting_a_run_updates_values_and_keeps_tolerances(tmp_path):
    path = tmp_path / "reference.json"
    path.write_text(json.dumps(BASELINE))
    run = tmp_path / "metrics.json"
    run.write_text(json.dumps({"generated_at": "now", "tests": {"S.T": {"test": "T", "status": "PASS", "figures": {
        "ack.p50_ms": {"value": 12.3456, "unit": "ms"}, "other": {"value": 3, "unit": ""}}}}}))
    assert baseline.main(["accept", str(run), str(path)]) == 0
    updated = json.loads(path.read_text())["tests"]["T"]
    assert updated["ack.p50_ms"] == {"value": 12.346, "unit": "ms", "better": "lower", "tolerance": 0.5}
    assert "other" not in updated
    baseline.accept(run, path, add_all=True)
    assert json.loads(path.read_text())["tests"]["T"]["other"]["value"] == 3


def test_each_process_writes_its_file_and_pabot_processes_are_merged(tmp_path):
    assert store.save(tmp_path / "plain", {"A.t": {"x": 1}}) == [tmp_path / "plain" / "metrics.json"]
    first, second = tmp_path / "out" / "pabot_results" / "0", tmp_path / "out" / "pabot_results" / "1"
    store.save(first, {"A.t": {"x": 1}})
    written = store.save(second, {"B.t": {"x": 2}})
    assert written[-1] == tmp_path / "out" / "metrics.json"
    assert set(json.loads(written[-1].read_text())["tests"]) == {"A.t", "B.t"}


SUITE = """\
*** Settings ***
Library    Metrics

*** Test Cases ***
Measured
    ${summary} =    Record Latencies    ack    ${{ [5, 6, 7, 8, 50] }}    items=${500}    elapsed_s=${1}
    Record Figure    rate    ${123}    unit=/s
    Record Rate    moved    ${10}    ${4}
    VAR    &{ok} =    ok=${True}    elapsed_ms=${3}    started_ms=${0}    result=${{ {"status": 200} }}
    VAR    &{refused} =    ok=${True}    elapsed_ms=${4}    started_ms=${1}    result=${{ {"status": 503} }}
    ${calls} =    Record Call Latencies    call    ${{ [$ok, $refused] }}    expected_status=${200}
    Should Be Equal As Integers    ${calls.errors}    1
    Figures Should Match Baseline    ${BASELINE}    policy=B15
    Latency Should Be Below    ${summary}    ${1000}    policy=B15

Slower Than The Baseline
    Record Latencies    ack    ${{ [50, 60] }}
    Figures Should Match Baseline    ${BASELINE}    policy=B15

Not Steady
    ${summary} =    Record Latencies    ack    ${{ [1] * 99 + [100] * 2 }}
    Latency Should Be Steady    ${summary}    3    policy=B15
"""


def test_the_library_in_a_robot_run(tmp_path):
    suite = tmp_path / "measured.robot"
    suite.write_text(textwrap.dedent(SUITE))
    (tmp_path / "base.json").write_text(json.dumps({"tests": {
        "Measured": {"ack.p50_ms": {"value": 7, "better": "lower", "tolerance": 0.5}},
        "Slower Than The Baseline": {"ack.p50_ms": {"value": 7, "better": "lower", "tolerance": 0.5}}}}))
    robot.run(str(suite), outputdir=str(tmp_path / "out"), pythonpath=[str(LIBRARIES)], report=None,
              variable=[f"BASELINE:{tmp_path / 'base.json'}"], stdout=open(os.devnull, "w"))
    result = ExecutionResult(str(tmp_path / "out" / "output.xml"))
    tests = {test.name: test for test in result.suite.tests}
    assert tests["Measured"].passed and "ack.p50_ms 7 ms" in tests["Measured"].message
    assert "rate 123 /s" in tests["Measured"].message
    assert "moved 2.5 /s" in tests["Measured"].message
    assert tests["Slower Than The Baseline"].message.startswith("B15: slower than the accepted baseline")
    assert tests["Not Steady"].message.startswith("B15: ack latency is not steady")
    assert "headline figures" in result.suite.metadata["Performance figures"]
    saved = json.loads((tmp_path / "out" / "metrics.json").read_text())["tests"]
    assert saved["Measured.Measured"]["figures"]["ack.throughput_per_s"]["value"] == 500
    assert saved["Measured.Slower Than The Baseline"]["baseline"][0]["verdict"] == "regression"
    assert saved["Measured.Not Steady"]["status"] == "FAIL"
    logged = (tmp_path / "out" / "output.xml").read_text()  # log.html holds the same messages, compressed
    assert "data:image/png;base64" in logged and "Baseline comparison" in logged
