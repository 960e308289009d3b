//! Results of `seam dataset validate`, kept per device: the latest report per dataset note is
//! what the app's dataset view shows.

use rusqlite::{params, OptionalExtension};

use super::database::{sqlite_error_for, unix_time_ms};
use super::{Store, StoreError};
use crate::dataset::validate::ValidationReport;

/// One stored validation run.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredValidation {
    pub at_ms: i64,
    pub report: ValidationReport,
}

impl Store {
    /// Records a validation report for the note at `rel_path`.
    pub fn record_validation(&mut self, rel_path: &str, report: &ValidationReport) -> Result<(), StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        let json = serde_json::to_string(report).unwrap_or_else(|_| String::from("{}"));
        self.conn
            .execute(
                "INSERT INTO dataset_validations (rel_path, data_file, at_ms, complete, passed, rows, report)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    rel_path,
                    report.data_file,
                    unix_time_ms(),
                    report.complete,
                    report.passed,
                    i64::try_from(report.rows).unwrap_or(i64::MAX),
                    json
                ],
            )
            .map_err(&sqlite_error)?;
        Ok(())
    }

    /// The latest validation of the note at `rel_path`, if it was ever validated on this device.
    /// A stored report this version cannot read is treated as absent.
    pub fn latest_validation(&self, rel_path: &str) -> Result<Option<StoredValidation>, StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        let row: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT at_ms, report FROM dataset_validations WHERE rel_path = ?1
                 ORDER BY at_ms DESC, validation_id DESC LIMIT 1",
                params![rel_path],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .map_err(&sqlite_error)?;
        Ok(row.and_then(|(at_ms, json)| {
            serde_json::from_str(&json).ok().map(|report| StoredValidation { at_ms, report })
        }))
    }
}
