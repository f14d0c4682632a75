//! Files, pipes and archives (issue 8, items 3, 11, 12, 14, 15 and parts of 19 and 20): outputs
//! never replace a special file or a link by rename, a closed pipe ends a command quietly,
//! temporaries of killed runs are cleaned, and `verify` refuses hostile bundles and zips.

use crate::common::*;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;

/// The fixtures keep the 1.x column layout: they test the validator, not the dataset's columns.
const SCHEMA: &str = "tests/fixtures/events.1.schema.json";

/// A release bundle of the shipped dataset, built once: (dist dir, bundle name).
fn bundle() -> &'static (tempfile::TempDir, String) {
    static BUNDLE: OnceLock<(tempfile::TempDir, String)> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let dist = tempfile::tempdir().unwrap();
        aabc_ok(&["release", "--out", dist.path().to_str().unwrap()]);
        let zip = std::fs::read_dir(dist.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .find(|n| n.ends_with(".zip"))
            .unwrap();
        let name = zip.trim_end_matches(".zip").to_string();
        (dist, name)
    })
}

/// A writable copy of the bundle directory.
fn bundle_dir_copy() -> (tempfile::TempDir, PathBuf) {
    let (dist, name) = bundle();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(name);
    copy_tree(&dist.path().join(name), &dir);
    (tmp, dir)
}

fn verify(path: &Path) -> (i32, String, String) {
    run_aabc(&["verify", path.to_str().unwrap()])
}

/// Writes a zip with the given (name, bytes) entries, stored or deflated.
fn write_zip(path: &Path, entries: &[(&str, &[u8])]) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        z.start_file(*name, opts).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap();
}

// ---- item 3: special files and links are never replaced by rename ----

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

#[test]
fn export_to_a_full_device_says_disk_full_and_keeps_the_device() {
    let dir = tempfile::tempdir().unwrap();
    let Some(full) = private_dev_full(dir.path()) else {
        eprintln!("skipped: cannot make a device node here");
        return;
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

// ---- item 19: a full disk is named; a symlink loop is named ----

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
fn release_on_a_full_disk_says_so_without_a_raw_zipwriter_line() {
    // Measure what a release takes, then give it a disk that fills up while the zip is written.
    let Some(big) = SmallDisk::mount(64 << 10) else {
        eprintln!("skipped: cannot mount a small tmpfs here");
        return;
    };
    aabc_ok(&["release", "--out", big.0.path().to_str().unwrap()]);
    let used = big.used_kib();
    let (_, name) = bundle();
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

// ---- item 19: temporaries of killed runs are removed, those of live runs kept ----

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

// ---- item 11: a closed pipe ends a command quietly ----

/// Runs aabc with its stdout pipe closed before it writes; returns exit code and stderr.
fn with_closed_stdout(args: &[&str]) -> (Option<i32>, String) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("aabc"))
        .args(args)
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_quiet_on_closed_pipe(args: &[&str]) {
    let (code, err) = with_closed_stdout(args);
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    assert_eq!(code, Some(0), "{args:?}: {err}");
}

#[test]
fn codebook_into_a_closed_pipe_ends_quietly() {
    assert_quiet_on_closed_pipe(&["codebook"]);
}

#[test]
fn cite_into_a_closed_pipe_ends_quietly() {
    assert_quiet_on_closed_pipe(&["cite"]);
}

#[test]
fn diff_into_a_closed_pipe_ends_quietly() {
    let (dist, name) = bundle();
    let b = dist.path().join(name);
    assert_quiet_on_closed_pipe(&["diff", "HEAD", b.to_str().unwrap()]);
}

#[test]
fn release_check_into_a_closed_pipe_ends_quietly() {
    assert_quiet_on_closed_pipe(&["release", "--check"]);
}

#[test]
fn release_into_a_closed_pipe_ends_quietly() {
    let dist = tempfile::tempdir().unwrap();
    assert_quiet_on_closed_pipe(&["release", "--out", dist.path().to_str().unwrap()]);
}

#[test]
fn verify_rebuild_into_a_closed_pipe_ends_quietly() {
    assert_quiet_on_closed_pipe(&["verify", "--rebuild", "1.1.0"]);
}

#[test]
fn validate_into_a_closed_pipe_ends_quietly() {
    assert_quiet_on_closed_pipe(&["validate"]);
}

// A report into a closed pipe keeps its exit code: `aabc validate | head -1` in CI must not
// turn invalid data into a pass.
#[test]
fn a_finding_into_a_closed_pipe_still_exits_1() {
    for args in [
        vec![
            "validate",
            "--schema",
            SCHEMA,
            "tests/fixtures/vocabulary.csv",
        ],
        vec![
            "validate",
            "--format",
            "github",
            "--schema",
            SCHEMA,
            "tests/fixtures/vocabulary.csv",
        ],
        vec!["diff", "--exit-code", "1.0.0", "1.1.0"],
    ] {
        let (code, err) = with_closed_stdout(&args);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(code, Some(1), "{args:?}: {err}");
    }
}

#[test]
fn export_into_a_closed_pipe_ends_quietly() {
    // What `--out /dev/stdout` is, without touching the real /dev: a link to the process's fd 1.
    let dir = tempfile::tempdir().unwrap();
    let stdout = dir.path().join("stdout");
    std::os::unix::fs::symlink("/proc/self/fd/1", &stdout).unwrap();
    for format in ["csv", "json", "jsonl", "parquet"] {
        assert_quiet_on_closed_pipe(&[
            "export",
            "--format",
            format,
            "--out",
            stdout.to_str().unwrap(),
        ]);
        assert!(std::fs::symlink_metadata(&stdout)
            .unwrap()
            .file_type()
            .is_symlink());
    }
}

#[test]
fn synth_into_a_closed_pipe_ends_quietly() {
    assert_quiet_on_closed_pipe(&["synth", "--rows", "1000"]);
}

#[test]
fn verify_into_a_closed_pipe_ends_quietly() {
    let (dist, name) = bundle();
    let zip = dist.path().join(format!("{name}.zip"));
    assert_quiet_on_closed_pipe(&["verify", zip.to_str().unwrap()]);
}

#[test]
fn fmt_check_into_a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("events.csv");
    let canonical = std::fs::read_to_string(root().join("tests/fixtures/valid.csv")).unwrap();
    std::fs::write(&f, canonical.replace('\n', "\r\n")).unwrap();
    // Not canonical: exit 1 whether or not anyone reads the report, and no error message.
    let (code, err) =
        with_closed_stdout(&["fmt", "--check", "--schema", SCHEMA, f.to_str().unwrap()]);
    assert_eq!((code, err.as_str()), (Some(1), ""));
}

// ---- item 12: SHA256SUMS names only files inside the bundle ----

#[test]
fn verify_refuses_sums_naming_files_outside_the_bundle() {
    let (tmp, dir) = bundle_dir_copy();
    std::fs::write(tmp.path().join("secret.txt"), "secret\n").unwrap();
    let sums = dir.join("SHA256SUMS");
    let mut text = std::fs::read_to_string(&sums).unwrap();
    let hash = "0".repeat(64);
    for p in [
        "../secret.txt",
        "/etc/hostname",
        "schema/../../secret.txt",
        "..\\secret.txt",
        "./README.md",
    ] {
        text.push_str(&format!("{hash}  {p}\n"));
    }
    std::fs::write(&sums, text).unwrap();
    let (code, out, err) = verify(&dir);
    assert_eq!(code, 1, "{out}{err}");
    for p in [
        "\"../secret.txt\" in SHA256SUMS is a path that is not a plain relative path inside the bundle",
        "\"/etc/hostname\" in SHA256SUMS is an absolute path",
        "\"schema/../../secret.txt\" in SHA256SUMS is a path that is not",
        "\"..\\\\secret.txt\" in SHA256SUMS is a path with a backslash",
        "\"./README.md\" in SHA256SUMS is a path that is not",
    ] {
        assert!(out.contains(p), "{p} not in:\n{out}");
    }
    // Only the bundle's own files were hashed.
    let files = std::fs::read_to_string(dist_sums())
        .unwrap()
        .lines()
        .count();
    assert!(
        out.contains(&format!("{files} checksum(s) checked")),
        "{out}"
    );
}

fn dist_sums() -> PathBuf {
    let (dist, name) = bundle();
    dist.path().join(name).join("SHA256SUMS")
}

#[test]
fn verify_refuses_a_symlink_inside_a_bundle_directory() {
    let (_tmp, dir) = bundle_dir_copy();
    let readme = dir.join("README.md");
    std::fs::remove_file(&readme).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", &readme).unwrap();
    let (code, out, err) = verify(&dir);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("README.md: a symbolic link; a bundle holds only regular files"),
        "{out}"
    );
}

// ---- items 14, 15 and 19: hostile zips ----

#[test]
fn verify_refuses_a_zip_with_two_entries_of_one_name() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("dup.zip");
    // The zip crate refuses to write a duplicate: patch the second name after writing.
    write_zip(
        &zip,
        &[("b/README.md", b"tampered"), ("b/README.mX", b"genuine")],
    );
    let bytes = std::fs::read(&zip).unwrap();
    let patched = replace_all(&bytes, b"b/README.mX", b"b/README.md");
    std::fs::write(&zip, patched).unwrap();
    let (code, out, err) = verify(&zip);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("two entries are named \"b/README.md\""),
        "{err}"
    );
    let zip = dir.path().join("alias.zip");
    write_zip(
        &zip,
        &[("b/README.md", b"genuine"), ("b//README.md", b"tampered")],
    );
    let (code, out, err) = verify(&zip);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("two entries extract to the same file as \"b//README.md\""),
        "{err}"
    );
}

#[test]
fn verify_refuses_a_zip_that_names_one_path_as_a_file_and_a_folder() {
    // The real bundle plus one entry that uses README.md as a folder: which one an extracting
    // tool keeps differs from tool to tool, so the archive is refused.
    let dir = tempfile::tempdir().unwrap();
    let (dist, name) = bundle();
    let readme = format!("{name}/README.md");
    for extra in [format!("{readme}/"), format!("{readme}/x")] {
        let zip = dir.path().join("both.zip");
        let mut real = zip::ZipArchive::new(
            std::fs::File::open(dist.path().join(format!("{name}.zip"))).unwrap(),
        )
        .unwrap();
        let mut z = zip::ZipWriter::new(std::fs::File::create(&zip).unwrap());
        for i in 0..real.len() {
            z.raw_copy_file(real.by_index_raw(i).unwrap()).unwrap();
        }
        let opts = zip::write::SimpleFileOptions::default();
        if extra.ends_with('/') {
            z.add_directory(extra.as_str(), opts).unwrap();
        } else {
            z.start_file(extra.as_str(), opts).unwrap();
            z.write_all(b"x").unwrap();
        }
        z.finish().unwrap();
        let (code, out, err) = verify(&zip);
        assert_eq!(code, 1, "{extra}: {out}{err}");
        assert!(
            err.contains(&format!(
                "\"{readme}\" is both a file and a folder in the archive"
            )),
            "{extra}: {err}"
        );
    }
}

fn replace_all(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < hay.len() {
        if hay[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
    out
}

#[test]
fn verify_refuses_a_zip_bomb_before_extracting_it() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("bomb.zip");
    let zeros = vec![0u8; 16 << 20];
    write_zip(&zip, &[("b/events.csv", &zeros)]);
    assert!(std::fs::metadata(&zip).unwrap().len() < 100_000);
    let (code, out, err) = verify(&zip);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("b/events.csv expands")
            && err.contains("more than the limit of 200: a zip bomb?"),
        "{err}"
    );
}

#[test]
fn verify_refuses_zip_entries_that_leave_the_folder_or_are_links() {
    let dir = tempfile::tempdir().unwrap();
    for (i, name) in ["b/../../evil.txt", "/etc/evil.txt", "b\\..\\evil.txt"]
        .iter()
        .enumerate()
    {
        let zip = dir.path().join(format!("unsafe{i}.zip"));
        write_zip(&zip, &[("b/README.md", b"x"), (name, b"x")]);
        let (code, out, err) = verify(&zip);
        assert_eq!(code, 1, "{name}: {out}{err}");
        assert!(err.contains("unsafe path in archive"), "{name}: {err}");
    }
    let zip = dir.path().join("link.zip");
    {
        let mut z = zip::ZipWriter::new(std::fs::File::create(&zip).unwrap());
        let opts = zip::write::SimpleFileOptions::default();
        z.add_symlink("b/SHA256SUMS", "/etc/hostname", opts)
            .unwrap();
        z.finish().unwrap();
    }
    let (code, out, err) = verify(&zip);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("\"b/SHA256SUMS\" is a symbolic link"), "{err}");
}

#[test]
fn verify_refuses_an_absurd_number_of_entries() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("many.zip");
    let names: Vec<String> = (0..10_001).map(|i| format!("b/{i}")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    write_zip(&zip, &entries);
    let (code, out, err) = verify(&zip);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("more than 10000 entries"), "{err}");
}

#[test]
fn verify_refuses_a_zip_whose_top_folder_was_renamed() {
    let (dist, name) = bundle();
    let original = dist.path().join(format!("{name}.zip"));
    let dir = tempfile::tempdir().unwrap();
    let renamed = dir.path().join("aabc-events-9.9.9.zip");
    {
        let mut src = zip::ZipArchive::new(std::fs::File::open(&original).unwrap()).unwrap();
        let mut z = zip::ZipWriter::new(std::fs::File::create(&renamed).unwrap());
        let opts = zip::write::SimpleFileOptions::default();
        for i in 0..src.len() {
            let mut e = src.by_index(i).unwrap();
            let mut bytes = Vec::new();
            e.read_to_end(&mut bytes).unwrap();
            let new_name = e.name().replacen(name.as_str(), "aabc-events-9.9.9", 1);
            z.start_file(new_name, opts).unwrap();
            z.write_all(&bytes).unwrap();
        }
        z.finish().unwrap();
    }
    // The original verifies.
    let (code, out, err) = verify(&original);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = verify(&renamed);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains(&format!(
            "the archive's top folder is \"aabc-events-9.9.9\" but its dataset.json describes \"{name}\""
        )),
        "{out}"
    );
}

// ---- item 20: a Parquet file another tool wrote ----

#[test]
fn verify_reads_parquet_that_another_tool_wrote() {
    use arrow::array::{Array, ArrayRef};
    use arrow::datatypes::{DataType, Field, Schema};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use std::sync::Arc;
    let (_tmp, dir) = bundle_dir_copy();
    let path = dir.join("events.parquet");
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&path).unwrap()).unwrap();
    let kv = builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .cloned();
    let batches: Vec<_> = builder.build().unwrap().map(|b| b.unwrap()).collect();
    // What pyarrow or polars may write: large strings, dictionaries with 16-bit keys of large
    // strings, lists of large strings.
    let widen = |t: &DataType| match t {
        DataType::Utf8 => DataType::LargeUtf8,
        DataType::Dictionary(_, _) => {
            DataType::Dictionary(Box::new(DataType::Int16), Box::new(DataType::LargeUtf8))
        }
        DataType::List(f) => DataType::LargeList(Arc::new(
            f.as_ref().clone().with_data_type(DataType::LargeUtf8),
        )),
        other => other.clone(),
    };
    let fields: Vec<Field> = batches[0]
        .schema()
        .fields()
        .iter()
        .map(|f| f.as_ref().clone().with_data_type(widen(f.data_type())))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    assert!(
        schema
            .fields()
            .iter()
            .any(|f| matches!(f.data_type(), DataType::Dictionary(_, _))),
        "the test needs a dictionary column"
    );
    let props = parquet::file::properties::WriterProperties::builder()
        .set_key_value_metadata(kv)
        .build();
    let file = std::fs::File::create(&path).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(file, schema.clone(), Some(props)).unwrap();
    for b in &batches {
        let cols: Vec<ArrayRef> = b
            .columns()
            .iter()
            .zip(schema.fields())
            .map(|(c, f)| arrow::compute::cast(c, f.data_type()).unwrap())
            .collect();
        assert_eq!(cols[0].len(), b.num_rows());
        w.write(&arrow::record_batch::RecordBatch::try_new(schema.clone(), cols).unwrap())
            .unwrap();
    }
    w.close().unwrap();
    // Record the new file's checksum, as a tool that rewrote it would.
    let hash = {
        use sha2::Digest;
        let d = sha2::Sha256::digest(std::fs::read(&path).unwrap());
        d.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    let sums = dir.join("SHA256SUMS");
    let text: String = std::fs::read_to_string(&sums)
        .unwrap()
        .lines()
        .map(|l| {
            if l.ends_with("  events.parquet") {
                format!("{hash}  events.parquet\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&sums, text).unwrap();
    let (code, out, err) = verify(&dir);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn verify_refuses_sums_that_list_a_file_twice() {
    let (_tmp, dir) = bundle_dir_copy();
    let sums = dir.join("SHA256SUMS");
    let text = std::fs::read_to_string(&sums).unwrap();
    let first = text.lines().next().unwrap().to_string();
    std::fs::write(&sums, format!("{text}{first}\n")).unwrap();
    let (code, out, _) = run_aabc(&["verify", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("SHA256SUMS lists a file more than once"),
        "{out}"
    );
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
