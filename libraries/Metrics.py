"""Keywords that measure a test: latency percentiles, throughput, the target's memory and CPU; plots in the
log, figures in ``metrics.json`` and in the report, comparison with the accepted baseline."""

import math
import os
import time

from robot.api import logger
from robot.api.deco import keyword, library
from robot.libraries.BuiltIn import BuiltIn
from robot.utils import DotDict, timestr_to_secs

from junjo_acceptance.metrics import baseline, plots, store, tables
from junjo_acceptance.metrics.sampler import ProcessSampler
from junjo_acceptance.metrics.stats import summarise

WARM_UP = "warm-up done"
SUITE_PROCESS = "suite (load generator)"
HEADLINE_SUFFIXES = (".p50_ms", ".p99_ms", ".max_ms", ".throughput_per_s", ".rss_growth_mib")


@library(scope="GLOBAL", auto_keywords=False)
class Metrics:
    """Measures what a performance test does and keeps every number.

    = What a test records =

    - `Record Latencies`: samples (ms) → count, errors, p50/p95/p99/max, throughput; logged as a table
      and a plot (latency over time beside a histogram).
    - `Start Sampling Target Processes` ... `Stop Sampling Target Processes`: RSS and CPU of the target's
      processes (psutil), plotted over time; memory growth is judged after `Mark Warm-Up Done`.
    - `Record Load Statistics`: what a Locust run measured (open-loop and service-time percentiles,
      declared and achieved arrival rate), as a table and a plot of the run second by second.
    - `Record Figure`: any other number (spans/s, a delay).

    Figures are named ``<measurement>.<statistic>`` (``ack.p50_ms``). The ``... Should ...`` keywords fail
    with a message that starts with ``policy`` (``B15: ...``).

    = Where the numbers go =

    - ``log.html``: tables and plots (PNG embedded as base64, they survive pabot's merge);
    - the test's message (passed tests) and the suite's metadata: the headline figures;
    - ``metrics.json`` in the output folder: every figure of every test, its samples' summary and its
      baseline comparison. Under pabot the processes' files are merged into the main output folder.

    = Baselines =

    `Figures Should Match Baseline` compares the test's figures with the committed baseline of the target
    profile (``resources/baselines/<profile>.json``): each figure may be worse than the accepted value by
    its stated tolerance, no more. The comparison is logged as a table.
    """

    ROBOT_LISTENER_API_VERSION = 3

    def __init__(self):
        self.ROBOT_LIBRARY_LISTENER = self
        self._tests: dict[str, dict] = {}
        self._entry: "dict | None" = None
        self._sampler: "ProcessSampler | None" = None
        self._suite_lines: list[tuple[str, str]] = []
        self._timers: dict[str, float] = {}

    # ------------------------------------------------------------------ recording

    @keyword("Record Latencies")
    def record_latencies(self, name: str, latencies_ms: list, at_s: "list | None" = None, errors: int = 0,
                         items: "int | None" = None, elapsed_s: "float | None" = None,
                         limit_ms: "float | None" = None) -> DotDict:
        """Summarise latency samples as measurement ``name``, log a table and a plot, return the summary.

        - ``at_s``: when each call started (s since the first), for the plot's time axis (call order if omitted);
        - ``errors``: how many calls failed; ``items``: what was moved (spans, requests; default: the
          number of samples) and ``elapsed_s`` the wall time, for the throughput;
        - ``limit_ms``: drawn as a red line.

        The summary has ``count``, ``errors``, ``min_ms``, ``p50_ms``, ``p95_ms``, ``p99_ms``, ``max_ms``,
        ``mean_ms``, ``items``, ``elapsed_s``, ``throughput_per_s``.

        | ${ack} =    Record Latencies    ack    ${load.latencies_ms}    at_s=${load.sent_at_s}    items=${load.spans}
        """
        values = [float(value) for value in latencies_ms]
        summary = summarise(name, values, errors, items, elapsed_s)
        figures = summary.figures()
        self._add(figures, latencies={name: summary.as_dict()})
        times = [float(value) for value in at_s] if at_s else list(range(len(values)))
        html = tables.figures_table(f"{name}: {summary.count} calls, {summary.errors} errors", figures)
        if values:
            png = plots.latency_png(name, times, values, summary.p50_ms, summary.p99_ms, limit_ms)
            html += plots.img_tag(png, f"{name} latency")
        logger.info(html, html=True)
        return DotDict(summary.as_dict())

    @keyword("Record Load Statistics")
    def record_load_statistics(self, name: str, load: dict, limit_ms: "float | None" = None) -> DotDict:
        """Record the statistics of a load run (``Run Locust ...`` of ``LocustLoad``) as measurement ``name``;
        log a table per request name and a plot (arrival rate and latency second by second); return the
        headline figures.

        Figures: ``<name>.p50_ms``, ``.p95_ms``, ``.p99_ms``, ``.max_ms`` — latency from each request's
        intended start (open loop); ``<name>.service_p99_ms`` — from when it was sent; ``.requests``,
        ``.failures``, ``.declared_rate_per_s``, ``.achieved_rate_per_s``, and ``.items_per_s`` when the
        answers carry items (spans acknowledged by an Export).

        | ${api} =    Record Load Statistics    api_open_loop    ${load}    limit_ms=${API_P99_LIMIT_MS}
        """
        open_loop, service = load["open_loop"], load["service"]
        figures = {f"{name}.{key}": (open_loop[key], "ms") for key in ("p50_ms", "p95_ms", "p99_ms", "max_ms")}
        figures.update({
            f"{name}.service_p99_ms": (service["p99_ms"], "ms"),
            f"{name}.requests": (load["requests"], ""), f"{name}.failures": (load["failures"], ""),
            f"{name}.declared_rate_per_s": (float(load["declared_rate_per_s"]), "/s"),
            f"{name}.achieved_rate_per_s": (load["achieved_rate_per_s"], "/s")})
        if load.get("items_per_s"):
            figures[f"{name}.items_per_s"] = (load["items_per_s"], "/s")
        self._add(figures, latencies={name: {"open_loop": open_loop, "service": service}})
        self._current()["headline"] += [f"{name}.p99_ms", f"{name}.achieved_rate_per_s"]
        title = (f"{name}: {load['users']} {load['user_class']} users on {load['workers']} workers, "
                 f"{load['requests']} requests, {load['failures']} failed")
        rows = [[request, *(f"{stats['open_loop'][key]:.0f}" for key in ("p50_ms", "p95_ms", "p99_ms")),
                 f"{stats['service']['p99_ms']:.0f}", stats["open_loop"]["count"], stats["open_loop"]["errors"]]
                for request, stats in load.get("by_name", {}).items()]
        html = (tables.figures_table(title, figures)
                + tables.table(["request", "p50 ms", "p95 ms", "p99 ms", "service p99 ms", "count", "failed"], rows))
        if load.get("history", {}).get("at_s"):
            png = plots.load_png(name, load["history"], load["declared_rate_per_s"], limit_ms)
            html += plots.img_tag(png, f"{name} load")
        logger.info(html, html=True)
        return DotDict({key.split(".", 1)[1]: value for key, (value, _) in figures.items()})

    @keyword("Record Call Latencies")
    def record_call_latencies(self, name: str, outcomes: list, expected_status: "int | None" = None) -> DotDict:
        """`Record Latencies` of the calls of a ``Concurrency`` run (its ``outcomes``) as measurement ``name``:
        each call's ``elapsed_ms`` at its ``started_ms``. A call counts as an error when it raised, or when
        ``expected_status`` is given and its answer has another ``status``.

        | ${outcomes} =    Run Keyword Concurrently    ${100}    Call API    GET    /health    by=admin
        | Record Call Latencies    health    ${outcomes}    expected_status=${200}
        """
        errors = sum(1 for o in outcomes
                     if not o.ok or (expected_status is not None and o.result.status != int(expected_status)))
        return self.record_latencies(name, [o.elapsed_ms for o in outcomes],
                                     at_s=[o.started_ms / 1000 for o in outcomes], errors=errors)

    @keyword("Record Figure")
    def record_figure(self, name: str, value: float, unit: str = ""):
        """Record one number as figure ``name`` (shown in the log, saved in ``metrics.json``).

        | Record Figure    export_to_queryable.spans_per_s    ${rate}    unit=/s
        """
        self._add({name: (float(value), unit)})
        self._current()["headline"].append(name)
        logger.info(f"{name} = {tables.number(float(value), unit)}")

    @keyword("Record Rate")
    def record_rate(self, name: str, items: float, seconds: float, unit: str = "/s"):
        """`Record Figure` ``name``: ``items`` per second over ``seconds`` (spans/s, requests/s).

        | Record Rate    export_to_queryable.spans_per_s    ${load.spans}    ${seconds}
        """
        self.record_figure(name, float(items) / float(seconds), unit=unit)

    @keyword("Record Run Figure")
    def record_run_figure(self, what: str, name: str, value: float, unit: str = ""):
        """Record a figure measured outside any test (in a setup, once per run) under the entry ``what``:
        it is saved in ``metrics.json`` at once and shown on the sign-off like a test's headline figure.

        | Record Run Figure    span pipeline throughput    span_pipeline.spans_per_s    ${rate}    unit=/s
        """
        variables = BuiltIn()
        entry = {"suite": variables.get_variable_value("${SUITE NAME}"), "test": what,
                 "target_profile": variables.get_variable_value("${TARGET}", "reference"),
                 "figures": {name: {"value": float(value), "unit": unit}}, "headline": [name],
                 "latencies": {}, "memory": {}, "status": "PASS"}
        self._tests[f"{entry['suite']}.{what}"] = entry
        store.save(variables.get_variable_value("${OUTPUT DIR}"), _json_safe(self._tests))
        logger.info(f"{name} = {tables.number(float(value), unit)}")

    @keyword("Start Timer")
    def start_timer(self, name: str):
        """Start measuring the wall time of ``name`` (see `Stop Timer`)."""
        self._timers[name] = time.perf_counter()

    @keyword("Stop Timer")
    def stop_timer(self, name: str) -> float:
        """Seconds since `Start Timer` of ``name``; recorded as figure ``<name>.seconds``.

        | Start Timer    export_to_queryable
        | ...
        | ${seconds} =    Stop Timer    export_to_queryable
        """
        seconds = time.perf_counter() - self._timers.pop(name)
        self.record_figure(f"{name}.seconds", seconds, "s")
        return seconds

    @keyword("Start Sampling Target Processes")
    def start_sampling_target_processes(self, target: dict, interval="100ms", include_suite: bool = True):
        """Sample RSS and CPU of the processes in ``target[pids]`` every ``interval`` until
        `Stop Sampling Target Processes`. ``include_suite`` also samples this Robot process (the load
        generator), to show it is not the bottleneck.

        A target without ``pids`` (an external deployment) cannot be sampled: the log says so and the
        memory keywords skip their checks.
        """
        self._stop_sampler()
        pids = dict(target.get("pids") or {})
        if not pids:
            logger.info(f"Target {target.get('name', '?')} gives no process ids (external target): its memory "
                        "and CPU are not sampled")
            return
        if include_suite:
            pids[SUITE_PROCESS] = os.getpid()
        self._sampler = ProcessSampler(pids, timestr_to_secs(interval)).start()
        logger.info(f"Sampling RSS and CPU of {', '.join(f'{n} (pid {p})' for n, p in pids.items())} "
                    f"every {interval}")

    @keyword("Mark Warm-Up Done")
    def mark_warm_up_done(self):
        """Mark the end of the warm-up: memory growth is measured from here on."""
        if self._sampler:
            logger.info(f"warm-up done after {self._sampler.mark(WARM_UP):.2f} s of sampling")

    @keyword("Stop Sampling Target Processes")
    def stop_sampling_target_processes(self) -> DotDict:
        """Stop sampling; log the memory and CPU plot and return ``{process: summary}`` (empty when nothing
        was sampled). A summary has ``rss_start_mib``, ``rss_end_mib``, ``rss_peak_mib``,
        ``rss_growth_mib`` (after the warm-up mark), ``rss_slope_mib_per_s``, ``cpu_mean_percent``,
        ``cpu_peak_percent``."""
        sampler, self._sampler = self._sampler, None
        if sampler is None:
            return DotDict()
        series = sampler.stop()
        mark = sampler.marks.get(WARM_UP, 0.0)
        summaries = DotDict({name: DotDict(process.summary(mark)) for name, process in series.items()})
        figures = {}
        for name, summary in summaries.items():
            if summary.get("samples"):
                figures[f"memory.{name}.rss_growth_mib"] = (summary.rss_growth_mib, "MiB")
                figures[f"memory.{name}.rss_peak_mib"] = (summary.rss_peak_mib, "MiB")
                figures[f"cpu.{name}.mean_percent"] = (summary.cpu_mean_percent, "%")
        self._add(figures, memory={name: dict(summary) for name, summary in summaries.items()})
        gone = "".join(f"<br>{name}: {process.gone}" for name, process in series.items() if process.gone)
        png = plots.memory_png("target processes", series, sampler.marks)
        logger.info(tables.figures_table("memory and CPU", figures) + gone + plots.img_tag(png, "memory"), html=True)
        return summaries

    # ------------------------------------------------------------------ judging

    @keyword("Latency Should Be Below")
    def latency_should_be_below(self, summary: dict, limit_ms: float, statistic: str = "max_ms",
                                policy: str = "", what: str = ""):
        """Fail unless ``statistic`` (``max_ms``, ``p99_ms``, ``p50_ms`` ...) of ``summary`` is below ``limit_ms``.

        | Latency Should Be Below    ${ack}    ${BATCH_ACK_LIMIT_MS}    policy=B15    what=a 1000-span batch
        """
        value = float(summary[statistic])
        if not value < float(limit_ms):
            raise AssertionError(f"{_lead(policy)}{what or summary['name']}: {statistic} {value:.1f} ms "
                                 f"over {summary['count']} calls, limit {float(limit_ms):g} ms")

    @keyword("Latency Should Be Steady")
    def latency_should_be_steady(self, summary: dict, max_ratio: float = 3, policy: str = "",
                                 jitter_floor_ms: float = 0):
        """Fail unless p99 ≤ ``max_ratio`` × p50 (a latency that drifts or stalls under sustained load).

        A p99 below ``jitter_floor_ms`` counts as steady whatever the ratio: on a small machine a single disk
        flush can take tens of milliseconds, which says nothing about the server when p50 is a few ms.
        """
        p50, p99 = float(summary["p50_ms"]), float(summary["p99_ms"])
        if not (p99 <= float(max_ratio) * p50 or p99 < float(jitter_floor_ms)):
            raise AssertionError(f"{_lead(policy)}{summary['name']} latency is not steady: p99 {p99:.1f} ms > "
                                 f"{float(max_ratio):g} × p50 {p50:.1f} ms over {summary['count']} calls "
                                 f"(max {float(summary['max_ms']):.1f} ms)")

    @keyword("Memory Should Not Grow")
    def memory_should_not_grow(self, memory: dict, limits_mib: dict, policy: str = ""):
        """Fail when a sampled process grew more than its limit (MiB) after the warm-up mark.

        ``limits_mib`` maps process names to MiB (a ``*`` entry covers the others). When nothing was sampled
        (an external target gives no process ids) the log says so and nothing is checked.

        | Memory Should Not Grow    ${memory}    ${MEMORY_GROWTH_LIMIT_MIB}    policy=B15
        """
        if not memory:
            logger.warn("memory growth not checked: the target's processes were not sampled (external target)")
            return
        grown = []
        for name, summary in memory.items():
            limit = limits_mib.get(name, limits_mib.get("*"))
            if limit is None or not summary.get("samples"):
                continue
            if summary["rss_growth_mib"] > float(limit):
                grown.append(f"{name} grew {summary['rss_growth_mib']:.1f} MiB (limit {float(limit):g} MiB, "
                             f"{summary['rss_slope_mib_per_s'] * 60:.1f} MiB/min)")
        if grown:
            raise AssertionError(f"{_lead(policy)}memory grows under sustained load after warm-up: " + "; ".join(grown))

    @keyword("Figures Should Match Baseline")
    def figures_should_match_baseline(self, baseline_file: str, policy: str = "", enabled: bool = True):
        """Compare the figures recorded in this test with ``baseline_file`` (a target profile's baseline), log
        the comparison table and fail on any regression beyond a figure's tolerance.

        Figures the baseline does not list are shown as ``no baseline``. Without a baseline file (a
        profile nobody measured yet) the table is logged and nothing fails; ``enabled=False`` (for a
        noisy machine) logs the table without failing.
        """
        entry = self._current()
        accepted = baseline.load(baseline_file)
        comparisons = baseline.compare(entry["test"], _figure_tuples(entry), accepted)
        entry["baseline"] = [item.as_dict() for item in comparisons]
        source = baseline_file if accepted else f"{baseline_file} does not exist"
        logger.info(tables.comparison_table(source, comparisons), html=True)
        regressions = [item for item in comparisons if item.verdict == "regression"]
        if regressions and enabled:
            raise AssertionError(f"{_lead(policy)}slower than the accepted baseline of this target profile: "
                                 + "; ".join(item.describe() for item in regressions))

    # ------------------------------------------------------------------ listener

    def start_test(self, data, result):
        self._entry = None

    def end_test(self, data, result):
        self._stop_sampler()
        entry, self._entry = self._entry, None
        if not entry:
            return
        entry["status"] = result.status
        if not result.passed:
            entry["message"] = result.message[:500]
        self._tests[result.full_name] = entry
        for path in store.save(BuiltIn().get_variable_value("${OUTPUT DIR}"), _json_safe(self._tests)):
            logger.info(f"figures saved in {path}")
        line = headline(entry)
        if line:
            self._suite_lines.append((result.name, line))
            if result.passed:
                result.message = f"{result.message}\n{line}".strip()

    def end_suite(self, data, result):
        if self._suite_lines:
            rows = "\n".join(f"| {name} | {line} |" for name, line in self._suite_lines)
            result.metadata["Performance figures"] = f"| *test* | *headline figures* |\n{rows}"
            self._suite_lines = []

    # ------------------------------------------------------------------ helpers

    def _current(self) -> dict:
        if self._entry is None:
            variables = BuiltIn()
            self._entry = {"suite": variables.get_variable_value("${SUITE NAME}"),
                           "test": variables.get_variable_value("${TEST NAME}"),
                           "target_profile": variables.get_variable_value("${TARGET}", "reference"),
                           "figures": {}, "headline": [], "latencies": {}, "memory": {}}
        return self._entry

    def _add(self, figures: dict, **sections):
        entry = self._current()
        for name, (value, unit) in figures.items():
            entry["figures"][name] = {"value": value, "unit": unit}
        for section, content in sections.items():
            entry[section].update(content)

    def _stop_sampler(self):
        if self._sampler:
            self._sampler.stop()
            self._sampler = None


def headline(entry: dict) -> str:
    """The figures worth a glance, as one line: ``ack.p50_ms 21.3 ms · ack.max_ms 40.2 ms · ...``."""
    shown = [(name, figure) for name, figure in entry["figures"].items()
             if (name.endswith(HEADLINE_SUFFIXES) and SUITE_PROCESS not in name) or name in entry["headline"]]
    return " · ".join(f"{name} {tables.number(figure['value'], figure['unit'])}" for name, figure in shown)


def _figure_tuples(entry: dict) -> dict[str, tuple[float, str]]:
    return {name: (figure["value"], figure["unit"]) for name, figure in entry["figures"].items()}


def _json_safe(value):
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else round(value, 4)
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(item) for item in value]
    return value


def _lead(policy: str) -> str:
    return f"{policy}: " if policy else ""
