//! `aabc next-id`: the id a contributor gives a new row (as CONTRIBUTING.md tells it) follows
//! every id in use or retired, and a table that is not well formed gives no id.

use crate::common::*;
use crate::workdir::Workdir;

#[test]
fn next_id_follows_every_id_in_use_or_retired() {
    let w = Workdir::git_dataset("next-id");
    let out = w.stdout(&["next-id"]);
    let last = w
        .read("dataset/events.csv")
        .lines()
        .skip(1)
        .filter_map(|l| {
            l.split(',')
                .next()?
                .strip_prefix("AABC-")?
                .parse::<u32>()
                .ok()
        })
        .max()
        .unwrap();
    assert_eq!(out, format!("AABC-{:04}\n", last + 1));

    // A retired id is never handed out again.
    w.create(
        "dataset/retired.csv",
        "event_id,retired_in,reason\nAABC-0700,1.1.0,merged into another event\n",
    );
    let out = w.stdout(&["next-id", "--count", "2"]);
    assert_eq!(out, "AABC-0701\nAABC-0702\n");

    // Other tables are numbered in their own style.
    let out = w.stdout(&["next-id", "sources"]);
    assert!(out.starts_with('S') && out.trim_end().len() == 4, "{out}");

    let err = w.assert_err(&["next-id", "--", "--nope"], 2);
    assert!(err.contains("no table \"--nope\""), "{err}");
}

#[test]
fn next_id_on_a_table_that_is_not_well_formed_names_the_fault_and_prints_no_id() {
    let dir = git_fixture();
    let d = dir.path();
    let events = d.join("dataset/events.csv");
    let mut text = std::fs::read_to_string(&events).unwrap();
    let line = text.lines().count() + 1;
    text.push_str("AABC-0999,\"open\n");
    std::fs::write(&events, text).unwrap();
    let (code, out, err) = run(d, &["next-id"]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(
        err.contains(&format!("dataset/events.csv:{line}:11:")) && err.contains("[csv/quote]"),
        "{err}"
    );
}
