-- Accounts and access: staff and citizen accounts, their role grants (role, agency, territory
-- subtree) and sensitive-category grants, database-held sessions (so several application servers
-- share them), failed sign-ins for throttling, and break-glass accesses with their review.
-- Secrets are never stored: passwords as argon2id PHC strings, session ids as the SHA-256 (hex)
-- of the cookie's secret. The PostgreSQL migration mirrors this one.

CREATE TABLE accounts (
    id              INTEGER   NOT NULL PRIMARY KEY,
    login           TEXT      NOT NULL UNIQUE,
    kind            TEXT      NOT NULL CHECK (kind IN ('staff', 'citizen')),
    display_name    TEXT      NOT NULL,
    password_hash   TEXT      NOT NULL,
    iin             TEXT      UNIQUE,
    privilege_epoch INTEGER   NOT NULL DEFAULT 0,
    created_at      TIMESTAMP NOT NULL,
    disabled_at     TIMESTAMP
);

CREATE TABLE account_roles (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    role       TEXT    NOT NULL,
    agency     TEXT    NOT NULL,
    territory  INTEGER NOT NULL,
    PRIMARY KEY (account_id, role, agency, territory)
);

CREATE TABLE account_categories (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    category   TEXT    NOT NULL
        CHECK (category IN ('health', 'disability', 'violence', 'child_protection')),
    PRIMARY KEY (account_id, category)
);

CREATE TABLE sessions (
    id_hash         TEXT      NOT NULL PRIMARY KEY,
    account_id      INTEGER   NOT NULL REFERENCES accounts (id),
    created_at      TIMESTAMP NOT NULL,
    last_seen_at    TIMESTAMP NOT NULL,
    privilege_epoch INTEGER   NOT NULL,
    csrf_token      TEXT      NOT NULL
);
CREATE INDEX sessions_account_idx ON sessions (account_id);

-- One row per failed sign-in per key (`account:<login>`, `address:<ip>`).
CREATE TABLE login_failures (
    key TEXT      NOT NULL,
    at  TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_key_idx ON login_failures (key, at);

CREATE TABLE break_glass (
    id          INTEGER   NOT NULL PRIMARY KEY,
    account_id  INTEGER   NOT NULL REFERENCES accounts (id),
    family_id   INTEGER   NOT NULL REFERENCES families (id),
    reason      TEXT      NOT NULL,
    opened_at   TIMESTAMP NOT NULL,
    until       TIMESTAMP NOT NULL,
    reviewed_by INTEGER   REFERENCES accounts (id),
    reviewed_at TIMESTAMP,
    review_note TEXT
);
CREATE INDEX break_glass_account_idx ON break_glass (account_id, until);
CREATE INDEX break_glass_unreviewed_idx ON break_glass (opened_at) WHERE reviewed_at IS NULL;

-- Integration tokens for agency systems: scoped to feed sources (a JSON array of source keys)
-- and a territory subtree, expiring, revocable. `secret_hash`: SHA-256 (hex) of the token.
CREATE TABLE integration_tokens (
    id           INTEGER   NOT NULL PRIMARY KEY,
    name         TEXT        NOT NULL UNIQUE,
    secret_hash  TEXT        NOT NULL UNIQUE,
    sources      TEXT        NOT NULL,
    territory    INTEGER     NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP,
    last_used_at TIMESTAMP
);

-- One-time sign-in codes for citizens, sent through the outbox. `code_hash`: SHA-256 (hex) of
-- the salt and the code.
CREATE TABLE sign_in_challenges (
    id         INTEGER   NOT NULL PRIMARY KEY,
    account_id INTEGER     NOT NULL REFERENCES accounts (id),
    code_hash  TEXT        NOT NULL,
    salt       TEXT        NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    attempts   INTEGER     NOT NULL DEFAULT 0,
    used_at    TIMESTAMP
);
CREATE INDEX sign_in_challenges_account_idx ON sign_in_challenges (account_id);

-- The role and agency an audited action was done in, for the citizen's "who looked at my data",
-- and the index that finds a family's entries.
ALTER TABLE audit_events ADD COLUMN capacity TEXT;
CREATE INDEX audit_events_subject_idx ON audit_events (subject, seq);
