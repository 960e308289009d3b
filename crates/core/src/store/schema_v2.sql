-- Version 2: revision contents move into a content-addressed, compressed blob table.
-- A blob is keyed by the file's `sha256:<hex>` hash, so the same content under two paths (a
-- rename, a copy) or seen twice is stored once. Existing contents are moved over uncompressed
-- (codec 'none'); new ones are written zstd-compressed.
CREATE TABLE blobs (
    hash  TEXT    NOT NULL PRIMARY KEY,
    codec TEXT    NOT NULL CHECK (codec IN ('none', 'zstd')),
    size  INTEGER NOT NULL, -- uncompressed size in bytes
    data  BLOB    NOT NULL
);
INSERT OR IGNORE INTO blobs (hash, codec, size, data)
    SELECT hash, 'none', size, CAST(content AS BLOB) FROM revisions;
-- Rebuilt without `content`, and with one more origin: a sync tool's conflict copy, kept in
-- history when the conflict is resolved and the copy leaves the folder.
CREATE TABLE revisions_v2 (
    revision_id INTEGER PRIMARY KEY,
    rel_path    TEXT    NOT NULL,
    hash        TEXT    NOT NULL,
    size        INTEGER NOT NULL,
    seen_at_ms  INTEGER NOT NULL,
    origin      TEXT    NOT NULL CHECK (origin IN ('seen', 'written', 'conflict-copy')),
    UNIQUE (rel_path, hash)
);
INSERT INTO revisions_v2 (revision_id, rel_path, hash, size, seen_at_ms, origin)
    SELECT revision_id, rel_path, hash, size, seen_at_ms, origin FROM revisions;
DROP TABLE revisions;
ALTER TABLE revisions_v2 RENAME TO revisions;
-- Retention prunes by age.
CREATE INDEX revisions_by_time ON revisions (seen_at_ms);
