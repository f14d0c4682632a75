#!/usr/bin/env bash
# Benchmarks aabc against the tools users already have, on the same generated file and in one
# run, so that ratios hold on a shared, noisy machine (absolute times drift).
#
#   bash bench/run.sh            # 1,000,000 rows; peak RSS also at 10,000,000 rows
#   ROWS=200000 BIG=0 bash bench/run.sh   # a quick run, no 10M file
#
# Needs: the Rust toolchain; the Python readers of the interoperability tests
# (bash tests/interop/setup.sh); GNU time; cmake (to build qsv). Missing pieces are installed
# from the package registries: qsv's source from crates.io, built into bench/.tools (once).
# Prints a Markdown report and writes it to $WORK/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ROWS=${ROWS:-1000000}
BIG=${BIG:-10000000}
REPEAT=${REPEAT:-3}
WORK=${WORK:-$(mktemp -d)}
# The newest qsv release. It builds from its crates.io source once one call is removed: its
# `qsv json` command calls Json2Csv::preserve_key_order, which the crates.io release of
# json-objects-to-csv lacks (qsv builds against a patched copy that `cargo install` does not
# apply); the benchmark does not use `qsv json` (see BENCHMARKS.md).
QSV_VERSION=${QSV_VERSION:-16.1.0}

need_apt() { command -v "$1" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
need_apt cmake cmake
cargo build --release --locked -q
AABC=$ROOT/target/release/aabc
[ -x .venv/bin/python ] || bash tests/interop/setup.sh
PY=$ROOT/.venv/bin/python
FRICTIONLESS=$ROOT/.venv/bin/frictionless
QSV=$ROOT/bench/.tools/bin/qsv
if [ ! -x "$QSV" ] || ! "$QSV" --version 2>/dev/null | grep -q "^qsv $QSV_VERSION"; then
  echo "building qsv $QSV_VERSION (once; about an hour on 2 cores)…" >&2
  src=$(mktemp -d)
  curl -sSfL "https://static.crates.io/crates/qsv/qsv-$QSV_VERSION.crate" | tar -xz -C "$src"
  sed -i 's/\.preserve_key_order(true)//' "$src/qsv-$QSV_VERSION/src/cmd/json.rs"
  (cd "$src/qsv-$QSV_VERSION" &&
    nice cargo install --path . --locked --features feature_capable --root "$ROOT/bench/.tools" -q)
  rm -rf "$src"
fi

mkdir -p "$WORK"
echo "work directory: $WORK" >&2
"$AABC" synth --rows "$ROWS" --seed 1 --out "$WORK/events.csv"
head -n 100001 "$WORK/events.csv" > "$WORK/events-100k.csv"
# The Frictionless Table Schema of events, as the release bundle states it.
"$AABC" release --out "$WORK/dist" >/dev/null
"$PY" - "$WORK" <<'PY'
import json, pathlib, sys
work = pathlib.Path(sys.argv[1])
dp = json.loads(next(work.glob("dist/*/datapackage.json")).read_text())
schema = next(r["schema"] for r in dp["resources"] if r["name"] == "events")
schema.pop("foreignKeys", None)
(work / "events.tableschema.json").write_text(json.dumps(schema))
PY

# measure NAME OUTPUT CMD…: median wall time of REPEAT runs, peak RSS, output size (OUTPUT is
# a file or directory under $WORK that the command writes, or - for none).
declare -A WALL RSS SIZE
measure() {
  local name=$1 out=$2; shift 2
  local times=()
  for _ in $(seq "$REPEAT"); do
    case "$out" in "$WORK"/*) rm -rf "$out" ;; esac
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" >"$WORK/stdout.txt" 2>"$WORK/stderr.txt" || {
      echo "$name failed:" >&2; tail -5 "$WORK/stderr.txt" >&2; }
    times+=("$(cat "$WORK/time.txt" | tail -1)")
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (REPEAT + 1) / 2 ))p")
  WALL[$name]=${median% *}
  RSS[$name]=$(( ${median#* } / 1024 ))
  SIZE[$name]=$(case "$out" in "$WORK"/*) du -sb "$out" | cut -f1 ;; esac)
  echo "$name: ${WALL[$name]} s, ${RSS[$name]} MB" >&2
}

SCHEMA=$ROOT/schema/events.schema.json
cp "$WORK/events.csv" "$WORK/qsv-input.csv"
measure aabc_validate - "$AABC" validate --schema "$SCHEMA" "$WORK/events.csv"
measure qsv_validate - "$QSV" validate "$WORK/qsv-input.csv" "$ROOT/bench/qsv-events.schema.json"
measure aabc_validate_100k - "$AABC" validate --schema "$SCHEMA" "$WORK/events-100k.csv"
measure frictionless_validate_100k - bash -c "cd \"$WORK\" && \"$FRICTIONLESS\" validate --schema events.tableschema.json events-100k.csv"
measure aabc_export "$WORK/aabc.parquet" "$AABC" export --format parquet --schema "$SCHEMA" "$WORK/events.csv" --out "$WORK/aabc.parquet"
measure duckdb_export "$WORK/duckdb.parquet" "$PY" bench/peers.py duckdb "$WORK/events.csv" "$WORK/duckdb.parquet"
measure pyarrow_export "$WORK/pyarrow.parquet" "$PY" bench/peers.py pyarrow "$WORK/events.csv" "$WORK/pyarrow.parquet"
measure polars_export "$WORK/polars.parquet" "$PY" bench/peers.py polars "$WORK/events.csv" "$WORK/polars.parquet"
measure aabc_release "$WORK/rel" "$AABC" release --out "$WORK/rel"
if [ "$BIG" -gt 0 ]; then
  "$AABC" synth --rows "$BIG" --seed 1 --out "$WORK/big.csv"
  REPEAT=1 measure aabc_validate_big - "$AABC" validate --schema "$SCHEMA" "$WORK/big.csv"
  REPEAT=1 measure aabc_export_big "$WORK/big.parquet" "$AABC" export --format parquet --schema "$SCHEMA" "$WORK/big.csv" --out "$WORK/big.parquet"
  rm -f "$WORK/big.csv"
fi

ratio() { "$PY" -c "print(f'{$1 / $2:.2f}')"; }
rate() { "$PY" -c "print(f'{$1 / $2:,.0f}')"; }
{
  echo "## Run of $(date -u +%Y-%m-%d) on $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
  echo
  echo "Input: \`aabc synth --rows $ROWS --seed 1\` ($(du -h "$WORK/events.csv" | cut -f1)); median of $REPEAT runs."
  echo "Versions: $("$AABC" --version); qsv $QSV_VERSION; $("$PY" -c 'import duckdb, pyarrow, polars, frictionless; print(f"DuckDB {duckdb.__version__}, pyarrow {pyarrow.__version__}, polars {polars.__version__}, frictionless {frictionless.__version__}")')."
  echo
  echo "| task | tool | wall s | rows/s | peak RSS MB | output bytes | aabc is … faster |"
  echo "|---|---|---|---|---|---|---|"
  for t in aabc_validate qsv_validate; do
    echo "| validate $ROWS rows | ${t%_validate} | ${WALL[$t]} | $(rate "$ROWS" "${WALL[$t]}") | ${RSS[$t]} | | $(ratio "${WALL[$t]}" "${WALL[aabc_validate]}")× |"
  done
  for t in aabc_validate_100k frictionless_validate_100k; do
    echo "| validate 100,000 rows | ${t%_validate_100k} | ${WALL[$t]} | $(rate 100000 "${WALL[$t]}") | ${RSS[$t]} | | $(ratio "${WALL[$t]}" "${WALL[aabc_validate_100k]}")× |"
  done
  for t in aabc_export duckdb_export pyarrow_export polars_export; do
    echo "| CSV → Parquet (zstd), $ROWS rows | ${t%_export} | ${WALL[$t]} | $(rate "$ROWS" "${WALL[$t]}") | ${RSS[$t]} | ${SIZE[$t]} ($(ratio "${SIZE[$t]}" "${SIZE[aabc_export]}")× aabc's) | $(ratio "${WALL[$t]}" "${WALL[aabc_export]}")× |"
  done
  echo "| full release of the real dataset | aabc | ${WALL[aabc_release]} | | ${RSS[aabc_release]} | | |"
  if [ "$BIG" -gt 0 ]; then
    echo "| validate $BIG rows | aabc | ${WALL[aabc_validate_big]} | $(rate "$BIG" "${WALL[aabc_validate_big]}") | ${RSS[aabc_validate_big]} | | |"
    echo "| CSV → Parquet, $BIG rows | aabc | ${WALL[aabc_export_big]} | $(rate "$BIG" "${WALL[aabc_export_big]}") | ${RSS[aabc_export_big]} | ${SIZE[aabc_export_big]} | |"
  fi
} | tee "$WORK/results.md"

# Validation by schema style (the project's own, the plain derived one, floats and dates).
echo >&2
AABC=$AABC QSV=$QSV ROWS=$ROWS REPEAT=$REPEAT WORK=$WORK/styles bash bench/styles.sh | tee -a "$WORK/results.md"
