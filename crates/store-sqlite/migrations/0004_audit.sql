-- The audit record: one row per access to personal data, an append-only hash chain. `hash` is
-- SHA-256 (64 hex digits) over the previous entry's hash and this entry's canonical encoding
-- (crates/domain/src/audit.rs). `at` is UTC to the microsecond. Triggers refuse changes and
-- deletions, so that the application itself cannot rewrite history through this connection.
-- The PostgreSQL migration mirrors this one (same columns in the same order).

CREATE TABLE audit_events (
    seq          INTEGER   NOT NULL PRIMARY KEY,
    at           TIMESTAMP NOT NULL,
    actor        TEXT      NOT NULL,
    on_behalf_of TEXT,
    action       TEXT      NOT NULL,
    subject      TEXT,
    purpose      TEXT,
    outcome      TEXT      NOT NULL CHECK (outcome IN ('allowed', 'denied')),
    request_id   TEXT      NOT NULL,
    hash         TEXT      NOT NULL
);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit entries cannot be changed');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit entries cannot be deleted');
END;
