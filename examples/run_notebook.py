#!/usr/bin/env python3
"""Run examples/analysis.ipynb headless with nbclient and report in one line.

Usage:
    TWINNING_NQUADS=/path/to/twinning.nq python examples/run_notebook.py [NOTEBOOK]
        [--workdir DIR] [--timeout SECONDS] [--kernel NAME] [--output EXECUTED.ipynb]

The notebook runs in --workdir (by default the notebook's own directory, so that its default
query directory ../queries resolves). TWINNING_NQUADS and TWINNING_QUERIES, if set to relative
paths, are resolved against the directory this script is started from before the kernel starts.
The notebook file itself is never modified; --output writes the executed copy elsewhere.

Exit status: 0 when every cell ran without error, 1 when a cell failed, 2 on a usage error.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def main() -> int:
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description="Execute a notebook headless with nbclient.")
    parser.add_argument("notebook", nargs="?", default=str(here / "analysis.ipynb"))
    parser.add_argument("--workdir", help="directory the kernel runs in (default: the notebook's)")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell (default 300)")
    parser.add_argument("--kernel", default="python3", help="kernel name (default python3)")
    parser.add_argument("--output", help="also write the executed notebook to this file")
    args = parser.parse_args()

    notebook_path = Path(args.notebook).resolve()
    if not notebook_path.is_file():
        print(f"run_notebook: {notebook_path} not found", file=sys.stderr)
        return 2
    workdir = Path(args.workdir).resolve() if args.workdir else notebook_path.parent
    if not workdir.is_dir():
        print(f"run_notebook: working directory {workdir} not found", file=sys.stderr)
        return 2
    if args.output and Path(args.output).resolve() == notebook_path:
        print("run_notebook: --output must not overwrite the notebook itself", file=sys.stderr)
        return 2

    # The kernel inherits this environment but runs in workdir: make relative paths absolute.
    for variable in ("TWINNING_NQUADS", "TWINNING_QUERIES"):
        if os.environ.get(variable):
            os.environ[variable] = str(Path(os.environ[variable]).resolve())

    notebook = nbformat.read(notebook_path, as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    client = NotebookClient(
        notebook,
        timeout=args.timeout,
        kernel_name=args.kernel,
        allow_errors=False,
        resources={"metadata": {"path": str(workdir)}},
    )

    started = time.monotonic()
    failure = None
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
        failure = error
    elapsed = time.monotonic() - started

    errors = sum(
        1
        for cell in code_cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    )
    if failure is not None and errors == 0:
        errors = 1  # a timeout or a dead kernel leaves no error output
    executed = sum(1 for cell in code_cells if cell.get("execution_count") is not None)

    if args.output:
        nbformat.write(notebook, args.output)

    if failure is not None:
        print(str(failure), file=sys.stderr)
    status = "OK" if failure is None else "FAILED"
    print(
        f"{status}: {notebook_path.name}: {executed}/{len(code_cells)} code cells executed, "
        f"{errors} error(s), {elapsed:.1f} s (kernel {args.kernel}, timeout {args.timeout} s "
        f"per cell, workdir {workdir})"
    )
    return 0 if failure is None else 1


if __name__ == "__main__":
    sys.exit(main())
