//! Opening the SQLite database and reading/writing documents and revisions.
//! `apply` is the indexer's hot path: one immediate transaction, cached statements.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::types::Type;
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};

use super::history::{insert_revision, ORIGIN_SEEN};
use super::migrations::MIGRATIONS;
use super::{DocumentRow, FileState, FileStates, IndexedDocument, ListFilter, StoreError};

/// The local store of one project. Owns one SQLite connection; open one `Store` per thread that
/// needs it (WAL mode lets readers proceed while the indexer writes).
#[derive(Debug)]
pub struct Store {
    pub(super) conn: Connection,
    pub(super) path: PathBuf,
    /// Set by `maintain_in_background`; stops its thread when the store closes.
    maintainer: Option<BackgroundMaintenance>,
    /// What `seam_bm25` estimates against on this connection (store/fts5.rs).
    pub(super) rank_bounds: std::sync::Arc<super::fts5::RankBounds>,
    /// Set while a database created by this open is being filled (see [`FreshBuild`]).
    fresh: Option<FreshBuild>,
}

/// A database this process created and is filling for the first time. Nothing in it exists
/// anywhere else yet (the folder is the truth, and a new database has no history), so until
/// [`Store::finish_fresh_build`] it is written without a journal and without syncs: every page is
/// written once, instead of once to the write-ahead log and again by the checkpoint (a rollback
/// journal kept in memory instead cost 56 MB at 100k documents). Without a journal a transaction
/// cannot be rolled back, and a build killed half-way may leave a torn file: the marker file next
/// to the database says the build is unfinished, and the next open deletes the database and
/// builds it again — as it does after an index run that failed or panicked (the store then leaves
/// the marker when it closes). Every open first takes the lock file next to the database, so a
/// second process waits for a build in progress instead of taking its marker for a stale one.
#[derive(Debug)]
struct FreshBuild {
    marker: PathBuf,
    /// Held until the build is finished.
    _lock: std::fs::File,
    /// An index run is writing, or failed: the database may hold half a transaction.
    writing: bool,
}

impl Drop for Store {
    /// A store closed before its indexer finished a fresh build finishes it if nothing was
    /// half-written (a command that opened a new database and did not index); after a failed or
    /// panicking index run it leaves the marker, so the next open starts over.
    fn drop(&mut self) {
        let _ = self.finish_fresh_build();
    }
}

/// How long an open waits for another process that is building the same database.
const FRESH_BUILD_WAIT: std::time::Duration = std::time::Duration::from_secs(300);

/// `path` with `suffix` appended to its file name (`seam.db` → `seam.db-building`).
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

impl FreshBuild {
    /// Takes the lock next to `db_path`, deletes what a build that never finished left, and
    /// returns the build (lock held, marker written) when no database exists; None otherwise
    /// (the lock is released).
    fn begin_if_new(db_path: &Path) -> Result<Option<FreshBuild>, StoreError> {
        let lock_path = sibling(db_path, "-lock");
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&lock_path)
            .map_err(io_error(&lock_path))?;
        let waited_from = std::time::Instant::now();
        loop {
            match lock.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) if waited_from.elapsed() < FRESH_BUILD_WAIT => {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(StoreError::Io {
                        path: db_path.to_path_buf(),
                        source: std::io::Error::new(
                            std::io::ErrorKind::WouldBlock,
                            "another Seam process has been building this database for minutes; try again when it is done",
                        ),
                    });
                }
                // A file system without locks (some network and FUSE mounts): open unguarded
                // rather than not at all; only two first opens at once could then collide.
                Err(std::fs::TryLockError::Error(_)) => break,
            }
        }
        let marker = sibling(db_path, "-building");
        if marker.exists() {
            // The lock is ours, so the build that wrote the marker is gone: its file may be torn.
            for path in [
                db_path.to_path_buf(),
                sibling(db_path, "-wal"),
                sibling(db_path, "-shm"),
                sibling(db_path, "-journal"),
            ] {
                match std::fs::remove_file(&path) {
                    Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(io_error(&path)(error)),
                    _ => {}
                }
            }
            std::fs::remove_file(&marker).map_err(io_error(&marker))?;
        }
        if db_path.exists() {
            return Ok(None);
        }
        // The marker is on disk before the database's first page.
        std::fs::File::create(&marker).and_then(|file| file.sync_all()).map_err(io_error(&marker))?;
        sync_parent(&marker).map_err(io_error(&marker))?;
        Ok(Some(FreshBuild { marker, _lock: lock, writing: false }))
    }
}

/// Maps an I/O error on `path` to the store's error (for `map_err`).
fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError {
    let path = path.to_path_buf();
    move |source| StoreError::Io { path, source }
}

/// Makes a file's creation or removal in its folder durable (a no-op where folders cannot be
/// opened for that).
fn sync_parent(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    if let Some(parent) = path.parent() {
        std::fs::File::open(parent)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// How often the background maintenance looks for work when it found none last time (see
/// `Store::maintain_in_background`).
const MAINTAIN_EVERY: std::time::Duration = std::time::Duration::from_secs(1);
/// Pause between two merge steps while there is merging to do: room for saves in between.
const MERGE_PAUSE: std::time::Duration = std::time::Duration::from_millis(20);
/// Pages one merge step writes, at most (a few milliseconds of work).
pub const MERGE_STEP_PAGES: i64 = 100;

/// One step of merging the full-text index's segments: Some(true) if it merged something, Some(false)
/// if there was nothing to merge (FTS5 then changes fewer than two rows), None if it could not
/// run (a save holds the lock, or an error): the next round tries again.
fn merge_step(conn: &Connection) -> Option<bool> {
    let before = conn.total_changes();
    conn.execute("INSERT INTO documents_fts (documents_fts, rank) VALUES ('merge', ?1)", [MERGE_STEP_PAGES]).ok()?;
    Some(conn.total_changes() - before >= 2)
}

/// A thread with its own connection that checkpoints the write-ahead log and merges full-text
/// segments (see `Store::maintain_in_background`).
#[derive(Debug)]
struct BackgroundMaintenance {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// The last merge step found work.
    merging: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for BackgroundMaintenance {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
    }
}

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
        let fresh = FreshBuild::begin_if_new(db_path)?;
        let mut conn = Connection::open(db_path).map_err(&sqlite_error)?;
        // journal_mode answers with the resulting mode, so it must be read back.
        let (journal_mode, synchronous) = if fresh.is_some() { ("OFF", "OFF") } else { ("WAL", "NORMAL") };
        conn.pragma_update_and_check(None, "journal_mode", journal_mode, |row| row.get::<_, String>(0))
            .map_err(&sqlite_error)?;
        conn.pragma_update(None, "synchronous", synchronous).map_err(&sqlite_error)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(&sqlite_error)?;
        conn.pragma_update(None, "cache_size", -CACHE_SIZE_KIB).map_err(&sqlite_error)?;
        conn.pragma_update(None, "temp_store", "MEMORY").map_err(&sqlite_error)?;
        let rank_bounds = super::fts5::register(&conn).map_err(&sqlite_error)?;
        MIGRATIONS
            .to_latest(&mut conn)
            .map_err(|error| StoreError::Migration { path: db_path.to_path_buf(), message: error.to_string() })?;
        // The full-text index's term list, for spelling out long prefixes (store/search.rs);
        // per connection, nothing stored.
        conn.execute_batch(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.documents_fts_terms
             USING fts5vocab('main', 'documents_fts', 'row')",
        )
        .map_err(&sqlite_error)?;
        Ok(Store { conn, path: db_path.to_path_buf(), maintainer: None, rank_bounds, fresh })
    }

    /// Ends a fresh build (see [`FreshBuild`]): the database goes to WAL mode, is synced to disk,
    /// and its marker is removed. The indexer calls it after its first run. A no-op otherwise, and
    /// after an index run that failed: that build is left for the next open to start over.
    pub fn finish_fresh_build(&mut self) -> Result<(), StoreError> {
        let Some(build) = self.fresh.take_if(|build| !build.writing) else {
            return Ok(());
        };
        let sqlite_error = sqlite_error_for(&self.path);
        self.conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))
            .map_err(&sqlite_error)?;
        self.conn.pragma_update(None, "synchronous", "NORMAL").map_err(&sqlite_error)?;
        std::fs::File::open(&self.path).and_then(|file| file.sync_all()).map_err(io_error(&self.path))?;
        std::fs::remove_file(&build.marker).map_err(io_error(&build.marker))?;
        sync_parent(&build.marker).map_err(io_error(&build.marker))
    }

    /// For a long-lived store that saves while someone waits (the app): keeps the two kinds of
    /// housekeeping SQLite would otherwise do inside some unlucky save off the save's path.
    ///
    /// - The write-ahead log: the writing connection stops checkpointing it — otherwise the save
    ///   that crosses SQLite's 1,000-page mark first copies the whole log into the database — and
    ///   a thread with its own connection runs a PASSIVE checkpoint instead, which never waits
    ///   for, nor blocks, a writer.
    /// - The full-text index's segments: every save adds a small segment, and FTS5 merges a level
    ///   once it has `automerge` (8) segments, all at once when it reaches `crisismerge` (16) —
    ///   after a large index run the first levels hold megabytes, so that merge cost one save
    ///   100–600 ms at 10k documents. The thread merges in steps of [`MERGE_STEP_PAGES`] pages
    ///   (FTS5's `merge` command, levels of `usermerge` (2) segments or more), one step every
    ///   [`MERGE_PAUSE`] while there is work, so saves find the levels short and never pay for a
    ///   merge; a save waits at most for one step.
    ///
    /// Once a second when idle. Stops with the store.
    pub fn maintain_in_background(&mut self) -> Result<(), StoreError> {
        use std::sync::atomic::{AtomicBool, Ordering};
        if self.maintainer.is_some() {
            return Ok(());
        }
        // Its connection needs the database in WAL mode.
        self.finish_fresh_build()?;
        let sqlite_error = sqlite_error_for(&self.path);
        let conn = Connection::open(&self.path).map_err(&sqlite_error)?;
        // A step that finds the database locked by a save skips its turn instead of waiting.
        conn.busy_timeout(std::time::Duration::ZERO).map_err(&sqlite_error)?;
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let merging = std::sync::Arc::new(AtomicBool::new(true));
        let thread = {
            let stop = std::sync::Arc::clone(&stop);
            let merging = std::sync::Arc::clone(&merging);
            std::thread::Builder::new()
                .name("seam-store-maintenance".to_string())
                .spawn(move || {
                    let mut pause = std::time::Duration::ZERO;
                    while !stop.load(Ordering::Relaxed) {
                        std::thread::park_timeout(pause);
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let merged = merge_step(&conn);
                        if let Some(merged) = merged {
                            merging.store(merged, Ordering::Relaxed);
                        }
                        pause = if merged == Some(false) { MAINTAIN_EVERY } else { MERGE_PAUSE };
                        // A busy database (another checkpoint running) simply waits for the next round.
                        let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                    }
                })
                .map_err(|source| StoreError::Io { path: self.path.clone(), source })?
        };
        self.maintainer = Some(BackgroundMaintenance { stop, merging, thread: Some(thread) });
        self.conn.pragma_update(None, "wal_autocheckpoint", 0).map_err(&sqlite_error)?;
        Ok(())
    }

    /// True while the background maintenance (see [`Store::maintain_in_background`]) is merging
    /// full-text segments — for some seconds after a large index run — and before its first
    /// step; false when it is idle or not running.
    pub fn background_merging(&self) -> bool {
        self.maintainer.as_ref().is_some_and(|maintainer| maintainer.merging.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// The database file this store reads and writes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// All indexed files: rel_path -> FileState, for incremental re-indexing by size/mtime/hash.
    pub fn file_states(&self) -> Result<FileStates, StoreError> {
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
        // Sized up front (counting is cheap next to reading the rows): growing the map would
        // rehash every path several times.
        let mut states = FileStates::with_capacity_and_hasher(self.document_count()?, Default::default());
        for row in rows {
            let (rel_path, state) = row.map_err(&sqlite_error)?;
            states.insert(rel_path, state);
        }
        Ok(states)
    }

    /// What the store knows about the files at `rel_paths` (those it has indexed), without
    /// reading every row: for re-indexing a few files the watcher reported.
    pub fn file_states_of(&self, rel_paths: &[String]) -> Result<FileStates, StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        let mut statement = self
            .conn
            .prepare_cached("SELECT size, mtime_ns, hash FROM documents WHERE rel_path = ?1")
            .map_err(&sqlite_error)?;
        let mut states = FileStates::default();
        for rel_path in rel_paths {
            let state = statement
                .query_row([rel_path], |row| {
                    Ok(FileState { size: u64_from_sql(row.get(0)?), mtime_ns: row.get(1)?, hash: row.get(2)? })
                })
                .optional()
                .map_err(&sqlite_error)?;
            if let Some(state) = state {
                states.insert(rel_path.clone(), state);
            }
        }
        Ok(states)
    }

    /// In one transaction: upserts every document (row, full-text entry, and a "seen" revision
    /// if its hash is new for that path) and deletes every rel_path in `removed` (row and
    /// full-text entry; revisions are kept).
    pub fn apply(&mut self, upserts: &[IndexedDocument], removed: &[String]) -> Result<(), StoreError> {
        self.apply_batches(std::iter::once(upserts), removed)
    }

    /// Like [`Store::apply`] for documents that arrive in batches (the indexer parses the next
    /// batch while this one is written): everything in one transaction, so the full-text index
    /// is built in large in-memory runs instead of one small segment per commit. A very large
    /// run commits every [`COMMIT_EVERY_BYTES`] of content to keep the write-ahead log bounded
    /// (the store is a cache: an interrupted run is completed by the next one). Deletions are
    /// applied in the last transaction, with the last batch.
    pub fn apply_batches<B>(
        &mut self,
        batches: impl IntoIterator<Item = B>,
        removed: &[String],
    ) -> Result<(), StoreError>
    where
        B: AsRef<[IndexedDocument]>,
    {
        let sqlite_error = sqlite_error_for(&self.path);
        let now_ms = unix_time_ms();
        if let Some(build) = &mut self.fresh {
            build.writing = true;
        }
        let mut transaction =
            self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&sqlite_error)?;
        let mut bytes_in_transaction = 0usize;
        for batch in batches {
            write_documents(&transaction, batch.as_ref(), now_ms).map_err(&sqlite_error)?;
            bytes_in_transaction += batch.as_ref().iter().map(|document| document.content.len()).sum::<usize>();
            if bytes_in_transaction >= COMMIT_EVERY_BYTES {
                transaction.commit().map_err(&sqlite_error)?;
                transaction =
                    self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&sqlite_error)?;
                bytes_in_transaction = 0;
            }
        }
        {
            let mut delete_document = transaction
                .prepare_cached("DELETE FROM documents WHERE rel_path = ?1 RETURNING doc_rowid")
                .map_err(&sqlite_error)?;
            let mut delete_fts =
                transaction.prepare_cached("DELETE FROM documents_fts WHERE rowid = ?1").map_err(&sqlite_error)?;
            for rel_path in removed {
                let doc_rowid: Option<i64> =
                    delete_document.query_row([rel_path], |row| row.get(0)).optional().map_err(&sqlite_error)?;
                if let Some(doc_rowid) = doc_rowid {
                    delete_fts.execute([doc_rowid]).map_err(&sqlite_error)?;
                }
            }
        }
        transaction.commit().map_err(&sqlite_error)?;
        if let Some(build) = &mut self.fresh {
            build.writing = false;
        }
        Ok(())
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

    /// The documents that link to `id` (in their front matter or body), other than documents
    /// with that id themselves, ordered by kind and title. Read from the index.
    pub fn backlinks(&self, id: &str) -> Result<Vec<DocumentRow>, StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        let mut statement = self
            .conn
            .prepare_cached(&format!(
                "SELECT {DOCUMENT_ROW_COLUMNS} FROM documents
                 WHERE id != ?1 AND EXISTS (SELECT 1 FROM json_each(documents.links) WHERE value = ?1)
                 ORDER BY kind IS NULL, kind, title, rel_path"
            ))
            .map_err(&sqlite_error)?;
        let rows = statement.query_map([id], document_row).map_err(&sqlite_error)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(&sqlite_error)
    }

    /// Number of indexed documents.
    pub fn document_count(&self) -> Result<usize, StoreError> {
        let sqlite_error = sqlite_error_for(&self.path);
        let count: i64 =
            self.conn.query_row("SELECT count(*) FROM documents", [], |row| row.get(0)).map_err(&sqlite_error)?;
        Ok(usize::try_from(count).unwrap_or(0))
    }
}

/// Content written per transaction during a large index run, at most (see `apply_batches`).
pub const COMMIT_EVERY_BYTES: usize = 64 * 1024 * 1024;

/// Upserts `documents` (row, full-text entry, "seen" revision) with cached statements.
fn write_documents(connection: &Connection, documents: &[IndexedDocument], now_ms: i64) -> rusqlite::Result<()> {
    if documents.is_empty() {
        return Ok(());
    }
    let mut upsert_document = connection.prepare_cached(
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
    )?;
    let mut indexed_before = connection.prepare_cached("SELECT 1 FROM documents WHERE rel_path = ?1")?;
    let mut delete_fts = connection.prepare_cached("DELETE FROM documents_fts WHERE rowid = ?1")?;
    let mut insert_fts = connection.prepare_cached(
        "INSERT INTO documents_fts (rowid, title, id, tags, field_text, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut rows = Vec::with_capacity(documents.len());
    for document in documents {
        let existed = indexed_before.exists([&document.rel_path])?;
        let doc_rowid: i64 = upsert_document.query_row(
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
        )?;
        insert_revision(
            connection,
            &document.rel_path,
            &document.hash,
            &document.content,
            document.compressed.as_deref(),
            now_ms,
            ORIGIN_SEEN,
        )?;
        rows.push((doc_rowid, existed));
    }
    // The full-text rows after all the others: every statement that needs a statement journal
    // (the upserts above) makes FTS5 flush its in-memory postings to a new segment, so
    // interleaving them would write one tiny segment per document and spend the index run
    // merging them.
    for (document, (doc_rowid, existed)) in documents.iter().zip(rows) {
        if existed {
            delete_fts.execute([doc_rowid])?;
        }
        insert_fts.execute(params![
            doc_rowid,
            document.title,
            document.id,
            document.tags.join(" "),
            document.field_text,
            document.body,
        ])?;
    }
    Ok(())
}

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
pub(super) fn u64_to_sql(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

pub(super) fn u64_from_sql(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

pub(super) fn unix_time_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
