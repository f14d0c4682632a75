//! Temporaries beside outputs: a stale one (its run was killed) is removed by the next run,
//! but one that a live run holds is kept, even when that run's process id is not visible here
//! (another PID namespace, such as a container on a shared volume, or another host on NFS).
//! Such a run is stood in for by a temporary of this process renamed to a process id that
//! does not exist here: the lock its writer holds stays with it.

use aabc::table::atomic::{clean_stale, temp_dir_in, temp_file_in, TMP_PREFIX};
use std::path::{Path, PathBuf};

/// A process id above the kernel's maximum (4194304): no process here has it.
const ELSEWHERE: u32 = 99_999_999;

/// `path` renamed to carry [`ELSEWHERE`] as its process id instead of this process's.
fn as_if_elsewhere(path: &Path) -> PathBuf {
    let name = path.file_name().unwrap().to_str().unwrap();
    let ours = format!("{TMP_PREFIX}{}.", std::process::id());
    let rest = name
        .strip_prefix(&ours)
        .expect("a temporary of this process");
    let moved = path.with_file_name(format!("{TMP_PREFIX}{ELSEWHERE}.{rest}"));
    std::fs::rename(path, &moved).unwrap();
    moved
}

/// Makes a temporary with `make` (which returns it and its path), moves it as if it were a
/// run's elsewhere, and checks that cleanup keeps it while it is held and removes it after.
fn kept_while_held<T>(make: impl Fn(&Path) -> (T, PathBuf)) {
    let dir = tempfile::tempdir().unwrap();
    let (live, path) = make(dir.path());
    let moved = as_if_elsewhere(&path);
    assert_eq!(clean_stale(dir.path()), 0);
    // Another run's temporary is created beside it: it is still there.
    let _other = temp_file_in(dir.path(), "events").unwrap();
    assert!(moved.exists());
    drop(live);
    // Its writer is gone (the lock with it): now it is stale.
    assert_eq!(clean_stale(dir.path()), 1);
    assert!(!moved.exists());
}

#[test]
fn a_locked_temporary_file_of_an_unseen_process_survives_cleanup() {
    kept_while_held(|dir| {
        let t = temp_file_in(dir, "events").unwrap();
        let p = t.path().to_path_buf();
        (t, p)
    });
}

#[test]
fn a_locked_temporary_directory_of_an_unseen_process_survives_cleanup() {
    kept_while_held(|dir| {
        let t = temp_dir_in(dir, "bundle").unwrap();
        std::fs::write(t.path().join("f"), b"x").unwrap();
        let p = t.path().to_path_buf();
        (t, p)
    });
}

#[test]
fn stale_temporaries_nobody_holds_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir
        .path()
        .join(format!("{TMP_PREFIX}{ELSEWHERE}.events.abc"));
    let folder = dir
        .path()
        .join(format!("{TMP_PREFIX}{ELSEWHERE}.bundle.def"));
    std::fs::write(&file, b"x").unwrap();
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("f"), b"x").unwrap();
    let data = dir.path().join("events.csv");
    std::fs::write(&data, b"x").unwrap();
    let mine = temp_file_in(dir.path(), "events").unwrap();
    assert!(!file.exists() && !folder.exists());
    assert!(data.exists() && mine.path().exists());
}
