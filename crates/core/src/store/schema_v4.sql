-- Version 4: results of `seam dataset validate`, kept on this device only (the data files they
-- describe are often not in the project folder, and a result is about this copy of the data).
CREATE TABLE dataset_validations (
    validation_id INTEGER PRIMARY KEY,
    rel_path      TEXT    NOT NULL,  -- the dataset note
    data_file     TEXT    NOT NULL,  -- the data file as given
    at_ms         INTEGER NOT NULL,
    complete      INTEGER NOT NULL,
    passed        INTEGER NOT NULL,
    rows          INTEGER NOT NULL,
    report        TEXT    NOT NULL   -- the report as JSON (docs/CLI.md, `dataset validate --json`)
);
CREATE INDEX dataset_validations_by_note ON dataset_validations (rel_path, at_ms);
