#!/usr/bin/env bash
# Where a research query's time goes: perf's flat profile (self time) of one `twinning query`
# process on a synthetic world, grouped by component (RocksDB, Oxigraph's SPARQL evaluator and
# storage layer, twinning, the allocator and libc, the kernel) and by symbol.
# Usage: bench/profile.sh [agreements] [query]   (default: 100000 004_theme_frequency)
# Writes bench/results/profile-<UTC start: YYYY-MM-DD-HHMM>.md and prints it.
set -euo pipefail
cd "$(dirname "$0")/.."
agreements=${1:-100000}
query=${2:-004_theme_frequency}
command -v perf >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq linux-perf >/dev/null; } || {
  echo "perf is missing: sudo apt-get install -y linux-perf"; exit 1; }
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/twinning/target}
cargo build --release --quiet
twinning="$CARGO_TARGET_DIR/release/twinning"
started=$(date -u +%Y-%m-%d-%H%M)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$twinning" synth --agreements "$agreements" -o "$work/world.nt"
"$twinning" --store "$work/store" load >/dev/null 2>&1
"$twinning" --store "$work/store" load --bulk "$work/world.nt" >/dev/null 2>"$work/load.txt"
# Once to warm the page cache, as the benchmark's medians are, then under perf.
"$twinning" --store "$work/store" query "queries/$query.rq" --format csv >/dev/null
perf record -q -F 999 -o "$work/perf.data" -- \
  "$twinning" --store "$work/store" query "queries/$query.rq" --format csv >/dev/null 2>&1
perf report -i "$work/perf.data" --stdio --no-children --sort sym 2>/dev/null >"$work/symbols.txt"
out="bench/results/profile-$started.md"
load=$(head -1 "$work/load.txt" | sed 's|^.*/world\.nt|world.nt|')
python3 - "$work/symbols.txt" "$agreements" "$query" "$load" >"$out" <<'EOF'
import re
import sys
from collections import defaultdict

path, agreements, query, load = sys.argv[1:5]
rows = []
for line in open(path, encoding="utf-8", errors="replace"):
    match = re.match(r"\s*([\d.]+)%\s+\[(.)\]\s+(.*)", line)
    if match:
        rows.append((float(match[1]), match[2], match[3].strip()))

def component(kind: str, symbol: str) -> str:
    if kind == "k":
        return "kernel (page faults, reads, scheduling)"
    if "rocksdb" in symbol.lower() or symbol.startswith(("ZSTD", "LZ4", "XXH", "crc32")):
        return "RocksDB (iterators, block reads, decompression, comparisons)"
    if re.search(r"\b(spareval|sparopt|spargebra)::", symbol):
        return "Oxigraph's SPARQL evaluator (joins, hashing, aggregates)"
    if re.search(r"\b(oxigraph|oxrdf|oxsdatatypes)::", symbol):
        return "Oxigraph's storage layer (key encoding and decoding, term lookups)"
    if re.search(r"\btwinning::", symbol):
        return "twinning (CLI, output)"
    if re.search(r"malloc|free|memcpy|memmove|memcmp|memset|_int_|realloc|cfree", symbol):
        return "allocator and libc (malloc, memcpy…)"
    if re.search(r"hashbrown|core::hash|siphash|SipHasher", symbol):
        return "Rust hashing (hash joins, DISTINCT, GROUP BY)"
    return "other (Rust std, unresolved)"

groups = defaultdict(float)
for share, kind, symbol in rows:
    groups[component(kind, symbol)] += share

print(f"# Profile of {query} at {int(agreements):,} agreements\n")
print(f"`bench/profile.sh {agreements} {query}`: `perf record -F 999` of one `twinning query` "
      "process on a page-cache-warm store, flat profile (self time, `perf report --no-children "
      f"--sort sym`). The store was loaded with `twinning load --bulk`: `{load.strip()}`.\n")
print("## By component\n")
print("| component | share of samples |")
print("| --- | ---: |")
for name, share in sorted(groups.items(), key=lambda item: -item[1]):
    print(f"| {name} | {share:.1f}% |")
print("\n## The 25 heaviest symbols\n")
print("| self | symbol |")
print("| ---: | --- |")
for share, kind, symbol in rows[:25]:
    cut = (symbol if len(symbol) <= 110 else symbol[:107] + "…").replace("|", "\\|")
    print(f"| {share:.2f}% | `{cut}` |")
EOF
cat "$out"
echo "written to $out" >&2
