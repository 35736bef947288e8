-- Agency feeds: batches that load a file exactly once and resume after a crash, facts with their
-- file line and natural key, corrected facts kept as history, report lines, rows kept for
-- matching, and the change feed. Mirrors crates/store-sqlite/migrations/0002_feeds.sql (same
-- columns in the same order, same nullability, CHECKs and index names).

-- Generator batches written before this step keep their counts; feed batches fill every column.
ALTER TABLE import_batches ADD COLUMN source TEXT;
ALTER TABLE import_batches ADD COLUMN fingerprint TEXT;
ALTER TABLE import_batches ADD COLUMN status TEXT NOT NULL DEFAULT 'complete'
    CHECK (status IN ('running', 'complete', 'failed'));
ALTER TABLE import_batches ADD COLUMN rows_read BIGINT NOT NULL DEFAULT 0;
ALTER TABLE import_batches ADD COLUMN rows_duplicate BIGINT NOT NULL DEFAULT 0;
ALTER TABLE import_batches ADD COLUMN rows_pending BIGINT NOT NULL DEFAULT 0;
ALTER TABLE import_batches ADD COLUMN rows_superseded BIGINT NOT NULL DEFAULT 0;
ALTER TABLE import_batches ADD COLUMN warnings BIGINT NOT NULL DEFAULT 0;
ALTER TABLE import_batches ADD COLUMN updated_at TIMESTAMPTZ;
ALTER TABLE import_batches ADD COLUMN error_code TEXT;
UPDATE import_batches
SET rows_read = rows_accepted + rows_rejected,
    status = CASE WHEN finished_at IS NULL THEN 'running' ELSE 'complete' END,
    updated_at = COALESCE(finished_at, started_at);
-- One batch per file and feed: loading the same file again finds it.
CREATE UNIQUE INDEX import_batches_fingerprint_key ON import_batches (feed, fingerprint);

-- `line`: the file line a fact came from. `natural_key`: what makes a feed fact idempotent (NULL
-- for generated facts); compared byte by byte like SQLite's BINARY collation, which also makes
-- every key looked up or inserted cheaper to place in its index than under a locale's rules.
-- `superseded_by`: the batch that corrected the value; the row stays as history and is no longer
-- current.
ALTER TABLE observations ADD COLUMN line BIGINT;
ALTER TABLE observations ADD COLUMN natural_key TEXT COLLATE "C";
ALTER TABLE observations ADD COLUMN superseded_by BIGINT REFERENCES import_batches (id);
-- At most one current fact per natural key; generated facts (no key) stay out of the index.
CREATE UNIQUE INDEX observations_natural_key ON observations (natural_key)
    WHERE natural_key IS NOT NULL AND superseded_by IS NULL;

-- The change feed: families whose facts a batch changed, for re-assessment.
CREATE TABLE family_changes (
    batch_id  BIGINT NOT NULL REFERENCES import_batches (id),
    family_id BIGINT NOT NULL REFERENCES families (id),
    PRIMARY KEY (batch_id, family_id)
);
CREATE INDEX family_changes_family_idx ON family_changes (family_id);

-- Report lines, written with the chunk they belong to; messages are rendered from code and args
-- (a JSON array of [name, value] pairs) when the report is read.
CREATE TABLE import_issues (
    batch_id     BIGINT NOT NULL REFERENCES import_batches (id),
    line         BIGINT NOT NULL,
    seq          INTEGER NOT NULL,
    verdict      TEXT   NOT NULL
        CHECK (verdict IN ('rejected', 'warning', 'record_error', 'needs_matching')),
    column_key   TEXT   NOT NULL,
    value_masked TEXT   NOT NULL,
    code         TEXT   NOT NULL,
    args         TEXT   NOT NULL,
    PRIMARY KEY (batch_id, line, seq)
);

-- Valid rows whose person is not known yet, kept to be matched; `facts` is a JSON array of
-- PendingFact.
CREATE TABLE pending_rows (
    batch_id       BIGINT  NOT NULL REFERENCES import_batches (id),
    line           BIGINT  NOT NULL,
    reason         TEXT    NOT NULL CHECK (reason IN ('no_iin', 'unknown_person', 'no_family')),
    iin            TEXT,
    last_name      TEXT,
    first_name     TEXT,
    birth_date     DATE,
    territory_code INTEGER,
    facts          TEXT    NOT NULL,
    PRIMARY KEY (batch_id, line)
);
