//! Writing output files without losing or leaking anything: atomic replacement of regular
//! files, writing through to devices and FIFOs, following symlinks, temporary names that carry
//! the creating process id, and removal of the temporaries that killed runs left behind.
//!
//! What happens to an output path depends on what is there ([`Output::create`]):
//! - nothing, or a regular file: the bytes go to a temporary file in the same directory, which
//!   is synced and renamed over the path, so a failure (or `kill -9`) leaves the old file intact;
//! - a symlink: it is followed (through every level) and its final target is replaced
//!   atomically as above; the link stays a link. A loop is an error that says so;
//! - a character device (`/dev/null`, a terminal) or a FIFO: the bytes are written through to
//!   it, as a shell redirection would; it is never replaced by a regular file;
//! - a directory, a block device or a socket: refused.
//!
//! Temporaries are named `.aabc-tmp.<pid>.<label>.<random>`, and the run that creates one holds
//! an exclusive `flock` on it (on the directory, for a temporary directory) until it is renamed
//! into place or removed. Every run that creates one first removes, from the same directory,
//! the stale temporaries of killed runs: those whose process does not exist (Linux: no
//! `/proc/<pid>`) *and* that nobody holds a lock on. A process id alone is not proof: a run in
//! another PID namespace (a container on a shared volume) or on another host (NFS) is not
//! visible here, but its lock is. On a file system without locks, a temporary of a process not
//! seen here is removed only once it is a day old.

use crate::error::{Error, Result};
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Start of the name of every temporary file or directory this crate creates beside an output.
pub const TMP_PREFIX: &str = ".aabc-tmp.";

/// How many symlinks are followed before the path is declared a loop (as Linux's `ELOOP`).
const MAX_LINKS: usize = 40;

/// The prefix of a temporary of this process: `.aabc-tmp.<pid>.<label>.`.
fn prefix(label: &str) -> String {
    let label: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{TMP_PREFIX}{}.{label}.", std::process::id())
}

/// The directory a path's temporaries go to (its parent, `.` for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// How old a temporary of a process not seen here must be before it is removed, on a file
/// system that cannot tell whether it is locked.
const UNLOCKABLE_AGE: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// A new temporary file in `dir`, locked while it is open, after removing stale temporaries
/// there.
pub fn temp_file_in(dir: &Path, label: &str) -> Result<tempfile::NamedTempFile> {
    clean_stale(dir);
    let tmp = tempfile::Builder::new()
        .prefix(&prefix(label))
        .tempfile_in(dir)
        .map_err(|e| io_error(dir, e))?;
    // Not locked where the file system has no locks: the age then guards it.
    let _ = try_lock(tmp.as_file());
    Ok(tmp)
}

/// A temporary directory beside an output, removed when dropped, and locked while it exists
/// (see the module documentation).
pub struct TempDir {
    // Dropped first: the directory is removed while the lock is still held.
    dir: tempfile::TempDir,
    _lock: Option<File>,
}

impl TempDir {
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Keeps the directory (to rename it into place): it is no longer removed, nor locked.
    pub fn keep(self) -> PathBuf {
        self.dir.keep()
    }
}

/// A new temporary directory in `dir`, locked while it exists, after removing stale
/// temporaries there.
pub fn temp_dir_in(dir: &Path, label: &str) -> Result<TempDir> {
    clean_stale(dir);
    let tmp = tempfile::Builder::new()
        .prefix(&prefix(label))
        .tempdir_in(dir)
        .map_err(|e| io_error(dir, e))?;
    let lock = File::open(tmp.path()).ok().filter(|f| try_lock(f).is_ok());
    Ok(TempDir {
        dir: tmp,
        _lock: lock,
    })
}

/// Takes an exclusive lock on an open file or directory without waiting. It lasts until every
/// handle of this opening is closed (or the process ends, however it ends).
fn try_lock(file: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use rustix::fs::{flock, FlockOperation};
        flock(file, FlockOperation::NonBlockingLockExclusive).map_err(io::Error::from)
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        Err(io::Error::from(io::ErrorKind::Unsupported))
    }
}

/// The process id a temporary's name carries, if it is one of ours.
fn owner(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(TMP_PREFIX)?;
    let (pid, _) = rest.split_once('.')?;
    pid.parse().ok()
}

/// Whether a process exists. Without `/proc` nothing can be known: assume it does.
fn alive(pid: u32) -> bool {
    if !Path::new("/proc/self").exists() {
        return true;
    }
    Path::new("/proc").join(pid.to_string()).exists()
}

/// Removes, best effort, the temporaries in `dir` that killed runs left behind (see the
/// module documentation). Returns how many were removed.
pub fn clean_stale(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name.to_str().and_then(owner) else {
            continue;
        };
        if pid == std::process::id() || alive(pid) {
            continue;
        }
        if remove_unlocked(&e.path()) {
            removed += 1;
        }
    }
    removed
}

/// Removes a temporary of a process not seen here, unless a live run (elsewhere) holds its
/// lock. The lock is taken first and held during the removal, so a run cannot start using it
/// in between.
fn remove_unlocked(p: &Path) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(p) else {
        return false;
    };
    // Only a file or a directory is opened (a FIFO would wait for a writer); anything else, a
    // symlink included, is removed as a name, its target left alone.
    let handle = (meta.is_file() || meta.is_dir()).then(|| File::open(p));
    let _lock = match handle {
        Some(Ok(f)) => match try_lock(&f) {
            Ok(()) => Some(f),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return false,
            Err(_) if !older_than(&meta, UNLOCKABLE_AGE) => return false,
            Err(_) => None,
        },
        Some(Err(_)) if !older_than(&meta, UNLOCKABLE_AGE) => return false,
        _ => None,
    };
    let gone = if meta.is_dir() {
        std::fs::remove_dir_all(p)
    } else {
        std::fs::remove_file(p)
    };
    gone.is_ok()
}

/// Whether a file was last modified more than `age` ago.
fn older_than(meta: &std::fs::Metadata, age: std::time::Duration) -> bool {
    meta.modified()
        .ok()
        .and_then(|m| m.elapsed().ok())
        .is_some_and(|elapsed| elapsed > age)
}

/// An I/O error about `path`, with a message a user can act on when the disk is full.
pub fn io_error(path: &Path, e: io::Error) -> Error {
    if e.kind() == io::ErrorKind::StorageFull {
        return Error::io(
            path,
            io::Error::new(
                io::ErrorKind::StorageFull,
                format!("disk full while writing this file; free some space and run again ({e})"),
            ),
        );
    }
    Error::io(path, e)
}

/// What an output path is, once symlinks are followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A regular file, or nothing yet: replaced atomically by rename.
    Replace(PathBuf),
    /// A character device or a FIFO: written through.
    Through(PathBuf),
}

/// Follows symlinks and decides how `path` is written (see the module documentation).
pub fn resolve(path: &Path) -> Result<Target> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(Target::Replace(dangling(path)?))
        }
        // A loop says so ("Too many levels of symbolic links"), not "no such file".
        Err(e) => return Err(Error::io(path, e)),
    };
    let t = meta.file_type();
    if t.is_file() {
        let linked = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        if !linked {
            return Ok(Target::Replace(path.to_path_buf()));
        }
        let real = std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
        return Ok(Target::Replace(real));
    }
    if t.is_dir() {
        return Err(Error::io(
            path,
            io::Error::new(
                io::ErrorKind::IsADirectory,
                "is a directory: name a file to write",
            ),
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        // `/dev/stdout` is a link to a pipe, a terminal or a file: opened, it is followed.
        if t.is_char_device() || t.is_fifo() {
            return Ok(Target::Through(path.to_path_buf()));
        }
    }
    Err(Error::io(
        path,
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "is a block device or a socket: refusing to write into it; name a regular file",
        ),
    ))
}

/// The file to create for a path that does not exist: the path itself, or the end of the
/// chain of symlinks that leads nowhere (the link then points at the new file).
fn dangling(path: &Path) -> Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..=MAX_LINKS {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&p).map_err(|e| Error::io(&p, e))?;
                p = parent_dir(&p).join(to);
            }
            _ => return Ok(p),
        }
    }
    Err(Error::io(
        path,
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("more than {MAX_LINKS} levels of symbolic links (a symlink loop?)"),
        ),
    ))
}

/// An output file being written: a temporary beside the target, or the device or FIFO itself.
/// Dropped without [`Output::commit`], a temporary is removed and the target is untouched.
pub struct Output {
    /// The path as the user named it (for messages).
    shown: PathBuf,
    sink: Sink,
    /// The first write error (kind and message), kept to explain a failure in the user's words.
    failed: Option<(io::ErrorKind, String)>,
}

enum Sink {
    Temp {
        tmp: tempfile::NamedTempFile,
        target: PathBuf,
    },
    Through(File),
}

impl Output {
    /// Opens an output for `path`; `label` goes into the temporary's name.
    pub fn create(path: &Path, label: &str) -> Result<Output> {
        let sink = match resolve(path)? {
            Target::Through(p) => Sink::Through(
                OpenOptions::new()
                    .write(true)
                    .open(&p)
                    .map_err(|e| io_error(path, e))?,
            ),
            Target::Replace(target) => Sink::Temp {
                tmp: temp_file_in(parent_dir(&target), label)?,
                target,
            },
        };
        Ok(Output {
            shown: path.to_path_buf(),
            sink,
            failed: None,
        })
    }

    fn file(&mut self) -> &mut File {
        match &mut self.sink {
            Sink::Temp { tmp, .. } => tmp.as_file_mut(),
            Sink::Through(f) => f,
        }
    }

    /// Turns the error of a failed write into the I/O error that caused it, about this file,
    /// whatever layer turned it into words: a full disk is named as such, and a closed pipe
    /// stays recognisable (`main` ends quietly on it).
    pub fn explain(&self, e: Error) -> Error {
        match &self.failed {
            Some((kind, message)) => io_error(&self.shown, io::Error::new(*kind, message.clone())),
            None => e,
        }
    }

    /// Finishes the file: a temporary is synced, given the permissions of the file it replaces
    /// (or those of an ordinary new file) and renamed over the target.
    pub fn commit(mut self) -> Result<()> {
        let shown = self.shown.clone();
        match self.sink {
            Sink::Through(ref mut f) => f.flush().map_err(|e| io_error(&shown, e)),
            Sink::Temp { tmp, target } => persist_file(tmp, &target, &shown),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let r = self.file().write(buf);
        if let Err(e) = &r {
            self.failed.get_or_insert((e.kind(), e.to_string()));
        }
        r
    }

    fn flush(&mut self) -> io::Result<()> {
        let r = self.file().flush();
        if let Err(e) = &r {
            self.failed.get_or_insert((e.kind(), e.to_string()));
        }
        r
    }
}

/// Writes `bytes` to `path` as described in the module documentation.
pub fn write_file(path: &Path, bytes: &[u8], label: &str) -> Result<()> {
    let mut out = Output::create(path, label)?;
    if let Err(e) = out.write_all(bytes).and_then(|_| out.flush()) {
        return Err(io_error(path, e));
    }
    out.commit()
}

/// Moves a finished temporary file over `target` (already resolved: not a link, not special).
fn persist_file(tmp: tempfile::NamedTempFile, target: &Path, shown: &Path) -> Result<()> {
    finish(&tmp, target, shown)?;
    tmp.persist(target).map_err(|e| Error::io(shown, e.error))?;
    Ok(())
}

/// Makes a temporary ready to replace `target`: synced, with the permissions of the file it
/// replaces (or those of an ordinary new file).
fn finish(tmp: &tempfile::NamedTempFile, target: &Path, shown: &Path) -> Result<()> {
    tmp.as_file().sync_all().map_err(|e| io_error(shown, e))?;
    match std::fs::metadata(target) {
        Ok(meta) => {
            let _ = tmp.as_file().set_permissions(meta.permissions());
        }
        Err(_) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = tmp
                    .as_file()
                    .set_permissions(std::fs::Permissions::from_mode(0o644));
            }
        }
    }
    Ok(())
}

/// What a file held when it was read, so that a command that rewrites it (`aabc fmt`) can
/// tell, just before the rename, whether another program wrote to it meanwhile (an editor
/// saving, a script appending a row) and keep that write instead of replacing it with a
/// rewrite of the older bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    len: u64,
    /// Catches a write that restores the same bytes in between.
    modified: Option<std::time::SystemTime>,
    hash: u64,
}

impl Snapshot {
    /// Reads the file at `path` whole: its bytes, and what they were.
    pub fn read(path: &Path) -> Result<(Vec<u8>, Snapshot)> {
        let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
        // The time is taken before the bytes: a write during the read then shows as a change.
        let meta = file.metadata().map_err(|e| Error::io(path, e))?;
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        io::Read::read_to_end(&mut file, &mut bytes).map_err(|e| Error::io(path, e))?;
        let snapshot = Snapshot {
            len: bytes.len() as u64,
            modified: meta.modified().ok(),
            hash: xxhash_rust::xxh3::xxh3_64(&bytes),
        };
        Ok((bytes, snapshot))
    }

    /// Whether the file at `path` still holds what was read: same size and time, and the
    /// same bytes.
    pub fn unchanged(&self, path: &Path) -> Result<bool> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.len() != self.len || meta.modified().ok() != self.modified {
            return Ok(false);
        }
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Ok(xxhash_rust::xxh3::xxh3_64(&bytes) == self.hash && bytes.len() as u64 == self.len)
    }
}

/// Replaces the regular file at `path` with `bytes` (atomically, as [`write_file`] does),
/// unless it no longer holds what `snapshot` read: then nothing is written, the other
/// program's write is kept, and the error says so (exit 2: nothing was decided about the
/// data). The check comes after the new bytes are on disk, right before the rename.
pub fn replace_unchanged(
    path: &Path,
    snapshot: &Snapshot,
    bytes: &[u8],
    label: &str,
) -> Result<()> {
    let Target::Replace(target) = resolve(path)? else {
        return Err(not_a_file(path));
    };
    let mut tmp = temp_file_in(parent_dir(&target), label)?;
    tmp.write_all(bytes).map_err(|e| io_error(path, e))?;
    finish(&tmp, &target, path)?;
    if !snapshot.unchanged(&target)? {
        return Err(Error::io(
            path,
            io::Error::other(
                "changed while it was being rewritten (another program wrote to it): left as that program wrote it; run the command again",
            ),
        ));
    }
    tmp.persist(&target).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// The error for a path that must be a regular file (to be rewritten in place).
pub fn not_a_file(path: &Path) -> Error {
    Error::io(
        path,
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file; it is rewritten in place",
        ),
    )
}

/// Moves a temporary file written elsewhere into place at `path`, following the rules of the
/// module documentation: a symlink's target is replaced, a device or FIFO receives a copy of
/// the bytes, a directory is refused.
pub fn persist(tmp: tempfile::NamedTempFile, path: &Path) -> Result<()> {
    match resolve(path)? {
        Target::Replace(target) => persist_file(tmp, &target, path),
        Target::Through(p) => {
            let mut f = OpenOptions::new()
                .write(true)
                .open(&p)
                .map_err(|e| io_error(path, e))?;
            let mut src = File::open(tmp.path()).map_err(|e| Error::io(tmp.path(), e))?;
            io::copy(&mut src, &mut f).map_err(|e| io_error(path, e))?;
            f.flush().map_err(|e| io_error(path, e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_carry_the_pid_and_parse_back() {
        let p = prefix("aabc-1.1.0");
        assert!(p.starts_with(&format!(".aabc-tmp.{}.aabc-1_1_0.", std::process::id())));
        assert_eq!(owner(&format!("{p}XyZ123")), Some(std::process::id()));
        assert_eq!(owner(".tmpAbc"), None);
        assert_eq!(owner(".aabc-tmp.x.y"), None);
    }

    #[test]
    fn stale_temporaries_of_dead_processes_are_removed_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        // A pid above the kernel's maximum (4194304) never exists.
        let dead = dir.path().join(".aabc-tmp.99999999.events.abc");
        let dead_dir = dir.path().join(".aabc-tmp.99999998.bundle.def");
        std::fs::write(&dead, b"x").unwrap();
        std::fs::create_dir(&dead_dir).unwrap();
        std::fs::write(dead_dir.join("f"), b"x").unwrap();
        // pid 1 is always alive.
        let live = dir.path().join(".aabc-tmp.1.events.ghi");
        std::fs::write(&live, b"x").unwrap();
        let other = dir.path().join("events.csv");
        std::fs::write(&other, b"x").unwrap();
        let t = temp_file_in(dir.path(), "events").unwrap();
        assert!(!dead.exists() && !dead_dir.exists());
        assert!(live.exists() && other.exists() && t.path().exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_loop_is_named_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        std::os::unix::fs::symlink(&b, &a).unwrap();
        std::os::unix::fs::symlink(&a, &b).unwrap();
        let err = resolve(&a).unwrap_err().to_string();
        assert!(err.contains("Too many levels of symbolic links"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_dangling_symlink_creates_its_target_and_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink("new.csv", &link).unwrap();
        write_file(&link, b"x\n", "t").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(dir.path().join("new.csv")).unwrap(), b"x\n");
    }

    #[test]
    fn a_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_file(dir.path(), b"x", "t").unwrap_err().to_string();
        assert!(err.contains("is a directory"), "{err}");
    }
}
