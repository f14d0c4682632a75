//! Values of a given form for synthetic rows, where a column has no `examples` to draw from: a
//! value of each `format` the schemas use (a URI, an e-mail address, a date-time, …) and a
//! string that matches a `pattern`, generated from the pattern itself. What cannot be
//! generated (an unknown format, a pattern with look-around) is `None`: the caller then writes
//! a placeholder, and the row's check names the keyword it fails.

use super::Rng;
use chrono::NaiveDate;
use regex_syntax::hir::{Class, Hir, HirKind};

/// A value of the JSON Schema format `format`, or `None` for a format not known here. Hosts
/// and addresses are the ones reserved for documentation (example.org, 192.0.2.0/24,
/// 2001:db8::/32), so that no synthetic value names a real place on the network.
pub(super) fn formatted(format: &str, rng: &mut Rng, day: NaiveDate) -> Option<String> {
    let word = super::WORDS[rng.below(super::WORDS.len() as u64) as usize];
    let n = rng.below(10_000);
    Some(match format {
        "uri" | "iri" | "uri-reference" | "iri-reference" => {
            format!("https://example.org/{word}/{n}")
        }
        "email" | "idn-email" => format!("{word}{n}@example.org"),
        "hostname" | "idn-hostname" => format!("{word}{n}.example.org"),
        "date" => day.to_string(),
        "date-time" => format!("{day}T{:02}:{:02}:00Z", n % 24, n % 60),
        "time" => format!("{:02}:{:02}:00Z", n % 24, n % 60),
        "ipv4" => format!("192.0.2.{}", n % 256),
        "ipv6" => format!("2001:db8::{n:x}"),
        "uuid" => {
            let (a, b) = (rng.next_u64(), rng.next_u64());
            format!(
                "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
                a >> 32,
                (a >> 16) & 0xffff,
                a & 0xfff,
                b >> 52,
                b & 0xffff_ffff_ffff
            )
        }
        _ => return None,
    })
}

/// A string that matches `pattern` (ECMA 262, as JSON Schema writes it), or `None` when the
/// pattern uses what cannot be generated from (look-around, back-references).
pub(super) fn matching(pattern: &str, rng: &mut Rng) -> Option<String> {
    let rust = jsonschema_regex::to_rust_regex(pattern).ok()?;
    let hir = regex_syntax::parse(&rust).ok()?;
    let mut out = String::new();
    generate(&hir, rng, &mut out)?;
    Some(out)
}

/// Most repetitions drawn beyond a repetition's minimum (`*`, `+` and `{n,}` are unbounded).
const MORE: u32 = 3;

/// Appends to `out` a string that `hir` matches.
fn generate(hir: &Hir, rng: &mut Rng, out: &mut String) -> Option<()> {
    match hir.kind() {
        // Anchors and word boundaries hold for what is generated around them.
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(l) => out.push_str(std::str::from_utf8(&l.0).ok()?),
        HirKind::Class(c) => out.push(pick(c, rng)?),
        HirKind::Repetition(r) => {
            let most = r.max.unwrap_or(u32::MAX).min(r.min.saturating_add(MORE));
            let times = r.min + rng.below(u64::from(most - r.min) + 1) as u32;
            for _ in 0..times {
                generate(&r.sub, rng, out)?;
            }
        }
        HirKind::Capture(c) => generate(&c.sub, rng, out)?,
        HirKind::Concat(parts) => {
            for p in parts {
                generate(p, rng, out)?;
            }
        }
        HirKind::Alternation(alts) => {
            generate(&alts[rng.below(alts.len() as u64) as usize], rng, out)?;
        }
    }
    Some(())
}

/// A character of a class: printable ASCII when the class has any (`\d` and `\w` then stay
/// `[0-9]` and `[A-Za-z0-9_]`), else the first character of one of its ranges.
fn pick(class: &Class, rng: &mut Rng) -> Option<char> {
    let ranges: Vec<(u32, u32)> = match class {
        Class::Unicode(c) => c
            .ranges()
            .iter()
            .map(|r| (r.start() as u32, r.end() as u32))
            .collect(),
        Class::Bytes(c) => c
            .ranges()
            .iter()
            .map(|r| (r.start() as u32, r.end() as u32))
            .collect(),
    };
    let ascii: Vec<(u32, u32)> = (ranges.iter())
        .filter(|r| r.0 <= 0x7e && r.1 >= 0x20)
        .map(|&(a, b)| (a.max(0x20), b.min(0x7e)))
        .collect();
    if ascii.is_empty() {
        let (start, _) = *ranges.get(rng.below(ranges.len().max(1) as u64) as usize)?;
        return char::from_u32(start);
    }
    let total: u64 = ascii.iter().map(|r| u64::from(r.1 - r.0) + 1).sum();
    let mut k = rng.below(total);
    for (a, b) in ascii {
        let width = u64::from(b - a) + 1;
        if k < width {
            return char::from_u32(a + k as u32);
        }
        k -= width;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_generated_matches_its_pattern() {
        let mut rng = Rng::new(5);
        for pattern in [
            "^EV-[0-9]{4,}$",
            "^[A-Z]{2}$",
            "^[A-Z]{2}-\\d{3}$",
            "^A[0-9]{2}(;A[0-9]{2})*$",
            "^[a-z]{2}-[a-z0-9]+(-[a-z0-9]+)*$",
            "^(day|month|year)$",
            "^\\w+@\\w+\\.org$",
        ] {
            let re = regex::Regex::new(&jsonschema_regex::to_rust_regex(pattern).unwrap()).unwrap();
            for _ in 0..50 {
                let s = matching(pattern, &mut rng).unwrap();
                assert!(re.is_match(&s), "{pattern}: {s:?}");
            }
        }
        // Look-around cannot be generated from.
        assert_eq!(matching("^(?=a)a$", &mut rng), None);
    }
}
