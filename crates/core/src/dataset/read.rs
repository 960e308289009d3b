//! Reading a data file as a stream of row batches, so memory stays flat however large the file:
//! CSV/TSV (the `csv` crate: quoted fields, quoted newlines, ragged rows kept as row errors),
//! JSON Lines (one object per line, decoded by the worker that checks the batch) and Parquet (the
//! `parquet` crate's row reader). Rows are numbered from 1 after the header; `line` is the file
//! line a row starts on (CSV, JSON Lines), so a report can point at it.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use parquet::basic::{ConvertedType, LogicalType, Type as PhysicalType};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

use super::{display_path, ReadError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv { delimiter: u8 },
    JsonLines,
    Parquet,
}

impl Format {
    /// From the file's extension: `.csv`, `.tsv`, `.jsonl` / `.ndjson`, `.parquet`.
    pub fn from_path(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "csv" => Some(Format::Csv { delimiter: b',' }),
            "tsv" => Some(Format::Csv { delimiter: b'\t' }),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            "parquet" | "pq" => Some(Format::Parquet),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv { delimiter: b'\t' } => "tsv",
            Format::Csv { .. } => "csv",
            Format::JsonLines => "jsonl",
            Format::Parquet => "parquet",
        }
    }
}

/// One value from a typed source (JSON Lines, Parquet).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A date or timestamp from Parquet, in ISO 8601 form.
    Timestamp(String),
    /// An array or object in a JSON line: no column type accepts it.
    Nested(String),
}

/// One value as the checks see it. CSV values are `Raw`: text whose type is decided by the column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellRef<'a> {
    Null,
    Raw(&'a [u8]),
    Text(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
    Timestamp(&'a str),
    Nested(&'a str),
}

impl CellRef<'_> {
    /// The value as text, for samples, enums and hashing (lossy for bytes that are not UTF-8).
    pub fn to_text(&self) -> String {
        match self {
            CellRef::Null => String::new(),
            CellRef::Raw(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            CellRef::Text(text) | CellRef::Timestamp(text) | CellRef::Nested(text) => (*text).to_string(),
            CellRef::Int(value) => value.to_string(),
            CellRef::Float(value) => value.to_string(),
            CellRef::Bool(value) => value.to_string(),
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, CellRef::Null)
    }

    /// A hash of the value's text form, the same for `5` read from CSV or JSON.
    pub fn hash_into(&self, hasher: &mut impl std::hash::Hasher) {
        match self {
            CellRef::Null => hasher.write_u8(0),
            CellRef::Raw(bytes) => hasher.write(bytes),
            CellRef::Text(text) | CellRef::Timestamp(text) | CellRef::Nested(text) => hasher.write(text.as_bytes()),
            other => hasher.write(other.to_text().as_bytes()),
        }
    }
}

impl Cell {
    pub fn as_ref(&self) -> CellRef<'_> {
        match self {
            Cell::Null => CellRef::Null,
            Cell::Text(text) => CellRef::Text(text),
            Cell::Int(value) => CellRef::Int(*value),
            Cell::Float(value) => CellRef::Float(*value),
            Cell::Bool(value) => CellRef::Bool(*value),
            Cell::Timestamp(text) => CellRef::Timestamp(text),
            Cell::Nested(text) => CellRef::Nested(text),
        }
    }
}

/// Where a row is: its number among data rows (from 1) and the file line it starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowPosition {
    pub row: u64,
    pub line: Option<u64>,
}

/// Rows as the reader thread hands them over, before decoding.
#[derive(Debug)]
pub enum RawRows {
    Csv(Vec<(RowPosition, csv::ByteRecord)>),
    JsonLines(Vec<(RowPosition, Vec<u8>)>),
    Cells(Vec<(RowPosition, Vec<Cell>)>),
}

#[derive(Debug)]
pub struct RawBatch {
    /// Batches are numbered from 0 in file order, so results merge back in order.
    pub index: u64,
    pub rows: RawRows,
}

/// A decoded batch: each row is values in the file's column order, or why the row is unusable
/// (a ragged CSV row, a JSON line that is not an object).
#[derive(Debug)]
pub enum Batch {
    Csv { rows: Vec<(RowPosition, csv::ByteRecord)>, width: usize },
    Cells(Vec<(RowPosition, Result<Vec<Cell>, String>)>),
}

impl RawBatch {
    /// Decodes the rows (parses JSON lines) against the file's columns. Runs on a worker thread.
    pub fn decode(self, columns: &[String], key_index: &HashMap<String, usize>) -> Batch {
        match self.rows {
            RawRows::Csv(rows) => Batch::Csv { rows, width: columns.len() },
            RawRows::Cells(rows) => {
                Batch::Cells(rows.into_iter().map(|(position, cells)| (position, Ok(cells))).collect())
            }
            RawRows::JsonLines(lines) => Batch::Cells(
                lines
                    .into_iter()
                    .map(|(position, bytes)| (position, decode_json_line(&bytes, columns.len(), key_index)))
                    .collect(),
            ),
        }
    }
}

fn decode_json_line(bytes: &[u8], width: usize, key_index: &HashMap<String, usize>) -> Result<Vec<Cell>, String> {
    let value: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(value) => value,
        Err(error) if error.is_data() || error.is_syntax() || error.is_eof() => {
            return Err(match std::str::from_utf8(bytes) {
                Err(utf8) => format!("not valid UTF-8 (byte {})", utf8.valid_up_to() + 1),
                Ok(_) => format!("not valid JSON: {error}"),
            })
        }
        Err(error) => return Err(format!("not valid JSON: {error}")),
    };
    let serde_json::Value::Object(object) = value else {
        return Err("not a JSON object (each line must be one {\"column\": value, …} object)".to_string());
    };
    let mut cells = vec![Cell::Null; width];
    for (key, value) in object {
        if let Some(&position) = key_index.get(&key) {
            cells[position] = json_cell(value);
        }
    }
    Ok(cells)
}

fn json_cell(value: serde_json::Value) -> Cell {
    match value {
        serde_json::Value::Null => Cell::Null,
        serde_json::Value::Bool(value) => Cell::Bool(value),
        serde_json::Value::Number(number) => match number.as_i64() {
            Some(value) => Cell::Int(value),
            None => Cell::Float(number.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(text) => Cell::Text(text),
        nested => Cell::Nested(nested.to_string()),
    }
}

impl Batch {
    pub fn len(&self) -> usize {
        match self {
            Batch::Csv { rows, .. } => rows.len(),
            Batch::Cells(rows) => rows.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn position(&self, index: usize) -> RowPosition {
        match self {
            Batch::Csv { rows, .. } => rows[index].0,
            Batch::Cells(rows) => rows[index].0,
        }
    }

    /// Why row `index` cannot be checked column by column, if it cannot.
    pub fn row_error(&self, index: usize) -> Option<String> {
        match self {
            Batch::Csv { rows, width } => {
                let fields = rows[index].1.len();
                (fields != *width).then(|| format!("has {fields} fields, the header has {width}"))
            }
            Batch::Cells(rows) => rows[index].1.as_ref().err().cloned(),
        }
    }

    /// The value of file column `column` in row `index` (call only when `row_error` is `None`).
    pub fn cell(&self, index: usize, column: usize) -> CellRef<'_> {
        match self {
            Batch::Csv { rows, .. } => match rows[index].1.get(column) {
                None | Some(b"") => CellRef::Null,
                Some(bytes) => CellRef::Raw(bytes),
            },
            Batch::Cells(rows) => match &rows[index].1 {
                Ok(cells) => cells.get(column).map_or(CellRef::Null, Cell::as_ref),
                Err(_) => CellRef::Null,
            },
        }
    }

    /// The whole row as text (for duplicate-row samples).
    pub fn row_text(&self, index: usize, width: usize) -> String {
        match self {
            Batch::Csv { rows, .. } => rows[index]
                .1
                .iter()
                .map(|field| String::from_utf8_lossy(field).into_owned())
                .collect::<Vec<_>>()
                .join(","),
            Batch::Cells(_) => {
                (0..width).map(|column| self.cell(index, column).to_text()).collect::<Vec<_>>().join(",")
            }
        }
    }
}

enum Inner {
    Csv(Box<csv::Reader<File>>),
    JsonLines { reader: BufReader<File>, line: u64, pending: Option<(u64, Vec<u8>)> },
    Parquet(parquet::record::reader::RowIter<'static>),
}

/// An open data file: its format, its columns (CSV header, Parquet schema, or for JSON Lines the
/// expected columns / the first object's keys), and the batches still to read.
pub struct DataReader {
    pub path: String,
    pub format: Format,
    pub columns: Vec<String>,
    /// For Parquet: each column's type as Seam reads it (`integer`, `number`, `string`, `boolean`,
    /// `timestamp`); empty for text formats.
    pub source_types: Vec<&'static str>,
    pub key_index: HashMap<String, usize>,
    inner: Inner,
    next_row: u64,
    next_index: u64,
    finished: bool,
}

impl DataReader {
    /// Opens `path`, reading the header (CSV), the schema (Parquet) or the first line (JSON Lines).
    /// `expected` are the columns a note names: JSON Lines rows are read against them, and
    /// Parquet columns they name must have a type Seam can read.
    pub fn open(path: &Path, expected: Option<&[String]>) -> Result<DataReader, ReadError> {
        let shown = display_path(path);
        let error = |line: Option<u64>, message: String| ReadError { path: shown.clone(), line, message };
        let format = Format::from_path(path).ok_or_else(|| {
            error(None, "unknown data file type: name it .csv, .tsv, .jsonl (or .ndjson) or .parquet".to_string())
        })?;
        let file = File::open(path).map_err(|source| error(None, format!("cannot open: {source}")))?;
        let metadata = file.metadata().map_err(|source| error(None, format!("cannot read: {source}")))?;
        if metadata.is_dir() {
            return Err(error(None, "is a folder, not a data file".to_string()));
        }
        if metadata.len() == 0 {
            return Err(error(None, "the file is empty (no header, no rows)".to_string()));
        }
        let (inner, columns, source_types) = match format {
            Format::Csv { delimiter } => {
                let mut reader = csv::ReaderBuilder::new()
                    .delimiter(delimiter)
                    .flexible(true)
                    .has_headers(true)
                    .buffer_capacity(1 << 20)
                    .from_reader(file);
                let header = reader
                    .byte_headers()
                    .map_err(|source| error(Some(1), format!("cannot read the header: {source}")))?;
                if header.is_empty() || (header.len() == 1 && header[0].is_empty()) {
                    return Err(error(
                        Some(1),
                        "the first line is empty: expected a header row naming the columns".to_string(),
                    ));
                }
                let mut columns = Vec::with_capacity(header.len());
                for (position, name) in header.iter().enumerate() {
                    let name = std::str::from_utf8(name).map_err(|_| {
                        error(
                            Some(1),
                            format!("header column {} is not valid UTF-8; save the file as UTF-8", position + 1),
                        )
                    })?;
                    columns.push(name.trim().to_string());
                }
                (Inner::Csv(Box::new(reader)), columns, Vec::new())
            }
            Format::JsonLines => {
                let mut reader = BufReader::with_capacity(1 << 20, file);
                let mut line = 0;
                let mut pending = None;
                let columns = match expected {
                    Some(expected) => expected.to_vec(),
                    None => {
                        let (first_line, bytes) = read_nonblank_line(&mut reader, &mut line)
                            .map_err(|source| error(Some(line + 1), format!("cannot read: {source}")))?
                            .ok_or_else(|| error(None, "the file has no JSON lines".to_string()))?;
                        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|parse| {
                            error(Some(first_line), format!("the first line is not a JSON object: {parse}"))
                        })?;
                        let serde_json::Value::Object(object) = value else {
                            return Err(error(Some(first_line), "the first line is not a JSON object".to_string()));
                        };
                        pending = Some((first_line, bytes));
                        object.keys().cloned().collect()
                    }
                };
                (Inner::JsonLines { reader, line, pending }, columns, Vec::new())
            }
            Format::Parquet => {
                let reader = SerializedFileReader::new(file)
                    .map_err(|source| error(None, format!("not a readable Parquet file: {source}")))?;
                let schema = reader.metadata().file_metadata().schema();
                let mut columns = Vec::new();
                let mut types = Vec::new();
                for field in schema.get_fields() {
                    let name = field.name().to_string();
                    let wanted = expected.is_none_or(|expected| expected.contains(&name));
                    let seam_type = parquet_type(field);
                    match seam_type {
                        Ok(seam_type) => types.push(seam_type),
                        Err(description) if wanted => {
                            return Err(error(
                                None,
                                format!(
                                    "column \"{name}\" has the Parquet type {description}, which Seam cannot check; \
                                     store it as a number, integer, string, boolean, date or timestamp"
                                ),
                            ))
                        }
                        Err(_) => types.push("unsupported"),
                    }
                    columns.push(name);
                }
                let rows = reader.into_iter();
                (Inner::Parquet(rows), columns, types)
            }
        };
        let key_index = columns.iter().enumerate().map(|(position, name)| (name.clone(), position)).collect();
        Ok(DataReader {
            path: shown,
            format,
            columns,
            source_types,
            key_index,
            inner,
            next_row: 1,
            next_index: 0,
            finished: false,
        })
    }

    /// Reads up to `max_rows` rows. `Ok(None)` at the end of the file; an error ends the stream
    /// (the rows before it were delivered).
    pub fn next_batch(&mut self, max_rows: usize) -> Result<Option<RawBatch>, ReadError> {
        if self.finished {
            return Ok(None);
        }
        let path = self.path.clone();
        let rows = match &mut self.inner {
            Inner::Csv(reader) => {
                let mut rows = Vec::with_capacity(max_rows.min(1 << 16));
                loop {
                    if rows.len() == max_rows {
                        break;
                    }
                    let mut record = csv::ByteRecord::new();
                    match reader.read_byte_record(&mut record) {
                        Ok(true) => {
                            let line = record.position().map(|position| position.line());
                            rows.push((RowPosition { row: self.next_row, line }, record));
                            self.next_row += 1;
                        }
                        Ok(false) => {
                            self.finished = true;
                            break;
                        }
                        Err(source) => {
                            self.finished = true;
                            let line = source.position().map(|position| position.line());
                            return Err(ReadError { path, line, message: format!("cannot read further: {source}") });
                        }
                    }
                }
                RawRows::Csv(rows)
            }
            Inner::JsonLines { reader, line, pending } => {
                let mut rows = Vec::new();
                if let Some((first_line, bytes)) = pending.take() {
                    rows.push((RowPosition { row: self.next_row, line: Some(first_line) }, bytes));
                    self.next_row += 1;
                }
                while rows.len() < max_rows {
                    match read_nonblank_line(reader, line) {
                        Ok(Some((at, bytes))) => {
                            rows.push((RowPosition { row: self.next_row, line: Some(at) }, bytes));
                            self.next_row += 1;
                        }
                        Ok(None) => {
                            self.finished = true;
                            break;
                        }
                        Err(source) => {
                            self.finished = true;
                            return Err(ReadError {
                                path,
                                line: Some(*line + 1),
                                message: format!("cannot read further: {source}"),
                            });
                        }
                    }
                }
                RawRows::JsonLines(rows)
            }
            Inner::Parquet(iterator) => {
                let mut rows = Vec::new();
                while rows.len() < max_rows {
                    match iterator.next() {
                        Some(Ok(row)) => {
                            let cells = row.get_column_iter().map(|(_, field)| parquet_cell(field)).collect();
                            rows.push((RowPosition { row: self.next_row, line: None }, cells));
                            self.next_row += 1;
                        }
                        Some(Err(source)) => {
                            self.finished = true;
                            return Err(ReadError {
                                path,
                                line: None,
                                message: format!("cannot read further after row {}: {source}", self.next_row - 1),
                            });
                        }
                        None => {
                            self.finished = true;
                            break;
                        }
                    }
                }
                RawRows::Cells(rows)
            }
        };
        let empty = match &rows {
            RawRows::Csv(rows) => rows.is_empty(),
            RawRows::JsonLines(rows) => rows.is_empty(),
            RawRows::Cells(rows) => rows.is_empty(),
        };
        if empty {
            return Ok(None);
        }
        let batch = RawBatch { index: self.next_index, rows };
        self.next_index += 1;
        Ok(Some(batch))
    }
}

/// The next line with something on it, and its 1-based line number. A line may be of any length.
fn read_nonblank_line(reader: &mut impl BufRead, line: &mut u64) -> std::io::Result<Option<(u64, Vec<u8>)>> {
    loop {
        let mut bytes = Vec::new();
        if reader.read_until(b'\n', &mut bytes)? == 0 {
            return Ok(None);
        }
        *line += 1;
        while matches!(bytes.last(), Some(b'\n' | b'\r')) {
            bytes.pop();
        }
        if bytes.iter().any(|byte| !byte.is_ascii_whitespace()) {
            return Ok(Some((*line, bytes)));
        }
    }
}

/// The Seam type a top-level Parquet column reads as, or a description of a type Seam cannot read.
fn parquet_type(field: &parquet::schema::types::Type) -> Result<&'static str, String> {
    if field.is_group() {
        let info = field.get_basic_info();
        let what = match info.converted_type() {
            ConvertedType::LIST => "LIST".to_string(),
            ConvertedType::MAP | ConvertedType::MAP_KEY_VALUE => "MAP".to_string(),
            _ => "group (a nested struct)".to_string(),
        };
        return Err(what);
    }
    let info = field.get_basic_info();
    let logical = info.logical_type_ref();
    let converted = info.converted_type();
    let physical = field.get_physical_type();
    match (physical, logical) {
        (_, Some(LogicalType::Decimal { .. })) => Err(format!("DECIMAL ({physical})")),
        (_, Some(LogicalType::Time { .. })) => Err(format!("TIME ({physical})")),
        (_, Some(LogicalType::Date | LogicalType::Timestamp { .. })) => Ok("timestamp"),
        (PhysicalType::BOOLEAN, _) => Ok("boolean"),
        (PhysicalType::INT32 | PhysicalType::INT64, _)
            if matches!(
                converted,
                ConvertedType::DATE | ConvertedType::TIMESTAMP_MILLIS | ConvertedType::TIMESTAMP_MICROS
            ) =>
        {
            Ok("timestamp")
        }
        (PhysicalType::INT32 | PhysicalType::INT64, _) if matches!(converted, ConvertedType::DECIMAL) => {
            Err(format!("DECIMAL ({physical})"))
        }
        (PhysicalType::INT32 | PhysicalType::INT64, _) => Ok("integer"),
        (PhysicalType::INT96, _) => Ok("timestamp"),
        (PhysicalType::FLOAT | PhysicalType::DOUBLE, _) => Ok("number"),
        (PhysicalType::BYTE_ARRAY, Some(LogicalType::String | LogicalType::Enum | LogicalType::Json)) => Ok("string"),
        (PhysicalType::BYTE_ARRAY, None)
            if matches!(converted, ConvertedType::UTF8 | ConvertedType::ENUM | ConvertedType::JSON) =>
        {
            Ok("string")
        }
        (PhysicalType::BYTE_ARRAY, _) => Err("BYTE_ARRAY without a string annotation (raw binary)".to_string()),
        (PhysicalType::FIXED_LEN_BYTE_ARRAY, _) => Err("FIXED_LEN_BYTE_ARRAY".to_string()),
    }
}

fn parquet_cell(field: &Field) -> Cell {
    match field {
        Field::Null => Cell::Null,
        Field::Bool(value) => Cell::Bool(*value),
        Field::Byte(value) => Cell::Int(i64::from(*value)),
        Field::Short(value) => Cell::Int(i64::from(*value)),
        Field::Int(value) => Cell::Int(i64::from(*value)),
        Field::Long(value) => Cell::Int(*value),
        Field::UByte(value) => Cell::Int(i64::from(*value)),
        Field::UShort(value) => Cell::Int(i64::from(*value)),
        Field::UInt(value) => Cell::Int(i64::from(*value)),
        Field::ULong(value) => i64::try_from(*value).map_or(Cell::Float(*value as f64), Cell::Int),
        Field::Float16(value) => Cell::Float(f64::from(*value)),
        Field::Float(value) => Cell::Float(f64::from(*value)),
        Field::Double(value) => Cell::Float(*value),
        Field::Str(text) => Cell::Text(text.clone()),
        Field::Bytes(bytes) => Cell::Text(String::from_utf8_lossy(bytes.data()).into_owned()),
        Field::Date(days) => Cell::Timestamp(civil_date(i64::from(*days))),
        Field::TimestampMillis(ms) => Cell::Timestamp(timestamp_text(*ms * 1000)),
        Field::TimestampMicros(us) => Cell::Timestamp(timestamp_text(*us)),
        other => Cell::Nested(other.to_string()),
    }
}

/// `YYYY-MM-DD` from days since 1970-01-01 (Howard Hinnant's civil-from-days).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn timestamp_text(micros: i64) -> String {
    let seconds = micros.div_euclid(1_000_000);
    let fraction = micros.rem_euclid(1_000_000);
    let time = seconds.rem_euclid(86_400);
    let date = civil_date(seconds.div_euclid(86_400));
    let clock = format!("{:02}:{:02}:{:02}", time / 3600, time % 3600 / 60, time % 60);
    if fraction == 0 {
        format!("{date}T{clock}Z")
    } else {
        format!("{date}T{clock}.{fraction:06}Z")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parquet_dates_read_as_iso_text() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_410), "2025-11-18");
        assert_eq!(timestamp_text(1_763_460_000_000_000), "2025-11-18T10:00:00Z");
        assert_eq!(timestamp_text(1_500), "1970-01-01T00:00:00.001500Z");
    }
}
