//! Reading assessments back: methodology versions, a family's assessment and history, level
//! events, the change batches still to assess, medians, and the aggregates by territory.

use std::sync::LazyLock;

use rusqlite::Connection;
use shanyraq_domain::{BatchId, FamilyId, Kato, KatoLevel, Tenge};
use shanyraq_store::{
    HistoryEntry, LevelCount, MethodologyRecord, Movement, RegionMedian, StoreResult,
    StoredAssessment, StoredLevelEvent,
};
use time::Date;

use super::MAX_PAGE;
use super::decode::{
    self, ASSESSMENT_COLUMNS, EVENT_COLUMNS, HISTORY_COLUMNS, METHODOLOGY_COLUMNS, level,
};
use crate::codec::DateText;
use crate::decode::Cells;
use crate::error::store_error;

static METHODOLOGIES: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {METHODOLOGY_COLUMNS} FROM methodologies"));
static ASSESSMENT_OF_FAMILY: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE family_id = ?1"));
static HISTORY_OF_FAMILY: LazyLock<String> = LazyLock::new(|| {
    format!("SELECT {HISTORY_COLUMNS} FROM level_history WHERE family_id = ?1 ORDER BY seq")
});
static EVENTS_AFTER: LazyLock<String> = LazyLock::new(|| {
    format!("SELECT {EVENT_COLUMNS} FROM level_events WHERE id > ?1 ORDER BY id LIMIT ?2")
});

/// Complete batches with changed families and no record of their assessment.
const UNASSESSED: &str = "SELECT b.id FROM import_batches b WHERE b.status = 'complete' \
    AND EXISTS (SELECT 1 FROM family_changes c WHERE c.batch_id = b.id) \
    AND NOT EXISTS (SELECT 1 FROM assessed_batches a WHERE a.batch_id = b.id) ORDER BY b.id";

/// Assessed families of a code range by (the code with its lower `?3` digits zeroed, level).
const COUNTS: &str = "SELECT f.territory_code / ?3 * ?3 AS t, a.level, count(*) \
    FROM families f JOIN assessments a ON a.family_id = f.id \
    WHERE f.territory_code BETWEEN ?1 AND ?2 GROUP BY t, a.level ORDER BY t, a.level";

/// Families of a code range by their level on `?3` and on `?4`: the level of their latest
/// history entry (greatest seq) made on or before the day. ISO dates compare as text; NULL
/// (no entry yet on the first day) sorts first.
const MOVEMENTS: &str = "SELECT was, now, count(*) FROM (\
        SELECT (SELECT h.level FROM level_history h WHERE h.family_id = f.id \
                AND h.assessed_on <= ?3 ORDER BY h.seq DESC LIMIT 1) AS was, \
               (SELECT h.level FROM level_history h WHERE h.family_id = f.id \
                AND h.assessed_on <= ?4 ORDER BY h.seq DESC LIMIT 1) AS now \
        FROM families f WHERE f.territory_code BETWEEN ?1 AND ?2) \
    WHERE now IS NOT NULL GROUP BY was, now ORDER BY was, now";

const MEDIANS_ON: &str = "SELECT region_code, median, families FROM region_medians \
    WHERE on_date = ?1 ORDER BY region_code";

/// Every installed version by (effective_from, version as bytes): sorted here, so that the
/// order is the same whatever the engine's collation.
pub(crate) fn methodologies(conn: &Connection) -> StoreResult<Vec<MethodologyRecord>> {
    let mut st = conn.prepare_cached(&METHODOLOGIES).map_err(store_error)?;
    let mut rows = st.query([]).map_err(store_error)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(store_error)? {
        out.push(decode::methodology(row)?);
    }
    out.sort_by(|a, b| {
        (a.effective_from, a.version.as_bytes()).cmp(&(b.effective_from, b.version.as_bytes()))
    });
    Ok(out)
}

pub(crate) fn assessment(
    conn: &Connection,
    family: FamilyId,
) -> StoreResult<Option<StoredAssessment>> {
    let mut st = conn.prepare_cached(&ASSESSMENT_OF_FAMILY).map_err(store_error)?;
    let mut rows = st.query([family.0]).map_err(store_error)?;
    rows.next().map_err(store_error)?.map(decode::assessment).transpose()
}

pub(crate) fn level_history(conn: &Connection, family: FamilyId) -> StoreResult<Vec<HistoryEntry>> {
    let mut st = conn.prepare_cached(&HISTORY_OF_FAMILY).map_err(store_error)?;
    let mut rows = st.query([family.0]).map_err(store_error)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(store_error)? {
        out.push(decode::history(row)?);
    }
    Ok(out)
}

/// Events after `after` in id order, at most `limit` clamped to `1..=`[`MAX_PAGE`].
pub(crate) fn level_events(
    conn: &Connection,
    after: Option<i64>,
    limit: u32,
) -> StoreResult<Vec<StoredLevelEvent>> {
    let limit = limit.clamp(1, MAX_PAGE);
    let mut st = conn.prepare_cached(&EVENTS_AFTER).map_err(store_error)?;
    let mut rows = st.query((after.unwrap_or(i64::MIN), limit)).map_err(store_error)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(store_error)? {
        out.push(decode::event(row)?);
    }
    Ok(out)
}

pub(crate) fn unassessed_change_batches(conn: &Connection) -> StoreResult<Vec<BatchId>> {
    let mut st = conn.prepare_cached(UNASSESSED).map_err(store_error)?;
    let mut rows = st.query([]).map_err(store_error)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(store_error)? {
        out.push(BatchId(row.get(0).map_err(store_error)?));
    }
    Ok(out)
}

fn subtree(root: Kato) -> (i64, i64) {
    let (lo, hi) = root.subtree_range();
    (i64::from(lo), i64::from(hi))
}

/// What dividing a code by, and multiplying back, leaves of it at `depth`: its ancestor there.
fn ancestor_unit(depth: KatoLevel) -> i64 {
    match depth {
        KatoLevel::Region => 10_000_000,
        KatoLevel::District => 100_000,
        KatoLevel::Okrug => 1_000,
        KatoLevel::Settlement => 1,
    }
}

pub(crate) fn level_counts(
    conn: &Connection,
    root: Kato,
    depth: KatoLevel,
) -> StoreResult<Vec<LevelCount>> {
    let (lo, hi) = subtree(root);
    let mut st = conn.prepare_cached(COUNTS).map_err(store_error)?;
    let mut rows = st.query((lo, hi, ancestor_unit(depth))).map_err(store_error)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(store_error)? {
        let c = Cells::new(row, "families of territory", 0);
        out.push(LevelCount {
            territory: c.kato(0, "territory_code")?,
            level: c.code(1, "level", level)?,
            families: c.u64(2, "count")?,
        });
    }
    Ok(out)
}

pub(crate) fn level_movements(
    conn: &Connection,
    root: Kato,
    from: Date,
    to: Date,
) -> StoreResult<Vec<Movement>> {
    let (lo, hi) = subtree(root);
    let tx = conn.unchecked_transaction().map_err(store_error)?;
    let mut st = tx.prepare_cached(MOVEMENTS).map_err(store_error)?;
    let mut rows =
        st.query((lo, hi, DateText::new(from), DateText::new(to))).map_err(store_error)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(store_error)? {
        let c = Cells::new(row, "level movement", 2);
        out.push(Movement {
            from: c.opt_code(0, "level", level)?,
            to: c.code(1, "level", level)?,
            families: c.u64(2, "count")?,
        });
    }
    Ok(out)
}

pub(crate) fn region_medians(
    conn: &Connection,
    on: Date,
) -> StoreResult<Option<Vec<RegionMedian>>> {
    let mut st = conn.prepare_cached(MEDIANS_ON).map_err(store_error)?;
    let mut rows = st.query([DateText::new(on)]).map_err(store_error)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(store_error)? {
        let c = Cells::new(row, "region median of region", 0);
        out.push(RegionMedian {
            region: c.kato(0, "region_code")?,
            median: Tenge(c.i64(1, "median")?),
            families: c.u64(2, "families")?,
        });
    }
    Ok((!out.is_empty()).then_some(out))
}
