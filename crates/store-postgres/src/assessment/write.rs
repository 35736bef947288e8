//! Writing a chunk of results in one transaction: the current assessments with one
//! `INSERT … SELECT FROM unnest(…) ON CONFLICT DO UPDATE`, the level history and the level events
//! with one `INSERT … SELECT FROM unnest(…)` each, every column bound as an array. An existing
//! history entry refuses the insert (SQLSTATE 23505): the caller gets
//! [`shanyraq_store::StoreError::Conflict`] and nothing of the chunk is written.
//!
//! A chunk is a bulk write ([`crate::bulk`], ADR 0009): every row names a family and a
//! methodology, and the foreign-key triggers checking those one row at a time cost more than the
//! rest of the write. When the role may turn them off, the chunk's families and methodologies
//! are checked and locked here as two sets instead, with the same outcome: a family or
//! methodology that is not stored is a conflict. A trigger added later to `assessments`,
//! `level_history` or `level_events` would be skipped on that path too: extend the check or
//! write these tables without it.

use shanyraq_store::{AssessmentChunk, StoreError, StoreResult, StoredAssessment};
use sqlx::{PgConnection, PgPool};

use crate::bulk::{self, BulkPath, BulkTransaction};
use crate::error::fail;
use crate::references::lock_stored;

/// Every statement binds whole columns as arrays: one round trip each, whatever the chunk's
/// size. (`COPY` was tried first: its closing message goes out as a separate small packet, which
/// waits out the server's delayed acknowledgement — about 40 ms per `COPY` over TCP, most of a
/// one-family write and a third of a full run.)
const UPSERT: &str = "INSERT INTO assessments (family_id, seq, assessed_on, methodology, total,
        score_level, level, trigger, detail)
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::date[], $4::text[], $5::bigint[],
        $6::text[], $7::text[], $8::text[], $9::text[])
    ON CONFLICT (family_id) DO UPDATE SET
        seq = excluded.seq, assessed_on = excluded.assessed_on,
        methodology = excluded.methodology, total = excluded.total,
        score_level = excluded.score_level, level = excluded.level,
        trigger = excluded.trigger, detail = excluded.detail";

const INSERT_HISTORY: &str = "INSERT INTO level_history (family_id, seq, assessed_on, methodology,
        total, level, trigger)
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::date[], $4::text[], $5::bigint[],
        $6::text[], $7::text[])";

/// Ids are drawn row by row in the order the rows come, so they ascend in the chunk's order.
const INSERT_EVENTS: &str = "INSERT INTO level_events (family_id, kind, level, previous_level,
        occurred_on, methodology)
    SELECT f, k, l, p, o, m
    FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::date[], $6::text[])
        WITH ORDINALITY AS t (f, k, l, p, o, m, n)
    ORDER BY n";

const LOCK_FAMILIES: &str = "SELECT id FROM families WHERE id = ANY($1) FOR KEY SHARE";

const LOCK_METHODOLOGIES: &str =
    "SELECT version FROM methodologies WHERE version = ANY($1) FOR KEY SHARE";

/// The assessments to write: for a family given twice, the later one (as if they were written
/// one after the other), in family order.
fn latest_per_family(assessments: &[StoredAssessment]) -> Vec<&StoredAssessment> {
    let mut order: Vec<usize> = (0..assessments.len()).collect();
    // Stable: a family's assessments keep their order, the last is the one kept.
    order.sort_by_key(|&i| assessments[i].family);
    let mut out: Vec<&StoredAssessment> = Vec::with_capacity(order.len());
    for i in order {
        let a = &assessments[i];
        match out.last_mut() {
            Some(last) if last.family == a.family => *last = a,
            _ => out.push(a),
        }
    }
    out
}

/// Checks that every family and methodology the chunk names is stored, and locks them as the
/// foreign-key triggers would.
async fn check_references(conn: &mut PgConnection, chunk: &AssessmentChunk) -> StoreResult<()> {
    let mut families: Vec<i64> = (chunk.assessments.iter().map(|a| a.family.0))
        .chain(chunk.history.iter().map(|h| h.family.0))
        .chain(chunk.events.iter().map(|e| e.family.0))
        .collect();
    families.sort_unstable();
    families.dedup();
    lock_stored(conn, LOCK_FAMILIES, &families, "family").await?;

    let mut versions: Vec<&str> = (chunk.assessments.iter().map(|a| a.methodology.as_str()))
        .chain(chunk.history.iter().map(|h| h.methodology.as_str()))
        .chain(chunk.events.iter().map(|e| e.methodology.as_str()))
        .collect();
    versions.sort_unstable();
    versions.dedup();
    let found: Vec<String> = sqlx::query_scalar(LOCK_METHODOLOGIES)
        .bind(&versions)
        .fetch_all(&mut *conn)
        .await
        .map_err(fail("checking references"))?;
    match versions.iter().find(|v| !found.iter().any(|f| f == *v)) {
        Some(missing) => Err(StoreError::Conflict(format!(
            "the chunk refers to methodology {missing}, which is not installed"
        ))),
        None => Ok(()),
    }
}

pub(crate) async fn chunk(
    pool: &PgPool,
    path: &BulkPath,
    chunk: &AssessmentChunk,
) -> StoreResult<()> {
    if chunk.assessments.is_empty() && chunk.history.is_empty() && chunk.events.is_empty() {
        return Ok(());
    }
    let BulkTransaction { mut tx, triggers_off } =
        bulk::begin(pool, path, "starting an assessment write").await?;
    if triggers_off {
        check_references(&mut tx, chunk).await?;
    }
    if !chunk.assessments.is_empty() {
        let a = latest_per_family(&chunk.assessments);
        sqlx::query(UPSERT)
            .bind(a.iter().map(|a| a.family.0).collect::<Vec<_>>())
            .bind(a.iter().map(|a| a.seq).collect::<Vec<_>>())
            .bind(a.iter().map(|a| a.assessed_on).collect::<Vec<_>>())
            .bind(a.iter().map(|a| a.methodology.as_str()).collect::<Vec<_>>())
            .bind(a.iter().map(|a| a.total).collect::<Vec<_>>())
            .bind(a.iter().map(|a| a.score_level.letter()).collect::<Vec<_>>())
            .bind(a.iter().map(|a| a.level.letter()).collect::<Vec<_>>())
            .bind(a.iter().map(|a| a.trigger.code()).collect::<Vec<_>>())
            .bind(a.iter().map(|a| a.detail.as_str()).collect::<Vec<_>>())
            .execute(&mut *tx)
            .await
            .map_err(fail("writing assessments"))?;
    }
    if !chunk.history.is_empty() {
        let h = &chunk.history;
        sqlx::query(INSERT_HISTORY)
            .bind(h.iter().map(|h| h.family.0).collect::<Vec<_>>())
            .bind(h.iter().map(|h| h.seq).collect::<Vec<_>>())
            .bind(h.iter().map(|h| h.assessed_on).collect::<Vec<_>>())
            .bind(h.iter().map(|h| h.methodology.as_str()).collect::<Vec<_>>())
            .bind(h.iter().map(|h| h.total).collect::<Vec<_>>())
            .bind(h.iter().map(|h| h.level.letter()).collect::<Vec<_>>())
            .bind(h.iter().map(|h| h.trigger.code()).collect::<Vec<_>>())
            .execute(&mut *tx)
            .await
            .map_err(fail("writing level history"))?;
    }
    if !chunk.events.is_empty() {
        let e = &chunk.events;
        sqlx::query(INSERT_EVENTS)
            .bind(e.iter().map(|e| e.family.0).collect::<Vec<_>>())
            .bind(e.iter().map(|e| e.kind.code()).collect::<Vec<_>>())
            .bind(e.iter().map(|e| e.level.letter()).collect::<Vec<_>>())
            .bind(e.iter().map(|e| e.previous.map(|l| l.letter())).collect::<Vec<_>>())
            .bind(e.iter().map(|e| e.occurred_on).collect::<Vec<_>>())
            .bind(e.iter().map(|e| e.methodology.as_str()).collect::<Vec<_>>())
            .execute(&mut *tx)
            .await
            .map_err(fail("writing level events"))?;
    }
    tx.commit().await.map_err(fail("committing assessments"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use shanyraq_domain::FamilyId;
    use shanyraq_domain::assessment::{Level, Trigger};
    use time::macros::date;

    fn assessment(family: i64, seq: i64) -> StoredAssessment {
        StoredAssessment {
            family: FamilyId(family),
            seq,
            assessed_on: date!(2026 - 01 - 01),
            methodology: "2026.1".into(),
            total: 0,
            score_level: Level::A,
            level: Level::A,
            trigger: Trigger::Full,
            detail: "{}".into(),
        }
    }

    #[test]
    fn the_later_assessment_of_a_family_wins() {
        let given = [assessment(3, 1), assessment(1, 1), assessment(3, 2), assessment(2, 1)];
        let kept: Vec<(i64, i64)> =
            latest_per_family(&given).iter().map(|a| (a.family.0, a.seq)).collect();
        assert_eq!(kept, [(1, 1), (2, 1), (3, 2)]);
    }
}
