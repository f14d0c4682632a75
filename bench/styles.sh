#!/usr/bin/env bash
# Validation speed by schema style (issue 11, item 5): the same validator on schemas written
# three ways, per byte, with qsv validate on the plain ones as the peer.
#
#   own    schema/events.schema.json: vocabularies as oneOf of consts, list columns, x-rules
#   plain  bench/qsv-events.schema.json: the same columns in plain keywords (type unions with
#          null, enum, pattern for the lists), as bench/qsv_schema.py derives it; same input
#   floats bench/floats.schema.json: number columns with fractions, format date and date-time,
#          enum, pattern, lengths and bounds; its own input, from `aabc synth` on that schema
#
#   bash bench/styles.sh                      # 1,000,000 rows each, median of 3 runs
#   ROWS=200000 REPEAT=1 bash bench/styles.sh # a quick look
#   BASE=/tmp/old/aabc bash bench/styles.sh   # also an older build, run for run in alternation
#
# Needs GNU time (installed from Debian when missing). qsv is bench/.tools/bin/qsv when
# bench/run.sh has built it (QSV=path to use another; QSV=none to skip it). Prints a Markdown
# table (also written to $WORK/styles.md); the last column is each style's time per byte over
# the own schema's, for the same tool (the goal: at most 1.20).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ROWS=${ROWS:-1000000}
REPEAT=${REPEAT:-3}
WORK=${WORK:-$(mktemp -d)}
QSV=${QSV:-$ROOT/bench/.tools/bin/qsv}
BASE=${BASE:-}
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
if [ -z "${AABC:-}" ]; then
  cargo build --release --locked -q
  AABC=${CARGO_TARGET_DIR:-$ROOT/target}/release/aabc
fi
mkdir -p "$WORK"
echo "work directory: $WORK" >&2
"$AABC" synth --rows "$ROWS" --seed 1 --out "$WORK/events.csv" >/dev/null
"$AABC" synth --rows "$ROWS" --seed 1 --schema bench/floats.schema.json --out "$WORK/floats.csv" >/dev/null
# qsv writes next to its input: it gets copies.
cp "$WORK/events.csv" "$WORK/qsv-events.csv"
cp "$WORK/floats.csv" "$WORK/qsv-floats.csv"

declare -A SCHEMA=(
  [own]=$ROOT/schema/events.schema.json
  [plain]=$ROOT/bench/qsv-events.schema.json
  [floats]=$ROOT/bench/floats.schema.json
)
declare -A INPUT=([own]=events [plain]=events [floats]=floats)
STYLES=(own plain floats)
tools=(aabc)
[ -n "$BASE" ] && tools+=(base)
[ "$QSV" != none ] && [ -x "$QSV" ] && tools+=(qsv)

# run TOOL STYLE: one timed run, "seconds kilobytes" appended to $WORK/TOOL-STYLE.txt. Exit 1
# (problems found) counts as a run; anything else is a failure.
run() {
  local tool=$1 style=$2 code=0
  case $tool in
    aabc) set -- "$AABC" validate --schema "${SCHEMA[$style]}" "$WORK/${INPUT[$style]}.csv" ;;
    base) set -- "$BASE" validate --schema "${SCHEMA[$style]}" "$WORK/${INPUT[$style]}.csv" ;;
    qsv) set -- "$QSV" validate "$WORK/qsv-${INPUT[$style]}.csv" "${SCHEMA[$style]}" ;;
  esac
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt" || code=$?
  if [ "$code" -gt 1 ]; then
    echo "$tool $style failed ($code):" >&2; tail -3 "$WORK/err.txt" >&2
    echo "nan 0" >>"$WORK/$tool-$style.txt"
  else
    tail -1 "$WORK/time.txt" >>"$WORK/$tool-$style.txt"
  fi
}
rm -f "$WORK"/*-*.txt
for _ in $(seq "$REPEAT"); do
  for style in "${STYLES[@]}"; do
    for tool in "${tools[@]}"; do
      [ "$tool" = qsv ] && [ "$style" = own ] && continue  # qsv cannot read oneOf vocabularies as text
      run "$tool" "$style"
    done
  done
done
median() { sort -g | sed -n "$(( (REPEAT + 1) / 2 ))p"; }
mb() { du -b "$WORK/$1.csv" | awk '{printf "%.1f", $1 / 1e6}'; }
{
  echo "Run of $(date -u +%Y-%m-%d) at commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src Cargo.toml || echo ' (with uncommitted changes)') on $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $("$AABC" --version)$([ -n "$BASE" ] && echo "; base: $("$BASE" --version)")$(printf '%s ' "${tools[@]}" | grep -q qsv && echo "; $("$QSV" --version | head -1 | cut -d' ' -f1-2)")."
  echo "Input: \`aabc synth --rows $ROWS --seed 1\` (events, $(mb events) MB) and the same on bench/floats.schema.json (floats, $(mb floats) MB); median of $REPEAT runs."
  echo
  echo "| schema style | tool | input | wall s | rows/s | MB/s | peak RSS MB | time per byte / own schema's |"
  echo "|---|---|---|---|---|---|---|---|"
  for tool in "${tools[@]}"; do
    for style in "${STYLES[@]}"; do
      f=$WORK/$tool-$style.txt
      [ -f "$f" ] || continue
      m=$(median <"$f")
      s=${m% *}
      rss=$(awk '{print $2}' "$f" | sort -n | tail -1)
      own=$WORK/$tool-own.txt
      input=${INPUT[$style]}
      mbs=$(awk -v b="$(du -b "$WORK/$input.csv" | cut -f1)" -v s="$s" 'BEGIN{printf "%.1f", b / 1e6 / s}')
      ratio=""
      if [ -f "$own" ]; then
        os=$(median <"$own"); os=${os% *}
        ratio=$(awk -v b="$(du -b "$WORK/$input.csv" | cut -f1)" -v s="$s" -v ob="$(du -b "$WORK/events.csv" | cut -f1)" -v os="$os" 'BEGIN{printf "%.2f", (s / b) / (os / ob)}')
      fi
      echo "| $style | $tool | $input | $s | $(awk -v r="$ROWS" -v s="$s" 'BEGIN{printf "%\047d", r / s}') | $mbs | $((rss / 1024)) | $ratio |"
    done
  done
} | tee "$WORK/styles.md"
