#!/usr/bin/env python3
"""Migrate the event table from the 1.x layout to dataset 2.0 (standard library only).

Reads a 1.x events.csv and the drafts that map its free text to ids:

  scripts/places/event_places.draft.csv   event_id -> place_ids
  scripts/actors/event_actors.draft.csv   event_id -> actor1_ids, actor2_ids, mediator_ids,
                                          reported_by_ids (with the 1.x text repeated)
  scripts/actors/actors.draft.csv         the actors, with the 1.x strings (aliases) they replace
  scripts/actors/prisoners.draft.csv      released_am, released_az per event
  dataset/places.csv                      the places (to check every place id and country)

and writes the 2.0 dataset/events.csv (columns in the order of schema/events.schema.json) and
dataset/actors.csv (columns of schema/actors.schema.json). The mapping is documented in
scripts/migrate/README.md.

A missing or unreadable input stops it with exit 2. It refuses (exit 1, one line per problem,
nothing written) when the drafts and the events
disagree: an event id a draft names but the events lack, an event without an actor mapping,
a 1.x actor string that no longer matches the draft, an unknown actor or place id, a place in
another country than the row's, a prisoner_release row without counts, and so on. Same inputs,
same bytes: rerun it after editing the 1.x file or the drafts.

Usage (from the repository root):
  python3 scripts/migrate/to_2_0.py                       # scripts/migrate/events.1.x.csv -> dataset/
  python3 scripts/migrate/to_2_0.py --events OLD.csv      # another 1.x file
  python3 scripts/migrate/to_2_0.py --check               # exit 1 if dataset/ is not the migration
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
DEFAULTS = {
    "events": REPO / "scripts/migrate/events.1.x.csv",
    "event_places": REPO / "scripts/places/event_places.draft.csv",
    "event_actors": REPO / "scripts/actors/event_actors.draft.csv",
    "actors": REPO / "scripts/actors/actors.draft.csv",
    "prisoners": REPO / "scripts/actors/prisoners.draft.csv",
    "places": REPO / "dataset/places.csv",
    "schema": REPO / "schema",
    "out": REPO / "dataset",
}

# 1.x columns that 2.0 removes: their content moves to place_ids and the actor id columns.
REMOVED = ["country", "admin1", "admin1_code", "location", "actor1", "actor2", "reported_by"]
# 1.x free-text actor column -> 2.0 id column (the draft's *_current repeats the 1.x text).
ACTOR_COLUMNS = {"actor1": "actor1_ids", "actor2": "actor2_ids", "reported_by": "reported_by_ids"}
ID_COLUMNS = ["actor1_ids", "actor2_ids", "mediator_ids", "reported_by_ids"]
RELEASE_TYPE = "prisoner_release"
# A 1.x row that names only a country (no location, no admin1) and no place in the draft keeps
# its country through a place that stands for it: the country itself (no coordinates), or,
# for a row in the nagorno_karabakh sector, the Nagorno-Karabakh region.
COUNTRY_PLACES = {"AM": "am-armenia", "AZ": "az-azerbaijan"}
SECTOR_PLACES = {"nagorno_karabakh": "az-nagorno-karabakh"}


class Refused(Exception):
    """The inputs disagree; `problems` says where and how."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def read(path: Path) -> tuple[list[str], list[dict]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            return list(reader.fieldnames or []), list(reader)
    except OSError as exc:
        # Could not run (as aabc: exit 2), unlike inputs that disagree (exit 1).
        print(f"to_2_0: cannot read {path}: {exc.strerror}", file=sys.stderr)
        raise SystemExit(2) from None


def schema_columns(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return list(json.load(fh)["properties"])


def split(cell: str) -> list[str]:
    return [x for x in cell.split(";") if x] if cell else []


def text_items(cell: str) -> list[str]:
    """Items of a 1.x free-text list ('; '-separated)."""
    return [v.strip() for v in cell.split(";") if v.strip()]


def migrate(inputs: dict[str, tuple[list[str], list[dict]]], events_columns: list[str],
            actor_columns: list[str]) -> tuple[list[dict], list[dict], list[str]]:
    """Returns (2.0 event rows, actor rows, notes); raises Refused listing every problem."""
    problems: list[str] = []
    notes: list[str] = []
    header, events = inputs["events"]
    need = ["event_id", "event_type", "sector", "casualty_estimate", *REMOVED]
    kept = [c for c in events_columns if c in header]
    missing = [c for c in need if c not in header]
    if missing or "place_ids" in header:
        what = f"lacks {missing}" if missing else "already has place_ids"
        raise Refused([f"events: not a 1.x events file: the header {what}"])
    unknown = [c for c in header if c not in events_columns and c not in REMOVED]
    if unknown:
        problems.append(f"events: columns {unknown} have no place in 2.0; see scripts/migrate/README.md")

    by_id: dict[str, dict] = {}
    for line, e in enumerate(events, start=2):
        if e["event_id"] in by_id:
            problems.append(f"events line {line}: event_id {e['event_id']} repeated")
        by_id[e["event_id"]] = e

    # Actors: ids, references between them, and the 1.x strings they replace.
    _, actors = inputs["actors"]
    actor_ids = [a["id"] for a in actors]
    known = set(actor_ids)
    alias: dict[str, str] = {}
    for a in actors:
        if actor_ids.count(a["id"]) > 1:
            problems.append(f"actors.draft: id {a['id']} repeated")
        for ref in ("affiliation", "part_of"):
            if a[ref] and a[ref] not in known:
                problems.append(f"actors.draft {a['id']}: {ref} {a[ref]} is not an actor id")
        for s in text_items(a["aliases"]):
            if s in alias and alias[s] != a["id"]:
                problems.append(f"actors.draft: the 1.x string {s!r} is an alias of {alias[s]} and {a['id']}")
            alias[s] = a["id"]

    # Places.
    _, places = inputs["places"]
    place = {p["place_id"]: p for p in places}
    _, links = inputs["event_places"]
    place_ids: dict[str, list[str]] = {}
    for ln in links:
        eid = ln["event_id"]
        if eid not in by_id:
            problems.append(f"event_places.draft: {eid} is not an event of the 1.x file")
            continue
        if eid in place_ids:
            problems.append(f"event_places.draft: {eid} has two rows")
        ids = split(ln["place_ids"])
        if not ids or len(ids) != len(set(ids)):
            problems.append(f"event_places.draft {eid}: place_ids blank or repeating a place")
        for pid in ids:
            if pid not in place:
                problems.append(f"event_places.draft {eid}: {pid} is not a place_id of places.csv")
        place_ids[eid] = ids

    # Actor mappings.
    _, mappings = inputs["event_actors"]
    mapped: dict[str, dict] = {}
    for m in mappings:
        eid = m["event_id"]
        if eid not in by_id:
            problems.append(f"event_actors.draft: {eid} is not an event of the 1.x file")
            continue
        if eid in mapped:
            problems.append(f"event_actors.draft: {eid} has two rows")
        mapped[eid] = m

    # Released prisoners.
    _, prisoners = inputs["prisoners"]
    released: dict[str, dict] = {}
    for p in prisoners:
        eid = p["event_id"]
        e = by_id.get(eid)
        if e is None:
            problems.append(f"prisoners.draft: {eid} is not an event of the 1.x file")
            continue
        if p["event_type"] != e["event_type"]:
            problems.append(f"prisoners.draft {eid}: event_type {p['event_type']} but the event is {e['event_type']}")
            continue
        for c in ("released_am", "released_az"):
            if p[c] and not (p[c].isdigit() and (p[c] == "0" or not p[c].startswith("0"))):
                problems.append(f"prisoners.draft {eid}: {c} {p[c]!r} is not a count")
        if e["event_type"] != RELEASE_TYPE:
            given = ", ".join(f"{c} {p[c]}" for c in ("released_am", "released_az") if p[c])
            notes.append(f"{eid}: not carried ({given}): the row is a {e['event_type']} row, and released "
                         f"counts go only on {RELEASE_TYPE} rows; its notes keep the release")
            continue
        released[eid] = p

    out_events = []
    for e in events:
        eid = e["event_id"]
        row = {c: e[c] for c in kept}
        # Places.
        if eid in place_ids:
            ids = place_ids[eid]
            primary = place.get(ids[0]) if ids else None
            if e["country"] and primary and primary["country"] != e["country"]:
                problems.append(f"{eid}: 1.x country {e['country']} but the primary place {ids[0]} is in {primary['country']}")
        elif e["location"] or e["admin1"] or e["admin1_code"]:
            problems.append(f"{eid}: the 1.x row names a place ({e['location'] or e['admin1'] or e['admin1_code']}) "
                            "but event_places.draft has no row for it: add one")
            ids = []
        elif e["country"]:
            pid = SECTOR_PLACES.get(e["sector"]) or COUNTRY_PLACES.get(e["country"])
            if pid is None or pid not in place or place[pid]["country"] != e["country"]:
                problems.append(f"{eid}: the 1.x row names only the country {e['country']} and no place stands "
                                "for it: add an event_places.draft row")
                ids = []
            else:
                ids = [pid]
        else:
            ids = []
        row["place_ids"] = ";".join(ids)
        # Actors.
        m = mapped.get(eid)
        if m is None:
            problems.append(f"{eid}: event_actors.draft has no row for it: add one")
            m = {c: "" for c in ID_COLUMNS}
        else:
            for src, dst in ACTOR_COLUMNS.items():
                if m[src + "_current"] != e[src]:
                    problems.append(f"{eid}: {src} is {e[src]!r} in the 1.x file but {m[src + '_current']!r} in "
                                    f"event_actors.draft ({src}_current): update the draft")
                    continue
                vals = text_items(e[src])
                for v in vals:
                    if v not in alias:
                        problems.append(f"{eid}: the 1.x {src} value {v!r} is no actor's alias in actors.draft")
                expect = ";".join(alias.get(v, "?") for v in vals)
                if not m["changed"] and m[dst] != expect:
                    problems.append(f"{eid}: {dst} {m[dst]!r} differs from the 1.x {src} ({expect!r}) "
                                    "but the draft's changed column does not say why")
            if not m["actor1_ids"]:
                problems.append(f"{eid}: actor1_ids is blank in event_actors.draft")
            if m["mediator_ids"] and not m["changed"]:
                problems.append(f"{eid}: mediator_ids set but the draft's changed column does not say why")
            for c in ID_COLUMNS:
                ids_c = split(m[c])
                if len(ids_c) != len(set(ids_c)):
                    problems.append(f"{eid}: {c} repeats an actor")
                for i in ids_c:
                    if i not in known:
                        problems.append(f"{eid}: {c} names {i}, which is not an actor id")
        for c in ID_COLUMNS:
            row[c] = m[c]
        # Released prisoners.
        p = released.get(eid)
        row["released_am"] = p["released_am"] if p else ""
        row["released_az"] = p["released_az"] if p else ""
        if e["event_type"] == RELEASE_TYPE and p is None:
            problems.append(f"{eid}: a {RELEASE_TYPE} row without a prisoners.draft row (blank counts need a row too)")
        if p and (p["released_am"] or p["released_az"]) and not e["casualty_estimate"]:
            row["casualty_estimate"] = "exact"
            notes.append(f"{eid}: casualty_estimate set to exact (its only figures are the release counts)")
        out_events.append({c: row.get(c, "") for c in events_columns})

    out_actors = [
        {"actor_id": a["id"], **{c: a.get(c, "") for c in actor_columns if c != "actor_id"}}
        for a in sorted(actors, key=lambda a: a["id"])
    ]
    missing_cols = [c for c in actor_columns if c != "actor_id" and c not in (actors[0] if actors else {})]
    if missing_cols:
        problems.append(f"actors.draft: lacks the columns {missing_cols}")
    if problems:
        raise Refused(problems)
    return out_events, out_actors, notes


def render(columns: list[str], rows: list[dict]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for key, default in DEFAULTS.items():
        ap.add_argument(f"--{key.replace('_', '-')}", type=Path, default=default,
                        help=f"default: {default.relative_to(REPO)}")
    ap.add_argument("--check", action="store_true",
                    help="compare with the files in --out instead of writing them")
    args = ap.parse_args(argv)
    inputs = {k: read(getattr(args, k)) for k in
              ("events", "event_places", "event_actors", "actors", "prisoners", "places")}
    events_columns = schema_columns(args.schema / "events.schema.json")
    actor_columns = schema_columns(args.schema / "actors.schema.json")
    try:
        events, actors, notes = migrate(inputs, events_columns, actor_columns)
    except Refused as r:
        print(f"to_2_0: refused, nothing written ({len(r.problems)} problem(s)):", file=sys.stderr)
        for p in r.problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    for n in notes:
        print(f"to_2_0: note: {n}", file=sys.stderr)
    outputs = {args.out / "events.csv": render(events_columns, events),
               args.out / "actors.csv": render(actor_columns, actors)}
    if args.check:
        stale = [p for p, data in outputs.items() if not p.exists() or p.read_bytes() != data]
        for p in stale:
            print(f"to_2_0: {p} is not the migration of {args.events}; rerun scripts/migrate/to_2_0.py",
                  file=sys.stderr)
        if not stale:
            print(f"to_2_0: {', '.join(str(p) for p in outputs)} up to date ({len(events)} events, {len(actors)} actors)")
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for p, data in outputs.items():
        p.write_bytes(data)
    print(f"to_2_0: wrote {len(events)} events and {len(actors)} actors to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
