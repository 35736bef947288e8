//! Agency feeds on PostgreSQL: batches that load a file exactly once, chunk by chunk, each chunk
//! in one transaction with the batch's counters and resume point; superseded facts kept as
//! history; report lines, pending rows and the change feed.

mod batches;
mod chunk;
mod decode;
mod encode;
mod plan;
mod reads;
mod refs;

use async_trait::async_trait;
use shanyraq_domain::{BatchId, FamilyId, Iin};
use shanyraq_store::{
    BatchPageRequest, BatchRecord, ChunkOutcome, FeedChunk, FeedStore, ImportIssue, IssueCursor,
    NewFeedBatch, PendingRow, ResolvedPerson, StoreResult,
};
use time::{Date, OffsetDateTime};

use crate::PostgresStore;

#[async_trait]
impl FeedStore for PostgresStore {
    async fn feed_batch_by_fingerprint(
        &self,
        feed: &str,
        fingerprint: &str,
    ) -> StoreResult<Option<BatchRecord>> {
        batches::by_fingerprint(&self.pool, feed, fingerprint).await
    }

    async fn start_feed_batch(
        &self,
        batch: &NewFeedBatch,
        header_issues: &[ImportIssue],
    ) -> StoreResult<BatchRecord> {
        batches::start(&self.pool, batch, header_issues).await
    }

    async fn resolve_persons(
        &self,
        iins: &[Iin],
        on: Date,
    ) -> StoreResult<Vec<Option<ResolvedPerson>>> {
        reads::resolve_persons(&self.pool, iins, on).await
    }

    async fn write_feed_chunk(&self, chunk: FeedChunk) -> StoreResult<ChunkOutcome> {
        chunk::write(&self.pool, &self.bulk, &chunk).await
    }

    async fn complete_feed_batch(
        &self,
        id: BatchId,
        rows_read: i64,
        at: OffsetDateTime,
    ) -> StoreResult<BatchRecord> {
        batches::complete(&self.pool, id, rows_read, at).await
    }

    async fn fail_feed_batch(
        &self,
        id: BatchId,
        error_code: &str,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        batches::fail_batch(&self.pool, id, error_code, at).await
    }

    async fn batch_record(&self, id: BatchId) -> StoreResult<Option<BatchRecord>> {
        batches::record(&self.pool, id).await
    }

    async fn list_batches(&self, page: BatchPageRequest) -> StoreResult<Vec<BatchRecord>> {
        batches::list(&self.pool, page).await
    }

    async fn batch_issues(
        &self,
        id: BatchId,
        after: Option<IssueCursor>,
        limit: u32,
    ) -> StoreResult<Vec<ImportIssue>> {
        reads::issues(&self.pool, id, after, limit).await
    }

    async fn pending_rows(&self, id: BatchId) -> StoreResult<Vec<PendingRow>> {
        reads::pending(&self.pool, id).await
    }

    async fn changed_families(&self, id: BatchId) -> StoreResult<Vec<FamilyId>> {
        reads::changed_families(&self.pool, id).await
    }
}
