//! Files, links and paths, for every command that writes: an output never replaces a special
//! file or a link by rename, a full disk or a symlink loop is named, temporaries of killed runs are
//! removed by the next run, and paths in the metadata stay inside the repository.

mod table_names;
mod temporaries;

use crate::common::*;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// Exports valid.csv to `out` while a thread reads `fifo`; returns what the reader got.
fn export_into_fifo(fifo: &Path, out: &Path) -> String {
    let ok = std::process::Command::new("mkfifo")
        .arg(fifo)
        .status()
        .unwrap();
    assert!(ok.success());
    // The reader blocks until a writer opens the FIFO; a run that renames over it never does.
    let (tx, rx) = std::sync::mpsc::channel();
    let reader_path = fifo.to_path_buf();
    std::thread::spawn(move || {
        let mut s = String::new();
        std::fs::File::open(&reader_path)
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        tx.send(s).unwrap();
    });
    let (code, _, err) = export_csv(
        &root().join("tests/fixtures/valid.csv"),
        &["--format", "csv", "--out", out.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    rx.recv_timeout(std::time::Duration::from_secs(10))
        .expect("nothing was written into the FIFO")
}

/// A private copy of /dev/full (char device 1,7) in a tempdir, so that a run that renamed over
/// it would destroy only the copy. `None` when device nodes cannot be made here.
fn private_dev_full(dir: &Path) -> Option<PathBuf> {
    let p = dir.join("full");
    let ok = std::process::Command::new("mknod")
        .arg(&p)
        .args(["c", "1", "7"])
        .status()
        .ok()?
        .success();
    (ok && std::fs::write(&p, b"x").is_err()).then_some(p)
}

/// A tmpfs of `kib` KiB mounted on a tempdir, unmounted on drop; `None` when mounting is not
/// allowed here.
struct SmallDisk(tempfile::TempDir);

impl SmallDisk {
    fn mount(kib: u64) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .ok()?
            .success();
        ok.then_some(SmallDisk(dir))
    }

    /// KiB in use, as the file system counts them (whole pages).
    fn used_kib(&self) -> u64 {
        let out = std::process::Command::new("df")
            .args(["--output=used", "-k"])
            .arg(self.0.path())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .nth(1)
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.0.path())
            .status();
    }
}

#[test]
fn export_into_a_fifo_streams_into_it_and_keeps_the_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("out.csv");
    let got = export_into_fifo(&fifo, &fifo);
    assert_eq!(
        got,
        std::fs::read_to_string(root().join("tests/fixtures/valid.csv")).unwrap()
    );
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
}

/// What `--out /dev/stdout` is when stdout is a pipe: a link to a FIFO.
#[test]
fn export_into_a_symlink_to_a_fifo_streams_into_it_and_keeps_both() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let link = dir.path().join("stdout");
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    let got = export_into_fifo(&fifo, &link);
    assert_eq!(
        got,
        std::fs::read_to_string(root().join("tests/fixtures/valid.csv")).unwrap()
    );
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
}

#[test]
fn export_through_a_symlink_replaces_its_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("real.csv");
    std::fs::write(&target, "old\n").unwrap();
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink("real.csv", &link).unwrap();
    let (code, _, err) = export_csv(
        &root().join("tests/fixtures/valid.csv"),
        &["--format", "csv", "--out", link.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        std::fs::read(&target).unwrap(),
        std::fs::read(root().join("tests/fixtures/valid.csv")).unwrap()
    );
}

#[test]
fn fmt_on_a_symlink_rewrites_the_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("events.csv");
    let canonical = std::fs::read_to_string(root().join("tests/fixtures/valid.csv")).unwrap();
    std::fs::write(&target, canonical.replace('\n', "\r\n")).unwrap();
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    aabc_ok(&["fmt", "--schema", SCHEMA, link.to_str().unwrap()]);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    // Record ends become LF; the line end inside the quoted note is cell content and stays.
    let expected = canonical.replace("that\n", "that\r\n");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), expected);
}

#[test]
fn export_into_a_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = export_csv(
        &root().join("tests/fixtures/valid.csv"),
        &["--format", "csv", "--out", dir.path().to_str().unwrap()],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is a directory"), "{err}");
    assert!(dir.path().is_dir());
}

#[test]
fn export_to_a_full_device_says_disk_full_and_keeps_the_device() {
    let dir = tempfile::tempdir().unwrap();
    let Some(full) = private_dev_full(dir.path()) else {
        panic!(
            "this test needs to make a device node (mknod, as root): run the tests as root, as \
             `bash .ci/run` does in CI"
        );
    };
    let (code, _, err) = export_csv(
        &root().join("tests/fixtures/valid.csv"),
        &["--format", "csv", "--out", full.to_str().unwrap()],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("full: disk full while writing this file"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(&full)
        .unwrap()
        .file_type()
        .is_char_device());
}

#[test]
fn release_on_a_full_disk_says_so_without_a_raw_zipwriter_line() {
    // Measure what a release takes, then give it a disk that fills up while the zip is written.
    let Some(big) = SmallDisk::mount(64 << 10) else {
        panic!(
            "this test needs to mount a small tmpfs (as root, in a mount namespace): run the \
             tests as root, as `bash .ci/run` does in CI"
        );
    };
    aabc_ok(&["release", "--out", big.0.path().to_str().unwrap()]);
    let used = big.used_kib();
    let (_, name) = shipped_bundle();
    let zip_kib = std::fs::metadata(big.0.path().join(format!("{name}.zip")))
        .unwrap()
        .len()
        / 1024;
    drop(big);
    let disk = SmallDisk::mount(used - zip_kib / 2).unwrap();
    let (code, out, err) = run_aabc(&["release", "--out", disk.0.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains(&format!(
            "{name}.zip: disk full while writing this file; free some space and run again"
        )),
        "{err}"
    );
    assert!(!err.contains("ZipWriter"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // Nothing partial is left behind.
    let left: Vec<_> = std::fs::read_dir(disk.0.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_symlink_loop_is_named_not_called_missing() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    for args in [
        vec!["validate", "--schema", SCHEMA, a.to_str().unwrap()],
        vec!["verify", a.to_str().unwrap()],
        vec!["diff", a.to_str().unwrap(), "."],
        vec!["export", "--format", "csv", "--out", a.to_str().unwrap()],
    ] {
        let (code, _, err) = run_aabc(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("Too many levels of symbolic links"), "{err}");
        assert!(!err.contains("no such"), "{err}");
    }
}

#[test]
fn stale_temporaries_of_killed_runs_are_removed_by_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    // pids above the kernel's limit (4194304) belong to no process; this test's own is alive.
    let dead_file = dir.path().join(".aabc-tmp.99999999.export.Ab12Cd");
    let dead_dir = dir
        .path()
        .join(".aabc-tmp.99999998.aabc-events-1_1_0.Ef34Gh");
    let live = dir
        .path()
        .join(format!(".aabc-tmp.{}.export.Ij56Kl", std::process::id()));
    std::fs::write(&dead_file, "half").unwrap();
    std::fs::create_dir(&dead_dir).unwrap();
    std::fs::write(dead_dir.join("events.csv"), "half").unwrap();
    std::fs::write(&live, "busy").unwrap();
    let out = dir.path().join("events.csv");
    let (code, _, err) = export_csv(
        &root().join("tests/fixtures/valid.csv"),
        &["--format", "csv", "--out", out.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    assert!(!dead_file.exists() && !dead_dir.exists());
    assert!(live.exists());
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        vec![
            format!(".aabc-tmp.{}.export.Ij56Kl", std::process::id()),
            "events.csv".to_string()
        ]
    );
}

#[test]
fn fmt_and_synth_remove_stale_temporaries_beside_their_output() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("events.csv");
    let canonical = std::fs::read_to_string(root().join("tests/fixtures/valid.csv")).unwrap();
    std::fs::write(&file, canonical.replace('\n', "\r\n")).unwrap();
    let stale = dir.path().join(".aabc-tmp.99999999.fmt.Mn78Op");
    std::fs::write(&stale, "half").unwrap();
    aabc_ok(&["fmt", "--schema", SCHEMA, file.to_str().unwrap()]);
    assert!(!stale.exists());
    std::fs::write(&stale, "half").unwrap();
    let out = dir.path().join("synth.csv");
    aabc_ok(&["synth", "--rows", "10", "--out", out.to_str().unwrap()]);
    assert!(!stale.exists());
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
}

#[test]
fn release_removes_stale_bundle_temporaries_in_dist() {
    let dist = tempfile::tempdir().unwrap();
    let stale = dist
        .path()
        .join(".aabc-tmp.99999999.aabc-events-1_1_0.Xy12Zw");
    std::fs::create_dir_all(stale.join("aabc-events-1.1.0")).unwrap();
    aabc_ok(&["release", "--out", dist.path().to_str().unwrap()]);
    assert!(!stale.exists());
    let names: Vec<String> = std::fs::read_dir(dist.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
}

// A pipe as input is read once: validating it must not wait forever for a second read (to
// locate a problem), and fmt, which rewrites files in place, refuses it.
#[test]
fn validate_reads_a_fifo_once_and_fmt_refuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("events.csv");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || {
        let bytes = std::fs::read(root().join("tests/fixtures/vocabulary.csv")).unwrap();
        std::fs::write(&writer_path, bytes).unwrap();
    });
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("aabc"))
        .args(["validate", "--schema", SCHEMA, fifo.to_str().unwrap()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if started.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("validate of a FIFO did not end");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    writer.join().unwrap();
    assert_eq!(code, Some(1));
    let (code, _, err) = run_aabc(&["fmt", "--schema", SCHEMA, fifo.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a regular file"), "{err}");

    // Repeated keys are confirmed by a second read, which a pipe cannot give: say so.
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || {
        let bytes = std::fs::read(root().join("tests/fixtures/duplicate_id.csv")).unwrap();
        std::fs::write(&writer_path, bytes).unwrap();
    });
    let (code, _, err) = run_aabc(&["validate", "--schema", SCHEMA, fifo.to_str().unwrap()]);
    writer.join().unwrap();
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("a pipe cannot give"), "{err}");
}

// Paths in the metadata stay inside the repository; nothing outside is read or shown.
#[test]
fn a_table_or_schema_path_outside_the_repository_is_refused_and_not_read() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.csv");
    std::fs::write(&secret, "TOPSECRET,line\n").unwrap();
    let absolute = secret.to_str().unwrap().to_string();
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "path",
            "../../../../../../../../../..".to_string() + &absolute,
            "climbs out",
        ),
        ("path", absolute.clone(), "absolute"),
        ("schema", absolute.clone(), "absolute"),
        (
            "schema",
            "../../schema/events.schema.json".to_string(),
            "climbs out",
        ),
        ("symlink", String::new(), "symlink"),
        (
            "path",
            "events\u{1b}[2J.csv".to_string(),
            "control character",
        ),
    ];
    for (key, value, why) in cases {
        let dir = fixture_copy("dataset_refs");
        let d = dir.path();
        if key == "symlink" {
            let events = d.join("dataset/events.csv");
            std::fs::remove_file(&events).unwrap();
            std::os::unix::fs::symlink(&secret, &events).unwrap();
        } else {
            edit_meta(d, |m| m["resources"][1][key] = value.clone().into());
        }
        for args in [vec!["validate"], vec!["fmt", "--check"], vec!["codebook"]] {
            let (code, out, err) = run(d, &args);
            assert_eq!(code, 2, "{key} {value} {args:?}: {out}{err}");
            assert!(err.contains(why), "{key} {args:?}: {err}");
            assert!(err.contains("inside") || err.contains("plainly"), "{err}");
            assert!(!err.contains('\u{1b}'), "{err}");
            assert!(
                !out.contains("TOPSECRET") && !err.contains("TOPSECRET"),
                "{out}{err}"
            );
        }
    }
}

/// A file name holding a terminal escape is printed escaped by every command that names the
/// file it wrote: it never acts on the terminal of whoever runs the command.
#[test]
fn written_file_names_are_printed_escaped() {
    let w = crate::workdir::Workdir::with_dataset("escaped-names");
    for args in [
        vec!["export", "--format", "csv", "--out", "\u{1b}[31mevents.csv"],
        vec!["site", "--out", "\u{1b}[31msite"],
        vec!["release", "--out", "\u{1b}[31mdist"],
    ] {
        let out = w.command(&args).output().unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        let all = format!("{stdout}{stderr}");
        assert!(all.contains("\\u{1b}[31m"), "{args:?}: {all:?}");
        assert!(!all.contains('\u{1b}'), "{args:?}: {all:?}");
    }
}
