#!/usr/bin/env bash
# Compares two builds of aabc on the same generated file, run for run in alternation so that
# a noisy, shared machine slows both alike: validate and CSV → Parquet export, median wall time
# and peak RSS of REPEAT runs each. Use it to show that a change made nothing slower.
#
#   git worktree add /tmp/base <old-commit> && (cd /tmp/base && cargo build --release)
#   cargo build --release
#   bash bench/compare.sh /tmp/base/target/release/aabc target/release/aabc
#   ROWS=200000 REPEAT=3 bash bench/compare.sh OLD NEW     # a quick look
#   QUOTED=1 bash bench/compare.sh OLD NEW   # every cell quoted: the reader's cell-by-cell scan
#
# Prints a Markdown table (also written to $WORK/compare.md).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: bench/compare.sh OLD_BINARY NEW_BINARY" >&2; exit 2; }
cd "$(dirname "$0")/.."
OLD=$(realpath "$1") NEW=$(realpath "$2")
ROWS=${ROWS:-1000000}
REPEAT=${REPEAT:-5}
WORK=${WORK:-$(mktemp -d)}
SCHEMA=$(pwd)/schema/events.schema.json
mkdir -p "$WORK"
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
"$OLD" synth --rows "$ROWS" --seed 1 --out "$WORK/events.csv"
if [ "${QUOTED:-0}" = 1 ]; then
  # Same rows, every cell quoted: no record takes the reader's one-memchr path.
  python3 -c 'import csv, sys
w = csv.writer(sys.stdout, quoting=csv.QUOTE_ALL, lineterminator="\n")
w.writerows(csv.reader(open(sys.argv[1], newline="")))' "$WORK/events.csv" >"$WORK/quoted.csv"
  mv "$WORK/quoted.csv" "$WORK/events.csv"
fi

# run BIN TASK: one timed run; prints "seconds kilobytes".
run() {
  local bin=$1 task=$2
  case $task in
    validate) set -- "$bin" validate --schema "$SCHEMA" "$WORK/events.csv" ;;
    export) rm -f "$WORK/out.parquet"
      set -- "$bin" export --format parquet --schema "$SCHEMA" "$WORK/events.csv" --out "$WORK/out.parquet" ;;
  esac
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/stderr.txt" \
    || { echo "$bin $task failed:" >&2; tail -5 "$WORK/stderr.txt" >&2; exit 1; }
  tail -1 "$WORK/time.txt"
}
median() { sort -n | sed -n "$(( (REPEAT + 1) / 2 ))p"; }

{
  echo "Input: \`aabc synth --rows $ROWS --seed 1\`$([ "${QUOTED:-0}" = 1 ] && echo ", every cell quoted") ($(du -h "$WORK/events.csv" | cut -f1)); median of $REPEAT alternating runs."
  echo
  echo "| task | old s | new s | new/old | old RSS MB | new RSS MB |"
  echo "|---|---|---|---|---|---|"
  for task in validate export; do
    : >"$WORK/old.txt"; : >"$WORK/new.txt"
    for _ in $(seq "$REPEAT"); do
      run "$OLD" $task >>"$WORK/old.txt"
      run "$NEW" $task >>"$WORK/new.txt"
    done
    o=$(median <"$WORK/old.txt") n=$(median <"$WORK/new.txt")
    om=$(awk '{print $2}' "$WORK/old.txt" | sort -n | tail -1) nm=$(awk '{print $2}' "$WORK/new.txt" | sort -n | tail -1)
    echo "| $task | ${o% *} | ${n% *} | $(awk -v a="${n% *}" -v b="${o% *}" 'BEGIN{printf "%.2f", a/b}') | $((om / 1024)) | $((nm / 1024)) |"
  done
} | tee "$WORK/compare.md"
