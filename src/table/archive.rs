//! Opening an archive someone hands you (a release zip) without trusting it: every name is
//! checked before anything is written, entries are streamed to disk, and sizes are capped, so a
//! hostile zip can neither write outside the folder it is extracted to nor fill the disk or
//! the memory. And writing a release archive ([`write`]) with reproducible bytes.

use crate::error::{Error, Result};
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

/// Most entries a bundle zip may hold (a bundle has a few dozen files).
pub const MAX_ENTRIES: usize = 10_000;
/// Most bytes a bundle zip may expand to, all entries together (8 GiB).
pub const MAX_TOTAL_BYTES: u64 = 8 << 30;
/// Highest compression ratio (uncompressed / compressed) accepted for an entry larger than
/// [`RATIO_FLOOR`], and for all entries together once they pass it: real CSV, JSON and
/// Parquet stay far below (a release zip expands about 5-fold); a zip bomb does not.
pub const MAX_RATIO: u64 = 200;
/// Entries up to this size (1 MiB), and archives up to it in all, are not held to
/// [`MAX_RATIO`].
pub const RATIO_FLOOR: u64 = 1 << 20;
/// Largest `SHA256SUMS` read from an archive: a line for each of [`MAX_ENTRIES`] files.
const MAX_SUMS_BYTES: u64 = 4 << 20;
/// Name of the checksum file every bundle zip holds in its top folder.
const SUMS: &str = "SHA256SUMS";

/// Extracts a bundle zip (one top-level directory, no path leaving it) and returns that
/// directory.
///
/// Hostile archives are refused before or while extracting, never trusted: more than
/// [`MAX_ENTRIES`] entries (counted from the end-of-central-directory record before the
/// central directory is read), two entries with the same name or a path named as a file by
/// one entry and as a folder by another (tools disagree on which one they extract), a name
/// that is absolute, climbs out (`..`), holds a backslash or a drive, a symlink entry, no
/// `SHA256SUMS` in the top folder or a file it does not list, an entry that expands beyond
/// the size its header declares, beyond [`MAX_TOTAL_BYTES`] in all, or beyond [`MAX_RATIO`]
/// times its compressed size (each entry, and all of them together). Entries are streamed to
/// disk: memory stays flat whatever their size.
pub fn extract(zip_path: &Path, into: &Path) -> Result<PathBuf> {
    let shown = crate::table::text::path(&zip_path.to_string_lossy());
    let bad = |m: String| {
        Error::Refused(format!(
            "{shown}: {m}; this is not a bundle `aabc release` wrote"
        ))
    };
    let mut file = std::fs::File::open(zip_path).map_err(|e| Error::io(zip_path, e))?;
    // No entry is compressed into more bytes than the archive has, whatever it declares.
    let zip_len = file.metadata().map_err(|e| Error::io(zip_path, e))?.len();
    check_declared_count(&mut file, zip_path, &bad)?;
    // Unreadable is "cannot run" (exit 2); readable but hostile is refused (exit 1).
    let mut z = zip::ZipArchive::new(file).map_err(|e| {
        let why = format!("not a readable zip archive: {e}");
        Error::io(
            zip_path,
            std::io::Error::new(std::io::ErrorKind::InvalidData, why),
        )
    })?;
    check_names(zip_path, &z, &bad)?;
    check_declared_sizes(&mut z, zip_len, &bad)?;
    let (top, files) = plan(&mut z, &bad)?;
    check_listed(&mut z, &top, &files, &bad)?;
    let (mut total, mut compressed) = (0u64, 0u64);
    for (i, rel) in &files {
        let mut entry = z.by_index(*i).map_err(|e| bad(e.to_string()))?;
        let name = entry.name().to_string();
        compressed += entry.compressed_size();
        total += write_entry(&mut entry, &name, &into.join(&top).join(rel), &bad)?;
        check_total(total, compressed.min(zip_len)).map_err(&bad)?;
    }
    Ok(into.join(top))
}

/// All entries together: at most [`MAX_TOTAL_BYTES`], and past [`RATIO_FLOOR`] at most
/// [`MAX_RATIO`] times their compressed size, so that many entries each small enough to be
/// exempt cannot add up to a bomb.
fn check_total(total: u64, compressed: u64) -> std::result::Result<(), String> {
    if total > MAX_TOTAL_BYTES {
        return Err(format!(
            "its entries expand to more than the limit of {MAX_TOTAL_BYTES} bytes"
        ));
    }
    let ratio = total / compressed.max(1);
    if total > RATIO_FLOOR && ratio > MAX_RATIO {
        return Err(format!(
            "its entries expand {ratio}-fold together ({compressed} to {total} bytes), more than the limit of {MAX_RATIO}: a zip bomb?"
        ));
    }
    Ok(())
}

/// The count of entries that the end-of-central-directory records declare, refused above
/// [`MAX_ENTRIES`] before the central directory is read (a zip reader reserves room for every
/// declared entry). Every candidate record in the archive's tail counts, and its Zip64 record
/// when it has one, so that no reader can pick a larger count than the one checked.
fn check_declared_count(
    file: &mut std::fs::File,
    zip_path: &Path,
    bad: &dyn Fn(String) -> Error,
) -> Result<()> {
    use std::io::{Seek, SeekFrom};
    const EOCD: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    const LOCATOR: [u8; 4] = [0x50, 0x4b, 0x06, 0x07];
    let io = |e| Error::io(zip_path, e);
    let len = file.metadata().map_err(io)?.len();
    let tail_len = len.min(22 + 0xFFFF + 20);
    file.seek(SeekFrom::Start(len - tail_len)).map_err(io)?;
    let mut tail = vec![0u8; tail_len as usize];
    file.read_exact(&mut tail).map_err(io)?;
    let u16_at = |b: &[u8], at: usize| u64::from(u16::from_le_bytes([b[at], b[at + 1]]));
    let mut most = 0u64;
    for at in (0..tail.len().saturating_sub(21)).filter(|&at| tail[at..at + 4] == EOCD) {
        let (on_disk, total) = (u16_at(&tail, at + 8), u16_at(&tail, at + 10));
        // 0xFFFF means "see the Zip64 record".
        most = most.max(on_disk.max(total) % 0xFFFF);
        if at >= 20 && tail[at - 20..at - 16] == LOCATOR {
            let offset = u64::from_le_bytes(tail[at - 12..at - 4].try_into().expect("8 bytes"));
            most = most.max(zip64_count(file, offset).map_err(io)?.unwrap_or(0xFFFF));
        } else if total == 0xFFFF || on_disk == 0xFFFF {
            most = most.max(0xFFFF);
        }
    }
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    if most > MAX_ENTRIES as u64 {
        return Err(bad(format!(
            "its end of central directory declares {most} entries, more than {MAX_ENTRIES} entries"
        )));
    }
    Ok(())
}

/// The larger entry count of the Zip64 end-of-central-directory record at `offset`, if one is
/// there.
fn zip64_count(file: &mut std::fs::File, offset: u64) -> std::io::Result<Option<u64>> {
    use std::io::{Seek, SeekFrom};
    let mut record = [0u8; 40];
    file.seek(SeekFrom::Start(offset))?;
    if file.read_exact(&mut record).is_err() || record[..4] != [0x50, 0x4b, 0x06, 0x06] {
        return Ok(None);
    }
    let u64_at = |at: usize| u64::from_le_bytes(record[at..at + 8].try_into().expect("8 bytes"));
    Ok(Some(u64_at(24).max(u64_at(32))))
}

/// The archive's one top folder and its file entries (index, path inside the top folder), each
/// name checked to stay inside it; nothing is written yet.
fn plan(
    z: &mut zip::ZipArchive<std::fs::File>,
    bad: &dyn Fn(String) -> Error,
) -> Result<(String, Vec<(usize, String)>)> {
    let mut top: Option<String> = None;
    let mut files = Vec::new();
    for i in 0..z.len() {
        let entry = z.by_index_raw(i).map_err(|e| bad(e.to_string()))?;
        let rel = safe_relative_path(&entry, bad)?;
        let mut parts = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        let first = parts.next().unwrap_or_default();
        match &top {
            None => top = Some(first),
            Some(t) if *t != first => {
                return Err(bad(format!(
                    "entries under more than one directory ({t}, {first})"
                )))
            }
            _ => {}
        }
        let inside: Vec<String> = parts.collect();
        if !entry.is_dir() && !inside.is_empty() {
            files.push((i, inside.join("/")));
        } else if !entry.is_dir() {
            return Err(bad(format!(
                "{:?} is a file outside any folder",
                entry.name()
            )));
        }
    }
    let top = top.ok_or_else(|| bad("the archive is empty".into()))?;
    Ok((top, files))
}

/// Every file entry must be `SHA256SUMS` or a file it lists: an entry that nothing vouches for
/// is refused before anything is written.
fn check_listed(
    z: &mut zip::ZipArchive<std::fs::File>,
    top: &str,
    files: &[(usize, String)],
    bad: &dyn Fn(String) -> Error,
) -> Result<()> {
    let Some((sums_index, _)) = files.iter().find(|(_, rel)| rel == SUMS) else {
        return Err(bad(if files.is_empty() {
            format!("the archive holds no files, only the folder {top:?}")
        } else {
            format!("the archive holds no {SUMS} in its folder {top:?}")
        }));
    };
    let mut text = String::new();
    z.by_index(*sums_index)
        .map_err(|e| bad(e.to_string()))?
        .take(MAX_SUMS_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| bad(format!("its {SUMS} cannot be read: {e}")))?;
    if text.len() as u64 > MAX_SUMS_BYTES {
        return Err(bad(format!(
            "its {SUMS} is larger than {MAX_SUMS_BYTES} bytes"
        )));
    }
    let listed = crate::release::checksum::parse_sums(&text)
        .map_err(|m| bad(format!("its {SUMS} cannot be read: {m}")))?;
    let listed: std::collections::HashSet<&str> = listed.iter().map(|l| l.path.as_str()).collect();
    match files
        .iter()
        .find(|(_, rel)| rel != SUMS && !listed.contains(rel.as_str()))
    {
        Some((_, rel)) => Err(bad(format!(
            "\"{top}/{rel}\" is not listed in its {SUMS}: an entry nothing vouches for is not extracted"
        ))),
        None => Ok(()),
    }
}

/// Names first, from the central directory itself: at most [`MAX_ENTRIES`], none twice (the
/// zip crate keeps the last of two entries with one name), none both a file and a folder.
fn check_names(
    zip_path: &Path,
    z: &zip::ZipArchive<std::fs::File>,
    bad: &dyn Fn(String) -> Error,
) -> Result<()> {
    let names = central_directory_names(zip_path, z.central_directory_start(), bad)?;
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = names.iter().find(|n| !seen.insert(n.as_slice())) {
        return Err(bad(format!(
            "two entries are named {:?}",
            String::from_utf8_lossy(dup)
        )));
    }
    // `b//x` beside `b/x`: two names for one file (empty parts are dropped on extraction).
    let mut extracted = std::collections::HashSet::new();
    if let Some(alias) = names.iter().find(|n| {
        let name = String::from_utf8_lossy(n);
        let parts: Vec<&str> = name.split('/').filter(|p| !p.is_empty()).collect();
        !extracted.insert((parts.join("/"), name.ends_with('/')))
    }) {
        return Err(bad(format!(
            "two entries extract to the same file as {:?}",
            String::from_utf8_lossy(alias)
        )));
    }
    if names.len() != z.len() {
        return Err(bad("the central directory holds entries twice".into()));
    }
    if let Some(name) = file_and_folder(&names) {
        return Err(bad(format!(
            "{name:?} is both a file and a folder in the archive"
        )));
    }
    Ok(())
}

/// Declared sizes before anything is written: a bomb is refused before a byte reaches the disk.
fn check_declared_sizes(
    z: &mut zip::ZipArchive<std::fs::File>,
    zip_len: u64,
    bad: &dyn Fn(String) -> Error,
) -> Result<()> {
    let (mut declared_total, mut compressed_total) = (0u64, 0u64);
    for i in 0..z.len() {
        let entry = z.by_index_raw(i).map_err(|e| bad(e.to_string()))?;
        declared_total = declared_total.saturating_add(entry.size());
        let compressed = entry.compressed_size().min(zip_len);
        compressed_total = compressed_total.saturating_add(compressed);
        check_ratio(entry.name(), entry.size(), compressed).map_err(bad)?;
    }
    if declared_total > MAX_TOTAL_BYTES {
        return Err(bad(format!(
            "its entries expand to {declared_total} bytes, more than the limit of {MAX_TOTAL_BYTES}"
        )));
    }
    check_total(declared_total, compressed_total.min(zip_len)).map_err(bad)
}

/// The entry's name as a relative path that stays inside the folder: no absolute path, no
/// `..`, no backslash or drive, no symlink.
fn safe_relative_path(
    entry: &zip::read::ZipFile<'_, std::fs::File>,
    bad: &dyn Fn(String) -> Error,
) -> Result<PathBuf> {
    let name = entry.name();
    let rel = Path::new(name);
    if name.contains('\\')
        || name.contains(':')
        || entry.enclosed_name().is_none()
        || rel.components().any(|c| !matches!(c, Component::Normal(_)))
    {
        return Err(bad(format!("unsafe path in archive: {name:?}")));
    }
    if entry.is_symlink() {
        return Err(bad(format!("{name:?} is a symbolic link")));
    }
    Ok(rel.to_path_buf())
}

/// Streams one entry to a new file at `out` (never over an existing one) and returns its size;
/// refuses an entry that expands beyond its declared size or [`MAX_RATIO`].
fn write_entry(
    entry: &mut zip::read::ZipFile<'_, std::fs::File>,
    name: &str,
    out: &Path,
    bad: &dyn Fn(String) -> Error,
) -> Result<u64> {
    if let Some(p) = out.parent() {
        std::fs::create_dir_all(p).map_err(|e| Error::io(p, e))?;
    }
    let declared = entry.size();
    let compressed = entry.compressed_size();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(out)
        .map_err(|e| match e.kind() {
            // `b//x` after `b/x`: two names for one file.
            std::io::ErrorKind::AlreadyExists => {
                bad(format!("two entries extract to the same file as {name:?}"))
            }
            _ => crate::table::atomic::io_error(out, e),
        })?;
    let mut w = std::io::BufWriter::new(file);
    // One byte more than declared, to notice an entry that lies about its size.
    let n =
        std::io::copy(&mut entry.take(declared.saturating_add(1)), &mut w).map_err(|e| match e
            .kind()
        {
            std::io::ErrorKind::StorageFull => crate::table::atomic::io_error(out, e),
            _ => bad(format!("{name}: {e}")),
        })?;
    if n > declared {
        return Err(bad(format!(
            "{name} expands beyond the {declared} bytes its header declares"
        )));
    }
    check_ratio(name, n, compressed).map_err(bad)?;
    w.flush()
        .map_err(|e| crate::table::atomic::io_error(out, e))?;
    Ok(n)
}

/// A path that one entry names as a file and another as a folder (`b/x` beside `b/x/` or
/// `b/x/y`): extracting tools disagree on which one wins, so such an archive is refused.
/// Empty components (`b//x`) are dropped, as extraction drops them.
fn file_and_folder(names: &[Vec<u8>]) -> Option<String> {
    use std::collections::HashSet;
    let mut files = Vec::new();
    let mut folders = HashSet::new();
    for raw in names {
        let name = String::from_utf8_lossy(raw);
        let parts: Vec<&str> = name.split('/').filter(|p| !p.is_empty()).collect();
        for n in 1..parts.len() {
            folders.insert(parts[..n].join("/"));
        }
        if parts.is_empty() {
            continue;
        }
        if name.ends_with('/') {
            folders.insert(parts.join("/"));
        } else {
            files.push(parts.join("/"));
        }
    }
    files.into_iter().find(|f| folders.contains(f))
}

fn check_ratio(name: &str, size: u64, compressed: u64) -> std::result::Result<(), String> {
    if size > RATIO_FLOOR && size / compressed.max(1) > MAX_RATIO {
        return Err(format!(
            "{name} expands {}-fold ({compressed} to {size} bytes), more than the limit of {MAX_RATIO}: a zip bomb?",
            size / compressed.max(1)
        ));
    }
    Ok(())
}

/// The raw names of every record of a zip's central directory, in order (duplicates kept),
/// at most [`MAX_ENTRIES`].
fn central_directory_names(
    zip_path: &Path,
    start: u64,
    bad: &dyn Fn(String) -> Error,
) -> Result<Vec<Vec<u8>>> {
    use std::io::{BufReader, Seek, SeekFrom};
    const SIGNATURE: u32 = 0x0201_4b50;
    let file = std::fs::File::open(zip_path).map_err(|e| Error::io(zip_path, e))?;
    let mut r = BufReader::new(file);
    r.seek(SeekFrom::Start(start))
        .map_err(|e| Error::io(zip_path, e))?;
    let mut names = Vec::new();
    let mut header = [0u8; 46];
    loop {
        if r.read_exact(&mut header).is_err()
            || u32::from_le_bytes([header[0], header[1], header[2], header[3]]) != SIGNATURE
        {
            return Ok(names);
        }
        if names.len() == MAX_ENTRIES {
            return Err(bad(format!("more than {MAX_ENTRIES} entries")));
        }
        let len = |at: usize| u16::from_le_bytes([header[at], header[at + 1]]) as usize;
        let (name_len, skip) = (len(28), len(30) + len(32));
        let mut name = vec![0u8; name_len];
        r.read_exact(&mut name)
            .map_err(|e| bad(format!("truncated central directory: {e}")))?;
        r.seek_relative(skip as i64)
            .map_err(|e| bad(format!("truncated central directory: {e}")))?;
        names.push(name);
    }
}

/// Writes a release archive of the files under `dir`: entries `<name>/<path>` in path order,
/// deflated at level 9, with a fixed time and permissions, so that the same files always give
/// the same bytes. A write error (a full disk) is returned once, in words; the half-written
/// archive is left for the caller's temporary directory to remove.
pub fn write(dir: &Path, name: &str, files: &[String], out: &Path) -> Result<()> {
    use zip::write::SimpleFileOptions;
    let file = std::fs::File::create(out).map_err(|e| crate::table::atomic::io_error(out, e))?;
    let mut z = zip::ZipWriter::new(Sticky::new(std::io::BufWriter::new(file)));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let mut sorted = files.to_vec();
    sorted.sort();
    // The writer moves into this closure and is dropped there on failure: its `Drop` finalises
    // what it can into the poisoned sink, silently (it would otherwise print a raw
    // `ZipWriter::drop` line on a full disk).
    let written = (move || -> std::result::Result<Sticky, zip::result::ZipError> {
        for f in &sorted {
            z.start_file(format!("{name}/{f}"), options)?;
            let bytes = std::fs::read(dir.join(f))?;
            z.write_all(&bytes)?;
        }
        z.finish()
    })();
    let fail = |e: zip::result::ZipError| match e {
        zip::result::ZipError::Io(e) => crate::table::atomic::io_error(out, e),
        e => Error::io(
            out,
            std::io::Error::other(format!("cannot write the archive: {e}")),
        ),
    };
    let mut w = written.map_err(fail)?;
    w.flush()
        .map_err(|e| crate::table::atomic::io_error(out, e))?;
    w.file
        .get_ref()
        .sync_all()
        .map_err(|e| crate::table::atomic::io_error(out, e))?;
    Ok(())
}

/// A file writer that, after its first error, pretends to succeed without writing (tracking
/// the position a real file would have), so that nothing after a failure (the zip writer's
/// `Drop`) fails again and prints its own message. The first error is returned normally.
struct Sticky {
    file: std::io::BufWriter<std::fs::File>,
    /// Position and length of the pretended file once poisoned.
    poisoned: Option<(u64, u64)>,
}

impl Sticky {
    fn new(file: std::io::BufWriter<std::fs::File>) -> Sticky {
        Sticky {
            file,
            poisoned: None,
        }
    }

    fn poison<T>(&mut self, r: std::io::Result<T>) -> std::io::Result<T> {
        use std::io::Seek as _;
        if r.is_err() && self.poisoned.is_none() {
            let at = self.file.get_mut().stream_position().unwrap_or(0);
            let len = self
                .file
                .get_ref()
                .metadata()
                .map_or(at, |m| m.len().max(at));
            self.poisoned = Some((at, len));
        }
        r
    }
}

impl Write for Sticky {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some((at, len)) = &mut self.poisoned {
            *at += buf.len() as u64;
            *len = (*len).max(*at);
            return Ok(buf.len());
        }
        let r = self.file.write(buf);
        self.poison(r)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.poisoned.is_some() {
            return Ok(());
        }
        let r = self.file.flush();
        self.poison(r)
    }
}

impl std::io::Seek for Sticky {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        use std::io::SeekFrom;
        if let Some((at, len)) = &mut self.poisoned {
            let to = match pos {
                SeekFrom::Start(n) => Some(n),
                SeekFrom::Current(d) => at.checked_add_signed(d),
                SeekFrom::End(d) => len.checked_add_signed(d),
            };
            *at = to.ok_or_else(|| std::io::Error::from(std::io::ErrorKind::InvalidInput))?;
            return Ok(*at);
        }
        let r = self.file.seek(pos);
        self.poison(r)
    }
}
