//! Tables in other datasets' layouts (ACLED's export, UCDP GED's), written from the typed
//! export rows of a table as the metadata's `layouts` block declares them
//! ([`crate::schema::metadata::layouts`]). Names are resolved against the tables once
//! ([`Compiled`]): a column, a lookup table or a key that is not there is refused with the path
//! of the declaration. Then every row is mapped, checked against its column's type (an integer
//! column holds integers only, so that readers type it as such), and written as CSV; the rows
//! the layout's `include` leaves out are returned by key, for the README.

pub mod functions;
pub mod typed;

use crate::error::{Error, Result};
use crate::release::tables::Tables;
use crate::schema::metadata::layouts::{Cond, Expr, Layout, OutColumn, OutType, Program, Take};
use crate::schema::metadata::Metadata;
use crate::schema::rows::Rows;
use crate::schema::Schema;
use crate::table::text::shown;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::path::Path;

/// One layout, written.
pub struct Written {
    /// The layout's name in the metadata (`acled`).
    pub name: String,
    pub layout: Layout,
    pub program: Program,
    /// The CSV bytes.
    pub csv: Vec<u8>,
    pub rows: usize,
    /// Keys of the table's rows the layout leaves out, in table order.
    pub left_out: Vec<String>,
}

/// Every layout the metadata declares, written from `tables` (in name order).
pub fn write_all(meta: &Metadata, tables: &Tables, released: NaiveDate) -> Result<Vec<Written>> {
    meta.layouts
        .iter()
        .map(|(name, l)| write(name, l, tables, released))
        .collect()
}

/// The layout named `name`, or why not (none declared, or another name).
pub fn find<'m>(meta: &'m Metadata, name: &str, within: &str) -> Result<&'m Layout> {
    meta.layouts.get(name).ok_or_else(|| {
        let declared: Vec<&str> = meta.layouts.keys().map(String::as_str).collect();
        Error::NotFound {
            what: "layout",
            name: name.to_string(),
            within: if declared.is_empty() {
                format!("{within}, whose metadata declares no \"layouts\"")
            } else {
                format!("{within} (it declares {})", declared.join(", "))
            },
        }
    })
}

/// Writes one layout from the typed export rows of its table.
pub fn write(name: &str, layout: &Layout, tables: &Tables, released: NaiveDate) -> Result<Written> {
    let at = format!("layouts.{name}");
    // A declaration that cannot run is the metadata's fault, not the data's (exit 2).
    let program = Program::parse(layout, &at).map_err(Error::Other)?;
    let table = tables
        .get(&layout.table)
        .map_err(|e| Error::Other(format!("{at}.table: {e}")))?;
    let (schema, typed) = table.typed()?;
    let compiled = Compiled::new(&program, schema, tables, &at)?;
    let key = schema.primary_key.first().copied();
    let mut out = Vec::new();
    let mut left_out = Vec::new();
    let mut rows = 0;
    {
        let mut w = crate::table::writer(&mut out);
        let werr = |e: csv::Error| Error::Other(format!("cannot write {}: {e}", layout.file));
        w.write_record(program.columns.iter().map(|c| c.name.as_str()))
            .map_err(werr)?;
        let mut source = Rows::new(schema, typed.as_ref(), &table.name)?;
        let call = functions::Call {
            format: None,
            sep: "; ",
            released,
        };
        while let Some(r) = source.next_row()? {
            let cells: Vec<&str> = r.iter().collect();
            let id = key.and_then(|k| cells.get(k)).copied().unwrap_or("");
            let values = compiled.row(&cells, &call);
            if !compiled.includes(&cells, &values, &call) {
                left_out.push(id.to_string());
                continue;
            }
            compiled.check(&values, id, &at)?;
            w.write_record(&values).map_err(werr)?;
            rows += 1;
        }
        w.flush()
            .map_err(|e| Error::Other(format!("cannot write {}: {e}", layout.file)))?;
    }
    Ok(Written {
        name: name.to_string(),
        layout: layout.clone(),
        program,
        csv: out,
        rows,
        left_out,
    })
}

/// An expression with its names resolved.
enum Node {
    Const(String),
    Column(usize),
    Ref(usize),
    Map {
        from: Box<Node>,
        map: HashMap<String, Node>,
        default: Option<Box<Node>>,
    },
    Lookup {
        values: HashMap<String, String>,
        by: Box<Node>,
        /// The delimiter of the keys, when `by` is a list column.
        delimiter: Option<String>,
        take: Take,
        sep: String,
    },
    Fn {
        name: String,
        args: Vec<Node>,
        format: Option<String>,
        sep: String,
    },
}

enum Test {
    All(Vec<Test>),
    Any(Vec<Test>),
    Not(Box<Test>),
    Present(Node),
    In(Node, Vec<String>),
    Min(Node, f64),
}

/// A layout resolved against the typed schema of its table and the tables it looks up.
struct Compiled {
    columns: Vec<OutColumn>,
    nodes: Vec<Option<Node>>,
    include: Option<Test>,
}

/// What names resolve against.
struct Scope<'a> {
    schema: &'a Schema,
    tables: &'a Tables,
    outputs: Vec<&'a str>,
}

impl Compiled {
    fn new(program: &Program, schema: &Schema, tables: &Tables, at: &str) -> Result<Self> {
        let mut scope = Scope {
            schema,
            tables,
            outputs: Vec::new(),
        };
        let mut nodes = Vec::new();
        for (i, c) in program.columns.iter().enumerate() {
            let here = format!("{at}.columns[{i}]");
            nodes.push(match &c.value {
                Some(e) => Some(scope.node(e, &here).map_err(Error::Other)?),
                None => None,
            });
            scope.outputs.push(&c.name);
        }
        let include = match &program.include {
            Some(c) => Some(
                scope
                    .test(c, &format!("{at}.include"))
                    .map_err(Error::Other)?,
            ),
            None => None,
        };
        Ok(Compiled {
            columns: program.columns.clone(),
            nodes,
            include,
        })
    }

    /// The output cells of one row (blanks replaced as each column says).
    fn row(&self, cells: &[&str], call: &functions::Call<'_>) -> Vec<String> {
        let mut out: Vec<String> = Vec::with_capacity(self.columns.len());
        for (c, n) in self.columns.iter().zip(&self.nodes) {
            let v = n
                .as_ref()
                .map_or_else(String::new, |n| eval(n, cells, &out, call));
            out.push(match (&c.blank, v.is_empty()) {
                (Some(b), true) => b.clone(),
                _ => v,
            });
        }
        out
    }

    fn includes(&self, cells: &[&str], out: &[String], call: &functions::Call<'_>) -> bool {
        self.include
            .as_ref()
            .is_none_or(|t| holds(t, cells, out, call))
    }

    /// Every cell has its column's type, so that a reader types the column as declared.
    fn check(&self, values: &[String], id: &str, at: &str) -> Result<()> {
        for (i, (c, v)) in self.columns.iter().zip(values).enumerate() {
            let fits = v.is_empty()
                || match c.kind {
                    OutType::String => true,
                    OutType::Integer => crate::schema::parse_integer(v).is_some(),
                    OutType::Number => crate::schema::parse_number(v).is_some(),
                    OutType::Date => NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok(),
                };
            if !fits {
                return Err(Error::Refused(format!(
                    "{at}.columns[{i}] ({}): row {} gives {}, which is not a{} {}",
                    shown(&c.name),
                    shown(id),
                    shown(v),
                    if c.kind == OutType::Integer { "n" } else { "" },
                    c.kind.name()
                )));
            }
        }
        Ok(())
    }
}

impl Scope<'_> {
    fn column(&self, name: &str, at: &str) -> std::result::Result<usize, String> {
        self.schema.column_index(name).ok_or_else(|| {
            format!(
                "{at}: {} is not a column of the typed rows of {} (their columns: {})",
                shown(name),
                shown(self.schema.title.as_deref().unwrap_or("the table")),
                self.schema.column_names().collect::<Vec<_>>().join(", ")
            )
        })
    }

    fn node(&self, e: &Expr, at: &str) -> std::result::Result<Node, String> {
        Ok(match e {
            Expr::Const(v) => Node::Const(v.clone()),
            Expr::Column(n) => Node::Column(self.column(n, at)?),
            Expr::Ref(n) => Node::Ref(
                self.outputs
                    .iter()
                    .position(|o| o == n)
                    .ok_or_else(|| format!("{at}: ref {} is not declared before", shown(n)))?,
            ),
            Expr::Map { from, map, default } => Node::Map {
                from: Box::new(self.node(from, &format!("{at}.from"))?),
                map: map
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), self.node(v, &format!("{at}.map.{k}"))?)))
                    .collect::<std::result::Result<_, String>>()?,
                default: match default {
                    Some(d) => Some(Box::new(self.node(d, &format!("{at}.default"))?)),
                    None => None,
                },
            },
            Expr::Lookup {
                table,
                column,
                by,
                take,
                sep,
            } => {
                let delimiter = match by.as_ref() {
                    Expr::Column(n) => {
                        let c = &self.schema.columns[self.column(n, &format!("{at}.by"))?];
                        c.kind.is_list().then(|| c.delimiter.clone())
                    }
                    _ => None,
                };
                Node::Lookup {
                    values: self.lookup(table, column, at)?,
                    by: Box::new(self.node(by, &format!("{at}.by"))?),
                    delimiter,
                    take: *take,
                    sep: sep.clone(),
                }
            }
            Expr::Fn {
                name,
                args,
                format,
                sep,
            } => Node::Fn {
                name: name.clone(),
                args: args
                    .iter()
                    .enumerate()
                    .map(|(i, a)| self.node(a, &format!("{at}.args[{i}]")))
                    .collect::<std::result::Result<_, String>>()?,
                format: format.clone(),
                sep: sep.clone(),
            },
        })
    }

    /// `TABLE.COLUMN` by the table's one-column primary key.
    fn lookup(
        &self,
        table: &str,
        column: &str,
        at: &str,
    ) -> std::result::Result<HashMap<String, String>, String> {
        let t = self
            .tables
            .get(table)
            .map_err(|e| format!("{at}.lookup: {e}"))?;
        let s = &t.schema;
        let key = match s.primary_key.as_slice() {
            [k] => *k,
            _ => {
                return Err(format!(
                    "{at}.lookup: {} has no one-column primary key to look up by",
                    shown(table)
                ))
            }
        };
        let c = s.column_index(column).ok_or_else(|| {
            format!(
                "{at}.lookup: {} is not a column of {}",
                shown(column),
                shown(table)
            )
        })?;
        let mut rows = Rows::new(s, t.csv.as_slice(), table).map_err(|e| e.to_string())?;
        let mut values = HashMap::new();
        while let Some(r) = rows.next_row().map_err(|e| e.to_string())? {
            let cell = |i: usize| r.get(i).unwrap_or("").to_string();
            values.insert(cell(key), cell(c));
        }
        Ok(values)
    }

    fn test(&self, c: &Cond, at: &str) -> std::result::Result<Test, String> {
        let list = |v: &[Cond], k: &str| {
            v.iter()
                .enumerate()
                .map(|(i, c)| self.test(c, &format!("{at}.{k}[{i}]")))
                .collect::<std::result::Result<Vec<_>, String>>()
        };
        Ok(match c {
            Cond::All(v) => Test::All(list(v, "all")?),
            Cond::Any(v) => Test::Any(list(v, "any")?),
            Cond::Not(c) => Test::Not(Box::new(self.test(c, &format!("{at}.not"))?)),
            Cond::Present(e) => Test::Present(self.node(e, &format!("{at}.present"))?),
            Cond::In(e, v) => Test::In(self.node(e, &format!("{at}.value"))?, v.clone()),
            Cond::Min(e, m) => Test::Min(self.node(e, &format!("{at}.value"))?, *m),
        })
    }
}

fn eval(n: &Node, cells: &[&str], out: &[String], call: &functions::Call<'_>) -> String {
    let go = |n: &Node| eval(n, cells, out, call);
    match n {
        Node::Const(v) => v.clone(),
        Node::Column(i) => cells.get(*i).copied().unwrap_or("").to_string(),
        Node::Ref(i) => out.get(*i).cloned().unwrap_or_default(),
        Node::Map { from, map, default } => {
            let v = go(from);
            match (map.get(&v), default) {
                (Some(m), _) => go(m),
                (None, Some(d)) => go(d),
                (None, None) => String::new(),
            }
        }
        Node::Lookup {
            values,
            by,
            delimiter,
            take,
            sep,
        } => {
            let keys = go(by);
            let keys: Vec<&str> = match delimiter {
                Some(d) => keys.split(d.as_str()).filter(|k| !k.is_empty()).collect(),
                None => Some(keys.as_str())
                    .filter(|k| !k.is_empty())
                    .into_iter()
                    .collect(),
            };
            let skip = usize::from(*take == Take::Rest);
            let count = if *take == Take::First { 1 } else { usize::MAX };
            let mut found: Vec<&str> = Vec::new();
            for k in keys.iter().skip(skip).take(count) {
                match values.get(*k).map(String::as_str) {
                    Some(v) if !v.is_empty() && !found.contains(&v) => found.push(v),
                    _ => {}
                }
            }
            found.join(sep)
        }
        Node::Fn {
            name,
            args,
            format,
            sep,
        } => {
            let args: Vec<String> = args.iter().map(go).collect();
            let call = functions::Call {
                format: format.as_deref(),
                sep,
                released: call.released,
            };
            functions::apply(name, &args, &call)
        }
    }
}

fn holds(t: &Test, cells: &[&str], out: &[String], call: &functions::Call<'_>) -> bool {
    let go = |t: &Test| holds(t, cells, out, call);
    let value = |n: &Node| eval(n, cells, out, call);
    match t {
        Test::All(v) => v.iter().all(go),
        Test::Any(v) => v.iter().any(go),
        Test::Not(t) => !go(t),
        Test::Present(n) => !value(n).is_empty(),
        Test::In(n, v) => v.contains(&value(n)),
        Test::Min(n, m) => crate::schema::parse_number(&value(n)).is_some_and(|x| x >= *m),
    }
}

/// The release date a layout's `unix_seconds` gives when the tables are not being released:
/// the version's date in the changelog beside the metadata, else today.
pub fn export_date(changelog: &Path, version: &str) -> NaiveDate {
    crate::release::changelog::release_date(changelog, version)
        .unwrap_or_else(|_| crate::clock::today())
}

/// The Frictionless resource of a written layout: its file, hash and fields (types, and what
/// each column loses as its description).
pub fn resource(w: &Written) -> serde_json::Value {
    use serde_json::json;
    let fields: Vec<serde_json::Value> = w
        .program
        .columns
        .iter()
        .map(|c| {
            let mut f = json!({"name": c.name, "type": c.kind.name()});
            if !c.note.is_empty() {
                f["description"] = json!(format!("{} ({})", c.note, c.fidelity.name()));
            }
            f
        })
        .collect();
    json!({
        "name": w.layout.file.trim_end_matches(".csv"),
        "path": w.layout.file,
        "profile": "tabular-data-resource",
        "title": format!("{} in {}", w.layout.table, w.layout.title),
        "description": format!(
            "The rows of {} in {}; see the README for what each column loses.",
            w.layout.table, w.layout.title
        ),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": w.csv.len(),
        "hash": format!("sha256:{}", crate::release::checksum::sha256_hex(&w.csv)),
        "dialect": {"delimiter": ",", "quoteChar": "\"", "doubleQuote": true, "header": true, "lineTerminator": "\n"},
        "schema": {"fields": fields, "missingValues": [""]},
    })
}
