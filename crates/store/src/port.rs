//! The store port: what the application needs from a database. Every backend implements it and
//! passes the contract suite (`contract`, behind the `contract` feature).

use async_trait::async_trait;
use shanyraq_domain::{
    BatchId, FamilyId, Iin, ImportBatch, Kato, Territory, TerritoryTree, TreeVersion,
};
use time::OffsetDateTime;

use crate::accounts::AccountStore;
use crate::assessment::AssessmentStore;
use crate::audit::AuditStore;
use crate::error::StoreResult;
use crate::feed::{
    BatchPageRequest, BatchRecord, ChunkOutcome, FeedChunk, ImportIssue, IssueCursor, NewFeedBatch,
    PendingRow, ResolvedPerson,
};
use crate::offers::OfferStore;
use crate::records::{
    Backend, FamilyPage, FamilyRecord, MigrationOutcome, NextIds, PageRequest, PersonRecord,
    PopulationChunk, SchemaShape, StoreStats,
};
use crate::tokens::TokenStore;

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
    /// The territory of each of `ids` that exists, in id order, each once.
    async fn family_territories(&self, ids: &[FamilyId]) -> StoreResult<Vec<(FamilyId, Kato)>>;
    async fn stats(&self) -> StoreResult<StoreStats>;
    /// Refreshes the query planner's statistics after a large load, so that the first reads
    /// after it get index plans (PostgreSQL plans a freshly loaded table as if it were tiny).
    async fn refresh_statistics(&self) -> StoreResult<()>;
}

/// Agency feeds: batches that load a file exactly once, chunk by chunk, resumable after a
/// crash; report lines; rows kept for matching; and the change feed of families whose facts
/// changed.
#[async_trait]
pub trait FeedStore: Send + Sync {
    /// The batch of `feed` that loaded a file with this fingerprint, in whatever status.
    async fn feed_batch_by_fingerprint(
        &self,
        feed: &str,
        fingerprint: &str,
    ) -> StoreResult<Option<BatchRecord>>;

    /// Starts a feed batch in status running with zero counts and `header_issues` as its first
    /// report lines, in one transaction. The store assigns the id. A failed batch with the same
    /// feed and fingerprint is restarted under its id instead; any other batch with them is a
    /// [`crate::StoreError::Conflict`].
    async fn start_feed_batch(
        &self,
        batch: &NewFeedBatch,
        header_issues: &[ImportIssue],
    ) -> StoreResult<BatchRecord>;

    /// For each IIN, the stored person and their family on `on` (the membership valid that
    /// day; if several, the one that began last), in the order asked.
    async fn resolve_persons(
        &self,
        iins: &[shanyraq_domain::Iin],
        on: time::Date,
    ) -> StoreResult<Vec<Option<ResolvedPerson>>>;

    /// Writes one chunk in one transaction: facts (skipping duplicates, superseding corrected
    /// values, which stay as history marked with this batch), the families whose facts changed,
    /// pending rows, report lines, and the batch's counters and resume point. Takes the chunk,
    /// so that a store that writes on another thread need not copy it.
    async fn write_feed_chunk(&self, chunk: FeedChunk) -> StoreResult<ChunkOutcome>;

    /// Marks a running batch complete, if its `rows_read` is `rows_read`; otherwise
    /// [`crate::StoreError::Conflict`] and nothing changes.
    async fn complete_feed_batch(
        &self,
        id: BatchId,
        rows_read: i64,
        at: OffsetDateTime,
    ) -> StoreResult<BatchRecord>;

    /// Marks a batch failed with `error_code` and takes back everything it wrote (facts,
    /// supersessions, changes, pending rows, report lines) in one transaction.
    async fn fail_feed_batch(
        &self,
        id: BatchId,
        error_code: &str,
        at: OffsetDateTime,
    ) -> StoreResult<()>;

    async fn batch_record(&self, id: BatchId) -> StoreResult<Option<BatchRecord>>;

    /// Batches of every kind, newest first.
    async fn list_batches(&self, page: BatchPageRequest) -> StoreResult<Vec<BatchRecord>>;

    /// A batch's report lines in (line, seq) order, after `after`, at most `limit` (clamped to
    /// 1..=10,000).
    async fn batch_issues(
        &self,
        id: BatchId,
        after: Option<IssueCursor>,
        limit: u32,
    ) -> StoreResult<Vec<ImportIssue>>;

    /// A batch's pending rows in line order.
    async fn pending_rows(&self, id: BatchId) -> StoreResult<Vec<PendingRow>>;

    /// The families whose facts a batch changed, in id order.
    async fn changed_families(&self, id: BatchId) -> StoreResult<Vec<FamilyId>>;
}

/// Everything the application needs, as one object.
pub trait Store:
    SchemaStore
    + TerritoryStore
    + BatchStore
    + PopulationStore
    + FeedStore
    + AssessmentStore
    + OfferStore
    + AuditStore
    + AccountStore
    + TokenStore
    + std::fmt::Debug
{
}

impl<T> Store for T where
    T: SchemaStore
        + TerritoryStore
        + BatchStore
        + PopulationStore
        + FeedStore
        + AssessmentStore
        + OfferStore
        + AuditStore
        + AccountStore
        + TokenStore
        + std::fmt::Debug
{
}
