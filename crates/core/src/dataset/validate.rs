//! Checking a data file against a dataset note, streaming: a reader thread hands row batches
//! over a bounded channel to one worker per core, which check types, nulls, ranges, enums and
//! patterns; results come back to the calling thread, which merges them in file order (so the
//! samples are the first failing rows, the same on every run) and keeps the only state that grows
//! with the file: one 64-bit hash per value of `unique` columns (and per row for
//! `duplicate_rows: false`). A read error part-way is part of the report, which then says it is
//! not complete.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::read::{Batch, CellRef, DataReader, RawBatch, RowPosition};
use super::{parse_bool, shorten, ColumnType, DatasetError, ReadError};
use crate::document::model::Dataset;

#[derive(Debug, Clone)]
pub struct ValidateOptions {
    /// Failing samples kept per check.
    pub samples: usize,
    /// Rows per batch handed to a worker.
    pub batch_rows: usize,
    /// Worker threads (0: one per available core).
    pub threads: usize,
}

impl Default for ValidateOptions {
    fn default() -> Self {
        ValidateOptions { samples: 5, batch_rows: 8192, threads: 0 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckStatus {
    Passed,
    Failed,
    /// The check could not run (its column is missing from the file).
    NotRun,
}

/// One failing row: its number among data rows (from 1), the file line it starts on, the value
/// (cut to 80 characters; `None` for an empty value) and, where useful, why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub row: u64,
    pub line: Option<u64>,
    pub value: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// The column checked; `None` for dataset-level checks.
    pub column: Option<String>,
    /// `header`, `rows`, `row-count`, `duplicate-rows`; per column `type`, `nullable`, `range`,
    /// `enum`, `pattern`, `unique`, `null-fraction`.
    pub check: String,
    /// What the note asks for, as text (`integer`, `[0, 5000]`, `one of a, b`).
    pub rule: String,
    pub status: CheckStatus,
    /// Rows that fail the check (for `header`: the mismatched columns).
    pub failing: u64,
    pub message: Option<String>,
    pub samples: Vec<Sample>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationReport {
    pub data_file: String,
    pub format: String,
    /// Data rows read (all of them when `complete`).
    pub rows: u64,
    /// `false` when the file could not be read to its end: the counts cover only what was read.
    pub complete: bool,
    pub read_error: Option<ReadError>,
    /// Complete, and every check passed.
    pub passed: bool,
    pub checks: Vec<CheckResult>,
}

impl ValidationReport {
    pub fn failed_checks(&self) -> usize {
        self.checks.iter().filter(|check| check.status == CheckStatus::Failed).count()
    }

    /// A readable report: one line per check, failing samples under failed checks.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for check in &self.checks {
            let mark = match check.status {
                CheckStatus::Passed => "ok  ",
                CheckStatus::Failed => "FAIL",
                CheckStatus::NotRun => "skip",
            };
            let subject = check.column.as_deref().map(|column| format!("{column}: ")).unwrap_or_default();
            out.push_str(&format!("{mark} {subject}{} {}", check.check, check.rule));
            if check.failing > 0 && check.check != "header" {
                out.push_str(&format!(" — {} failing rows", check.failing));
            }
            if let Some(message) = &check.message {
                out.push_str(&format!(" ({message})"));
            }
            out.push('\n');
            for sample in &check.samples {
                let line = sample.line.map(|line| format!(" (line {line})")).unwrap_or_default();
                let shown = match (&sample.value, &sample.note) {
                    (Some(value), Some(note)) => format!("{value:?}: {note}"),
                    (Some(value), None) => format!("{value:?}"),
                    (None, Some(note)) => note.clone(),
                    (None, None) => "empty".to_string(),
                };
                out.push_str(&format!("       row {}{line}: {shown}\n", sample.row));
            }
        }
        match &self.read_error {
            Some(error) => out.push_str(&format!(
                "INCOMPLETE: {error}\n{} rows read before the error; the results above cover only those rows\n",
                self.rows
            )),
            None => out.push_str(&format!(
                "{} rows, {} checks, {} failed: {}\n",
                self.rows,
                self.checks.len(),
                self.failed_checks(),
                if self.passed { "passed" } else { "failed" }
            )),
        }
        out
    }
}

// Per-column checks run by the workers, in report order.
const TYPE: usize = 0;
const NULLABLE: usize = 1;
const RANGE: usize = 2;
const ENUM: usize = 3;
const PATTERN: usize = 4;
const WORKER_CHECKS: usize = 5;

struct ColumnPlan {
    name: String,
    column_type: ColumnType,
    /// Position in the file; `None` when the file lacks the column.
    file_index: Option<usize>,
    not_null: bool,
    range: Option<(Option<f64>, Option<f64>)>,
    allowed: Option<HashSet<String>>,
    allowed_text: String,
    pattern: Option<Regex>,
    unique: bool,
    max_null_fraction: Option<f64>,
}

/// What a note asks of the data, compiled once.
struct Plan {
    columns: Vec<ColumnPlan>,
    rows: Option<(Option<f64>, Option<f64>)>,
    no_duplicate_rows: bool,
    samples: usize,
}

impl Plan {
    fn new(dataset: &Dataset, samples: usize) -> Result<Plan, DatasetError> {
        let checks = dataset.checks.clone().unwrap_or_default();
        let mut columns = Vec::new();
        for (position, column) in dataset.schema.iter().enumerate() {
            let column_type = ColumnType::parse(&column.column_type).ok_or_else(|| {
                DatasetError::Note(format!(
                    "schema[{position}] ({}): Seam cannot check the type \"{}\"; use one of {}",
                    column.name,
                    column.column_type,
                    ColumnType::ALL.map(ColumnType::as_str).join(", ")
                ))
            })?;
            let pattern = match &column.pattern {
                Some(pattern) => Some(Regex::new(&format!("^(?:{pattern})$")).map_err(|error| {
                    DatasetError::Note(format!(
                        "schema[{position}] ({}): the pattern does not compile: {error}",
                        column.name
                    ))
                })?),
                None => None,
            };
            let allowed: Option<Vec<String>> =
                column.allowed.as_ref().map(|values| values.iter().map(json_value_text).collect());
            columns.push(ColumnPlan {
                name: column.name.clone(),
                column_type,
                file_index: None,
                not_null: column.nullable == Some(false),
                range: column.range.map(|[low, high]| (low, high)),
                allowed_text: allowed.as_ref().map(|values| values.join(", ")).unwrap_or_default(),
                allowed: allowed.map(|values| values.into_iter().collect()),
                pattern,
                unique: column.unique == Some(true),
                max_null_fraction: column.max_null_fraction.or(checks.max_null_fraction),
            });
        }
        Ok(Plan {
            columns,
            rows: checks.rows.map(|[low, high]| (low, high)),
            no_duplicate_rows: checks.duplicate_rows == Some(false),
            samples,
        })
    }
}

fn json_value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn bound_text(bound: Option<f64>, open: &str) -> String {
    bound.map_or_else(|| open.to_string(), |value| value.to_string())
}

fn range_text((low, high): (Option<f64>, Option<f64>)) -> String {
    format!("[{}, {}]", bound_text(low, "-∞"), bound_text(high, "∞"))
}

/// A failing-row counter that keeps the first `limit` samples.
#[derive(Debug, Clone, Default)]
struct Counter {
    failing: u64,
    samples: Vec<Sample>,
}

impl Counter {
    fn add(&mut self, limit: usize, position: RowPosition, value: Option<String>, note: Option<String>) {
        self.failing += 1;
        if self.samples.len() < limit {
            self.samples.push(Sample { row: position.row, line: position.line, value, note });
        }
    }

    fn merge(&mut self, other: Counter, limit: usize) {
        self.failing += other.failing;
        let room = limit.saturating_sub(self.samples.len());
        self.samples.extend(other.samples.into_iter().take(room));
    }
}

/// What one worker found in one batch.
struct BatchResult {
    index: u64,
    rows: u64,
    malformed: Counter,
    counters: Vec<Counter>,
    nulls: Vec<u64>,
    /// Per unique column: (row offset in the batch, value hash), rows in order.
    unique_hashes: Vec<Vec<(u32, u64)>>,
    row_hashes: Vec<(u32, u64)>,
    batch: Batch,
}

/// A value as its column type reads it.
enum Typed<'a> {
    Number(f64),
    Text(std::borrow::Cow<'a, str>),
    Bool(bool),
}

fn interpret(cell: CellRef<'_>, column_type: ColumnType) -> Result<Typed<'_>, String> {
    let text = match cell {
        CellRef::Raw(bytes) => match std::str::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(error) => return Err(format!("not valid UTF-8 (byte {})", error.valid_up_to() + 1)),
        },
        CellRef::Text(text) => Some(text),
        _ => None,
    };
    let raw = matches!(cell, CellRef::Raw(_));
    match column_type {
        ColumnType::Integer => match cell {
            CellRef::Int(value) => Ok(Typed::Number(value as f64)),
            CellRef::Float(value) if value.is_finite() && value.fract() == 0.0 => Ok(Typed::Number(value)),
            _ if raw => text
                .and_then(|text| text.trim().parse::<i64>().ok())
                .map(|value| Typed::Number(value as f64))
                .ok_or_else(|| "not an integer".to_string()),
            _ => Err(format!("not an integer ({})", describe(cell))),
        },
        ColumnType::Number => match cell {
            CellRef::Int(value) => Ok(Typed::Number(value as f64)),
            CellRef::Float(value) if value.is_finite() => Ok(Typed::Number(value)),
            _ if raw => text
                .and_then(|text| text.trim().parse::<f64>().ok())
                .filter(|value| value.is_finite())
                .map(Typed::Number)
                .ok_or_else(|| "not a number".to_string()),
            _ => Err(format!("not a number ({})", describe(cell))),
        },
        ColumnType::Boolean => match cell {
            CellRef::Bool(value) => Ok(Typed::Bool(value)),
            _ if raw => text
                .and_then(|text| parse_bool(text.trim()))
                .map(Typed::Bool)
                .ok_or_else(|| "not true or false".to_string()),
            _ => Err(format!("not true or false ({})", describe(cell))),
        },
        ColumnType::String | ColumnType::Category => match text {
            Some(text) => Ok(Typed::Text(text.into())),
            None => Err(format!("not text ({})", describe(cell))),
        },
        ColumnType::Timestamp => match (cell, text) {
            (CellRef::Timestamp(text), _) => Ok(Typed::Text(text.into())),
            (_, Some(text)) if super::is_timestamp(text.trim()) => Ok(Typed::Text(text.into())),
            (_, Some(_)) => Err("not an ISO 8601 date or timestamp".to_string()),
            _ => Err(format!("not a timestamp ({})", describe(cell))),
        },
    }
}

fn describe(cell: CellRef<'_>) -> &'static str {
    match cell {
        CellRef::Null => "empty",
        CellRef::Raw(_) | CellRef::Text(_) => "text",
        CellRef::Int(_) => "an integer",
        CellRef::Float(_) => "a number",
        CellRef::Bool(_) => "a boolean",
        CellRef::Timestamp(_) => "a timestamp",
        CellRef::Nested(_) => "a list or object",
    }
}

fn sample_value(cell: CellRef<'_>) -> Option<String> {
    (!cell.is_null()).then(|| shorten(&cell.to_text()))
}

fn check_batch(plan: &Plan, batch: Batch, index: u64, file_width: usize) -> BatchResult {
    let limit = plan.samples;
    let mut malformed = Counter::default();
    let mut counters = vec![Counter::default(); plan.columns.len() * WORKER_CHECKS];
    let mut nulls = vec![0u64; plan.columns.len()];
    let unique_columns: Vec<usize> = (0..plan.columns.len())
        .filter(|&column| plan.columns[column].unique && plan.columns[column].file_index.is_some())
        .collect();
    let mut unique_hashes = vec![Vec::new(); unique_columns.len()];
    let mut row_hashes = Vec::new();
    let mut rows = 0;
    for row in 0..batch.len() {
        rows += 1;
        let position = batch.position(row);
        if let Some(error) = batch.row_error(row) {
            malformed.add(limit, position, None, Some(error));
            continue;
        }
        for (column, column_plan) in plan.columns.iter().enumerate() {
            let Some(file_index) = column_plan.file_index else { continue };
            let cell = batch.cell(row, file_index);
            let counter = |check: usize| column * WORKER_CHECKS + check;
            if cell.is_null() {
                nulls[column] += 1;
                if column_plan.not_null {
                    counters[counter(NULLABLE)].add(limit, position, None, None);
                }
                continue;
            }
            let typed = match interpret(cell, column_plan.column_type) {
                Ok(typed) => typed,
                Err(note) => {
                    counters[counter(TYPE)].add(limit, position, sample_value(cell), Some(note));
                    continue;
                }
            };
            if let (Some((low, high)), Typed::Number(value)) = (column_plan.range, &typed) {
                if low.is_some_and(|low| *value < low) || high.is_some_and(|high| *value > high) {
                    counters[counter(RANGE)].add(limit, position, sample_value(cell), None);
                }
            }
            if let Some(allowed) = &column_plan.allowed {
                let text = match &typed {
                    Typed::Text(text) => text.trim().to_string(),
                    Typed::Bool(value) => value.to_string(),
                    Typed::Number(_) => cell.to_text().trim().to_string(),
                };
                if !allowed.contains(&text) {
                    counters[counter(ENUM)].add(limit, position, sample_value(cell), None);
                }
            }
            if let (Some(pattern), Typed::Text(text)) = (&column_plan.pattern, &typed) {
                if !pattern.is_match(text) {
                    counters[counter(PATTERN)].add(limit, position, sample_value(cell), None);
                }
            }
        }
        let offset = row as u32;
        for (slot, &column) in unique_columns.iter().enumerate() {
            if let Some(file_index) = plan.columns[column].file_index {
                let cell = batch.cell(row, file_index);
                if !cell.is_null() {
                    let mut hasher = std::hash::DefaultHasher::new();
                    cell.hash_into(&mut hasher);
                    unique_hashes[slot].push((offset, hasher.finish()));
                }
            }
        }
        if plan.no_duplicate_rows {
            let mut hasher = std::hash::DefaultHasher::new();
            for column in 0..file_width {
                batch.cell(row, column).hash_into(&mut hasher);
                hasher.write_u8(0x1f);
            }
            row_hashes.push((offset, hasher.finish()));
        }
    }
    BatchResult { index, rows, malformed, counters, nulls, unique_hashes, row_hashes, batch }
}

/// Keys are already hashes: no need to hash them again.
#[derive(Default)]
struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }
    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

type HashIndex = HashMap<u64, u64, BuildHasherDefault<IdentityHasher>>;

/// Everything merged so far, in file order.
struct Totals {
    rows: u64,
    malformed: Counter,
    counters: Vec<Counter>,
    nulls: Vec<u64>,
    unique_seen: Vec<HashIndex>,
    unique: Vec<Counter>,
    rows_seen: HashIndex,
    duplicate_rows: Counter,
}

impl Totals {
    fn merge(&mut self, plan: &Plan, unique_columns: &[usize], result: BatchResult, file_width: usize) {
        let limit = plan.samples;
        self.rows += result.rows;
        self.malformed.merge(result.malformed, limit);
        for (total, counter) in self.counters.iter_mut().zip(result.counters) {
            total.merge(counter, limit);
        }
        for (total, nulls) in self.nulls.iter_mut().zip(result.nulls) {
            *total += nulls;
        }
        let batch = &result.batch;
        for (slot, hashes) in result.unique_hashes.into_iter().enumerate() {
            let file_index = plan.columns[unique_columns[slot]].file_index.unwrap_or_default();
            for (offset, hash) in hashes {
                let position = batch.position(offset as usize);
                match self.unique_seen[slot].get(&hash) {
                    Some(&first) => {
                        let value = sample_value(batch.cell(offset as usize, file_index));
                        self.unique[slot].add(limit, position, value, Some(format!("first seen on row {first}")));
                    }
                    None => {
                        self.unique_seen[slot].insert(hash, position.row);
                    }
                }
            }
        }
        for (offset, hash) in result.row_hashes {
            let position = batch.position(offset as usize);
            match self.rows_seen.get(&hash) {
                Some(&first) => {
                    let value = Some(shorten(&batch.row_text(offset as usize, file_width)));
                    self.duplicate_rows.add(limit, position, value, Some(format!("same as row {first}")));
                }
                None => {
                    self.rows_seen.insert(hash, position.row);
                }
            }
        }
    }
}

/// Checks the data file at `data_path` against `dataset`. `Err` only when the note itself cannot
/// be checked (an unknown column type, a pattern that does not compile); problems with the data
/// file, down to one that cannot be opened, are in the report (`read_error`, `complete: false`).
pub fn validate(
    dataset: &Dataset,
    data_path: &Path,
    options: &ValidateOptions,
) -> Result<ValidationReport, DatasetError> {
    let mut plan = Plan::new(dataset, options.samples)?;
    let names: Vec<String> = plan.columns.iter().map(|column| column.name.clone()).collect();
    let shown = super::display_path(data_path);
    let mut reader = match DataReader::open(data_path, Some(&names)) {
        Ok(reader) => reader,
        Err(error) => {
            let format = super::read::Format::from_path(data_path).map_or("unknown", |format| format.as_str());
            return Ok(ValidationReport {
                data_file: shown,
                format: format.to_string(),
                rows: 0,
                complete: false,
                read_error: Some(error),
                passed: false,
                checks: Vec::new(),
            });
        }
    };
    for column in &mut plan.columns {
        column.file_index = reader.key_index.get(&column.name).copied();
    }
    let missing: Vec<&str> =
        plan.columns.iter().filter(|column| column.file_index.is_none()).map(|column| column.name.as_str()).collect();
    let extra: Vec<&str> = reader.columns.iter().filter(|name| !names.contains(name)).map(String::as_str).collect();
    let header_message = {
        let mut parts = Vec::new();
        if !missing.is_empty() {
            parts.push(format!("missing from the file: {}", missing.join(", ")));
        }
        if !extra.is_empty() {
            parts.push(format!("not in the note's schema: {}", extra.join(", ")));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    };
    let header_failing = (missing.len() + extra.len()) as u64;

    let threads = if options.threads == 0 {
        std::thread::available_parallelism().map_or(2, |count| count.get())
    } else {
        options.threads
    };
    let file_width = reader.columns.len();
    let unique_columns: Vec<usize> = (0..plan.columns.len())
        .filter(|&column| plan.columns[column].unique && plan.columns[column].file_index.is_some())
        .collect();
    let mut totals = Totals {
        rows: 0,
        malformed: Counter::default(),
        counters: vec![Counter::default(); plan.columns.len() * WORKER_CHECKS],
        nulls: vec![0; plan.columns.len()],
        unique_seen: vec![HashIndex::default(); unique_columns.len()],
        unique: vec![Counter::default(); unique_columns.len()],
        rows_seen: HashIndex::default(),
        duplicate_rows: Counter::default(),
    };
    let read_error: Mutex<Option<ReadError>> = Mutex::new(None);
    let columns = reader.columns.clone();
    let key_index = reader.key_index.clone();
    let batch_rows = options.batch_rows.max(1);
    std::thread::scope(|scope| {
        let (batch_sender, batch_receiver) = mpsc::sync_channel::<RawBatch>(threads * 2);
        let batch_receiver = Arc::new(Mutex::new(batch_receiver));
        let (result_sender, result_receiver) = mpsc::channel::<BatchResult>();
        let read_error = &read_error;
        scope.spawn(move || loop {
            match reader.next_batch(batch_rows) {
                Ok(Some(batch)) => {
                    if batch_sender.send(batch).is_err() {
                        break;
                    }
                }
                Ok(None) => break,
                Err(error) => {
                    if let Ok(mut slot) = read_error.lock() {
                        *slot = Some(error);
                    }
                    break;
                }
            }
        });
        for _ in 0..threads {
            let batch_receiver = Arc::clone(&batch_receiver);
            let result_sender = result_sender.clone();
            let (plan, columns, key_index) = (&plan, &columns, &key_index);
            scope.spawn(move || loop {
                let next = match batch_receiver.lock() {
                    Ok(receiver) => receiver.recv(),
                    Err(_) => break,
                };
                let Ok(raw) = next else { break };
                let index = raw.index;
                let batch = raw.decode(columns, key_index);
                if result_sender.send(check_batch(plan, batch, index, file_width)).is_err() {
                    break;
                }
            });
        }
        drop(result_sender);
        let mut pending: BTreeMap<u64, BatchResult> = BTreeMap::new();
        let mut next = 0;
        for result in result_receiver {
            pending.insert(result.index, result);
            while let Some(result) = pending.remove(&next) {
                totals.merge(&plan, &unique_columns, result, file_width);
                next += 1;
            }
        }
    });
    let read_error = read_error.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());

    let mut checks = Vec::new();
    let status_of = |failing: u64| if failing == 0 { CheckStatus::Passed } else { CheckStatus::Failed };
    checks.push(CheckResult {
        column: None,
        check: "header".to_string(),
        rule: "the note's columns".to_string(),
        status: status_of(header_failing),
        failing: header_failing,
        message: header_message,
        samples: Vec::new(),
    });
    let malformed = std::mem::take(&mut totals.malformed);
    checks.push(CheckResult {
        column: None,
        check: "rows".to_string(),
        rule: "well-formed".to_string(),
        status: status_of(malformed.failing),
        failing: malformed.failing,
        message: None,
        samples: malformed.samples,
    });
    if let Some(bounds) = plan.rows {
        let (low, high) = bounds;
        let rows = totals.rows as f64;
        let failed = low.is_some_and(|low| rows < low) || high.is_some_and(|high| rows > high);
        checks.push(CheckResult {
            column: None,
            check: "row-count".to_string(),
            rule: range_text(bounds),
            status: if failed { CheckStatus::Failed } else { CheckStatus::Passed },
            failing: 0,
            message: failed.then(|| format!("{} rows", totals.rows)),
            samples: Vec::new(),
        });
    }
    if plan.no_duplicate_rows {
        let duplicates = std::mem::take(&mut totals.duplicate_rows);
        checks.push(CheckResult {
            column: None,
            check: "duplicate-rows".to_string(),
            rule: "none".to_string(),
            status: status_of(duplicates.failing),
            failing: duplicates.failing,
            message: None,
            samples: duplicates.samples,
        });
    }
    for (column, column_plan) in plan.columns.iter().enumerate() {
        let present = column_plan.file_index.is_some();
        let mut push = |check: &str, rule: String, counter: Counter, message: Option<String>| {
            let status = if !present {
                CheckStatus::NotRun
            } else if counter.failing > 0 || message.is_some() {
                CheckStatus::Failed
            } else {
                CheckStatus::Passed
            };
            checks.push(CheckResult {
                column: Some(column_plan.name.clone()),
                check: check.to_string(),
                rule,
                status,
                failing: counter.failing,
                message: if present { message } else { Some("column missing from the file".to_string()) },
                samples: counter.samples,
            });
        };
        let mut take = |check: usize| std::mem::take(&mut totals.counters[column * WORKER_CHECKS + check]);
        push("type", column_plan.column_type.as_str().to_string(), take(TYPE), None);
        if column_plan.not_null {
            push("nullable", "not empty".to_string(), take(NULLABLE), None);
        }
        if let Some(range) = column_plan.range {
            push("range", range_text(range), take(RANGE), None);
        }
        if column_plan.allowed.is_some() {
            push("enum", format!("one of {}", column_plan.allowed_text), take(ENUM), None);
        }
        if let Some(pattern) = &column_plan.pattern {
            push("pattern", pattern.as_str().to_string(), take(PATTERN), None);
        }
        if column_plan.unique {
            let counter = unique_columns
                .iter()
                .position(|&unique| unique == column)
                .map(|slot| std::mem::take(&mut totals.unique[slot]))
                .unwrap_or_default();
            push("unique", "no repeated values".to_string(), counter, None);
        }
        if let Some(max) = column_plan.max_null_fraction {
            let nulls = totals.nulls[column];
            let fraction = if totals.rows == 0 { 0.0 } else { nulls as f64 / totals.rows as f64 };
            let message = (fraction > max).then(|| format!("{:.1}% empty", fraction * 100.0));
            let counter = Counter { failing: if message.is_some() { nulls } else { 0 }, samples: Vec::new() };
            push("null-fraction", format!("≤ {max}"), counter, message);
        }
    }
    let complete = read_error.is_none();
    let passed = complete && checks.iter().all(|check| check.status == CheckStatus::Passed);
    Ok(ValidationReport {
        data_file: shown,
        format: reader_format_name(data_path),
        rows: totals.rows,
        complete,
        read_error,
        passed,
        checks,
    })
}

fn reader_format_name(path: &Path) -> String {
    super::read::Format::from_path(path).map_or("unknown", |format| format.as_str()).to_string()
}
