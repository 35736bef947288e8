-- Well-being assessment: installed methodology versions, each family's current assessment, its
-- level history, level events for the inter-agency work, which change batches are assessed,
-- the medians behind the poverty line; proactive offers, the outbox and follow-up tasks. The
-- PostgreSQL migration mirrors this one (same columns in the same order, same index names).

-- A methodology file, verbatim; an installed version never changes.
CREATE TABLE methodologies (
    version        TEXT      NOT NULL PRIMARY KEY,
    effective_from DATE      NOT NULL,
    file_name      TEXT      NOT NULL,
    source         TEXT      NOT NULL,
    installed_at   TIMESTAMP NOT NULL
);

-- The current assessment per family. `seq`: the level-history entry that holds the result.
-- `detail`: contributions and overrides as JSON (rule indexes into the methodology version).
CREATE TABLE assessments (
    family_id   INTEGER NOT NULL PRIMARY KEY REFERENCES families (id),
    seq         INTEGER NOT NULL,
    assessed_on DATE    NOT NULL,
    methodology TEXT    NOT NULL REFERENCES methodologies (version),
    total       INTEGER NOT NULL,
    score_level TEXT    NOT NULL CHECK (score_level IN ('A', 'B', 'C', 'D', 'E')),
    level       TEXT    NOT NULL CHECK (level IN ('A', 'B', 'C', 'D', 'E')),
    trigger     TEXT    NOT NULL CHECK (trigger IN ('full', 'facts', 'methodology', 'manual')),
    detail      TEXT    NOT NULL
);

-- A row per change of result; clustered by family.
CREATE TABLE level_history (
    family_id   INTEGER NOT NULL REFERENCES families (id),
    seq         INTEGER NOT NULL,
    assessed_on DATE    NOT NULL,
    methodology TEXT    NOT NULL REFERENCES methodologies (version),
    total       INTEGER NOT NULL,
    level       TEXT    NOT NULL CHECK (level IN ('A', 'B', 'C', 'D', 'E')),
    trigger     TEXT    NOT NULL CHECK (trigger IN ('full', 'facts', 'methodology', 'manual')),
    PRIMARY KEY (family_id, seq)
) WITHOUT ROWID;

-- Families entering or staying at D/E, for the signals work to consume in id order.
CREATE TABLE level_events (
    id             INTEGER NOT NULL PRIMARY KEY,
    family_id      INTEGER NOT NULL REFERENCES families (id),
    kind           TEXT    NOT NULL CHECK (kind IN ('entered_crisis', 'stays_in_crisis')),
    level          TEXT    NOT NULL CHECK (level IN ('A', 'B', 'C', 'D', 'E')),
    previous_level TEXT    CHECK (previous_level IN ('A', 'B', 'C', 'D', 'E')),
    occurred_on    DATE    NOT NULL,
    methodology    TEXT    NOT NULL REFERENCES methodologies (version)
);
CREATE INDEX level_events_family_idx ON level_events (family_id);

-- Feed batches whose changed families have been re-assessed.
CREATE TABLE assessed_batches (
    batch_id    INTEGER   NOT NULL PRIMARY KEY REFERENCES import_batches (id),
    assessed_at TIMESTAMP NOT NULL
);

-- Median per-capita income per region on a day (the end of a quarter), for the poverty line.
CREATE TABLE region_medians (
    on_date     DATE    NOT NULL,
    region_code INTEGER NOT NULL,
    median      INTEGER NOT NULL,
    families    INTEGER NOT NULL,
    PRIMARY KEY (on_date, region_code)
) WITHOUT ROWID;

-- Proactive offers. At most one live (sent or accepted) offer per person and measure.
CREATE TABLE offers (
    id          INTEGER NOT NULL PRIMARY KEY,
    family_id   INTEGER NOT NULL REFERENCES families (id),
    person_id   INTEGER NOT NULL REFERENCES persons (id),
    measure     TEXT    NOT NULL,
    language    TEXT    NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('sent', 'accepted', 'declined', 'expired')),
    created_on  DATE    NOT NULL,
    expires_on  DATE    NOT NULL,
    closed_on   DATE
);
CREATE UNIQUE INDEX offers_live_key ON offers (person_id, measure)
    WHERE state IN ('sent', 'accepted');
CREATE INDEX offers_family_idx ON offers (family_id);
CREATE INDEX offers_expiry_idx ON offers (expires_on) WHERE state = 'sent';

-- Messages to people, kept until a delivery adapter takes them.
CREATE TABLE outbox (
    id           INTEGER   NOT NULL PRIMARY KEY,
    person_id    INTEGER   NOT NULL REFERENCES persons (id),
    offer_id     INTEGER   REFERENCES offers (id),
    channel      TEXT      NOT NULL,
    address      TEXT,
    language     TEXT      NOT NULL,
    body         TEXT      NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP
);
CREATE INDEX outbox_undelivered_idx ON outbox (id) WHERE delivered_at IS NULL;

-- Work for the district: an offer nobody answered.
CREATE TABLE tasks (
    id             INTEGER NOT NULL PRIMARY KEY,
    kind           TEXT    NOT NULL CHECK (kind IN ('offer_follow_up')),
    family_id      INTEGER NOT NULL REFERENCES families (id),
    territory_code INTEGER NOT NULL,
    offer_id       INTEGER REFERENCES offers (id),
    created_on     DATE    NOT NULL,
    status         TEXT    NOT NULL CHECK (status IN ('open', 'done'))
);
CREATE INDEX tasks_open_idx ON tasks (territory_code, id) WHERE status = 'open';
