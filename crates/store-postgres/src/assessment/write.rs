//! Writing a chunk of results in one transaction: the current assessments through binary `COPY`
//! into a temporary table and one `INSERT … ON CONFLICT DO UPDATE` from it (`COPY` cannot
//! replace rows), the level history and the level events straight through `COPY`. An existing
//! history entry refuses the `COPY` (SQLSTATE 23505): the caller gets
//! [`shanyraq_store::StoreError::Conflict`] and nothing of the chunk is written. (The temporary
//! table needs the role's `TEMPORARY` privilege on the database, which every role has unless an
//! administrator revoked it from `PUBLIC`.)
//!
//! A chunk is a bulk write ([`crate::bulk`], ADR 0009): every row names a family and a
//! methodology, and the foreign-key triggers checking those one row at a time cost more than the
//! rest of the write. When the role may turn them off, the chunk's families and methodologies
//! are checked and locked here as two sets instead, with the same outcome: a family or
//! methodology that is not stored is a conflict. A trigger added later to `assessments`,
//! `level_history` or `level_events` would be skipped on that path too: extend the check or
//! write these tables without it.

use shanyraq_store::{
    AssessmentChunk, HistoryEntry, LevelEvent, StoreError, StoreResult, StoredAssessment,
};
use sqlx::{PgConnection, PgPool};

use crate::bulk::{self, BulkPath, BulkTransaction};
use crate::copy::{BinaryRows, copy_rows};
use crate::error::fail;
use crate::references::lock_stored;

/// The chunk's assessments, gone at commit (or rollback).
const CREATE_STAGE: &str = "CREATE TEMPORARY TABLE assessment_stage
    (LIKE assessments INCLUDING DEFAULTS) ON COMMIT DROP";

const COPY_STAGE: &str = "COPY assessment_stage (family_id, seq, assessed_on, methodology, total, \
    score_level, level, trigger, detail) FROM STDIN (FORMAT binary)";

const UPSERT: &str = "INSERT INTO assessments (family_id, seq, assessed_on, methodology, total,
        score_level, level, trigger, detail)
    SELECT family_id, seq, assessed_on, methodology, total, score_level, level, trigger, detail
    FROM assessment_stage
    ON CONFLICT (family_id) DO UPDATE SET
        seq = excluded.seq, assessed_on = excluded.assessed_on,
        methodology = excluded.methodology, total = excluded.total,
        score_level = excluded.score_level, level = excluded.level,
        trigger = excluded.trigger, detail = excluded.detail";

const COPY_HISTORY: &str = "COPY level_history (family_id, seq, assessed_on, methodology, total, \
    level, trigger) FROM STDIN (FORMAT binary)";

/// Ids are drawn row by row in the order the rows come, so they ascend in the chunk's order.
const COPY_EVENTS: &str = "COPY level_events (family_id, kind, level, previous_level, \
    occurred_on, methodology) FROM STDIN (FORMAT binary)";

const LOCK_FAMILIES: &str = "SELECT id FROM families WHERE id = ANY($1) FOR KEY SHARE";

const LOCK_METHODOLOGIES: &str =
    "SELECT version FROM methodologies WHERE version = ANY($1) FOR KEY SHARE";

fn encode_assessment(out: &mut BinaryRows, a: &&StoredAssessment) {
    out.row(9);
    out.i64(a.family.0);
    out.i64(a.seq);
    out.date(a.assessed_on);
    out.text(&a.methodology);
    out.i64(a.total);
    out.text(a.score_level.letter());
    out.text(a.level.letter());
    out.text(a.trigger.code());
    out.text(&a.detail);
}

fn encode_history(out: &mut BinaryRows, h: &HistoryEntry) {
    out.row(7);
    out.i64(h.family.0);
    out.i64(h.seq);
    out.date(h.assessed_on);
    out.text(&h.methodology);
    out.i64(h.total);
    out.text(h.level.letter());
    out.text(h.trigger.code());
}

fn encode_event(out: &mut BinaryRows, e: &LevelEvent) {
    out.row(6);
    out.i64(e.family.0);
    out.text(e.kind.code());
    out.text(e.level.letter());
    out.opt_text(e.previous.map(|l| l.letter()));
    out.date(e.occurred_on);
    out.text(&e.methodology);
}

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
        let assessments = latest_per_family(&chunk.assessments);
        sqlx::raw_sql(CREATE_STAGE).execute(&mut *tx).await.map_err(fail("writing assessments"))?;
        copy_rows(&mut tx, "writing assessments", COPY_STAGE, &assessments, encode_assessment)
            .await?;
        sqlx::raw_sql(UPSERT).execute(&mut *tx).await.map_err(fail("writing assessments"))?;
    }
    copy_rows(&mut tx, "writing level history", COPY_HISTORY, &chunk.history, encode_history)
        .await?;
    copy_rows(&mut tx, "writing level events", COPY_EVENTS, &chunk.events, encode_event).await?;
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
