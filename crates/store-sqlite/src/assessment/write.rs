//! Writing assessments, each step one `BEGIN IMMEDIATE` transaction on the writer connection:
//! methodology versions, chunks of results, the change feed's progress and the medians.

use rusqlite::{Connection, OptionalExtension, Statement};
use shanyraq_domain::BatchId;
use shanyraq_store::{
    AssessmentChunk, HistoryEntry, Installed, LevelEvent, MethodologyRecord, RegionMedian,
    StoreError, StoreResult, StoredAssessment,
};
use time::{Date, OffsetDateTime};

use crate::bulk::{Target, insert_all, insert_all_then};
use crate::codec::DateText;
use crate::error::{store_error, write_error};
use crate::write::{immediate, timestamp};

const ASSESSMENTS: Target = Target {
    table: "assessments",
    columns: &[
        "family_id",
        "seq",
        "assessed_on",
        "methodology",
        "total",
        "score_level",
        "level",
        "trigger",
        "detail",
    ],
    skip_stored: false,
};
/// A family's new assessment replaces its current one.
const REPLACING: &str = " ON CONFLICT (family_id) DO UPDATE SET seq = excluded.seq, \
    assessed_on = excluded.assessed_on, methodology = excluded.methodology, \
    total = excluded.total, score_level = excluded.score_level, level = excluded.level, \
    trigger = excluded.trigger, detail = excluded.detail";
const HISTORY: Target = Target {
    table: "level_history",
    columns: &["family_id", "seq", "assessed_on", "methodology", "total", "level", "trigger"],
    skip_stored: false,
};
/// Ids are left to the engine: one more than the greatest, in the order the rows come.
const EVENTS: Target = Target {
    table: "level_events",
    columns: &["family_id", "kind", "level", "previous_level", "occurred_on", "methodology"],
    skip_stored: false,
};
const MEDIANS: Target = Target {
    table: "region_medians",
    columns: &["on_date", "region_code", "median", "families"],
    skip_stored: false,
};

/// Installs a version; the same version again is unchanged when its text is the same and a
/// conflict when not.
pub(crate) fn install_methodology(
    conn: &mut Connection,
    m: &MethodologyRecord,
) -> StoreResult<Installed> {
    let installed_at = timestamp(m.installed_at)?;
    let tx = immediate(conn)?;
    let stored: Option<String> = tx
        .prepare_cached("SELECT source FROM methodologies WHERE version = ?1")
        .and_then(|mut st| st.query_row([&m.version], |r| r.get(0)).optional())
        .map_err(store_error)?;
    match stored {
        Some(source) if source == m.source => Ok(Installed::Unchanged),
        Some(_) => Err(StoreError::Conflict(format!(
            "methodology version {} is installed with other text; an installed version never \
             changes",
            m.version
        ))),
        None => {
            tx.prepare_cached(
                "INSERT INTO methodologies (version, effective_from, file_name, source, \
                 installed_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .and_then(|mut st| {
                st.execute((
                    &m.version,
                    DateText::new(m.effective_from),
                    &m.file_name,
                    &m.source,
                    &installed_at,
                ))
            })
            .map_err(|e| write_error(e, || format!("methodology version {}", m.version)))?;
            tx.commit().map_err(store_error)?;
            Ok(Installed::New)
        }
    }
}

fn bind_assessment(
    st: &mut Statement<'_>,
    at: usize,
    a: &StoredAssessment,
) -> rusqlite::Result<()> {
    st.raw_bind_parameter(at, a.family.0)?;
    st.raw_bind_parameter(at + 1, a.seq)?;
    st.raw_bind_parameter(at + 2, DateText::new(a.assessed_on))?;
    st.raw_bind_parameter(at + 3, a.methodology.as_str())?;
    st.raw_bind_parameter(at + 4, a.total)?;
    st.raw_bind_parameter(at + 5, a.score_level.letter())?;
    st.raw_bind_parameter(at + 6, a.level.letter())?;
    st.raw_bind_parameter(at + 7, a.trigger.code())?;
    st.raw_bind_parameter(at + 8, a.detail.as_str())
}

fn bind_history(st: &mut Statement<'_>, at: usize, h: &HistoryEntry) -> rusqlite::Result<()> {
    st.raw_bind_parameter(at, h.family.0)?;
    st.raw_bind_parameter(at + 1, h.seq)?;
    st.raw_bind_parameter(at + 2, DateText::new(h.assessed_on))?;
    st.raw_bind_parameter(at + 3, h.methodology.as_str())?;
    st.raw_bind_parameter(at + 4, h.total)?;
    st.raw_bind_parameter(at + 5, h.level.letter())?;
    st.raw_bind_parameter(at + 6, h.trigger.code())
}

fn bind_event(st: &mut Statement<'_>, at: usize, e: &LevelEvent) -> rusqlite::Result<()> {
    st.raw_bind_parameter(at, e.family.0)?;
    st.raw_bind_parameter(at + 1, e.kind.code())?;
    st.raw_bind_parameter(at + 2, e.level.letter())?;
    st.raw_bind_parameter(at + 3, e.previous.map(|l| l.letter()))?;
    st.raw_bind_parameter(at + 4, DateText::new(e.occurred_on))?;
    st.raw_bind_parameter(at + 5, e.methodology.as_str())
}

/// "families 7 to 70" for the rows of a failed statement: family ids, never values.
fn families<T>(what: &str, rows: &[T], family: impl Fn(&T) -> i64) -> String {
    match (rows.first(), rows.last()) {
        (Some(a), Some(b)) if rows.len() > 1 => {
            format!("{what} of families {} to {}", family(a), family(b))
        }
        (Some(a), _) => format!("{what} of family {}", family(a)),
        _ => what.to_owned(),
    }
}

/// The chunk in one transaction: current assessments replaced, history entries added (a taken
/// (family, seq) fails the whole chunk), events added in order.
pub(crate) fn write_chunk(conn: &mut Connection, chunk: &AssessmentChunk) -> StoreResult<()> {
    let tx = immediate(conn)?;
    insert_all_then(&tx, ASSESSMENTS, REPLACING, &chunk.assessments, bind_assessment, |r| {
        families("assessments", r, |a| a.family.0)
    })?;
    insert_all(&tx, HISTORY, &chunk.history, bind_history, |r| {
        families("level history", r, |h| h.family.0)
    })?;
    insert_all(&tx, EVENTS, &chunk.events, bind_event, |r| {
        families("level events", r, |e| e.family.0)
    })?;
    tx.commit().map_err(store_error)
}

/// Records the batches as assessed; a batch recorded before keeps its first record.
pub(crate) fn mark_changes_assessed(
    conn: &mut Connection,
    batches: &[BatchId],
    at: OffsetDateTime,
) -> StoreResult<()> {
    let at = timestamp(at)?;
    let tx = immediate(conn)?;
    {
        let mut st = tx
            .prepare_cached(
                "INSERT INTO assessed_batches (batch_id, assessed_at) VALUES (?1, ?2) \
                 ON CONFLICT (batch_id) DO NOTHING",
            )
            .map_err(store_error)?;
        for b in batches {
            st.execute((b.0, &at)).map_err(|e| write_error(e, || format!("import batch {b}")))?;
        }
    }
    tx.commit().map_err(store_error)
}

/// Replaces the medians of a day.
pub(crate) fn store_region_medians(
    conn: &mut Connection,
    on: Date,
    medians: &[RegionMedian],
) -> StoreResult<()> {
    let tx = immediate(conn)?;
    tx.prepare_cached("DELETE FROM region_medians WHERE on_date = ?1")
        .and_then(|mut st| st.execute([DateText::new(on)]))
        .map_err(store_error)?;
    insert_all(
        &tx,
        MEDIANS,
        medians,
        |st: &mut Statement<'_>, at, m: &RegionMedian| {
            st.raw_bind_parameter(at, DateText::new(on))?;
            st.raw_bind_parameter(at + 1, m.region.as_u32())?;
            st.raw_bind_parameter(at + 2, m.median.0)?;
            st.raw_bind_parameter(at + 3, i64::try_from(m.families).unwrap_or(i64::MAX))
        },
        |r| match r.first() {
            Some(m) => format!("median of region {} on {on}", m.region),
            None => format!("medians of {on}"),
        },
    )?;
    tx.commit().map_err(store_error)
}
