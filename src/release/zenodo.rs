//! `.zenodo.json`: the deposit metadata the Zenodo–GitHub integration reads when it archives a
//! tagged release and mints its DOI, generated from the dataset's metadata so that it cannot
//! drift from `CITATION.cff`.

use crate::schema::metadata::{nonempty, Metadata};
use serde_json::{json, Map, Value};

/// Zenodo's licence id for an SPDX identifier (Zenodo uses the SPDX id in lower case).
fn license_id(spdx: &str) -> String {
    spdx.to_ascii_lowercase()
}

/// A creator as Zenodo wants it: `Family, Given` for persons, the name for teams.
fn creator(c: &crate::schema::metadata::Creator) -> Value {
    let mut m = Map::new();
    let name = if c.is_person() {
        match nonempty(&c.given_names) {
            Some(g) => format!("{}, {g}", c.family_names.as_deref().unwrap_or("")),
            None => c.family_names.clone().unwrap_or_default(),
        }
    } else {
        c.name.clone()
    };
    m.insert("name".into(), json!(name));
    if let Some(a) = nonempty(&c.affiliation) {
        m.insert("affiliation".into(), json!(a));
    }
    if let Some(o) = c.orcid_url() {
        let bare = o.trim_start_matches("https://orcid.org/").to_string();
        m.insert("orcid".into(), json!(bare));
    }
    Value::Object(m)
}

/// The `.zenodo.json` of the metadata: upload type dataset, creators, licence, keywords,
/// version, and related identifiers: derived from each source with a URL, supplement to the
/// repository's homepage when there is one.
pub fn zenodo(meta: &Metadata) -> Value {
    let mut related = Vec::new();
    for s in &meta.sources {
        if let Some(p) = s.path.as_deref().filter(|p| !p.is_empty()) {
            related.push(json!({
                "identifier": p,
                "relation": "isDerivedFrom",
                "scheme": "url",
            }));
        }
    }
    if let Some(h) = nonempty(&meta.homepage) {
        related.push(json!({"identifier": h, "relation": "isSupplementTo", "scheme": "url"}));
    }
    let mut notes = Vec::new();
    if let Some(a) = &meta.attribution {
        notes.push(a.clone());
    }
    for l in &meta.licenses {
        if let Some(n) = nonempty(&l.notice) {
            notes.push(n.to_string());
        }
    }
    let mut v = json!({
        "upload_type": "dataset",
        "title": meta.title,
        "description": meta.description,
        "version": meta.version,
        "creators": meta.creators.iter().map(creator).collect::<Vec<_>>(),
        "keywords": meta.keywords,
        "related_identifiers": related,
        "language": "eng",
    });
    if let Some(l) = meta.licenses.first() {
        v["license"] = json!(license_id(&l.name));
    }
    if !notes.is_empty() {
        v["notes"] = json!(notes.join("\n\n"));
    }
    if let Some(p) = nonempty(&meta.publisher) {
        v["contributors"] = json!([{"name": p, "type": "HostingInstitution"}]);
    }
    v
}
