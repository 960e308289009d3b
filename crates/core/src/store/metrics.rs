//! The measurement time series in the store: kept in step with the project's run files
//! (`metrics/<sheet-id>/*.json`) by `sync_metric_runs`, read per sheet by `metric_series`.

use std::collections::HashMap;

use rusqlite::{params, TransactionBehavior};

use super::database::sqlite_error_for;
use super::{Store, StoreError};
use crate::metrics::runs::RunFile;
use crate::metrics::SeriesPoint;

impl Store {
    /// Makes the stored runs equal to `runs` (all run files on disk): new and changed files are
    /// (re)written, vanished ones removed. Returns how many runs changed.
    pub fn sync_metric_runs(&mut self, runs: &[RunFile]) -> Result<usize, StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        let known: HashMap<String, String> = {
            let mut statement =
                self.conn.prepare_cached("SELECT rel_path, hash FROM metric_runs").map_err(&sqlite_error)?;
            let rows = statement
                .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))
                .map_err(&sqlite_error)?;
            rows.collect::<Result<_, _>>().map_err(&sqlite_error)?
        };
        let transaction = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&sqlite_error)?;
        let mut changed = 0;
        for run_file in runs {
            if known.get(&run_file.rel_path) == Some(&run_file.hash) {
                continue;
            }
            changed += 1;
            transaction
                .execute("DELETE FROM metric_runs WHERE rel_path = ?1", params![run_file.rel_path])
                .map_err(&sqlite_error)?;
            let run = &run_file.run;
            transaction
                .execute(
                    "INSERT INTO metric_runs (rel_path, hash, sheet, imported_at, source, format) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![run_file.rel_path, run_file.hash, run.sheet, run.imported_at, run.source, run.format],
                )
                .map_err(&sqlite_error)?;
            let mut insert = transaction
                .prepare_cached(
                    "INSERT INTO metric_points (run_path, sheet, requirement, metric, slice, name, value, at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .map_err(&sqlite_error)?;
            for point in &run.points {
                insert
                    .execute(params![
                        run_file.rel_path,
                        run.sheet,
                        point.requirement,
                        point.metric,
                        point.slice,
                        point.name,
                        point.value,
                        point.at
                    ])
                    .map_err(&sqlite_error)?;
            }
        }
        let on_disk: std::collections::HashSet<&str> = runs.iter().map(|run| run.rel_path.as_str()).collect();
        for rel_path in known.keys().filter(|rel_path| !on_disk.contains(rel_path.as_str())) {
            changed += 1;
            transaction
                .execute("DELETE FROM metric_runs WHERE rel_path = ?1", params![rel_path])
                .map_err(&sqlite_error)?;
        }
        transaction.commit().map_err(&sqlite_error)?;
        Ok(changed)
    }

    /// Every stored measurement of a sheet, oldest first.
    pub fn metric_series(&self, sheet: &str) -> Result<Vec<SeriesPoint>, StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        let mut statement = self
            .conn
            .prepare_cached(&format!("{SERIES_SQL} WHERE p.sheet = ?1 ORDER BY p.at, r.imported_at, p.rowid"))
            .map_err(&sqlite_error)?;
        let rows = statement.query_map(params![sheet], series_point).map_err(&sqlite_error)?;
        rows.collect::<Result<_, _>>().map_err(&sqlite_error)
    }

    /// [`Store::metric_series`] of every sheet with measurements, by sheet id: one query for
    /// a whole-project report.
    pub fn all_metric_series(&self) -> Result<std::collections::HashMap<String, Vec<SeriesPoint>>, StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        let mut statement = self
            .conn
            .prepare_cached(&format!("{SERIES_SQL} ORDER BY p.sheet, p.at, r.imported_at, p.rowid"))
            .map_err(&sqlite_error)?;
        let mut series: std::collections::HashMap<String, Vec<SeriesPoint>> = std::collections::HashMap::new();
        let mut rows = statement.query([]).map_err(&sqlite_error)?;
        while let Some(row) = rows.next().map_err(&sqlite_error)? {
            let sheet: String = row.get(8).map_err(&sqlite_error)?;
            series.entry(sheet).or_default().push(series_point(row).map_err(&sqlite_error)?);
        }
        Ok(series)
    }
}

/// A sheet's measurements with their run's source; `p.sheet` last (column 8).
const SERIES_SQL: &str = "SELECT p.requirement, p.metric, p.slice, p.name, p.value, p.at, r.source, p.run_path, p.sheet
     FROM metric_points p JOIN metric_runs r ON r.rel_path = p.run_path";

fn series_point(row: &rusqlite::Row<'_>) -> rusqlite::Result<SeriesPoint> {
    Ok(SeriesPoint {
        requirement: row.get(0)?,
        metric: row.get(1)?,
        slice: row.get(2)?,
        name: row.get(3)?,
        value: row.get(4)?,
        at: row.get(5)?,
        source: row.get(6)?,
        run: Some(row.get(7)?),
    })
}
