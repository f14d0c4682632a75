//! The identifiers of the metadata (creators' ORCIDs, the DOI, the sources' CITATION.cff
//! types, the homepage), checked so that every citation format can use them.

use super::{nonempty, Metadata};

/// ORCIDs, the DOI and the homepage are written so that every citation format can use them.
pub(super) fn check_identifiers(meta: &Metadata) -> std::result::Result<(), String> {
    for c in &meta.creators {
        if let Some(url) = c.orcid_url() {
            let id = &url["https://orcid.org/".len()..];
            if !orcid_ok(id) {
                return Err(format!(
                    "creator {:?}: ORCID {} is not a valid ORCID iD: write it as https://orcid.org/0000-0002-1825-0097 (four groups of four digits, the last may end in X, with a valid check digit), or leave it empty",
                    c.name,
                    crate::table::text::shown(c.orcid.as_deref().unwrap_or(""))
                ));
            }
        }
    }
    if let Some(doi) = nonempty(&meta.doi) {
        let bare = doi.starts_with("10.")
            && doi
                .split_once('/')
                .is_some_and(|(p, s)| p.len() > 3 && !s.is_empty())
            && !doi.chars().any(char::is_whitespace);
        if !bare {
            return Err(format!(
                "doi {} is not a bare DOI: write it as 10.5281/zenodo.1234567 (no https://doi.org/, no spaces)",
                crate::table::text::shown(doi)
            ));
        }
    }
    for src in &meta.sources {
        if let Some(k) = nonempty(&src.kind) {
            if !CFF_REFERENCE_TYPES.contains(&k) {
                return Err(format!(
                    "source {:?}: type {} is not a CITATION.cff reference type; use one of {}",
                    src.title,
                    crate::table::text::shown(k),
                    CFF_REFERENCE_TYPES.join(", ")
                ));
            }
        }
    }
    if let Some(url) = nonempty(&meta.homepage) {
        if !(url.starts_with("https://") || url.starts_with("http://"))
            || url.chars().any(char::is_whitespace)
        {
            return Err(format!(
                "homepage {} is not a web address: write the repository's or landing page's https:// URL, or null",
                crate::table::text::shown(url)
            ));
        }
    }
    Ok(())
}

/// Reference types of the Citation File Format 1.2.0.
pub const CFF_REFERENCE_TYPES: &[&str] = &[
    "art",
    "article",
    "audiovisual",
    "bill",
    "blog",
    "book",
    "catalogue",
    "conference-paper",
    "conference",
    "data",
    "database",
    "dictionary",
    "edited-work",
    "encyclopedia",
    "film-broadcast",
    "generic",
    "government-document",
    "grant",
    "hearing",
    "historical-work",
    "legal-case",
    "legal-rule",
    "magazine-article",
    "manual",
    "map",
    "multimedia",
    "music",
    "newspaper-article",
    "pamphlet",
    "patent",
    "personal-communication",
    "proceedings",
    "report",
    "serial",
    "slides",
    "software-code",
    "software-container",
    "software-executable",
    "software-virtual-machine",
    "software",
    "sound-recording",
    "standard",
    "statute",
    "thesis",
    "unpublished",
    "video",
    "website",
];

/// An ORCID iD `0000-0002-1825-0097`: four groups of four digits, the last character a digit
/// or X, which is the ISO 7064 MOD 11-2 check digit of the fifteen others.
fn orcid_ok(id: &str) -> bool {
    let b = id.as_bytes();
    if b.len() != 19 || [4, 9, 14].iter().any(|&i| b[i] != b'-') {
        return false;
    }
    let chars: Vec<u8> = b.iter().copied().filter(|&c| c != b'-').collect();
    if chars.len() != 16 || !chars[..15].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let total = chars[..15]
        .iter()
        .fold(0u32, |t, &d| (t + u32::from(d - b'0')) * 2);
    let check = (12 - total % 11) % 11;
    let expected = if check == 10 {
        b'X'
    } else {
        b'0' + check as u8
    };
    chars[15] == expected
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orcid_check_digits() {
        assert!(orcid_ok("0000-0002-1825-0097"));
        assert!(orcid_ok("0000-0002-1694-233X"));
        assert!(!orcid_ok("0000-0002-1825-0098"));
        assert!(!orcid_ok("0000-0002-1825-009"));
        assert!(!orcid_ok("0000 0002 1825 0097"));
    }
}
