#!/usr/bin/env python3
"""Whole `twinning load` against pyoxigraph's `bulk_load` + `optimize`, side by side in one run.

Usage: python3 bench/load_ratio.py --twinning PATH --python VENV_PYTHON [--agreements N] [--runs R]

Writes one synthetic world (`twinning synth`), then, R times and alternating the two, loads it into
a fresh store: twinning (the bundled data first, outside the timing, then `load --bulk` of the
file: parse, index, derive, compact) and pyoxigraph 0.5 (`Store.bulk_load` of the same file into a
named graph, then `optimize`). Prints a Markdown table of the medians and the ratio
pyoxigraph / twinning (the issue's target: at least 0.7). Then times importing one agreement (a
CSV row) into the loaded twinning store. Measured, never asserted.
"""

import argparse
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

PYOXIGRAPH = """
import sys, time, pyoxigraph as ox
store = ox.Store(sys.argv[1])
start = time.perf_counter()
store.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("file:///world"))
store.optimize()
print(time.perf_counter() - start)
"""

ROW = (
    "home_city,partner_city,partner_country,kind,status,date,themes,purpose_ar,purpose_en,"
    "source_url,source_title,source_date,notes,home_city_ar,partner_city_ar,partner_country_ar,"
    "partner_region,partner_latitude,partner_longitude,partner_wikidata\n"
    "Dakhla,Dreux,France,twinning,signed,2024-10,economy; culture,تعاون,cooperation,"
    "https://example.org/benchmark-row.html,A benchmark row,2024-10-16,,,,,,,,\n"
)


def timed(command: list) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, done.stderr + done.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--twinning", required=True)
    parser.add_argument("--python", required=True, help="a Python with pyoxigraph 0.5")
    parser.add_argument("--agreements", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="twinning-load-ratio-"))
    try:
        world = work / "world.nt"
        subprocess.run(
            [args.twinning, "synth", "--agreements", str(args.agreements), "-o", str(world)],
            check=True,
        )
        ours, theirs, steps = [], [], []
        for run in range(args.runs):
            store = work / f"py{run}"
            done = subprocess.run(
                [args.python, "-c", PYOXIGRAPH, str(store), str(world)],
                capture_output=True, text=True, check=True,
            )
            theirs.append(float(done.stdout))
            shutil.rmtree(store)
            store = work / f"tw{run}"
            subprocess.run([args.twinning, "--store", str(store), "load"], capture_output=True, check=True)
            seconds, output = timed([args.twinning, "--store", str(store), "load", "--bulk", str(world)])
            ours.append(seconds)
            steps.append(re.search(r"bulk load [^\n]*", output).group(0))
            if run + 1 < args.runs:
                shutil.rmtree(store)
        row = work / "row.csv"
        row.write_text(ROW, encoding="utf-8")
        imports = []
        for _ in range(3):
            seconds, _ = timed([args.twinning, "--store", str(store), "import", str(row)])
            imports.append(seconds)
        mine, peer = statistics.median(ours), statistics.median(theirs)
        print(f"| {args.agreements} agreements, {args.runs} runs | median s |")
        print("|---|---|")
        print(f"| pyoxigraph bulk_load + optimize | {peer:.2f} |")
        print(f"| twinning load --bulk (parse, index, derive, compact) | {mine:.2f} |")
        print(f"| ratio pyoxigraph / twinning (target >= 0.7) | {peer / mine:.2f} |")
        print(f"| twinning import of one row into that store | {statistics.median(imports):.2f} |")
        print()
        for line in steps:
            print(f"- twinning: {line}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
