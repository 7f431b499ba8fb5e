"""The Concurrency keyword library: barrier runs, background calls, keyword lookup and the verdicts."""

import textwrap
import threading
import time
from pathlib import Path

import pytest
import robot
from robot.api.deco import keyword, library
from robot.api.types import Secret

from junjo_acceptance.concurrency import BackgroundCalls, run_sequences, run_together, summarise
from junjo_acceptance.races.keyword_calls import bind, find_keyword, plan_calls, resolve_arguments
from junjo_acceptance.races.verdicts import count_text, duplicates, field_of, status_of

LIBRARIES = Path(__file__).resolve().parents[2] / "libraries"


def test_calls_start_together_and_keep_their_outcomes_in_order():
    arrived = []

    def call(n):
        def run():
            arrived.append(time.perf_counter())
            if n == 2:
                raise ValueError("boom")
            return n * 10
        return run

    outcomes = run_together([call(n) for n in range(8)])
    assert [o.result for o in outcomes] == [0, 10, None, 30, 40, 50, 60, 70]
    assert [o.ok for o in outcomes].count(False) == 1 and isinstance(outcomes[2].error, ValueError)
    assert max(arrived) - min(arrived) < 0.5  # the barrier released them together


def test_sequences_run_in_parallel_threads_each_in_order():
    seen = {}
    lock = threading.Lock()

    def call(sequence, position):
        def run():
            with lock:
                seen.setdefault(sequence, []).append((position, threading.get_ident()))
            return (sequence, position)
        return run

    outcomes = run_sequences([[call(s, p) for p in range(3)] for s in range(4)])
    assert [(o.sequence, o.position, o.index) for o in outcomes][:4] == [(0, 0, 0), (0, 1, 1), (0, 2, 2), (1, 0, 3)]
    assert all([p for p, _ in calls] == [0, 1, 2] for calls in seen.values())
    assert len({calls[0][1] for calls in seen.values()}) == 4  # one thread per sequence


def test_background_calls_stop_on_request_and_count_successes():
    def flaky(n):
        def run():
            if n % 3 == 0:
                raise RuntimeError("no")
            return n
        return run

    runner = BackgroundCalls((flaky(n) for n in range(10_000)), max_seconds=30, pause_s=0.001).start()
    deadline = time.monotonic() + 10
    while runner.succeeded() < 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    outcomes = runner.stop()
    assert not runner.running and runner.succeeded() >= 20
    assert [o.index for o in outcomes] == list(range(len(outcomes)))
    assert all(o.ok == (o.index % 3 != 0) for o in outcomes)


def test_background_calls_are_bounded_in_time():
    runner = BackgroundCalls((lambda: time.sleep(0.01) for _ in range(10_000)), max_seconds=0.2).start()
    runner._thread.join(5)
    assert not runner.running and 1 <= len(runner.outcomes()) < 100


def test_summary_of_outcomes():
    outcomes = run_together([lambda: 1, lambda: 1 / 0, lambda: 3])
    summary = summarise(outcomes)
    assert (summary["calls"], summary["succeeded"], summary["failed"]) == (3, 2, 1)
    assert summary["min_ms"] <= summary["median_ms"] <= summary["p95_ms"] <= summary["max_ms"] <= summary["wall_ms"] + 1
    assert summarise([])["calls"] == 0


@library(scope="GLOBAL", auto_keywords=False)
class Greeter:
    @keyword("Greet Someone")
    def greet(self, name, punctuation="!"):
        return f"hello {name}{punctuation}"

    @property
    def explodes(self):
        raise AssertionError("properties must not be evaluated by the lookup")


@library(scope="GLOBAL", auto_keywords=False)
class OtherGreeter:
    @keyword("Greet Someone")
    def greet(self, name):
        return name


def test_keywords_are_found_by_robot_name_only():
    method = find_keyword({"Greeter": Greeter()}, "greet_someone")
    assert method("x") == "hello x!"
    assert find_keyword({"Greeter": Greeter(), "Other": OtherGreeter()}, "Other.Greet Someone")("y") == "y"
    with pytest.raises(ValueError, match="several libraries"):
        find_keyword({"Greeter": Greeter(), "Other": OtherGreeter()}, "Greet Someone")
    with pytest.raises(ValueError, match="only such keywords"):
        find_keyword({"Greeter": Greeter()}, "Log")


def test_index_and_item_placeholders_and_named_arguments():
    method = Greeter().greet
    assert bind(method, 7, (), ("tab-{index}",), {"punctuation": "?{index}"})() == "hello tab-7?7"
    secret = Secret("s3cret")
    assert bind(lambda value: value, 0, (), ("{item}",), {}, item=secret)() is secret  # the item itself
    assert bind(method, 2, (), ("key-{item}-{index}",), {}, item="a")() == "hello key-a-2!"

    def scalar(token):
        return {"${obj}": {"x": 1}}.get(token, token)

    def expand(token):
        return ["p", "q"]

    assert resolve_arguments(method, ["a", "punctuation=${obj}"], scalar, expand) == (("a",), {"punctuation": {"x": 1}})
    assert resolve_arguments(method, ["x=y"], scalar, expand) == (("x=y",), {})  # not a parameter: positional
    assert resolve_arguments(method, ["@{list}"], scalar, expand) == (("p", "q"), {})
    with pytest.raises(ValueError, match="after named"):
        resolve_arguments(method, ["punctuation=.", "a"], scalar, expand)


def test_calls_are_split_at_and_with_copies_and_items():
    def resolve(token):
        return {"${n} times": "6 times"}.get(token, token)

    calls = plan_calls(["Greet Someone", "a", "AND", "2 times", "Delete", "{item}", "by=admin", "FOR EACH", "@{ids}",
                        "AND", "${n} times", "List", "FOR EACH", "x", "y"], resolve)
    assert [(c.name, c.args, c.copies, c.items) for c in calls] == [
        ("Greet Someone", ["a"], 1, None),
        ("Delete", ["{item}", "by=admin"], 2, ["@{ids}"]),
        ("List", [], 6, ["x", "y"]),
    ]
    for tokens in (["AND", "Greet Someone"], ["Greet Someone", "AND"], ["A", "AND", "AND", "B"], ["3 times"]):
        with pytest.raises(ValueError, match="empty call|without a keyword"):
            plan_calls(tokens, resolve)


def test_verdict_helpers():
    class Answer:
        status = 201
        json = {"key": "abc"}

    assert status_of(Answer()) == 201 and status_of({"status": 404}) == 404 and status_of("x") is None
    assert field_of(Answer(), "key") == "abc" and field_of({"key": Secret("s3cret")}, "key") == "s3cret"
    assert field_of(Secret("whole"), "") == "whole"
    assert count_text([201, 500, 201]) == "201×2, 500×1"
    assert duplicates(["abcdefghijkl", "abcdefghijkl", "x"], secret=True) == ["abcd…(12 chars) ×2"]


def test_keywords_in_a_robot_run(tmp_path):
    helper = tmp_path / "Slow.py"
    helper.write_text(textwrap.dedent("""\
        import time
        from robot.api.deco import keyword, library

        @library(scope="GLOBAL", auto_keywords=False)
        class Slow:
            @keyword("Slow Status")
            def slow_status(self, status, delay=0.05):
                time.sleep(float(delay))
                if status == "boom":
                    raise RuntimeError("boom")
                return {"status": int(status), "id": f"id-{status}"}

            @keyword("Other Status")
            def other_status(self, status, delay=None):
                assert isinstance(delay, float), "a named value must keep its type"
                return {"status": int(status), "id": f"other-{status}"}
        """))
    suite = tmp_path / "races.robot"
    suite.write_text(textwrap.dedent(f"""\
        *** Settings ***
        Library    {LIBRARIES / 'Concurrency.py'}
        Library    {helper}

        *** Test Cases ***
        Concurrent Calls Are Judged As A Set
            ${{outcomes}} =    Run Keyword Concurrently    ${{3}}    Slow Status    20{{index}}
            All Calls Should Have Succeeded    ${{outcomes}}
            Response Statuses Should Be    ${{outcomes}}    200|201|202
            Call Results Should Be Distinct    ${{outcomes}}    id
            Run Keyword And Expect Error    P1: 3 concurrent calls answered 200×1, 201×1, 202×1, expected only 200
            ...    Response Statuses Should Be    ${{outcomes}}    200    policy=P1
            ${{mixed}} =    Run Keywords Concurrently    Slow Status    500    AND    Slow Status    boom
            Run Keyword And Expect Error    P2: 2 of 2 concurrent calls failed on the server side: *
            ...    No Call Should Have Answered A Server Error    ${{mixed}}    policy=P2
            VAR    @{{statuses}} =    200    201
            VAR    ${{pause}} =    ${{0.01}}
            ${{clients}} =    Run Keywords Concurrently
            ...    2 times    Slow Status    {{item}}    delay=${{pause}}    FOR EACH    @{{statuses}}
            ...    AND    Slow Status    5{{index}}    delay=${{pause}}
            ...    AND    Other Status    204    delay=${{pause}}
            Should Be Equal    ${{{{[(o.sequence, o.position, o.item) for o in $clients]}}}}
            ...    ${{{{[(0, 0, "200"), (0, 1, "201"), (1, 0, "200"), (1, 1, "201"), (2, 0, None), (3, 0, None)]}}}}
            Should Be Equal    ${{{{[o.result["id"] for o in $clients]}}}}
            ...    ${{{{["id-200", "id-201", "id-200", "id-201", "id-54", "other-204"]}}}}
            ${{others}} =    Outcomes Of Keyword    ${{clients}}    other status
            Length Should Be    ${{others}}    1
            ${{ids}} =    Results Of Calls    ${{clients}}    id
            Length Should Be    ${{ids}}    6
            ${{items}} =    Run Keyword Concurrently For Each    ${{{{["204", "404"]}}}}    Slow Status    delay=0
            ${{removed}} =    Calls Answering    ${{items}}    204
            Length Should Be    ${{removed}}    1
            ${{statuses}} =    Statuses Of Calls    ${{items}}
            Should Be Equal    ${{statuses}}    ${{{{[204, 404]}}}}
            ${{sequences}} =    Run Keyword In Concurrent Sequences    ${{{{[["200", "201"], ["202"]]}}}}    Slow Status
            Should Be Equal    ${{{{[o.item for o in $sequences]}}}}    ${{{{["200", "201", "202"]}}}}

        Background Calls Are Counted And Stopped
            Start Keyword In Background    bg    ${{{{["200"] * 1000}}}}    Slow Status    delay=0.001    max_seconds=20
            Wait Until Keyword Succeeds    10s    10ms    Background Calls Should Have Succeeded    bg    5
            ${{outcomes}} =    Stop Background Keyword    bg
            ${{items}} =    Items Of Successful Calls    ${{outcomes}}
            Should Be True    len($items) >= 5
        """))
    rc = robot.run(str(suite), outputdir=str(tmp_path), log="NONE", report="NONE", console="none")
    assert rc == 0, (tmp_path / "output.xml").read_text()[-3000:]
