//! The wording of a JSON Schema error on one cell: what is wrong in the contributor's terms
//! (a type, a vocabulary, a bound, a pattern) and what to write instead, with the column's
//! example, the canonical spelling or the closest allowed value when there is one; and the
//! error that stops validation when the regex engine cannot finish matching a `pattern`.

use super::report::Severity;
use super::rules::Finding;
use crate::error::Error;
use crate::schema::{Column, Kind, Schema, Spellings};
use crate::table::text::{message, shown};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

/// The first of a column's `examples`, as it would be written in a cell.
fn example(schema: &Schema, c: usize) -> Option<String> {
    let ex = schema.columns[c]
        .schema
        .get("examples")?
        .as_array()?
        .first()?;
    Some(schema.json_to_cell(c, ex))
}

/// The item of a list cell an error is about (its instance path goes below the column, as
/// `/agency_ids/1`), as its text; `None` for an error on the whole cell.
fn item_of(e: &jsonschema::ValidationError<'_>) -> Option<String> {
    if e.instance_path().as_str().matches('/').count() < 2 {
        return None;
    }
    Some(match e.instance().as_ref() {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// "item X " before a message about one item of a list, nothing for a whole cell.
fn item_words(item: Option<&str>) -> String {
    item.map_or(String::new(), |i| format!("item {} ", shown(i)))
}

/// Turns a JSON Schema error on one cell into a message and a hint.
pub(crate) fn describe(
    schema: &Schema,
    c: usize,
    cell: &str,
    e: &jsonschema::ValidationError<'_>,
) -> (String, String) {
    let col = &schema.columns[c];
    let about = col.description.as_deref().unwrap_or("");
    match e.kind() {
        ValidationErrorKind::Type { .. } if e.instance().is_null() => (
            "is blank, but the column is required".into(),
            format!("fill it in: {about}"),
        ),
        ValidationErrorKind::Type { kind } => match item_of(e) {
            Some(item) => describe_item_type(col, &item, kind),
            None => describe_type(col, cell, kind),
        },
        ValidationErrorKind::OneOfNotValid { .. }
        | ValidationErrorKind::Enum { .. }
        | ValidationErrorKind::Constant { .. } => describe_vocabulary(col, cell, e),
        ValidationErrorKind::Format { format } if format == "date" => (
            "is not a real calendar date in YYYY-MM-DD form".into(),
            "write the date as YYYY-MM-DD with a day that exists in that month".into(),
        ),
        ValidationErrorKind::Format { format } => (
            format!("is not a valid {format}"),
            format!("write a valid {format}"),
        ),
        ValidationErrorKind::Pattern { pattern } => {
            let item = item_words(item_of(e).as_deref());
            let hint = match example(schema, c) {
                Some(ex) => format!("write it in the form {ex}"),
                None => format!("follow the form the column requires: {about}"),
            };
            (format!("{item}does not match the pattern {pattern}"), hint)
        }
        kind => describe_bound(col, cell, kind).unwrap_or_else(|| {
            (
                e.to_string(),
                format!("make the cell match the schema: {about}"),
            )
        }),
    }
}

/// A cell that is not of its column's type, with the canonical spelling when there is one.
fn describe_type(col: &Column, cell: &str, kind: &TypeKind) -> (String, String) {
    describe_type_as(col.kind, &col.booleans, cell, kind)
}

/// A value that is not of type `of`, with the canonical spelling when there is one.
fn describe_type_as(
    of: Kind,
    booleans: &Spellings,
    cell: &str,
    kind: &TypeKind,
) -> (String, String) {
    let want = match kind {
        TypeKind::Single(t) => t.to_string(),
        TypeKind::Multiple(_) => of.name().to_string(),
    };
    let hint = match (crate::schema::canonical_spelling(of, cell), of) {
        (Some(canonical), _) => format!(
            "write {canonical}: numbers are written without a plus sign or leading zeros (a spreadsheet would run the sign as a formula and drop the zeros)"
        ),
        (None, Kind::Integer) => "write a whole number with digits only (no spaces, separators or words); leave blank when not reported".into(),
        (None, Kind::Number) => "write a number with a dot for decimals; leave blank when not reported".into(),
        (None, Kind::Boolean) if booleans.is_default() => {
            "write true or false, in lower case".into()
        }
        (None, Kind::Boolean) => format!(
            "write one of the spellings the column declares: {}",
            booleans.listed()
        ),
        (None, k) => format!("write a {}", k.name()),
    };
    (format!("is not a valid {want}"), hint)
}

/// An item of a list cell that is not of the items' type (`12;x` in a list of integers).
fn describe_item_type(col: &Column, item: &str, kind: &TypeKind) -> (String, String) {
    let Kind::List(of) = col.kind else {
        return describe_type(col, item, kind);
    };
    let (message, hint) = describe_type_as(of.kind(), &col.booleans, item, kind);
    (
        format!("{}{message}", item_words(Some(item))),
        format!("{hint}; items are separated by {}", shown(&col.delimiter)),
    )
}

/// A value outside its vocabulary (or outside what the row's other values allow), with the
/// closest allowed value when one is close.
fn describe_vocabulary(
    col: &Column,
    cell: &str,
    e: &jsonschema::ValidationError<'_>,
) -> (String, String) {
    let conditional =
        e.schema_path().as_str().contains("/then/") || e.schema_path().as_str().contains("/else/");
    let terms: Vec<String> = match e.kind() {
        ValidationErrorKind::Enum { options } => options
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        _ => col
            .terms
            .as_ref()
            .or(col.item_terms.as_ref())
            .map(|t| t.iter().map(|t| t.value.clone()).collect())
            .unwrap_or_default(),
    };
    let item = item_of(e);
    let message = if conditional {
        "is not allowed together with the other values of this row".to_string()
    } else {
        format!(
            "{}is not in the vocabulary of {}",
            item_words(item.as_deref()),
            col.name
        )
    };
    let hint = match closest(item.as_deref().unwrap_or(cell), &terms) {
        Some(t) => format!("did you mean {t:?}? allowed here: {}", allowed(&terms)),
        None => format!("use one of: {}", allowed(&terms)),
    };
    (message, hint)
}

/// The allowed values, the first 30 of a long list.
fn allowed(terms: &[String]) -> String {
    if terms.len() <= 30 {
        terms.join(", ")
    } else {
        format!(
            "{}, … ({} values; see the codebook)",
            terms[..30].join(", "),
            terms.len()
        )
    }
}

/// The allowed value a misspelt cell most likely meant.
fn closest(cell: &str, terms: &[String]) -> Option<String> {
    terms
        .iter()
        .map(|t| {
            (
                strsim::damerau_levenshtein(&t.to_lowercase(), &cell.to_lowercase()),
                t,
            )
        })
        .filter(|(d, t)| *d <= 2.max(t.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, t)| t.clone())
}

/// Bounds on a value, a length or a list; `None` for any other kind of error.
fn describe_bound(
    col: &Column,
    cell: &str,
    kind: &ValidationErrorKind,
) -> Option<(String, String)> {
    let about = col.description.as_deref().unwrap_or("");
    Some(match kind {
        ValidationErrorKind::Minimum { limit } => (
            format!("is below the minimum {limit}"),
            format!("{}: {about}", col.name),
        ),
        ValidationErrorKind::Maximum { limit } => (
            format!("is above the maximum {limit}"),
            format!("check the figure; {about}"),
        ),
        ValidationErrorKind::MaxLength { limit } => (
            format!(
                "is {} characters long; the limit is {limit}",
                cell.chars().count()
            ),
            "shorten it".into(),
        ),
        ValidationErrorKind::MinLength { limit } => (
            format!("is shorter than {limit} characters"),
            about.to_string(),
        ),
        ValidationErrorKind::MinItems { limit } => {
            (format!("needs at least {limit} item(s)"), about.to_string())
        }
        ValidationErrorKind::UniqueItems => (
            "lists the same item more than once".into(),
            "remove the repeated item".into(),
        ),
        _ => return None,
    })
}

/// Describes one JSON Schema error in the contributor's terms (column, cell, what to do);
/// `None` for errors the header check reports once (missing or extra columns).
pub(crate) fn finding(
    schema: &Schema,
    cells: &[&str],
    e: &jsonschema::ValidationError<'_>,
) -> Option<Finding> {
    let kind = e.kind();
    if let ValidationErrorKind::Required { .. } | ValidationErrorKind::AdditionalProperties { .. } =
        kind
    {
        return None;
    }
    let column = schema.error_column(e);
    let (message, hint) = match column {
        Some(c) => describe(schema, c, cells[c], e),
        None => (e.to_string(), "make the row match the schema".to_string()),
    };
    Some(Finding {
        rule: format!("schema/{}", kind.keyword()),
        column,
        message,
        hint,
        severity: Severity::Error,
    })
}

/// A `pattern` the regex engine gave up matching against a cell (it reached its backtracking
/// limit, or failed): the cell is neither known valid nor known invalid, so validation stops
/// and says which pattern is at fault rather than report the data as wrong.
pub(crate) struct CostlyPattern {
    pub(crate) column: Option<usize>,
    pattern: String,
    /// What the engine said.
    reason: String,
}

impl CostlyPattern {
    /// The engine's failure in a JSON Schema error, if that is what it is.
    pub(crate) fn of(
        schema: &Schema,
        e: &jsonschema::ValidationError<'_>,
    ) -> Option<CostlyPattern> {
        match e.kind() {
            ValidationErrorKind::BacktrackLimitExceeded { .. }
            | ValidationErrorKind::RegexEngineFailure { .. } => {}
            _ => return None,
        }
        let at = e.schema_path().as_str();
        let pattern = schema
            .document
            .pointer(at)
            .and_then(serde_json::Value::as_str);
        Some(CostlyPattern {
            column: schema.error_column(e),
            pattern: pattern.unwrap_or(at).to_string(),
            reason: e.to_string(),
        })
    }

    /// The error that stops validation, naming the pattern, its column and the cell.
    pub(crate) fn error(&self, schema: &Schema, at: &str) -> Error {
        let column = self
            .column
            .map(|c| format!(" of column {}", shown(&schema.columns[c].name)))
            .unwrap_or_default();
        Error::Schema {
            path: schema.path.clone(),
            message: format!(
                "the pattern {}{column} is too costly to match against the value at {at} ({}): \
                 simplify the pattern (a repetition inside a repetition, with a back-reference \
                 or a look-around, can take exponential time)",
                shown(&self.pattern),
                message(&self.reason),
            ),
        }
    }
}
