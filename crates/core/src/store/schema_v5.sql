-- Measurements: the time series of every requirement row, read from the project's
-- metrics/<sheet-id>/*.json run files (one file per import run). A cache like the rest of the
-- store: rebuilt from the folder, so deleting it loses nothing shared.
CREATE TABLE metric_runs (
    rel_path    TEXT PRIMARY KEY,
    hash        TEXT NOT NULL,
    sheet       TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    source      TEXT NOT NULL,
    format      TEXT NOT NULL
);

CREATE TABLE metric_points (
    run_path    TEXT NOT NULL REFERENCES metric_runs (rel_path) ON DELETE CASCADE,
    sheet       TEXT NOT NULL,
    requirement TEXT NOT NULL,
    metric      TEXT NOT NULL,
    slice       TEXT,
    name        TEXT NOT NULL,
    value       REAL NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX metric_points_by_row ON metric_points (sheet, requirement, at);
