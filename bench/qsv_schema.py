"""Derives the plain JSON Schema that `qsv validate` needs from schema/events.schema.json.

qsv converts each CSV cell to JSON by the property's `type` alone, so the equivalent schema
states a type for every column: vocabularies become `enum`s, the `;`-separated list columns
strings with a pattern, blank cells `null`. Cross-column rules (dates, totals, keys) have no
JSON Schema equivalent and are left out: qsv checks less than `aabc validate`.

Usage: python3 bench/qsv_schema.py > bench/qsv-events.schema.json
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
src = json.loads((ROOT / "schema" / "events.schema.json").read_text())
props = {}
for name, p in src["properties"].items():
    q = {}
    if "oneOf" in p:
        values = [b["const"] for b in p["oneOf"] if "const" in b]
        nullable = any(b.get("type") == "null" for b in p["oneOf"])
        q["type"] = ["string", "null"] if nullable else "string"
        q["enum"] = values + ([None] if nullable else [])
    elif "array" in (p.get("type") if isinstance(p.get("type"), list) else [p.get("type")]):
        item = p["items"]["pattern"].strip("^$")
        nullable = "null" in p["type"]
        q["type"] = ["string", "null"] if nullable else "string"
        q["pattern"] = f"^{item}(;{item})*$"
    else:
        q["type"] = p["type"]
        for k in ("pattern", "format", "minimum", "maximum", "maxLength"):
            if k in p:
                q[k] = p[k]
    props[name] = q
out = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "AABC event (plain JSON Schema for qsv validate; derived by bench/qsv_schema.py)",
    "type": "object",
    "properties": props,
    "required": list(props),
}
json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
sys.stdout.write("\n")
