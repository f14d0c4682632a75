//! Reading a row schema: the JSON Schema document turned into [`Schema`]'s columns, keys and
//! rules, refusing a schema no row could satisfy or whose rules name unknown columns.

use super::{
    Aggregate, Column, Count, Equal, Expand, ForbidWhen, ForeignKey, Item, Kind, RuleSpec, Schema,
    Spellings, Term, Unique,
};
use crate::error::{Error, Result};
use serde_json::Value;
use std::path::{Path, PathBuf};

impl Schema {
    /// Reads and compiles a row schema file.
    pub fn load(path: &Path) -> Result<Schema> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let document: Value = serde_json::from_str(&text).map_err(|e| Error::Json {
            path: path.to_path_buf(),
            source: e,
        })?;
        Schema::from_value(path, document)
    }

    /// Builds a schema from an already parsed document (`path` is used in messages).
    pub fn from_value(path: &Path, document: Value) -> Result<Schema> {
        let fail = |message: String| Error::Schema {
            path: path.to_path_buf(),
            message,
        };
        let props = document
            .get("properties")
            .and_then(Value::as_object)
            .ok_or_else(|| fail("the schema has no \"properties\" object: it must describe one row as an object".into()))?;
        if props.is_empty() {
            return Err(fail(
                "\"properties\" is empty: a row needs at least one column".into(),
            ));
        }
        let mut columns = Vec::with_capacity(props.len());
        for (name, prop) in props {
            columns.push(column(name, prop).map_err(|m| fail(format!("property {name:?}: {m}")))?);
        }
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&document)
            .map_err(|e| fail(format!("not a valid JSON Schema (draft 2020-12): {e}")))?;
        let index = |name: &str, what: &str| -> Result<usize> {
            columns.iter().position(|c| c.name == name).ok_or_else(|| {
                fail(format!(
                    "{what} names column {name:?}, which is not in \"properties\""
                ))
            })
        };
        let names = |key: &str| -> Result<Vec<usize>> {
            match document.get(key) {
                None => Ok(Vec::new()),
                Some(v) => string_list(v)
                    .ok_or_else(|| fail(format!("{key} must be an array of column names")))?
                    .iter()
                    .map(|n| index(n, key))
                    .collect(),
            }
        };
        let primary_key = names("x-primaryKey")?;
        let sort_key = names("x-sortKey")?;
        let foreign_keys = foreign_keys(&document, &index, &fail)?;
        let rules = rules(&document, &index, &columns, &fail)?;
        for r in &rules {
            keys_fit(r, &columns, &primary_key, &foreign_keys)
                .map_err(|m| fail(format!("x-rules: {m}")))?;
        }
        Ok(Schema {
            path: path.to_path_buf(),
            id: document
                .get("$id")
                .and_then(Value::as_str)
                .map(str::to_string),
            title: document
                .get("title")
                .and_then(Value::as_str)
                .map(str::to_string),
            description: document
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_string),
            columns,
            primary_key,
            sort_key,
            foreign_keys,
            rules,
            document,
            validator,
        })
    }
}

/// Resolves a column name to its index, or says which key names an unknown column.
type Index<'a> = dyn Fn(&str, &str) -> Result<usize> + 'a;
/// Turns a message into the schema's error.
type Fail<'a> = dyn Fn(String) -> Error + 'a;

/// The `x-foreignKeys` of a schema, with their columns resolved.
fn foreign_keys(document: &Value, index: &Index, fail: &Fail) -> Result<Vec<ForeignKey>> {
    let Some(fks) = document.get("x-foreignKeys") else {
        return Ok(Vec::new());
    };
    let fks = fks
        .as_array()
        .ok_or_else(|| fail("x-foreignKeys must be an array".into()))?;
    let mut foreign_keys = Vec::new();
    for fk in fks {
        let field = fk.get("fields").and_then(Value::as_str);
        let reference = fk.get("reference");
        let resource = reference
            .and_then(|r| r.get("resource"))
            .and_then(Value::as_str);
        let rfield = reference
            .and_then(|r| r.get("fields"))
            .and_then(Value::as_str);
        match (field, resource, rfield) {
            (Some(f), Some(r), Some(rf)) => foreign_keys.push(ForeignKey {
                field: index(f, "x-foreignKeys")?,
                resource: r.to_string(),
                reference_field: rf.to_string(),
                link: fk.get("link").and_then(Value::as_str).map(str::to_string),
                expand: expand_list(fk.get("expand"))
                    .map_err(|m| fail(format!("x-foreignKeys on {f:?}: {m}")))?,
            }),
            _ => {
                return Err(fail(
                    "each x-foreignKeys entry needs \"fields\" and \"reference\": {\"resource\", \"fields\"}".into(),
                ))
            }
        }
    }
    Ok(foreign_keys)
}

/// The `x-rules` of a schema, each resolved and refused when it can never hold.
fn rules(
    document: &Value,
    index: &Index,
    columns: &[Column],
    fail: &Fail,
) -> Result<Vec<RuleSpec>> {
    let Some(list) = document.get("x-rules") else {
        return Ok(Vec::new());
    };
    let list = list
        .as_array()
        .ok_or_else(|| fail("x-rules must be an array".into()))?;
    let mut rules = Vec::new();
    for r in list {
        let spec = rule(r, index, columns).map_err(|e| match e {
            Error::Schema { message, .. } => fail(format!("x-rules: {message}")),
            other => other,
        })?;
        rule_fits(&spec, columns).map_err(|m| fail(format!("x-rules: {m}")))?;
        severity(r).map_err(|m| fail(format!("x-rules: rule {:?}: {m}", spec_id(&spec))))?;
        rules.push(spec);
    }
    Ok(rules)
}

/// Refuses a `severity` other than `"error"` (the default) or `"warning"`, so that a typo
/// does not silently leave a rule an error.
fn severity(r: &Value) -> std::result::Result<(), String> {
    match r.get("severity") {
        None => Ok(()),
        Some(Value::String(s)) if s == "error" || s == "warning" => Ok(()),
        Some(other) => Err(format!(
            "\"severity\" is {}; write \"error\" or \"warning\"",
            crate::table::text::cut(&other.to_string(), crate::table::text::SHOWN_CHARS)
        )),
    }
}

/// The id a rule was declared with (its kind when it has none).
fn spec_id(spec: &RuleSpec) -> &str {
    match spec {
        RuleSpec::DateOrder { id, .. }
        | RuleSpec::DatePrecision { id, .. }
        | RuleSpec::DateCoverage { id, .. }
        | RuleSpec::Sum { id, .. }
        | RuleSpec::PresentIffAny { id, .. }
        | RuleSpec::PresentIfAny { id, .. }
        | RuleSpec::OnlyWhen { id, .. }
        | RuleSpec::CodePrefix { id, .. }
        | RuleSpec::TitleOf { id, .. }
        | RuleSpec::Trimmed { id }
        | RuleSpec::NoFormula { id }
        | RuleSpec::ForbidWhen(ForbidWhen { id, .. })
        | RuleSpec::Count(Count { id, .. })
        | RuleSpec::Unique(Unique { id, .. })
        | RuleSpec::Equal(Equal { id, .. }) => id,
    }
}

/// The `expand` list of a foreign key: strings or `{"field", "as", "aggregate"}` objects.
fn expand_list(v: Option<&Value>) -> std::result::Result<Vec<Expand>, String> {
    let Some(v) = v else { return Ok(Vec::new()) };
    let bad = || {
        "\"expand\" must be an array of column names or {\"field\": NAME, \"as\": NEW_NAME, \"aggregate\": \"coarsest\" or \"distinct\"} objects"
            .to_string()
    };
    v.as_array()
        .ok_or_else(bad)?
        .iter()
        .map(|e| match e {
            Value::String(s) => Ok(Expand {
                field: s.clone(),
                name: s.clone(),
                aggregate: None,
            }),
            Value::Object(o) => {
                let field = o.get("field").and_then(Value::as_str).ok_or_else(bad)?;
                let name = match o.get("as") {
                    None => field,
                    Some(a) => a.as_str().ok_or_else(bad)?,
                };
                Ok(Expand {
                    field: field.to_string(),
                    name: name.to_string(),
                    aggregate: aggregate(o).map_err(|m| format!("\"expand\" of {field:?}: {m}"))?,
                })
            }
            _ => Err(bad()),
        })
        .collect()
}

/// The `aggregate` of one `expand` object (with `spread` and `spread_value` for `coarsest`).
fn aggregate(o: &serde_json::Map<String, Value>) -> std::result::Result<Option<Aggregate>, String> {
    let spread = match (o.get("spread"), o.get("spread_value")) {
        (None, None) => None,
        (Some(Value::String(s)), Some(v @ (Value::String(_) | Value::Number(_)))) => {
            let v = match v {
                Value::String(t) => t.clone(),
                n => n.to_string(),
            };
            Some((s.clone(), v))
        }
        _ => {
            return Err(
                "\"spread\" (a column name) and \"spread_value\" (a value) go together".into(),
            )
        }
    };
    let kind = match o.get("aggregate") {
        None => None,
        Some(Value::String(k)) => Some(k.as_str()),
        Some(_) => return Err("\"aggregate\" is \"coarsest\" or \"distinct\"".into()),
    };
    match (kind, spread) {
        (None, None) => Ok(None),
        (Some("coarsest"), spread) => Ok(Some(Aggregate::Coarsest { spread })),
        (Some("distinct"), None) => Ok(Some(Aggregate::Distinct)),
        (None | Some("distinct"), Some(_)) => {
            Err("\"spread\" goes with \"aggregate\": \"coarsest\" only".into())
        }
        _ => Err("\"aggregate\" is \"coarsest\" or \"distinct\"".into()),
    }
}

fn string_list(v: &Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|x| x.as_str().map(str::to_string))
        .collect()
}

/// Types named by `type` (a string or an array of strings).
fn declared_types(prop: &Value) -> Vec<String> {
    match prop.get("type") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// A vocabulary read from `oneOf`/`anyOf` const branches or from `enum`.
#[derive(Default)]
struct Vocabulary {
    terms: Option<Vec<Term>>,
    null_description: Option<String>,
}

fn column(name: &str, prop: &Value) -> Result<Column, String> {
    let mut types = declared_types(prop);
    let vocabulary = vocabulary(prop, &mut types)?;
    let nullable = types.iter().any(|t| t == "null");
    let kind = kind(prop, types)?;
    let delimiter = prop
        .get("x-delimiter")
        .and_then(Value::as_str)
        .unwrap_or(";")
        .to_string();
    if delimiter.is_empty() {
        return Err("x-delimiter must not be empty".into());
    }
    satisfiable(prop, kind, nullable, vocabulary.terms.as_deref())?;
    let item_terms = match (kind, prop.get("items")) {
        (Kind::List(item), Some(items)) => item_vocabulary(items, item)?,
        _ => None,
    };
    let booleans = spellings(prop, kind)?;
    let Vocabulary {
        terms,
        null_description,
    } = vocabulary;
    Ok(Column {
        name: name.to_string(),
        kind,
        nullable,
        description: text(prop, "description"),
        titles: terms
            .iter()
            .flatten()
            .filter_map(|t| Some((t.value.clone(), t.title.clone()?)))
            .collect(),
        terms,
        item_terms,
        // A typed column says what its blank means in `x-blank`; a vocabulary in its null branch.
        null_description: null_description.or_else(|| text(prop, "x-blank")),
        delimiter,
        booleans,
        schema: prop.clone(),
    })
}

/// The keywords that declare a boolean column's spellings, named after Frictionless'
/// `trueValues` and `falseValues`.
pub(crate) const SPELLING_KEYS: [&str; 2] = ["x-trueValues", "x-falseValues"];

/// The spellings a boolean column declares (`x-trueValues`, `x-falseValues`; each defaults to
/// `["true"]` or `["false"]`). Refused when a cell could not be read back as exactly one value:
/// a list that is empty or not of strings, a blank spelling (a blank cell is null) or a padded
/// one (`fmt` trims cells), one listed twice or in both lists, or the keywords on a column that
/// is not boolean (where they would be ignored).
fn spellings(prop: &Value, kind: Kind) -> Result<Spellings, String> {
    let mut s = Spellings::default();
    if kind != Kind::Boolean {
        return match SPELLING_KEYS.iter().find(|k| prop.get(**k).is_some()) {
            Some(k) => Err(format!(
                "{k} is declared on a {} column; it applies to boolean columns only",
                kind.name()
            )),
            None => Ok(s),
        };
    }
    for (key, list) in SPELLING_KEYS
        .iter()
        .zip([&mut s.true_values, &mut s.false_values])
    {
        if let Some(v) = prop.get(*key) {
            *list = spelling_list(key, v)?;
        }
    }
    let mut seen = std::collections::HashSet::new();
    let listed_twice = (s.true_values.iter())
        .chain(&s.false_values)
        .find(|v| !seen.insert(*v));
    match listed_twice {
        Some(v) => Err(format!(
            "the spelling {} is listed twice in x-trueValues/x-falseValues; each spelling names one value",
            crate::table::text::shown(v)
        )),
        None => Ok(s),
    }
}

/// One of `x-trueValues`/`x-falseValues`: a non-empty array of non-blank, unpadded strings.
fn spelling_list(key: &str, v: &Value) -> Result<Vec<String>, String> {
    let items = v
        .as_array()
        .ok_or_else(|| format!("{key} must be an array of strings"))?;
    if items.is_empty() {
        return Err(format!("{key} is empty: list at least one spelling"));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::String(t) if !t.is_empty() && t.trim() == t => Ok(t.clone()),
            Value::String(_) => Err(format!(
                "{key}[{i}] is blank or has white space around it: a blank cell is null and fmt trims cells"
            )),
            other => Err(format!(
                "{key}[{i}] is {}, not a string",
                crate::table::text::cut(&other.to_string(), crate::table::text::SHOWN_CHARS)
            )),
        })
        .collect()
}

/// A string member of a JSON object.
fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// The column's vocabulary, if it has one; adds the types of its values to `types`.
fn vocabulary(prop: &Value, types: &mut Vec<String>) -> Result<Vocabulary, String> {
    if let Some(branches) = prop
        .get("oneOf")
        .or_else(|| prop.get("anyOf"))
        .and_then(Value::as_array)
    {
        const_branches(branches, types)
    } else if let Some(values) = prop.get("enum").and_then(Value::as_array) {
        enum_values(values, types)
    } else {
        Ok(Vocabulary::default())
    }
}

/// A vocabulary written as `oneOf` of `const` branches (each with a description), with an
/// optional `{"type": "null"}` branch for a blank cell.
fn const_branches(branches: &[Value], types: &mut Vec<String>) -> Result<Vocabulary, String> {
    let mut list = Vec::new();
    let mut null_description = None;
    for b in branches {
        if let Some(c) = b.get("const") {
            let (value, ty) = match c {
                Value::String(s) => (s.clone(), "string"),
                Value::Number(n) => (n.to_string(), if n.is_i64() { "integer" } else { "number" }),
                Value::Bool(v) => (v.to_string(), "boolean"),
                _ => return Err("vocabulary constants must be strings, numbers or booleans".into()),
            };
            types.push(ty.into());
            list.push(Term {
                value,
                title: text(b, "title"),
                description: text(b, "description"),
            });
        } else if declared_types(b) == ["null"] {
            types.push("null".into());
            null_description = text(b, "description");
        } else {
            types.extend(declared_types(b));
        }
    }
    Ok(Vocabulary {
        terms: (!list.is_empty()).then_some(list),
        null_description,
    })
}

/// A vocabulary written as `enum` (strings, and `null` for a blank cell).
fn enum_values(values: &[Value], types: &mut Vec<String>) -> Result<Vocabulary, String> {
    let mut list = Vec::new();
    for v in values {
        match v {
            Value::Null => types.push("null".into()),
            Value::String(s) => {
                types.push("string".into());
                list.push(Term {
                    value: s.clone(),
                    title: None,
                    description: None,
                })
            }
            _ => return Err("enum values must be strings or null".into()),
        }
    }
    Ok(Vocabulary {
        terms: Some(list),
        null_description: None,
    })
}

/// The one non-null type of a column (`types`: every type its schema allows).
fn kind(prop: &Value, mut types: Vec<String>) -> Result<Kind, String> {
    types.retain(|t| t != "null");
    types.sort();
    types.dedup();
    Ok(match types.as_slice() {
        [t] if t == "string" => {
            if prop.get("format").and_then(Value::as_str) == Some("date") {
                Kind::Date
            } else {
                Kind::String
            }
        }
        [t] if t == "integer" => Kind::Integer,
        [t] if t == "number" => Kind::Number,
        [a, b] if a == "integer" && b == "number" => Kind::Number,
        [t] if t == "boolean" => Kind::Boolean,
        [t] if t == "array" => Kind::List(item(prop)?),
        [] => return Err("no \"type\" (or vocabulary) is declared".into()),
        other => return Err(format!("one non-null type is needed, found {other:?}")),
    })
}

/// The type of an array column's items: `items` of `"type": "string"` or `"integer"`, or a
/// vocabulary of such constants.
fn item(prop: &Value) -> Result<Item, String> {
    let needed = "an array column needs \"items\" of \"type\": \"string\" or \"integer\"";
    let items = prop.get("items").ok_or_else(|| needed.to_string())?;
    let mut types = declared_types(items);
    vocabulary(items, &mut types).map_err(|m| format!("\"items\": {m}"))?;
    types.sort();
    types.dedup();
    match types.as_slice() {
        [t] if t == "string" => Ok(Item::String),
        [t] if t == "integer" => Ok(Item::Integer),
        [t] if t == "number" || t == "boolean" => Err(format!(
            "\"items\" of \"type\": {t:?} are not supported ({needed}): items are compared with keys and with each other by their text, which only strings and canonical integers allow"
        )),
        [] => Err(format!("{needed}; \"items\" declares no \"type\"")),
        other => Err(format!("{needed}; \"items\" allows {other:?}")),
    }
}

/// The vocabulary of a list column's items, refused when no item could satisfy them.
fn item_vocabulary(items: &Value, item: Item) -> Result<Option<Vec<Term>>, String> {
    let terms = vocabulary(items, &mut Vec::new())?.terms;
    satisfiable(items, item.kind(), true, terms.as_deref())
        .map_err(|m| format!("\"items\": {m}"))?;
    Ok(terms)
}

/// Refuses a column no cell can satisfy: an empty vocabulary, bounds that exclude every
/// value, length or item limits that contradict each other, or a required column whose only
/// allowed text is the empty string (a blank cell is read as null).
fn satisfiable(
    prop: &Value,
    kind: Kind,
    nullable: bool,
    terms: Option<&[Term]>,
) -> Result<(), String> {
    if terms.is_some_and(<[Term]>::is_empty) {
        return Err("the vocabulary has no values: list at least one".into());
    }
    let num = |k: &str| prop.get(k).and_then(Value::as_f64);
    let lower = bound(num("minimum"), num("exclusiveMinimum"), f64::max);
    let upper = bound(num("maximum"), num("exclusiveMaximum"), f64::min);
    if let (Some((lo, lo_open)), Some((hi, hi_open))) = (lower, upper) {
        let empty = if kind == Kind::Integer {
            let first = if lo_open { lo.floor() + 1.0 } else { lo.ceil() };
            let last = if hi_open { hi.ceil() - 1.0 } else { hi.floor() };
            first > last
        } else {
            lo > hi || (lo == hi && (lo_open || hi_open))
        };
        if empty {
            return Err(format!(
                "no {} lies between the lower bound {lo} and the upper bound {hi}: fix \"minimum\"/\"maximum\"",
                kind.name()
            ));
        }
    }
    for (min, max) in [("minLength", "maxLength"), ("minItems", "maxItems")] {
        let get = |k: &str| prop.get(k).and_then(Value::as_u64);
        if let (Some(a), Some(b)) = (get(min), get(max)) {
            if a > b {
                return Err(format!("{min:?} ({a}) is above {max:?} ({b})"));
            }
        }
    }
    let max_len = prop.get("maxLength").and_then(Value::as_u64);
    if kind == Kind::String && !nullable && terms.is_none() && max_len == Some(0) {
        return Err("\"maxLength\": 0 on a required column: a blank cell is read as null, so no cell is valid".into());
    }
    Ok(())
}

/// The tighter of an inclusive and an exclusive bound (`pick`: `max` for lower bounds, `min`
/// for upper ones), with whether it is exclusive.
fn bound(
    inclusive: Option<f64>,
    exclusive: Option<f64>,
    pick: fn(f64, f64) -> f64,
) -> Option<(f64, bool)> {
    match (inclusive, exclusive) {
        (Some(i), Some(e)) => {
            let v = pick(i, e);
            Some((v, v == e))
        }
        (Some(i), None) => Some((i, false)),
        (None, Some(e)) => Some((e, true)),
        (None, None) => None,
    }
}

fn rule(
    r: &Value,
    index: &dyn Fn(&str, &str) -> Result<usize>,
    columns: &[Column],
) -> Result<RuleSpec> {
    let kind = r
        .get("rule")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::Schema {
            path: PathBuf::new(),
            message: format!("every rule needs a \"rule\" kind: {r}"),
        })?;
    let id = r
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or(kind)
        .to_string();
    let what = format!("rule {id:?}");
    let missing = |key: &str| Error::Schema {
        path: PathBuf::new(),
        message: format!("rule {id:?} ({kind}) needs {key:?}"),
    };
    let col = |key: &str| -> Result<usize> {
        let name = r
            .get(key)
            .and_then(Value::as_str)
            .ok_or_else(|| missing(key))?;
        index(name, &what)
    };
    let cols = |key: &str| -> Result<Vec<usize>> {
        let list = r
            .get(key)
            .and_then(string_list)
            .ok_or_else(|| missing(key))?;
        list.iter().map(|n| index(n, &what)).collect()
    };
    Ok(match kind {
        "date-order" => RuleSpec::DateOrder {
            start: col("start")?,
            end: col("end")?,
            id,
        },
        "date-precision" => RuleSpec::DatePrecision {
            start: col("start")?,
            end: col("end")?,
            precision: col("precision")?,
            id,
        },
        "date-coverage" => RuleSpec::DateCoverage {
            fields: cols("fields")?,
            id,
        },
        "sum" => RuleSpec::Sum {
            total: col("total")?,
            parts: cols("parts")?,
            id,
        },
        "present-iff-any" => RuleSpec::PresentIffAny {
            field: col("field")?,
            any: cols("any")?,
            id,
        },
        "present-if-any" => RuleSpec::PresentIfAny {
            field: col("field")?,
            any: cols("any")?,
            id,
        },
        "only-when" => RuleSpec::OnlyWhen {
            fields: cols("fields")?,
            column: col("column")?,
            values: r
                .get("values")
                .and_then(string_list)
                .ok_or_else(|| missing("values"))?,
            id,
        },
        "code-prefix" => RuleSpec::CodePrefix {
            field: col("field")?,
            prefix: col("prefix")?,
            separator: r
                .get("separator")
                .and_then(Value::as_str)
                .unwrap_or("-")
                .to_string(),
            id,
        },
        "title-of" => {
            let code = col("code")?;
            if columns[code].terms.is_none() {
                return Err(Error::Schema {
                    path: PathBuf::new(),
                    message: format!("rule {id:?}: column {:?} has no vocabulary with titles", columns[code].name),
                });
            }
            RuleSpec::TitleOf {
                field: col("field")?,
                code,
                id,
            }
        }
        "trimmed" => RuleSpec::Trimmed { id },
        "no-formula" => RuleSpec::NoFormula { id },
        "forbid-when" => forbid_when(r, id, index)?,
        "count" => count(r, id, index)?,
        "unique" => RuleSpec::Unique(Unique {
            column: col("column")?,
            description: description(r, &id, kind)?,
            id,
        }),
        "equal" => RuleSpec::Equal(Equal {
            column: col("column")?,
            via: col("via")?,
            to: r
                .get("to")
                .and_then(Value::as_str)
                .ok_or_else(|| missing("to"))?
                .to_string(),
            description: description(r, &id, kind)?,
            id,
        }),
        other => {
            return Err(Error::Schema {
                path: PathBuf::new(),
                message: format!(
                    "unknown rule kind {other:?}; known: date-order, date-precision, date-coverage, sum, present-iff-any, present-if-any, only-when, code-prefix, title-of, trimmed, no-formula, forbid-when, count, unique, equal"
                ),
            })
        }
    })
}

/// A `forbid-when` rule: `{"if": {"column", "values"}, "then": {"column", "values"},
/// "description"}`, values being strings or `null` (blank).
fn forbid_when(r: &Value, id: String, index: &Index) -> Result<RuleSpec> {
    let bad = |m: String| Error::Schema {
        path: PathBuf::new(),
        message: format!("rule {id:?} (forbid-when) {m}"),
    };
    let what = format!("rule {id:?}");
    let side = |key: &str| -> Result<(usize, Vec<String>)> {
        let shape = || {
            bad(format!(
                "needs {key:?}: {{\"column\": NAME, \"values\": [VALUE or null, ...]}}"
            ))
        };
        let s = r.get(key).ok_or_else(shape)?;
        let name = s.get("column").and_then(Value::as_str).ok_or_else(shape)?;
        let values = s
            .get("values")
            .and_then(Value::as_array)
            .ok_or_else(shape)?
            .iter()
            .map(|v| match v {
                Value::Null => Some(String::new()),
                Value::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect::<Option<Vec<String>>>()
            .ok_or_else(shape)?;
        Ok((index(name, &what)?, values))
    };
    let (if_column, if_values) = side("if")?;
    let (then_column, then_values) = side("then")?;
    let description = description(r, &id, "forbid-when")?;
    Ok(RuleSpec::ForbidWhen(ForbidWhen {
        if_column,
        if_values,
        then_column,
        then_values,
        description,
        id,
    }))
}

/// The `description` of a rule that reports in the dataset's own words (it is the message).
fn description(r: &Value, id: &str, kind: &str) -> Result<String> {
    r.get("description")
        .and_then(Value::as_str)
        .filter(|d| !d.trim().is_empty())
        .map(str::to_string)
        .ok_or_else(|| Error::Schema {
            path: PathBuf::new(),
            message: format!(
                "rule {id:?} ({kind}) needs a \"description\": it is the message of what it finds"
            ),
        })
}

/// A `count` rule: `{"column": NAME, "of": {"table": NAME, "column": NAME}, "description"}`.
/// The other table's names are kept as written, for the dataset to resolve.
fn count(r: &Value, id: String, index: &Index) -> Result<RuleSpec> {
    let shape = || Error::Schema {
        path: PathBuf::new(),
        message: format!(
            "rule {id:?} (count) needs \"column\" and \"of\": {{\"table\": NAME, \"column\": NAME}}"
        ),
    };
    let name = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    let column = name(r.get("column")).ok_or_else(shape)?;
    let of = r.get("of").ok_or_else(shape)?;
    Ok(RuleSpec::Count(Count {
        column: index(&column, &format!("rule {id:?}"))?,
        of_table: name(of.get("table")).ok_or_else(shape)?,
        of_column: name(of.get("column")).ok_or_else(shape)?,
        description: description(r, &id, "count")?,
        id,
    }))
}

/// Refuses a rule across rows that could not be checked from the schema's own keys: a count
/// without a primary key of one column to count by, a unique rule on the primary key (unique
/// already), an equal rule whose `via` is not a foreign key.
fn keys_fit(
    spec: &RuleSpec,
    columns: &[Column],
    primary_key: &[usize],
    foreign_keys: &[ForeignKey],
) -> Result<(), String> {
    match spec {
        RuleSpec::Count(c) if primary_key.len() != 1 => Err(format!(
            "rule {:?} (count) needs a primary key of one column (x-primaryKey): the rows of {:?} cite it",
            c.id, c.of_table
        )),
        RuleSpec::Unique(u) if primary_key == [u.column] => Err(format!(
            "rule {:?} (unique): column {:?} is the primary key, which is unique already",
            u.id, columns[u.column].name
        )),
        RuleSpec::Equal(e) if foreign_keys.iter().all(|fk| fk.field != e.via) => Err(format!(
            "rule {:?} (equal): \"via\" column {:?} is not a foreign key (x-foreignKeys)",
            e.id, columns[e.via].name
        )),
        _ => Ok(()),
    }
}

/// Refuses a rule that can never hold or never be checked: a sum without parts, a rule on
/// dates whose columns are not dates, a sum over columns that are not integers.
fn rule_fits(spec: &RuleSpec, columns: &[Column]) -> Result<(), String> {
    let need = |id: &str, cols: &[usize], kind: Kind, what: &str| -> Result<(), String> {
        match cols.iter().find(|&&c| columns[c].kind != kind) {
            Some(&c) => Err(format!(
                "rule {id:?}: column {:?} is a {} column; {what} needs {} columns",
                columns[c].name,
                columns[c].kind.name(),
                kind.name()
            )),
            None => Ok(()),
        }
    };
    let nonempty = |id: &str, cols: &[usize], key: &str| -> Result<(), String> {
        if cols.is_empty() {
            Err(format!(
                "rule {id:?}: {key:?} is empty; list at least one column"
            ))
        } else {
            Ok(())
        }
    };
    match spec {
        RuleSpec::DateOrder { id, start, end } | RuleSpec::DatePrecision { id, start, end, .. } => {
            need(id, &[*start, *end], Kind::Date, "a date rule")
        }
        RuleSpec::DateCoverage { id, fields } => {
            nonempty(id, fields, "fields")?;
            need(id, fields, Kind::Date, "a date rule")
        }
        RuleSpec::Sum { id, total, parts } => {
            nonempty(id, parts, "parts")?;
            need(id, &[*total], Kind::Integer, "a sum")?;
            need(id, parts, Kind::Integer, "a sum")
        }
        RuleSpec::PresentIffAny { id, any, .. } | RuleSpec::PresentIfAny { id, any, .. } => {
            nonempty(id, any, "any")
        }
        RuleSpec::OnlyWhen {
            id,
            fields,
            column,
            values,
        } => {
            nonempty(id, fields, "fields")?;
            known_values(id, &columns[*column], values, "values")
        }
        RuleSpec::ForbidWhen(f) => {
            known_values(&f.id, &columns[f.if_column], &f.if_values, "if")?;
            known_values(&f.id, &columns[f.then_column], &f.then_values, "then")
        }
        RuleSpec::Count(c) => need(&c.id, &[c.column], Kind::Integer, "a count"),
        RuleSpec::Equal(e) if columns[e.column].kind.is_list() => Err(format!(
            "rule {:?}: column {:?} is a list column; equal compares one value",
            e.id, columns[e.column].name
        )),
        _ => Ok(()),
    }
}

/// Refuses an empty list of values, or a value outside the column's vocabulary (a misspelt
/// value would make the rule never fire). A blank (`""`, written `null`) passes: it is a cell
/// like any other.
fn known_values(id: &str, col: &Column, values: &[String], key: &str) -> Result<(), String> {
    if values.is_empty() {
        return Err(format!(
            "rule {id:?}: {key:?} is empty; list at least one value of {:?}",
            col.name
        ));
    }
    let unknown = values
        .iter()
        .filter(|v| !v.is_empty())
        .find(|v| col.terms.iter().flatten().all(|t| &t.value != *v));
    match (&col.terms, unknown) {
        (Some(_), Some(v)) => Err(format!(
            "rule {id:?}: {v:?} is not a value of column {:?}; check the spelling",
            col.name
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema(doc: Value) -> Result<Schema> {
        Schema::from_value(Path::new("t.schema.json"), doc)
    }

    #[test]
    fn columns_follow_property_order_and_types() {
        let s = schema(json!({
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "day": {"type": "string", "format": "date"},
                "n": {"type": ["integer", "null"], "maximum": 10},
                "ok": {"type": "boolean"},
                "tags": {"type": "array", "items": {"type": "string"}, "x-delimiter": "|"},
                "kind": {"oneOf": [
                    {"const": "a", "description": "A."},
                    {"const": "b", "title": "Bee", "description": "B."},
                    {"type": "null", "description": "none"}
                ]}
            }
        }))
        .unwrap();
        let names: Vec<_> = s.column_names().collect();
        assert_eq!(names, ["id", "day", "n", "ok", "tags", "kind"]);
        let kinds: Vec<_> = s.columns.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [
                Kind::String,
                Kind::Date,
                Kind::Integer,
                Kind::Boolean,
                Kind::List(Item::String),
                Kind::String
            ]
        );
        assert!(s.columns[2].nullable && !s.columns[0].nullable && s.columns[5].nullable);
        assert_eq!(s.columns[5].title_of("b"), Some("Bee"));
        assert_eq!(s.columns[5].null_description.as_deref(), Some("none"));
        assert_eq!(s.cell_to_json(4, "x|y"), json!(["x", "y"]));
        assert_eq!(s.cell_to_json(2, "7"), json!(7));
        assert_eq!(s.cell_to_json(2, "seven"), json!("seven"));
        assert_eq!(s.cell_to_json(2, ""), Value::Null);
        assert_eq!(s.json_to_cell(4, &json!(["x", "y"])), "x|y");
    }

    #[test]
    fn expand_reads_names_and_renames_and_rejects_other_shapes() {
        let doc = |expand: Value| {
            json!({
                "properties": {"id": {"type": "string"}, "refs": {"type": "array", "items": {"type": "string"}}},
                "x-foreignKeys": [{"fields": "refs", "reference": {"resource": "r", "fields": "id"},
                                   "link": "l", "expand": expand}]
            })
        };
        let s = schema(doc(json!(["lat", {"field": "name", "as": "actor1"}]))).unwrap();
        assert_eq!(
            s.foreign_keys[0].expand,
            [
                Expand {
                    field: "lat".into(),
                    name: "lat".into(),
                    aggregate: None,
                },
                Expand {
                    field: "name".into(),
                    name: "actor1".into(),
                    aggregate: None,
                }
            ]
        );
        let err = schema(doc(json!([{"as": "x"}]))).unwrap_err().to_string();
        assert!(
            err.contains("x-foreignKeys on \"refs\": \"expand\" must be an array"),
            "{err}"
        );
        assert!(schema(doc(json!("lat"))).is_err());
    }

    #[test]
    fn expand_reads_aggregates_and_refuses_unknown_ones() {
        let doc = |expand: Value| {
            json!({
                "properties": {"refs": {"type": "array", "items": {"type": "string"}}},
                "x-foreignKeys": [{"fields": "refs", "reference": {"resource": "r", "fields": "id"},
                                   "expand": expand}]
            })
        };
        let s = schema(doc(json!([
            {"field": "p", "aggregate": "coarsest", "spread": "a", "spread_value": 3},
            {"field": "c", "as": "cs", "aggregate": "distinct"}
        ])))
        .unwrap();
        let got: Vec<_> = s.foreign_keys[0]
            .expand
            .iter()
            .map(|e| e.aggregate.clone())
            .collect();
        assert_eq!(
            got,
            [
                Some(Aggregate::Coarsest {
                    spread: Some(("a".into(), "3".into()))
                }),
                Some(Aggregate::Distinct)
            ]
        );
        for bad in [
            json!([{"field": "p", "aggregate": "mean"}]),
            json!([{"field": "p", "aggregate": "coarsest", "spread": "a"}]),
            json!([{"field": "p", "aggregate": "distinct", "spread": "a", "spread_value": 3}]),
            json!([{"field": "p", "spread": "a", "spread_value": 3}]),
        ] {
            let err = schema(doc(bad.clone())).unwrap_err().to_string();
            assert!(err.contains("\"expand\" of \"p\""), "{bad}: {err}");
        }
    }

    #[test]
    fn rules_naming_unknown_columns_are_rejected() {
        let err = schema(json!({
            "properties": {"a": {"type": "string"}},
            "x-rules": [{"rule": "date-order", "start": "a", "end": "b"}]
        }))
        .unwrap_err();
        assert!(err.to_string().contains("\"b\""), "{err}");
        let err = schema(json!({
            "properties": {"a": {"type": "string"}},
            "x-rules": [{"rule": "teleport"}]
        }))
        .unwrap_err();
        assert!(err.to_string().contains("unknown rule kind"), "{err}");
    }

    #[test]
    fn impossible_columns_and_rules_are_refused_naming_file_and_column() {
        let cases = [
            (
                json!({"n": {"type": "integer", "minimum": 10, "maximum": 5}}),
                "\"n\"",
            ),
            (
                json!({"n": {"type": "integer", "minimum": 0.2, "maximum": 0.8}}),
                "\"n\"",
            ),
            (
                json!({"n": {"type": "integer", "exclusiveMinimum": 1, "maximum": 1}}),
                "\"n\"",
            ),
            (
                json!({"x": {"type": "number", "exclusiveMinimum": 1, "exclusiveMaximum": 1}}),
                "\"x\"",
            ),
            (
                json!({"s": {"type": "string", "minLength": 3, "maxLength": 2}}),
                "\"s\"",
            ),
            (json!({"s": {"type": "string", "maxLength": 0}}), "\"s\""),
            (json!({"e": {"enum": [null]}}), "\"e\""),
        ];
        for (props, column) in cases {
            let err = schema(json!({"properties": props}))
                .unwrap_err()
                .to_string();
            assert!(err.starts_with("t.schema.json: property"), "{err}");
            assert!(err.contains(column), "{err}");
        }
        // Bounds that leave room, even a single value, are fine.
        assert!(schema(
            json!({"properties": {"n": {"type": "integer", "minimum": 0.5, "maximum": 1}}})
        )
        .is_ok());
        let props = json!({
            "t": {"type": ["integer", "null"]},
            "a": {"type": ["integer", "null"]},
            "s": {"type": "string"},
            "d": {"type": "string", "format": "date"},
            "k": {"oneOf": [{"const": "a", "description": "A."}, {"const": "b", "description": "B."}]}
        });
        let rules = [
            (
                json!({"id": "total", "rule": "sum", "total": "t", "parts": []}),
                "\"parts\" is empty",
            ),
            (
                json!({"id": "total", "rule": "sum", "total": "t", "parts": ["s"]}),
                "\"s\"",
            ),
            (
                json!({"id": "total", "rule": "sum", "total": "s", "parts": ["a"]}),
                "\"s\"",
            ),
            (
                json!({"id": "o", "rule": "date-order", "start": "d", "end": "s"}),
                "\"s\"",
            ),
            (
                json!({"id": "c", "rule": "date-coverage", "fields": []}),
                "\"fields\" is empty",
            ),
            (
                json!({"id": "p", "rule": "present-iff-any", "field": "s", "any": []}),
                "\"any\" is empty",
            ),
            (
                json!({"id": "w", "rule": "only-when", "fields": [], "column": "k", "values": ["a"]}),
                "\"fields\" is empty",
            ),
            (
                json!({"id": "w", "rule": "only-when", "fields": ["a"], "column": "k", "values": []}),
                "\"values\" is empty",
            ),
            (
                json!({"id": "w", "rule": "only-when", "fields": ["a"], "column": "k", "values": ["released"]}),
                "\"released\" is not a value of column \"k\"",
            ),
            (
                json!({"id": "w", "rule": "only-when", "fields": ["a"], "column": "k"}),
                "needs \"values\"",
            ),
        ];
        for (rule, what) in rules {
            let err = schema(json!({"properties": props, "x-rules": [rule]}))
                .unwrap_err()
                .to_string();
            assert!(err.starts_with("t.schema.json: x-rules: rule"), "{err}");
            assert!(err.contains(what), "{err}");
        }
    }

    #[test]
    fn declared_boolean_spellings_are_read_and_bad_ones_refused() {
        let s = schema(json!({"properties": {
            "ok": {"type": ["boolean", "null"], "x-trueValues": ["True", "T"], "x-falseValues": ["False"]},
            "plain": {"type": "boolean"}
        }}))
        .unwrap();
        assert_eq!(s.cell_to_json(0, "T"), json!(true));
        assert_eq!(s.cell_to_json(0, "False"), json!(false));
        assert_eq!(s.cell_to_json(0, "true"), json!("true"));
        assert_eq!(s.json_to_cell(0, &json!(true)), "True");
        assert!(s.columns[1].booleans.is_default());
        assert_eq!(s.check_cell(1, "True"), Err("boolean"));
        let cases = [
            (
                json!({"type": "boolean", "x-trueValues": []}),
                "x-trueValues is empty",
            ),
            (
                json!({"type": "boolean", "x-falseValues": "no"}),
                "x-falseValues must be an array",
            ),
            (
                json!({"type": "boolean", "x-trueValues": ["Y", 1]}),
                "x-trueValues[1] is 1, not a string",
            ),
            (
                json!({"type": "boolean", "x-trueValues": [""]}),
                "x-trueValues[0] is blank",
            ),
            (
                json!({"type": "boolean", "x-trueValues": [" Y"]}),
                "white space",
            ),
            (
                json!({"type": "boolean", "x-trueValues": ["Y"], "x-falseValues": ["Y"]}),
                "\"Y\" is listed twice",
            ),
            (
                json!({"type": "boolean", "x-trueValues": ["false"]}),
                "\"false\" is listed twice",
            ),
            (
                json!({"type": "string", "x-trueValues": ["Y"]}),
                "x-trueValues is declared on a string column",
            ),
        ];
        for (prop, what) in cases {
            let err = schema(json!({"properties": {"ok": prop}}))
                .unwrap_err()
                .to_string();
            assert!(err.starts_with("t.schema.json: property \"ok\": "), "{err}");
            assert!(err.contains(what), "{what}: {err}");
        }
    }

    #[test]
    fn a_schema_without_properties_is_rejected() {
        assert!(schema(json!({"type": "object"})).is_err());
    }

    #[test]
    fn shipped_schemas_load() {
        for name in ["events", "sources", "places", "actors"] {
            let path =
                Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("schema/{name}.schema.json"));
            let s = Schema::load(&path).unwrap();
            assert!(!s.primary_key.is_empty());
        }
    }
}
