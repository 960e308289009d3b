//! Local history: every version of a file Seam has seen on disk or written itself.
//!
//! `revisions` records (path, hash, size, time, origin); the content lives once per hash in
//! `blobs`, zstd-compressed. Retention keeps every revision younger than [`RETENTION_DAYS`] and
//! always the newest revision of each path (the base of the next three-way merge), whatever its age.

use rusqlite::{params, Connection, OptionalExtension};

use super::database::{sqlite_error_for, u64_from_sql, u64_to_sql, unix_time_ms};
use super::{Revision, Store, StoreError};

/// Origin of a revision row: content read from disk.
pub(super) const ORIGIN_SEEN: &str = "seen";
/// Origin of a revision row: content Seam wrote itself.
pub(super) const ORIGIN_WRITTEN: &str = "written";
/// Origin of a revision row: a sync tool's conflict copy, kept when the conflict was resolved.
pub const ORIGIN_CONFLICT_COPY: &str = "conflict-copy";

/// Revisions younger than this are always kept.
pub const RETENTION_DAYS: i64 = 30;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// zstd level: the fastest of the standard levels, since the cold index compresses every
/// document. Documents are small text where higher levels gain little (at 10k documents, 37.5 MB
/// compress to 17.3 MB at level 1 and to 17.1 MB at level 3, which took 1.6× the time).
const ZSTD_LEVEL: i32 = 1;

const INSERT_REVISION_SQL: &str = "INSERT INTO revisions (rel_path, hash, size, seen_at_ms, origin)
     VALUES (?1, ?2, ?3, ?4, ?5)
     ON CONFLICT (rel_path, hash) DO NOTHING";

/// `content` compressed as the history stores it. Callable from any thread: the indexer
/// compresses on its parsing threads, so the thread writing the store does not. Each thread keeps
/// one compression context (creating one per document cost as much as compressing).
pub fn compress_content(content: &str) -> std::io::Result<Vec<u8>> {
    thread_local! {
        static COMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
            const { std::cell::RefCell::new(None) };
    }
    COMPRESSOR.with(|cell| {
        let slot = &mut *cell.borrow_mut();
        let compressor = match slot {
            Some(compressor) => compressor,
            None => slot.insert(zstd::bulk::Compressor::new(ZSTD_LEVEL)?),
        };
        compressor.compress(content.as_bytes())
    })
}

/// Records one revision and stores its content if that hash is new, using `compressed` (the
/// content through [`compress_content`]) when the caller already has it. Used inside the
/// indexer's transaction and by [`Store::record_written`].
pub(super) fn insert_revision(
    conn: &Connection,
    rel_path: &str,
    hash: &str,
    content: &str,
    compressed: Option<&[u8]>,
    at_ms: i64,
    origin: &str,
) -> rusqlite::Result<()> {
    let inserted = conn.prepare_cached(INSERT_REVISION_SQL)?.execute(params![
        rel_path,
        hash,
        u64_to_sql(content.len() as u64),
        at_ms,
        origin
    ])?;
    if inserted == 0 {
        return Ok(());
    }
    let known: Option<i64> =
        conn.prepare_cached("SELECT 1 FROM blobs WHERE hash = ?1")?.query_row([hash], |row| row.get(0)).optional()?;
    if known.is_none() {
        let compressed = match compressed {
            Some(compressed) => std::borrow::Cow::Borrowed(compressed),
            None => std::borrow::Cow::Owned(
                compress_content(content).map_err(|error| rusqlite::Error::ToSqlConversionFailure(Box::new(error)))?,
            ),
        };
        conn.prepare_cached("INSERT INTO blobs (hash, codec, size, data) VALUES (?1, 'zstd', ?2, ?3)")?
            .execute(params![hash, u64_to_sql(content.len() as u64), compressed])?;
    }
    Ok(())
}

/// What retention removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    pub revisions: usize,
    pub blobs: usize,
}

/// Size of the history on disk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HistoryStats {
    pub revisions: usize,
    pub blobs: usize,
    /// Sum of the contents' sizes.
    pub content_bytes: u64,
    /// Sum of what is stored for them (compressed).
    pub stored_bytes: u64,
}

impl Store {
    /// Records that Seam wrote `content` to `rel_path` (origin "written"). Idempotent per
    /// (rel_path, hash): content already known under that hash is not recorded again.
    pub fn record_written(&mut self, rel_path: &str, content: &str, hash: &str, size: u64) -> Result<(), StoreError> {
        let _ = size;
        insert_revision(&self.conn, rel_path, hash, content, None, unix_time_ms(), ORIGIN_WRITTEN)
            .map_err(sqlite_error_for(&self.path))
    }

    /// Keeps `content` (read from `rel_path`) in history with the given origin, e.g. a conflict
    /// copy that is about to be removed from the folder.
    pub fn record_snapshot(
        &mut self,
        rel_path: &str,
        content: &str,
        hash: &str,
        origin: &str,
    ) -> Result<(), StoreError> {
        insert_revision(&self.conn, rel_path, hash, content, None, unix_time_ms(), origin)
            .map_err(sqlite_error_for(&self.path))
    }

    /// Every revision of `rel_path` Seam has seen or written, newest first. Includes files that
    /// have since been deleted.
    pub fn revisions(&self, rel_path: &str) -> Result<Vec<Revision>, StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT rel_path, hash, size, seen_at_ms, origin FROM revisions
                 WHERE rel_path = ?1
                 ORDER BY seen_at_ms DESC, revision_id DESC",
            )
            .map_err(&sqlite_error)?;
        let rows = statement
            .query_map([rel_path], |row| {
                Ok(Revision {
                    rel_path: row.get(0)?,
                    hash: row.get(1)?,
                    size: u64_from_sql(row.get(2)?),
                    seen_at_ms: row.get(3)?,
                    origin: row.get(4)?,
                })
            })
            .map_err(&sqlite_error)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(&sqlite_error)
    }

    /// The full content of one revision of `rel_path`, or None if Seam never saw that hash for
    /// that path (or retention has removed it).
    pub fn revision_content(&self, rel_path: &str, hash: &str) -> Result<Option<String>, StoreError> {
        let known: Option<i64> = self
            .conn
            .prepare_cached("SELECT 1 FROM revisions WHERE rel_path = ?1 AND hash = ?2")
            .and_then(|mut statement| statement.query_row([rel_path, hash], |row| row.get(0)).optional())
            .map_err(sqlite_error_for(&self.path))?;
        match known {
            Some(_) => self.blob(hash),
            None => Ok(None),
        }
    }

    /// The content stored under `hash`, whichever path it was seen at.
    pub fn blob(&self, hash: &str) -> Result<Option<String>, StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        let row: Option<(String, Vec<u8>, i64)> = self
            .conn
            .prepare_cached("SELECT codec, data, size FROM blobs WHERE hash = ?1")
            .and_then(|mut statement| {
                statement.query_row([hash], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?))).optional()
            })
            .map_err(&sqlite_error)?;
        let Some((codec, data, size)) = row else { return Ok(None) };
        let bytes = match codec.as_str() {
            "zstd" => zstd::bulk::decompress(&data, usize::try_from(size).unwrap_or(0).max(1)).map_err(|error| {
                StoreError::Corrupt { path: self.path.clone(), message: format!("history blob {hash}: {error}") }
            })?,
            _ => data,
        };
        String::from_utf8(bytes).map(Some).map_err(|_| StoreError::Corrupt {
            path: self.path.clone(),
            message: format!("history blob {hash} is not UTF-8"),
        })
    }

    /// Applies retention as of `now_ms`: removes revisions older than [`RETENTION_DAYS`] except
    /// the newest one of each path, then the blobs no revision refers to any more.
    pub fn prune_history(&mut self, now_ms: i64) -> Result<Pruned, StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        let cutoff = now_ms - RETENTION_DAYS * DAY_MS;
        let transaction = self.conn.transaction().map_err(&sqlite_error)?;
        let revisions = transaction
            .execute(
                "DELETE FROM revisions WHERE seen_at_ms < ?1 AND revision_id NOT IN (
                     SELECT revision_id FROM (
                         SELECT revision_id, row_number() OVER (
                             PARTITION BY rel_path ORDER BY seen_at_ms DESC, revision_id DESC) AS age
                         FROM revisions) WHERE age = 1)",
                [cutoff],
            )
            .map_err(&sqlite_error)?;
        let blobs = transaction
            .execute("DELETE FROM blobs WHERE hash NOT IN (SELECT hash FROM revisions)", [])
            .map_err(&sqlite_error)?;
        transaction.commit().map_err(&sqlite_error)?;
        Ok(Pruned { revisions, blobs })
    }

    /// How much history is kept, and its size before and after compression.
    pub fn history_stats(&self) -> Result<HistoryStats, StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        let revisions: i64 =
            self.conn.query_row("SELECT count(*) FROM revisions", [], |row| row.get(0)).map_err(&sqlite_error)?;
        let (blobs, content_bytes, stored_bytes): (i64, i64, i64) = self
            .conn
            .query_row(
                "SELECT count(*), coalesce(sum(size), 0), coalesce(sum(length(data)), 0) FROM blobs",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .map_err(&sqlite_error)?;
        Ok(HistoryStats {
            revisions: usize::try_from(revisions).unwrap_or(0),
            blobs: usize::try_from(blobs).unwrap_or(0),
            content_bytes: u64_from_sql(content_bytes),
            stored_bytes: u64_from_sql(stored_bytes),
        })
    }
}
