//! What the store reads and writes, beyond the domain types themselves.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use shanyraq_domain::{
    BatchId, Family, FamilyId, Kato, Membership, Observation, ObservationId, Person, PersonId,
    PersonName, SettlementType,
};
use time::Date;

/// Which engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A schema version: the number of the last migration applied. 0 is an empty database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MigrationOutcome {
    pub from: u32,
    pub to: u32,
}

/// The next free surrogate keys, so that a loader can assign keys itself (deterministically)
/// and write whole families in bulk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextIds {
    pub person: PersonId,
    pub family: FamilyId,
    pub batch: BatchId,
}

impl NextIds {
    /// The keys of an empty database.
    pub const FIRST: NextIds =
        NextIds { person: PersonId(1), family: FamilyId(1), batch: BatchId(1) };
}

/// A slice of a population written in one transaction: everything it references is either in the
/// chunk or already stored. Persons and families come with their keys assigned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PopulationChunk {
    pub persons: Vec<Person>,
    pub families: Vec<Family>,
    pub memberships: Vec<Membership>,
    pub observations: Vec<Observation>,
}

impl PopulationChunk {
    pub fn is_empty(&self) -> bool {
        self.persons.is_empty()
            && self.families.is_empty()
            && self.memberships.is_empty()
            && self.observations.is_empty()
    }
}

/// A stored observation with its key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredObservation {
    pub id: ObservationId,
    #[serde(flatten)]
    pub observation: Observation,
    /// The line of the feed file the fact came from (with `observation.batch`, its
    /// provenance); `None` for facts not loaded from a file.
    pub line: Option<u64>,
}

/// A member of a family as the card shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub person: Person,
    pub membership: Membership,
}

/// Everything the family card starts from: the family, its members (current and past, in
/// membership order), and the latest observation per indicator and subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyRecord {
    pub family: Family,
    pub members: Vec<Member>,
    pub latest_observations: Vec<StoredObservation>,
}

/// A person found by IIN, with the families they belong or belonged to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRecord {
    pub person: Person,
    pub memberships: Vec<Membership>,
}

/// A line in a list of families.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilySummary {
    pub id: FamilyId,
    pub territory: Kato,
    pub settlement_type: SettlementType,
    /// The current head, if the family has one.
    pub head: Option<PersonName>,
    /// Current members.
    pub member_count: u32,
}

/// Where a page of a territory listing resumes: after this family in (territory, id) order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyCursor {
    pub territory: Kato,
    pub id: FamilyId,
}

/// A page request for keyset paging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub after: Option<FamilyCursor>,
    /// Families per page. Backends clamp it to `1..=`[`PageRequest::MAX_LIMIT`] (see
    /// [`PageRequest::effective_limit`]), so that no request can make a page, or the buffer
    /// reserved for one, arbitrarily large.
    pub limit: u32,
    /// The day whose memberships count as current for `head` and `member_count`. The caller
    /// chooses it (the application: today in the country's time zone), so that the store never
    /// reads a clock and the answer does not depend on the server's zone.
    pub on: Date,
}

impl PageRequest {
    /// The largest page a backend returns.
    pub const MAX_LIMIT: u32 = 500;

    /// `limit` clamped to `1..=MAX_LIMIT`: the page size a backend actually uses.
    pub fn effective_limit(&self) -> u32 {
        self.limit.clamp(1, Self::MAX_LIMIT)
    }
}

/// A page of families, in (territory code, family id) order, stable across calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyPage {
    pub items: Vec<FamilySummary>,
    /// Present when more families follow.
    pub next: Option<FamilyCursor>,
}

/// Counts for statistics and benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StoreStats {
    pub families: u64,
    pub persons: u64,
    pub memberships: u64,
    pub observations: u64,
    pub batches: u64,
    pub territories: u64,
}

/// A column as the schema-parity test compares it: engine-neutral type class.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ColumnShape {
    pub name: String,
    /// One of `integer`, `text`, `real`, `blob`, `boolean`, `timestamp`, `date`.
    pub type_class: String,
    pub nullable: bool,
}

/// An explicitly created index: its table, columns in order, and whether it is unique.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct IndexShape {
    pub table: String,
    pub columns: Vec<String>,
    pub unique: bool,
}

/// A foreign key: `columns` of the owning table refer to `ref_columns` of `ref_table`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ForeignKeyShape {
    pub columns: Vec<String>,
    pub ref_table: String,
    pub ref_columns: Vec<String>,
}

/// A CHECK constraint, described by the columns it reads (sorted). The engines print the same
/// condition differently (PostgreSQL rewrites `BETWEEN` and `IN`), so the expression itself is not
/// compared; which columns are checked, and how many checks there are, is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CheckShape {
    pub columns: Vec<String>,
}

/// The schema as the parity test and the contract compare it. Per-table maps leave out tables
/// that have no entry of that kind (no foreign key, no CHECK).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SchemaShape {
    /// Table → columns in declaration order.
    pub tables: BTreeMap<String, Vec<ColumnShape>>,
    /// Index name → what it indexes; only explicitly created indexes (not those behind primary
    /// keys, whose names are engine-specific).
    pub indexes: BTreeMap<String, IndexShape>,
    /// Table → primary-key columns in key order.
    pub primary_keys: BTreeMap<String, Vec<String>>,
    /// Table → its foreign keys, sorted.
    pub foreign_keys: BTreeMap<String, Vec<ForeignKeyShape>>,
    /// Table → its CHECK constraints, sorted.
    pub checks: BTreeMap<String, Vec<CheckShape>>,
}
