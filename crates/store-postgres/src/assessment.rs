//! Assessments on PostgreSQL: installed methodology versions, the inputs a batch assessment
//! streams (a few range queries per page, merged in memory), results written a chunk per
//! transaction through binary `COPY`, and the reads and aggregates built on them.

mod aggregates;
mod decode;
mod inputs;
mod methodology;
mod reads;
mod write;

use async_trait::async_trait;
use shanyraq_domain::{BatchId, FamilyId, Kato, KatoLevel};
use shanyraq_store::{
    AssessmentChunk, AssessmentInput, AssessmentStore, HistoryEntry, Installed, LevelCount,
    MethodologyRecord, Movement, RegionMedian, StoreResult, StoredAssessment, StoredLevelEvent,
};
use time::{Date, OffsetDateTime};

use crate::PostgresStore;

/// Most rows one page of a paged read returns.
const MAX_PAGE: u32 = 10_000;

/// `limit` within 1..=[`MAX_PAGE`], as a `LIMIT` parameter.
fn page_limit(limit: u32) -> i64 {
    i64::from(limit.clamp(1, MAX_PAGE))
}

#[async_trait]
impl AssessmentStore for PostgresStore {
    async fn install_methodology(&self, m: &MethodologyRecord) -> StoreResult<Installed> {
        methodology::install(&self.pool, m).await
    }

    async fn methodologies(&self) -> StoreResult<Vec<MethodologyRecord>> {
        methodology::list(&self.pool).await
    }

    async fn assessment_inputs(
        &self,
        after: Option<FamilyId>,
        limit: u32,
    ) -> StoreResult<Vec<AssessmentInput>> {
        inputs::page(&self.pool, after, page_limit(limit)).await
    }

    async fn assessment_inputs_for(&self, ids: &[FamilyId]) -> StoreResult<Vec<AssessmentInput>> {
        inputs::of(&self.pool, ids).await
    }

    async fn write_assessments(&self, chunk: AssessmentChunk) -> StoreResult<()> {
        write::chunk(&self.pool, &self.bulk, &chunk).await
    }

    async fn assessment(&self, family: FamilyId) -> StoreResult<Option<StoredAssessment>> {
        reads::assessment(&self.pool, family).await
    }

    async fn level_history(&self, family: FamilyId) -> StoreResult<Vec<HistoryEntry>> {
        reads::level_history(&self.pool, family).await
    }

    async fn level_events(
        &self,
        after: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<StoredLevelEvent>> {
        reads::level_events(&self.pool, after, page_limit(limit)).await
    }

    async fn unassessed_change_batches(&self) -> StoreResult<Vec<BatchId>> {
        reads::unassessed_change_batches(&self.pool).await
    }

    async fn mark_changes_assessed(
        &self,
        batches: &[BatchId],
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        reads::mark_changes_assessed(&self.pool, batches, at).await
    }

    async fn level_counts(&self, root: Kato, depth: KatoLevel) -> StoreResult<Vec<LevelCount>> {
        aggregates::level_counts(&self.pool, root, depth).await
    }

    async fn level_movements(
        &self,
        root: Kato,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<Movement>> {
        aggregates::level_movements(&self.pool, root, from, to).await
    }

    async fn region_medians(&self, on: Date) -> StoreResult<Option<Vec<RegionMedian>>> {
        reads::region_medians(&self.pool, on).await
    }

    async fn store_region_medians(&self, on: Date, medians: &[RegionMedian]) -> StoreResult<()> {
        reads::store_region_medians(&self.pool, on, medians).await
    }
}
