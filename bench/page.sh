#!/usr/bin/env bash
# The dataset's page (issue 10): size of index.html and time to interactive in headless
# Chromium, for the real dataset and for synthetic ones of 125, 1,000 and 10,000 events (the goal:
# interactive within 1 s at 10,000 events).
#
#   bash bench/page.sh                 # the real dataset; 125, 1,000 and 10,000 events
#   SIZES="10000 50000" bash bench/page.sh
#   FORMAT=6 bash bench/page.sh        # every page in release format 6 (the page for everyone)
#
# Time to interactive is from the navigation until the page's script has run (the filters,
# search, sort and permalinks work), median of three fresh loads (`tests/browser/test.mjs tti`).
# The synthetic events come from `aabc synth --seed 1`, their place, actor and source ids
# pointed at the dataset's own, as tests/it/browser.rs does. Needs Chromium and playwright-core:
# `bash tests/browser/setup.sh`. Prints a Markdown table (also written to $WORK/page.md).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SIZES=${SIZES:-125 1000 10000}
FORMAT=${FORMAT:-}
WORK=${WORK:-$(mktemp -d)}
mkdir -p "$WORK"
if [ -z "${AABC:-}" ]; then
  cargo build --release --locked -q
  AABC=${CARGO_TARGET_DIR:-$ROOT/target}/release/aabc
fi
[ -d tests/browser/node_modules/playwright-core ] || bash tests/browser/setup.sh

# Sets the release format of the dataset at $1 to $FORMAT, when given.
set_format() {
  [ -n "$FORMAT" ] || return 0
  python3 - "$1/dataset/dataset.json" "$FORMAT" <<'PY'
import json, sys
path, fmt = sys.argv[1], int(sys.argv[2])
with open(path) as f:
    meta = json.load(f)
meta["release_format"] = fmt
with open(path, "w") as f:
    json.dump(meta, f, indent=2, ensure_ascii=False)
    f.write("\n")
PY
}

# A copy of the dataset (data, schemas, changelog) at $1.
copy_dataset() {
  rm -rf "$1"
  mkdir -p "$1"
  cp -r dataset schema CHANGELOG.md "$1/"
  [ -f LICENSE.md ] && cp LICENSE.md "$1/"
  set_format "$1"
}

# One row of the table: events, bytes of index.html, what tti said.
measure() {
  local label=$1 repo=$2 site=$WORK/site-$1
  rm -rf "$site"
  "$AABC" site --root "$repo" --out "$site" >/dev/null
  local bytes said
  bytes=$(wc -c <"$site/index.html")
  said=$(node tests/browser/test.mjs tti "$site" | grep '^time to interactive')
  printf '| %s | %s | %s |\n' "$label" "$bytes" "${said#time to interactive: }"
}

out=$WORK/page.md
{
  echo "| events | index.html bytes | time to interactive |"
  echo "|---|---|---|"
  copy_dataset "$WORK/repo-dataset"
  measure "$(($(wc -l <dataset/events.csv) - 1)) (the dataset)" "$WORK/repo-dataset"
  for n in $SIZES; do
    repo=$WORK/repo-$n
    copy_dataset "$repo"
    "$AABC" synth --rows "$n" --seed 1 --out "$WORK/synth-$n.csv" >/dev/null 2>&1
    python3 - "$repo/dataset" "$WORK/synth-$n.csv" <<'PY'
import csv, sys
dataset, synth = sys.argv[1], sys.argv[2]
def ids(name, key):
    with open(f"{dataset}/{name}", newline="") as f:
        return [r[key] for r in csv.DictReader(f)]
pools = {"place_ids": ids("places.csv", "place_id"), "source_ids": ids("sources.csv", "source_id")}
actors = ids("actors.csv", "actor_id")
for c in ("actor1_ids", "actor2_ids", "mediator_ids", "reported_by_ids"):
    pools[c] = actors
with open(synth, newline="") as f:
    rows = csv.reader(f)
    header = next(rows)
    with open(f"{dataset}/events.csv", "w", newline="") as o:
        w = csv.writer(o, lineterminator="\n")
        w.writerow(header)
        for n, r in enumerate(rows):
            for c, name in enumerate(header):
                pool = pools.get(name)
                if pool and r[c]:
                    r[c] = pool[(n * 7 + c) % len(pool)]
            w.writerow(r)
PY
    measure "$n" "$repo"
  done
} | tee "$out"
