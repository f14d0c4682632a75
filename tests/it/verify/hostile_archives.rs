//! `aabc verify` of hostile zips: caps that compose (many entries each small enough to be
//! exempt from the ratio cap), entries that `SHA256SUMS` does not vouch for, entry counts
//! declared beyond the cap, and archives without files; each refused (exit 1) with a message
//! that names the archive, before anything is extracted.

use crate::common::*;
use crate::verify::derived::{released, released_zip};
use std::io::Write;
use std::path::Path;

/// Writes a zip with the given (name, bytes) entries, deflated.
fn write_zip(path: &Path, entries: &[(&str, &[u8])]) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        if name.ends_with('/') {
            z.add_directory(*name, opts).unwrap();
        } else {
            z.start_file(*name, opts).unwrap();
            z.write_all(bytes).unwrap();
        }
    }
    z.finish().unwrap();
}

/// `SHA256SUMS` text listing (path, bytes) pairs.
fn sums(files: &[(&str, &[u8])]) -> String {
    files
        .iter()
        .map(|(p, b)| format!("{}  {p}\n", aabc::release::checksum::sha256_hex(b)))
        .collect()
}

/// Verifies `zip`, expecting a refusal: exit 1, nothing on stdout, a message on stderr that
/// names the archive (never a temporary path) and contains `said`.
fn assert_refused(zip: &Path, said: &str) {
    let (code, out, err) = run_aabc(&["verify", zip.to_str().unwrap()]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(err.contains(said), "{said} not in:\n{err}");
    assert!(err.contains(&zip.display().to_string()), "{err}");
    let rest = err.replace(&zip.display().to_string(), "");
    let tmp = std::env::temp_dir();
    assert!(
        !rest.contains(tmp.to_str().unwrap()),
        "a temporary path in: {err}"
    );
}

/// Writes a zip of three entries of exactly 1 MiB of zeros (each exempt from the ratio cap on
/// its own) and the `SHA256SUMS` that lists them.
fn three_mib_of_zeros(zip: &Path) {
    let mib = vec![0u8; 1 << 20];
    let files: Vec<(&str, &[u8])> = vec![("a.csv", &mib), ("b.csv", &mib), ("c.csv", &mib)];
    let text = sums(&files);
    let mut entries: Vec<(String, &[u8])> =
        files.iter().map(|(n, b)| (format!("b/{n}"), *b)).collect();
    entries.push(("b/SHA256SUMS".into(), text.as_bytes()));
    let entries: Vec<(&str, &[u8])> = entries.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    write_zip(zip, &entries);
    assert!(std::fs::metadata(zip).unwrap().len() < 20_000);
}

#[test]
fn entries_each_exempt_from_the_ratio_cap_that_add_up_to_a_bomb_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("b.zip");
    three_mib_of_zeros(&zip);
    assert_refused(&zip, "-fold together");
    assert_refused(&zip, "more than the limit of 200: a zip bomb?");
}

#[test]
fn compressed_sizes_declared_beyond_the_archive_do_not_lift_the_ratio_cap() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("lying.zip");
    three_mib_of_zeros(&zip);
    // Every central directory record claims 2 GiB of compressed data.
    let mut bytes = std::fs::read(&zip).unwrap();
    let records: Vec<usize> = (0..bytes.len() - 4)
        .filter(|&i| bytes[i..i + 4] == [0x50, 0x4b, 0x01, 0x02])
        .collect();
    assert_eq!(records.len(), 4);
    for at in records {
        bytes[at + 20..at + 24].copy_from_slice(&0x7FFF_FFFFu32.to_le_bytes());
    }
    std::fs::write(&zip, bytes).unwrap();
    assert_refused(&zip, "more than the limit of 200: a zip bomb?");
}

#[test]
fn an_entry_that_sha256sums_does_not_list_is_refused_before_extracting() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("extra.zip");
    let (_, name) = released();
    let mut real = zip::ZipArchive::new(std::fs::File::open(released_zip()).unwrap()).unwrap();
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zip).unwrap());
    for i in 0..real.len() {
        z.raw_copy_file(real.by_index_raw(i).unwrap()).unwrap();
    }
    z.start_file(
        format!("{name}/extra.txt"),
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    z.write_all(b"not vouched for").unwrap();
    z.finish().unwrap();
    assert_refused(
        &zip,
        &format!("\"{name}/extra.txt\" is not listed in its SHA256SUMS"),
    );
}

/// A small zip whose end-of-central-directory record declares `count` entries (both counts).
fn declaring(path: &Path, count: u16) -> Vec<u8> {
    write_zip(path, &[("b/SHA256SUMS", b"")]);
    let mut bytes = std::fs::read(path).unwrap();
    let eocd = bytes.len() - 22;
    assert_eq!(bytes[eocd..eocd + 4], [0x50, 0x4b, 0x05, 0x06]);
    bytes[eocd + 8..eocd + 10].copy_from_slice(&count.to_le_bytes());
    bytes[eocd + 10..eocd + 12].copy_from_slice(&count.to_le_bytes());
    bytes
}

#[test]
fn a_declared_entry_count_above_the_cap_is_refused_before_the_directory_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("many.zip");
    let bytes = declaring(&zip, 60_000);
    std::fs::write(&zip, bytes).unwrap();
    assert_refused(&zip, "declares 60000 entries, more than 10000 entries");
}

#[test]
fn a_zip64_entry_count_above_the_cap_is_refused_before_the_directory_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("many64.zip");
    let bytes = declaring(&zip, 0xFFFF);
    let eocd = bytes.len() - 22;
    let u32_at = |at: usize| u64::from(u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()));
    let (cd_size, cd_offset) = (u32_at(eocd + 12), u32_at(eocd + 16));
    // A Zip64 end-of-central-directory record and its locator before the classic record.
    let mut z64 = vec![0x50, 0x4b, 0x06, 0x06];
    z64.extend(44u64.to_le_bytes());
    z64.extend([45, 0, 45, 0]);
    z64.extend([0u8; 8]);
    z64.extend(500_000u64.to_le_bytes());
    z64.extend(500_000u64.to_le_bytes());
    z64.extend(cd_size.to_le_bytes());
    z64.extend(cd_offset.to_le_bytes());
    let mut locator = vec![0x50, 0x4b, 0x06, 0x07, 0, 0, 0, 0];
    locator.extend((eocd as u64).to_le_bytes());
    locator.extend(1u32.to_le_bytes());
    let mut patched = bytes[..eocd].to_vec();
    patched.extend(z64);
    patched.extend(locator);
    patched.extend(&bytes[eocd..]);
    std::fs::write(&zip, patched).unwrap();
    assert_refused(&zip, "declares 500000 entries, more than 10000 entries");
}

#[test]
fn a_zip_holding_only_a_folder_is_refused_naming_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("folder.zip");
    write_zip(&zip, &[("b/", b"")]);
    assert_refused(&zip, "the archive holds no files, only the folder \"b\"");
}

#[test]
fn a_file_outside_any_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("flat.zip");
    write_zip(&zip, &[("SHA256SUMS", b"")]);
    assert_refused(&zip, "\"SHA256SUMS\" is a file outside any folder");
}

#[test]
fn a_zip_without_sha256sums_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("nosums.zip");
    write_zip(&zip, &[("b/README.md", b"x")]);
    assert_refused(&zip, "the archive holds no SHA256SUMS in its folder \"b\"");
}

#[test]
fn a_bundle_that_cannot_be_read_says_why_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    let (code, _, err) = run_aabc(&["verify", missing.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(missing.to_str().unwrap()), "{err}");
    assert!(err.contains("No such file or directory"), "{err}");
    let not_zip = dir.path().join("x.zip");
    std::fs::write(&not_zip, b"not a zip").unwrap();
    let (code, _, err) = run_aabc(&["verify", not_zip.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "{}: not a readable zip archive",
            not_zip.display()
        )),
        "{err}"
    );
}

#[test]
fn findings_in_a_zip_name_its_files_not_the_folder_it_was_extracted_to() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("broken.zip");
    let broken = b"{".to_vec();
    let hash = aabc::release::checksum::sha256_hex(&broken);
    crate::verify::derived::rewritten(&zip, |inside, bytes| match inside {
        "dataset.json" => broken.clone(),
        "SHA256SUMS" => String::from_utf8(bytes)
            .unwrap()
            .lines()
            .map(|l| match l.strip_suffix("  dataset.json") {
                Some(_) => format!("{hash}  dataset.json\n"),
                None => format!("{l}\n"),
            })
            .collect::<String>()
            .into_bytes(),
        _ => bytes,
    });
    let root = tempfile::tempdir().unwrap();
    let (code, out, err) = run_aabc(&[
        "verify",
        "--root",
        root.path().to_str().unwrap(),
        zip.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("MISMATCH: dataset.json: dataset.json: not valid JSON"),
        "{out}"
    );
    let tmp = std::env::temp_dir();
    assert!(
        !out.contains(tmp.to_str().unwrap()),
        "a temporary path in: {out}"
    );
}
