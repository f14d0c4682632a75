//! Synthetic rows that follow a row schema, for benchmarks and scale tests: deterministic for a
//! seed, valid by construction (every declared rule is satisfied), or with a known share of
//! rows that each break one chosen rule.
//!
//! Values come from the schema only: vocabularies, types, bounds and `examples`; the declared
//! rules (dates, sums, estimates, codes, sort order, keys, unique values) are then satisfied
//! rule kind by rule kind. The rules that read another table (`count`, `equal`) cannot be met
//! by one table drawn alone and are left to the data. Nothing here names a column of this
//! dataset.

mod form;
mod unique;

use crate::error::{Error, Result};
use crate::schema::{ForbidWhen, Item, Kind, RuleSpec, Schema};
use chrono::{Datelike, NaiveDate};
use std::io::Write;

/// SplitMix64: tiny, fast, and its output for a seed never changes across versions, which a
/// benchmark file's reproducibility needs.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p && p > 0.0
    }
}

/// Kinds of damage an invalid row carries (one per invalid row, in turn).
const DAMAGE: [&str; 6] = [
    "sum",
    "date-order",
    "vocabulary",
    "integer",
    "duplicate-key",
    "whitespace",
];

/// What a synthesis run wrote.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    pub rows: u64,
    /// Rows that are not valid: damaged on purpose, or not made valid by the generator.
    pub invalid: u64,
    /// Invalid rows by kind of damage.
    pub by_damage: Vec<(String, u64)>,
    /// Rows the generator could not make valid, by column and keyword they fail (such as
    /// `source_url format uri`), in the order first met.
    pub unmet: Vec<(String, u64)>,
}

impl Stats {
    /// Rows damaged on purpose.
    pub fn invalid_on_purpose(&self) -> u64 {
        self.by_damage.iter().map(|d| d.1).sum()
    }
}

const WORDS: [&str; 16] = [
    "border",
    "village",
    "report",
    "position",
    "ministry",
    "fire",
    "road",
    "talks",
    "statement",
    "soldiers",
    "night",
    "claim",
    "district",
    "heights",
    "mission",
    "corridor",
];

/// A value of an `examples` entry with its last run of digits replaced by `n` (zero-padded to
/// at least the original width): a stable way to mint unique ids of the schema's form.
fn numbered(example: &str, n: u64, min_width: usize) -> Option<String> {
    let end = example.rfind(|c: char| c.is_ascii_digit())? + 1;
    let start = example[..end]
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    let width = (end - start).max(min_width);
    Some(format!(
        "{}{:0width$}{}",
        &example[..start],
        n,
        &example[end..]
    ))
}

fn examples(schema: &Schema, c: usize) -> Vec<String> {
    schema.columns[c]
        .schema
        .get("examples")
        .and_then(|e| e.as_array())
        .into_iter()
        .flatten()
        .map(|v| schema.json_to_cell(c, v))
        .collect()
}

/// Writes `rows` synthetic rows (and the header) as CSV, their dates within `dates`. The bytes
/// depend only on the arguments (no clock), so a seed gives the same file on any day. Every
/// row is checked against the schema before it is written: [`Stats::invalid`] counts the rows
/// that are not valid, those damaged on purpose and those the generator could not make valid
/// ([`Stats::unmet`] names the keywords), so the count it reports is true.
pub fn write<W: Write>(
    schema: &Schema,
    rows: u64,
    seed: u64,
    invalid_rate: f64,
    dates: std::ops::RangeInclusive<NaiveDate>,
    out: W,
) -> Result<Stats> {
    let plan = Plan::new(schema, rows, dates);
    let mut rng = Rng::new(seed);
    let mut w = crate::table::writer(out);
    w.write_record(schema.column_names()).map_err(write_error)?;
    let mut stats = Stats {
        by_damage: DAMAGE.iter().map(|d| (d.to_string(), 0)).collect(),
        ..Stats::default()
    };
    let mut previous_key = String::new();
    let mut day = plan.start;
    let mut cells: Vec<String> = vec![String::new(); schema.columns.len()];
    let mut uniques = unique::Uniques::new(schema);
    for i in 0..rows {
        // Dates advance slowly so that rows stay in canonical order.
        if rng.chance(plan.advance) && day < plan.last {
            day = day.succ_opt().unwrap_or(day);
        }
        plan.draw(&mut cells, &mut rng, day, i);
        uniques.fix(schema, &mut cells, &mut rng, day);
        let mut unmet = plan.make_valid(&mut cells, &mut rng);
        unmet.extend(uniques.note(schema, &cells));
        let damaged = invalid_rate > 0.0
            && rng.chance(invalid_rate)
            && plan.damage(&mut cells, &mut stats, &previous_key);
        stats.count(unmet, damaged);
        if let Some(k) = plan.pk {
            previous_key.clone_from(&cells[k]);
        }
        w.write_record(&cells).map_err(write_error)?;
    }
    w.flush().map_err(|e| Error::io("output", e))?;
    Ok(stats)
}

/// An error of the CSV writer: an I/O error keeps its kind, so that a closed pipe or a full
/// disk is recognised above.
fn write_error(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => Error::io("output", e),
        other => Error::io("output", std::io::Error::other(format!("{other:?}"))),
    }
}

impl Stats {
    /// Counts a row written: invalid when the generator could not make it valid (`unmet`
    /// names the keywords it fails) or when it was damaged on purpose.
    fn count(&mut self, unmet: Vec<String>, damaged: bool) {
        self.rows += 1;
        if damaged || !unmet.is_empty() {
            self.invalid += 1;
        }
        for keyword in unmet {
            match self.unmet.iter_mut().find(|(k, _)| *k == keyword) {
                Some((_, n)) => *n += 1,
                None => self.unmet.push((keyword, 1)),
            }
        }
    }
}

/// What every row of a run shares, worked out once from the schema and the arguments.
struct Plan<'s> {
    schema: &'s Schema,
    fast: crate::validate::fastpath::FastSchema,
    /// Every cell of a synthetic row is present (for the fast check).
    all_present: Vec<bool>,
    pk: Option<usize>,
    /// The example ids are minted from, and the width of their number: one width for all
    /// ids, so that text order is number order.
    id_example: Option<String>,
    id_width: usize,
    date_rules: Vec<&'s RuleSpec>,
    sort_date: Option<usize>,
    start: NaiveDate,
    end: NaiveDate,
    /// The last day a row starts on: a month before the end, so that a row of month precision
    /// (it ends on the month's last day) or of a few days still ends by then.
    last: NaiveDate,
    /// The chance that the next row starts a day later, to spread the rows over the days.
    advance: f64,
}

impl<'s> Plan<'s> {
    fn new(schema: &'s Schema, rows: u64, dates: std::ops::RangeInclusive<NaiveDate>) -> Self {
        let pk: Option<usize> = schema.primary_key.first().copied();
        let date_rules = (schema.rules.iter())
            .filter(|r| {
                matches!(
                    r,
                    RuleSpec::DatePrecision { .. } | RuleSpec::DateOrder { .. }
                )
            })
            .collect();
        let sort_date =
            (schema.sort_key.iter().copied()).find(|&c| schema.columns[c].kind == Kind::Date);
        let (start, end) = (*dates.start(), *dates.end());
        let last = (end - chrono::Days::new(31)).max(start);
        let span = (last - start).num_days().max(1) as f64;
        Plan {
            schema,
            fast: crate::validate::fastpath::FastSchema::new(schema),
            all_present: vec![true; schema.columns.len()],
            pk,
            id_example: pk.and_then(|k| examples(schema, k).into_iter().next()),
            id_width: rows.to_string().len(),
            date_rules,
            sort_date,
            start,
            end,
            last,
            advance: (span / rows.max(1) as f64).min(1.0) * 0.9,
        }
    }

    /// Draws the cells of row `i` (0-based) starting on `day`, then makes the declared rules
    /// hold.
    fn draw(&self, cells: &mut [String], rng: &mut Rng, day: NaiveDate, i: u64) {
        let schema = self.schema;
        for (c, cell) in cells.iter_mut().enumerate() {
            *cell = value(schema, c, rng, day);
        }
        if let Some(k) = self.pk.filter(|&k| schema.columns[k].kind == Kind::Integer) {
            // An integer key is written canonically (no zero padding), from its minimum.
            let first = schema.columns[k].bounds().0.map_or(1, |m| m.ceil() as i64);
            cells[k] = first.saturating_add(i as i64).to_string();
        } else if let Some(k) = self.pk {
            let width = self.id_width;
            cells[k] = (self.id_example.as_deref())
                .map(|e| {
                    numbered(e, i + 1, width).unwrap_or_else(|| format!("{e}-{:0width$}", i + 1))
                })
                .unwrap_or_else(|| format!("{:0width$}", i + 1));
        }
        if let Some(d) = self.sort_date {
            cells[d] = day.to_string();
        }
        satisfy(cells, &self.date_rules, rng, day..=self.end);
        for r in &schema.rules {
            satisfy_other(schema, r, cells, rng, day);
        }
    }

    /// Constraints the rules do not cover (conditionals between columns): draws the failing
    /// vocabulary cells again until the row is valid. The keywords the row still fails after
    /// that (none for a valid row).
    fn make_valid(&self, cells: &mut [String], rng: &mut Rng) -> Vec<String> {
        for _ in 0..64 {
            if self.is_valid(cells) {
                return Vec::new();
            }
            self.redraw(cells, rng);
        }
        if self.is_valid(cells) {
            return Vec::new();
        }
        let row = row_json(self.schema, cells);
        let mut unmet: Vec<String> = (self.schema.validator().iter_errors(&row))
            .map(|e| unmet_keyword(self.schema, &e))
            .collect();
        unmet.dedup();
        unmet
    }

    fn is_valid(&self, cells: &[String]) -> bool {
        let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
        self.fast.is_valid(self.schema, &refs, &self.all_present)
    }

    /// Draws again each cell the schema refuses that has a list of allowed values.
    fn redraw(&self, cells: &mut [String], rng: &mut Rng) {
        let schema = self.schema;
        let row = row_json(schema, cells);
        for e in schema.validator().iter_errors(&row) {
            let Some(c) = schema.error_column(&e) else {
                continue;
            };
            // An `enum` says what is allowed here; otherwise draw from the vocabulary again.
            let options: Vec<String> = match e.kind() {
                jsonschema::error::ValidationErrorKind::Enum { options } => options
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
                _ => schema.columns[c]
                    .terms
                    .iter()
                    .flatten()
                    .map(|t| t.value.clone())
                    .collect(),
            };
            if !options.is_empty() {
                cells[c] = options[rng.below(options.len() as u64) as usize].clone();
            }
        }
    }

    /// Breaks the next rule in turn in a valid row, and counts it; false when the schema
    /// offers no way to break that rule.
    fn damage(&self, cells: &mut [String], stats: &mut Stats, previous_key: &str) -> bool {
        let d = (stats.invalid_on_purpose() as usize) % DAMAGE.len();
        let done = damage(self.schema, DAMAGE[d], cells, previous_key, self.pk);
        if done {
            stats.by_damage[d].1 += 1;
        }
        done
    }
}

/// A keyword a row fails, as the summary names it: the column and the keyword (with the
/// format, for `format`).
fn unmet_keyword(schema: &Schema, e: &jsonschema::ValidationError<'_>) -> String {
    let column = schema
        .error_column(e)
        .map_or("(row)", |c| schema.columns[c].name.as_str());
    match e.kind() {
        jsonschema::error::ValidationErrorKind::Format { format } => {
            format!("{column} format {format}")
        }
        kind => format!("{column} {}", kind.keyword()),
    }
}

fn row_json(schema: &Schema, cells: &[String]) -> serde_json::Value {
    serde_json::Value::Object(
        schema
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.clone(), schema.cell_to_json(i, &cells[i])))
            .collect(),
    )
}

/// A random valid value for a column, before rules are applied.
fn value(schema: &Schema, c: usize, rng: &mut Rng, day: NaiveDate) -> String {
    if schema.columns[c].nullable && rng.chance(0.6) {
        return String::new();
    }
    filled(schema, c, rng, day)
}

/// A random value for a column that is not blank (unless the column's form cannot be
/// generated and it may be blank).
fn filled(schema: &Schema, c: usize, rng: &mut Rng, day: NaiveDate) -> String {
    let col = &schema.columns[c];
    if let Some(terms) = &col.terms {
        let value = terms[rng.below(terms.len() as u64) as usize].value.as_str();
        // A boolean vocabulary's values read `true`/`false`; the cell takes the column's spelling.
        return match col.kind {
            Kind::Boolean => col.booleans.write(value == "true"),
            _ => value,
        }
        .to_string();
    }
    match col.kind {
        // A number with two decimals, so that float columns hold fractions.
        Kind::Number => match small_range(col.bounds()) {
            Some((lo, hi)) if lo < hi => {
                let (lo, hi) = (i128::from(lo) * 100, i128::from(hi) * 100);
                let n = lo + i128::from(rng.below((hi - lo) as u64 + 1));
                let sign = if n < 0 { "-" } else { "" };
                format!("{sign}{}.{:02}", n.abs() / 100, n.abs() % 100)
            }
            Some((lo, _)) => lo.to_string(),
            None => {
                let (min, max) = col.bounds();
                let (a, b) = (min.unwrap_or(0.0), max.unwrap_or(0.0));
                serde_json::Value::from((a + b) / 2.0).to_string()
            }
        },
        Kind::Integer => match small_range(col.bounds()) {
            // `hi - lo` fits: the range is at most 21 wide.
            Some((lo, hi)) => (lo + rng.below(hi.abs_diff(lo) + 1) as i64).to_string(),
            // No whole number in a number column's bounds (the schema refuses such an integer
            // column): the middle of the bounds.
            None => {
                let (min, max) = col.bounds();
                let (a, b) = (min.unwrap_or(0.0), max.unwrap_or(0.0));
                serde_json::Value::from((a + b) / 2.0).to_string()
            }
        },
        Kind::Boolean => col.booleans.write(rng.chance(0.5)).to_string(),
        Kind::Date => day.to_string(),
        Kind::List(Item::String) if col.item_terms.is_none() => text(schema, c, rng, day),
        Kind::List(_) => {
            let ex = examples(schema, c);
            if !ex.is_empty() {
                return ex[rng.below(ex.len() as u64) as usize].clone();
            }
            let values: Vec<String> = match &col.item_terms {
                Some(terms) => terms.iter().map(|t| t.value.clone()).collect(),
                None => {
                    let items = col.schema.get("items").unwrap_or(&serde_json::Value::Null);
                    let get = |k: &str| items.get(k).and_then(|v| v.as_f64());
                    let (lo, hi) = small_range((get("minimum"), get("maximum"))).unwrap_or((0, 0));
                    (lo..=hi).map(|n| n.to_string()).collect()
                }
            };
            list_of(col, &values, rng)
        }
        Kind::String => text(schema, c, rng, day),
    }
}

/// A list cell of one to three of `values` (as many as `minItems` asks, within `maxItems`),
/// without repeats, in a random order.
fn list_of(col: &crate::schema::Column, values: &[String], rng: &mut Rng) -> String {
    let get = |k: &str| col.schema.get(k).and_then(|v| v.as_u64());
    let least = get("minItems").unwrap_or(1).max(1);
    let most = get("maxItems").unwrap_or(u64::MAX).max(least);
    let n = (least + rng.below(3)).min(most).min(values.len() as u64);
    let mut pool = values.to_vec();
    let mut out = Vec::new();
    for _ in 0..n.max(1) {
        if pool.is_empty() {
            break;
        }
        out.push(pool.swap_remove(rng.below(pool.len() as u64) as usize));
    }
    out.join(&col.delimiter)
}

/// A value for a string column (or a list of strings without a vocabulary): an example, the
/// constant, a value of its pattern or format, or words.
fn text(schema: &Schema, c: usize, rng: &mut Rng, day: NaiveDate) -> String {
    let col = &schema.columns[c];
    let ex = examples(schema, c);
    if !ex.is_empty() {
        return ex[rng.below(ex.len() as u64) as usize].clone();
    }
    if let Some(s) = col.schema.get("const").and_then(|v| v.as_str()) {
        return s.to_string();
    }
    let pattern = col.schema.get("pattern").and_then(|v| v.as_str());
    let format = col.schema.get("format").and_then(|v| v.as_str());
    if pattern.is_some() || format.is_some() {
        // A blank is always of the form, where allowed; otherwise a value of the form
        // is generated, or, failing that, a placeholder the row's check then names.
        if col.nullable {
            return String::new();
        }
        return (pattern.map(|p| form::matching(p, rng)))
            .unwrap_or_else(|| format.and_then(|f| form::formatted(f, rng, day)))
            .unwrap_or_else(|| "x".into());
    }
    let max = col
        .schema
        .get("maxLength")
        .and_then(|v| v.as_u64())
        .unwrap_or(200) as usize;
    let words = 1 + rng.below(12) as usize;
    let mut s = String::new();
    for k in 0..words {
        if k > 0 {
            s.push(' ');
        }
        s.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
    }
    s.truncate(max);
    s.trim_end().to_string()
}

/// A small range of whole numbers inside a column's bounds (from its `minimum`, or from 0 when
/// allowed; at most 21 values), or `None` when the bounds hold no whole number.
fn small_range((min, max): (Option<f64>, Option<f64>)) -> Option<(i64, i64)> {
    let clamp = |x: f64| x.clamp(i64::MIN as f64, i64::MAX as f64) as i64;
    let lo = match (min, max) {
        (Some(a), _) => clamp(a.ceil()),
        (None, Some(b)) => clamp(b.floor()).min(0),
        (None, None) => 0,
    };
    let hi = max.map_or(i64::MAX, |b| clamp(b.floor()));
    (lo <= hi).then(|| (lo, hi.min(lo.saturating_add(20))))
}

/// Makes the date rules hold: precision, then order. A row starts on `days.start()` and ends
/// by `days.end()`.
fn satisfy(
    cells: &mut [String],
    rules: &[&RuleSpec],
    rng: &mut Rng,
    days: std::ops::RangeInclusive<NaiveDate>,
) {
    let (day, last) = (*days.start(), *days.end());
    for r in rules {
        match r {
            RuleSpec::DatePrecision {
                start,
                end,
                precision,
                ..
            } => {
                let p = cells[*precision].clone();
                match p.as_str() {
                    "month" => {
                        let first = day.with_day(1).expect("day 1");
                        cells[*start] = first.to_string();
                        let next = if first.month() == 12 {
                            NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
                        } else {
                            NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
                        };
                        let month_end = next.expect("valid") - chrono::Days::new(1);
                        cells[*end] = month_end.to_string();
                        // Keep the sort order (a month-precision row sorts at the first of the
                        // month) and the end of the range.
                        if first < day || month_end > last {
                            cells[*precision] = "day".into();
                            cells[*start] = day.to_string();
                            cells[*end] = day.to_string();
                        }
                    }
                    "year" => {
                        cells[*precision] = "day".into();
                        cells[*start] = day.to_string();
                        cells[*end] = day.to_string();
                    }
                    _ => {
                        cells[*start] = day.to_string();
                        cells[*end] = (day + chrono::Days::new(rng.below(3)))
                            .min(last.max(day))
                            .to_string();
                    }
                }
            }
            RuleSpec::DateOrder { start, end, .. } if cells[*end] < cells[*start] => {
                cells[*end] = cells[*start].clone();
            }
            _ => {}
        }
    }
}

/// A value for a column a rule requires: a term of its vocabulary, or a filled cell.
fn some_value(schema: &Schema, field: usize, rng: &mut Rng, day: NaiveDate) -> String {
    match &schema.columns[field].terms {
        Some(t) => t[rng.below(t.len() as u64) as usize].value.clone(),
        None => filled(schema, field, rng, day),
    }
}

fn satisfy_other(
    schema: &Schema,
    r: &RuleSpec,
    cells: &mut [String],
    rng: &mut Rng,
    day: NaiveDate,
) {
    match r {
        RuleSpec::Sum { total, parts, .. } => {
            let given: Vec<i64> = parts
                .iter()
                .filter_map(|&p| cells[p].parse().ok())
                .collect();
            let sum = given.iter().try_fold(0i64, |a, &b| a.checked_add(b));
            cells[*total] = match sum {
                _ if given.is_empty() => String::new(),
                Some(sum) => sum.to_string(),
                // Parts near the 64-bit limit: keep the first given part only.
                None => {
                    let keep = parts
                        .iter()
                        .copied()
                        .find(|&p| cells[p].parse::<i64>().is_ok());
                    for &p in parts {
                        if Some(p) != keep {
                            cells[p].clear();
                        }
                    }
                    keep.map(|k| cells[k].clone()).unwrap_or_default()
                }
            };
        }
        RuleSpec::PresentIffAny { field, any, .. } => {
            let figures = any.iter().any(|&c| !cells[c].is_empty());
            cells[*field] = match figures {
                true => some_value(schema, *field, rng, day),
                false => String::new(),
            };
        }
        RuleSpec::PresentIfAny { field, any, .. }
            if cells[*field].is_empty() && any.iter().any(|&c| !cells[c].is_empty()) =>
        {
            cells[*field] = some_value(schema, *field, rng, day);
        }
        RuleSpec::OnlyWhen {
            fields,
            column,
            values,
            ..
        } if !values.contains(&cells[*column]) => {
            for &f in fields {
                cells[f].clear();
            }
        }
        RuleSpec::CodePrefix {
            field,
            prefix,
            separator,
            ..
        } => {
            if let Some((head, _)) = cells[*field].split_once(separator.as_str()) {
                let head = head.to_string();
                let pcol = &schema.columns[*prefix];
                let allowed = pcol
                    .terms
                    .as_ref()
                    .is_none_or(|t| t.iter().any(|x| x.value == head));
                if allowed {
                    cells[*prefix] = head;
                } else {
                    cells[*field] = String::new();
                }
            } else if !cells[*field].is_empty() {
                cells[*field] = String::new();
            }
        }
        RuleSpec::TitleOf { field, code, .. } => {
            cells[*field] = schema.columns[*code]
                .title_of(&cells[*code])
                .map(str::to_string)
                .unwrap_or_default();
        }
        RuleSpec::ForbidWhen(f) if f.breaks(cells) => unpair(schema, f, cells, rng, day),
        _ => {}
    }
}

/// Mends a row that pairs a forbidden `then` value with an `if` value: blanks one of the two
/// cells where a blank is allowed and not itself forbidden, or else draws the `then` cell
/// again until it is not forbidden.
fn unpair(schema: &Schema, f: &ForbidWhen, cells: &mut [String], rng: &mut Rng, day: NaiveDate) {
    let (a, a_values, b, b_values) = (f.if_column, &f.if_values, f.then_column, &f.then_values);
    let blank = |c: usize, forbidden: &[String]| {
        schema.columns[c].nullable && !forbidden.iter().any(String::is_empty)
    };
    if blank(b, b_values) {
        cells[b].clear();
    } else if blank(a, a_values) {
        cells[a].clear();
    } else {
        for _ in 0..16 {
            cells[b] = some_value(schema, b, rng, day);
            if !b_values.contains(&cells[b]) {
                break;
            }
        }
    }
}

/// Breaks one rule in a valid row; false when the schema offers no way to.
fn damage(
    schema: &Schema,
    kind: &str,
    cells: &mut [String],
    previous_key: &str,
    pk: Option<usize>,
) -> bool {
    let find = |f: &dyn Fn(&RuleSpec) -> Option<(usize, usize)>| schema.rules.iter().find_map(f);
    match kind {
        "sum" => match find(&|r| match r {
            RuleSpec::Sum { total, parts, .. } => Some((*total, *parts.first()?)),
            _ => None,
        }) {
            Some((total, part)) => {
                let p: i64 = cells[part].parse().unwrap_or(0);
                cells[part] = p.checked_add(1).unwrap_or(p - 1).to_string();
                cells[total] = if cells[total].is_empty() {
                    "0".into()
                } else {
                    cells[total].clone()
                };
                true
            }
            None => false,
        },
        "date-order" => match find(&|r| match r {
            RuleSpec::DateOrder { start, end, .. } => Some((*start, *end)),
            _ => None,
        }) {
            Some((start, end)) => {
                if let Ok(d) = NaiveDate::parse_from_str(&cells[start], "%Y-%m-%d") {
                    cells[end] = (d - chrono::Days::new(1)).to_string();
                }
                true
            }
            None => false,
        },
        "vocabulary" => match schema
            .columns
            .iter()
            .position(|c| c.terms.is_some() && !c.nullable)
        {
            Some(c) => {
                cells[c] = "not_a_value".into();
                true
            }
            None => false,
        },
        "integer" => match schema.columns.iter().position(|c| c.kind == Kind::Integer) {
            Some(c) => {
                cells[c] = "many".into();
                true
            }
            None => false,
        },
        "duplicate-key" => match pk {
            Some(k) if !previous_key.is_empty() => {
                cells[k] = previous_key.to_string();
                true
            }
            _ => false,
        },
        _ => {
            // A free-text column, a required one first (a nullable one may be blank: it gets a
            // word with a leading space).
            let free = |c: &crate::schema::Column| {
                c.kind == Kind::String && c.terms.is_none() && c.schema.get("pattern").is_none()
            };
            let found = (schema.columns.iter())
                .position(|c| free(c) && !c.nullable)
                .or_else(|| schema.columns.iter().position(free));
            match found {
                Some(c) if cells[c].is_empty() => {
                    cells[c] = format!(" {}", WORDS[0]);
                    true
                }
                Some(c) => {
                    cells[c] = format!(" {}", cells[c]);
                    true
                }
                None => false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_minted_from_examples() {
        assert_eq!(numbered("AABC-0001", 42, 1).as_deref(), Some("AABC-0042"));
        assert_eq!(
            numbered("AABC-0001", 42, 7).as_deref(),
            Some("AABC-0000042")
        );
        assert_eq!(numbered("S004", 7, 1).as_deref(), Some("S007"));
        assert_eq!(numbered("abc", 7, 1), None);
    }

    #[test]
    fn the_generator_is_deterministic() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        let xs: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_eq!(Rng::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    }
}
