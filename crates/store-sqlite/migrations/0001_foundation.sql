-- Foundation: the territory tree, import batches, persons, families, memberships, observations.
-- Dates are TEXT `YYYY-MM-DD` (declared DATE), timestamps RFC 3339 UTC text (declared TIMESTAMP),
-- enumerations their code strings, KATO codes integers. The PostgreSQL schema mirrors this one:
-- same tables, columns, order, nullability and index names.

CREATE TABLE territory_versions (
    id        TEXT      NOT NULL PRIMARY KEY,
    as_of     DATE      NOT NULL,
    loaded_at TIMESTAMP NOT NULL
);

CREATE TABLE territories (
    code            INTEGER NOT NULL PRIMARY KEY,
    parent_code     INTEGER,
    level           INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    name_kk         TEXT    NOT NULL,
    name_ru         TEXT    NOT NULL,
    name_en         TEXT,
    settlement_type TEXT    NOT NULL
);
CREATE INDEX territories_parent_idx ON territories (parent_code);

CREATE TABLE import_batches (
    id            INTEGER   NOT NULL PRIMARY KEY,
    feed          TEXT      NOT NULL,
    label         TEXT      NOT NULL,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    rows_accepted INTEGER   NOT NULL,
    rows_rejected INTEGER   NOT NULL
);

CREATE TABLE persons (
    id              INTEGER NOT NULL PRIMARY KEY,
    iin             TEXT,
    iin_as_reported TEXT,
    last_name       TEXT    NOT NULL,
    first_name      TEXT    NOT NULL,
    patronymic      TEXT,
    birth_date      DATE    NOT NULL,
    sex             TEXT    NOT NULL CHECK (sex IN ('male', 'female')),
    language        TEXT,
    phone           TEXT,
    disability      TEXT,
    death_date      DATE
);
-- A named unique index rather than an inline UNIQUE, so that the name is the same in both engines.
CREATE UNIQUE INDEX persons_iin_key ON persons (iin);

-- No foreign key to territories: a newer classifier may retire a code a family still carries;
-- writers (the generator, and feeds) take codes from the loaded tree.
CREATE TABLE families (
    id              INTEGER NOT NULL PRIMARY KEY,
    territory_code  INTEGER NOT NULL,
    street          TEXT,
    house           TEXT,
    flat            TEXT,
    settlement_type TEXT    NOT NULL,
    registered_on   DATE    NOT NULL
);
CREATE INDEX families_territory_idx ON families (territory_code, id);

-- Clustered by family: the family card reads one family's memberships together.
CREATE TABLE memberships (
    family_id   INTEGER NOT NULL REFERENCES families (id),
    person_id   INTEGER NOT NULL REFERENCES persons (id),
    role        TEXT    NOT NULL CHECK (role IN ('head', 'spouse', 'child', 'parent', 'other')),
    valid_from  DATE    NOT NULL,
    valid_until DATE,
    PRIMARY KEY (family_id, person_id, valid_from)
) WITHOUT ROWID;
CREATE INDEX memberships_person_idx ON memberships (person_id);

CREATE TABLE observations (
    id          INTEGER NOT NULL PRIMARY KEY,
    family_id   INTEGER NOT NULL REFERENCES families (id),
    person_id   INTEGER REFERENCES persons (id),
    indicator   TEXT    NOT NULL,
    value_num   INTEGER,
    value_text  TEXT,
    source      TEXT    NOT NULL,
    observed_at DATE    NOT NULL,
    valid_from  DATE    NOT NULL,
    valid_until DATE,
    batch_id    INTEGER NOT NULL REFERENCES import_batches (id)
);
CREATE INDEX observations_family_idx ON observations (family_id, indicator, observed_at);
