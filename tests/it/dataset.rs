//! The work behind dataset 2.0 stays reproducible: the places are what GeoNames gives for them
//! (`scripts/places`, rerun against the pinned gazetteer, with its own tests for homonyms and
//! known places), the actor drafts are consistent with the 1.x events they map
//! (`scripts/actors/check_drafts.py`), and `dataset/events.csv` and `dataset/actors.csv` are
//! the migration of the 1.x events with those drafts (`scripts/migrate/to_2_0.py`, with its own
//! tests of every refusal). The gazetteer and pytest live in the virtualenv that
//! `bash tests/interop/setup.sh` makes.

use crate::common::*;
use std::process::Command;

fn run(program: &std::path::Path, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()));
    assert!(
        out.status.success(),
        "{} {args:?} failed:\n{}{}",
        program.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn geo_python() -> std::path::PathBuf {
    let p = root().join(".venv-geo/bin/python");
    assert!(
        p.exists(),
        "{} is missing: run `bash tests/interop/setup.sh` once",
        p.display()
    );
    p
}

#[test]
fn places_are_derived_from_the_pinned_gazetteer_and_up_to_date() {
    run(
        &geo_python(),
        &["scripts/places/derive_places.py", "--check"],
    );
}

#[test]
fn place_matching_tests_pass() {
    run(
        &geo_python(),
        &[
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "scripts/places",
        ],
    );
}

#[test]
fn actor_drafts_are_consistent_with_the_events() {
    run(
        std::path::Path::new("python3"),
        &["scripts/actors/check_drafts.py"],
    );
}

#[test]
fn the_2_0_events_and_actors_are_the_migration_of_the_1x_events_and_the_drafts() {
    run(
        std::path::Path::new("python3"),
        &["scripts/migrate/to_2_0.py", "--check"],
    );
}

#[test]
fn migration_tests_pass() {
    run(
        &geo_python(),
        &[
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "scripts/migrate",
        ],
    );
}
