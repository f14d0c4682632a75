//! The `layouts` block of the metadata: tables written in another dataset's layout (ACLED's
//! export, UCDP GED's), each declared as a list of output columns in a small mapping language,
//! so that no Rust names a column of the dataset and another dataset declares its own layouts
//! or none. This module reads a declaration into its syntax tree ([`Program`]) and refuses,
//! with the path inside the metadata (`layouts.acled.columns[9]`), anything the language cannot
//! express; [`crate::release::layout`] resolves the names against the tables and runs it.
//!
//! An expression is one of:
//! - `{"const": V}`: a constant (a string or a number);
//! - `{"column": NAME}`: a column of the table's typed export rows (with its convenience
//!   columns and bounds);
//! - `{"ref": NAME}`: an output column declared before this one;
//! - `{"from": E, "map": {KEY: E, ...}, "default": E}`: the value `E` gives, mapped (blank
//!   when no key matches and no default is given; the key `""` matches a blank value);
//! - `{"lookup": "TABLE.COLUMN", "by": E, "take": "first" | "rest" | "all"}`: the keys of a
//!   list value looked up in another table's primary key, and that column of the rows found
//!   (the rest and all without repeats, joined by `"; "`, or by `"sep"`);
//! - `{"fn": NAME, "args": [E, ...]}`: one of the generic functions [`FUNCTIONS`].
//!
//! Where an expression is expected as an input (`from`, `by`, `args`, `present`, `value`), a
//! bare string names a column; where it is an output (`map` values, `default`, `blank`), a bare
//! string or number is a constant.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One layout as declared: its file, the table whose rows it writes, which rows it keeps, and
/// its columns in order. The columns and the condition stay JSON here (written back as
/// declared); [`Program::parse`] reads them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// The file name in a bundle (a plain token, e.g. `events.acled.csv`).
    pub file: String,
    /// Whose layout it is, in words (e.g. "ACLED's export layout").
    pub title: String,
    /// The table whose typed export rows are written.
    pub table: String,
    /// Which rows are written; all when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include: Option<Value>,
    /// Why the other rows are left out, in words (the bundle README prints it with their ids).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_out: Option<String>,
    pub columns: Vec<Value>,
}

/// Columns added to a table's typed exports (Parquet, JSON, JSON Lines, GeoJSON) from release
/// format 6 on, each computed by an expression of the language from the typed row (e.g. UCDP's
/// `where_prec` and the PRIO-GRID cell), inserted in order after the column `after`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypedColumns {
    pub table: String,
    /// The typed column the added ones follow.
    pub after: String,
    /// Each `{"name", "type", "description", ...expression}`.
    pub columns: Vec<Value>,
}

/// One added typed column, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Added {
    pub name: String,
    pub kind: OutType,
    pub description: String,
    pub value: Expr,
}

impl TypedColumns {
    /// Reads the added columns; `at` is the block's path (`typed_columns`).
    pub fn parse(&self, at: &str) -> Result<Vec<Added>, Refusal> {
        let mut out: Vec<Added> = Vec::new();
        for (i, c) in self.columns.iter().enumerate() {
            let here = format!("{at}.columns[{i}]");
            let o = c
                .as_object()
                .ok_or_else(|| format!("{here}: a column is an object with \"name\""))?;
            let name = text(o, "name", &here)?
                .ok_or_else(|| format!("{here}: a column needs a \"name\""))?;
            let description = text(o, "description", &here)?
                .filter(|d| !d.trim().is_empty())
                .ok_or_else(|| format!("{here}: say what {} is in \"description\" (the codebook and the schema print it)", shown(&name)))?;
            let kind = out_type(o, &here)?;
            let value = expression(o, &["name", "type", "description"], &here)?
                .ok_or_else(|| format!("{here}: {} needs a value (an expression)", shown(&name)))?;
            if let Some(r) = refs(&value) {
                return Err(format!(
                    "{here}: ref {} has no output columns to name here",
                    shown(&r)
                ));
            }
            if out.iter().any(|a| a.name == name) {
                return Err(format!("{here}: column {} is declared twice", shown(&name)));
            }
            out.push(Added {
                name,
                kind,
                description,
                value,
            });
        }
        Ok(out)
    }
}

/// The first `ref` inside an expression, if any.
fn refs(e: &Expr) -> Option<String> {
    let mut found = None;
    visit(e, &mut |x| {
        if let Expr::Ref(n) = x {
            found.get_or_insert_with(|| n.clone());
        }
    });
    found
}

/// The generic functions of the language, with how many arguments each takes (`None`: one or
/// more) and what it does, for messages and the README.
pub const FUNCTIONS: &[(&str, Option<usize>, &str)] = &[
    ("year", Some(1), "the year of a date"),
    (
        "date",
        Some(1),
        "a date written with `\"format\"` (strftime, e.g. `%d %B %Y`)",
    ),
    (
        "unix_seconds",
        Some(0),
        "Unix seconds of the release date (midnight UTC)",
    ),
    (
        "interaction",
        Some(2),
        "two codes joined lower first; `x0` when the second is blank",
    ),
    (
        "priogrid",
        Some(2),
        "the PRIO-GRID v2 cell of a latitude and a longitude",
    ),
    (
        "wkt_point",
        Some(2),
        "`POINT (longitude latitude)` of a latitude and a longitude",
    ),
    (
        "time_precision_acled",
        Some(2),
        "ACLED's time_precision of a first and a last day: 1 one day, 2 a week at most, 3 longer",
    ),
    (
        "date_prec_ucdp",
        Some(2),
        "UCDP's date_prec of a first and a last day: 1 one day, 2 two to six days, 3 a week, 4 a month at most, 5 longer",
    ),
    ("number", Some(1), "the integer the digits of a text make"),
    ("sum", None, "the sum of the non-blank numbers"),
    ("min", None, "the least non-blank number"),
    ("max", None, "the greatest non-blank number"),
    (
        "difference",
        None,
        "the first number less the non-blank others",
    ),
    ("coalesce", None, "the first non-blank value"),
    (
        "join",
        None,
        "the non-blank values joined by `\"sep\"` (default `\"; \"`)",
    ),
];

/// Which items of a list a lookup reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    First,
    Rest,
    All,
}

/// An expression of the language, parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Const(String),
    Column(String),
    Ref(String),
    Map {
        from: Box<Expr>,
        map: Vec<(String, Expr)>,
        default: Option<Box<Expr>>,
    },
    Lookup {
        table: String,
        column: String,
        by: Box<Expr>,
        take: Take,
        sep: String,
    },
    Fn {
        name: String,
        args: Vec<Expr>,
        format: Option<String>,
        sep: String,
    },
}

/// A condition on a row, parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
    Present(Expr),
    In(Expr, Vec<String>),
    Min(Expr, f64),
}

/// The type an output column is written as; every cell is checked against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutType {
    String,
    Integer,
    Number,
    Date,
}

impl OutType {
    /// The Frictionless and README name of the type.
    pub fn name(self) -> &'static str {
        match self {
            OutType::String => "string",
            OutType::Integer => "integer",
            OutType::Number => "number",
            OutType::Date => "date",
        }
    }
}

/// How faithfully an output column carries what the layout means by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fidelity {
    Exact,
    Approximated,
    Lost,
}

impl Fidelity {
    pub fn name(self) -> &'static str {
        match self {
            Fidelity::Exact => "exact",
            Fidelity::Approximated => "approximated",
            Fidelity::Lost => "lost",
        }
    }
}

/// One output column, parsed: its name, type, value (none: always blank), what a blank becomes,
/// and what the layout loses in it, with why.
#[derive(Debug, Clone, PartialEq)]
pub struct OutColumn {
    pub name: String,
    pub kind: OutType,
    pub value: Option<Expr>,
    pub blank: Option<String>,
    pub fidelity: Fidelity,
    pub note: String,
}

/// A layout, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    pub columns: Vec<OutColumn>,
    pub include: Option<Cond>,
}

/// Why a declaration is refused: where in the metadata, and what.
type Refusal = String;

impl Program {
    /// Reads a layout's columns and condition; `at` is its path in the metadata
    /// (`layouts.acled`).
    pub fn parse(layout: &Layout, at: &str) -> Result<Program, Refusal> {
        if let Err(why) = super::file_token(&layout.file) {
            return Err(format!("{at}.file {}: {why}", shown(&layout.file)));
        }
        if !layout.file.ends_with(".csv") {
            return Err(format!(
                "{at}.file: a layout is written as CSV: end it in .csv"
            ));
        }
        if layout.columns.is_empty() {
            return Err(format!(
                "{at}.columns is empty: declare at least one column"
            ));
        }
        let mut columns: Vec<OutColumn> = Vec::new();
        for (i, c) in layout.columns.iter().enumerate() {
            let here = format!("{at}.columns[{i}]");
            let col = column(c, &here)?;
            if columns.iter().any(|o| o.name == col.name) {
                return Err(format!(
                    "{here}: column {} is declared twice",
                    shown(&col.name)
                ));
            }
            check_refs(col.value.as_ref(), &columns, &here)?;
            columns.push(col);
        }
        let include = match &layout.include {
            Some(v) => Some(cond(v, &format!("{at}.include"))?),
            None => None,
        };
        if include.is_some() && layout.left_out.is_none() {
            return Err(format!(
                "{at}.include leaves rows out: say why in {at}.left_out (the README prints it)"
            ));
        }
        Ok(Program { columns, include })
    }
}

fn shown(s: &str) -> String {
    crate::table::text::shown(s)
}

/// One output column: `name`, `type`, `fidelity`, `note`, optional `blank`, and the expression
/// (the object's other keys; none for a column that is always blank).
fn column(v: &Value, at: &str) -> Result<OutColumn, Refusal> {
    let o = v
        .as_object()
        .ok_or_else(|| format!("{at}: a column is an object with \"name\""))?;
    let name = text(o, "name", at)?.ok_or_else(|| format!("{at}: a column needs a \"name\""))?;
    let kind = out_type(o, at)?;
    let fidelity = match text(o, "fidelity", at)?.as_deref() {
        Some("exact") => Fidelity::Exact,
        Some("approximated") => Fidelity::Approximated,
        Some("lost") => Fidelity::Lost,
        Some(f) => {
            return Err(format!(
                "{at}.fidelity {}: use exact, approximated or lost",
                shown(f)
            ))
        }
        None => return Err(format!("{at}: say how faithful {} is in \"fidelity\" (exact, approximated or lost) and why in \"note\"", shown(&name))),
    };
    let note = text(o, "note", at)?.unwrap_or_default();
    if fidelity != Fidelity::Exact && note.trim().is_empty() {
        return Err(format!(
            "{at}: {} is {}: say what is lost and why in \"note\"",
            shown(&name),
            fidelity.name()
        ));
    }
    let blank = match o.get("blank") {
        None => None,
        Some(b) => Some(literal(b, &format!("{at}.blank"))?),
    };
    let value = expression(o, &["name", "type", "fidelity", "note", "blank"], at)?;
    Ok(OutColumn {
        name,
        kind,
        value,
        blank,
        fidelity,
        note,
    })
}

/// The text of key `k` of a column object, if given.
fn text(o: &Map<String, Value>, k: &str, at: &str) -> Result<Option<String>, Refusal> {
    match o.get(k) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{at}.{k} must be a string")),
    }
}

/// A column's `type` (string when absent).
fn out_type(o: &Map<String, Value>, at: &str) -> Result<OutType, Refusal> {
    Ok(match text(o, "type", at)?.as_deref() {
        None | Some("string") => OutType::String,
        Some("integer") => OutType::Integer,
        Some("number") => OutType::Number,
        Some("date") => OutType::Date,
        Some(t) => {
            return Err(format!(
                "{at}.type {}: use string, integer, number or date",
                shown(t)
            ))
        }
    })
}

/// The expression a column object holds besides its `own` keys (none: the column is blank).
fn expression(o: &Map<String, Value>, own: &[&str], at: &str) -> Result<Option<Expr>, Refusal> {
    let rest: Map<String, Value> = o
        .iter()
        .filter(|(k, _)| !own.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if rest.is_empty() {
        Ok(None)
    } else {
        object(&rest, at).map(Some)
    }
}

/// A constant: a string or a number, as its text.
fn literal(v: &Value, at: &str) -> Result<String, Refusal> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(format!("{at}: a constant is a string or a number")),
    }
}

/// An input expression: a bare string names a column.
fn input(v: &Value, at: &str) -> Result<Expr, Refusal> {
    match v {
        Value::String(s) => Ok(Expr::Column(s.clone())),
        Value::Object(o) => object(o, at),
        _ => Err(format!(
            "{at}: expected a column name or an expression object"
        )),
    }
}

/// An output expression: a bare string or number is a constant.
fn output(v: &Value, at: &str) -> Result<Expr, Refusal> {
    match v {
        Value::Object(o) => object(o, at),
        other => Ok(Expr::Const(literal(other, at)?)),
    }
}

/// An expression object, by the key that says its kind.
fn object(o: &Map<String, Value>, at: &str) -> Result<Expr, Refusal> {
    let only = |allowed: &[&str]| -> Result<(), Refusal> {
        match o.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(k) => Err(format!(
                "{at}: {} is not a key of this expression (it takes {})",
                shown(k),
                allowed.join(", ")
            )),
            None => Ok(()),
        }
    };
    let string = |k: &str| -> Result<String, Refusal> {
        o.get(k)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| format!("{at}.{k} must be a string"))
    };
    let sep = || -> Result<String, Refusal> {
        match o.get("sep") {
            None => Ok("; ".to_string()),
            Some(_) => string("sep"),
        }
    };
    if let Some(v) = o.get("const") {
        only(&["const"])?;
        return Ok(Expr::Const(literal(v, &format!("{at}.const"))?));
    }
    if o.contains_key("column") {
        only(&["column"])?;
        return Ok(Expr::Column(string("column")?));
    }
    if o.contains_key("ref") {
        only(&["ref"])?;
        return Ok(Expr::Ref(string("ref")?));
    }
    if let Some(m) = o.get("map") {
        only(&["from", "map", "default"])?;
        let from = o
            .get("from")
            .ok_or_else(|| format!("{at}: a map needs \"from\""))?;
        let m = m
            .as_object()
            .ok_or_else(|| format!("{at}.map must be an object of values"))?;
        let map = m
            .iter()
            .map(|(k, v)| Ok((k.clone(), output(v, &format!("{at}.map.{k}"))?)))
            .collect::<Result<Vec<_>, Refusal>>()?;
        let default = match o.get("default") {
            Some(d) => Some(Box::new(output(d, &format!("{at}.default"))?)),
            None => None,
        };
        return Ok(Expr::Map {
            from: Box::new(input(from, &format!("{at}.from"))?),
            map,
            default,
        });
    }
    if o.contains_key("lookup") {
        only(&["lookup", "by", "take", "sep"])?;
        let target = string("lookup")?;
        let (table, column) = target.split_once('.').ok_or_else(|| {
            format!(
                "{at}.lookup {}: write TABLE.COLUMN (e.g. actors.name)",
                shown(&target)
            )
        })?;
        let by = o
            .get("by")
            .ok_or_else(|| format!("{at}: a lookup needs \"by\" (the list of keys)"))?;
        let take = match o.get("take").map(|t| t.as_str()) {
            None | Some(Some("first")) => Take::First,
            Some(Some("rest")) => Take::Rest,
            Some(Some("all")) => Take::All,
            Some(_) => return Err(format!("{at}.take: use first, rest or all")),
        };
        return Ok(Expr::Lookup {
            table: table.to_string(),
            column: column.to_string(),
            by: Box::new(input(by, &format!("{at}.by"))?),
            take,
            sep: sep()?,
        });
    }
    if o.contains_key("fn") {
        only(&["fn", "args", "format", "sep"])?;
        let name = string("fn")?;
        let Some((_, arity, _)) = FUNCTIONS.iter().find(|(n, _, _)| *n == name) else {
            let known: Vec<&str> = FUNCTIONS.iter().map(|f| f.0).collect();
            return Err(format!(
                "{at}.fn {} is not a function of the language; it has {}",
                shown(&name),
                known.join(", ")
            ));
        };
        let args = match o.get("args") {
            None => Vec::new(),
            Some(Value::Array(a)) => a
                .iter()
                .enumerate()
                .map(|(i, v)| input(v, &format!("{at}.args[{i}]")))
                .collect::<Result<Vec<_>, Refusal>>()?,
            Some(_) => return Err(format!("{at}.args must be a list")),
        };
        let fits = match arity {
            Some(n) => args.len() == *n,
            None => !args.is_empty(),
        };
        if !fits {
            let wants = arity.map_or("one or more".to_string(), |n| n.to_string());
            return Err(format!(
                "{at}: {name} takes {wants} argument(s), and {} are given",
                args.len()
            ));
        }
        let format = match o.get("format") {
            Some(_) => Some(string("format")?),
            None if name == "date" => {
                return Err(format!("{at}: date needs a \"format\" (e.g. %Y-%m-%d)"))
            }
            None => None,
        };
        return Ok(Expr::Fn {
            name,
            args,
            format,
            sep: sep()?,
        });
    }
    Err(format!(
        "{at}: not an expression: use const, column, ref, from/map, lookup or fn"
    ))
}

/// A condition: `all`, `any`, `not`, `present`, or `value` with `in` or `min`.
fn cond(v: &Value, at: &str) -> Result<Cond, Refusal> {
    let o = v
        .as_object()
        .ok_or_else(|| format!("{at}: a condition is an object"))?;
    let list = |k: &str| -> Result<Vec<Cond>, Refusal> {
        let items = o
            .get(k)
            .and_then(Value::as_array)
            .ok_or_else(|| format!("{at}.{k} must be a list of conditions"))?;
        items
            .iter()
            .enumerate()
            .map(|(i, c)| cond(c, &format!("{at}.{k}[{i}]")))
            .collect()
    };
    let keys: Vec<&str> = o.keys().map(String::as_str).collect();
    match keys.as_slice() {
        ["all"] => Ok(Cond::All(list("all")?)),
        ["any"] => Ok(Cond::Any(list("any")?)),
        ["not"] => Ok(Cond::Not(Box::new(cond(&o["not"], &format!("{at}.not"))?))),
        ["present"] => Ok(Cond::Present(input(
            &o["present"],
            &format!("{at}.present"),
        )?)),
        _ if o.contains_key("value") && o.len() == 2 => {
            let value = input(&o["value"], &format!("{at}.value"))?;
            if let Some(Value::Array(a)) = o.get("in") {
                let values = a
                    .iter()
                    .enumerate()
                    .map(|(i, x)| literal(x, &format!("{at}.in[{i}]")))
                    .collect::<Result<Vec<_>, Refusal>>()?;
                return Ok(Cond::In(value, values));
            }
            match o.get("min").and_then(Value::as_f64) {
                Some(m) => Ok(Cond::Min(value, m)),
                None => Err(format!(
                    "{at}: \"value\" goes with \"in\" (a list) or \"min\" (a number)"
                )),
            }
        }
        _ => Err(format!(
            "{at}: not a condition: use all, any, not, present, or value with in or min"
        )),
    }
}

/// A `ref` must name an output column declared before this one.
fn check_refs(e: Option<&Expr>, before: &[OutColumn], at: &str) -> Result<(), Refusal> {
    let Some(e) = e else { return Ok(()) };
    let mut refused = Ok(());
    visit(e, &mut |x| {
        if let Expr::Ref(n) = x {
            if refused.is_ok() && !before.iter().any(|c| &c.name == n) {
                refused = Err(format!(
                    "{at}: ref {} names no output column declared before this one",
                    shown(n)
                ));
            }
        }
    });
    refused
}

/// Calls `f` on `e` and on every expression inside it.
pub fn visit(e: &Expr, f: &mut impl FnMut(&Expr)) {
    f(e);
    match e {
        Expr::Map { from, map, default } => {
            visit(from, f);
            map.iter().for_each(|(_, v)| visit(v, f));
            if let Some(d) = default {
                visit(d, f);
            }
        }
        Expr::Lookup { by, .. } => visit(by, f),
        Expr::Fn { args, .. } => args.iter().for_each(|a| visit(a, f)),
        Expr::Const(_) | Expr::Column(_) | Expr::Ref(_) => {}
    }
}

/// Every layout and added typed column of the metadata parses (load-time check).
pub(super) fn check_layouts(
    layouts: &std::collections::BTreeMap<String, Layout>,
    typed: Option<&TypedColumns>,
) -> Result<(), Refusal> {
    if let Some(t) = typed {
        t.parse("typed_columns")?;
    }
    for (name, l) in layouts {
        super::file_token(name).map_err(|why| format!("layouts.{name}: {why}"))?;
        Program::parse(l, &format!("layouts.{name}"))?;
    }
    let mut files: Vec<&str> = layouts.values().map(|l| l.file.as_str()).collect();
    files.sort_unstable();
    if let Some(w) = files.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!(
            "two layouts write {}: give each its own file",
            shown(w[0])
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn layout(columns: Value) -> Layout {
        Layout {
            file: "x.acled.csv".into(),
            title: "X".into(),
            table: "events".into(),
            include: None,
            left_out: None,
            columns: columns.as_array().unwrap().clone(),
        }
    }

    #[test]
    fn a_declaration_reads_into_its_tree() {
        let l = layout(json!([
            {"name": "a", "fidelity": "exact", "column": "x"},
            {"name": "b", "type": "integer", "fidelity": "exact", "blank": 0,
             "from": "y", "map": {"p": 1, "q": {"column": "z"}}, "default": "9"},
            {"name": "c", "fidelity": "lost", "note": "none kept"},
            {"name": "d", "type": "integer", "fidelity": "exact",
             "fn": "interaction", "args": [{"ref": "b"}, "w"]}
        ]));
        let p = Program::parse(&l, "layouts.x").unwrap();
        assert_eq!(p.columns[1].blank.as_deref(), Some("0"));
        assert_eq!(
            p.columns[1].value,
            Some(Expr::Map {
                from: Box::new(Expr::Column("y".into())),
                map: vec![
                    ("p".into(), Expr::Const("1".into())),
                    ("q".into(), Expr::Column("z".into()))
                ],
                default: Some(Box::new(Expr::Const("9".into()))),
            })
        );
        assert_eq!(p.columns[2].value, None);
    }

    #[test]
    fn what_the_language_cannot_say_is_refused_with_its_path() {
        let cases = [
            (
                json!([{"name": "a", "fidelity": "exact", "fn": "median", "args": ["x"]}]),
                "layouts.x.columns[0].fn",
            ),
            (
                json!([{"name": "a", "fidelity": "exact", "column": "x", "extra": 1}]),
                "layouts.x.columns[0]: \"extra\"",
            ),
            (
                json!([{"name": "a", "column": "x"}]),
                "layouts.x.columns[0]: say how faithful",
            ),
            (
                json!([{"name": "a", "fidelity": "lost"}]),
                "say what is lost",
            ),
            (
                json!([{"name": "a", "fidelity": "exact", "ref": "b"}]),
                "ref \"b\" names no output column",
            ),
            (
                json!([{"name": "a", "fidelity": "exact", "fn": "year", "args": []}]),
                "year takes 1 argument",
            ),
            (
                json!([{"name": "a", "fidelity": "exact", "lookup": "actors", "by": "x"}]),
                "write TABLE.COLUMN",
            ),
            (
                json!([{"name": "a", "fidelity": "exact", "from": "x", "map": {"k": [1]}}]),
                "layouts.x.columns[0].map.k",
            ),
            (
                json!([{"name": "a", "type": "bool", "fidelity": "exact", "column": "x"}]),
                "layouts.x.columns[0].type",
            ),
        ];
        for (columns, said) in cases {
            let e = Program::parse(&layout(columns.clone()), "layouts.x").unwrap_err();
            assert!(e.contains(said), "{columns}: {e}");
        }
        let mut l = layout(json!([{"name": "a", "fidelity": "exact", "column": "x"}]));
        l.include = Some(json!({"value": "x", "between": [1, 2]}));
        l.left_out = Some("why".into());
        let e = Program::parse(&l, "layouts.x").unwrap_err();
        assert!(
            e.starts_with("layouts.x.include: \"value\" goes with"),
            "{e}"
        );
    }
}
