#!/usr/bin/env python3
"""Checks evidence and claims rows (dataset/evidence.csv, dataset/claims.csv, or drafts given
with --evidence/--claims) against the pinned article and dataset/events.csv, the way
`aabc validate` does, for drafting: quotes verbatim (white space normalised), every figure cell
and every date covered, every claim's number in its quote.

    python3 scripts/evidence/check.py [--evidence F] [--claims F] [--events AABC-0001,AABC-0002]
"""
import argparse, csv, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIGURES = ["killed_am_military", "killed_az_military", "killed_civilians", "killed_unknown",
           "killed_total", "wounded_am_military", "wounded_az_military", "wounded_civilians",
           "wounded_unknown", "wounded_total", "captured_am", "captured_az", "released_am",
           "released_az", "displaced"]
SUMS = {"killed_total": FIGURES[0:4], "wounded_total": FIGURES[5:9]}
ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()

def words(n):
    if n < 20: return [ONES[n]]
    if n < 100:
        t, o = divmod(n, 10)
        return [TENS[t]] if o == 0 else [f"{TENS[t]}-{ONES[o]}", f"{TENS[t]} {ONES[o]}"]
    if n < 1000:
        h, r = divmod(n, 100)
        head = f"{ONES[h]} hundred"
        if r == 0: return [head, "a hundred"] if h == 1 else [head]
        return [f"{head} and {w}" for w in words(r)] + [f"{head} {w}" for w in words(r)]
    return []

def contains_number(quote, n):
    q = quote.lower()
    digits = f"{n:,}" if n >= 1000 else str(n)
    if re.search(rf"(?<![\d,.]){re.escape(digits)}(?![\d])", q) or re.search(rf"(?<![\d,.]){n}(?![\d])", q):
        return True
    # A count of one is often carried by the article alone ("an Armenian soldier was killed").
    singular = ["a", "an", "another", "single"] if n == 1 else []
    return any(re.search(rf"\b{re.escape(w)}\b", q) for w in words(n) + singular)

def norm(s):
    return " ".join(s.split())

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--evidence", default=ROOT / "dataset/evidence.csv")
    ap.add_argument("--claims", default=ROOT / "dataset/claims.csv")
    ap.add_argument("--events", help="only these event ids (comma-separated)")
    a = ap.parse_args()
    text = norm((ROOT / "dataset/texts/armenia-azerbaijan-border-crisis.txt").read_text())
    events = {r["event_id"]: r for r in csv.DictReader(open(ROOT / "dataset/events.csv", newline=""))}
    actors = {r["actor_id"] for r in csv.DictReader(open(ROOT / "dataset/actors.csv", newline=""))}
    ev = list(csv.DictReader(open(a.evidence, newline="")))
    cl = list(csv.DictReader(open(a.claims, newline=""))) if Path(a.claims).exists() else []
    only = set(a.events.split(",")) if a.events else set(r["event_id"] for r in ev)
    bad = 0
    def fail(where, msg):
        nonlocal bad
        bad += 1
        print(f"{where}: {msg}")
    by_event, by_id = {}, {}
    for r in ev:
        by_event.setdefault(r["event_id"], []).append(r)
        if r["evidence_id"] in by_id: fail(r["evidence_id"], "duplicate evidence_id")
        by_id[r["evidence_id"]] = r
        if r["event_id"] not in events: fail(r["evidence_id"], f"unknown event {r['event_id']}")
        if norm(r["quote"]) not in text: fail(r["evidence_id"], f"quote not verbatim in the article: {r['quote'][:80]!r}")
        if len(r["quote"]) > 320: fail(r["evidence_id"], f"quote is {len(r['quote'])} characters (at most 320)")
        if r["quote"] != r["quote"].strip(): fail(r["evidence_id"], "quote has leading/trailing space")
        for c in r["claimant_ids"].split(";") if r["claimant_ids"] else []:
            if c not in actors: fail(r["evidence_id"], f"unknown claimant {c}")
    claims_by = {}
    for c in cl:
        claims_by.setdefault((c["event_id"], c["column"]), []).append(c)
        q = by_id.get(c["evidence_id"])
        if not q: fail(c["claim_id"], f"unknown evidence {c['evidence_id']}"); continue
        if q["event_id"] != c["event_id"]: fail(c["claim_id"], "evidence is of another event")
        if not contains_number(q["quote"], int(c["value"])): fail(c["claim_id"], f"quote of {c['evidence_id']} lacks {c['value']}")
        if c["column"] not in q["columns"].split(";"): fail(c["claim_id"], f"{c['evidence_id']} does not name {c['column']}")
        if c["qualifier"] not in ("exact", "at_least", "approximate", "up_to"): fail(c["claim_id"], "bad qualifier")
        if c["claimant_id"] and c["claimant_id"] not in actors: fail(c["claim_id"], "unknown claimant")
    for eid in sorted(only):
        e = events.get(eid)
        if not e: continue
        rows = by_event.get(eid, [])
        named = {c for r in rows for c in r["columns"].split(";")}
        if not rows: fail(eid, "no evidence"); continue
        if "date_start" not in named: fail(eid, "no quote names date_start")
        if e["date_end"] != e["date_start"] and "date_end" not in named: fail(eid, "no quote names date_end")
        for f in FIGURES:
            if not e[f]: continue
            n = int(e[f])
            if f in SUMS:
                parts = [e[p] for p in SUMS[f] if e[p]]
                if parts and sum(map(int, parts)) == n: continue
            if not any(f in r["columns"].split(";") and contains_number(r["quote"], n) for r in rows):
                fail(eid, f"{f} = {n}: no quote names the column and contains the number")
            if cl and not any(c["value"] == e[f] for c in claims_by.get((eid, f), [])):
                fail(eid, f"{f} = {n}: no claim gives this value")
        if any(e[f] for f in FIGURES) and not e["reported_by_ids"]:
            fail(eid, "figures but reported_by_ids blank (use A068 when the article names no one)")
    print(f"{len(only)} event(s), {len(ev)} evidence row(s), {len(cl)} claim(s): {bad} problem(s)")
    sys.exit(1 if bad else 0)

main()
