//! Opening the SQLite database and reading/writing documents and revisions.
//! `apply` is the indexer's hot path: one immediate transaction, cached statements.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::types::Type;
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};

use super::migrations::MIGRATIONS;
use super::{DocumentRow, FileState, IndexedDocument, ListFilter, Revision, StoreError};

/// The local store of one project. Owns one SQLite connection; open one `Store` per thread that
/// needs it (WAL mode lets readers proceed while the indexer writes).
#[derive(Debug)]
pub struct Store {
    pub(super) conn: Connection,
    pub(super) path: PathBuf,
}

/// Origin of a revision row: content read from disk.
const ORIGIN_SEEN: &str = "seen";
/// Origin of a revision row: content Seam wrote itself.
const ORIGIN_WRITTEN: &str = "written";

/// Page cache for the connection, in KiB (negative = KiB for SQLite). Big enough that a cold
/// index's FTS merges stay in memory, small next to the indexer's memory target.
const CACHE_SIZE_KIB: i64 = 16 * 1024;

impl Store {
    /// Opens (creating folders as needed) the database of the project at `root`, migrated to the
    /// latest schema.
    pub fn open_for_project(root: &Path) -> Result<Store, StoreError> {
        Store::open_at(&Store::database_path_for(root)?)
    }

    /// Opens the database at `db_path` (created with its folders if missing), sets WAL mode,
    /// synchronous=NORMAL and foreign keys, and applies pending migrations atomically.
    pub fn open_at(db_path: &Path) -> Result<Store, StoreError> {
        if let Some(parent) = db_path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Io { path: parent.to_path_buf(), source })?;
        }
        let sqlite_error = sqlite_error_for(db_path);
        let mut conn = Connection::open(db_path).map_err(&sqlite_error)?;
        // journal_mode answers with the resulting mode, so it must be read back.
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))
            .map_err(&sqlite_error)?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(&sqlite_error)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(&sqlite_error)?;
        conn.pragma_update(None, "cache_size", -CACHE_SIZE_KIB).map_err(&sqlite_error)?;
        conn.pragma_update(None, "temp_store", "MEMORY").map_err(&sqlite_error)?;
        MIGRATIONS
            .to_latest(&mut conn)
            .map_err(|error| StoreError::Migration { path: db_path.to_path_buf(), message: error.to_string() })?;
        Ok(Store { conn, path: db_path.to_path_buf() })
    }

    /// The database file this store reads and writes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// All indexed files: rel_path -> FileState, for incremental re-indexing by size/mtime/hash.
    pub fn file_states(&self) -> Result<HashMap<String, FileState>, StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        let mut statement =
            self.conn.prepare_cached("SELECT rel_path, size, mtime_ns, hash FROM documents").map_err(&sqlite_error)?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    FileState { size: u64_from_sql(row.get(1)?), mtime_ns: row.get(2)?, hash: row.get(3)? },
                ))
            })
            .map_err(&sqlite_error)?;
        rows.collect::<Result<HashMap<_, _>, _>>().map_err(&sqlite_error)
    }

    /// In one transaction: upserts every document (row, full-text entry, and a "seen" revision
    /// if its hash is new for that path) and deletes every rel_path in `removed` (row and
    /// full-text entry; revisions are kept).
    pub fn apply(&mut self, upserts: &[IndexedDocument], removed: &[String]) -> Result<(), StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        let now_ms = unix_time_ms();
        let transaction = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&sqlite_error)?;
        {
            let mut upsert_document = transaction
                .prepare_cached(
                    "INSERT INTO documents (rel_path, id, kind, title, status, version, owners, tags,
                         links, hash, size, mtime_ns, error_count, indexed_at_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                     ON CONFLICT (rel_path) DO UPDATE SET
                         id = excluded.id, kind = excluded.kind, title = excluded.title,
                         status = excluded.status, version = excluded.version,
                         owners = excluded.owners, tags = excluded.tags, links = excluded.links,
                         hash = excluded.hash, size = excluded.size, mtime_ns = excluded.mtime_ns,
                         error_count = excluded.error_count, indexed_at_ms = excluded.indexed_at_ms
                     RETURNING doc_rowid",
                )
                .map_err(&sqlite_error)?;
            let mut delete_fts =
                transaction.prepare_cached("DELETE FROM documents_fts WHERE rowid = ?1").map_err(&sqlite_error)?;
            let mut insert_fts = transaction
                .prepare_cached(
                    "INSERT INTO documents_fts (rowid, title, id, tags, field_text, body)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(&sqlite_error)?;
            let mut insert_revision = transaction.prepare_cached(INSERT_REVISION_SQL).map_err(&sqlite_error)?;
            let mut delete_document = transaction
                .prepare_cached("DELETE FROM documents WHERE rel_path = ?1 RETURNING doc_rowid")
                .map_err(&sqlite_error)?;

            for document in upserts {
                let doc_rowid: i64 = upsert_document
                    .query_row(
                        params![
                            document.rel_path,
                            document.id,
                            document.kind,
                            document.title,
                            document.status,
                            document.version,
                            json_list(&document.owners),
                            json_list(&document.tags),
                            json_list(&document.links),
                            document.hash,
                            u64_to_sql(document.size),
                            document.mtime_ns,
                            document.error_count,
                            now_ms,
                        ],
                        |row| row.get(0),
                    )
                    .map_err(&sqlite_error)?;
                // A no-op for a document that was not indexed before (the cold-index case).
                delete_fts.execute([doc_rowid]).map_err(&sqlite_error)?;
                insert_fts
                    .execute(params![
                        doc_rowid,
                        document.title,
                        document.id,
                        document.tags.join(" "),
                        document.field_text,
                        document.body,
                    ])
                    .map_err(&sqlite_error)?;
                insert_revision
                    .execute(params![
                        document.rel_path,
                        document.hash,
                        u64_to_sql(document.size),
                        now_ms,
                        ORIGIN_SEEN,
                        document.content,
                    ])
                    .map_err(&sqlite_error)?;
            }

            for rel_path in removed {
                let doc_rowid: Option<i64> =
                    delete_document.query_row([rel_path], |row| row.get(0)).optional().map_err(&sqlite_error)?;
                if let Some(doc_rowid) = doc_rowid {
                    delete_fts.execute([doc_rowid]).map_err(&sqlite_error)?;
                }
            }
        }
        transaction.commit().map_err(&sqlite_error)
    }

    /// Records that Seam wrote `content` to `rel_path` (origin "written"). Idempotent per
    /// (rel_path, hash): content already known under that hash is not recorded again.
    pub fn record_written(&mut self, rel_path: &str, content: &str, hash: &str, size: u64) -> Result<(), StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        self.conn
            .prepare_cached(INSERT_REVISION_SQL)
            .and_then(|mut statement| {
                statement.execute(params![rel_path, hash, u64_to_sql(size), unix_time_ms(), ORIGIN_WRITTEN, content,])
            })
            .map(|_| ())
            .map_err(&sqlite_error)
    }

    /// Documents matching `filter`, ordered by kind (unknown kinds last), then title.
    pub fn list(&self, filter: &ListFilter) -> Result<Vec<DocumentRow>, StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        let mut statement = self
            .conn
            .prepare_cached(&format!(
                "SELECT {DOCUMENT_ROW_COLUMNS} FROM documents
                 WHERE (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR status = ?2)
                 ORDER BY kind IS NULL, kind, title, rel_path"
            ))
            .map_err(&sqlite_error)?;
        let rows = statement.query_map(params![filter.kind, filter.status], document_row).map_err(&sqlite_error)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(&sqlite_error)
    }

    /// Every document whose id is `id`. A Vec because two files can (wrongly) share an id;
    /// ordered by rel_path.
    pub fn document_by_id(&self, id: &str) -> Result<Vec<DocumentRow>, StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        let mut statement = self
            .conn
            .prepare_cached(&format!("SELECT {DOCUMENT_ROW_COLUMNS} FROM documents WHERE id = ?1 ORDER BY rel_path"))
            .map_err(&sqlite_error)?;
        let rows = statement.query_map([id], document_row).map_err(&sqlite_error)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(&sqlite_error)
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

    /// The full content of one revision, or None if Seam never saw that hash for that path.
    pub fn revision_content(&self, rel_path: &str, hash: &str) -> Result<Option<String>, StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        self.conn
            .prepare_cached("SELECT content FROM revisions WHERE rel_path = ?1 AND hash = ?2")
            .and_then(|mut statement| statement.query_row([rel_path, hash], |row| row.get(0)).optional())
            .map_err(&sqlite_error)
    }

    /// Number of indexed documents.
    pub fn document_count(&self) -> Result<usize, StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        let count: i64 =
            self.conn.query_row("SELECT count(*) FROM documents", [], |row| row.get(0)).map_err(&sqlite_error)?;
        Ok(usize::try_from(count).unwrap_or(0))
    }
}

const INSERT_REVISION_SQL: &str = "INSERT INTO revisions (rel_path, hash, size, seen_at_ms, origin, content)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
     ON CONFLICT (rel_path, hash) DO NOTHING";

const DOCUMENT_ROW_COLUMNS: &str = "rel_path, id, kind, title, status, version, owners, tags, hash, error_count";

fn document_row(row: &Row<'_>) -> rusqlite::Result<DocumentRow> {
    Ok(DocumentRow {
        rel_path: row.get(0)?,
        id: row.get(1)?,
        kind: row.get(2)?,
        title: row.get(3)?,
        status: row.get(4)?,
        version: row.get(5)?,
        owners: json_list_from_sql(row, 6)?,
        tags: json_list_from_sql(row, 7)?,
        hash: row.get(8)?,
        error_count: row.get(9)?,
    })
}

/// Builds the error mapper for one database path (kept as a free function so it can be used
/// while a transaction borrows the connection).
pub(super) fn sqlite_error_for(path: &Path) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |source| StoreError::Sqlite { path: path.to_path_buf(), source }
}

fn json_list(values: &[String]) -> String {
    // Serializing a slice of strings cannot fail; fall back to an empty list rather than panic.
    serde_json::to_string(values).unwrap_or_else(|_| String::from("[]"))
}

fn json_list_from_sql(row: &Row<'_>, index: usize) -> rusqlite::Result<Vec<String>> {
    let text: String = row.get(index)?;
    serde_json::from_str(&text)
        .map_err(|error| rusqlite::Error::FromSqlConversionFailure(index, Type::Text, Box::new(error)))
}

/// SQLite integers are signed; sizes beyond i64::MAX cannot occur for real files.
fn u64_to_sql(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn u64_from_sql(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

pub(super) fn unix_time_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
