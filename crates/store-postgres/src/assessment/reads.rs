//! One family's assessment and history, the level events in id order, the change feed's
//! progress and the poverty-line medians.

use shanyraq_domain::{BatchId, FamilyId, Tenge};
use shanyraq_store::{
    HistoryEntry, RegionMedian, StoreError, StoreResult, StoredAssessment, StoredLevelEvent,
};
use sqlx::PgPool;
use time::{Date, OffsetDateTime};

use super::decode::{self, assessment_columns, event_columns, history_columns};
use crate::decode::{NOT_KATO, corrupt, to_kato};
use crate::error::fail;
use crate::read::int;

/// Complete batches that changed families and whose changes nobody has assessed yet.
const UNASSESSED: &str = "SELECT b.id FROM import_batches b
    WHERE b.status = 'complete'
      AND EXISTS (SELECT 1 FROM family_changes c WHERE c.batch_id = b.id)
      AND NOT EXISTS (SELECT 1 FROM assessed_batches a WHERE a.batch_id = b.id)
    ORDER BY b.id";

/// Batches marked already stay as they were.
const MARK_ASSESSED: &str = "INSERT INTO assessed_batches (batch_id, assessed_at)
    SELECT batch_id, $2 FROM unnest($1::bigint[]) AS marked (batch_id)
    ON CONFLICT (batch_id) DO NOTHING";

const ASSESSMENT: &str =
    concat!("SELECT ", assessment_columns!(), " FROM assessments WHERE family_id = $1");

const HISTORY: &str =
    concat!("SELECT ", history_columns!(), " FROM level_history WHERE family_id = $1 ORDER BY seq");

const EVENTS: &str =
    concat!("SELECT ", event_columns!(), " FROM level_events WHERE id > $1 ORDER BY id LIMIT $2");

const MEDIANS: &str = "SELECT region_code, median, families FROM region_medians
    WHERE on_date = $1 ORDER BY region_code";

const DELETE_MEDIANS: &str = "DELETE FROM region_medians WHERE on_date = $1";

const INSERT_MEDIANS: &str = "INSERT INTO region_medians (on_date, region_code, median, families)
    SELECT $1, region_code, median, families
    FROM unnest($2::int[], $3::bigint[], $4::bigint[]) AS m (region_code, median, families)";

pub(crate) async fn assessment(
    pool: &PgPool,
    family: FamilyId,
) -> StoreResult<Option<StoredAssessment>> {
    let row = sqlx::query(ASSESSMENT)
        .bind(family.0)
        .fetch_optional(pool)
        .await
        .map_err(fail("reading an assessment"))?;
    row.as_ref().map(decode::assessment).transpose()
}

pub(crate) async fn level_history(
    pool: &PgPool,
    family: FamilyId,
) -> StoreResult<Vec<HistoryEntry>> {
    sqlx::query(HISTORY)
        .bind(family.0)
        .fetch_all(pool)
        .await
        .map_err(fail("reading level history"))?
        .iter()
        .map(decode::history_entry)
        .collect()
}

pub(crate) async fn level_events(
    pool: &PgPool,
    after: Option<i64>,
    limit: i64,
) -> StoreResult<Vec<StoredLevelEvent>> {
    sqlx::query(EVENTS)
        .bind(after.unwrap_or(i64::MIN))
        .bind(limit)
        .fetch_all(pool)
        .await
        .map_err(fail("reading level events"))?
        .iter()
        .map(decode::level_event)
        .collect()
}

pub(crate) async fn unassessed_change_batches(pool: &PgPool) -> StoreResult<Vec<BatchId>> {
    let ids: Vec<i64> = sqlx::query_scalar(UNASSESSED)
        .fetch_all(pool)
        .await
        .map_err(fail("reading unassessed batches"))?;
    Ok(ids.into_iter().map(BatchId).collect())
}

pub(crate) async fn mark_changes_assessed(
    pool: &PgPool,
    batches: &[BatchId],
    at: OffsetDateTime,
) -> StoreResult<()> {
    if batches.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = batches.iter().map(|b| b.0).collect();
    sqlx::query(MARK_ASSESSED)
        .bind(&ids)
        .bind(at)
        .execute(pool)
        .await
        .map_err(fail("marking batches assessed"))?;
    Ok(())
}

pub(crate) async fn region_medians(
    pool: &PgPool,
    on: Date,
) -> StoreResult<Option<Vec<RegionMedian>>> {
    let rows: Vec<(i32, i64, i64)> = sqlx::query_as(MEDIANS)
        .bind(on)
        .fetch_all(pool)
        .await
        .map_err(fail("reading region medians"))?;
    if rows.is_empty() {
        return Ok(None);
    }
    let medians = rows
        .into_iter()
        .map(|(region, median, families)| {
            let at = |column, why| corrupt("region_medians", "region_code", region, column, why);
            Ok(RegionMedian {
                region: to_kato(region).ok_or_else(|| at("region_code", NOT_KATO))?,
                median: Tenge(median),
                families: u64::try_from(families)
                    .map_err(|_| at("families", "a negative count"))?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Some(medians))
}

pub(crate) async fn store_region_medians(
    pool: &PgPool,
    on: Date,
    medians: &[RegionMedian],
) -> StoreResult<()> {
    let regions: Vec<i32> = medians.iter().map(|m| int(m.region.as_u32())).collect();
    let values: Vec<i64> = medians.iter().map(|m| m.median.0).collect();
    let families = medians
        .iter()
        .map(|m| {
            i64::try_from(m.families).map_err(|_| {
                StoreError::Backend("a region median counts more families than fit".into())
            })
        })
        .collect::<StoreResult<Vec<i64>>>()?;
    let mut tx = pool.begin().await.map_err(fail("storing region medians"))?;
    sqlx::query(DELETE_MEDIANS)
        .bind(on)
        .execute(&mut *tx)
        .await
        .map_err(fail("replacing region medians"))?;
    if !medians.is_empty() {
        sqlx::query(INSERT_MEDIANS)
            .bind(on)
            .bind(&regions)
            .bind(&values)
            .bind(&families)
            .execute(&mut *tx)
            .await
            .map_err(fail("storing region medians"))?;
    }
    tx.commit().await.map_err(fail("committing region medians"))
}
