//! Differences between two versions of the dataset: rows added, removed and changed (matched by
//! primary key, field by field), and schema changes (columns, types, constraints, vocabularies,
//! rules), each classified by the version bump it requires under the dataset's policy.

use crate::schema::{Column, Schema};
use crate::table::text::{bare, shown};
use crate::validate::report::{code_span, markdown_text};
use crate::versions::snapshot::{Snapshot, TableSnap};
use crate::versions::versioning::Bump;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchemaChange {
    pub table: String,
    pub change: String,
    pub bump: Bump,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub before: Value,
    pub after: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowChange {
    pub key: String,
    pub fields: Vec<FieldChange>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TableDiff {
    pub table: String,
    pub added: Vec<String>,
    /// The non-blank cells (column, value) of the first [`ADDED_SHOWN`] added rows, in the
    /// order of `added`: a reviewer of a job summary sees what was added, not only its ids.
    #[serde(skip)]
    pub added_cells: Vec<Vec<(String, Value)>>,
    pub removed: Vec<String>,
    pub changed: Vec<RowChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub old: String,
    pub new: String,
    pub old_version: Option<String>,
    pub new_version: Option<String>,
    pub schema: Vec<SchemaChange>,
    pub tables: Vec<TableDiff>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.schema.is_empty()
            && self
                .tables
                .iter()
                .all(|t| t.added.is_empty() && t.removed.is_empty() && t.changed.is_empty())
    }

    /// The smallest bump the differences require, with the reasons; `None` when nothing changed.
    pub fn required_bump(&self) -> Option<(Bump, Vec<String>)> {
        let mut reasons: Vec<(Bump, String)> = self
            .schema
            .iter()
            .map(|c| (c.bump, format!("{}: {}", c.table, c.change)))
            .collect();
        for t in &self.tables {
            if !t.removed.is_empty() {
                reasons.push((
                    Bump::Major,
                    format!(
                        "{}: {} row(s) removed ({})",
                        t.table,
                        t.removed.len(),
                        sample(&t.removed)
                    ),
                ));
            }
            if !t.added.is_empty() {
                reasons.push((
                    Bump::Minor,
                    format!(
                        "{}: {} row(s) added ({})",
                        t.table,
                        t.added.len(),
                        sample(&t.added)
                    ),
                ));
            }
            if !t.changed.is_empty() {
                let keys: Vec<String> = t.changed.iter().map(|c| c.key.clone()).collect();
                reasons.push((
                    Bump::Patch,
                    format!(
                        "{}: {} row(s) corrected ({})",
                        t.table,
                        keys.len(),
                        sample(&keys)
                    ),
                ));
            }
        }
        let bump = reasons.iter().map(|r| r.0).max()?;
        let mut why: Vec<String> = reasons
            .iter()
            .filter(|r| r.0 == bump)
            .map(|r| r.1.clone())
            .collect();
        why.extend(
            reasons
                .iter()
                .filter(|r| r.0 != bump)
                .map(|r| format!("also {}: {}", r.0.as_str(), r.1)),
        );
        Some((bump, why))
    }
}

fn sample(keys: &[String]) -> String {
    let shown: Vec<String> = keys.iter().take(5).map(|k| bare(k)).collect();
    if keys.len() <= 5 {
        shown.join(", ")
    } else {
        format!("{}, … and {} more", shown.join(", "), keys.len() - 5)
    }
}

/// Compares two snapshots table by table (tables present in both, plus tables added/removed).
pub fn diff(old: &Snapshot, new: &Snapshot) -> Diff {
    let mut schema = Vec::new();
    let mut tables = Vec::new();
    for t in &old.tables {
        match new.table(&t.name) {
            None if new.partial => {}
            None => schema.push(SchemaChange {
                table: t.name.clone(),
                change: "table removed".into(),
                bump: Bump::Major,
            }),
            Some(n) => {
                schema.extend(schema_changes(&t.name, &t.schema, &n.schema));
                tables.push(rows_diff(t, n));
            }
        }
    }
    for t in &new.tables {
        if old.table(&t.name).is_none() && !old.partial {
            schema.push(SchemaChange {
                table: t.name.clone(),
                change: "table added".into(),
                bump: Bump::Minor,
            });
        }
    }
    if let Some(change) = format_change(old, new) {
        schema.push(change);
    }
    Diff {
        old: old.label.clone(),
        new: new.label.clone(),
        old_version: old.version.clone(),
        new_version: new.version.clone(),
        schema,
        tables,
    }
}

/// A new release format changes the files of every bundle (their layout, what they carry):
/// readers of the bundle must learn of it, so it is a minor change at least, named among the
/// reasons like a schema change.
fn format_change(old: &Snapshot, new: &Snapshot) -> Option<SchemaChange> {
    let (Some(a), Some(b)) = (old.release_format, new.release_format) else {
        return None;
    };
    (a != b).then(|| SchemaChange {
        table: "dataset.json".into(),
        change: format!("release format {a} → {b} (the files of the bundle)"),
        bump: Bump::Minor,
    })
}

fn rows_diff(old: &TableSnap, new: &TableSnap) -> TableDiff {
    let old_keys: HashMap<String, usize> = (0..old.rows.len()).map(|i| (old.key(i), i)).collect();
    let new_keys: HashMap<String, usize> = (0..new.rows.len()).map(|i| (new.key(i), i)).collect();
    let mut d = TableDiff {
        table: new.name.clone(),
        ..TableDiff::default()
    };
    let common: Vec<&str> = new
        .schema
        .column_names()
        .filter(|n| old.schema.column_index(n).is_some())
        .collect();
    for i in 0..old.rows.len() {
        let k = old.key(i);
        if !new_keys.contains_key(&k) {
            d.removed.push(k);
        }
    }
    for j in 0..new.rows.len() {
        let k = new.key(j);
        match old_keys.get(&k) {
            None => {
                if d.added.len() < ADDED_SHOWN {
                    d.added_cells.push(filled_cells(new, j));
                }
                d.added.push(k);
            }
            Some(&i) => {
                let fields: Vec<FieldChange> = common
                    .iter()
                    .filter(|c| old.rows[i][**c] != new.rows[j][**c])
                    .map(|c| FieldChange {
                        field: c.to_string(),
                        before: old.rows[i][*c].clone(),
                        after: new.rows[j][*c].clone(),
                    })
                    .collect();
                if !fields.is_empty() {
                    d.changed.push(RowChange { key: k, fields });
                }
            }
        }
    }
    d
}

/// How many added rows of a table the Markdown shows cell by cell (a job summary stays short).
pub const ADDED_SHOWN: usize = 20;

/// The non-blank cells of row `j`, in the schema's column order.
fn filled_cells(t: &TableSnap, j: usize) -> Vec<(String, Value)> {
    t.schema
        .column_names()
        .filter_map(|c| {
            let v = &t.rows[j][c];
            let blank = v.is_null() || v.as_str().is_some_and(str::is_empty);
            (!blank).then(|| (c.to_string(), v.clone()))
        })
        .collect()
}

/// Schema changes of one table, each with the bump it requires.
pub fn schema_changes(table: &str, old: &Schema, new: &Schema) -> Vec<SchemaChange> {
    let mut out = Vec::new();
    let mut add = |bump: Bump, change: String| {
        out.push(SchemaChange {
            table: table.to_string(),
            change,
            bump,
        })
    };
    column_set_changes(old, new, &mut add);
    for (key, what) in [
        ("x-primaryKey", "primary key"),
        ("x-sortKey", "sort order"),
        ("x-foreignKeys", "foreign keys"),
        ("allOf", "conditional constraints"),
    ] {
        if old.document.get(key) != new.document.get(key) {
            add(Bump::Major, format!("{what} changed"));
        }
    }
    rule_changes(old, new, &mut add);
    out
}

/// Columns removed, added (an optional one at the end is a minor change), reordered, and the
/// changes of each column both versions have.
fn column_set_changes(old: &Schema, new: &Schema, add: &mut dyn FnMut(Bump, String)) {
    let old_names: Vec<&str> = old.column_names().collect();
    let new_names: Vec<&str> = new.column_names().collect();
    for n in &old_names {
        if !new_names.contains(n) {
            add(Bump::Major, format!("column {n} removed or renamed"));
        }
    }
    let last_old = new_names.iter().rposition(|n| old_names.contains(n));
    for (pos, n) in new_names.iter().enumerate() {
        if old_names.contains(n) {
            continue;
        }
        let col = &new.columns[pos];
        if last_old.is_none_or(|l| pos > l) && col.nullable {
            add(Bump::Minor, format!("optional column {n} appended"));
        } else if !col.nullable {
            add(Bump::Major, format!("required column {n} added"));
        } else {
            add(
                Bump::Major,
                format!("column {n} inserted before existing columns"),
            );
        }
    }
    let common_old: Vec<&str> = old_names
        .iter()
        .filter(|n| new_names.contains(n))
        .copied()
        .collect();
    let common_new: Vec<&str> = new_names
        .iter()
        .filter(|n| old_names.contains(n))
        .copied()
        .collect();
    if common_old != common_new {
        add(Bump::Major, "columns reordered".into());
    }
    for n in &common_new {
        let a = &old.columns[old.column_index(n).expect("common")];
        let b = &new.columns[new.column_index(n).expect("common")];
        column_changes(a, b, add);
    }
}

/// Rules added (major), removed (minor), or changed (see [`rule_changed`]).
fn rule_changes(old: &Schema, new: &Schema, add: &mut dyn FnMut(Bump, String)) {
    let rules = |s: &Schema| -> BTreeMap<String, Value> {
        s.document
            .get("x-rules")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|r| {
                (
                    r.get("id")
                        .or_else(|| r.get("rule"))
                        .map(|v| v.to_string())
                        .unwrap_or_default(),
                    r.clone(),
                )
            })
            .collect()
    };
    let (ro, rn) = (rules(old), rules(new));
    for (id, r) in &rn {
        match ro.get(id) {
            None => add(Bump::Major, format!("rule {id} added")),
            Some(o) => rule_changed(id, o, r, add),
        }
    }
    for id in ro.keys() {
        if !rn.contains_key(id) {
            add(Bump::Minor, format!("rule {id} removed"));
        }
    }
}

/// One rule's change: its checks changed (major); its severity only, error to warning
/// (loosened, minor) or warning to error (tightened, major); or its wording only, the `hint`
/// or the `description` a `forbid-when`, `count`, `unique` or `equal` rule reports (patch).
fn rule_changed(id: &str, old: &Value, new: &Value, add: &mut dyn FnMut(Bump, String)) {
    let without = |r: &Value, keys: &[&str]| {
        let mut r = r.clone();
        if let Some(o) = r.as_object_mut() {
            for k in keys {
                o.remove(*k);
            }
        }
        r
    };
    let wording = ["hint", "description", "severity"];
    if without(old, &wording) != without(new, &wording) {
        return add(Bump::Major, format!("rule {id} changed"));
    }
    let severity = |r: &Value| match r.get("severity").and_then(Value::as_str) {
        Some("warning") => "warning",
        _ => "error",
    };
    match (severity(old), severity(new)) {
        ("error", "warning") => add(Bump::Minor, format!("rule {id} loosened: error → warning")),
        ("warning", "error") => add(Bump::Major, format!("rule {id} tightened: warning → error")),
        _ => {}
    }
    if without(old, &["severity"]) != without(new, &["severity"]) {
        add(Bump::Patch, format!("rule {id}: wording changed"));
    }
}

fn column_changes(a: &Column, b: &Column, add: &mut dyn FnMut(Bump, String)) {
    let n = &b.name;
    if a.kind != b.kind {
        add(
            Bump::Major,
            format!("column {n}: type {} → {}", a.kind.name(), b.kind.name()),
        );
    }
    match (a.nullable, b.nullable) {
        (true, false) => add(Bump::Major, format!("column {n}: blank no longer allowed")),
        (false, true) => add(Bump::Minor, format!("column {n}: blank now allowed")),
        _ => {}
    }
    if a.delimiter != b.delimiter {
        add(Bump::Major, format!("column {n}: list delimiter changed"));
    }
    spelling_changes(a, b, add);
    bound_changes(a, b, add);
    pattern_changes(a, b, add);
    vocabulary_changes(a, b, add);
    if a.description != b.description {
        add(Bump::Patch, format!("column {n}: description reworded"));
    }
}

/// A boolean column's spellings (`x-trueValues`, `x-falseValues`): one removed is major (a cell
/// written that way no longer reads), one added minor. Moving a spelling to the other value is
/// both, so major.
fn spelling_changes(a: &Column, b: &Column, add: &mut dyn FnMut(Bump, String)) {
    use crate::schema::Kind;
    if a.kind != Kind::Boolean || b.kind != Kind::Boolean {
        return;
    }
    let n = &b.name;
    let sides = |c: &Column| {
        let b = &c.booleans;
        [
            (true, b.true_values.clone()),
            (false, b.false_values.clone()),
        ]
    };
    for ((value, old), (_, new)) in sides(a).into_iter().zip(sides(b)) {
        for v in old.iter().filter(|v| !new.contains(v)) {
            add(
                Bump::Major,
                format!("column {n}: spelling {} of {value} removed", shown(v)),
            );
        }
        for v in new.iter().filter(|v| !old.contains(v)) {
            add(
                Bump::Minor,
                format!("column {n}: spelling {} of {value} added", shown(v)),
            );
        }
    }
}

/// Numeric and length bounds, of the cell and of a list's items: tightening is major,
/// loosening minor.
fn bound_changes(a: &Column, b: &Column, add: &mut dyn FnMut(Bump, String)) {
    let n = &b.name;
    for item in [false, true] {
        let of = |c: &Column| {
            if item {
                c.schema.get("items").cloned()
            } else {
                Some(c.schema.clone())
            }
        };
        let (x, y) = (of(a).unwrap_or(Value::Null), of(b).unwrap_or(Value::Null));
        for (key, lower_is_tighter) in [
            ("minimum", false),
            ("maximum", true),
            ("minLength", false),
            ("maxLength", true),
            ("minItems", false),
            ("maxItems", true),
        ] {
            let (x, y) = (
                x.get(key).and_then(Value::as_f64),
                y.get(key).and_then(Value::as_f64),
            );
            let tighter = match (x, y) {
                (None, None) => continue,
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(x), Some(y)) if x == y => continue,
                (Some(x), Some(y)) => (y < x) == lower_is_tighter,
            };
            let show = |v: Option<f64>| v.map_or("none".to_string(), |v| v.to_string());
            let bump = if tighter { Bump::Major } else { Bump::Minor };
            let what = if item {
                format!("{key} of the items")
            } else {
                key.to_string()
            };
            add(
                bump,
                format!("column {n}: {what} {} → {}", show(x), show(y)),
            );
        }
    }
}

/// Patterns and formats of the cell or of a list's items: a pattern that accepts a superset
/// (or none at all) is a loosening, minor; any other change is major.
fn pattern_changes(a: &Column, b: &Column, add: &mut dyn FnMut(Bump, String)) {
    let n = &b.name;
    for (key, item) in [
        ("pattern", false),
        ("pattern", true),
        ("format", false),
        ("format", true),
    ] {
        let get = |c: &Column| {
            let s = if item {
                c.schema.get("items")
            } else {
                Some(&c.schema)
            };
            s.and_then(|s| s.get(key))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let (x, y) = (get(a), get(b));
        if x == y {
            continue;
        }
        let what = if item {
            format!("{key} of the items")
        } else {
            key.to_string()
        };
        let bump = match (key, x.as_deref(), y.as_deref()) {
            (_, _, None) => Bump::Minor,
            ("pattern", Some(x), Some(y)) if regex_contained(x, y) == Some(true) => Bump::Minor,
            _ => Bump::Major,
        };
        let verb = if bump == Bump::Minor {
            "loosened"
        } else {
            "changed"
        };
        add(
            bump,
            format!(
                "column {n}: {what} {verb} ({} → {})",
                x.as_deref().unwrap_or("none"),
                y.as_deref().unwrap_or("none")
            ),
        );
    }
}

/// Closed vocabularies: a value removed or redefined (or a vocabulary introduced) is major, a
/// value added (or the vocabulary opened) minor.
fn vocabulary_changes(a: &Column, b: &Column, add: &mut dyn FnMut(Bump, String)) {
    let terms = |list: &Option<Vec<crate::schema::Term>>| -> Option<Terms> {
        list.as_ref().map(|list| {
            list.iter()
                .map(|t| (t.value.clone(), t.description.clone()))
                .collect()
        })
    };
    let n = &b.name;
    compare_vocabularies(
        &format!("column {n}"),
        terms(&a.terms),
        terms(&b.terms),
        add,
    );
    let items = format!("column {n}, items");
    compare_vocabularies(&items, terms(&a.item_terms), terms(&b.item_terms), add);
}

/// A vocabulary: each allowed value with its definition, if it has one.
type Terms = BTreeMap<String, Option<String>>;

/// What a change of vocabulary requires: a value removed or redefined, or a vocabulary closed,
/// is major (rows valid before may not be); a value added, or a vocabulary opened, is minor.
fn compare_vocabularies(
    what: &str,
    old: Option<Terms>,
    new: Option<Terms>,
    add: &mut dyn FnMut(Bump, String),
) {
    match (old, new) {
        (None, None) => {}
        (Some(_), None) => add(
            Bump::Minor,
            format!("{what}: vocabulary opened (any value allowed)"),
        ),
        (None, Some(_)) => add(Bump::Major, format!("{what}: closed vocabulary introduced")),
        (Some(ta), Some(tb)) => {
            for (v, d) in &ta {
                match tb.get(v) {
                    None => add(Bump::Major, format!("{what}: value {v} removed")),
                    Some(e) if e != d => add(Bump::Major, format!("{what}: value {v} redefined")),
                    _ => {}
                }
            }
            for v in tb.keys().filter(|v| !ta.contains_key(*v)) {
                add(Bump::Minor, format!("{what}: value {v} added"));
            }
        }
    }
}

/// Whether every string `old` matches is matched by `new` (JSON Schema `pattern` semantics:
/// a match anywhere in the string). `None` when a pattern cannot be compiled to a DFA here.
///
/// Walks the product of the two DFAs looking for a string that `old` accepts and `new` does
/// not; the DFAs of the short patterns schemas use are small, so this is quick.
pub fn regex_contained(old: &str, new: &str) -> Option<bool> {
    use regex_automata::dfa::{dense, Automaton, StartKind};
    use regex_automata::util::start;
    use regex_automata::Anchored;
    let build = |p: &str| {
        dense::Builder::new()
            .configure(dense::Config::new().start_kind(StartKind::Unanchored))
            .build(p)
            .ok()
    };
    let (da, db) = (build(old)?, build(new)?);
    let cfg = start::Config::new().anchored(Anchored::No);
    let (sa, sb) = (da.start_state(&cfg).ok()?, db.start_state(&cfg).ok()?);
    let mut seen = HashSet::new();
    let mut stack = vec![(sa, sb, false, false)];
    while let Some((a, b, ma, mb)) = stack.pop() {
        if !seen.insert((a, b, ma, mb)) {
            continue;
        }
        // Ending the string here.
        let ea = ma || da.is_match_state(da.next_eoi_state(a));
        let eb = mb || db.is_match_state(db.next_eoi_state(b));
        if ea && !eb {
            return Some(false);
        }
        for byte in 0..=255u8 {
            let (na, nb) = (da.next_state(a, byte), db.next_state(b, byte));
            let ma2 = ma || da.is_match_state(na);
            let mb2 = mb || db.is_match_state(nb);
            // Once `new` has matched, every longer string matches too; a dead `old` that has
            // not matched can never match.
            if mb2 || (da.is_dead_state(na) && !ma2) {
                continue;
            }
            stack.push((na, nb, ma2, mb2));
        }
        if seen.len() > 100_000 {
            return None;
        }
    }
    Some(true)
}

/// Renders a diff as plain text.
pub fn text(d: &Diff) -> String {
    render(d, false)
}

/// Renders a diff as Markdown, ready to paste into CHANGELOG.md.
pub fn markdown(d: &Diff) -> String {
    render(d, true)
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => "(blank)".into(),
        Value::String(s) => shown(s),
        other => other.to_string(),
    }
}

/// `v` as changed from (or to) `other`: two long texts are shown from a little before the
/// first character where they differ, so that a reviewer sees the edit and not only the
/// unchanged start (`…at least one soldier died…` → `…at least one serviceman died…`).
fn show_changed(v: &Value, other: &Value) -> String {
    const CONTEXT: usize = 20;
    let (Value::String(a), Value::String(b)) = (v, other) else {
        return show(v);
    };
    let width = crate::table::text::SHOWN_CHARS;
    if a.chars().count() <= width && b.chars().count() <= width {
        return show(v);
    }
    let same = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let skip = same.saturating_sub(CONTEXT);
    if skip == 0 {
        return show(v);
    }
    let rest: String = a.chars().skip(skip).collect();
    let mut q = shown(&rest);
    if rest.chars().count() > width {
        // Drop the length `shown` appends to a cut value: the whole text's length follows.
        if let Some((head, _)) = q.rsplit_once(" (") {
            q = head.to_string();
        }
    }
    format!("…{q} ({} characters)", a.chars().count())
}

fn render(d: &Diff, md: bool) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let ver = |label: &str, v: &Option<String>| match v {
        Some(v) => format!("{label} ({v})"),
        None => label.to_string(),
    };
    let (old, new) = (ver(&d.old, &d.old_version), ver(&d.new, &d.new_version));
    let (old, new) = (prose(&old, md), prose(&new, md));
    let item = if md { "- " } else { "  " };
    if md {
        let _ = writeln!(s, "### Changes from {old} to {new}\n");
    } else {
        let _ = writeln!(s, "diff {old} → {new}");
    }
    if d.is_empty() {
        let _ = writeln!(s, "{item}no differences");
        return s;
    }
    if let Some((bump, why)) = d.required_bump() {
        let _ = writeln!(s, "{item}required version bump: {}", bump.as_str());
        // The reasons at the required level, the first few (the full list: `--format json`).
        let top: Vec<&String> = why.iter().filter(|w| !w.starts_with("also ")).collect();
        let mut shown: Vec<String> = top.iter().take(3).map(|w| bare(w)).collect();
        if top.len() > 3 {
            shown.push(format!("and {} more", top.len() - 3));
        }
        let _ = writeln!(s, "{item}because: {}", prose(&shown.join("; "), md));
    }
    if !d.schema.is_empty() {
        let _ = writeln!(s, "{}", if md { "\n#### Schema\n" } else { "schema:" });
        for c in &d.schema {
            let _ = writeln!(
                s,
                "{item}{}: {} ({})",
                code(&c.table, md),
                prose(&c.change, md),
                c.bump.as_str()
            );
        }
    }
    for t in &d.tables {
        render_table(&mut s, t, md);
    }
    s
}

/// A key or name from the data, escaped and cut like every printed input (in Markdown, as a
/// code span fenced longer than any backtick run inside, so that a name from a contributor's
/// row can never close it and inject Markdown or HTML into a job summary).
fn code(x: &str, md: bool) -> String {
    let x = bare(x);
    if md {
        code_span(&x)
    } else {
        x
    }
}

/// Text that may quote the data (reasons, schema changes, version labels): in Markdown, every
/// character that could start a link, an image, emphasis or HTML is escaped.
fn prose(x: &str, md: bool) -> String {
    if md {
        markdown_text(x)
    } else {
        x.to_string()
    }
}

/// The rows of one table added, removed and changed (nothing when there are none).
fn render_table(s: &mut String, t: &TableDiff, md: bool) {
    use std::fmt::Write;
    if t.added.is_empty() && t.removed.is_empty() && t.changed.is_empty() {
        return;
    }
    let item = if md { "- " } else { "  " };
    let keys = |list: &[String]| -> String {
        let keys: Vec<String> = list.iter().map(|k| code(k, md)).collect();
        keys.join(", ")
    };
    let _ = writeln!(
        s,
        "{}",
        if md {
            format!("\n#### {}\n", code(&t.table, md))
        } else {
            format!("{}:", t.table)
        }
    );
    if !t.added.is_empty() {
        let _ = writeln!(s, "{item}added ({}): {}", t.added.len(), keys(&t.added));
        if md {
            added_values(s, t);
        }
    }
    if !t.removed.is_empty() {
        let _ = writeln!(
            s,
            "{item}removed ({}): {}",
            t.removed.len(),
            keys(&t.removed)
        );
    }
    for c in &t.changed {
        let _ = writeln!(s, "{item}changed {}:", code(&c.key, md));
        for f in &c.fields {
            let _ = writeln!(
                s,
                "{}{}: {} → {}",
                if md { "  - " } else { "      " },
                code(&f.field, md),
                value(&show_changed(&f.before, &f.after), md),
                value(&show_changed(&f.after, &f.before), md)
            );
        }
    }
}

/// The cells of the first added rows, one sub-item per row, each value a code span.
fn added_values(s: &mut String, t: &TableDiff) {
    use std::fmt::Write;
    for (key, cells) in t.added.iter().zip(&t.added_cells) {
        let cells: Vec<String> = cells
            .iter()
            .map(|(c, v)| format!("{} {}", code(c, true), value(&show(v), true)))
            .collect();
        let _ = writeln!(s, "  - {}: {}", code(key, true), cells.join(", "));
    }
    if t.added.len() > t.added_cells.len() {
        let more = t.added.len() - t.added_cells.len();
        let _ = writeln!(
            s,
            "  - and {more} more (`aabc diff --format json` lists every id)"
        );
    }
}

/// A value as shown in a changed field: in Markdown, a code span (shown literally).
fn value(shown: &str, md: bool) -> String {
    if md {
        code_span(shown)
    } else {
        shown.to_string()
    }
}

#[cfg(test)]
mod tests;
