//! The versioning rules, after SemVer and the Frictionless data-package versioning recipe:
//! how a version is written, which part of it a change requires to be raised, and the bump from
//! one version to another. Pure rules, no I/O: `check` (beside it) compares the working dataset
//! with the last release under them, and [`crate::release::policy`] turns that into the one
//! release decision.
//!
//! Policy: MAJOR when the schema changes incompatibly (a column removed, renamed, moved or
//! retyped, a constraint tightened, a vocabulary value removed or redefined, a rule added) or
//! published rows are removed (retired); MINOR when rows or vocabulary values are added, a
//! constraint is loosened or an optional column is appended at the end; PATCH when existing rows
//! are corrected (or only descriptions change).

use serde::Serialize;

/// The part of a SemVer version a change requires to be increased.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

/// Parses a version, with or without a leading `v`.
pub fn parse(v: &str) -> std::result::Result<semver::Version, String> {
    semver::Version::parse(v.trim_start_matches('v'))
        .map_err(|e| format!("not a SemVer version: {e}"))
}

/// The bump from `old` to `new`, or `None` when `new` is not greater.
pub fn bump_between(old: &semver::Version, new: &semver::Version) -> Option<Bump> {
    if new <= old {
        None
    } else if new.major > old.major {
        Some(Bump::Major)
    } else if new.minor > old.minor {
        Some(Bump::Minor)
    } else {
        Some(Bump::Patch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bumps_between_versions() {
        let v = |s| parse(s).unwrap();
        assert_eq!(bump_between(&v("1.0.0"), &v("2.0.0")), Some(Bump::Major));
        assert_eq!(bump_between(&v("1.0.0"), &v("1.1.0")), Some(Bump::Minor));
        assert_eq!(bump_between(&v("1.0.0"), &v("v1.0.1")), Some(Bump::Patch));
        assert_eq!(bump_between(&v("1.0.0"), &v("1.0.0")), None);
        assert_eq!(bump_between(&v("1.2.0"), &v("1.1.9")), None);
    }
}
