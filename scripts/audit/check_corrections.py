#!/usr/bin/env python3
"""Regression checks for the audit corrections of issue 9 (items 10 and 11).

Run from the repository root:  python3 scripts/audit/check_corrections.py [events.csv]
Standard library only. Reads only columns that the 1.x and the 2.0 layouts share, so it
keeps working after the migration. Each check names the entry of corrections.md it guards.
Exits 1 and prints one line per failed check; exits 0 and prints a count otherwise.
"""
import csv
import sys

NEW_ROWS = {
    # id: (date_start, date_precision, event_type, source_ids)
    "AABC-0126": ("2021-07-14", "day", "armed_clash", "S005;S102"),
    "AABC-0127": ("2021-05-01", "month", "statement", "S028"),
    "AABC-0128": ("2022-09-01", "month", "statement", "S028"),
    "AABC-0129": ("2022-09-01", "month", "statement", "S028"),
    "AABC-0130": ("2021-05-01", "month", "statement", "S027"),
    "AABC-0131": ("2021-11-01", "month", "statement", "S025"),
    "AABC-0132": ("2022-09-01", "month", "statement", "S029"),
}


def main(path):
    with open(path, newline="", encoding="utf-8") as f:
        ev = {r["event_id"]: r for r in csv.DictReader(f)}
    fails = []
    n = 0

    def check(cond, what):
        nonlocal n
        n += 1
        if not cond:
            fails.append(what)

    def get(i, col):
        return ev.get(i, {}).get(col)

    # 1: a foreign state force took territory inside Armenia
    check(get("AABC-0093", "acled_sub_event_type") == "Non-state actor overtakes territory",
          "#1 AABC-0093 acled_sub_event_type")
    # 3-5: two-sided artillery fire is a battle
    check((get("AABC-0108", "event_type"), get("AABC-0108", "acled_event_type"),
           get("AABC-0108", "acled_sub_event_type")) == ("armed_clash", "Battles", "Armed clash"),
          "#3-5 AABC-0108 typed as an armed clash")
    # 7: Azerbaijan rejected the claim the same day
    check(get("AABC-0013", "disputed") == "true", "#7 AABC-0013 disputed")
    # 18, 20, 22: a province facing two sections gives no sector
    for i in ("AABC-0036", "AABC-0043", "AABC-0064"):
        check(get(i, "sector") == "", f"#18-22 {i} sector blank")
    # 25-32: the split of 14 July 2021, one figure per place
    check(get("AABC-0030", "wounded_az_military") == "" and get("AABC-0030", "wounded_total") == "1",
          "#27-28 AABC-0030 keeps only the Yeraskh figures")
    check(get("AABC-0126", "wounded_az_military") == "1" and get("AABC-0126", "killed_total") == "",
          "#32 AABC-0126 holds the Heydarabad figure")
    # new rows: dates, types, sources; undated reactions carry an inference in the note
    for i, (start, prec, etype, src) in NEW_ROWS.items():
        r = ev.get(i)
        check(r is not None, f"{i} exists")
        if r is None:
            continue
        check((r["date_start"], r["date_precision"], r["event_type"], r["source_ids"])
              == (start, prec, etype, src), f"{i} date, precision, type or sources")
        if prec == "month":
            check("inferred" in r["notes"], f"{i} note marks the inferred month (policy P2)")
    # notes fixed: no unmarked inference left
    check("hosted by the US" not in (get("AABC-0105", "notes") or "x hosted by the US"),
          "#10 AABC-0105 note")
    check("sentence before" in (get("AABC-0078", "notes") or ""), "#16 AABC-0078 note")
    check("led to the Artsakh Defence Army" not in (get("AABC-0110", "notes") or "led to the Artsakh Defence Army"),
          "#17 AABC-0110 note")
    for r in ev.values():
        if len(r["notes"]) > 400:
            fails.append(f"{r['event_id']} note longer than 400 characters")

    for f in fails:
        print("FAIL:", f, file=sys.stderr)
    print(f"{n - len(fails)} of {n} checks pass")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "dataset/events.csv"))
