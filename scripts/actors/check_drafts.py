#!/usr/bin/env python3
"""Consistency checks for the actor drafts (standard library only).

Run from the repository root:  python3 scripts/actors/check_drafts.py [EVENTS_1X.csv]
(default: dataset/events.csv while it is in the 1.x layout, then scripts/migrate/events.1.x.csv)
Checks: unique ids; types, ACLED codes and countries from the vocabularies;
affiliation only on persons and part_of only on bodies, both pointing at
existing ids; every free-text actor1/actor2/reported_by value of
dataset/events.csv has exactly one alias; every event has one mapping row
whose ids exist and, when the row is not marked changed, equal the alias
mapping of the current values; prisoner rows name existing events.
Prints counts of actors by type.
"""
import collections
import csv
import sys

HERE = "scripts/actors/"
TYPES = {
    "state_forces", "de_facto_state_forces", "government", "de_facto_government",
    "head_of_state_or_government", "official_or_spokesperson",
    "intergovernmental_organisation", "ngo_or_research", "analyst_or_expert",
    "media", "rebel_or_militia", "protesters", "civilians", "other",
}
PERSONS = {"head_of_state_or_government", "official_or_spokesperson", "analyst_or_expert"}
INTER = {"", "1", "2", "3", "4", "5", "6", "7", "8"}
COUNTRIES = {"", "AM", "AZ", "RU", "US", "FR", "GB", "IR", "KZ", "HU", "CA", "IN"}

def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))

def main():
    errors = []
    actors = read(HERE + "actors.draft.csv")
    ids = [a["id"] for a in actors]
    if len(ids) != len(set(ids)):
        errors.append("duplicate actor ids")
    known = set(ids)
    alias = {}
    for a in actors:
        if a["type"] not in TYPES:
            errors.append(f"{a['id']}: unknown type {a['type']}")
        if a["acled_inter"] not in INTER:
            errors.append(f"{a['id']}: bad ACLED code {a['acled_inter']}")
        if a["country"] not in COUNTRIES:
            errors.append(f"{a['id']}: country {a['country']} not in the list")
        if a["affiliation"] and a["type"] not in PERSONS:
            errors.append(f"{a['id']}: affiliation on a body")
        if a["part_of"] and a["type"] in PERSONS:
            errors.append(f"{a['id']}: part_of on a person")
        for ref in (a["affiliation"], a["part_of"]):
            if ref and ref not in known:
                errors.append(f"{a['id']}: unknown reference {ref}")
        if a["origin"] not in ("data", "proposed"):
            errors.append(f"{a['id']}: origin {a['origin']}")
        if (a["origin"] == "data") != bool(a["aliases"]):
            errors.append(f"{a['id']}: aliases must be present exactly for origin=data")
        for s in filter(None, (x.strip() for x in a["aliases"].split(";"))):
            if s in alias:
                errors.append(f"alias {s!r} on {alias[s]} and {a['id']}")
            alias[s] = a["id"]

    # The drafts map the 1.x free text; once dataset/events.csv is in the 2.0 layout, the
    # migration's frozen 1.x input stands in for it (scripts/migrate/README.md).
    path = sys.argv[1] if len(sys.argv) > 1 else "dataset/events.csv"
    events = read(path)
    if events and "actor1" not in events[0] and len(sys.argv) == 1:
        events = read("scripts/migrate/events.1.x.csv")
    mapping = {r["event_id"]: r for r in read(HERE + "event_actors.draft.csv")}
    if set(mapping) != {e["event_id"] for e in events}:
        errors.append("event_actors does not cover exactly the events")
    cols = {"actor1": "actor1_ids", "actor2": "actor2_ids", "reported_by": "reported_by_ids"}
    for e in events:
        m = mapping.get(e["event_id"])
        if m is None:
            continue
        if not m["actor1_ids"]:
            errors.append(f"{e['event_id']}: actor1_ids blank")
        for col in list(cols.values()) + ["mediator_ids"]:
            for i in filter(None, m[col].split(";")):
                if i not in known:
                    errors.append(f"{e['event_id']}: unknown id {i} in {col}")
        for src, dst in cols.items():
            if m[src + "_current"] != e[src]:
                errors.append(f"{e['event_id']}: {src}_current differs from events.csv")
            vals = [v.strip() for v in e[src].split(";") if v.strip()]
            for v in vals:
                if v not in alias:
                    errors.append(f"{e['event_id']}: {src} value {v!r} has no alias")
            expect = ";".join(alias.get(v, "?") for v in vals)
            if not m["changed"] and m[dst] != expect:
                errors.append(f"{e['event_id']}: {dst} differs from the current value but changed is blank")
        if not m["changed"] and m["mediator_ids"]:
            errors.append(f"{e['event_id']}: mediator set but changed is blank")

    ev_ids = {e["event_id"] for e in events}
    for p in read(HERE + "prisoners.draft.csv"):
        if p["event_id"] not in ev_ids:
            errors.append(f"prisoners: unknown event {p['event_id']}")
        for c in ("released_am", "released_az"):
            if p[c] and not p[c].isdigit():
                errors.append(f"prisoners {p['event_id']}: {c} not a count")
    releases = {e["event_id"] for e in events if e["event_type"] == "prisoner_release"}
    missing = releases - {p["event_id"] for p in read(HERE + "prisoners.draft.csv")}
    if missing:
        errors.append(f"prisoner_release events without a prisoners row: {sorted(missing)}")

    by_type = collections.Counter(a["type"] for a in actors)
    for t in sorted(TYPES):
        print(f"{t}: {by_type.get(t, 0)}")
    print(f"total: {len(actors)} ({sum(a['origin'] == 'proposed' for a in actors)} proposed)")
    print(f"events mapped: {len(mapping)}, changed: {sum(bool(m['changed']) for m in mapping.values())}")
    for err in errors:
        print("ERROR:", err, file=sys.stderr)
    return 1 if errors else 0

if __name__ == "__main__":
    sys.exit(main())
