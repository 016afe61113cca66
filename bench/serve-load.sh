#!/usr/bin/env bash
# Load benchmark of `twinning serve` (not a test): 50 concurrent clients for 30 s, rotating over
# the research queries, driven by wrk (Debian's package). Prints throughput, p50/p99 latency and
# the error count. Usage: bench/serve-load.sh [--attack] [seconds] [connections]
# --attack: meanwhile a slowloris (130 connections from 127.0.0.2) and a runaway query (from
# 127.0.0.3, sent again as soon as it is answered) run against the same server (bench/attack.py).
set -euo pipefail
cd "$(dirname "$0")/.."
attack=
if [ "${1:-}" = --attack ]; then attack=1; shift; fi
seconds=${1:-30}
connections=${2:-50}
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || {
  echo "wrk is missing: sudo apt-get install -y wrk"; exit 1; }
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/twinning/target}
cargo build --release --quiet
store=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# The benchmark's clients all come from 127.0.0.1: their share of connections must hold them all.
"$CARGO_TARGET_DIR/release/twinning" --store "$store/store" serve --bind "127.0.0.1:$port" \
  --timeout 10 --max-connections-per-client "$((connections + 8))" 2>/dev/null &
server=$!
attacker=
trap 'kill $server $attacker 2>/dev/null; rm -rf "$store"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done
if [ -n "$attack" ]; then
  python3 bench/attack.py "$port" &
  attacker=$!
  sleep 3
fi
QUERIES=$(ls queries/[0-9]*.rq) wrk -t2 -c"$connections" -d"${seconds}s" --latency \
  -s bench/serve-load.lua "http://127.0.0.1:$port" | tee "$store/wrk.txt"
requests=$(awk '/Requests\/sec/ {print $2}' "$store/wrk.txt")
p50=$(awk '$1=="50%" {print $2}' "$store/wrk.txt")
p99=$(awk '$1=="99%" {print $2}' "$store/wrk.txt")
errors=$(awk '/Non-2xx/ {print $5} /Socket errors/ {s=$4+$6+$8+$10} END {print s+0}' "$store/wrk.txt" | paste -sd+ | bc)
echo
echo "| clients | seconds | requests/s | p50 | p99 | errors |"
echo "|---|---|---|---|---|---|"
echo "| $connections | $seconds | $requests | $p50 | $p99 | $errors |"
if [ -n "$attacker" ]; then kill -TERM "$attacker"; wait "$attacker" 2>/dev/null || true; attacker=; fi
