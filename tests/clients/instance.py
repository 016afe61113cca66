"""What the scripts here that run a private, throw-away server for the tests (apache.py,
virtuoso.py) share: each keeps its state in STATEDIR/instance.json (at least the server's "pid"),
starts the server in a session of its own with its output in STATEDIR/server.out, listens on
127.0.0.1 only, on free ports, and ends with the same exit codes (2 usage or a state error,
3 the server is not installed).

Not a script: those scripts import it from beside them (Python puts a script's own directory
first on sys.path). Messages on standard error start with the running script's name
("virtuoso.py: ..."). Standard library only.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time

NOT_INSTALLED = 3
STATE_FILE = "instance.json"
# The server's standard output and error.
SERVER_OUT = "server.out"


def fail(message: str, code: int = 2) -> "NoReturn":  # noqa: F821 (a string annotation)
    sys.stderr.write(f"{os.path.basename(sys.argv[0])}: {message}\n")
    sys.exit(code)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def read_state(statedir: str, start: str) -> dict:
    """STATEDIR's instance.json, or exit 2 with `start`, the command that makes one, as a hint."""
    try:
        with open(os.path.join(statedir, STATE_FILE), encoding="utf-8") as file:
            return json.load(file)
    except FileNotFoundError:
        fail(f"no instance in {statedir} (run: {start})")


def write_state(statedir: str, state: dict) -> None:
    with open(os.path.join(statedir, STATE_FILE), "w", encoding="utf-8") as file:
        json.dump(state, file)


def refuse_running(statedir: str) -> None:
    """Exit 2 if an instance still runs in STATEDIR (a state file left by one that died does not
    count)."""
    if os.path.exists(os.path.join(statedir, STATE_FILE)):
        pid = read_state(statedir, "")["pid"]
        if alive(pid):
            fail(f"an instance already runs in {statedir} (pid {pid})")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped by its parent) counts as dead.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def wait_gone(pid: int, seconds: float, poll: float) -> None:
    """Wait up to `seconds`, looking every `poll` seconds, for the process to end."""
    deadline = time.monotonic() + seconds
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(poll)


def terminate(pid: int, poll: float = 0.1, group: bool = True) -> None:
    """SIGTERM, up to 15 s to end, then SIGKILL: to the process group that launch made (the server
    and its children) when `group`, else to the process alone."""
    if alive(pid):
        os.kill(pid, signal.SIGTERM)
        wait_gone(pid, 15, poll)
    if alive(pid):
        if not group:
            os.kill(pid, signal.SIGKILL)
            return
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def launch(statedir: str, command: list[str], cwd: str, env: dict | None = None) -> subprocess.Popen:
    """Start the server in the background, in a session (and process group) of its own, with its
    output in STATEDIR/server.out."""
    with open(os.path.join(statedir, SERVER_OUT), "wb") as out:
        return subprocess.Popen(
            command,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )


def log_tail(statedir: str, log: str, lines: int) -> str:
    """The last lines of the server's log (a path in STATEDIR), else of its server.out."""
    for name in (log, SERVER_OUT):
        try:
            with open(os.path.join(statedir, name), encoding="utf-8", errors="replace") as file:
                tail = file.read().splitlines()[-lines:]
            if tail:
                return f"{name}:\n" + "\n".join(tail)
        except OSError:
            continue
    return "(no log)"
