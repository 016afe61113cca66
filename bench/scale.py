#!/usr/bin/env python3
"""The scale benchmark (issue #7), in one command: `make bench`, or `python3 bench/scale.py`.

For each size (agreements of `twinning synth`), over --runs runs, measures twinning and its peers,
pyoxigraph (the same engine from Python) and rdflib: load throughput and peak RSS, and the latency
and number of rows of each research query (queries/0*.rq). On the bundled data, it times a cold
`twinning report` against peers that parse the same data and answer the same queries. Prints a
Markdown report of medians on stdout, with the issue's targets marked met or missed (measured,
never asserted), and writes it to bench/results/scale-<UTC start: YYYY-MM-DD-HHMM>.md. Progress
goes to stderr.

The driver needs only the standard library. The peers (bench/peers.py) run in a venv at
~/.cache/twinning/bench-venv, created and filled by pip on first use.
"""

import argparse
import csv
import json
import math
import os
import platform
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PEERS_SCRIPT = REPO / "bench" / "peers.py"
RESULTS = REPO / "bench" / "results"
QUERY_FILES = sorted((REPO / "queries").glob("0*.rq"))
VENV = Path.home() / ".cache" / "twinning" / "bench-venv"
PEER_VERSIONS = {"pyoxigraph": "0.5.13", "rdflib": "7.6.0"}
PEERS = tuple(PEER_VERSIONS)
# The engines that keep a store on disk; rdflib parses into memory in each of its jobs.
ON_DISK = {"twinning", "pyoxigraph"}

# The targets. The query and RSS targets apply at TARGET_SIZE agreements.
TARGET_SIZE = 1_000_000
REPORT_MAX_SECONDS = 0.150
REPORT_MIN_SPEEDUP_OVER_RDFLIB = 10
LOAD_MIN_RATIO_TO_PYOXIGRAPH = 0.9
# twinning's bulk load reports its steps on stderr: the bulk loader proper, then the derived graph
# and a compaction, which the peers do not do.
BULK_STEPS = re.compile(
    r"bulk load (?P<bulk>[\d.]+) s .*derive (?P<derive>[\d.]+) s, compact (?P<compact>[\d.]+) s"
)
BULK_STEP = "twinning: bulk step"
QUERY_MAX_SECONDS = 1.0
LOAD_MAX_RSS_KIB = 4 * 1024 * 1024

# Disk use, for the check before each size (1M agreements: 2.9 GB of N-Triples, ~10 GB a store).
SYNTH_BYTES_PER_AGREEMENT = 3_000
STORE_BYTES_PER_AGREEMENT = 10_000


class BenchError(Exception):
    """A failure that stops the benchmark, with a message for the user."""


def progress(message: str) -> None:
    """One line of progress on stderr."""
    print(message, file=sys.stderr, flush=True)


def size_label(agreements: int) -> str:
    """10000 → "10k", 1000000 → "1M"."""
    for unit, scale in (("M", 1_000_000), ("k", 1_000)):
        if agreements >= scale:
            return f"{agreements / scale:g}{unit}"
    return str(agreements)


# Running and measuring processes.


@dataclass
class Process:
    """A finished child process: wall time from start to exit, and its own peak RSS."""

    seconds: float
    max_rss_kib: int
    returncode: int
    timed_out: bool
    stdout: str
    stderr: str

    def failure(self) -> str:
        """The end of its standard error, to explain a failure."""
        lines = self.stderr.strip().splitlines()
        return " / ".join(lines[-3:]) or f"exit status {self.returncode}"


def run(command: list, timeout: float | None = None, output: Path | None = None) -> Process:
    """Runs a command to its end, timed from start to exit, with its peak RSS from wait4 (this
    child's only). Killed after `timeout` seconds. Its stdout is returned, or written to `output`.
    """
    with tempfile.TemporaryFile() as errors, (
        open(output, "wb") if output else tempfile.TemporaryFile()
    ) as stdout:
        start = time.perf_counter()
        child = subprocess.Popen([str(part) for part in command], stdout=stdout, stderr=errors)
        expired = threading.Event()

        def expire() -> None:
            expired.set()
            child.kill()

        timer = threading.Timer(timeout, expire) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        if timer:
            timer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        stdout.seek(0)
        return Process(
            seconds=seconds,
            max_rss_kib=usage.ru_maxrss,
            returncode=child.returncode,
            timed_out=expired.is_set(),
            stdout="" if output else stdout.read().decode(),
            stderr=errors.read().decode(errors="replace"),
        )


def require(process: Process, what: str) -> Process:
    """The process, if it succeeded; otherwise the benchmark stops."""
    if process.returncode != 0:
        raise BenchError(f"{what} failed: {process.failure()}")
    return process


def count_csv_rows(path: Path) -> int:
    """The number of result rows in a SPARQL CSV file (values may span lines, and a
    GROUP_CONCAT over a world of agreements can exceed the csv module's default field limit)."""
    csv.field_size_limit(sys.maxsize)
    with open(path, newline="", encoding="utf-8") as results:
        return max(sum(1 for _ in csv.reader(results)) - 1, 0)


def count_lines(path: Path) -> int:
    """The number of lines of a file: of triples, for N-Triples."""
    count = 0
    with open(path, "rb") as data:
        while chunk := data.read(1 << 20):
            count += chunk.count(b"\n")
    return count


class LineReader:
    """The lines a child prints, read by a thread so that they can be awaited with a timeout."""

    def __init__(self, stream):
        self.lines: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self.thread.start()

    def _pump(self, stream) -> None:
        for line in stream:
            self.lines.put(line)
        self.lines.put(None)

    def next(self, timeout: float) -> str | None:
        """The next line; None at the end of the stream. Raises queue.Empty after `timeout`."""
        return self.lines.get(timeout=timeout)

    def join(self) -> None:
        """Waits for the end of the stream (once the child has exited)."""
        self.thread.join()


# Results.


@dataclass
class Timed:
    """One measured run: seconds (math.inf when it timed out), or an error."""

    seconds: float
    rss_kib: int | None = None
    rows: int | None = None
    error: str | None = None

    @classmethod
    def of(cls, process: Process, seconds: float | None = None, rows: int | None = None):
        """A run from its process; `seconds` replaces the process's wall time when timed inside."""
        if process.timed_out:
            return cls(math.inf)
        if process.returncode != 0:
            return cls(process.seconds, error=process.failure())
        return cls(process.seconds if seconds is None else seconds, process.max_rss_kib, rows)


@dataclass
class Summary:
    """The median of several runs."""

    seconds: float | None  # None: a run failed
    rss_kib: float | None
    rows: set[int]
    error: str | None

    @classmethod
    def of(cls, runs: list[Timed]):
        errors = [run.error for run in runs if run.error]
        rss = [run.rss_kib for run in runs if run.rss_kib is not None]
        return cls(
            seconds=None if errors else statistics.median(run.seconds for run in runs),
            rss_kib=statistics.median(rss) if rss else None,
            rows={run.rows for run in runs if run.rows is not None},
            error=errors[0] if errors else None,
        )


@dataclass
class Results:
    """Every run, by what it measured."""

    reports: dict[str, list[Timed]] = field(default_factory=lambda: defaultdict(list))
    loads: dict[tuple[int, str], list[Timed]] = field(default_factory=lambda: defaultdict(list))
    queries: dict[tuple[int, str, str], list[Timed]] = field(
        default_factory=lambda: defaultdict(list)
    )
    triples: dict[int, int] = field(default_factory=dict)
    # The research queries a peer failed (raised an error on) in its cold report, with the error.
    report_failures: dict[str, dict[str, str]] = field(default_factory=dict)
    # Seconds of twinning's other load steps, by (size, "derive" | "compact").
    steps: dict[tuple[int, str], list[float]] = field(default_factory=lambda: defaultdict(list))

    def report(self, label: str) -> Summary:
        return Summary.of(self.reports[label])

    def load(self, size: int, engine: str) -> Summary | None:
        runs = self.loads.get((size, engine))
        return Summary.of(runs) if runs else None

    def query(self, size: int, engine: str, query: str) -> Summary | None:
        runs = self.queries.get((size, engine, query))
        return Summary.of(runs) if runs else None


# The benchmark.


def peer_versions(python: Path) -> dict | None:
    """The versions the venv's Python reports, or None if it cannot import the peers."""
    process = run([python, PEERS_SCRIPT, "versions"])
    return json.loads(process.stdout) if process.returncode == 0 else None


def prepare_peers() -> tuple[list, dict]:
    """The command that runs bench/peers.py in the venv, and the versions there; creates the venv
    and installs the pinned peers when needed."""
    python = VENV / "bin" / "python"
    if not python.exists():
        progress(f"creating the peers' venv at {VENV}…")
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    versions = peer_versions(python)
    if versions is None or any(versions[name] != pin for name, pin in PEER_VERSIONS.items()):
        progress("installing " + ", ".join(f"{n}=={v}" for n, v in PEER_VERSIONS.items()) + "…")
        pins = [f"{name}=={pin}" for name, pin in PEER_VERSIONS.items()]
        subprocess.run([python, "-m", "pip", "install", "--quiet", *pins], check=True)
        versions = peer_versions(python)
        if versions is None:
            raise BenchError(f"the venv {VENV} cannot import pyoxigraph and rdflib")
    return [python, PEERS_SCRIPT], versions


def machine_info(twinning: Path, versions: dict | None) -> list[tuple[str, str]]:
    """What the figures were measured on and with."""
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    cpu = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
        platform.machine(),
    )
    memory_kib = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    commit = subprocess.run(
        ["git", "-C", REPO, "describe", "--always", "--dirty=, with uncommitted changes"],
        capture_output=True, text=True,
    ).stdout.strip()
    version = require(run([twinning, "--version"]), "twinning --version").stdout.strip()
    info = [
        ("CPU", cpu),
        ("cores (nproc)", str(len(os.sched_getaffinity(0)))),
        ("memory", format_kib(memory_kib)),
        ("system", f"{platform.system()} {platform.release()}"),
        ("twinning", f"{version} (commit {commit})" if commit else version),
        ("Python", platform.python_version()),
    ]
    if versions:
        info += [("pyoxigraph", versions["pyoxigraph"]), ("rdflib", versions["rdflib"])]
    return info


class Bench:
    """The runs of one benchmark, and where they keep their files."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.work: Path = args.work.resolve()
        self.results = Results()
        self.twinning = self.work / "twinning"
        self.bundle = self.work / "bundle.nq"
        self.peer: list = []
        self.peers: tuple[str, ...] = ()
        self.versions: dict | None = None
        # (engine, query) pairs that timed out: not run again, since their later runs and larger
        # sizes can only be as slow; they are recorded as timed out.
        self.timed_out: set[tuple[str, str]] = set()

    def prepare(self) -> None:
        """The work directory, a copy of the twinning binary (so that a rebuild during the run
        does not mix builds), the peers' venv, and the bundled data as N-Quads for the peers."""
        if not self.args.twinning.is_file():
            raise BenchError(f"no twinning binary at {self.args.twinning}: run `make build` first")
        self.work.mkdir(parents=True, exist_ok=True)
        shutil.copy2(self.args.twinning, self.twinning)
        if not self.args.skip_peers:
            self.peer, self.versions = prepare_peers()
            self.peers = PEERS
        require(
            run([self.twinning, "export", "--memory", "--format", "nquads", "-o", self.bundle]),
            "twinning export",
        )

    def peers_at(self, size: int) -> tuple[str, ...]:
        """The peers run at this size: rdflib only up to --rdflib-max."""
        return tuple(p for p in self.peers if p != "rdflib" or size <= self.args.rdflib_max)

    def fresh_store(self, engine: str, name: str, run_number: int) -> Path:
        """An empty store directory for one run."""
        store = self.work / "stores" / f"{engine}-{name}-run{run_number}"
        shutil.rmtree(store, ignore_errors=True)
        store.parent.mkdir(parents=True, exist_ok=True)
        return store

    def discard(self, path: Path) -> None:
        """Removes a store or data file, unless --keep."""
        if self.args.keep:
            return
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)

    def check_disk(self, sizes: list[int]) -> None:
        """Stops before sizes whose data and stores would not fit on the work directory's disk
        (one store at a time, or every store with --keep)."""
        engines = len(ON_DISK & {"twinning", *self.peers})
        stores = engines * self.args.runs if self.args.keep else 1
        needed = [
            size * (SYNTH_BYTES_PER_AGREEMENT + stores * STORE_BYTES_PER_AGREEMENT)
            for size in sizes
        ]
        need = sum(needed) if self.args.keep else max(needed, default=0)
        free = shutil.disk_usage(self.work).free
        if free < need:
            what = f"{sizes[0]:,} agreements"
            if len(sizes) > 1:
                what = "--sizes " + ",".join(map(str, sizes))
            raise BenchError(
                f"{what} need about {format_bytes(need)} free in {self.work}, "
                f"{format_bytes(free)} free (estimates "
                f"per agreement: {SYNTH_BYTES_PER_AGREEMENT:,} bytes of N-Triples and "
                f"{STORE_BYTES_PER_AGREEMENT:,} per store, {stores} store(s) at a time). Free "
                "some space, give --work on a larger disk, or leave out the largest --sizes."
            )

    def measure_cold_report(self) -> None:
        """Cold report on the bundled data: twinning on a freshly loaded store and in memory, and
        the peers parsing bundle.nq and answering the research queries, each a whole process."""
        runs = self.args.runs
        for number in range(1, runs + 1):
            progress(f"bundled data: cold report run {number}/{runs}…")
            store = self.fresh_store("twinning", "report", number)
            require(run([self.twinning, "load", "--store", store]), "twinning load (bundled data)")
            report = run([self.twinning, "report", "--store", store], timeout=self.args.timeout)
            self.results.reports["twinning --store"].append(Timed.of(report))
            self.discard(store)
            report = run([self.twinning, "report", "--memory"], timeout=self.args.timeout)
            self.results.reports["twinning --memory"].append(Timed.of(report))
            for peer in self.peers:
                report = run(
                    [*self.peer, "report", peer, self.bundle, *QUERY_FILES],
                    timeout=self.args.peer_timeout,
                )
                self.results.reports[peer].append(Timed.of(report))
                if report.returncode == 0 and not report.timed_out:
                    errors = json.loads(report.stdout).get("errors", {})
                    self.results.report_failures.setdefault(peer, {}).update(errors)

    def synthesize(self, size: int) -> Path:
        """The synthetic N-Triples file of this size, and its number of triples."""
        data = self.work / f"synth-{size}.nt"
        progress(f"{size_label(size)} agreements: twinning synth…")
        require(run([self.twinning, "synth", "--agreements", size, "-o", data]), "twinning synth")
        self.results.triples[size] = count_lines(data)
        return data

    def measure_size(self, size: int) -> None:
        """Every run at one size: twinning, then each peer, run after run."""
        self.check_disk([size])
        data = self.synthesize(size)
        for number in range(1, self.args.runs + 1):
            self.measure_twinning(size, data, number)
            for peer in self.peers_at(size):
                self.measure_peer(peer, size, data, number)
        self.discard(data)

    def step(self, size: int, what: str, number: int) -> None:
        progress(f"{size_label(size)} agreements: {what} run {number}/{self.args.runs}…")

    def measure_twinning(self, size: int, data: Path, number: int) -> None:
        """One twinning run: the bundled data (not timed), the timed bulk load, every query."""
        store = self.fresh_store("twinning", size_label(size), number)
        self.step(size, "twinning load", number)
        require(run([self.twinning, "load", "--store", store]), "twinning load (bundled data)")
        load = require(
            run([self.twinning, "load", "--store", store, "--bulk", data]), f"twinning load {data}"
        )
        self.results.loads[size, "twinning"].append(Timed.of(load))
        steps = BULK_STEPS.search(load.stderr)
        if steps:
            # The bulk step alone does what the peers' loads do: parse and index the file.
            self.results.loads[size, BULK_STEP].append(Timed(float(steps["bulk"])))
            for name in ("derive", "compact"):
                self.results.steps[size, name].append(float(steps[name]))
        self.step(size, "twinning queries", number)
        for query in QUERY_FILES:
            if ("twinning", query.stem) in self.timed_out:
                timed = Timed(math.inf)
            else:
                timed = self.twinning_query(store, query)
            self.record_query(size, "twinning", query.stem, timed)
        self.discard(store)

    def twinning_query(self, store: Path, query: Path) -> Timed:
        """A research query as a whole `twinning query` process; its CSV output is counted."""
        output = self.work / "query-output.csv"
        process = run(
            [self.twinning, "query", "--store", store, query, "--format", "csv"],
            timeout=self.args.timeout,
            output=output,
        )
        try:
            rows = count_csv_rows(output) if process.returncode == 0 else None
            return Timed.of(process, rows=rows)
        finally:
            output.unlink(missing_ok=True)

    def measure_peer(self, peer: str, size: int, data: Path, number: int) -> None:
        """One peer run: the load of the synthetic file, timed by the peer (after the bundled
        data), then every query."""
        self.step(size, f"{peer} load", number)
        if peer in ON_DISK:
            store = self.fresh_store(peer, size_label(size), number)
            require(run([*self.peer, "load", peer, self.bundle, "--store", store]), f"{peer} load")
            load = run([*self.peer, "load", peer, data, "--store", store])
            source = ["--store", store]
        else:
            store = None
            load = run([*self.peer, "load", peer, self.bundle, data])
            source = ["--data", self.bundle, "--data", data]
        seconds = json.loads(require(load, f"{peer} load").stdout)["files"][-1]["seconds"]
        self.results.loads[size, peer].append(Timed.of(load, seconds=seconds))
        self.step(size, f"{peer} queries", number)
        pending = [query for query in QUERY_FILES if (peer, query.stem) not in self.timed_out]
        timings = self.peer_queries(peer, source, pending)
        for query in QUERY_FILES:
            self.record_query(size, peer, query.stem, timings.get(query.stem, Timed(math.inf)))
        if store:
            self.discard(store)

    def record_query(self, size: int, engine: str, query: str, timed: Timed) -> None:
        """Keeps one run of a query, and notes a new timeout."""
        if math.isinf(timed.seconds) and (engine, query) not in self.timed_out:
            self.timed_out.add((engine, query))
            limit = self.args.timeout if engine == "twinning" else self.args.peer_timeout
            progress(
                f"{size_label(size)} agreements: {engine} {query} timed out after {limit:g} s; "
                "not run again"
            )
        self.results.queries[size, engine, query].append(timed)

    def peer_queries(self, peer: str, source: list, queries: list[Path]) -> dict[str, Timed]:
        """The queries, timed by the peer, in as few jobs as possible."""
        timings: dict[str, Timed] = {}
        pending = list(queries)
        while pending:
            self.peer_job(peer, source, pending, timings)
        return timings

    def peer_job(self, peer: str, source: list, pending: list, timings: dict) -> None:
        """One peer job over the pending queries, moving each to `timings` as it is answered. A
        query that takes longer than --peer-timeout is recorded as timed out, and ends the job,
        as does a query that crashes it; the next job goes on with the next query."""
        command = [str(part) for part in [*self.peer, "queries", peer, *pending, *source]]
        with tempfile.TemporaryFile() as errors, subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=errors, text=True
        ) as job:
            lines = LineReader(job.stdout)

            def failure() -> str:
                job.wait()
                errors.seek(0)
                return errors.read().decode(errors="replace").strip() or "no message"

            try:
                try:
                    ready = lines.next(timeout=self.args.timeout)
                except queue.Empty:
                    raise BenchError(
                        f"{peer} took over {self.args.timeout:g} s to open its data"
                    ) from None
                if ready is None:
                    raise BenchError(f"{peer} could not open its data: {failure()}")
                while pending:
                    query = pending.pop(0).stem
                    try:
                        line = lines.next(timeout=self.args.peer_timeout)
                    except queue.Empty:
                        timings[query] = Timed(math.inf)
                        return
                    if line is None:
                        timings[query] = Timed(math.nan, error=f"{peer} died: {failure()}")
                        return
                    record = json.loads(line)
                    timings[query] = Timed(
                        record.get("seconds", math.nan),
                        rows=record.get("rows"),
                        error=record.get("error"),
                    )
            finally:
                job.kill()
                job.wait()
                lines.join()

    def run(self) -> str:
        """Every measurement; returns the Markdown report."""
        started = datetime.now(timezone.utc)
        self.prepare()
        self.check_disk(self.args.sizes)
        machine = machine_info(self.twinning, self.versions)
        self.measure_cold_report()
        for size in self.args.sizes:
            self.measure_size(size)
        return render(self, started, machine)


# Formatting.


def significant(number: float) -> str:
    """Three significant digits, without an exponent: 0.0442, 12.3, 2,400."""
    return f"{number:.3g}" if abs(number) < 1000 else f"{number:,.0f}"


def format_seconds(seconds: float | None, limit: float) -> str:
    """Seconds as ms or s; "> limit" when timed out, "error" when a run failed."""
    if seconds is None:
        return "error"
    if math.isinf(seconds):
        return f"> {limit:g} s"
    return f"{significant(seconds * 1000)} ms" if seconds < 1 else f"{significant(seconds)} s"


def format_kib(kib: float | None) -> str:
    return "—" if kib is None else format_bytes(kib * 1024)


def format_bytes(count: float) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale:
            return f"{significant(count / scale)} {unit}"
    return f"{count:.0f} B"


def format_rate(per_second: float) -> str:
    for unit, scale in (("M", 1e6), ("k", 1e3)):
        if per_second >= scale:
            return f"{significant(per_second / scale)} {unit}"
    return significant(per_second)


def format_ratio(ratio: float) -> str:
    return f"{significant(ratio)}×"


def verdict(met: bool | None) -> str:
    """met, missed, or "—" when not measured."""
    if met is None:
        return "—"
    return "met" if met else "**missed**"


def report_time_met(seconds: float | None) -> bool | None:
    """Whether a cold report is as fast as the target."""
    return None if seconds is None else seconds <= REPORT_MAX_SECONDS


def report_speedup_met(rdflib: float | None, twinning: float | None) -> bool | None:
    """Whether a cold report is the target's times faster than rdflib's (a timed-out twinning
    report never is)."""
    if rdflib is None or twinning is None:
        return None
    return not math.isinf(twinning) and rdflib >= REPORT_MIN_SPEEDUP_OVER_RDFLIB * twinning


def speedup(peer: float | None, twinning: float | None, peer_limit: float, limit: float) -> str:
    """Peer time ÷ twinning time, as a bound when one of them timed out."""
    if peer is None or twinning is None or (math.isinf(peer) and math.isinf(twinning)):
        return "—"
    if math.isinf(peer):
        return "> " + format_ratio(peer_limit / twinning)
    if math.isinf(twinning):
        return "< " + format_ratio(peer / limit)
    return format_ratio(peer / twinning)


def describe_runs(count: int) -> str:
    return f"{count} run" if count == 1 else f"{count} runs"


def markdown_table(header: list[str], rows: list[list[str]], align: str) -> str:
    """A Markdown table; `align` has one letter per column, l or r."""
    rule = ["---:" if a == "r" else "---" for a in align]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in [header, rule, *rows])


def same_rows(counts: dict[str, set[int]]) -> str:
    """"=" when every engine that answered gave the same number of rows in every run."""
    answered = {engine: rows for engine, rows in counts.items() if rows}
    if len(answered) < 2:
        return "—"
    if len(set().union(*answered.values())) == 1:
        return "="
    return "≠ (" + ", ".join(
        f"{engine} {'/'.join(map(str, sorted(rows)))}" for engine, rows in answered.items()
    ) + ")"


# The report.


def render(bench: Bench, started: datetime, machine: list[tuple[str, str]]) -> str:
    """The Markdown report."""
    args = bench.args
    command = " ".join(["python3 bench/scale.py", *sys.argv[1:]])
    sections = [
        f"# Scale benchmark, {started:%Y-%m-%d %H:%M} UTC",
        f"`{command}`: medians of {describe_runs(args.runs)}. Ratios are oriented so that "
        "above 1× twinning is better (see the notes).",
        "\n".join(f"- {name}: {value}" for name, value in machine),
        "## Targets (measured, not asserted)",
        render_targets(bench),
        "## Cold report on the bundled data",
        render_reports(bench),
        "## Load",
        render_loads(bench),
    ]
    for size in args.sizes:
        sections += [
            f"## Research queries at {size:,} agreements ({bench.results.triples[size]:,} triples)",
            render_queries(bench, size),
        ]
    sections += ["## Notes", render_notes(bench)]
    return "\n\n".join(sections) + "\n"


def render_reports(bench: Bench) -> str:
    """Cold report: twinning's two ways, with speed-ups and targets, then the peers."""
    results, args = bench.results, bench.args
    peers = {peer: results.report(peer).seconds for peer in bench.peers}
    header = ["process, start to exit", "wall", "peak RSS"]
    header += [f"speed-up vs {peer}" for peer in bench.peers]
    header.append(f"≤ {REPORT_MAX_SECONDS * 1000:g} ms")
    if "rdflib" in bench.peers:
        header.append(f"≥ {REPORT_MIN_SPEEDUP_OVER_RDFLIB}× rdflib")
    rows = []
    for label, what in (
        ("twinning --store", "`twinning report --store D` (store freshly loaded)"),
        ("twinning --memory", "`twinning report --memory`"),
    ):
        summary = results.report(label)
        seconds = summary.seconds
        cells = [what, format_seconds(seconds, args.timeout), format_kib(summary.rss_kib)]
        cells += [
            speedup(peers[peer], seconds, args.peer_timeout, args.timeout) for peer in bench.peers
        ]
        cells.append(verdict(report_time_met(seconds)))
        if "rdflib" in bench.peers:
            cells.append(verdict(report_speedup_met(peers["rdflib"], seconds)))
        rows.append(cells)
    for peer in bench.peers:
        summary = results.report(peer)
        what = f"{peer}: parse bundle.nq in memory, answer the {len(QUERY_FILES)} research queries"
        failed = results.report_failures.get(peer)
        if failed:
            what += f" (fails {', '.join(sorted(failed))}: an error, timed until it is raised)"
        cells = [what, format_seconds(summary.seconds, args.peer_timeout)]
        cells.append(format_kib(summary.rss_kib))
        rows.append(cells + [""] * (len(header) - len(cells)))
    return markdown_table(header, rows, "l" + "r" * (len(header) - 1))


def render_loads(bench: Bench) -> str:
    """One row per size and engine: time, throughput, ratio, peak RSS, target."""
    results = bench.results
    rows = []
    for size in bench.args.sizes:
        triples = results.triples[size]
        twinning = results.load(size, "twinning")
        bulk = results.load(size, BULK_STEP)
        for engine in ("twinning", BULK_STEP, *bench.peers):
            summary = results.load(size, engine)
            first = [f"{size:,}", f"{triples:,}"] if engine == "twinning" else ["", ""]
            if summary is None:
                rows.append([*first, engine, "—", "—", "—", "—", ""])
                continue
            ratio, bulk_ratio, target = "", "", ""
            if engine in bench.peers:
                ratio = format_ratio(summary.seconds / twinning.seconds)
                if bulk is not None:
                    bulk_ratio = format_ratio(summary.seconds / bulk.seconds)
            if engine == "pyoxigraph" and bulk is not None:
                met = summary.seconds / bulk.seconds >= LOAD_MIN_RATIO_TO_PYOXIGRAPH
                target = f"bulk step ≥ {LOAD_MIN_RATIO_TO_PYOXIGRAPH}×: " + verdict(met)
            if engine == BULK_STEP:
                derive = statistics.median(results.steps[size, "derive"])
                compact = statistics.median(results.steps[size, "compact"])
                target = f"then derive {derive:.1f} s, compact {compact:.1f} s"
            if engine == "twinning" and size == TARGET_SIZE:
                met = summary.rss_kib <= LOAD_MAX_RSS_KIB
                target = f"≤ {format_kib(LOAD_MAX_RSS_KIB)}: " + verdict(met)
            rows.append([
                *first,
                engine,
                format_seconds(summary.seconds, math.inf),
                format_rate(triples / summary.seconds),
                ratio,
                bulk_ratio,
                format_kib(summary.rss_kib),
                target,
            ])
    header = ["agreements", "triples", "engine", "load time", "triples/s", "twinning ÷ peer",
              "bulk step ÷ peer", "peak RSS", "target"]
    return markdown_table(header, rows, "rrlrrrrrl")


def render_queries(bench: Bench, size: int) -> str:
    """One row per research query: latencies, speed-ups, rows, whether the engines agree."""
    results, args = bench.results, bench.args
    ran = ("twinning", *bench.peers_at(size))
    rows = []
    for query in (path.stem for path in QUERY_FILES):
        summaries = {engine: results.query(size, engine, query) for engine in ran}
        twinning = summaries["twinning"]
        cells = [query, format_seconds(twinning.seconds, args.timeout)]
        for peer in bench.peers:
            summary = summaries.get(peer)
            if summary is None:
                cells += ["—", "—"]
                continue
            cells += [
                format_seconds(summary.seconds, args.peer_timeout),
                speedup(summary.seconds, twinning.seconds, args.peer_timeout, args.timeout),
            ]
        cells.append("/".join(map(str, sorted(twinning.rows))) or "—")
        cells.append(same_rows({engine: summary.rows for engine, summary in summaries.items()}))
        if size == TARGET_SIZE:
            met = twinning.seconds is not None and twinning.seconds <= QUERY_MAX_SECONDS
            cells.append(verdict(met))
        rows.append(cells)
    header = ["query", "twinning"]
    for peer in bench.peers:
        header += [peer, "speed-up"]
    header += ["rows", "same rows"]
    if size == TARGET_SIZE:
        header.append(f"≤ {QUERY_MAX_SECONDS:g} s")
    return markdown_table(header, rows, "l" + "r" * (len(header) - 2) + "l")


def render_targets(bench: Bench) -> str:
    """The issue's targets, each with what was measured and whether it was met."""
    results, args = bench.results, bench.args
    report = results.report("twinning --store").seconds
    rows = [[
        f"cold `twinning report` ≤ {REPORT_MAX_SECONDS * 1000:g} ms",
        format_seconds(report, args.timeout),
        verdict(report_time_met(report)),
    ]]
    rdflib = results.report("rdflib").seconds if "rdflib" in bench.peers else None
    measured = "not measured"
    if rdflib is not None:
        measured = speedup(rdflib, report, args.peer_timeout, args.timeout)
    rows.append([
        f"cold `twinning report` ≥ {REPORT_MIN_SPEEDUP_OVER_RDFLIB}× faster than rdflib",
        measured,
        verdict(report_speedup_met(rdflib, report)),
    ])
    ratios = {}
    if "pyoxigraph" in bench.peers:
        for size in args.sizes:
            bulk = results.load(size, BULK_STEP)
            if bulk is not None:
                ratios[size] = results.load(size, "pyoxigraph").seconds / bulk.seconds
    rows.append([
        f"bulk load throughput ≥ {LOAD_MIN_RATIO_TO_PYOXIGRAPH}× pyoxigraph's (the bulk step: "
        "the same work)",
        ", ".join(f"{format_ratio(r)} at {size_label(s)}" for s, r in ratios.items())
        or "not measured",
        verdict(min(ratios.values()) >= LOAD_MIN_RATIO_TO_PYOXIGRAPH if ratios else None),
    ])
    query_target = (
        f"every research query ≤ {QUERY_MAX_SECONDS:g} s at {size_label(TARGET_SIZE)} agreements"
    )
    rss_target = (
        f"peak RSS ≤ {format_kib(LOAD_MAX_RSS_KIB)} loading {size_label(TARGET_SIZE)} agreements"
    )
    if TARGET_SIZE not in args.sizes:
        absent = f"not measured ({TARGET_SIZE:,} not in --sizes)"
        rows += [[query_target, absent, "—"], [rss_target, absent, "—"]]
        return markdown_table(["target", "measured", "result"], rows, "lll")
    slow = {}
    for path in QUERY_FILES:
        seconds = results.query(TARGET_SIZE, "twinning", path.stem).seconds
        if seconds is None or seconds > QUERY_MAX_SECONDS:
            slow[path.stem[:3]] = format_seconds(seconds, args.timeout)
    measured = f"all {len(QUERY_FILES)} within"
    if slow:
        measured = f"{len(slow)} of {len(QUERY_FILES)} over: " + ", ".join(
            f"{query} {seconds}" for query, seconds in slow.items()
        )
    rss = results.load(TARGET_SIZE, "twinning").rss_kib
    rows += [
        [query_target, measured, verdict(not slow)],
        [rss_target, format_kib(rss), verdict(rss <= LOAD_MAX_RSS_KIB)],
    ]
    return markdown_table(["target", "measured", "result"], rows, "lll")


def render_notes(bench: Bench) -> str:
    """How each figure was measured, and the errors, if any."""
    args = bench.args
    notes = [
        f"Figures are medians of {describe_runs(args.runs)}; a run that timed out counts as "
        "longer than its limit, and a median that falls on one shows as \"> N s\".",
        "Ratios: for times, speed-up = peer time ÷ twinning time; for load throughput, "
        "twinning ÷ peer. Above 1×, twinning is faster.",
        "Cold report: process start to exit, output discarded. `twinning report --store D` runs on "
        "a store just loaded with `twinning load --store D`; `--memory` loads the bundled data "
        "into memory first. The peers parse the same data (`twinning export --memory --format "
        f"nquads`) into an in-memory store and answer the same {len(QUERY_FILES)} research queries "
        "(the report's answers, without its formatting).",
        "Load: `twinning synth --agreements N` (N-Triples; triples = lines) loaded into a store "
        "that already holds the bundled data. twinning: `twinning load --store D --bulk FILE`, "
        "timed as a whole process, start to exit, including the recomputation of the derived "
        "graph and a compaction; its \"bulk step\" row is the bulk loader alone (parsing and "
        "indexing the file, as reported by twinning on stderr), the same work as the peers' "
        "loads, and the one the throughput target is checked on. pyoxigraph: `Store.bulk_load` into "
        "an on-disk store, then `Store.optimize()` (untimed), so that both engines answer the "
        "queries from a compacted store; rdflib: parsing into an in-memory `Dataset`; both timed "
        "in-process around the load of that file. Peak RSS is the "
        "loading process's own (`wait4`, `ru_maxrss`); for the peers it includes the Python "
        "interpreter, and for rdflib the bundled data it parses first.",
        "Queries: twinning is timed as a whole `twinning query --store D FILE --format csv` "
        "process, start to exit, which includes opening the store and writing the CSV: the "
        "conservative measure for twinning. The peers are timed in-process around "
        "`list(store.query(...))`, on a store already opened (pyoxigraph) or parsed (rdflib). The "
        "default graph is the union of all named graphs. \"same rows\" compares the number of "
        "result rows of every engine that answered: \"=\" when they all agree, \"—\" when "
        "fewer than two answered.",
        f"Timeouts: {args.timeout:g} s for each twinning query (--timeout), "
        f"{args.peer_timeout:g} s for each peer query (--peer-timeout). A query that runs over is "
        "killed, and that engine does not run it again (in later runs or at larger sizes, which "
        "can only be as slow): those runs count as timed out too.",
        f"The twinning binary was copied to {bench.work} at the start, so a rebuild during the "
        "run could not mix builds.",
    ]
    if "rdflib" in bench.peers and any(size > args.rdflib_max for size in args.sizes):
        notes.append(
            f"rdflib is not run above {args.rdflib_max:,} agreements (--rdflib-max; its in-memory "
            "store needs ~1.4 GB per million triples, and 1M agreements are ~20 M triples): its "
            "cells show \"—\"."
        )
    for peer, failed in sorted(bench.results.report_failures.items()):
        for query, error in sorted(failed.items()):
            notes.append(f"Cold report: {peer} fails {query} with {error[:300]}")
    if args.skip_peers:
        notes.append("The peers were not run (--skip-peers).")
    notes += [f"Error: {error}" for error in collect_errors(bench)]
    return "\n".join(f"- {note}" for note in notes)


def collect_errors(bench: Bench) -> list[str]:
    """The first error of every measurement that failed, named."""
    results = bench.results
    named = [(f"cold report, {label}", runs) for label, runs in results.reports.items()]
    named += [
        (f"{query} on {engine} at {size_label(size)}", runs)
        for (size, engine, query), runs in results.queries.items()
    ]
    return [
        f"{what}: {error}"
        for what, runs in named
        if (error := Summary.of(runs).error)
    ]


# The command line.


def sizes(text: str) -> list[int]:
    """--sizes: distinct numbers of agreements, smallest first (a query that times out at one
    size is not run at the larger ones)."""
    if text == "none":  # the cold report only
        return []
    values = sorted({int(value) for value in text.split(",")})
    if values[0] < 1:
        raise argparse.ArgumentTypeError("sizes are positive numbers of agreements")
    return values


def parse_args() -> argparse.Namespace:
    target = Path(os.environ.get("CARGO_TARGET_DIR", Path.home() / ".cache/twinning/target"))
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=sizes, default=[10_000, 100_000, 1_000_000],
                        help="numbers of agreements, comma-separated, or none for the cold "
                             "report only (default: 10000,100000,1000000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (default: 3)")
    parser.add_argument("--rdflib-max", type=int, default=100_000,
                        help="largest size rdflib is run at (default: 100000)")
    parser.add_argument("--peer-timeout", type=float, default=120,
                        help="seconds per peer query (default: 120)")
    parser.add_argument("--timeout", type=float, default=600,
                        help="seconds per twinning query or report, and for a peer to open "
                             "its data (default: 600)")
    parser.add_argument("--work", type=Path, default=REPO / "bench-work",
                        help="directory for data and stores "
                             "(default: bench-work/ in the repository)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the stores and the synthetic data in --work")
    parser.add_argument("--skip-peers", action="store_true", help="measure twinning only")
    parser.add_argument("--twinning", type=Path, default=target / "release" / "twinning",
                        help="the twinning binary (default: $CARGO_TARGET_DIR/release/twinning)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def main() -> None:
    args = parse_args()
    started = datetime.now(timezone.utc)
    try:
        markdown = Bench(args).run()
    except BenchError as error:
        sys.exit(f"bench: {error}")
    print(markdown, end="")
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"scale-{started:%Y-%m-%d-%H%M}.md"
    path.write_text(markdown, encoding="utf-8")
    progress(f"written to {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
