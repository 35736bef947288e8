//! Assessment rows back into the port's records. As in [`crate::decode`], a bad value is
//! [`shanyraq_store::StoreError::Corrupt`] naming where it is, never what it is.

use shanyraq_domain::FamilyId;
use shanyraq_domain::assessment::{Level, Trigger};
use shanyraq_store::{
    HistoryEntry, LevelEvent, LevelEventKind, StoreResult, StoredAssessment, StoredLevelEvent,
};
use sqlx::postgres::PgRow;

use crate::decode::{At, code, get, opt_code};

/// A level's letter.
pub(crate) fn level_code(text: &str) -> Option<Level> {
    text.parse().ok()
}

/// The columns [`assessment`] reads, for `SELECT` lists.
macro_rules! assessment_columns {
    () => {
        "family_id, seq, assessed_on, methodology, total, score_level, level, trigger, detail"
    };
}
pub(crate) use assessment_columns;

pub(crate) fn assessment(row: &PgRow) -> StoreResult<StoredAssessment> {
    let at = At::new(row, "assessments", "family_id");
    Ok(StoredAssessment {
        family: FamilyId(get(row, "family_id")?),
        seq: get(row, "seq")?,
        assessed_on: get(row, "assessed_on")?,
        methodology: get(row, "methodology")?,
        total: get(row, "total")?,
        score_level: code(at, "score_level", level_code)?,
        level: code(at, "level", level_code)?,
        trigger: code(at, "trigger", Trigger::from_code)?,
        detail: get(row, "detail")?,
    })
}

/// The columns [`history_entry`] reads.
macro_rules! history_columns {
    () => {
        "family_id, seq, assessed_on, methodology, total, level, trigger"
    };
}
pub(crate) use history_columns;

pub(crate) fn history_entry(row: &PgRow) -> StoreResult<HistoryEntry> {
    let at = At::new(row, "level_history", "family_id");
    Ok(HistoryEntry {
        family: FamilyId(get(row, "family_id")?),
        seq: get(row, "seq")?,
        assessed_on: get(row, "assessed_on")?,
        methodology: get(row, "methodology")?,
        total: get(row, "total")?,
        level: code(at, "level", level_code)?,
        trigger: code(at, "trigger", Trigger::from_code)?,
    })
}

/// The columns [`level_event`] reads.
macro_rules! event_columns {
    () => {
        "id, family_id, kind, level, previous_level, occurred_on, methodology"
    };
}
pub(crate) use event_columns;

pub(crate) fn level_event(row: &PgRow) -> StoreResult<StoredLevelEvent> {
    let at = At::new(row, "level_events", "id");
    Ok(StoredLevelEvent {
        id: get(row, "id")?,
        event: LevelEvent {
            family: FamilyId(get(row, "family_id")?),
            kind: code(at, "kind", LevelEventKind::from_code)?,
            level: code(at, "level", level_code)?,
            previous: opt_code(at, "previous_level", level_code)?,
            occurred_on: get(row, "occurred_on")?,
            methodology: get(row, "methodology")?,
        },
    })
}
