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

/// One line of `SHA256SUMS`: a path, its hash (lower case) and the 1-based line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub path: String,
    pub hash: String,
    pub line: u64,
}

/// The first malformed line of a `SHA256SUMS` text, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub line: u64,
    pub message: String,
}

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Parses `SHA256SUMS` text into its lines; `Err` names the first malformed line.
pub fn parse_sums(text: &str) -> std::result::Result<Vec<Listed>, Malformed> {
    text.lines()
        .zip(1u64..)
        .filter(|(l, _)| !l.is_empty())
        .map(|(l, line)| {
            let malformed = |message: String| Malformed { line, message };
            let (hash, path) = l
                .split_once("  ")
                .ok_or_else(|| malformed("expected \"<sha256>  <path>\"".into()))?;
            if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(malformed(format!("{hash:?} is not a SHA-256")));
            }
            Ok(Listed {
                path: path.to_string(),
                hash: hash.to_lowercase(),
                line,
            })
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
        let bad = parse_sums(&format!("{text}xyz  a.csv\n")).unwrap_err();
        assert_eq!(bad.to_string(), "line 3: \"xyz\" is not a SHA-256");
    }
}
