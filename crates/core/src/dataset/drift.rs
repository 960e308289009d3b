//! Drift of a new data file against the documented profile: PSI over the profile's categories
//! (plus "other") for categorical columns, PSI over ten equal-width bins of the profile's range
//! for numeric ones (values outside the range fall in the outer bins), and the Kolmogorov–Smirnov
//! statistic for numeric columns, measured on the profile's 100-bin grid (the largest gap between
//! the two cumulative distributions at the bin edges). Columns above the thresholds in the note's
//! `drift.thresholds` are flagged; without thresholds, PSI 0.2 and KS 0.1 (common practice).

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::profile::{category_text, numeric_value, scan, Profile};
use super::read::DataReader;
use super::{ColumnType, ReadError};
use crate::document::model::Dataset;

pub const DEFAULT_PSI: f64 = 0.2;
pub const DEFAULT_KS: f64 = 0.1;
/// Bins PSI is computed over for numeric columns (the profile's 100 bins, ten at a time).
const PSI_BINS: usize = 10;
/// Fractions are floored at this so an empty bin does not make PSI infinite.
const EPSILON: f64 = 1e-4;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    pub psi: f64,
    pub ks: f64,
    /// `true` when the note states them, `false` when the defaults apply.
    pub stated: bool,
}

impl Thresholds {
    pub fn of(dataset: &Dataset) -> Thresholds {
        let stated = dataset.drift.as_ref().and_then(|drift| drift.thresholds.clone());
        Thresholds {
            psi: stated.as_ref().and_then(|thresholds| thresholds.psi).unwrap_or(DEFAULT_PSI),
            ks: stated.as_ref().and_then(|thresholds| thresholds.ks).unwrap_or(DEFAULT_KS),
            stated: stated.is_some(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnDrift {
    pub name: String,
    /// `numeric`, `categorical`, or `not-compared` (`message` says why).
    pub method: String,
    pub psi: Option<f64>,
    pub ks: Option<f64>,
    pub reference_null_fraction: f64,
    pub null_fraction: Option<f64>,
    pub drifted: bool,
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriftReport {
    pub data_file: String,
    pub profile_of: String,
    pub rows: u64,
    pub reference_rows: u64,
    pub complete: bool,
    pub read_error: Option<ReadError>,
    pub thresholds: Thresholds,
    pub columns: Vec<ColumnDrift>,
    pub drifted: bool,
}

impl DriftReport {
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for column in &self.columns {
            let mark = if column.drifted {
                "DRIFT"
            } else if column.method == "not-compared" {
                "skip "
            } else {
                "ok   "
            };
            let psi = column.psi.map(|psi| format!(" psi {psi:.4}")).unwrap_or_default();
            let ks = column.ks.map(|ks| format!(" ks {ks:.4}")).unwrap_or_default();
            let message = column.message.as_deref().map(|message| format!(" ({message})")).unwrap_or_default();
            out.push_str(&format!("{mark} {} [{}]{psi}{ks}{message}\n", column.name, column.method));
        }
        let thresholds = format!(
            "psi > {}, ks > {}{}",
            self.thresholds.psi,
            self.thresholds.ks,
            if self.thresholds.stated { "" } else { " (defaults: the note states no drift.thresholds)" }
        );
        match &self.read_error {
            Some(error) => out.push_str(&format!("INCOMPLETE: {error}\n{} rows read before the error\n", self.rows)),
            None => out.push_str(&format!(
                "{} rows against a profile of {} rows; flagged when {thresholds}: {}\n",
                self.rows,
                self.reference_rows,
                if self.drifted { "drift found" } else { "no drift" }
            )),
        }
        out
    }
}

/// Population stability index of two distributions over the same bins (fractions summing to 1).
pub fn psi(expected: &[f64], actual: &[f64]) -> f64 {
    expected
        .iter()
        .zip(actual)
        .map(|(&expected, &actual)| {
            let (expected, actual) = (expected.max(EPSILON), actual.max(EPSILON));
            (actual - expected) * (actual / expected).ln()
        })
        .sum()
}

fn fractions(counts: &[u64]) -> Vec<f64> {
    let total: u64 = counts.iter().sum();
    counts.iter().map(|&count| if total == 0 { 0.0 } else { count as f64 / total as f64 }).collect()
}

fn round(value: f64) -> f64 {
    (value * 1e6).round() / 1e6
}

/// Per column of the profile, what the new file holds.
#[derive(Debug, Clone, Default)]
struct Observed {
    values: u64,
    nulls: u64,
    below: u64,
    above: u64,
    bins: Vec<u64>,
    categories: Vec<u64>,
    other: u64,
}

/// Compares `data_path` with `profile` (one streaming pass).
pub fn drift(profile: &Profile, data_path: &Path, thresholds: Thresholds) -> DriftReport {
    let shown = super::display_path(data_path);
    let mut report = DriftReport {
        data_file: shown,
        profile_of: profile.data_file.clone(),
        rows: 0,
        reference_rows: profile.rows,
        complete: false,
        read_error: None,
        thresholds,
        columns: Vec::new(),
        drifted: false,
    };
    let names: Vec<String> = profile.columns.iter().map(|column| column.name.clone()).collect();
    let reader = match DataReader::open(data_path, Some(&names)) {
        Ok(reader) => reader,
        Err(error) => {
            report.read_error = Some(error);
            return report;
        }
    };
    let positions: Vec<Option<usize>> = names.iter().map(|name| reader.key_index.get(name).copied()).collect();
    let category_index: Vec<HashMap<String, usize>> = profile
        .columns
        .iter()
        .map(|column| {
            column
                .categories
                .iter()
                .flatten()
                .enumerate()
                .map(|(position, category)| (category.value.clone(), position))
                .collect()
        })
        .collect();
    let init = || -> Vec<Observed> {
        profile
            .columns
            .iter()
            .map(|column| Observed {
                bins: vec![0; column.histogram.as_ref().map_or(0, |histogram| histogram.counts.len())],
                categories: vec![0; column.categories.as_ref().map_or(0, Vec::len)],
                ..Observed::default()
            })
            .collect()
    };
    let (accumulators, rows, read_error) = scan(reader, 0, init, |observed, batch| {
        for row in 0..batch.len() {
            if batch.row_error(row).is_some() {
                continue;
            }
            for (column, seen) in observed.iter_mut().enumerate() {
                let Some(position) = positions[column] else { continue };
                let cell = batch.cell(row, position);
                if cell.is_null() {
                    seen.nulls += 1;
                    continue;
                }
                seen.values += 1;
                let reference = &profile.columns[column];
                if let Some(histogram) = &reference.histogram {
                    if let Some(value) = numeric_value(cell) {
                        match histogram.bin_of(value) {
                            Some(bin) => seen.bins[bin] += 1,
                            None if value < histogram.min => seen.below += 1,
                            None => seen.above += 1,
                        }
                    }
                } else if reference.categories.is_some() {
                    match category_index[column].get(&category_text(cell)) {
                        Some(&slot) => seen.categories[slot] += 1,
                        None => seen.other += 1,
                    }
                }
            }
        }
    });
    let mut observed = init();
    for worker in accumulators {
        for (total, part) in observed.iter_mut().zip(worker) {
            total.values += part.values;
            total.nulls += part.nulls;
            total.below += part.below;
            total.above += part.above;
            total.other += part.other;
            for (bin, count) in total.bins.iter_mut().zip(part.bins) {
                *bin += count;
            }
            for (slot, count) in total.categories.iter_mut().zip(part.categories) {
                *slot += count;
            }
        }
    }
    report.rows = rows;
    report.complete = read_error.is_none();
    report.read_error = read_error;
    for ((reference, seen), position) in profile.columns.iter().zip(observed).zip(positions) {
        let mut column = ColumnDrift {
            name: reference.name.clone(),
            method: "not-compared".to_string(),
            psi: None,
            ks: None,
            reference_null_fraction: reference.null_fraction,
            null_fraction: None,
            drifted: false,
            message: None,
        };
        if position.is_none() {
            column.message = Some("column missing from the new file".to_string());
            report.columns.push(column);
            continue;
        }
        let total = seen.values + seen.nulls;
        column.null_fraction = Some(if total == 0 { 0.0 } else { round(seen.nulls as f64 / total as f64) });
        if let Some(histogram) = &reference.histogram {
            let new_in_range: u64 = seen.bins.iter().sum::<u64>() + seen.below + seen.above;
            if new_in_range == 0 {
                column.message = Some("no numeric values in the new file".to_string());
            } else {
                // PSI over ten coarse bins; values outside the profile's range fall in the outer ones.
                let group = histogram.counts.len().div_ceil(PSI_BINS).max(1);
                let mut expected: Vec<u64> = histogram.counts.chunks(group).map(|chunk| chunk.iter().sum()).collect();
                let mut actual: Vec<u64> = seen.bins.chunks(group).map(|chunk| chunk.iter().sum()).collect();
                if expected.is_empty() {
                    expected.push(0);
                    actual.push(0);
                }
                actual[0] += seen.below;
                if let Some(last) = actual.last_mut() {
                    *last += seen.above;
                }
                let psi_value = psi(&fractions(&expected), &fractions(&actual));
                // KS on the fine grid: the cumulative share at every bin edge.
                let reference_total: u64 = histogram.counts.iter().sum();
                let mut reference_cumulative = 0u64;
                let mut new_cumulative = seen.below;
                let mut ks_value = new_cumulative as f64 / new_in_range as f64;
                for (reference_count, new_count) in histogram.counts.iter().zip(&seen.bins) {
                    reference_cumulative += reference_count;
                    new_cumulative += new_count;
                    let gap = (reference_cumulative as f64 / reference_total.max(1) as f64
                        - new_cumulative as f64 / new_in_range as f64)
                        .abs();
                    ks_value = ks_value.max(gap);
                }
                column.method = "numeric".to_string();
                column.psi = Some(round(psi_value));
                column.ks = Some(round(ks_value));
                column.drifted = psi_value > thresholds.psi || ks_value > thresholds.ks;
                if seen.below + seen.above > 0 {
                    column.message = Some(format!("{} values outside the profile's range", seen.below + seen.above));
                }
            }
        } else if let Some(categories) = &reference.categories {
            let mut expected: Vec<u64> = categories.iter().map(|category| category.count).collect();
            expected.push(reference.other.unwrap_or(0));
            let mut actual = seen.categories.clone();
            actual.push(seen.other);
            if seen.values == 0 {
                column.message = Some("no values in the new file".to_string());
            } else {
                let psi_value = psi(&fractions(&expected), &fractions(&actual));
                column.method = "categorical".to_string();
                column.psi = Some(round(psi_value));
                column.drifted = psi_value > thresholds.psi;
                if seen.other > 0 && reference.other == Some(0) {
                    column.message = Some(format!("{} values the profile never saw", seen.other));
                }
            }
        } else {
            column.message = Some(match reference.column_type {
                ColumnType::Timestamp => "timestamps are not compared".to_string(),
                _ => "too many distinct values to compare".to_string(),
            });
        }
        report.drifted |= column.drifted;
        report.columns.push(column);
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn psi_of_identical_distributions_is_zero() {
        assert_eq!(psi(&[0.5, 0.5], &[0.5, 0.5]), 0.0);
    }

    #[test]
    fn psi_grows_with_the_shift() {
        let small = psi(&[0.5, 0.5], &[0.45, 0.55]);
        let large = psi(&[0.5, 0.5], &[0.1, 0.9]);
        assert!(small > 0.0 && small < 0.1, "{small}");
        assert!(large > 0.5, "{large}");
    }
}
