//! `aabc verify`: a bundle directory or zip is accepted, a tampered byte or formats that
//! disagree are caught, and hostile bundles and zips (paths leaving the folder, links, bombs,
//! duplicate entries, sums naming files outside) are refused before anything is extracted.

mod derived;
mod format;
mod hostile_archives;

use crate::common::*;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// A writable copy of the bundle directory.
fn bundle_dir_copy() -> (tempfile::TempDir, PathBuf) {
    let (dist, name) = shipped_bundle();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(name);
    copy_tree(&dist.path().join(name), &dir);
    (tmp, dir)
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

fn dist_sums() -> PathBuf {
    let (dist, name) = shipped_bundle();
    dist.path().join(name).join("SHA256SUMS")
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
fn verify_accepts_a_bundle_and_its_zip_and_catches_a_tampered_byte() {
    let dist = tempfile::tempdir().unwrap();
    assert_eq!(release_into(dist.path()).status.code(), Some(0));
    let name = bundle_name();
    let dir = dist.path().join(&name);
    for target in [dir.clone(), dist.path().join(format!("{name}.zip"))] {
        let out = aabc().arg("verify").arg(&target).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("verified: "));
    }
    // One flipped byte in the Parquet file.
    let parquet = dir.join("events.parquet");
    let mut bytes = std::fs::read(&parquet).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&parquet, &bytes).unwrap();
    let out = aabc().arg("verify").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("events.parquet: checksum mismatch"), "{text}");
}

#[test]
fn verify_catches_formats_that_disagree_even_with_matching_checksums() {
    let dist = tempfile::tempdir().unwrap();
    assert_eq!(release_into(dist.path()).status.code(), Some(0));
    let dir = dist.path().join(bundle_name());
    // Change a figure in the JSON copy and update SHA256SUMS to match, as a careless edit would.
    let json = dir.join("events.json");
    let text = std::fs::read_to_string(&json).unwrap().replacen(
        "\"killed_am_military\":105",
        "\"killed_am_military\":106",
        1,
    );
    std::fs::write(&json, &text).unwrap();
    let sums = std::fs::read_to_string(dir.join("SHA256SUMS")).unwrap();
    let fixed: String = sums
        .lines()
        .map(|l| {
            if l.ends_with("  events.json") {
                format!(
                    "{}  events.json\n",
                    aabc::release::checksum::sha256_hex(text.as_bytes())
                )
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(dir.join("SHA256SUMS"), fixed).unwrap();
    let out = aabc().arg("verify").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("events.json: row") && text.contains("killed_am_military: 106 vs 105"),
        "{text}"
    );
}

#[test]
fn verify_cannot_read_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let not_zip = dir.path().join("x.zip");
    std::fs::write(&not_zip, b"not a zip").unwrap();
    for (target, why) in [
        (
            dir.path().join("missing"),
            "missing: No such file or directory",
        ),
        (not_zip, "x.zip: not a readable zip archive"),
    ] {
        let out = aabc().arg("verify").arg(&target).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", target.display());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("aabc: error: ") && err.contains(why),
            "{err}"
        );
    }
}

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
    let (code, out, err) = verify_path(&dir);
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

#[test]
fn verify_refuses_a_symlink_inside_a_bundle_directory() {
    let (_tmp, dir) = bundle_dir_copy();
    let readme = dir.join("README.md");
    std::fs::remove_file(&readme).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", &readme).unwrap();
    let (code, out, err) = verify_path(&dir);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("README.md: a symbolic link; a bundle holds only regular files"),
        "{out}"
    );
}

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
    let (code, out, err) = verify_path(&zip);
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
    let (code, out, err) = verify_path(&zip);
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
    let (dist, name) = shipped_bundle();
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
        let (code, out, err) = verify_path(&zip);
        assert_eq!(code, 1, "{extra}: {out}{err}");
        assert!(
            err.contains(&format!(
                "\"{readme}\" is both a file and a folder in the archive"
            )),
            "{extra}: {err}"
        );
    }
}

#[test]
fn verify_refuses_a_zip_bomb_before_extracting_it() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("bomb.zip");
    let zeros = vec![0u8; 16 << 20];
    write_zip(&zip, &[("b/events.csv", &zeros)]);
    assert!(std::fs::metadata(&zip).unwrap().len() < 100_000);
    let (code, out, err) = verify_path(&zip);
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
        let (code, out, err) = verify_path(&zip);
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
    let (code, out, err) = verify_path(&zip);
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
    let (code, out, err) = verify_path(&zip);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("more than 10000 entries"), "{err}");
}

#[test]
fn verify_refuses_a_zip_whose_top_folder_was_renamed() {
    let (dist, name) = shipped_bundle();
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
    let (code, out, err) = verify_path(&original);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = verify_path(&renamed);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains(&format!(
            "the archive's top folder is \"aabc-events-9.9.9\" but its dataset.json describes \"{name}\""
        )),
        "{out}"
    );
}

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
    let (code, out, err) = verify_path(&dir);
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
