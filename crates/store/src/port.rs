//! The store port: what the application needs from a database. Every backend implements it and
//! passes the contract suite (`contract`, behind the `contract` feature).

use async_trait::async_trait;
use shanyraq_domain::{
    BatchId, FamilyId, Iin, ImportBatch, Kato, Territory, TerritoryTree, TreeVersion,
};
use time::OffsetDateTime;

use crate::error::StoreResult;
use crate::records::{
    Backend, FamilyPage, FamilyRecord, MigrationOutcome, NextIds, PageRequest, PersonRecord,
    PopulationChunk, SchemaShape, StoreStats,
};

/// Schema management. Opening a store never migrates: the application checks the version and
/// only `migrate` (or the demo) moves it, all pending steps in one transaction.
#[async_trait]
pub trait SchemaStore: Send + Sync {
    fn backend(&self) -> Backend;
    /// The newest schema version this build knows.
    fn supported_schema_version(&self) -> u32;
    /// The version the database is at; 0 for an empty database.
    async fn schema_version(&self) -> StoreResult<u32>;
    /// Applies every pending migration in one transaction. Refuses a schema newer than
    /// [`SchemaStore::supported_schema_version`].
    async fn migrate(&self) -> StoreResult<MigrationOutcome>;
    /// Tables, columns, indexes (with their uniqueness), primary and foreign keys and CHECK
    /// constraints as they are in the database, for the parity test and diagnostics.
    async fn describe_schema(&self) -> StoreResult<SchemaShape>;
}

/// The territory tree.
#[async_trait]
pub trait TerritoryStore: Send + Sync {
    /// Replaces the stored territories with `tree` and records its version, in one transaction.
    async fn replace_territories(&self, tree: &TerritoryTree) -> StoreResult<()>;
    /// The version of the stored tree, if one is loaded.
    async fn territory_version(&self) -> StoreResult<Option<TreeVersion>>;
    async fn territory(&self, code: Kato) -> StoreResult<Option<Territory>>;
    /// Direct children, in code order.
    async fn territory_children(&self, code: Kato) -> StoreResult<Vec<Territory>>;
}

/// Import batches: every observation points at the batch that brought it.
#[async_trait]
pub trait BatchStore: Send + Sync {
    /// Stores a new batch; its id must be free (see [`PopulationStore::next_ids`]).
    async fn create_batch(&self, batch: &ImportBatch) -> StoreResult<()>;
    async fn finish_batch(
        &self,
        id: BatchId,
        finished_at: OffsetDateTime,
        rows_accepted: i64,
        rows_rejected: i64,
    ) -> StoreResult<()>;
    async fn batch(&self, id: BatchId) -> StoreResult<Option<ImportBatch>>;
}

/// People, families, memberships and observations.
#[async_trait]
pub trait PopulationStore: Send + Sync {
    /// The next free keys. A loader that assigns keys itself must be the only writer meanwhile.
    async fn next_ids(&self) -> StoreResult<NextIds>;
    /// Writes a chunk in one transaction, on the engine's bulk path. All or nothing: a conflict
    /// (a key or IIN already stored) leaves the database as it was.
    async fn insert_population(&self, chunk: &PopulationChunk) -> StoreResult<()>;
    async fn family(&self, id: FamilyId) -> StoreResult<Option<FamilyRecord>>;
    async fn person_by_iin(&self, iin: Iin) -> StoreResult<Option<PersonRecord>>;
    /// Families whose territory lies in `root`'s subtree, in (territory, id) order: at most
    /// [`PageRequest::effective_limit`] of them, with heads and member counts as of
    /// [`PageRequest::on`].
    async fn families_in_territory(&self, root: Kato, page: PageRequest)
    -> StoreResult<FamilyPage>;
    async fn count_families_in_territory(&self, root: Kato) -> StoreResult<u64>;
    async fn stats(&self) -> StoreResult<StoreStats>;
    /// Refreshes the query planner's statistics after a large load, so that the first reads
    /// after it get index plans (PostgreSQL plans a freshly loaded table as if it were tiny).
    async fn refresh_statistics(&self) -> StoreResult<()>;
}

/// Everything the application needs, as one object.
pub trait Store:
    SchemaStore + TerritoryStore + BatchStore + PopulationStore + std::fmt::Debug
{
}

impl<T> Store for T where
    T: SchemaStore + TerritoryStore + BatchStore + PopulationStore + std::fmt::Debug
{
}
