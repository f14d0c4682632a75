//! Validation of CSV tables against their row schemas: the file itself (encoding, header,
//! field counts, quotes), every row against the JSON Schema, and the consistency rules.
//!
//! A [`TableValidator`] takes a table through its steps: open, header, read and check the rows,
//! finish. One thread reads batches of records with the strict reader of [`crate::table`]
//! (the record buffers of a batch are sent back and reused, so memory stays flat); the other
//! cores check a batch in parallel: decoding, the fast native test of each row
//! ([`crate::validate::fastpath`]), the compiled JSON Schema only for a row that fails it, and the row
//! rules. The batch is then walked in file order for reporting and for the rules that need
//! state (sort order, keys, references). Problems are handed to the caller as they are found,
//! in file order, and how far the reading has got to a [`crate::progress::Progress`] (the
//! library draws nothing). A structure fault is reported where it is, and after one no finding
//! that needs every row is computed: the rows read are not the rows meant. The dataset level
//! is in `dataset.rs`, the wording of schema errors in `describe.rs`.

mod dataset;
mod describe;
pub mod evidence;
pub mod fastpath;
mod release_needs;
pub mod report;
pub mod rules;

pub use dataset::{validate_dataset, validate_dataset_with_progress};

use crate::error::{CsvFault, Error, Result};
use crate::progress::{Progress, Silent};
use crate::schema::row_object;
use crate::schema::Schema;
use crate::table::paths::display;
use crate::table::text::path;
use crate::table::{check_header, record_pos, ColumnMap, CsvReader, Locator, RawRecord, RecordPos};
use crate::validate::describe::CostlyPattern;
use crate::validate::fastpath::FastSchema;
use crate::validate::report::{Problem, Severity};
use crate::validate::rules::count::Tally;
use crate::validate::rules::{
    Context, Finding, KeyIndex, KeyValues, PrimaryKey, References, RowRules, SortOrder, TableRules,
};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::Path;

/// What validating one table found, besides the problems already emitted.
#[derive(Debug, Default)]
pub struct TableOutcome {
    /// Data rows read (the header excluded).
    pub rows: u64,
    /// Primary keys and where they are, when the caller asked for them (referenced tables).
    pub keys: Option<KeyIndex>,
    /// Keys of other tables this table referred to, by resource.
    pub used: HashMap<String, HashSet<String>>,
    /// Structure faults found (quotes, field counts, encoding): when there are any, the rows
    /// read are not the rows meant, and no key index or duplicate check was computed.
    pub faults: u64,
    /// The rows citing each id, by the column asked for in [`Needs::tallies`].
    pub tallies: HashMap<String, HashMap<String, u64>>,
}

/// What the rules of other tables (or a count of this one) need from a table while its rows
/// stream by, so that no table is read twice.
#[derive(Debug, Default, Clone)]
pub struct Needs {
    /// Columns whose cells are kept by key, in [`KeyIndex::values`] (the table's key index is
    /// then returned).
    pub values: Vec<usize>,
    /// Columns whose ids are tallied by row, in [`TableOutcome::tallies`].
    pub tallies: Vec<usize>,
}

/// Sink for problems as they are found.
pub type Emit<'a> = dyn FnMut(Problem) -> std::io::Result<()> + 'a;

/// One table to check.
pub struct TableJob<'a> {
    pub schema: &'a Schema,
    pub path: &'a Path,
    pub ctx: Context,
    /// Whether to return the table's primary keys (other tables refer to them).
    pub collect_keys: bool,
}

/// Rows read and checked together: large enough to keep every core busy, small enough that
/// memory stays flat.
const BATCH: usize = 8192;

/// What the parallel part found in one record.
enum Verdict {
    /// The record has another number of fields than the header (the reading thread reports
    /// it, with the record's other structure faults).
    Skip,
    /// Field `field` is not UTF-8 after `at` bytes.
    Utf8 { field: usize, at: usize },
    /// Decoded and checked: schema errors and rule findings (in that order), and the hash of
    /// its primary key.
    Checked {
        findings: Vec<Finding>,
        key_hash: Option<u64>,
    },
    /// The regex engine could not finish matching a `pattern` against a cell.
    Costly(CostlyPattern),
}

/// Validates one CSV table, emitting problems in file order.
///
/// Records are read in batches; each batch is checked in parallel (decoding, JSON Schema,
/// row rules), then walked in order for what needs state (sort order, keys, references) and
/// for reporting, so the output is the same whatever the number of cores. A record with a
/// structure fault (quotes, field count, encoding) is reported and not checked further; after
/// any such fault no finding that needs every row (duplicate keys) is computed.
pub fn validate_table(
    job: &TableJob<'_>,
    index: &HashMap<String, KeyIndex>,
    emit: &mut Emit<'_>,
) -> Result<TableOutcome> {
    validate_table_with_progress(job, index, emit, &mut Silent)
}

/// [`validate_table`], telling `progress` how many bytes of the file are read.
pub fn validate_table_with_progress(
    job: &TableJob<'_>,
    index: &HashMap<String, KeyIndex>,
    emit: &mut Emit<'_>,
    progress: &mut dyn Progress,
) -> Result<TableOutcome> {
    validate_table_needing(job, &Needs::default(), index, emit, progress)
}

/// [`validate_table_with_progress`], keeping what `needs` asks for in the outcome.
pub fn validate_table_needing(
    job: &TableJob<'_>,
    needs: &Needs,
    index: &HashMap<String, KeyIndex>,
    emit: &mut Emit<'_>,
    progress: &mut dyn Progress,
) -> Result<TableOutcome> {
    let mut v = TableValidator::open(job)?;
    if !v.header(emit)? {
        return Ok(v.out);
    }
    let mut rows = RowChecks::new(job, needs, v.t.map.clone(), index);
    v.read_and_check(&mut rows, emit, progress)?;
    v.finish(rows, emit)
}

/// Problems that mean the file could not be read as the records it was meant to hold: what a
/// validation computes from all rows (unused keys, duplicates, published ids) is then skipped.
pub const STRUCTURE_RULES: &[&str] = &["csv/quote", "csv/field-count", "csv/utf8"];

/// Whether a problem is a structure fault (see [`STRUCTURE_RULES`]).
pub fn is_structure_fault(p: &Problem) -> bool {
    STRUCTURE_RULES.contains(&p.rule.as_str())
}

/// Keeps the I/O error (and its kind), so that a closed pipe is recognised and ends quietly.
fn report_io(e: std::io::Error) -> Error {
    Error::io("the report", e)
}

/// Records read together, with the structure faults of each (by index in the batch).
#[derive(Default)]
struct Batch {
    records: Vec<RawRecord>,
    n: usize,
    faults: Vec<(usize, CsvFault)>,
}

/// The steps of validating one table: open, header, read and check the rows, finish.
struct TableValidator<'j> {
    job: &'j TableJob<'j>,
    t: TableCheck<'j>,
    reader: Option<CsvReader<File>>,
    out: TableOutcome,
}

/// The row checks of one table and the state of those that run in file order.
struct RowChecks<'j> {
    schema: &'j Schema,
    map: ColumnMap,
    present: Vec<bool>,
    rules: RowRules<'j>,
    fast: FastSchema,
    pk: PrimaryKey,
    sort: SortOrder,
    sort_ok: bool,
    refs: References<'j>,
    table: TableRules<'j>,
    keys: Option<KeyIndex>,
    /// Columns kept by key in `keys` (see [`Needs::values`]).
    values: Vec<usize>,
    tallies: Vec<Tally>,
    /// Columns the in-order pass reads: sort key, foreign keys, collected keys and values,
    /// and the columns of the rules across rows.
    ordered_cols: Vec<usize>,
}

impl<'j> RowChecks<'j> {
    fn new(
        job: &'j TableJob<'j>,
        needs: &Needs,
        map: ColumnMap,
        index: &'j HashMap<String, KeyIndex>,
    ) -> RowChecks<'j> {
        let schema = job.schema;
        let present: Vec<bool> = (0..schema.columns.len())
            .map(|c| map.is_present(c))
            .collect();
        let rules = RowRules::new(schema, job.ctx, |c| present[c]);
        let pk = PrimaryKey::new(
            schema
                .primary_key
                .iter()
                .copied()
                .filter(|&c| present[c])
                .collect(),
        );
        let collect = job.collect_keys || !needs.values.is_empty();
        let keys =
            (collect && schema.primary_key.len() == 1).then(|| key_index(needs, &map, schema));
        let table = TableRules::new(schema, |c| present[c], |name| index.get(name));
        let tallies: Vec<Tally> = needs.tallies.iter().map(|&c| Tally::new(c)).collect();
        let mut ordered_cols: Vec<usize> = schema.sort_key.clone();
        ordered_cols.extend(schema.foreign_keys.iter().map(|fk| fk.field));
        if keys.is_some() {
            ordered_cols.extend(schema.primary_key.iter().copied());
            ordered_cols.extend(needs.values.iter().copied());
        }
        ordered_cols.extend(table.columns());
        ordered_cols.extend(needs.tallies.iter().copied());
        ordered_cols.retain(|&c| present[c]);
        ordered_cols.sort_unstable();
        ordered_cols.dedup();
        RowChecks {
            schema,
            rules,
            fast: FastSchema::new(schema),
            pk,
            sort: SortOrder::new(schema),
            sort_ok: schema.sort_key.iter().all(|&c| present[c]),
            refs: References::new(schema, |name| index.get(name)),
            table,
            keys,
            values: needs.values.clone(),
            tallies,
            ordered_cols,
            map,
            present,
        }
    }
}

impl<'j> RowChecks<'j> {
    /// The cells of a record in schema column order: those the in-order rules read, or all of
    /// them (`all`, to report a finding); the others are left blank.
    fn decode<'r>(&self, rec: &'r RawRecord, all: bool, cells: &mut Vec<&'r str>) {
        let n = self.schema.columns.len();
        cells.clear();
        cells.resize(n, "");
        let mut put = |c: usize| {
            if let Some(f) = self.map.file_index[c] {
                cells[c] = std::str::from_utf8(&rec[f]).unwrap_or("");
            }
        };
        if all {
            (0..n).for_each(&mut put);
        } else {
            self.ordered_cols.iter().copied().for_each(put);
        }
    }

    /// Counts the record's primary key, and indexes it when other tables refer to this one.
    fn note_key(&mut self, key_hash: Option<u64>, cells: &[&str], pos: RecordPos) {
        if let Some(h) = key_hash {
            self.pk.check_hash(h);
        }
        if let Some(k) = self.keys.as_mut() {
            let key = cells[self.schema.primary_key[0]];
            if !k.keys.contains_key(key) {
                k.keys.insert(key.to_string(), pos);
                for &c in &self.values {
                    let v = k
                        .values
                        .get_mut(&self.schema.columns[c].name)
                        .expect("made");
                    v.of_key.insert(key.to_string(), cells[c].to_string());
                }
            }
        }
    }
}

/// An empty key index with a place for the cells of each column of `needs.values`.
fn key_index(needs: &Needs, map: &ColumnMap, schema: &Schema) -> KeyIndex {
    let mut k = KeyIndex::default();
    for &c in &needs.values {
        let v = KeyValues {
            field: map.file_index[c],
            of_key: HashMap::new(),
        };
        k.values.insert(schema.columns[c].name.clone(), v);
    }
    k
}

impl<'j> TableValidator<'j> {
    fn open(job: &'j TableJob<'j>) -> Result<TableValidator<'j>> {
        Ok(TableValidator {
            job,
            t: TableCheck {
                schema: job.schema,
                file: display(job.path),
                locator: Locator::new(job.path),
                map: ColumnMap {
                    file_index: vec![None; job.schema.columns.len()],
                    width: 0,
                },
            },
            reader: Some(CsvReader::open(job.path)?),
            out: TableOutcome::default(),
        })
    }

    fn emit_fault(&mut self, f: &CsvFault, emit: &mut Emit<'_>) -> Result<()> {
        self.out.faults += 1;
        emit(self.t.fault(f)).map_err(report_io)
    }

    /// Reads and checks the header (and the byte order mark); false when the file is empty.
    fn header(&mut self, emit: &mut Emit<'_>) -> Result<bool> {
        let reader = self.reader.as_mut().expect("opened");
        let schema = self.job.schema;
        if reader.has_bom {
            emit(self.t.at(
                Some((1, 1)),
                None,
                None,
                "csv/bom",
                "file starts with a byte order mark (BOM)".into(),
                "save the file as UTF-8 without BOM; `aabc fmt` removes it".into(),
            ))
            .map_err(report_io)?;
        }
        let mut record = csv::ByteRecord::new();
        let more = reader
            .read(&mut record)
            .map_err(|e| Error::io(self.job.path, e))?;
        if !more {
            emit(self.t.at(
                Some((1, 1)),
                None,
                None,
                "csv/empty",
                "file is empty: it needs at least the header row".into(),
                format!(
                    "start the file with the header: {}",
                    schema.column_names().collect::<Vec<_>>().join(",")
                ),
            ))
            .map_err(report_io)?;
            return Ok(false);
        }
        let faults = reader.faults().to_vec();
        for f in &faults {
            self.emit_fault(f, emit)?;
        }
        let names = self.header_names(&record, emit)?;
        self.check_names(&names, emit)?;
        Ok(true)
    }

    /// The header's names (a name that is not UTF-8 is reported and read lossily).
    fn header_names(
        &mut self,
        record: &csv::ByteRecord,
        emit: &mut Emit<'_>,
    ) -> Result<Vec<String>> {
        let header_pos = record_pos(record);
        let mut names = Vec::with_capacity(record.len());
        for i in 0..record.len() {
            match std::str::from_utf8(&record[i]) {
                Ok(s) => names.push(s.to_string()),
                Err(e) => {
                    self.out.faults += 1;
                    let p = self.t.utf8_problem(header_pos, i, e.valid_up_to());
                    emit(p).map_err(report_io)?;
                    names.push(String::from_utf8_lossy(&record[i]).into_owned());
                }
            }
        }
        Ok(names)
    }

    /// Maps the header onto the schema's columns and reports what does not fit, each issue
    /// located in the header just read (not read again: a header can be a million columns).
    fn check_names(&mut self, names: &[String], emit: &mut Emit<'_>) -> Result<()> {
        let expected: Vec<&str> = self.job.schema.column_names().collect();
        let actual: Vec<&str> = names.iter().map(String::as_str).collect();
        let (map, issues) = check_header(&expected, &actual);
        self.t.map = map;
        let reader = self.reader.as_ref().expect("opened");
        for issue in issues {
            let at = reader.locate_last_cell(issue.field.unwrap_or(usize::MAX));
            let p = self.t.at(
                Some((at.line, at.column)),
                issue.name,
                None,
                "csv/header",
                issue.message,
                issue.hint,
            );
            emit(p).map_err(report_io)?;
        }
        Ok(())
    }

    /// Reads the rows on one thread while the others check the previous batch; the record
    /// buffers go back to the reader to be reused, so memory stays flat.
    fn read_and_check(
        &mut self,
        rows: &mut RowChecks<'_>,
        emit: &mut Emit<'_>,
        progress: &mut dyn Progress,
    ) -> Result<()> {
        let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Result<Batch>>(2);
        let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Batch>();
        let reader = self.reader.take().expect("opened");
        let path = self.job.path;
        let width = self.t.map.width;
        progress.start(std::fs::metadata(path).map(|m| m.len()).unwrap_or(0));
        let done = std::thread::scope(|scope| -> Result<()> {
            scope.spawn(move || read_batches(reader, width, path, full_tx, empty_rx));
            for batch in full_rx {
                let batch = batch?;
                let last = &batch.records[batch.n - 1];
                progress.set(last.position().byte);
                let verdicts = check_batch(rows, &batch);
                self.report_batch(rows, &batch, verdicts, emit)?;
                let _ = empty_tx.send(batch);
            }
            Ok(())
        });
        progress.finish();
        done
    }

    /// Walks a checked batch in order: reports, and runs the rules that need state.
    fn report_batch(
        &mut self,
        rows: &mut RowChecks<'_>,
        batch: &Batch,
        verdicts: Vec<Verdict>,
        emit: &mut Emit<'_>,
    ) -> Result<()> {
        let schema = rows.schema;
        let mut faults = batch.faults.iter().peekable();
        let mut cells: Vec<&str> = Vec::with_capacity(schema.columns.len());
        let mut findings: Vec<Finding> = Vec::new();
        for (i, (rec, verdict)) in batch.records[..batch.n].iter().zip(verdicts).enumerate() {
            let pos = rec.position();
            self.out.rows += 1;
            let mut faulty = false;
            while let Some((_, f)) = faults.next_if(|(j, _)| *j == i) {
                self.emit_fault(f, emit)?;
                faulty = true;
            }
            if faulty {
                continue;
            }
            let Some((row_findings, key_hash)) = self.checked(schema, pos, verdict, emit)? else {
                continue;
            };
            // Decode the cells this pass needs (all of them when there is something to report).
            rows.decode(rec, !row_findings.is_empty(), &mut cells);
            findings.clear();
            findings.extend(row_findings);
            if rows.sort_ok {
                rows.sort.check(schema, &cells, pos.line, &mut findings);
            }
            rows.refs.check(schema, &cells, &mut findings);
            rows.table.check(schema, &cells, pos.line, &mut findings);
            for t in &mut rows.tallies {
                t.add(schema, &cells);
            }
            for f in findings.drain(..) {
                let map = &rows.map;
                if f.column
                    .is_some_and(|c| cells[c].is_empty() && map.file_index[c].is_some())
                {
                    // A cell not decoded above: decode the whole row for the report.
                    rows.decode(rec, true, &mut cells);
                }
                emit(self.t.finding(pos, &cells, f)).map_err(report_io)?;
            }
            rows.note_key(key_hash, &cells, pos);
        }
        Ok(())
    }

    /// What the parallel part found in a record without structure faults: its findings and
    /// key hash, or `None` when it was not checked (its fault is reported here or was by the
    /// reading thread). A pattern the engine could not finish stops validation.
    fn checked(
        &mut self,
        schema: &Schema,
        pos: RecordPos,
        verdict: Verdict,
        emit: &mut Emit<'_>,
    ) -> Result<Option<(Vec<Finding>, Option<u64>)>> {
        match verdict {
            Verdict::Skip => Ok(None),
            Verdict::Utf8 { field, at } => {
                self.out.faults += 1;
                emit(self.t.utf8_problem(pos, field, at)).map_err(report_io)?;
                Ok(None)
            }
            Verdict::Checked { findings, key_hash } => Ok(Some((findings, key_hash))),
            Verdict::Costly(costly) => {
                let (line, column) = match costly.column {
                    Some(c) => self.t.cell_location(pos, c),
                    None => (pos.line, 1),
                };
                let at = format!("{}:{line}:{column}", path(&self.t.file));
                Err(costly.error(schema, &at))
            }
        }
    }

    /// What needs every row: duplicate keys (confirmed by a second, streamed pass), and the
    /// outcome. Skipped after a structure fault: the rows read are not the rows meant.
    fn finish(mut self, mut rows: RowChecks<'_>, emit: &mut Emit<'_>) -> Result<TableOutcome> {
        let schema = rows.schema;
        if self.out.faults > 0 {
            return Ok(self.out);
        }
        let repeated = rows.pk.repeated();
        if !repeated.is_empty() {
            let again = RowsAgain::open(self.job.path, &self.t.map)?;
            for d in rows.pk.confirm(&repeated, again) {
                let cells: Vec<&str> = d.key.iter().map(String::as_str).collect();
                let mut padded = vec![""; schema.columns.len()];
                for (&c, v) in rows.pk.columns.iter().zip(&cells) {
                    padded[c] = v;
                }
                let f = rows.pk.finding(schema, &d);
                emit(self.t.finding(d.pos, &padded, f)).map_err(report_io)?;
            }
        }
        self.out.keys = rows.keys;
        self.out.used = rows.refs.used;
        self.out.tallies = rows
            .tallies
            .into_iter()
            .map(|t| (schema.columns[t.column].name.clone(), t.rows))
            .collect();
        Ok(self.out)
    }
}

/// The reading thread: fills batches of records (reusing those sent back), with the structure
/// faults of each record, including a field count that differs from the header's.
fn read_batches(
    mut reader: CsvReader<File>,
    width: usize,
    path: &Path,
    full: std::sync::mpsc::SyncSender<Result<Batch>>,
    empty: std::sync::mpsc::Receiver<Batch>,
) {
    loop {
        let mut batch = empty.try_recv().unwrap_or_default();
        batch.n = 0;
        batch.faults.clear();
        while batch.n < BATCH {
            let n = batch.n;
            if n == batch.records.len() {
                batch.records.push(RawRecord::default());
            }
            match reader.read_raw(&mut batch.records[n]) {
                Ok(true) => {
                    let found = batch.records[n].len();
                    let faults = reader.faults();
                    batch.faults.extend(faults.iter().map(|f| (n, f.clone())));
                    if faults.is_empty() && found != width {
                        batch
                            .faults
                            .push((n, reader.field_count_fault(found, width)));
                    }
                    batch.n += 1;
                }
                Ok(false) => break,
                Err(e) => {
                    let _ = full.send(Err(Error::io(path, e)));
                    return;
                }
            }
        }
        let n = batch.n;
        if n > 0 && full.send(Ok(batch)).is_err() {
            return;
        }
        if n < BATCH {
            return;
        }
    }
}

/// The parallel part of a batch: one verdict per record.
fn check_batch(rows: &RowChecks<'_>, batch: &Batch) -> Vec<Verdict> {
    let pk_columns = &rows.pk.columns;
    batch.records[..batch.n]
        .par_iter()
        .map_init(
            || (Vec::new(), Vec::new()),
            |(fields, cells), rec| check_record(rows, pk_columns, rec, fields, cells),
        )
        .collect()
}

/// The parallel part of validation for one record: decoding, JSON Schema (fast test first,
/// full errors only for an invalid row), row rules, and the primary key's hash.
fn check_record<'r>(
    rows: &RowChecks<'_>,
    pk_columns: &[usize],
    rec: &'r RawRecord,
    fields: &mut Vec<&'r str>,
    cells: &mut Vec<&'r str>,
) -> Verdict {
    let (schema, map) = (rows.schema, &rows.map);
    if rec.len() != map.width {
        // Reported by the reading thread.
        return Verdict::Skip;
    }
    fields.clear();
    // One UTF-8 check for the whole record; a field is then a slice of it (a field that does
    // not start and end on character boundaries is checked on its own, to say where).
    let whole = std::str::from_utf8(rec.as_slice()).ok();
    for i in 0..rec.len() {
        let decoded = whole.and_then(|w| w.get(rec.range(i)?));
        match decoded {
            Some(s) => fields.push(s),
            None => match std::str::from_utf8(&rec[i]) {
                Ok(s) => fields.push(s),
                Err(e) => {
                    return Verdict::Utf8 {
                        field: i,
                        at: e.valid_up_to(),
                    }
                }
            },
        }
    }
    map.cells(fields, cells);
    let mut findings = Vec::new();
    let present = &rows.present;
    if !rows.fast.is_valid(schema, cells, present) {
        let row = row_object(schema, cells, Some(present));
        for e in schema.validator().iter_errors(&row) {
            if let Some(costly) = CostlyPattern::of(schema, &e) {
                return Verdict::Costly(costly);
            }
            if let Some(f) = describe::finding(schema, cells, &e) {
                findings.push(f);
            }
        }
    }
    rows.rules
        .check_record(cells, rec.as_slice(), &mut findings);
    let key_hash = (!pk_columns.is_empty()).then(|| PrimaryKey::hash(cells, pk_columns));
    Verdict::Checked { findings, key_hash }
}

/// Every row again, in schema column order, streamed (for the rare second pass).
struct RowsAgain<'m> {
    reader: CsvReader<File>,
    record: csv::ByteRecord,
    map: &'m ColumnMap,
    header_done: bool,
}

impl<'m> RowsAgain<'m> {
    fn open(path: &Path, map: &'m ColumnMap) -> Result<RowsAgain<'m>> {
        let regular = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if !regular.is_file() {
            let why = "the rows share key hashes, and confirming duplicates needs a second read, which a pipe cannot give; save it to a file and validate that";
            let unsupported = std::io::Error::new(std::io::ErrorKind::Unsupported, why);
            return Err(Error::io(path, unsupported));
        }
        Ok(RowsAgain {
            reader: CsvReader::open(path)?,
            record: csv::ByteRecord::new(),
            map,
            header_done: false,
        })
    }
}

impl Iterator for RowsAgain<'_> {
    type Item = (Vec<String>, RecordPos);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            // The file was read whole once already: a read error now ends the pass.
            if !self.reader.read(&mut self.record).ok()? {
                return None;
            }
            if !std::mem::replace(&mut self.header_done, true)
                || self.record.len() != self.map.width
            {
                continue;
            }
            let fields: Vec<String> = self
                .record
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
            let mut cells = Vec::new();
            self.map.cells(&refs, &mut cells);
            return Some((
                cells.iter().map(|s| s.to_string()).collect(),
                record_pos(&self.record),
            ));
        }
    }
}

struct TableCheck<'s> {
    schema: &'s Schema,
    file: String,
    locator: Locator,
    map: ColumnMap,
}

impl TableCheck<'_> {
    fn at(
        &self,
        loc: Option<(u64, u64)>,
        field: Option<String>,
        value: Option<String>,
        rule: &str,
        message: String,
        hint: String,
    ) -> Problem {
        Problem {
            severity: Severity::Error,
            file: self.file.clone(),
            line: loc.map(|l| l.0),
            column: loc.map(|l| l.1),
            field,
            value,
            rule: rule.to_string(),
            message,
            hint,
        }
    }

    fn cell_location(&mut self, pos: RecordPos, column: usize) -> (u64, u64) {
        match self.map.file_index[column] {
            Some(f) => self.locator.locate(pos, f),
            None => (pos.line, 1),
        }
    }

    fn utf8_problem(&mut self, pos: RecordPos, field: usize, valid_up_to: usize) -> Problem {
        let (line, col) = self.locator.locate_content(pos, field, valid_up_to);
        let name = self
            .map
            .file_index
            .iter()
            .position(|&f| f == Some(field))
            .map(|c| self.schema.columns[c].name.clone());
        self.at(
            Some((line, col)),
            name,
            None,
            "csv/utf8",
            format!("invalid UTF-8 byte sequence {valid_up_to} bytes into the cell"),
            "save the file as UTF-8 (it looks like another encoding, such as Windows-1252)".into(),
        )
    }

    fn fault(&self, f: &CsvFault) -> Problem {
        self.at(
            Some((f.at.line, f.at.column)),
            None,
            None,
            f.rule(),
            f.message(),
            f.hint(),
        )
    }

    fn finding(&mut self, pos: RecordPos, cells: &[&str], f: Finding) -> Problem {
        let (loc, field, value) = match f.column {
            Some(c) => (
                self.cell_location(pos, c),
                Some(self.schema.columns[c].name.clone()),
                Some(cells[c].to_string()),
            ),
            None => ((pos.line, 1), None, None),
        };
        let mut p = self.at(Some(loc), field, value, &f.rule, f.message, f.hint);
        p.severity = f.severity;
        p
    }
}
