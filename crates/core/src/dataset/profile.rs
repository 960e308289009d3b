//! Per-column statistics of a data file, and the documented profile (`<note>.profile.json` next
//! to the note: counts, null rates, range, mean, a 100-bin histogram for numeric columns and value
//! counts for categorical ones) that drift is measured against. Both passes stream the file with
//! one worker per core; each worker folds batches into its own accumulator and the accumulators
//! are merged at the end (every statistic here is order-independent).

use std::collections::{HashMap, HashSet};
use std::hash::Hasher;
use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::read::{Batch, CellRef, DataReader, RawBatch};
use super::{is_timestamp, parse_bool, ColumnType, DatasetError, ReadError};
use crate::document::model::Dataset;

/// Distinct values counted per column before it is treated as high-cardinality.
pub const CATEGORY_LIMIT: usize = 50;
/// Distinct value hashes kept per column to decide uniqueness; beyond this, uniqueness is unknown.
pub const DISTINCT_LIMIT: usize = 1_000_000;
/// Bins of a numeric column's histogram in the profile.
pub const HISTOGRAM_BINS: usize = 100;

const BATCH_ROWS: usize = 8192;

/// Streams `reader` through `threads` workers, each folding batches into its own accumulator.
/// Returns the accumulators and the read error that stopped the stream, if one did.
pub(crate) fn scan<A: Send>(
    mut reader: DataReader,
    threads: usize,
    init: impl Fn() -> A + Sync,
    fold: impl Fn(&mut A, &Batch) + Sync,
) -> (Vec<A>, u64, Option<ReadError>) {
    let threads =
        if threads == 0 { std::thread::available_parallelism().map_or(2, |count| count.get()) } else { threads };
    let columns = reader.columns.clone();
    let key_index = reader.key_index.clone();
    let read_error: Mutex<Option<ReadError>> = Mutex::new(None);
    let rows = std::sync::atomic::AtomicU64::new(0);
    let accumulators = std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::sync_channel::<RawBatch>(threads * 2);
        let receiver = Arc::new(Mutex::new(receiver));
        let read_error = &read_error;
        scope.spawn(move || loop {
            match reader.next_batch(BATCH_ROWS) {
                Ok(Some(batch)) => {
                    if sender.send(batch).is_err() {
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
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let receiver = Arc::clone(&receiver);
                let (init, fold, columns, key_index, rows) = (&init, &fold, &columns, &key_index, &rows);
                scope.spawn(move || {
                    let mut accumulator = init();
                    loop {
                        let next = match receiver.lock() {
                            Ok(receiver) => receiver.recv(),
                            Err(_) => break,
                        };
                        let Ok(raw) = next else { break };
                        let batch = raw.decode(columns, key_index);
                        rows.fetch_add(batch.len() as u64, std::sync::atomic::Ordering::Relaxed);
                        fold(&mut accumulator, &batch);
                    }
                    accumulator
                })
            })
            .collect();
        workers.into_iter().filter_map(|worker| worker.join().ok()).collect::<Vec<A>>()
    });
    let read_error = read_error.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    (accumulators, rows.into_inner(), read_error)
}

/// What one pass learns about one column.
#[derive(Debug, Clone)]
pub struct ColumnStats {
    pub values: u64,
    pub nulls: u64,
    pub all_integer: bool,
    pub all_number: bool,
    pub all_boolean: bool,
    pub all_timestamp: bool,
    /// Some values came typed as text (JSON strings, Parquet strings): never inferred as numbers.
    pub typed_text: bool,
    pub min: f64,
    pub max: f64,
    pub sum: f64,
    pub sum_squares: f64,
    pub numbers: u64,
    pub categories: HashMap<String, u64>,
    /// Values not counted in `categories` because the limit was reached.
    pub other: u64,
    pub distinct: HashSet<u64>,
    pub distinct_overflow: bool,
}

impl Default for ColumnStats {
    fn default() -> Self {
        ColumnStats {
            values: 0,
            nulls: 0,
            all_integer: true,
            all_number: true,
            all_boolean: true,
            all_timestamp: true,
            typed_text: false,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            sum: 0.0,
            sum_squares: 0.0,
            numbers: 0,
            categories: HashMap::new(),
            other: 0,
            distinct: HashSet::new(),
            distinct_overflow: false,
        }
    }
}

/// A value as a number, when it reads as one.
pub(crate) fn numeric_value(cell: CellRef<'_>) -> Option<f64> {
    match cell {
        CellRef::Int(value) => Some(value as f64),
        CellRef::Float(value) => Some(value),
        CellRef::Raw(bytes) => std::str::from_utf8(bytes).ok()?.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|value| value.is_finite())
}

/// A value's text for category counting.
pub(crate) fn category_text(cell: CellRef<'_>) -> String {
    cell.to_text().trim().to_string()
}

impl ColumnStats {
    fn add(&mut self, cell: CellRef<'_>) {
        if cell.is_null() {
            self.nulls += 1;
            return;
        }
        self.values += 1;
        let text = match cell {
            CellRef::Raw(bytes) => std::str::from_utf8(bytes).ok().map(str::trim),
            CellRef::Text(text) => {
                self.typed_text = true;
                Some(text)
            }
            _ => None,
        };
        let raw = matches!(cell, CellRef::Raw(_));
        self.all_integer &= match cell {
            CellRef::Int(_) => true,
            _ => raw && text.is_some_and(|text| text.parse::<i64>().is_ok()),
        };
        let number = numeric_value(cell);
        self.all_number &= matches!(cell, CellRef::Int(_) | CellRef::Float(_)) || (raw && number.is_some());
        self.all_boolean &= matches!(cell, CellRef::Bool(_)) || (raw && text.and_then(parse_bool).is_some());
        self.all_timestamp &= matches!(cell, CellRef::Timestamp(_)) || text.is_some_and(is_timestamp);
        if let Some(value) = number {
            self.numbers += 1;
            self.min = self.min.min(value);
            self.max = self.max.max(value);
            self.sum += value;
            self.sum_squares += value * value;
        }
        let key = category_text(cell);
        if let Some(count) = self.categories.get_mut(&key) {
            *count += 1;
        } else if self.categories.len() < CATEGORY_LIMIT {
            self.categories.insert(key, 1);
        } else {
            self.other += 1;
        }
        if !self.distinct_overflow {
            let mut hasher = std::hash::DefaultHasher::new();
            cell.hash_into(&mut hasher);
            self.distinct.insert(hasher.finish());
            if self.distinct.len() > DISTINCT_LIMIT {
                self.distinct_overflow = true;
                self.distinct = HashSet::new();
            }
        }
    }

    fn merge(&mut self, other: ColumnStats) {
        self.values += other.values;
        self.nulls += other.nulls;
        self.all_integer &= other.all_integer;
        self.all_number &= other.all_number;
        self.all_boolean &= other.all_boolean;
        self.all_timestamp &= other.all_timestamp;
        self.typed_text |= other.typed_text;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.sum += other.sum;
        self.sum_squares += other.sum_squares;
        self.numbers += other.numbers;
        self.other += other.other;
        for (key, count) in other.categories {
            if let Some(total) = self.categories.get_mut(&key) {
                *total += count;
            } else if self.categories.len() < CATEGORY_LIMIT {
                self.categories.insert(key, count);
            } else {
                self.other += count;
            }
        }
        if self.distinct_overflow || other.distinct_overflow {
            self.distinct_overflow = true;
            self.distinct = HashSet::new();
        } else {
            self.distinct.extend(other.distinct);
            if self.distinct.len() > DISTINCT_LIMIT {
                self.distinct_overflow = true;
                self.distinct = HashSet::new();
            }
        }
    }

    /// The type the values suggest.
    pub fn inferred_type(&self) -> ColumnType {
        if self.values == 0 {
            ColumnType::String
        } else if self.all_boolean {
            ColumnType::Boolean
        } else if self.all_integer {
            ColumnType::Integer
        } else if self.all_number {
            ColumnType::Number
        } else if self.all_timestamp {
            ColumnType::Timestamp
        } else if self.other == 0
            && self.categories.len() <= super::infer::ENUM_LIMIT
            && self.values >= 2 * self.categories.len() as u64
        {
            ColumnType::Category
        } else {
            ColumnType::String
        }
    }

    /// Distinct non-empty values, when counted exactly.
    pub fn distinct_count(&self) -> Option<u64> {
        (!self.distinct_overflow).then_some(self.distinct.len() as u64)
    }
}

/// Statistics of every column of a file (one pass).
#[derive(Debug, Clone)]
pub struct FileStats {
    pub data_file: String,
    pub format: String,
    pub columns: Vec<String>,
    pub rows: u64,
    /// Rows that could not be split into the columns (ragged CSV rows, bad JSON lines).
    pub malformed: u64,
    pub stats: Vec<ColumnStats>,
    pub read_error: Option<ReadError>,
}

/// One pass over the file: statistics per column.
pub fn file_stats(data_path: &Path) -> Result<FileStats, ReadError> {
    let reader = DataReader::open(data_path, None)?;
    let columns = reader.columns.clone();
    let format = reader.format.as_str().to_string();
    let width = columns.len();
    let (accumulators, rows, read_error) = scan(
        reader,
        0,
        || (vec![ColumnStats::default(); width], 0u64),
        |(stats, malformed), batch| {
            for row in 0..batch.len() {
                if batch.row_error(row).is_some() {
                    *malformed += 1;
                    continue;
                }
                for (column, column_stats) in stats.iter_mut().enumerate() {
                    column_stats.add(batch.cell(row, column));
                }
            }
        },
    );
    let mut stats = vec![ColumnStats::default(); width];
    let mut malformed = 0;
    for (worker_stats, worker_malformed) in accumulators {
        malformed += worker_malformed;
        for (total, column) in stats.iter_mut().zip(worker_stats) {
            total.merge(column);
        }
    }
    Ok(FileStats { data_file: super::display_path(data_path), format, columns, rows, malformed, stats, read_error })
}

// ---------------------------------------------------------------- the documented profile

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// The histogram spans `[min, max]` in equal-width bins; the last bin includes `max`.
    pub min: f64,
    pub max: f64,
    pub counts: Vec<u64>,
}

impl Histogram {
    pub fn bin_of(&self, value: f64) -> Option<usize> {
        let bins = self.counts.len();
        if value < self.min || value > self.max || bins == 0 {
            return None;
        }
        if self.max <= self.min {
            return Some(0);
        }
        let position = ((value - self.min) / (self.max - self.min) * bins as f64) as usize;
        Some(position.min(bins - 1))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryCount {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnProfile {
    pub name: String,
    #[serde(rename = "type")]
    pub column_type: ColumnType,
    /// Non-empty values.
    pub count: u64,
    pub nulls: u64,
    pub null_fraction: f64,
    pub distinct: Option<u64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub mean: Option<f64>,
    pub std: Option<f64>,
    /// Numeric columns.
    pub histogram: Option<Histogram>,
    /// Categorical columns (category, string, boolean with few values): the first 50 distinct
    /// values met and their counts, most frequent first; `other` counts the rest.
    pub categories: Option<Vec<CategoryCount>>,
    pub other: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// The data file the profile was taken from, as given on the command line.
    pub data_file: String,
    pub format: String,
    pub rows: u64,
    pub columns: Vec<ColumnProfile>,
}

fn round(value: f64) -> f64 {
    if value.is_finite() {
        (value * 1e9).round() / 1e9
    } else {
        value
    }
}

/// Profiles `data_path` (two streaming passes: statistics, then histograms). Column types come
/// from `dataset`'s schema where it names the column, else from the data.
pub fn profile(data_path: &Path, dataset: Option<&Dataset>) -> Result<Profile, DatasetError> {
    let stats = file_stats(data_path)?;
    if let Some(error) = stats.read_error {
        return Err(DatasetError::Read(error));
    }
    let stated_type = |name: &str| {
        dataset
            .and_then(|dataset| dataset.schema.iter().find(|column| column.name == name))
            .and_then(|column| ColumnType::parse(&column.column_type))
    };
    let mut columns: Vec<ColumnProfile> = stats
        .columns
        .iter()
        .zip(&stats.stats)
        .map(|(name, column)| {
            let column_type = stated_type(name).unwrap_or_else(|| column.inferred_type());
            let total = column.values + column.nulls;
            let numeric = column_type.is_numeric() && column.numbers > 0;
            let mean = numeric.then(|| column.sum / column.numbers as f64);
            let std = mean.map(|mean| (column.sum_squares / column.numbers as f64 - mean * mean).max(0.0).sqrt());
            let categorical = !numeric
                && column_type != ColumnType::Timestamp
                && (matches!(column_type, ColumnType::Category | ColumnType::Boolean) || column.other == 0);
            let categories = categorical.then(|| {
                let mut counts: Vec<CategoryCount> = column
                    .categories
                    .iter()
                    .map(|(value, count)| CategoryCount { value: value.clone(), count: *count })
                    .collect();
                counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
                counts
            });
            ColumnProfile {
                name: name.clone(),
                column_type,
                count: column.values,
                nulls: column.nulls,
                null_fraction: if total == 0 { 0.0 } else { round(column.nulls as f64 / total as f64) },
                distinct: column.distinct_count(),
                min: numeric.then_some(column.min),
                max: numeric.then_some(column.max),
                mean: mean.map(round),
                std: std.map(round),
                histogram: numeric.then(|| Histogram {
                    min: column.min,
                    max: column.max,
                    counts: vec![0; HISTOGRAM_BINS],
                }),
                categories,
                other: categorical.then_some(column.other),
            }
        })
        .collect();

    // Second pass: histogram counts over the ranges found in the first.
    let reader = DataReader::open(data_path, None)?;
    let histograms: Vec<Option<Histogram>> = columns.iter().map(|column| column.histogram.clone()).collect();
    let (accumulators, _, read_error) = scan(
        reader,
        0,
        || histograms.clone(),
        |histograms, batch| {
            for row in 0..batch.len() {
                if batch.row_error(row).is_some() {
                    continue;
                }
                for (column, histogram) in histograms.iter_mut().enumerate() {
                    let Some(histogram) = histogram else { continue };
                    if let Some(bin) = numeric_value(batch.cell(row, column)).and_then(|value| histogram.bin_of(value))
                    {
                        histogram.counts[bin] += 1;
                    }
                }
            }
        },
    );
    if let Some(error) = read_error {
        return Err(DatasetError::Read(error));
    }
    for worker in accumulators {
        for (column, histogram) in columns.iter_mut().zip(worker) {
            if let (Some(total), Some(part)) = (&mut column.histogram, histogram) {
                for (bin, count) in total.counts.iter_mut().zip(part.counts) {
                    *bin += count;
                }
            }
        }
    }
    Ok(Profile { data_file: stats.data_file, format: stats.format, rows: stats.rows, columns })
}

impl Profile {
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    pub fn from_json(rel_path: &str, text: &str) -> Result<Profile, DatasetError> {
        serde_json::from_str(text).map_err(|error| DatasetError::Profile {
            path: format!("{rel_path}:{}", error.line()),
            message: format!("not a Seam profile: {error}; take it again with `seam dataset profile`"),
        })
    }
}
