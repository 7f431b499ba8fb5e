"""The Locust runner: histogram percentiles and summaries, and real headless runs (a master and two workers
on loopback) of both user classes against the embedded reference target — every request counted, the
open-loop schedule kept, the spans sent stored, and no secret in any file or command line Locust saw."""

import json
import os
import textwrap
import time
from pathlib import Path

import pytest
import requests
import robot
from robot.api import ExecutionResult

from junjo_acceptance.load.runner import LoadPlan, masked, percentile, run, summary
from junjo_acceptance.target.embedded import EmbeddedTarget

LIBRARIES = Path(__file__).resolve().parents[2] / "libraries"
EMAIL, PASSWORD = "locust-admin@acceptance.example", "locust-admin-password-Kq3v"
SPANS_PER_BATCH = 50


def entry(method: str, name: str, times: dict, failures: int = 0, length: int = 0) -> dict:
    count = sum(times.values())
    return {"name": name, "method": method, "num_requests": count, "num_failures": failures,
            "response_times": {str(k): v for k, v in times.items()}, "max_response_time": max(times),
            "total_response_time": sum(k * v for k, v in times.items()), "total_content_length": length,
            "start_time": 100.0, "last_request_timestamp": 110.0}


def test_percentiles_follow_locusts_rule_on_the_histogram():
    histogram = {5.0: 90, 20.0: 9, 300.0: 1}
    assert percentile(histogram, 50) == 5.0
    assert percentile(histogram, 95) == 20.0
    assert percentile(histogram, 99) == 20.0
    assert percentile(histogram, 100) == 300.0
    assert percentile({}, 99) == 0.0


def test_summary_merges_the_histograms_of_several_entries():
    merged = summary([entry("INTENDED", "trace", {10: 98}), entry("INTENDED", "page", {400: 2}, failures=1)])
    assert merged["count"] == 100 and merged["errors"] == 1
    assert merged["p50_ms"] == 10.0 and merged["p99_ms"] == 400.0 and merged["max_ms"] == 400


def test_the_master_and_its_workers_share_the_load_options_but_never_a_secret():
    plan = LoadPlan("ApiReaderUser", 100, 20.0, 200, 60, workers=2, secrets={"JUNJO_LOAD_COOKIE": "s3cr3t-cookie"})
    master, worker = " ".join(plan.master_command(5000)), " ".join(plan.worker_command(5000))
    assert "--load-rate 20.0" in master and "--load-rate 20.0" in worker and "--load-users 100" in worker
    assert "--expect-workers 2" in master and "-u 100" in master
    assert "s3cr3t" not in master + worker
    assert plan.time_limit_s == pytest.approx(2 * 100 / 400 + 1 + 200 / 20 + 5)
    assert "s3cr3t" not in masked("cookie s3cr3t-cookie leaked", ["s3cr3t-cookie"])


@pytest.fixture(scope="module")
def target():
    embedded = EmbeddedTarget("locust-load", {}, [])
    embedded.start()
    session = requests.Session()
    url = embedded.http_url
    session.post(f"{url}/users/create-first-user", json={"email": EMAIL, "password": PASSWORD}, timeout=10)
    session.post(f"{url}/sign-in", json={"email": EMAIL, "password": PASSWORD}, timeout=10).raise_for_status()
    key = session.post(f"{url}/api_keys", json={"name": "locust"}, timeout=10).json()["key"]
    yield {"describe": embedded.describe(), "session": session, "key": key, "cookie": session.cookies["session"]}
    embedded.stop()


def files_mentioning(folder, secret: str) -> list[str]:
    return [path.name for path in folder.rglob("*") if path.is_file() and secret in path.read_text(errors="replace")]


def service_span_count(target, service: str) -> int:
    url = f"{target['describe']['http_url']}/api/v1/observability/services/{service}/spans"
    return len(target["session"].get(url, params={"limit": 10000}, timeout=10).json())


@pytest.mark.slow
def test_two_workers_export_every_planned_span_on_schedule(target, tmp_path):
    plan = LoadPlan("OtlpExportUser", 10, 20.0, 40, 60, workers=2,
                    options={"otlp-address": target["describe"]["otlp_address"], "load-service": "locust-export",
                             "spans-per-batch": SPANS_PER_BATCH},
                    secrets={"JUNJO_LOAD_API_KEY": target["key"]})
    result = run(plan, tmp_path)
    assert result["exit_codes"] == {"master": 0, "worker-1": 0, "worker-2": 0}, result["log_tail"]
    assert result["requests"] == 40 and result["failures"] == 0, result["failure_examples"]
    assert result["service"]["items"] == 40 * SPANS_PER_BATCH
    assert result["achieved_rate_per_s"] == pytest.approx(20, rel=0.35)
    assert result["open_loop"]["p50_ms"] >= result["service"]["p50_ms"]
    assert result["history"]["at_s"], "Locust wrote no history"
    deadline = time.monotonic() + 30
    while service_span_count(target, "locust-export") < 40 * SPANS_PER_BATCH and time.monotonic() < deadline:
        time.sleep(0.2)
    assert service_span_count(target, "locust-export") == 40 * SPANS_PER_BATCH
    assert files_mentioning(tmp_path, target["key"]) == []


@pytest.mark.slow
def test_two_workers_of_api_readers_check_every_answer_without_leaking_the_cookie(target, tmp_path):
    plan = LoadPlan("ApiReaderUser", 20, 40.0, 80, 60, workers=2, host=target["describe"]["http_url"],
                    options={"load-service": "locust-none"}, secrets={"JUNJO_LOAD_COOKIE": target["cookie"]})
    result = run(plan, tmp_path)
    assert result["requests"] == 80, result["log_tail"]
    reads = {name: stats["open_loop"] for name, stats in result["by_name"].items()}
    # the cookie reached the workers: the key listings were answered
    assert reads["keys"]["count"] > 0 and reads["keys"]["errors"] == 0, result["failure_examples"]
    # "locust-none" has no spans and no trace: not listed among the services, so those answers are wrong
    assert reads["services"]["errors"] == reads["services"]["count"] > 0
    assert result["failures"] == sum(read["errors"] for read in reads.values())
    assert files_mentioning(tmp_path, target["cookie"]) == []


def load(p99_ms: float, achieved: float) -> dict:
    side = {"count": 1000, "errors": 0, "p50_ms": 9.0, "p95_ms": 30.0, "p99_ms": p99_ms, "max_ms": p99_ms + 10,
            "mean_ms": 12.0, "items": 0, "first_s": 0.0, "last_s": 20.0}
    return {"user_class": "ApiReaderUser", "users": 1000, "workers": 2, "declared_rate_per_s": 50.0,
            "requests": 1000, "failures": 0, "achieved_rate_per_s": achieved, "items_per_s": 0.0,
            "open_loop": side, "service": dict(side, p99_ms=p99_ms / 2), "failure_examples": [],
            "by_name": {"trace": {"open_loop": side, "service": side}},
            "history": {"at_s": [0, 1, 2], "users": [1000] * 3, "requests_per_s": [48.0, 50.0, 51.0],
                        "p50_ms": [None, 9.0, 9.0], "p95_ms": [None, 30.0, 31.0]}}


SUITE = """
*** Settings ***
Library    Metrics
Library    LocustLoad
Variables    loads.py

*** Test Cases ***
Fast Enough At The Declared Rate
    Record Load Statistics    api_open_loop    ${FAST}    limit_ms=200
    Locust Load Should Reach Its Rate Within The Latency Limit    ${FAST}    200    policy=B15

Too Slow
    Locust Load Should Reach Its Rate Within The Latency Limit    ${SLOW}    200    policy=B15

Rate Not Reached
    Locust Load Should Reach Its Rate Within The Latency Limit    ${STARVED}    200    policy=B15
"""


def test_the_keywords_record_the_figures_and_name_rate_and_latency_in_failures(tmp_path):
    (tmp_path / "load.robot").write_text(textwrap.dedent(SUITE))
    (tmp_path / "loads.py").write_text(f"FAST = {load(120.0, 50.1)!r}\nSLOW = {load(310.0, 50.1)!r}\n"
                                       f"STARVED = {load(20.0, 31.0)!r}\n")
    robot.run(str(tmp_path / "load.robot"), outputdir=str(tmp_path / "out"), pythonpath=[str(LIBRARIES)],
              report=None, log=None, stdout=open(os.devnull, "w"))
    tests = {test.name: test for test in ExecutionResult(str(tmp_path / "out" / "output.xml")).suite.tests}
    assert tests["Fast Enough At The Declared Rate"].passed
    assert "api_open_loop.p99_ms 120 ms" in tests["Fast Enough At The Declared Rate"].message
    slow, starved = tests["Too Slow"].message, tests["Rate Not Reached"].message
    assert slow.startswith("B15: latency: p99_ms 310 ms from intended start") and "50.1 requests/s achieved" in slow
    assert starved.startswith("B15: latency: the declared arrival rate was not reached")
    assert "31.0 requests/s achieved of 50/s declared" in starved and "p99_ms 20 ms" in starved
    figures = json.loads((tmp_path / "out" / "metrics.json").read_text())["tests"]
    recorded = figures["Load.Fast Enough At The Declared Rate"]["figures"]
    assert recorded["api_open_loop.achieved_rate_per_s"]["value"] == 50.1
    assert recorded["api_open_loop.service_p99_ms"]["value"] == 60.0
    assert "data:image/png;base64" in (tmp_path / "out" / "output.xml").read_text()
