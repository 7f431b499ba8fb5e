"""RSS and CPU of processes, sampled with psutil in a background thread while a test runs.

A *mark* (``warm-up done``) splits the run: memory growth is judged only after it. Growth is the median
RSS of the last fifth of the samples after the mark minus the median of the first fifth, so a single
spike (a garbage collection, a buffer flush) neither hides nor fakes a leak.
"""

import statistics
import threading
import time
from dataclasses import dataclass, field

import psutil

from .stats import slope

MIB = 1024 * 1024


@dataclass
class Sample:
    at_s: float
    rss_mib: float
    cpu_percent: float


@dataclass
class ProcessSeries:
    """The samples of one process; ``gone`` says when it stopped existing (killed, crashed)."""

    name: str
    pid: int
    samples: list[Sample] = field(default_factory=list)
    gone: "str | None" = None

    def after(self, moment_s: float) -> list[Sample]:
        return [sample for sample in self.samples if sample.at_s >= moment_s]

    def summary(self, mark_s: float) -> dict:
        """RSS at start, end and peak, growth and its slope after ``mark_s``, mean and peak CPU."""
        if not self.samples:
            return {"samples": 0}
        later = self.after(mark_s) or self.samples
        fifth = max(1, len(later) // 5)
        growth = statistics.median(s.rss_mib for s in later[-fifth:]) - statistics.median(
            s.rss_mib for s in later[:fifth])
        return {
            "samples": len(self.samples),
            "rss_start_mib": self.samples[0].rss_mib,
            "rss_end_mib": self.samples[-1].rss_mib,
            "rss_peak_mib": max(s.rss_mib for s in self.samples),
            "rss_growth_mib": growth,
            "rss_slope_mib_per_s": slope([s.at_s for s in later], [s.rss_mib for s in later]),
            "cpu_mean_percent": statistics.fmean(s.cpu_percent for s in self.samples[1:] or self.samples),
            "cpu_peak_percent": max(s.cpu_percent for s in self.samples),
        }


class ProcessSampler:
    """Samples every ``interval_s`` the processes of ``pids`` (``{name: pid}``) until :meth:`stop`."""

    def __init__(self, pids: dict[str, int], interval_s: float = 0.1):
        self.interval_s = float(interval_s)
        self.series = {name: ProcessSeries(name, int(pid)) for name, pid in pids.items()}
        self.marks: dict[str, float] = {}
        self._processes = {}
        for name, pid in pids.items():
            try:
                self._processes[name] = psutil.Process(int(pid))
                self._processes[name].cpu_percent(None)  # primes the CPU counter
            except psutil.Error as error:
                self.series[name].gone = f"not found at start: {error}"
        self._stop = threading.Event()
        self._began = time.perf_counter()
        self._thread = threading.Thread(target=self._run, name="process-sampler", daemon=True)

    def start(self) -> "ProcessSampler":
        self._began = time.perf_counter()
        self._thread.start()
        return self

    def now_s(self) -> float:
        """Seconds since sampling started."""
        return time.perf_counter() - self._began

    def mark(self, label: str) -> float:
        """Remember the current moment as ``label``; returns it in seconds since the start."""
        self.marks[label] = self.now_s()
        return self.marks[label]

    def stop(self) -> dict[str, ProcessSeries]:
        """Stop sampling (one last sample is taken) and return the series by process name."""
        self._stop.set()
        self._thread.join(timeout=5)
        return self.series

    def _run(self) -> None:
        while True:
            self._sample()
            if self._stop.wait(self.interval_s):
                self._sample()
                return

    def _sample(self) -> None:
        at = self.now_s()
        for name, process in list(self._processes.items()):
            try:
                with process.oneshot():
                    rss, cpu = process.memory_info().rss / MIB, process.cpu_percent(None)
            except psutil.Error as error:
                self.series[name].gone = f"gone after {at:.1f} s: {type(error).__name__}"
                del self._processes[name]
                continue
            self.series[name].samples.append(Sample(at, rss, cpu))
