"""The peers of the scale benchmark: pyoxigraph and rdflib doing twinning's jobs.

Run by bench/scale.py with the Python of the benchmark's venv (pyoxigraph and rdflib installed),
one job per process, so that the driver can time each process and read its peak RSS. Every job
prints JSON on standard output:

  load ENGINE FILE... [--store DIR]
      Loads the files (N-Quads into their own graphs, N-Triples into a graph named by the file's
      URL), in order; prints {"files": [{"path", "seconds"}]}, timed in-process per file.
      pyoxigraph bulk-loads into the on-disk store DIR; rdflib parses into a Dataset in memory.
  queries ENGINE QUERY... (--store DIR | --data FILE [--data FILE...])
      Opens the store (pyoxigraph, read-only) or parses the files (rdflib), prints {"ready": s},
      then runs each query over the union of all graphs and prints one line per query as soon as
      it is answered: {"query", "seconds", "rows"} or {"query", "error"}. The driver enforces the
      timeouts by reading these lines.
  report ENGINE FILE QUERY...
      The peer of a cold `twinning report`: parses FILE into an in-memory store and answers every
      query; prints {"rows": {query: rows}}. The driver times the whole process.
  versions
      Prints {"python", "pyoxigraph", "rdflib"}.
"""

import argparse
import json
import platform
import sys
import time
from importlib.metadata import version
from pathlib import Path

import pyoxigraph
import rdflib


def graph_for(path: Path) -> str:
    """The graph that receives a triples file: its file: URL, as twinning names it."""
    return path.resolve().as_uri()


class Pyoxigraph:
    """pyoxigraph: the engine twinning embeds, from Python."""

    def __init__(self, store: Path | None = None, read_only: bool = False):
        if store is None:
            self.store = pyoxigraph.Store()
        elif read_only:
            self.store = pyoxigraph.Store.read_only(str(store))
        else:
            self.store = pyoxigraph.Store(str(store))

    def load(self, path: Path) -> None:
        """Streams a file in with the bulk loader."""
        if path.suffix == ".nq":
            self.store.bulk_load(path=path, format=pyoxigraph.RdfFormat.N_QUADS)
        else:
            self.store.bulk_load(
                path=path,
                format=pyoxigraph.RdfFormat.N_TRIPLES,
                to_graph=pyoxigraph.NamedNode(graph_for(path)),
            )

    def query(self, text: str) -> int:
        """Runs a SELECT query over the union of all graphs; returns its number of rows."""
        return len(list(self.store.query(text, use_default_graph_as_union=True)))


class Rdflib:
    """rdflib: a pure-Python store, parsed into memory."""

    def __init__(self):
        self.dataset = rdflib.Dataset(default_union=True)

    def load(self, path: Path) -> None:
        """Parses a file into the dataset."""
        if path.suffix == ".nq":
            self.dataset.parse(path, format="nquads")
        else:
            self.dataset.graph(rdflib.URIRef(graph_for(path))).parse(path, format="nt")

    def query(self, text: str) -> int:
        """Runs a SELECT query over the union of all graphs; returns its number of rows."""
        return len(list(self.dataset.query(text)))


ENGINES = ("pyoxigraph", "rdflib")


def emit(record: dict) -> None:
    """Prints one JSON line and flushes it, so the driver sees it at once."""
    print(json.dumps(record), flush=True)


def open_engine(name: str, store: Path | None = None, read_only: bool = False):
    """An engine: in memory, or on the store directory (pyoxigraph only)."""
    if name == "pyoxigraph":
        return Pyoxigraph(store, read_only)
    if store is not None:
        sys.exit("rdflib keeps its data in memory: give it --data files, not --store")
    return Rdflib()


def load(args: argparse.Namespace) -> None:
    """The `load` job."""
    engine = open_engine(args.engine, args.store)
    files = []
    for path in args.files:
        start = time.perf_counter()
        engine.load(path)
        files.append({"path": str(path), "seconds": time.perf_counter() - start})
    record = {"files": files}
    if isinstance(engine, Pyoxigraph) and args.store is not None:
        # Compacted once after loading, as twinning does after a bulk load, so that both engines
        # answer the queries from a compacted store; timed apart from the load.
        start = time.perf_counter()
        engine.store.optimize()
        record["compact"] = time.perf_counter() - start
    emit(record)


def queries(args: argparse.Namespace) -> None:
    """The `queries` job."""
    start = time.perf_counter()
    engine = open_engine(args.engine, args.store, read_only=True)
    for path in args.data:
        engine.load(path)
    emit({"ready": time.perf_counter() - start})
    for path in args.queries:
        text = path.read_text(encoding="utf-8")
        start = time.perf_counter()
        try:
            rows = engine.query(text)
        except Exception as error:  # a peer failing a query is a result, not a crash
            emit({"query": path.stem, "error": f"{type(error).__name__}: {error}"})
        else:
            emit({"query": path.stem, "seconds": time.perf_counter() - start, "rows": rows})


def report(args: argparse.Namespace) -> None:
    """The `report` job."""
    engine = open_engine(args.engine)
    engine.load(args.file)
    rows, errors = {}, {}
    for path in args.queries:
        try:
            rows[path.stem] = engine.query(path.read_text(encoding="utf-8"))
        except Exception as error:  # a peer failing a query is a result, not a crash
            errors[path.stem] = f"{type(error).__name__}: {error}"
    emit({"rows": rows, "errors": errors})


def versions(_: argparse.Namespace) -> None:
    """The `versions` job."""
    emit({
        "python": platform.python_version(),
        "pyoxigraph": version("pyoxigraph"),
        "rdflib": version("rdflib"),
    })


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    jobs = parser.add_subparsers(dest="job", required=True)

    job = jobs.add_parser("load", help="load files, timed per file")
    job.add_argument("engine", choices=ENGINES)
    job.add_argument("files", nargs="+", type=Path)
    job.add_argument("--store", type=Path, help="on-disk store (pyoxigraph)")
    job.set_defaults(run=load)

    job = jobs.add_parser("queries", help="run queries, one JSON line each")
    job.add_argument("engine", choices=ENGINES)
    job.add_argument("queries", nargs="+", type=Path)
    source = job.add_mutually_exclusive_group(required=True)
    source.add_argument("--store", type=Path, help="on-disk store to open (pyoxigraph)")
    source.add_argument(
        "--data", action="append", type=Path, default=[], help="a file to parse first (repeatable)"
    )
    job.set_defaults(run=queries)

    job = jobs.add_parser("report", help="parse a file in memory and answer the queries")
    job.add_argument("engine", choices=ENGINES)
    job.add_argument("file", type=Path)
    job.add_argument("queries", nargs="+", type=Path)
    job.set_defaults(run=report)

    job = jobs.add_parser("versions", help="versions of Python and the peers")
    job.set_defaults(run=versions)
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse_args()
    arguments.run(arguments)
