#!/usr/bin/env bash
# CSV → Parquet (zstd) against polars' eager `read_csv(...).write_parquet(...)`, the way a data
# scientist writes it, run for run in alternation on the same generated file so that a noisy,
# shared machine slows both alike. Prints the median wall time of each, the ratio aabc/polars,
# and whether the two Parquet files read back to the same values (pyarrow, by column name).
#
#   bash bench/polars.sh                      # 1,000,000 rows, 7 alternating runs each
#   ROWS=200000 REPEAT=3 bash bench/polars.sh # a quick look
#
# Needs the Python readers of the interoperability tests (bash tests/interop/setup.sh).
# Prints a Markdown table (also written to $WORK/polars.md).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-1000000}
REPEAT=${REPEAT:-7}
WORK=${WORK:-$(mktemp -d)}
PY=$(pwd)/.venv/bin/python
[ -x "$PY" ] || { echo "run bash tests/interop/setup.sh first" >&2; exit 2; }
cargo build --release --locked -q
AABC=$(pwd)/target/release/aabc
SCHEMA=$(pwd)/schema/events.schema.json
mkdir -p "$WORK"
"$AABC" synth --rows "$ROWS" --seed 1 --out "$WORK/events.csv"

# Wall seconds of one run of the command, to the millisecond.
wall() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

: >"$WORK/aabc.times"
: >"$WORK/polars.times"
for _ in $(seq "$REPEAT"); do
  wall "$AABC" export --format parquet --schema "$SCHEMA" "$WORK/events.csv" \
    --out "$WORK/aabc.parquet" 2>/dev/null >>"$WORK/aabc.times"
  wall "$PY" bench/peers.py polars-eager "$WORK/events.csv" "$WORK/polars.parquet" \
    >>"$WORK/polars.times"
done

median() { sort -n "$1" | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m}'; }
A=$(median "$WORK/aabc.times")
P=$(median "$WORK/polars.times")
RATIO=$(echo "$A / $P" | bc -l | xargs printf "%.2f")
SAME=$("$PY" - "$WORK/aabc.parquet" "$WORK/polars.parquet" <<'EOF'
import sys
import pyarrow.parquet as pq
a, p = (pq.read_table(f) for f in sys.argv[1:3])
names = [n for n in a.column_names if n in p.column_names]
def values(t, n):
    # polars reads a list cell as its text: compare lists joined by the schema's ";".
    c = t.column(n)
    if str(c.type).startswith("dictionary"):
        c = c.cast(c.type.value_type)
    return [None if v is None else ";".join(map(str, v)) if isinstance(v, list) else str(v)
            for v in c.to_pylist()]
diff = [n for n in names if values(a, n) != values(p, n)]
print("same values in every column" if not diff else "differ in: " + ", ".join(diff))
EOF
)
{
  echo "| task | aabc s | polars s | aabc / polars | read back |"
  echo "|---|---|---|---|---|"
  echo "| CSV → Parquet (zstd), $ROWS rows, median of $REPEAT alternating runs | $A | $P | **$RATIO** | $SAME |"
} | tee "$WORK/polars.md"
