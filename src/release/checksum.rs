//! SHA-256 checksums and the `SHA256SUMS` file (the format `sha256sum -c` reads).

use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// Lower-case hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex SHA-256 of a file, read in chunks.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex(&h.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `SHA256SUMS` text: one `<hex>  <path>` line per file, sorted by path.
pub fn sums_text(entries: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = entries.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted
        .iter()
        .map(|(path, hash)| format!("{hash}  {path}\n"))
        .collect()
}

/// Parses `SHA256SUMS` text into (path, hash) pairs; `Err` names the first malformed line.
pub fn parse_sums(text: &str) -> std::result::Result<Vec<(String, String)>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .map(|(i, l)| {
            let (hash, path) = l
                .split_once("  ")
                .ok_or_else(|| format!("line {}: expected \"<sha256>  <path>\"", i + 1))?;
            if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(format!("line {}: {hash:?} is not a SHA-256", i + 1));
            }
            Ok((path.to_string(), hash.to_lowercase()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digest_and_round_trip() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let text = sums_text(&[
            ("b.csv".into(), "1".repeat(64)),
            ("a.csv".into(), "2".repeat(64)),
        ]);
        assert!(text.starts_with(&format!("{}  a.csv\n", "2".repeat(64))));
        assert_eq!(parse_sums(&text).unwrap().len(), 2);
        assert!(parse_sums("xyz  a.csv").is_err());
    }
}
