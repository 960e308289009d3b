-- Seam's local store, version 3: full-text index settings for large projects (10k-100k
-- documents). Settings only; the tables of version 1 are unchanged.

-- FTS5 buffers new postings in memory and writes a segment when the buffer exceeds `hashsize`
-- (or the transaction ends). The default 1 MB makes a cold index of 10k documents write dozens
-- of small segments and spend much of its time merging them; 16 MB writes a few large ones.
INSERT INTO documents_fts (documents_fts, rank) VALUES ('hashsize', 16777216);
-- Merge segments eight at a time instead of four: fewer, larger merges while indexing.
INSERT INTO documents_fts (documents_fts, rank) VALUES ('automerge', 8);
