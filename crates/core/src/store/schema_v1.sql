-- Seam's local store, version 1. Everything here is a cache of the project folder plus local
-- history: deleting the database file loses nothing that is shared with the team.

-- One row per file in the project folder. `rel_path` is the logical key; `doc_rowid` is an
-- explicit INTEGER PRIMARY KEY so that the full-text rows can point at it and VACUUM cannot
-- renumber it (an implicit rowid may change on VACUUM).
CREATE TABLE documents (
    doc_rowid     INTEGER PRIMARY KEY,
    rel_path      TEXT    NOT NULL UNIQUE,
    id            TEXT    NOT NULL,
    kind          TEXT,
    title         TEXT    NOT NULL,
    status        TEXT,
    version       TEXT,
    owners        TEXT    NOT NULL DEFAULT '[]', -- JSON array of strings
    tags          TEXT    NOT NULL DEFAULT '[]', -- JSON array of strings
    links         TEXT    NOT NULL DEFAULT '[]', -- JSON array of strings
    hash          TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    mtime_ns      INTEGER NOT NULL,
    error_count   INTEGER NOT NULL DEFAULT 0,
    indexed_at_ms INTEGER NOT NULL
);
CREATE INDEX documents_by_id ON documents (id);
CREATE INDEX documents_by_kind ON documents (kind, title);
CREATE INDEX documents_by_status ON documents (status);

-- Full-text index. A regular (content-storing) FTS5 table: its rowid is documents.doc_rowid.
-- It keeps its own copy of the text so snippet() works and an upsert is a plain
-- delete-by-rowid + insert, without having to hand the old text back to FTS5.
CREATE VIRTUAL TABLE documents_fts USING fts5 (
    title,
    id,
    tags,
    field_text,
    body,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
-- bm25 weights per column: title highest, then id, tags, structured fields, body.
INSERT INTO documents_fts (documents_fts, rank) VALUES ('rank', 'bm25(10.0, 6.0, 4.0, 2.0, 1.0)');

-- Every version of a file Seam has seen on disk or written itself, with its full content so
-- later features can diff and three-way merge against a base. Kept when the file is deleted.
CREATE TABLE revisions (
    revision_id INTEGER PRIMARY KEY,
    rel_path    TEXT    NOT NULL,
    hash        TEXT    NOT NULL,
    size        INTEGER NOT NULL,
    seen_at_ms  INTEGER NOT NULL,
    origin      TEXT    NOT NULL CHECK (origin IN ('seen', 'written')),
    content     TEXT    NOT NULL,
    UNIQUE (rel_path, hash)
);
