//! Reading assessment rows back. Like the rest of the decoding, a bad value names its table, row
//! and column, never the value.

use rusqlite::Row;
use shanyraq_domain::FamilyId;
use shanyraq_domain::assessment::{Level, Trigger};
use shanyraq_store::{
    HistoryEntry, LevelEvent, LevelEventKind, MethodologyRecord, PreviousAssessment, StoreResult,
    StoredAssessment, StoredLevelEvent,
};

use crate::decode::Cells;

/// A level from its stored letter.
pub(crate) fn level(code: &str) -> Option<Level> {
    code.parse().ok()
}

/// Columns of `methodologies` in the order [`methodology`] reads them.
pub(crate) const METHODOLOGY_COLUMNS: &str =
    "version, effective_from, file_name, source, installed_at";

pub(crate) fn methodology(row: &Row<'_>) -> StoreResult<MethodologyRecord> {
    // The key is text, which the cells do not name rows by: a bad value reads "methodology 0".
    let c = Cells::new(row, "methodology", 0);
    Ok(MethodologyRecord {
        version: c.string(0, "version")?,
        effective_from: c.date(1, "effective_from")?,
        file_name: c.string(2, "file_name")?,
        source: c.string(3, "source")?,
        installed_at: c.timestamp(4, "installed_at")?,
    })
}

/// Columns of `assessments` in the order [`assessment`] reads them.
pub(crate) const ASSESSMENT_COLUMNS: &str =
    "family_id, seq, assessed_on, methodology, total, score_level, level, trigger, detail";

pub(crate) fn assessment(row: &Row<'_>) -> StoreResult<StoredAssessment> {
    let c = Cells::new(row, "assessment of family", 0);
    Ok(StoredAssessment {
        family: FamilyId(c.i64(0, "family_id")?),
        seq: c.i64(1, "seq")?,
        assessed_on: c.date(2, "assessed_on")?,
        methodology: c.string(3, "methodology")?,
        total: c.i64(4, "total")?,
        score_level: c.code(5, "score_level", level)?,
        level: c.code(6, "level", level)?,
        trigger: c.code(7, "trigger", Trigger::from_code)?,
        detail: c.string(8, "detail")?,
    })
}

/// Columns of `assessments` in the order [`previous`] reads them: the family first, then what
/// the next assessment compares with.
pub(crate) const PREVIOUS_COLUMNS: &str = "family_id, assessed_on, methodology, total, level, seq";

pub(crate) fn previous(row: &Row<'_>) -> StoreResult<(FamilyId, PreviousAssessment)> {
    let c = Cells::new(row, "assessment of family", 0);
    Ok((
        FamilyId(c.i64(0, "family_id")?),
        PreviousAssessment {
            assessed_on: c.date(1, "assessed_on")?,
            methodology: c.string(2, "methodology")?,
            total: c.i64(3, "total")?,
            level: c.code(4, "level", level)?,
            seq: c.i64(5, "seq")?,
        },
    ))
}

/// Columns of `level_history` in the order [`history`] reads them.
pub(crate) const HISTORY_COLUMNS: &str =
    "family_id, seq, assessed_on, methodology, total, level, trigger";

pub(crate) fn history(row: &Row<'_>) -> StoreResult<HistoryEntry> {
    let c = Cells::new(row, "level history of family", 0);
    Ok(HistoryEntry {
        family: FamilyId(c.i64(0, "family_id")?),
        seq: c.i64(1, "seq")?,
        assessed_on: c.date(2, "assessed_on")?,
        methodology: c.string(3, "methodology")?,
        total: c.i64(4, "total")?,
        level: c.code(5, "level", level)?,
        trigger: c.code(6, "trigger", Trigger::from_code)?,
    })
}

/// Columns of `level_events` in the order [`event`] reads them.
pub(crate) const EVENT_COLUMNS: &str =
    "id, family_id, kind, level, previous_level, occurred_on, methodology";

pub(crate) fn event(row: &Row<'_>) -> StoreResult<StoredLevelEvent> {
    let c = Cells::new(row, "level event", 0);
    Ok(StoredLevelEvent {
        id: c.i64(0, "id")?,
        event: LevelEvent {
            family: FamilyId(c.i64(1, "family_id")?),
            kind: c.code(2, "kind", LevelEventKind::from_code)?,
            level: c.code(3, "level", level)?,
            previous: c.opt_code(4, "previous_level", level)?,
            occurred_on: c.date(5, "occurred_on")?,
            methodology: c.string(6, "methodology")?,
        },
    })
}
