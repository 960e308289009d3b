-- Version 6: the full-text index gets prefix indexes for two- and three-character prefixes.
-- A search runs while the user types, so its last word is a prefix; without these, FTS5 merges
-- the posting list of every term that starts with it (thousands for `re`, `res`, `0`) on every
-- keystroke. FTS5 options cannot be altered, so the table is created anew, empty, and every
-- document is marked as not yet read (mtime -1): the next index run — which reports progress —
-- re-reads and fills it, rather than this migration copying 100k documents' text silently.
CREATE VIRTUAL TABLE documents_fts_v6 USING fts5 (
    title,
    id,
    tags,
    field_text,
    body,
    tokenize = 'porter unicode61 remove_diacritics 2',
    prefix = '2 3'
);
INSERT INTO documents_fts_v6 (documents_fts_v6, rank) VALUES ('rank', 'bm25(10.0, 6.0, 4.0, 2.0, 1.0)');
INSERT INTO documents_fts_v6 (documents_fts_v6, rank) VALUES ('hashsize', 16777216);
INSERT INTO documents_fts_v6 (documents_fts_v6, rank) VALUES ('automerge', 8);
UPDATE documents SET mtime_ns = -1;
DROP TABLE documents_fts;
ALTER TABLE documents_fts_v6 RENAME TO documents_fts;
-- The app merges segments in the background (`Store::maintain_in_background`, FTS5's `merge`
-- command); `usermerge` 2 lets it merge any level of two segments or more, so saves keep finding
-- short levels and never reach `automerge` or `crisismerge` themselves.
INSERT INTO documents_fts (documents_fts, rank) VALUES ('usermerge', 2);
