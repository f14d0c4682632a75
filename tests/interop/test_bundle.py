"""Loads a real release bundle with independent readers and checks what users rely on.

The bundle directory comes from AABC_BUNDLE (tests/interop.rs builds one and runs this file).
"""
import csv
import datetime
import hashlib
import json
import os
import pathlib
import shutil
import subprocess

import duckdb
import frictionless
import jsonschema
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

BUNDLE = pathlib.Path(os.environ["AABC_BUNDLE"])
META = json.loads((BUNDLE / "dataset.json").read_text())
TABLES = [r["name"] for r in META["resources"]]
EVENT_SCHEMA = json.loads((BUNDLE / "schema" / "events.schema.json").read_text())
COUNTS = [n for n, p in EVENT_SCHEMA["properties"].items() if "integer" in p.get("type", [])]
VOCABULARIES = [n for n, p in EVENT_SCHEMA["properties"].items() if "oneOf" in p]


def csv_rows(table):
    with open(BUNDLE / f"{table}.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# The offensive of 12 September 2022, as the article gives it.
OFFENSIVE = {"date_start": "2022-09-12", "event_type": "offensive", "killed_am_military": 105,
             "killed_az_military": 71, "displaced": 7600, "casualty_estimate": "at_least"}


def the_offensive(rows):
    found = [r for r in rows if str(r["date_start"]) == OFFENSIVE["date_start"] and r["event_type"] == "offensive"]
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize("table", TABLES)
def test_pyarrow_reads_every_table_with_the_csv_row_count(table):
    t = pq.read_table(BUNDLE / f"{table}.parquet")
    assert t.num_rows == len(csv_rows(table)) > 0


def test_pyarrow_types_metadata_and_statistics():
    f = pq.ParquetFile(BUNDLE / "events.parquet")
    s = f.schema_arrow
    assert s.field("date_start").type == pa.date32()
    for name in COUNTS:
        assert s.field(name).type == pa.int32() and s.field(name).nullable
    for name in VOCABULARIES:
        assert pa.types.is_dictionary(s.field(name).type), name
    assert s.field("source_ids").type == pa.list_(pa.field("item", pa.string(), nullable=False))
    assert s.field("disputed").type == pa.bool_()
    for name in EVENT_SCHEMA["properties"]:
        assert s.field(name).metadata[b"description"].decode() == EVENT_SCHEMA["properties"][name]["description"]
    kv = f.metadata.metadata
    assert kv[b"aabc:version"].decode() == META["version"]
    assert kv[b"aabc:dataset"].decode() == META["name"]
    assert kv[b"aabc:schema_id"].decode() == EVENT_SCHEMA["$id"]
    assert kv[b"aabc:source_csv_sha256"].decode() == hashlib.sha256((BUNDLE / "events.csv").read_bytes()).hexdigest()
    leaves = [f.metadata.schema.column(i).path for i in range(f.metadata.num_columns)]
    col = f.metadata.row_group(0).column(leaves.index("killed_total"))
    assert col.compression == "ZSTD"
    assert col.statistics is not None and col.statistics.has_min_max
    assert col.statistics.null_count > 0


def test_pandas_dtypes_and_known_values():
    df = pd.read_parquet(BUNDLE / "events.parquet")
    assert len(df) == len(csv_rows("events"))
    assert isinstance(df["date_start"].iloc[0], datetime.date)
    for name in COUNTS:
        assert str(df[name].dtype) == "Int32", name
    assert df["killed_total"].isna().any()
    for name in VOCABULARIES:
        assert isinstance(df[name].dtype, pd.CategoricalDtype), name
    row = the_offensive(df.to_dict("records"))
    for k, v in OFFENSIVE.items():
        assert str(row[k]) == str(v), k


def test_polars_dtypes_and_known_values():
    df = pl.read_parquet(BUNDLE / "events.parquet")
    assert df.height == len(csv_rows("events"))
    assert df.schema["date_start"] == pl.Date
    for name in COUNTS:
        assert df.schema[name] == pl.Int32, name
    for name in VOCABULARIES:
        assert df.schema[name] == pl.Categorical, name
    assert df.schema["source_ids"] == pl.List(pl.String)
    assert df["killed_total"].null_count() > 0
    row = the_offensive(df.to_dicts())
    for k, v in OFFENSIVE.items():
        assert str(row[k]) == str(v), k


def test_duckdb_types_joins_and_known_values():
    con = duckdb.connect()
    described = con.execute(f"DESCRIBE SELECT * FROM '{BUNDLE / 'events.parquet'}'").fetchall()
    types = {row[0]: row[1] for row in described}
    assert types["date_start"] == "DATE"
    for name in COUNTS:
        assert types[name] == "INTEGER", name
    assert types["source_ids"] == "VARCHAR[]"
    n = con.execute(f"SELECT count(*) FROM '{BUNDLE / 'events.parquet'}'").fetchone()[0]
    assert n == len(csv_rows("events"))
    k = con.execute(f"""SELECT killed_am_military, killed_az_military, displaced FROM '{BUNDLE / 'events.parquet'}'
                    WHERE date_start = DATE '2022-09-12' AND event_type = 'offensive'""").fetchall()
    assert k == [(105, 71, 7600)]
    # The link table joins events to sources without unnesting.
    orphans = con.execute(f"""SELECT count(*) FROM '{BUNDLE / 'event_sources.parquet'}' l
                          LEFT JOIN '{BUNDLE / 'sources.parquet'}' s USING (source_id)
                          WHERE s.source_id IS NULL""").fetchone()[0]
    assert orphans == 0
    listed = con.execute(f"SELECT sum(len(source_ids)) FROM '{BUNDLE / 'events.parquet'}'").fetchone()[0]
    assert listed == con.execute(f"SELECT count(*) FROM '{BUNDLE / 'event_sources.parquet'}'").fetchone()[0]


def test_frictionless_finds_the_package_valid():
    report = frictionless.validate(BUNDLE / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])
    # Every table, and every table in another dataset's layout (release format 6 on).
    assert report.stats["tasks"] == len(TABLES) + len(META.get("layouts", {}))


def test_frictionless_checks_the_foreign_keys(tmp_path):
    copy = tmp_path / "bundle"
    shutil.copytree(BUNDLE, copy)
    link = copy / "event_sources.csv"
    link.write_text(link.read_text().replace(",S004\n", ",S999\n", 1))
    dp = json.loads((copy / "datapackage.json").read_text())
    for r in dp["resources"]:  # keep the hash check out of the way: this test is about keys
        r.pop("hash", None)
        r.pop("bytes", None)
    (copy / "datapackage.json").write_text(json.dumps(dp))
    report = frictionless.validate(copy / "datapackage.json")
    assert not report.valid
    assert "foreign-key" in [e[0] for e in report.flatten(["type"])]


@pytest.mark.parametrize("table", TABLES)
def test_every_json_object_is_valid_against_the_schema(table):
    # A table with convenience columns has their schema beside its own (release format 2).
    expanded = BUNDLE / "schema" / f"{table}.expanded.schema.json"
    schema = json.loads((expanded if expanded.exists() else BUNDLE / "schema" / f"{table}.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    objects = json.loads((BUNDLE / f"{table}.json").read_text())
    lines = [json.loads(l) for l in (BUNDLE / f"{table}.jsonl").read_text().splitlines()]
    assert objects == lines
    assert len(objects) == len(csv_rows(table))
    for obj in objects:
        errors = list(validator.iter_errors(obj))
        assert not errors, (obj, [e.message for e in errors])


def test_json_values_are_typed():
    row = the_offensive(json.loads((BUNDLE / "events.json").read_text()))
    assert row["killed_am_military"] == 105 and isinstance(row["disputed"], bool)
    assert isinstance(row["source_ids"], list) and row["killed_civilians"] is None


def test_citation_cff_is_valid():
    cff = os.environ.get("AABC_CFFCONVERT")
    assert cff, "AABC_CFFCONVERT must point at the cffconvert executable"
    out = subprocess.run([cff, "--validate", "-i", str(BUNDLE / "CITATION.cff")], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    text = (BUNDLE / "CITATION.cff").read_text()
    assert f'version: "{META["version"]}"' in text and "date-released:" in text


def test_checksums_cover_every_file():
    listed = {}
    for line in (BUNDLE / "SHA256SUMS").read_text().splitlines():
        digest, path = line.split("  ", 1)
        listed[path] = digest
    files = {str(p.relative_to(BUNDLE)) for p in BUNDLE.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert set(listed) == files
    for path, digest in listed.items():
        assert hashlib.sha256((BUNDLE / path).read_bytes()).hexdigest() == digest


def test_the_partitioned_export_reads_as_one_table():
    """`aabc export --partition-by year`: DuckDB and polars read the directory as one table."""
    root = pathlib.Path(os.environ["AABC_PARTITIONED"])
    by_year = {}
    for r in csv_rows("events"):
        by_year[int(r["date_start"][:4])] = by_year.get(int(r["date_start"][:4]), 0) + 1
    con = duckdb.connect()
    got = con.execute(f"""SELECT year, count(*) FROM read_parquet('{root}/**/*.parquet', hive_partitioning = true)
                         GROUP BY year ORDER BY year""").fetchall()
    assert dict(got) == by_year
    df = pl.scan_parquet(f"{root}/**/*.parquet", hive_partitioning=True).collect()
    assert df.height == sum(by_year.values())
    assert df.schema["date_start"] == pl.Date and df.schema["killed_total"] == pl.Int32
    assert dict(df.group_by("year").len().iter_rows()) == by_year


# ---- Release format 2 (issue 9): GeoJSON, category sets, dates, JSON Lines, Spark. ----
# AABC_GEO_BUNDLE is a bundle of tests/fixtures/geo (the 2.0 layout: places with coordinates,
# a place without them, an event without places, a category without rows); AABC_GEO_PARTITIONED
# its events partitioned by year. The checks also run on the real bundle once it has the files.

GEO = pathlib.Path(os.environ["AABC_GEO_BUNDLE"])
GEO_PARTITIONED = pathlib.Path(os.environ["AABC_GEO_PARTITIONED"])
GEO_BUNDLES = [b for b in (GEO, BUNDLE) if (b / "events.geojson").exists()]


def bundle_csv(bundle, table):
    with open(bundle / f"{table}.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def python_blocks(readme):
    """The ```python blocks of a README, in order."""
    return [b.split("\n", 1)[1] for b in readme.split("```")[1::2] if b.startswith("python\n")]


@pytest.fixture(scope="module")
def spark():
    """One local Spark session for every Spark check (it takes seconds to start)."""
    from pyspark.sql import SparkSession
    s = (SparkSession.builder.master("local[1]").appName("aabc-interop")
         .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").config("spark.driver.host", "127.0.0.1")
         .config("spark.driver.bindAddress", "127.0.0.1").config("spark.sql.session.timeZone", "UTC").config("spark.sql.shuffle.partitions", "1")
         .getOrCreate())
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


@pytest.mark.parametrize("bundle", GEO_BUNDLES, ids=lambda b: b.name)
def test_geopandas_reads_events_geojson_as_wgs84_points(bundle):
    import geopandas as gpd
    g = gpd.read_file(bundle / "events.geojson", engine="pyogrio")
    assert g.crs is not None and g.crs.to_epsg() == 4326
    rows = [json.loads(l) for l in (bundle / "events.jsonl").read_text().splitlines()]
    assert len(g) == len(rows) == len(bundle_csv(bundle, "events"))
    located = [r for r in rows if r["latitude"] is not None and r["longitude"] is not None]
    points = g[g.geometry.notna() & ~g.geometry.is_empty]
    assert len(points) == len(located) > 0
    assert set(points.geom_type) == {"Point"}
    for (_, f), r in zip(points.iterrows(), located):
        assert (f.geometry.x, f.geometry.y) == (r["longitude"], r["latitude"])
        assert f["event_id"] == r["event_id"]


def test_geojson_rows_without_coordinates_have_null_geometry():
    g = json.loads((GEO / "events.geojson").read_text())
    missing = [f["id"] for f in g["features"] if f["geometry"] is None]
    assert missing == ["E-0003", "E-0004"]
    first = g["features"][0]["geometry"]
    assert first == {"type": "Point", "coordinates": [45.67393, 39.84168]}


@pytest.mark.parametrize("bundle", [GEO, BUNDLE], ids=lambda b: b.name)
def test_pandas_gets_date_types_with_the_readme_line(bundle):
    df = pq.read_table(bundle / "events.parquet").to_pandas(date_as_object=False)
    assert str(df["date_start"].dtype).startswith("datetime64"), df["date_start"].dtype
    for name in [n for n, p in json.loads((bundle / "schema" / "events.schema.json").read_text())["properties"].items()
                 if "integer" in p.get("type", [])]:
        assert str(df[name].dtype) in ("Int32", "Int64"), name
    assert isinstance(df["event_type"].dtype, pd.CategoricalDtype)


def test_the_readme_snippets_run_and_keep_every_category(tmp_path, monkeypatch):
    """The bundle README's Python lines, run as written in the bundle's folder."""
    monkeypatch.chdir(GEO)
    readme = (GEO / "README.md").read_text()
    assert "set_categories" not in readme  # the dictionaries carry the categories themselves
    blocks = python_blocks(readme)
    assert blocks, "no python block in the README"
    first = {}
    exec(blocks[0], first)
    events = first["events"]  # the polars JSON Lines read comes last
    assert isinstance(events, pl.DataFrame) and events.schema["date_start"] == pl.Date
    # pandas, as the README gives it, and a plain pd.read_parquet: every category, codebook
    # order, ordered where marked, with no line restoring them.
    for df in (pq.read_table("events.parquet").to_pandas(date_as_object=False), pd.read_parquet("events.parquet")):
        assert list(df["event_type"].cat.categories) == ["armed_clash", "shelling", "incursion", "prisoner_release", "statement"]
        assert df["event_type"].value_counts()["prisoner_release"] == 0
        assert df["date_precision"].cat.ordered and list(df["date_precision"].cat.categories) == ["day", "month", "year"]
        assert (df["date_precision"] < "year").all()
    assert str(first["pq"].read_table("events.parquet").to_pandas(date_as_object=False)["date_start"].dtype).startswith("datetime64")
    # polars Enum, as the README gives it.
    cats = json.loads(pl.read_parquet_metadata("events.parquet")["aabc:categories"])
    p = pl.read_parquet("events.parquet").with_columns(pl.col(c).cast(pl.Enum(v)) for c, v in cats.items())
    assert p.schema["event_type"] == pl.Enum(cats["event_type"])
    # The map-ready load.
    geo = {}
    exec(next(b for b in blocks if "geopandas" in b), geo)
    assert len(geo["placed"]) == 2


def test_two_year_partitions_concatenate_with_every_category():
    parts = sorted(GEO_PARTITIONED.glob("year=*/part-0.parquet"))
    assert [p.parent.name for p in parts] == ["year=2021", "year=2022"]
    frames = [pd.read_parquet(path) for path in parts]
    # 2021 has only incursion and armed_clash, 2022 only statement and shelling.
    assert set(frames[0]["event_type"]) != set(frames[1]["event_type"])
    both = pd.concat(frames, ignore_index=True)
    assert isinstance(both["event_type"].dtype, pd.CategoricalDtype)
    assert list(both["event_type"].cat.categories) == ["armed_clash", "shelling", "incursion", "prisoner_release", "statement"]
    assert isinstance(both["date_precision"].dtype, pd.CategoricalDtype) and both["date_precision"].cat.ordered
    assert len(both) == len(bundle_csv(GEO, "events"))
    assert pd.crosstab(both["event_type"], both["date_precision"], dropna=False).shape == (5, 3)
    cats = json.loads(pl.read_parquet_metadata(parts[0])["aabc:categories"])
    pls = [pl.read_parquet(p).with_columns(pl.col(c).cast(pl.Enum(v)) for c, v in cats.items()) for p in parts]
    assert pl.concat(pls).schema["event_type"] == pl.Enum(cats["event_type"])


def vocabularies(bundle):
    """Each string vocabulary column of the events' typed exports (a Parquet dictionary): its
    terms in codebook order. An integer vocabulary stays an integer column."""
    expanded = bundle / "schema" / "events.expanded.schema.json"
    schema = json.loads((expanded if expanded.exists() else bundle / "schema" / "events.schema.json").read_text())
    terms = {n: [b["const"] for b in p["oneOf"] if "const" in b]
             for n, p in schema["properties"].items() if "oneOf" in p}
    return {n: t for n, t in terms.items() if t and all(isinstance(v, str) for v in t)}


def csv_column(bundle, name):
    """A column of events.csv, blank as None."""
    return [r[name] or None for r in bundle_csv(bundle, "events")]


def vocabulary_bundles():
    return [b for b in (GEO, BUNDLE) if json.loads((b / "dataset.json").read_text()).get("release_format", 1) >= 2]


@pytest.mark.parametrize("bundle", vocabulary_bundles(), ids=lambda b: b.name)
def test_every_reader_gets_the_csv_values_and_every_category_of_the_vocabulary_columns(bundle):
    vocab = vocabularies(bundle)
    in_csv = [n for n in vocab if n in bundle_csv(bundle, "events")[0]]
    assert vocab and in_csv
    path = str(bundle / "events.parquet")
    t = pq.read_table(path)
    df = pd.read_parquet(path)
    p = pl.read_parquet(path)
    con = duckdb.connect()
    for name, terms in vocab.items():
        # pyarrow: every chunk's dictionary is the vocabulary, in codebook order.
        assert all(c.dictionary.to_pylist() == terms for c in t.column(name).chunks), name
        # pandas: a categorical with every category, whatever the file holds.
        assert list(df[name].cat.categories) == terms, name
    for name in in_csv:
        want = csv_column(bundle, name)
        assert [None if pd.isna(v) else v for v in df[name]] == want, name
        assert p[name].cast(pl.Utf8).to_list() == want, name
        assert [r[0] for r in con.execute(f'SELECT "{name}" FROM read_parquet(?)', [path]).fetchall()] == want, name
        # min/max statistics let DuckDB skip row groups; a filter counts as the CSV does.
        for term in terms:
            got = con.execute(f'SELECT count(*) FROM read_parquet(?) WHERE "{name}" = ?', [path, term]).fetchone()[0]
            assert got == want.count(term), (name, term)


@pytest.mark.parametrize("bundle", [GEO, BUNDLE], ids=lambda b: b.name)
def test_polars_reads_the_json_lines_with_the_readme_arguments(bundle):
    expanded = bundle / "schema" / "events.expanded.schema.json"
    schema = json.loads((expanded if expanded.exists() else bundle / "schema" / "events.schema.json").read_text())
    # The README's line, as written: it names every typed column's type.
    line = next(l for l in (bundle / "README.md").read_text().splitlines() if "pl.read_ndjson(" in l)
    overrides = eval(line.split("schema_overrides=", 1)[1].rsplit(")", 1)[0], {"pl": pl})
    df = pl.read_ndjson(bundle / "events.jsonl", infer_schema_length=None, schema_overrides=overrides)
    assert df.height == len(bundle_csv(bundle, "events"))
    for n, p in schema["properties"].items():
        types = p.get("type", [])
        if p.get("format") == "date":
            assert df.schema[n] == pl.Date, n
        elif "integer" in types or any(b.get("type") == "integer" or isinstance(b.get("const"), int) for b in p.get("oneOf", [])):
            assert df.schema[n].is_integer(), n
        elif "number" in types:
            assert df.schema[n].is_float(), n
        elif "boolean" in types:
            assert df.schema[n] == pl.Boolean, n


def test_spark_reads_the_hive_partitioned_parquet(spark):
    from pyspark.sql import types as T
    for root, bundle in ((pathlib.Path(os.environ["AABC_PARTITIONED"]), BUNDLE), (GEO_PARTITIONED, GEO)):
        df = spark.read.parquet(str(root))
        rows = bundle_csv(bundle, "events")
        assert df.count() == len(rows)
        types = {f.name: f.dataType for f in df.schema.fields}
        assert types["date_start"] == T.DateType()
        assert types["year"] == T.IntegerType()
        assert isinstance(types["source_ids"], T.ArrayType) and types["source_ids"].elementType == T.StringType()
        assert types["event_type"] == T.StringType()
        by_year = {}
        for r in rows:
            by_year[int(r["date_start"][:4])] = by_year.get(int(r["date_start"][:4]), 0) + 1
        assert {r["year"]: r["count"] for r in df.groupBy("year").count().collect()} == by_year
        counts = [n for n, p in json.loads((bundle / "schema" / "events.schema.json").read_text())["properties"].items()
                  if "integer" in p.get("type", [])]
        assert all(types[n] == T.IntegerType() for n in counts)
    geo = spark.read.parquet(str(GEO_PARTITIONED))
    assert dict(geo.select("event_id", "latitude").collect())["E-0001"] == 39.84168
    # Vocabulary columns (dictionary pages aabc encodes itself) read as the CSV's strings.
    for bundle in vocabulary_bundles():
        ids = csv_column(bundle, "event_id")
        for source in [bundle / "events.parquet"] + ([GEO_PARTITIONED] if bundle == GEO else []):
            rows = {r["event_id"]: r for r in spark.read.parquet(str(source)).collect()}
            for name in [n for n in vocabularies(bundle) if n in bundle_csv(bundle, "events")[0]]:
                assert [rows[i][name] for i in ids] == csv_column(bundle, name), (source, name)


def test_the_format_2_package_is_valid_and_typed_rows_follow_the_expanded_schema():
    report = frictionless.validate(GEO / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])
    schema = json.loads((GEO / "schema" / "events.expanded.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    rows = json.loads((GEO / "events.json").read_text())
    assert rows and all(not list(validator.iter_errors(r)) for r in rows)
    feature_props = [f["properties"] for f in json.loads((GEO / "events.geojson").read_text())["features"]]
    assert feature_props == rows
    roles = {r["role"] for r in bundle_csv(GEO, "event_actors")}
    assert roles == {"actor1_ids", "reported_by_ids"}


def test_the_bundle_orders_date_precision_and_keeps_every_vocabulary_value():
    """The dataset's own bundle: a plain pd.read_parquet gives each vocabulary column every
    value of its codebook, in codebook order, and date precision ordered day < month < year."""
    schema = json.loads((BUNDLE / "schema" / "events.schema.json").read_text())
    df = pd.read_parquet(BUNDLE / "events.parquet")
    for name, prop in schema["properties"].items():
        values = [b["const"] for b in prop.get("oneOf", []) if "const" in b]
        if values and all(isinstance(v, str) for v in values):
            assert list(df[name].cat.categories) == values, name
            assert df[name].cat.ordered == bool(prop.get("x-ordered")), name
    assert list(df["date_precision"].cat.categories) == ["day", "month", "year"]
    assert df["date_precision"].cat.ordered


def test_places_lie_in_their_own_country_on_natural_earth_borders():
    """An independent check of the GeoNames coordinates: every Armenian or Azerbaijani place
    of the bundle lies inside its country's Natural Earth polygon (the vendored 1:50m clip),
    or within 0.01 degrees (about 1 km) of it, as border villages may on generalised borders."""
    import geopandas as gpd
    from shapely.geometry import Point
    borders = gpd.read_file(pathlib.Path(__file__).resolve().parents[2] / "vendor" / "natural-earth" / "region-50m.geojson")
    names = {"AM": "Armenia", "AZ": "Azerbaijan"}
    places = gpd.read_file(BUNDLE / "places.geojson")
    checked = 0
    for _, p in places[places.geometry.notna()].iterrows():
        if p["country"] not in names:
            continue
        country = borders[borders["name"] == names[p["country"]]].geometry.union_all()
        assert country.distance(Point(p.geometry.x, p.geometry.y)) < 0.01, p["place_id"]
        checked += 1
    assert checked >= 50
