-- The audit record: one row per access to personal data, an append-only hash chain. Mirrors
-- crates/store-sqlite/migrations/0004_audit.sql. Two locks against rewriting it: no role but the
-- owner gets UPDATE, DELETE or TRUNCATE (deploy the application under a role that does not own
-- the table: docs/adr/0014), and triggers refuse them for everyone, the owner included.

CREATE TABLE audit_events (
    seq          BIGINT      NOT NULL PRIMARY KEY,
    at           TIMESTAMPTZ NOT NULL,
    actor        TEXT        NOT NULL,
    on_behalf_of TEXT,
    action       TEXT        NOT NULL,
    subject      TEXT,
    purpose      TEXT,
    outcome      TEXT        NOT NULL CHECK (outcome IN ('allowed', 'denied')),
    request_id   TEXT        NOT NULL,
    hash         TEXT        NOT NULL
);

REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM PUBLIC;

CREATE FUNCTION audit_events_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit entries cannot be changed or deleted' USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_refuse();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse();
