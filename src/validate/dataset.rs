//! A whole dataset: every table its metadata lists, referenced tables first so that their
//! keys (and the cells that `equal` rules compare against) are known when the rows that name
//! them are checked, then the keys no row names and the `count` rules, which need the rows of
//! two tables.

use super::report::{Problem, Severity};
use super::rules::{count, Context, Declared, KeyIndex};
use super::{validate_table_needing, validate_table_with_progress, Emit, Needs, TableJob};
use crate::error::{Error, Result};
use crate::progress::{Progress, Silent};
use crate::schema::metadata::Dataset;
use crate::schema::{RuleSpec, Schema};
use crate::table::paths::display;
use crate::table::{Locator, RecordPos};
use std::collections::{HashMap, HashSet};

/// A dataset validation: every table of the metadata file, referenced tables first, then the
/// unused keys of referenced tables as warnings.
pub fn validate_dataset(
    dataset: &Dataset,
    today: chrono::NaiveDate,
    emit: &mut Emit<'_>,
) -> Result<Vec<(String, u64)>> {
    validate_dataset_with_progress(dataset, today, emit, &mut Silent)
}

/// [`validate_dataset`], telling `progress` how far each pass over a table has got.
pub fn validate_dataset_with_progress(
    dataset: &Dataset,
    today: chrono::NaiveDate,
    emit: &mut Emit<'_>,
    progress: &mut dyn Progress,
) -> Result<Vec<(String, u64)>> {
    let ctx = Context {
        coverage_start: dataset.meta.coverage.start,
        coverage_end: dataset.meta.coverage.end,
        today,
    };
    let schemas = load_schemas(dataset)?;
    let referenced: HashSet<String> = schemas
        .iter()
        .flat_map(|s| s.foreign_keys.iter().map(|fk| fk.resource.clone()))
        .collect();
    // Referenced tables first, so that their keys are known when the others are checked.
    let order = referenced_first(dataset, &schemas);
    let needs = needs(dataset, &schemas);
    let mut keys = Keys::default();
    let mut counts = Vec::new();
    let mut faults = 0;
    for i in order {
        let r = &dataset.meta.resources[i];
        let path = dataset.data_path(r);
        let job = TableJob {
            schema: &schemas[i],
            path: &path,
            ctx,
            collect_keys: referenced.contains(&r.name),
        };
        let outcome = validate_table_needing(&job, &needs[i], &keys.indexes, emit, progress)?;
        counts.push((display(&path), outcome.rows));
        faults += outcome.faults;
        keys.note_used(outcome.used);
        keys.tallies.insert(r.name.clone(), outcome.tallies);
        // The keys of a table read with structure faults are not its keys: references to it
        // are not checked rather than reported as unknown.
        if let Some(k) = outcome.keys.filter(|_| outcome.faults == 0) {
            keys.indexes.insert(r.name.clone(), k);
            keys.index_of.insert(r.name.clone(), i);
            check_own_references(&job, &r.name, &mut keys, emit, progress)?;
        }
    }
    if faults > 0 {
        // Which keys are used, and which rows the quotes support, is known only when every
        // table was read as meant.
        super::evidence::check_texts(dataset, emit)?;
        return Ok(counts);
    }
    report_unused_keys(dataset, &schemas, &referenced, &keys, emit)?;
    report_counts(dataset, &schemas, &keys, emit)?;
    super::evidence::check(dataset, emit)?;
    Ok(counts)
}

/// What each table must keep for the rules across tables: the cells an `equal` rule of
/// another table compares against and the counts of its own `count` rules (by key), and the
/// ids a `count` rule of another table counts (by row). Declarations were checked by
/// [`across_tables`].
fn needs(dataset: &Dataset, schemas: &[Schema]) -> Vec<Needs> {
    let position = |name: &str| dataset.meta.resources.iter().position(|r| r.name == name);
    let mut needs = vec![Needs::default(); schemas.len()];
    for (i, s) in schemas.iter().enumerate() {
        for r in &s.rules {
            match r {
                RuleSpec::Count(c) => {
                    needs[i].values.push(c.column);
                    if let Some(j) = position(&c.of_table) {
                        needs[j]
                            .tallies
                            .extend(schemas[j].column_index(&c.of_column));
                    }
                }
                RuleSpec::Equal(e) => {
                    let fk = s.foreign_keys.iter().find(|fk| fk.field == e.via);
                    if let Some(j) = fk.and_then(|fk| position(&fk.resource)) {
                        needs[j].values.extend(schemas[j].column_index(&e.to));
                    }
                }
                _ => {}
            }
        }
    }
    for n in &mut needs {
        n.values.sort_unstable();
        n.values.dedup();
        n.tallies.sort_unstable();
        n.tallies.dedup();
    }
    needs
}

/// Refuses a `count` rule whose other table or column the dataset lacks, and an `equal` rule
/// whose `to` column the cited table lacks or whose cited table has no key of one column, as
/// faults of the schema that declares them.
fn across_tables(dataset: &Dataset, schemas: &[Schema]) -> Result<()> {
    let schema_of = |name: &str| {
        let i = dataset.meta.resources.iter().position(|r| r.name == name)?;
        Some(&schemas[i])
    };
    for s in schemas {
        let fail = |message: String| Error::Schema {
            path: s.path.clone(),
            message: format!("x-rules: {message}"),
        };
        for r in &s.rules {
            match r {
                RuleSpec::Count(c) => {
                    let Some(other) = schema_of(&c.of_table) else {
                        return Err(fail(format!("rule {:?} (count) counts rows of table {:?}, which the metadata file does not list", c.id, c.of_table)));
                    };
                    if other.column_index(&c.of_column).is_none() {
                        return Err(fail(format!(
                            "rule {:?} (count): table {:?} has no column {:?}",
                            c.id, c.of_table, c.of_column
                        )));
                    }
                }
                RuleSpec::Equal(e) => {
                    let fk = s.foreign_keys.iter().find(|fk| fk.field == e.via);
                    let Some((res, other)) =
                        fk.and_then(|fk| Some((&fk.resource, schema_of(&fk.resource)?)))
                    else {
                        continue; // Refused with the foreign key.
                    };
                    if other.column_index(&e.to).is_none() {
                        return Err(fail(format!(
                            "rule {:?} (equal): table {res:?} has no column {:?}",
                            e.id, e.to
                        )));
                    }
                    if other.primary_key.len() != 1 {
                        return Err(fail(format!("rule {:?} (equal): table {res:?} needs a primary key of one column (x-primaryKey) to look its rows up", e.id)));
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// The findings of every `count` rule, at the parent's count cells in file order: each count
/// against the rows of the other table that cite the row. Parents or children read with
/// structure faults are not counted (the caller returns before).
fn report_counts(
    dataset: &Dataset,
    schemas: &[Schema],
    keys: &Keys,
    emit: &mut Emit<'_>,
) -> Result<()> {
    let io = |e: std::io::Error| Error::io("the report", e);
    for (i, s) in schemas.iter().enumerate() {
        let r = &dataset.meta.resources[i];
        let path = dataset.data_path(r);
        let mut locator = Locator::new(&path);
        for (j, rule) in s.rules.iter().enumerate() {
            let RuleSpec::Count(c) = rule else { continue };
            let column = &s.columns[c.column].name;
            let parent = keys
                .indexes
                .get(&r.name)
                .and_then(|k| Some((k, k.values.get(column)?)));
            let tally = keys
                .tallies
                .get(&c.of_table)
                .and_then(|t| t.get(&c.of_column));
            let (Some((index, values)), Some(tally)) = (parent, tally) else {
                continue;
            };
            let mut rows: Vec<(&String, &RecordPos)> = index.keys.iter().collect();
            rows.sort_by_key(|(_, p)| p.byte);
            for (key, pos) in rows {
                let declared = values.of_key.get(key).map_or("", String::as_str);
                let found = tally.get(key).copied().unwrap_or(0);
                let Some(f) = count::check(c, s, key, declared, found) else {
                    continue;
                };
                let mut f = [f];
                Declared::of(s, j).apply(&mut f);
                let [f] = f;
                let (line, col) = match values.field {
                    Some(field) => locator.locate(*pos, field),
                    None => (pos.line, 1),
                };
                emit(Problem {
                    severity: f.severity,
                    file: display(&path),
                    line: Some(line),
                    column: Some(col),
                    field: Some(column.clone()),
                    value: Some(declared.to_string()),
                    rule: f.rule,
                    message: f.message,
                    hint: f.hint,
                })
                .map_err(io)?;
            }
        }
    }
    Ok(())
}

/// The tables in an order where each comes after the tables it refers to (a table referred to
/// by one that is itself referred to, such as places by events and events by evidence, must be
/// read first), otherwise in the metadata's order. References within one table, and any cycle
/// between tables, are left to the order of the metadata.
fn referenced_first(dataset: &Dataset, schemas: &[Schema]) -> Vec<usize> {
    let names: Vec<&str> = dataset
        .meta
        .resources
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    let mut order = Vec::with_capacity(schemas.len());
    let mut placed = vec![false; schemas.len()];
    while order.len() < schemas.len() {
        let ready = (0..schemas.len()).find(|&i| {
            !placed[i]
                && schemas[i].foreign_keys.iter().all(|fk| {
                    fk.resource == names[i]
                        || names
                            .iter()
                            .position(|n| *n == fk.resource)
                            .is_none_or(|j| placed[j])
                })
        });
        // A cycle: take the first table left, as the metadata lists it.
        let next = ready.unwrap_or_else(|| (0..schemas.len()).find(|&i| !placed[i]).unwrap_or(0));
        placed[next] = true;
        order.push(next);
    }
    order
}

/// The row schema of every table, refusing a foreign key to a table the metadata does not
/// list, and what a release could not build from the schemas ([`super::release_needs`]).
fn load_schemas(dataset: &Dataset) -> Result<Vec<Schema>> {
    let mut schemas = Vec::new();
    for r in &dataset.meta.resources {
        schemas.push(Schema::load(&dataset.schema_path(r))?);
    }
    for s in &schemas {
        for fk in &s.foreign_keys {
            if dataset.resource(&fk.resource).is_none() {
                return Err(Error::Schema {
                    path: s.path.clone(),
                    message: format!("x-foreignKeys refers to resource {:?}, which the metadata file does not list", fk.resource),
                });
            }
        }
    }
    across_tables(dataset, &schemas)?;
    super::release_needs::check(dataset)?;
    Ok(schemas)
}

/// The keys of the referenced tables read so far, and which of them other rows name.
#[derive(Default)]
struct Keys {
    indexes: HashMap<String, KeyIndex>,
    /// The table's position in the metadata's resources.
    index_of: HashMap<String, usize>,
    used: HashMap<String, HashSet<String>>,
    /// The rows citing each id, by table and column (see [`Needs::tallies`]).
    tallies: HashMap<String, HashMap<String, HashMap<String, u64>>>,
}

impl Keys {
    fn note_used(&mut self, used: impl IntoIterator<Item = (String, HashSet<String>)>) {
        for (res, keys) in used {
            self.used.entry(res).or_default().extend(keys);
        }
    }
}

/// A row may name another row of its own table (a ministry part of its government): those
/// references need the table's own keys, so a second pass checks only them.
fn check_own_references(
    job: &TableJob<'_>,
    name: &str,
    keys: &mut Keys,
    emit: &mut Emit<'_>,
    progress: &mut dyn Progress,
) -> Result<()> {
    let schema = job.schema;
    let own: HashSet<&str> = schema
        .foreign_keys
        .iter()
        .filter(|fk| fk.resource == name)
        .map(|fk| schema.columns[fk.field].name.as_str())
        .collect();
    if own.is_empty() {
        return Ok(());
    }
    let mut only_own = |p: Problem| {
        if p.rule == "foreign-key" && p.field.as_deref().is_some_and(|f| own.contains(f)) {
            emit(p)
        } else {
            Ok(())
        }
    };
    let again = validate_table_with_progress(job, &keys.indexes, &mut only_own, progress)?;
    keys.note_used(again.used.into_iter().filter(|(res, _)| res == name));
    Ok(())
}

/// A warning for each key of a referenced table that no row names, in file order. Only lookup
/// tables are asked (places, actors, sources: tables that refer to no other table); a row of a
/// table that itself refers to others (an event, a quote supporting an event) stands on its own
/// even when nothing refers to it.
fn report_unused_keys(
    dataset: &Dataset,
    schemas: &[Schema],
    referenced: &HashSet<String>,
    keys: &Keys,
    emit: &mut Emit<'_>,
) -> Result<()> {
    // Keeps the I/O error, so that a closed pipe is recognised (and ends quietly).
    let io = |e: std::io::Error| Error::io("the report", e);
    // A table is indexed for the rules across tables too, not only when it is referenced.
    let mut names: Vec<&String> = keys
        .indexes
        .keys()
        .filter(|n| referenced.contains(*n))
        .collect();
    names.sort();
    for name in names {
        let index = &keys.indexes[name];
        let i = keys.index_of[name];
        let schema = &schemas[i];
        if schema.foreign_keys.iter().any(|fk| &fk.resource != name) {
            continue;
        }
        let path = dataset.data_path(&dataset.meta.resources[i]);
        let mut locator = Locator::new(&path);
        let used = keys.used.get(name);
        let mut unused: Vec<(&String, &RecordPos)> = index
            .keys
            .iter()
            .filter(|(k, _)| used.is_none_or(|u| !u.contains(*k)))
            .collect();
        unused.sort_by_key(|(_, p)| p.byte);
        let pk = schema.primary_key[0];
        for (key, pos) in unused {
            let (line, col) = locator.locate(*pos, pk);
            emit(Problem {
                severity: Severity::Warning,
                file: display(&path),
                line: Some(line),
                column: Some(col),
                field: Some(schema.columns[pk].name.clone()),
                value: Some(key.clone()),
                rule: "unused-key".into(),
                message: format!("no other table refers to this {name} row"),
                hint: "cite it from an event, or remove it if it is not needed".into(),
            })
            .map_err(io)?;
        }
    }
    Ok(())
}
