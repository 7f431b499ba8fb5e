"""Keywords that run a keyword many times at once (races) or on and on in the background (sustained load),
and judge the whole set of outcomes."""

from robot.api import logger
from robot.api.deco import keyword, library
from robot.libraries.BuiltIn import BuiltIn, register_run_keyword
from robot.utils import DotDict, timestr_to_secs

from junjo_acceptance.concurrency import BackgroundCalls, Outcome, run_sequences, run_together, summarise
from junjo_acceptance.races.keyword_calls import (
    NO_ITEM,
    bind,
    find_keyword,
    normalise,
    plan_calls,
    resolve_arguments,
)
from junjo_acceptance.races.verdicts import SERVER_ERROR, count_text, duplicates, error_text, field_of, status_of

ERRORS_SHOWN = 5


@library(scope="GLOBAL", auto_keywords=False)
class Concurrency:
    """Runs keywords of Python keyword libraries many times at the same instant (races), or on and on in
    the background (sustained load), and asserts on the set of outcomes: all succeeded, exactly one did, no
    5xx, all results distinct.

    = Running keywords at once =

    | *Keyword*                              | *What runs at the same instant*                        |
    | `Run Keyword Concurrently`             | N copies of one keyword call                           |
    | `Run Keyword Concurrently For Each`    | one call per item (the item is the first argument)     |
    | `Run Keyword In Concurrent Sequences`  | one client per list, calling the keyword with each item |
    | `Run Keywords Concurrently`            | different keyword calls, written as in ``Run Keywords`` |

    `Run Keywords Concurrently` takes keyword calls separated by ``AND``; every call runs in its own thread
    (a *client*), and a barrier releases all clients together:

    | ${outcomes} =    Run Keywords Concurrently
    | ...    Delete API Key    ${id}    by=admin
    | ...    AND    List API Keys    by=admin

    Two optional words shape a call:

    - ``N times`` before the keyword name: N clients make the same call (``${n} times`` works too).
    - ``FOR EACH`` and items after the arguments: each such client calls the keyword once per item, one
      after another — a client working through a list while the others do the same. Give the items as
      for a ``FOR`` loop (``@{ids}``, or the items themselves). ``{item}`` in the arguments stands for the
      item: a whole argument ``{item}`` is the item itself (any object), inside text it is its text.

    | ${outcomes} =    Run Keywords Concurrently
    | ...    2 times    Delete API Key    {item}    by=admin    FOR EACH    @{ids}
    | ...    AND    Send Spans    ${span}    {item}    FOR EACH    @{keys}
    | ...    AND    6 times    List API Keys    by=admin    FOR EACH    @{ids}

    Here two clients delete every key in the same order (each key is deleted twice at once), one sends a
    span with each key, and six list the keys again and again, once per key.

    ``FOR EACH`` works like Robot's ``FOR`` loop — one item after another, within its client; to make one
    call per item all at the same instant use `Run Keyword Concurrently For Each`. The arguments are read
    as written and resolved by the keyword itself, so ``AND`` and ``FOR EACH`` are markers only where they are
    written as such (never when a variable holds them), and a named argument keeps the type of its value
    (``api_key=${key}`` passes the ``Secret``, ``limit=${100}`` the number).

    = Which keywords can run concurrently =

    Keywords of the Python libraries imported by the suite (``ApiKeys``, ``SpanIngestion`` ...): their
    methods are called directly in worker threads. User keywords and BuiltIn keywords cannot (Robot runs
    those in one thread only). Arguments are passed as given, without Robot's type conversion, so pass
    numbers as ``${5}``. In string arguments ``{index}`` becomes the number of the call (0, 1, ... across
    all calls of the run). What the keyword logs from a worker thread does not reach the log; these keywords
    log a summary.

    = Outcomes =

    Every run returns one *outcome* per call, in call order (client by client): ``index``, ``sequence``
    (the client that made the call) and ``position`` (its place in that client's calls), ``keyword`` (the
    name of the keyword called), ``item`` (the item it was given, if any), ``ok`` (it raised nothing),
    ``result``, ``error`` (``Type: message``), ``elapsed_ms`` and ``started_ms`` (since the first call
    started). Judge them with the ``... Should ...`` keywords; ``policy`` starts their failure messages.

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
        calls = [bind(method, index, (), args, kwargs) for index in range(int(times))]
        return self._report(run_together(calls), name, [None] * int(times))

    @keyword("Run Keyword Concurrently For Each")
    def run_keyword_concurrently_for_each(self, items: list, name: str, *args, **kwargs) -> list:
        """Call keyword ``name`` once per item of ``items``, all at the same instant, with the item as the
        first argument; returns the outcomes in item order.

        | ${results} =    Run Keyword Concurrently For Each    ${copies}    Send Spans    api_key=${key}
        """
        method = find_keyword(self._libraries(), name)
        items = list(items)
        calls = [bind(method, index, (item,), args, kwargs) for index, item in enumerate(items)]
        return self._report(run_together(calls), name, items)

    @keyword("Run Keywords Concurrently")
    def run_keywords_concurrently(self, *calls) -> list:
        """Run different keyword calls at the same instant, each in its own client thread. Calls are
        separated by ``AND``, as in BuiltIn's ``Run Keywords``; ``N times`` before a call makes N clients of
        it, ``FOR EACH`` and items after it make each of those clients call it once per item, in turn, with
        ``{item}`` standing for the item (see `Running keywords at once`). Returns the outcomes, client by
        client; each outcome's ``keyword`` names its keyword and ``item`` is its item.

        | ${outcomes} =    Run Keywords Concurrently
        | ...    ${writers} times    Create API Key    writer-{index}    by=admin
        | ...    AND    Delete API Key    {item}    by=admin    FOR EACH    @{ids}
        """
        variables = BuiltIn()._variables  # the arguments arrive as written: resolve them here, as Robot would
        libraries = self._libraries()
        sequences, items, names = [], [], []
        for call in plan_calls(list(calls), variables.replace_scalar):
            method = find_keyword(libraries, call.name)
            positional, named = resolve_arguments(method, call.args, variables.replace_scalar,
                                                  lambda token: variables.replace_list([token]))
            given = [NO_ITEM] if call.items is None else variables.replace_list(call.items)
            for _ in range(call.copies):
                sequence = []
                for item in given:
                    sequence.append(bind(method, len(items), (), positional, named, item=item))
                    items.append(None if item is NO_ITEM else item)
                    names.append(call.name)
                sequences.append(sequence)
        return self._report(run_sequences(sequences), "keyword calls", items, names)

    @keyword("Outcomes Of Keyword")
    def outcomes_of_keyword(self, outcomes: list, name: str) -> list:
        """The outcomes (of `Run Keywords Concurrently`, typically) whose call was keyword ``name``.

        | ${deletions} =    Outcomes Of Keyword    ${outcomes}    Delete API Key
        """
        return [o for o in outcomes if normalise(str(o.keyword)) == normalise(name)]

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
        return self._report(outcomes, f"{name} (background {handle!r})", items, [name] * len(items))

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

    @keyword("Statuses Of Calls")
    def statuses_of_calls(self, outcomes: list) -> list:
        """The HTTP status of each call of ``outcomes``, in call order; a call that got no answer counts as 0.

        | ${statuses} =    Statuses Of Calls    ${calls}
        """
        return [status_of(o.result) if o.ok else 0 for o in outcomes]

    @keyword("Items Of Successful Calls")
    def items_of_successful_calls(self, outcomes: list, flatten: bool = False) -> list:
        """The items given to the calls that raised nothing, in call order; ``flatten`` joins list items
        (batches of spans become one list of spans)."""
        items = [o.item for o in outcomes if o.ok]
        return [element for item in items for element in item] if flatten else items

    @keyword("Items Of Calls")
    def items_of_calls(self, outcomes: list, flatten: bool = False) -> list:
        """The items given to every call, failed or not, in call order; ``flatten`` joins list items."""
        items = [o.item for o in outcomes]
        return [element for item in items for element in item] if flatten else items

    @keyword("Results Of Calls")
    def results_of_calls(self, outcomes: list, field: str = "") -> list:
        """The results of the successful calls, in call order; with ``field``, that field of each result
        (kept as it is: an API key stays a ``Secret``).

        | ${ids} =    Results Of Calls    ${created}    id
        """
        results = [o.result for o in outcomes if o.ok]
        return [result[field] for result in results] if field else results

    @keyword("Result Codes Should Be")
    def result_codes_should_be(self, outcomes: list, expected, policy: str = ""):
        """Fail unless every call returned a result whose ``code`` (an Export's gRPC status name) is one of
        ``expected`` (names separated by ``|``); a call that raised counts as ``no answer``.

        | Result Codes Should Be    ${exports}    OK|UNAUTHENTICATED    policy=A4: Exports with deleted keys
        """
        allowed = set(str(expected).upper().split("|"))
        codes = [str(field_of(o.result, "code")) if o.ok else error_text_short(o) for o in outcomes]
        if any(code not in allowed for code in codes):
            raise AssertionError(f"{_lead(policy)}{len(outcomes)} concurrent calls got {count_text(codes)}, "
                                 f"expected only {expected}")
        logger.info(f"{len(outcomes)} calls got {count_text(codes)}")

    @keyword("Throughput Of Calls")
    def throughput_of_calls(self, outcomes: list, amount: int, what: str = "items") -> float:
        """``amount`` (spans, say) handled by the calls of ``outcomes`` per second of their wall time (first
        start to last end); logged and returned.

        | Throughput Of Calls    ${results}    ${span_count}    what=spans acknowledged
        """
        wall_s = max((o.started_ms + o.elapsed_ms for o in outcomes), default=0) / 1000
        rate = round(int(amount) / max(wall_s, 1e-6))
        logger.info(f"{amount} {what} in {wall_s:.3f} s by {len(outcomes)} concurrent calls: {rate} {what}/s")
        return rate

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _libraries() -> dict:
        return BuiltIn().get_library_instance(all=True)

    def _runner(self, handle: str) -> BackgroundCalls:
        if handle not in self._background:
            raise AssertionError(f"no background keyword called {handle!r} is running")
        return self._background[handle][0]

    @staticmethod
    def _report(outcomes: list[Outcome], name: str, items: list, names: "list | None" = None) -> list:
        summary = summarise(outcomes)
        origin = min((o.started for o in outcomes), default=0.0)
        shown = [DotDict(index=o.index, sequence=o.sequence, position=o.position,
                         keyword=names[o.index] if names else name, item=items[o.index],
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


# Its arguments arrive as written (not resolved by Robot), so that ``AND``, ``FOR EACH`` and ``{item}`` are
# read before variables are replaced and named arguments keep the types of their values.
register_run_keyword("Concurrency", "Run Keywords Concurrently", args_to_process=0, deprecation_warning=False)
