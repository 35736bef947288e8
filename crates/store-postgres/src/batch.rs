//! Import batches as the generator writes them: created running, finished complete. Feed
//! batches have their own life cycle ([`crate::feed`]); both are the same rows.

use async_trait::async_trait;
use shanyraq_domain::{BatchId, ImportBatch};
use shanyraq_store::{BatchStore, StoreError, StoreResult};
use time::OffsetDateTime;

use crate::PostgresStore;
use crate::decode;
use crate::error::fail;

#[async_trait]
impl BatchStore for PostgresStore {
    async fn create_batch(&self, batch: &ImportBatch) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO import_batches
                 (id, feed, label, started_at, finished_at, rows_accepted, rows_rejected,
                  status, rows_read, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'running', $6 + $7, coalesce($5, $4))",
        )
        .bind(batch.id.0)
        .bind(&batch.feed)
        .bind(&batch.label)
        .bind(batch.started_at)
        .bind(batch.finished_at)
        .bind(batch.rows_accepted)
        .bind(batch.rows_rejected)
        .execute(&self.pool)
        .await
        .map_err(fail("storing an import batch"))?;
        Ok(())
    }

    async fn finish_batch(
        &self,
        id: BatchId,
        finished_at: OffsetDateTime,
        rows_accepted: i64,
        rows_rejected: i64,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE import_batches
             SET status = 'complete', finished_at = $2, updated_at = $2,
                 rows_accepted = $3, rows_rejected = $4, rows_read = $3 + $4
             WHERE id = $1",
        )
        .bind(id.0)
        .bind(finished_at)
        .bind(rows_accepted)
        .bind(rows_rejected)
        .execute(&self.pool)
        .await
        .map_err(fail("finishing an import batch"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("import batch {id}")));
        }
        Ok(())
    }

    async fn batch(&self, id: BatchId) -> StoreResult<Option<ImportBatch>> {
        let row = sqlx::query(
            "SELECT id, feed, label, started_at, finished_at, rows_accepted, rows_rejected
             FROM import_batches WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(fail("reading an import batch"))?;
        row.as_ref().map(decode::batch).transpose()
    }
}
