"""Tests for to_2_0.py: run with `python3 -m pytest scripts/migrate` (pytest only; the
migration itself needs nothing beyond the standard library)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SCRIPT = HERE / "to_2_0.py"
INPUTS = {
    "events": HERE / "events.1.x.csv",
    "event-places": REPO / "scripts/places/event_places.draft.csv",
    "event-actors": REPO / "scripts/actors/event_actors.draft.csv",
    "actors": REPO / "scripts/actors/actors.draft.csv",
    "prisoners": REPO / "scripts/actors/prisoners.draft.csv",
    "places": REPO / "dataset/places.csv",
}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False)


@pytest.fixture()
def work(tmp_path):
    """Copies of every input in tmp_path, and the args that point the script at them."""
    args = []
    for key, src in INPUTS.items():
        dst = tmp_path / src.name
        shutil.copy(src, dst)
        args += [f"--{key}", str(dst)]
    out = tmp_path / "out"
    return tmp_path, args + ["--out", str(out)], out


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def edit(path: Path, change) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, data = reader.fieldnames, list(reader)
    data = change(data)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    w.writeheader()
    w.writerows(data)
    path.write_text(buf.getvalue(), encoding="utf-8")


def set_field(event_id: str, **values):
    def change(data):
        for r in data:
            if r.get("event_id", r.get("id")) == event_id:
                r.update(values)
        return data
    return change


def refused(res: subprocess.CompletedProcess, out: Path, message: str) -> None:
    assert res.returncode == 1, res.stderr
    assert "refused, nothing written" in res.stderr
    assert message in res.stderr, res.stderr
    assert not out.exists()


# --- the committed dataset -------------------------------------------------

def test_the_committed_dataset_is_the_migration_of_the_1x_file():
    res = run("--check")
    assert res.returncode == 0, res.stderr


def test_same_inputs_same_bytes(work):
    tmp, args, out = work
    assert run(*args).returncode == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    assert run(*args).returncode == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first
    assert sorted(first) == ["actors.csv", "events.csv"]
    text = first["events.csv"].decode("utf-8")
    assert "\r" not in text and text.endswith("\n")


def test_columns_follow_the_schemas(work):
    tmp, args, out = work
    assert run(*args).returncode == 0
    for table in ("events", "actors"):
        schema = json.loads((REPO / f"schema/{table}.schema.json").read_text(encoding="utf-8"))
        with (out / f"{table}.csv").open(encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == list(schema["properties"])


def test_the_mapping(work):
    tmp, args, out = work
    res = run(*args)
    assert res.returncode == 0, res.stderr
    ev = {r["event_id"]: r for r in rows(out / "events.csv")}
    old = {r["event_id"]: r for r in rows(INPUTS["events"])}
    assert list(ev) == list(old)
    # places from the draft, primary first
    assert ev["AABC-0007"]["place_ids"] == "am-vardenis"
    # a 1.x row that names only Armenia keeps its country through the country's place
    assert (old["AABC-0018"]["country"], old["AABC-0018"]["location"]) == ("AM", "")
    assert ev["AABC-0018"]["place_ids"] == "am-armenia"
    # ... and one in the Nagorno-Karabakh sector through the region
    assert old["AABC-0068"]["sector"] == "nagorno_karabakh"
    assert ev["AABC-0068"]["place_ids"] == "az-nagorno-karabakh"
    # actors: 1.x text -> ids, the proposed changes of the draft applied, mediators added
    assert old["AABC-0002"]["actor1"] == "Government of Azerbaijan"
    assert (ev["AABC-0002"]["actor1_ids"], ev["AABC-0002"]["reported_by_ids"]) == ("A007", "A036")
    assert ev["AABC-0004"]["actor1_ids"] == "A032;A008"
    assert ev["AABC-0062"]["mediator_ids"] == "A008"
    # released prisoners only on the release row; its count is an exact figure
    assert (ev["AABC-0062"]["released_am"], ev["AABC-0062"]["released_az"]) == ("10", "")
    assert ev["AABC-0062"]["casualty_estimate"] == "exact"
    assert (ev["AABC-0065"]["released_am"], ev["AABC-0065"]["released_az"]) == ("", "")
    assert "AABC-0065: not carried (released_az 2)" in res.stderr
    # every other column is carried as it was
    for eid, e in ev.items():
        for c in ("date_start", "event_type", "killed_total", "source_ids", "notes"):
            assert e[c] == old[eid][c], (eid, c)
    actors = rows(out / "actors.csv")
    assert [a["actor_id"] for a in actors] == sorted(a["actor_id"] for a in actors)
    assert actors[0]["name"] == "Military Forces of Armenia (2018-)"


# --- refusals ------------------------------------------------------------

def test_refuses_a_draft_naming_an_unknown_event(work):
    tmp, args, out = work
    edit(tmp / "event_places.draft.csv",
         lambda d: d + [dict(d[0], event_id="AABC-9999")])
    refused(run(*args), out, "event_places.draft: AABC-9999 is not an event of the 1.x file")


def test_refuses_an_event_without_an_actor_mapping(work):
    tmp, args, out = work
    edit(tmp / "event_actors.draft.csv", lambda d: [r for r in d if r["event_id"] != "AABC-0010"])
    refused(run(*args), out, "AABC-0010: event_actors.draft has no row for it: add one")


def test_refuses_a_1x_actor_text_the_draft_does_not_know(work):
    tmp, args, out = work
    edit(tmp / "events.1.x.csv", set_field("AABC-0002", actor1="Government of Azerbaijan; Iran"))
    refused(run(*args), out,
            "AABC-0002: actor1 is 'Government of Azerbaijan; Iran' in the 1.x file but "
            "'Government of Azerbaijan' in event_actors.draft (actor1_current): update the draft")


def test_refuses_an_unknown_actor_or_place_id(work):
    tmp, args, out = work
    edit(tmp / "event_actors.draft.csv", set_field("AABC-0002", reported_by_ids="A999", changed="x"))
    edit(tmp / "event_places.draft.csv", set_field("AABC-0007", place_ids="am-atlantis"))
    res = run(*args)
    refused(res, out, "AABC-0002: reported_by_ids names A999, which is not an actor id")
    assert "event_places.draft AABC-0007: am-atlantis is not a place_id of places.csv" in res.stderr


def test_refuses_an_unexplained_change_of_ids(work):
    tmp, args, out = work
    edit(tmp / "event_actors.draft.csv", set_field("AABC-0002", actor1_ids="A006"))
    refused(run(*args), out, "AABC-0002: actor1_ids 'A006' differs from the 1.x actor1 ('A007')")


def test_refuses_a_place_in_another_country(work):
    tmp, args, out = work
    edit(tmp / "events.1.x.csv", set_field("AABC-0007", country="AZ"))
    refused(run(*args), out, "AABC-0007: 1.x country AZ but the primary place am-vardenis is in AM")


def test_refuses_a_named_place_without_a_link(work):
    tmp, args, out = work
    edit(tmp / "event_places.draft.csv", lambda d: [r for r in d if r["event_id"] != "AABC-0007"])
    refused(run(*args), out, "AABC-0007: the 1.x row names a place (Vardenis) but event_places.draft has no row")


def test_refuses_a_release_row_without_counts_and_a_type_mismatch(work):
    tmp, args, out = work
    edit(tmp / "prisoners.draft.csv", lambda d: [r for r in d if r["event_id"] != "AABC-0062"])
    refused(run(*args), out, "AABC-0062: a prisoner_release row without a prisoners.draft row")
    shutil.copy(INPUTS["prisoners"], tmp / "prisoners.draft.csv")
    edit(tmp / "prisoners.draft.csv", set_field("AABC-0065", event_type="prisoner_release"))
    refused(run(*args), out, "prisoners.draft AABC-0065: event_type prisoner_release but the event is capture")


def test_refuses_a_file_already_in_the_2_0_layout(work):
    tmp, args, out = work
    shutil.copy(REPO / "dataset/events.csv", tmp / "events.1.x.csv")
    refused(run(*args), out, "events: not a 1.x events file")


def test_a_missing_input_is_an_error_not_a_traceback(work):
    tmp, args, out = work
    (tmp / "prisoners.draft.csv").unlink()
    res = run(*args)
    assert res.returncode == 2
    assert "cannot read" in res.stderr and "Traceback" not in res.stderr
