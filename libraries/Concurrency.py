"""Keywords that run a keyword many times at once (races) or on and on in the background (sustained load),
and judge the whole set of outcomes."""

from robot.api import logger
from robot.api.deco import keyword, library
from robot.libraries.BuiltIn import BuiltIn
from robot.utils import DotDict, timestr_to_secs

from junjo_acceptance.concurrency import BackgroundCalls, Outcome, run_sequences, summarise
from junjo_acceptance.races.keyword_calls import bind, find_keyword, normalise, split_named
from junjo_acceptance.races.verdicts import SERVER_ERROR, count_text, duplicates, error_text, field_of, status_of

ERRORS_SHOWN = 5


@library(scope="GLOBAL", auto_keywords=False)
class Concurrency:
    """Runs a keyword of a Python keyword library N times at the same instant, or in the background, and
    asserts on the set of outcomes: all succeeded, exactly one did, no 5xx, all results distinct.

    = Which keywords can run concurrently =

    Keywords of the Python libraries imported by the suite (``ApiKeys``, ``SpanIngestion`` ...): their
    methods are called directly in worker threads. User keywords and BuiltIn keywords cannot (Robot runs
    those in one thread only). Arguments are passed as given, without Robot's type conversion, so pass
    numbers as ``${5}``. In string arguments ``{index}`` becomes the number of the call (0, 1, ...).
    What the keyword logs from a worker thread does not reach the log; these keywords log a summary.

    = Outcomes =

    Every run returns one *outcome* per call, in call order: ``index``, ``sequence`` (the thread that made
    the call) and ``position`` (its place in that thread's sequence), ``item`` (the item it was given, if
    any), ``ok`` (it raised nothing), ``result``, ``error`` (``Type: message``), ``elapsed_ms`` and
    ``started_ms`` (since the first call started). Judge them with the ``... Should ...`` keywords;
    ``policy`` starts their failure messages.

    | ${created} =    Run Keyword Concurrently    ${100}    Create API Key    race-{index}    by=admin
    | All Calls Should Have Succeeded    ${created}    policy=A2: creating an API key
    | Call Results Should Be Distinct    ${created}    key    policy=A6: API keys must be unique    secret=${True}
    """

    def __init__(self):
        self._background: dict[str, tuple[BackgroundCalls, list, str]] = {}

    # ------------------------------------------------------------------ running

    @keyword("Run Keyword Concurrently")
    def run_keyword_concurrently(self, times: int, name: str, *args, **kwargs) -> list:
        """Call keyword ``name`` ``times`` times at the same instant (a barrier releases the threads
        together) and return the outcomes (see `Outcomes`). ``{index}`` in string arguments numbers the calls.

        | ${answers} =    Run Keyword Concurrently    ${10}    Sign In    ${email}    ${password}    by=tab-{index}
        """
        method = find_keyword(self._libraries(), name)
        calls = [[bind(method, index, (), args, kwargs)] for index in range(int(times))]
        return self._report(run_sequences(calls), name, [None] * int(times))

    @keyword("Run Keyword Concurrently For Each")
    def run_keyword_concurrently_for_each(self, items: list, name: str, *args, **kwargs) -> list:
        """Call keyword ``name`` once per item of ``items``, all at the same instant, with the item as the
        first argument; returns the outcomes in item order.

        | ${results} =    Run Keyword Concurrently For Each    ${copies}    Send Spans    api_key=${key}
        """
        method = find_keyword(self._libraries(), name)
        items = list(items)
        calls = [[bind(method, index, (item,), args, kwargs)] for index, item in enumerate(items)]
        return self._report(run_sequences(calls), name, items)

    @keyword("Run Keywords Concurrently")
    def run_keywords_concurrently(self, calls: list) -> list:
        """Run several different keyword calls at the same instant. Each call is a list: the keyword name,
        then its arguments (``name=value`` strings are named arguments, as in Robot). Returns the outcomes in
        call order; each outcome's ``item`` is its call.

        | VAR    @{delete} =    Delete API Key    ${id}    by=admin
        | VAR    @{read} =    List API Keys    by=admin
        | ${outcomes} =    Run Keywords Concurrently    ${{ [$delete, $delete, $read] }}
        """
        return self.run_keywords_in_concurrent_sequences([[call] for call in calls])

    @keyword("Run Keywords In Concurrent Sequences")
    def run_keywords_in_concurrent_sequences(self, sequences: list) -> list:
        """One thread per sequence, all started at the same instant; each thread makes the keyword calls of
        its sequence one after another. A call is a list as in `Run Keywords Concurrently`. Models clients
        doing different things at the same time (one deleting, others reading). Returns the outcomes ordered
        by sequence, then position; each outcome's ``item`` is its call.

        | ${outcomes} =    Run Keywords In Concurrent Sequences    ${{ [$deletions, $deletions, $listings] }}
        """
        libraries = self._libraries()
        bound, items = [], []
        for sequence in sequences:
            calls = []
            for call in sequence:
                method = find_keyword(libraries, call[0])
                positional, named = split_named(method, list(call[1:]))
                calls.append(bind(method, len(items), (), positional, named))
                items.append(list(call))
            bound.append(calls)
        return self._report(run_sequences(bound), "keyword calls", items)

    @keyword("Outcomes Of Keyword")
    def outcomes_of_keyword(self, outcomes: list, name: str) -> list:
        """The outcomes of `Run Keywords Concurrently` (or `Run Keywords In Concurrent Sequences`) whose call was
        keyword ``name``."""
        return [o for o in outcomes if o.item and normalise(str(o.item[0])) == normalise(name)]

    @keyword("Run Keyword In Concurrent Sequences")
    def run_keyword_in_concurrent_sequences(self, sequences: list, name: str, *args, **kwargs) -> list:
        """One thread per sequence, all started at the same instant; each thread calls keyword ``name`` with
        every item of its sequence in turn (the item as the first argument). Models N clients that each
        send a series of requests. Returns the outcomes ordered by sequence, then position.

        | ${results} =    Run Keyword In Concurrent Sequences    ${senders}    Spans Should Be Accepted
        | ...    api_key=${key}
        """
        method = find_keyword(self._libraries(), name)
        sequences = [list(sequence) for sequence in sequences]
        items = [item for sequence in sequences for item in sequence]
        calls, index = [], 0
        for sequence in sequences:
            calls.append([bind(method, index + position, (item,), args, kwargs)
                          for position, item in enumerate(sequence)])
            index += len(sequence)
        return self._report(run_sequences(calls), name, items)

    @keyword("Start Keyword In Background")
    def start_keyword_in_background(self, handle: str, items: list, name: str, *args, max_seconds: float = 60,
                                    pause="0s", **kwargs):
        """Call keyword ``name`` with each item of ``items`` in turn (item as first argument) in a background
        thread, until the items run out, `Stop Background Keyword` is called or ``max_seconds`` pass;
        ``pause`` (a Robot time) between calls paces it. ``handle`` names it for the other keywords.

        | Start Keyword In Background    sender    ${batches}    Spans Should Be Accepted    api_key=${key}
        | ...    pause=10ms
        """
        if handle in self._background:
            raise AssertionError(f"a background keyword called {handle!r} is already running")
        method = find_keyword(self._libraries(), name)
        items = list(items)
        calls = (bind(method, index, (item,), args, kwargs) for index, item in enumerate(items))
        runner = BackgroundCalls(calls, float(max_seconds), timestr_to_secs(pause)).start()
        self._background[handle] = (runner, items, name)
        logger.info(f"Started {name!r} in the background as {handle!r} over {len(items)} items "
                    f"(at most {max_seconds} s, pause {pause})")

    @keyword("Background Calls Should Have Succeeded")
    def background_calls_should_have_succeeded(self, handle: str, at_least: int, policy: str = ""):
        """Fail unless at least ``at_least`` calls of background keyword ``handle`` succeeded so far (use with
        `Wait Until Keyword Succeeds` to wait for progress; ``policy`` starts the message). The message
        gives the last error of the calls."""
        runner = self._runner(handle)
        outcomes = runner.outcomes()
        succeeded = sum(outcome.ok for outcome in outcomes)
        if succeeded < int(at_least):
            state = "is still running" if runner.running else "has ended"
            last = next((error_text(o.error) for o in reversed(outcomes) if not o.ok), "none")
            raise AssertionError(f"{_lead(policy)}{succeeded} of {len(outcomes)} calls of background keyword "
                                 f"{handle!r} succeeded, expected at least {at_least}; it {state}; last error: {last}")

    @keyword("Successful Background Calls")
    def successful_background_calls(self, handle: str) -> int:
        """How many calls of background keyword ``handle`` succeeded so far."""
        return self._runner(handle).succeeded()

    @keyword("Stop Background Keyword")
    def stop_background_keyword(self, handle: str) -> list:
        """Stop background keyword ``handle`` after the call in progress and return every outcome."""
        runner, items, name = self._background.pop(handle, (None, None, None))
        if runner is None:
            raise AssertionError(f"no background keyword called {handle!r} is running")
        outcomes = runner.stop()
        return self._report(outcomes, f"{name} (background {handle!r})", items)

    @keyword("Stop Every Background Keyword")
    def stop_every_background_keyword(self):
        """Stop every background keyword still running (a teardown safety net); their outcomes are dropped."""
        for handle in list(self._background):
            self._background.pop(handle)[0].stop()
            logger.info(f"Stopped background keyword {handle!r}")

    # ------------------------------------------------------------------ judging

    @keyword("All Calls Should Have Succeeded")
    def all_calls_should_have_succeeded(self, outcomes: list, policy: str = ""):
        """Fail unless no call raised (a keyword that checks its answer raises when the answer is wrong)."""
        failed = [o for o in outcomes if not o.ok]
        if failed:
            shown = "; ".join(f"call {o.index}: {o.error}" for o in failed[:ERRORS_SHOWN])
            raise AssertionError(f"{_lead(policy)}{len(failed)} of {len(outcomes)} concurrent calls failed: {shown}")

    @keyword("Response Statuses Should Be")
    def response_statuses_should_be(self, outcomes: list, expected, policy: str = ""):
        """Fail unless every call got an HTTP answer whose status is in ``expected`` (codes separated by
        ``|``); a call that got no answer at all fails too.

        | Response Statuses Should Be    ${answers}    200|401    policy=A2: sign-out must never fail
        """
        allowed = {int(code) for code in str(expected).split("|")}
        statuses = [status_of(o.result) if o.ok else error_text_short(o) for o in outcomes]
        wrong = [s for s in statuses if s not in allowed]
        if wrong:
            raise AssertionError(f"{_lead(policy)}{len(outcomes)} concurrent calls answered {count_text(statuses)}, "
                                 f"expected only {expected}")

    @keyword("No Call Should Have Answered A Server Error")
    def no_call_should_have_answered_a_server_error(self, outcomes: list, policy: str = ""):
        """Fail if any call got a 5xx answer or no answer at all (a crash, a reset connection, a timeout)."""
        bad = [o for o in outcomes if not o.ok or (status_of(o.result) or 0) >= SERVER_ERROR]
        if bad:
            seen = [status_of(o.result) if o.ok else error_text_short(o) for o in bad]
            raise AssertionError(f"{_lead(policy)}{len(bad)} of {len(outcomes)} concurrent calls failed on the "
                                 f"server side: {count_text(seen)}")

    @keyword("Call Results Should Be Distinct")
    def call_results_should_be_distinct(self, outcomes: list, field: str = "", policy: str = "", secret: bool = False):
        """Fail unless ``field`` of the results of the successful calls (the whole result when ``field`` is
        empty) is present and different in every one of them. ``secret`` masks the values in the message
        (API keys, cookies)."""
        values = [field_of(o.result, field) for o in outcomes if o.ok]
        missing = values.count(None)
        repeated = duplicates([v for v in values if v is not None], secret)
        if missing or repeated:
            raise AssertionError(f"{_lead(policy)}{len(values)} concurrent results gave "
                                 f"{len(set(values) - {None})} distinct {field or 'results'}; duplicated: "
                                 f"{', '.join(repeated) or '-'}; missing in {missing}")
        logger.info(f"All {len(values)} {field or 'results'} are distinct")

    @keyword("Calls Answering")
    def calls_answering(self, outcomes: list, status: int) -> list:
        """The outcomes whose HTTP answer had ``status``."""
        return [o for o in outcomes if o.ok and status_of(o.result) == int(status)]

    @keyword("Items Of Successful Calls")
    def items_of_successful_calls(self, outcomes: list, flatten: bool = False) -> list:
        """The items given to the calls that raised nothing, in call order; ``flatten`` joins list items
        (batches of spans become one list of spans)."""
        items = [o.item for o in outcomes if o.ok]
        return [element for item in items for element in item] if flatten else items

    @keyword("Results Of Calls")
    def results_of_calls(self, outcomes: list) -> list:
        """The results of the successful calls, in call order."""
        return [o.result for o in outcomes if o.ok]

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _libraries() -> dict:
        return BuiltIn().get_library_instance(all=True)

    def _runner(self, handle: str) -> BackgroundCalls:
        if handle not in self._background:
            raise AssertionError(f"no background keyword called {handle!r} is running")
        return self._background[handle][0]

    @staticmethod
    def _report(outcomes: list[Outcome], name: str, items: list) -> list:
        summary = summarise(outcomes)
        origin = min((o.started for o in outcomes), default=0.0)
        shown = [DotDict(index=o.index, sequence=o.sequence, position=o.position, item=items[o.index],
                         ok=o.ok, result=o.result, error=error_text(o.error), elapsed_ms=round(o.elapsed_ms, 3),
                         started_ms=round((o.started - origin) * 1000, 3)) for o in outcomes]
        statuses = [status for status in (status_of(o.result) for o in outcomes if o.ok) if status is not None]
        status_part = f"; HTTP statuses {count_text(statuses)}" if statuses else ""
        errors = "".join([f"\n  call {o.index}: {o.error}" for o in shown if not o.ok][:ERRORS_SHOWN])
        logger.info(f"{summary['calls']} × {name!r}: {summary['succeeded']} succeeded, {summary['failed']} failed"
                    f"{status_part}; latency min {summary['min_ms']:.1f} / median {summary['median_ms']:.1f} / "
                    f"p95 {summary['p95_ms']:.1f} / max {summary['max_ms']:.1f} ms; wall {summary['wall_ms']:.0f} ms"
                    f"{errors}")
        return shown


def error_text_short(outcome) -> str:
    """``no answer (ConnectionError)`` for an outcome that raised."""
    return f"no answer ({outcome.error.split(':')[0]})"


def _lead(policy: str) -> str:
    return f"{policy}: " if policy else ""
