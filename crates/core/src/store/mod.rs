//! The local SQLite store: index of documents, full-text search and revisions.
//! It lives in the OS app-data folder, one database per project, and can always be rebuilt
//! from the project folder.

mod database;
mod fts5;
mod history;
mod location;
mod metrics;
pub mod migrations;
mod search;
mod validations;

#[cfg(test)]
mod tests;

use std::path::PathBuf;

pub use database::Store;
pub use history::{compress_content, HistoryStats, Pruned, ORIGIN_CONFLICT_COPY, RETENTION_DAYS};
pub use location::DATA_DIR_ENV;
pub use migrations::MIGRATIONS;
pub use search::{RANK_CANDIDATES, SNIPPET_MATCH_END, SNIPPET_MATCH_START};
pub use validations::StoredValidation;

/// One document as the indexer hands it to the store. Plain data; the store never parses files.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedDocument {
    /// Path relative to the project root, with `/` separators. Primary key.
    pub rel_path: String,
    /// Front matter `id`, else the file stem.
    pub id: String,
    /// `requirements` | `contract` | `dataset` | `meeting`, or None when unknown / unparsable.
    pub kind: Option<String>,
    pub title: String,
    pub status: Option<String>,
    pub version: Option<String>,
    pub owners: Vec<String>,
    pub tags: Vec<String>,
    pub links: Vec<String>,
    /// Text of the structured fields worth searching (rationales, descriptions, ...), joined by newlines.
    pub field_text: String,
    pub body: String,
    /// Full file content as read (for revisions).
    pub content: String,
    /// `content` through [`compress_content`], when the indexer compressed it on a parsing
    /// thread; None: the store compresses it if the history does not have it yet.
    pub compressed: Option<Vec<u8>>,
    /// `sha256:<hex>` of the file bytes.
    pub hash: String,
    pub size: u64,
    pub mtime_ns: i64,
    /// Number of error-severity issues the parser/validator found in this file.
    pub error_count: u32,
}

/// What the store remembers about every indexed file, by rel_path. Hashed with FxHash: the keys
/// are the project's own paths, and a reopen hashes every one of them (SipHash's protection
/// against chosen keys costs several times more here).
pub type FileStates = std::collections::HashMap<String, FileState, rustc_hash::FxBuildHasher>;

/// What the store remembers about a file, to decide whether it must be re-read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileState {
    pub size: u64,
    pub mtime_ns: i64,
    pub hash: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub kind: Option<String>,
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DocumentRow {
    pub rel_path: String,
    pub id: String,
    pub kind: Option<String>,
    pub title: String,
    pub status: Option<String>,
    pub version: Option<String>,
    pub owners: Vec<String>,
    pub tags: Vec<String>,
    pub hash: String,
    pub error_count: u32,
}

/// Narrows a search to documents of one kind, status, owner (by name) and tag; `None` = any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchFilter {
    pub kind: Option<String>,
    pub status: Option<String>,
    pub owner: Option<String>,
    pub tag: Option<String>,
}

impl SearchFilter {
    pub fn is_empty(&self) -> bool {
        self.kind.is_none() && self.status.is_none() && self.owner.is_none() && self.tag.is_none()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub rel_path: String,
    pub id: String,
    pub kind: Option<String>,
    pub title: String,
    /// Plain text excerpt; matched terms between U+0002 and U+0003 ([`SNIPPET_MATCH_START`],
    /// [`SNIPPET_MATCH_END`]), converted to `<mark>` by `render::snippet_html` for display.
    pub snippet: String,
    /// Relevance (negated bm25): higher is better. Only meaningful within one result list.
    pub rank: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    pub rel_path: String,
    pub hash: String,
    pub size: u64,
    /// Unix time in milliseconds when Seam first saw or wrote this content.
    pub seen_at_ms: i64,
    /// "seen" (read from disk) or "written" (saved by Seam).
    pub origin: String,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Sqlite { path: PathBuf, source: rusqlite::Error },
    #[error("database {path}: migration failed: {message}")]
    Migration { path: PathBuf, message: String },
    #[error("database {path}: {message}")]
    Corrupt { path: PathBuf, message: String },
    #[error("cannot create the data folder {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}
