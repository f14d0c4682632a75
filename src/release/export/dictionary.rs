//! Parquet files whose vocabulary columns carry the full vocabulary, in codebook order, in the
//! dictionary page of every column chunk (release format 2 on, and `aabc export`), and, from
//! release format 6, so do the items of list columns with a string vocabulary.
//!
//! arrow-rs builds a chunk's dictionary from the values it meets, in the order it meets them,
//! through an encoder it keeps private: categories without rows vanish and the order is the
//! data's. Readers that turn a Parquet dictionary into a categorical (pyarrow, pandas,
//! arrow-rs) take that dictionary as the category set. So this writer lets arrow-rs encode
//! every other column, and encodes each vocabulary column chunk itself: a PLAIN dictionary page
//! holding every term of the column's vocabulary in codebook order, then data pages (format
//! v1) of RLE_DICTIONARY indices into it, with RLE repetition levels for a list and RLE
//! definition levels for a nullable column or a list; pages are ZSTD-compressed like the rest
//! of the file, and the chunk carries min/max statistics and an offset index. A vocabulary
//! column is a flat string column or a list of strings, so one column, one leaf, one chunk per
//! row group.

use crate::schema::{Column, Schema, Term};
use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType, Field, Int32Type, SchemaRef};
use arrow::record_batch::RecordBatch;
use bytes::Bytes;
use parquet::arrow::arrow_writer::{compute_leaves, ArrowColumnWriter, ArrowRowGroupWriterFactory};
use parquet::arrow::{add_encoded_arrow_schema_to_metadata, ArrowSchemaConverter};
use parquet::basic::{Compression, Encoding, PageType};
use parquet::column::page::{CompressedPage, Page, PageWriter};
use parquet::column::writer::ColumnCloseResult;
use parquet::data_type::ByteArray;
use parquet::errors::ParquetError;
use parquet::file::metadata::{ColumnChunkMetaData, KeyValue, PageEncodingStats};
use parquet::file::page_index::offset_index::{OffsetIndexMetaData, PageLocation};
use parquet::file::properties::WriterProperties;
use parquet::file::statistics::{Statistics, ValueStatistics};
use parquet::file::writer::{SerializedFileWriter, SerializedPageWriter, TrackedWrite};
use parquet::schema::types::ColumnDescPtr;
use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

/// Rows per data page of a vocabulary column (arrow-rs's default page row limit).
const PAGE_ROWS: usize = 20_000;

type PqResult<T> = std::result::Result<T, ParquetError>;

/// A vocabulary: its terms in codebook order, and each term's index.
struct Vocabulary {
    terms: Vec<String>,
    index: HashMap<String, u32>,
}

/// The vocabulary column `c` is written as a dictionary of, given its Arrow field: a string
/// vocabulary (an integer one stays an integer column), or the items' of a list whose items
/// are a dictionary.
fn dictionary_terms<'c>(c: &'c Column, field: &Field) -> Option<&'c [Term]> {
    match field.data_type() {
        DataType::Dictionary(..) => c.terms.as_deref(),
        DataType::List(f) if matches!(f.data_type(), DataType::Dictionary(..)) => {
            c.item_terms.as_deref()
        }
        _ => None,
    }
}

/// The vocabulary of every Arrow field (`None` for a column that is not a dictionary).
fn vocabularies(schema: &Schema, aschema: &SchemaRef) -> Vec<Option<Arc<Vocabulary>>> {
    schema
        .columns
        .iter()
        .zip(aschema.fields())
        .map(|(c, f)| {
            dictionary_terms(c, f).map(|terms| {
                let terms: Vec<String> = terms.iter().map(|t| t.value.clone()).collect();
                let index = terms
                    .iter()
                    .enumerate()
                    .map(|(i, t)| (t.clone(), i as u32))
                    .collect();
                Arc::new(Vocabulary { terms, index })
            })
        })
        .collect()
}

/// Whether a table, with its Arrow schema, has a column written as a dictionary of its
/// vocabulary (this writer is only needed then).
pub fn has_vocabulary(schema: &Schema, aschema: &SchemaRef) -> bool {
    vocabularies(schema, aschema).iter().any(Option::is_some)
}

/// A Parquet writer with the interface of arrow-rs's `ArrowWriter` (write batches, add
/// key-values, close) whose vocabulary columns carry their full vocabulary.
pub struct Writer<W: Write + Send> {
    file: SerializedFileWriter<W>,
    factory: ArrowRowGroupWriterFactory,
    schema: SchemaRef,
    /// Per Arrow field.
    vocabularies: Vec<Option<Arc<Vocabulary>>>,
    /// Per Parquet leaf, its Arrow field.
    roots: Vec<usize>,
    max_rows: usize,
    group: Option<Group>,
    /// Row groups written.
    groups: usize,
}

/// The row group being encoded: one encoder per leaf.
struct Group {
    leaves: Vec<Leaf>,
    rows: usize,
}

enum Leaf {
    Arrow(Box<ArrowColumnWriter>),
    Vocabulary(Chunk),
}

impl<W: Write + Send> Writer<W> {
    /// A writer of `table`'s rows (its Arrow schema `schema`) with `props`; the encoded Arrow
    /// schema is added to the file's key-values, as `ArrowWriter` does.
    pub fn try_new(
        out: W,
        table: &Schema,
        schema: SchemaRef,
        mut props: WriterProperties,
    ) -> PqResult<Self> {
        let parquet = ArrowSchemaConverter::new()
            .with_coerce_types(props.coerce_types())
            .convert(&schema)?;
        add_encoded_arrow_schema_to_metadata(&schema, &mut props);
        let max_rows = props.max_row_group_row_count().unwrap_or(usize::MAX);
        let file = SerializedFileWriter::new(out, parquet.root_schema_ptr(), Arc::new(props))?;
        let factory = ArrowRowGroupWriterFactory::new(&file, schema.clone());
        let descr = file.schema_descr();
        let roots = (0..descr.num_columns())
            .map(|leaf| descr.get_column_root_idx(leaf))
            .collect();
        let vocabularies = vocabularies(table, &schema);
        Ok(Writer {
            file,
            factory,
            schema,
            vocabularies,
            roots,
            max_rows,
            group: None,
            groups: 0,
        })
    }

    fn open_group(&self) -> PqResult<Group> {
        let writers = self.factory.create_column_writers(self.groups)?;
        let descr = self.file.schema_descr();
        let leaves = writers
            .into_iter()
            .enumerate()
            .map(|(leaf, w)| match &self.vocabularies[self.roots[leaf]] {
                Some(v) => Leaf::Vocabulary(Chunk::new(descr.column(leaf), v.clone())),
                None => Leaf::Arrow(Box::new(w)),
            })
            .collect();
        Ok(Group { leaves, rows: 0 })
    }

    /// Encodes a batch, starting a new row group every `max_row_group_row_count` rows.
    pub fn write(&mut self, batch: &RecordBatch) -> PqResult<()> {
        let mut offset = 0;
        while offset < batch.num_rows() {
            if self.group.is_none() {
                self.group = Some(self.open_group()?);
            }
            let group = self.group.as_mut().expect("opened");
            let n = (self.max_rows - group.rows).min(batch.num_rows() - offset);
            let part = batch.slice(offset, n);
            let mut leaves = group.leaves.iter_mut();
            for (i, field) in self.schema.fields().iter().enumerate() {
                let column = part.column(i);
                if self.vocabularies[i].is_some() {
                    match leaves.next() {
                        Some(Leaf::Vocabulary(chunk)) => chunk.write(column)?,
                        _ => unreachable!("a vocabulary column is one leaf"),
                    }
                    continue;
                }
                for leaf in compute_leaves(field, column)? {
                    match leaves.next() {
                        Some(Leaf::Arrow(w)) => w.write(&leaf)?,
                        _ => unreachable!("one writer per leaf"),
                    }
                }
            }
            group.rows += n;
            offset += n;
            if group.rows >= self.max_rows {
                self.flush()?;
            }
        }
        Ok(())
    }

    /// Writes the row group in progress, if any.
    fn flush(&mut self) -> PqResult<()> {
        let Some(group) = self.group.take() else {
            return Ok(());
        };
        let props = self.file.properties().clone();
        let mut rg = self.file.next_row_group()?;
        for leaf in group.leaves {
            match leaf {
                Leaf::Arrow(w) => w.close()?.append_to_row_group(&mut rg)?,
                Leaf::Vocabulary(chunk) => {
                    let compression = props.compression(chunk.descr.path());
                    let (bytes, close) = chunk.close(compression)?;
                    rg.append_column(&bytes, close)?;
                }
            }
        }
        rg.close()?;
        self.groups += 1;
        Ok(())
    }

    pub fn append_key_value_metadata(&mut self, kv: KeyValue) {
        self.file.append_key_value_metadata(kv)
    }

    /// Writes the last row group and the footer; returns the output.
    pub fn into_inner(mut self) -> PqResult<W> {
        self.flush()?;
        self.file.into_inner()
    }
}

/// One vocabulary column chunk being encoded: dictionary indices (codebook order) of the
/// values, and the levels of every entry (a row of a flat column; an item, or a blank or empty
/// list, of a list column).
struct Chunk {
    descr: ColumnDescPtr,
    vocabulary: Arc<Vocabulary>,
    /// Per entry, its definition level, when the column has them (nullable, or a list): the
    /// leaf's maximum when it holds a value.
    defs: Vec<u32>,
    /// Per entry, its repetition level, for a list: 0 where a row starts.
    reps: Vec<u32>,
    indices: Vec<u32>,
    /// Which terms occur (for min/max).
    seen: Vec<bool>,
    rows: usize,
    /// Entries without a value (blank cells).
    nulls: u64,
}

impl Chunk {
    fn new(descr: ColumnDescPtr, vocabulary: Arc<Vocabulary>) -> Chunk {
        let seen = vec![false; vocabulary.terms.len()];
        Chunk {
            descr,
            vocabulary,
            defs: Vec::new(),
            reps: Vec::new(),
            indices: Vec::new(),
            seen,
            rows: 0,
            nulls: 0,
        }
    }

    /// Appends a column of a batch: a dictionary array of strings, or a list of them, whose own
    /// dictionary (the values of the batch, in order of appearance) is mapped to the
    /// vocabulary.
    fn write(&mut self, column: &dyn Array) -> PqResult<()> {
        if let Some(list) = column.as_list_opt::<i32>() {
            return self.write_list(list);
        }
        let dict = self.dictionary(column)?;
        let map = self.map(dict)?;
        let keys = dict.keys();
        let nullable = self.descr.max_def_level() > 0;
        for r in 0..keys.len() {
            if keys.is_null(r) {
                if !nullable {
                    return Err(self.blank_in_required());
                }
                self.defs.push(0);
                self.nulls += 1;
            } else {
                self.value(map[keys.value(r) as usize]);
                if nullable {
                    self.defs.push(1);
                }
            }
        }
        self.rows += keys.len();
        Ok(())
    }

    /// Appends a list column: one entry per item, or one for a blank (or empty) list.
    fn write_list(&mut self, list: &arrow::array::ListArray) -> PqResult<()> {
        let dict = self.dictionary(list.values().as_ref())?;
        let map = self.map(dict)?;
        let keys = dict.keys();
        let max = self.descr.max_def_level() as u32;
        let offsets = list.value_offsets();
        for r in 0..list.len() {
            let (start, end) = (offsets[r] as usize, offsets[r + 1] as usize);
            if list.is_null(r) || start == end {
                // A list that may be blank has two levels above its items.
                if list.is_null(r) && max < 2 {
                    return Err(self.blank_in_required());
                }
                // A blank list is undefined at the list; an empty one at its items.
                self.defs.push(if list.is_null(r) { 0 } else { max - 1 });
                self.reps.push(0);
                self.nulls += 1;
                continue;
            }
            for k in start..end {
                self.value(map[keys.value(k) as usize]);
                self.defs.push(max);
                self.reps.push(u32::from(k > start));
            }
        }
        self.rows += list.len();
        Ok(())
    }

    /// Records one value by its index in the vocabulary.
    fn value(&mut self, i: u32) {
        self.seen[i as usize] = true;
        self.indices.push(i);
    }

    fn dictionary<'a>(
        &self,
        column: &'a dyn Array,
    ) -> PqResult<&'a arrow::array::DictionaryArray<Int32Type>> {
        column
            .as_dictionary_opt::<Int32Type>()
            .ok_or_else(|| ParquetError::General("a vocabulary column is not a dictionary".into()))
    }

    /// The index in the vocabulary of each value of a batch's dictionary.
    fn map(&self, dict: &arrow::array::DictionaryArray<Int32Type>) -> PqResult<Vec<u32>> {
        let values = dict.values().as_string::<i32>();
        (0..values.len())
            .map(|i| {
                let v = values.value(i);
                self.vocabulary.index.get(v).copied().ok_or_else(|| {
                    ParquetError::General(format!(
                        "column {}: {v:?} is not a value of its vocabulary (validate the table first)",
                        self.descr.name()
                    ))
                })
            })
            .collect()
    }

    fn blank_in_required(&self) -> ParquetError {
        ParquetError::General(format!(
            "column {}: a blank in a required column",
            self.descr.name()
        ))
    }

    /// Where each row's entries start, and the end: rows + 1 offsets into the entries.
    fn row_starts(&self) -> Vec<usize> {
        if self.reps.is_empty() {
            return (0..=self.rows).collect();
        }
        let mut starts: Vec<usize> = (0..self.reps.len())
            .filter(|&e| self.reps[e] == 0)
            .collect();
        starts.push(self.reps.len());
        starts
    }

    /// The chunk's bytes (pages with their headers, the dictionary page first) and what the
    /// row group needs to append them.
    fn close(self, compression: Compression) -> PqResult<(Bytes, ColumnCloseResult)> {
        let mut sink = TrackedWrite::new(Vec::new());
        let mut pages = SerializedPageWriter::new(&mut sink);
        let terms = &self.vocabulary.terms;
        let mut compressed = 0i64;
        let mut uncompressed = 0i64;

        let mut plain = Vec::new();
        for t in terms {
            plain.extend_from_slice(&(t.len() as u32).to_le_bytes());
            plain.extend_from_slice(t.as_bytes());
        }
        let (buf, raw) = compress(plain, compression)?;
        let spec = pages.write_page(CompressedPage::new(
            Page::DictionaryPage {
                buf,
                num_values: terms.len() as u32,
                encoding: Encoding::PLAIN,
                is_sorted: false,
            },
            raw,
        ))?;
        compressed += spec.compressed_size as i64;
        uncompressed += spec.uncompressed_size as i64;

        // At least one bit, so that a one-term vocabulary needs no zero-width special case.
        let width = (32 - (terms.len().max(2) as u32 - 1).leading_zeros()) as u8;
        let level_width = |max: i16| (32 - (max.max(0) as u32).leading_zeros()) as u8;
        let (def_width, rep_width) = (
            level_width(self.descr.max_def_level()),
            level_width(self.descr.max_rep_level()),
        );
        let starts = self.row_starts();
        let mut locations = Vec::new();
        let mut data_offset = None;
        let (mut row, mut value) = (0usize, 0usize);
        while row < self.rows {
            let n = PAGE_ROWS.min(self.rows - row);
            let entries = starts[row]..starts[row + n];
            let mut page = Vec::new();
            for (levels, width) in [(&self.reps, rep_width), (&self.defs, def_width)] {
                if width > 0 {
                    let mut encoded = Vec::new();
                    hybrid(&levels[entries.clone()], width, &mut encoded);
                    page.extend_from_slice(&(encoded.len() as u32).to_le_bytes());
                    page.extend_from_slice(&encoded);
                }
            }
            let values = if def_width > 0 {
                let max = self.descr.max_def_level() as u32;
                self.defs[entries.clone()]
                    .iter()
                    .filter(|&&d| d == max)
                    .count()
            } else {
                n
            };
            page.push(width);
            hybrid(&self.indices[value..value + values], width, &mut page);
            let (buf, raw) = compress(page, compression)?;
            let spec = pages.write_page(CompressedPage::new(
                Page::DataPage {
                    buf,
                    num_values: entries.len() as u32,
                    encoding: Encoding::RLE_DICTIONARY,
                    def_level_encoding: Encoding::RLE,
                    rep_level_encoding: Encoding::RLE,
                    statistics: None,
                },
                raw,
            ))?;
            data_offset.get_or_insert(spec.offset as i64);
            locations.push(PageLocation {
                offset: spec.offset as i64,
                compressed_page_size: spec.compressed_size as i32,
                first_row_index: row as i64,
            });
            compressed += spec.compressed_size as i64;
            uncompressed += spec.uncompressed_size as i64;
            row += n;
            value += values;
        }
        pages.close()?;

        let present = terms
            .iter()
            .zip(&self.seen)
            .filter(|(_, &s)| s)
            .map(|(t, _)| t.as_bytes());
        let min = present.clone().min().map(ByteArray::from);
        let max = present.max().map(ByteArray::from);
        let statistics = ValueStatistics::new(min, max, None, Some(self.nulls), false)
            .with_backwards_compatible_min_max(self.descr.sort_order().is_signed());
        let metadata = ColumnChunkMetaData::builder(self.descr.clone())
            .set_compression(compression)
            .set_encodings(vec![
                Encoding::PLAIN,
                Encoding::RLE,
                Encoding::RLE_DICTIONARY,
            ])
            .set_page_encoding_stats(vec![
                PageEncodingStats {
                    page_type: PageType::DICTIONARY_PAGE,
                    encoding: Encoding::PLAIN,
                    count: 1,
                },
                PageEncodingStats {
                    page_type: PageType::DATA_PAGE,
                    encoding: Encoding::RLE_DICTIONARY,
                    count: locations.len() as i32,
                },
            ])
            .set_total_compressed_size(compressed)
            .set_total_uncompressed_size(uncompressed)
            .set_num_values(starts[self.rows] as i64)
            .set_dictionary_page_offset(Some(0))
            .set_data_page_offset(data_offset.unwrap_or(0))
            .set_statistics(Statistics::ByteArray(statistics))
            .build()?;
        let bytes = Bytes::from(sink.into_inner()?);
        let close = ColumnCloseResult {
            bytes_written: bytes.len() as u64,
            rows_written: self.rows as u64,
            metadata,
            bloom_filter: None,
            column_index: None,
            offset_index: Some(OffsetIndexMetaData {
                page_locations: locations,
                unencoded_byte_array_data_bytes: None,
            }),
        };
        Ok((bytes, close))
    }
}

/// A page's bytes, compressed with the file's codec, and its uncompressed size.
fn compress(raw: Vec<u8>, compression: Compression) -> PqResult<(Bytes, usize)> {
    let size = raw.len();
    match compression {
        Compression::UNCOMPRESSED => Ok((Bytes::from(raw), size)),
        Compression::ZSTD(level) => {
            let out = zstd::bulk::compress(&raw, level.compression_level())
                .map_err(|e| ParquetError::External(Box::new(e)))?;
            Ok((Bytes::from(out), size))
        }
        other => Err(ParquetError::NYI(format!(
            "vocabulary columns compressed with {other}"
        ))),
    }
}

/// Appends `values` (each below 2^`width`) in Parquet's RLE/bit-packing hybrid encoding,
/// without the length prefix: a run of 8 or more equal values becomes an RLE run, the rest
/// groups of 8 bit-packed values (the last group padded with zeros, which readers ignore
/// because they know how many values a page holds).
pub(crate) fn hybrid(values: &[u32], width: u8, out: &mut Vec<u8>) {
    let run = |i: usize, cap: usize| {
        values[i..]
            .iter()
            .take(cap)
            .take_while(|&&v| v == values[i])
            .count()
    };
    let value_bytes = (width as usize).div_ceil(8);
    let mut i = 0;
    while i < values.len() {
        let r = run(i, usize::MAX);
        if r >= 8 {
            varint((r as u64) << 1, out);
            out.extend_from_slice(&values[i].to_le_bytes()[..value_bytes]);
            i += r;
            continue;
        }
        let start = i;
        let mut groups = 0usize;
        loop {
            i = (i + 8).min(values.len());
            groups += 1;
            if i >= values.len() || run(i, 8) == 8 {
                break;
            }
        }
        varint(((groups as u64) << 1) | 1, out);
        let mut acc = 0u64;
        let mut bits = 0u32;
        for k in 0..groups * 8 {
            let v = values.get(start + k).copied().unwrap_or(0) as u64;
            acc |= v << bits;
            bits += width as u32;
            while bits >= 8 {
                out.push(acc as u8);
                acc >>= 8;
                bits -= 8;
            }
        }
        // groups * 8 values of `width` bits fill whole bytes.
        debug_assert_eq!(bits, 0);
    }
}

/// ULEB128, as the hybrid encoding's run headers use.
fn varint(mut v: u64, out: &mut Vec<u8>) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes the hybrid encoding (the reader's side) to check the writer.
    fn decode(mut bytes: &[u8], width: u8, n: usize) -> Vec<u32> {
        let mut out = Vec::new();
        let value_bytes = (width as usize).div_ceil(8);
        while out.len() < n {
            let mut header = 0u64;
            let mut shift = 0;
            loop {
                let b = bytes[0];
                bytes = &bytes[1..];
                header |= ((b & 0x7f) as u64) << shift;
                shift += 7;
                if b & 0x80 == 0 {
                    break;
                }
            }
            if header & 1 == 0 {
                let mut v = [0u8; 4];
                v[..value_bytes].copy_from_slice(&bytes[..value_bytes]);
                bytes = &bytes[value_bytes..];
                out.extend(std::iter::repeat_n(
                    u32::from_le_bytes(v),
                    (header >> 1) as usize,
                ));
            } else {
                let count = (header >> 1) as usize * 8;
                let nbytes = count * width as usize / 8;
                let (packed, rest) = bytes.split_at(nbytes);
                bytes = rest;
                for k in 0..count {
                    let mut v = 0u32;
                    for b in 0..width as usize {
                        let bit = k * width as usize + b;
                        v |= (((packed[bit / 8] >> (bit % 8)) & 1) as u32) << b;
                    }
                    out.push(v);
                }
            }
        }
        out.truncate(n);
        out
    }

    #[test]
    fn the_hybrid_encoding_round_trips_runs_mixed_values_and_short_tails() {
        let cases: Vec<(Vec<u32>, u8)> = vec![
            (vec![3; 100], 2),
            (vec![0, 1, 0, 1, 1, 0, 1], 1),
            ((0..1000).map(|i| (i * 7 % 13) as u32).collect(), 4),
            (
                [vec![5; 9], vec![1, 2, 3], vec![4; 20], vec![0, 7]].concat(),
                3,
            ),
            ((0..300).map(|i| (i / 9 % 300) as u32).collect(), 9),
        ];
        for (values, width) in cases {
            let mut out = Vec::new();
            hybrid(&values, width, &mut out);
            assert_eq!(decode(&out, width, values.len()), values, "width {width}");
        }
    }
}
