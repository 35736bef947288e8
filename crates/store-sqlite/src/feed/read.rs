//! Reads of feed batches, each on the connection it is given (a reader, or the writer inside the
//! transaction that just wrote).

use std::cmp::Reverse;
use std::sync::LazyLock;

use rusqlite::Connection;
use rusqlite::types::ValueRef;
use shanyraq_domain::{BatchId, FamilyId, Iin, PersonId};
use shanyraq_store::{
    BatchPageRequest, BatchRecord, ImportIssue, IssueCursor, PendingRow, ResolvedPerson,
    StoreResult,
};
use time::Date;

use super::decode::{self, BATCH_COLUMNS, ISSUE_COLUMNS, PENDING_COLUMNS};
use crate::codec::{DateText, IinText};
use crate::error::{corrupt, store_error};

/// Report lines a page holds at most.
pub(crate) const MAX_ISSUES: u32 = 10_000;

static BATCH_BY_ID: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {BATCH_COLUMNS} FROM import_batches WHERE id = ?1"));
static BATCH_BY_FINGERPRINT: LazyLock<String> = LazyLock::new(|| {
    format!("SELECT {BATCH_COLUMNS} FROM import_batches WHERE feed = ?1 AND fingerprint = ?2")
});
static BATCHES_BEFORE: LazyLock<String> = LazyLock::new(|| {
    format!("SELECT {BATCH_COLUMNS} FROM import_batches WHERE id < ?1 ORDER BY id DESC LIMIT ?2")
});
static ISSUES_AFTER: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {ISSUE_COLUMNS} FROM import_issues WHERE batch_id = ?1 AND (line, seq) > (?2, ?3) \
         ORDER BY line, seq LIMIT ?4"
    )
});
static PENDING_OF_BATCH: LazyLock<String> = LazyLock::new(|| {
    format!("SELECT {PENDING_COLUMNS} FROM pending_rows WHERE batch_id = ?1 ORDER BY line")
});

/// The person with an IIN and each of their memberships that holds on `?2` (as
/// [`shanyraq_domain::Membership::holds_on`]: from its first day, no longer on its `until` day;
/// ISO dates compare as text), usually one. Choosing among several is left to Rust: an
/// `ORDER BY` here would build a sorter for every person.
const PERSON_AND_FAMILIES: &str = "SELECT p.id, m.family_id, m.valid_from FROM persons p \
    LEFT JOIN memberships m ON m.person_id = p.id AND m.valid_from <= ?2 \
        AND (m.valid_until IS NULL OR m.valid_until > ?2) \
    WHERE p.iin = ?1";

/// A line number as SQLite stores it; no file has more lines than an `i64` counts.
pub(crate) fn line_number(line: u64) -> i64 {
    i64::try_from(line).unwrap_or(i64::MAX)
}

pub(crate) fn batch_record(conn: &Connection, id: BatchId) -> StoreResult<Option<BatchRecord>> {
    let mut st = conn.prepare_cached(&BATCH_BY_ID).map_err(store_error)?;
    let mut rows = st.query([id.0]).map_err(store_error)?;
    rows.next().map_err(store_error)?.map(decode::batch_record).transpose()
}

pub(crate) fn by_fingerprint(
    conn: &Connection,
    feed: &str,
    fingerprint: &str,
) -> StoreResult<Option<BatchRecord>> {
    let mut st = conn.prepare_cached(&BATCH_BY_FINGERPRINT).map_err(store_error)?;
    let mut rows = st.query((feed, fingerprint)).map_err(store_error)?;
    rows.next().map_err(store_error)?.map(decode::batch_record).transpose()
}

/// Batches of every kind, newest (greatest id) first, before `page.before` if given.
pub(crate) fn list_batches(
    conn: &Connection,
    page: BatchPageRequest,
) -> StoreResult<Vec<BatchRecord>> {
    let before = page.before.map_or(i64::MAX, |b| b.0);
    let limit = page.effective_limit();
    let mut st = conn.prepare_cached(&BATCHES_BEFORE).map_err(store_error)?;
    let mut rows = st.query((before, limit)).map_err(store_error)?;
    let mut out = Vec::with_capacity(limit as usize);
    while let Some(row) = rows.next().map_err(store_error)? {
        out.push(decode::batch_record(row)?);
    }
    Ok(out)
}

/// Report lines in (line, seq) order after `after`, at most `limit` clamped to
/// `1..=`[`MAX_ISSUES`].
pub(crate) fn batch_issues(
    conn: &Connection,
    id: BatchId,
    after: Option<IssueCursor>,
    limit: u32,
) -> StoreResult<Vec<ImportIssue>> {
    let (line, seq) = after.map_or((-1, -1), |c| (line_number(c.line), i64::from(c.seq)));
    let limit = limit.clamp(1, MAX_ISSUES);
    let mut st = conn.prepare_cached(&ISSUES_AFTER).map_err(store_error)?;
    let mut rows = st.query((id.0, line, seq, limit)).map_err(store_error)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(store_error)? {
        out.push(decode::issue(row)?);
    }
    Ok(out)
}

pub(crate) fn pending_rows(conn: &Connection, id: BatchId) -> StoreResult<Vec<PendingRow>> {
    let mut st = conn.prepare_cached(&PENDING_OF_BATCH).map_err(store_error)?;
    let mut rows = st.query([id.0]).map_err(store_error)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(store_error)? {
        out.push(decode::pending_row(row)?);
    }
    Ok(out)
}

pub(crate) fn changed_families(conn: &Connection, id: BatchId) -> StoreResult<Vec<FamilyId>> {
    let mut st = conn
        .prepare_cached(
            "SELECT family_id FROM family_changes WHERE batch_id = ?1 ORDER BY family_id",
        )
        .map_err(store_error)?;
    let mut rows = st.query([id.0]).map_err(store_error)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(store_error)? {
        out.push(FamilyId(row.get(0).map_err(store_error)?));
    }
    Ok(out)
}

/// For each IIN, in order, the person and their family on `on`: of several memberships that
/// hold, the one that began last, then the lowest family id. One cached statement per IIN (an
/// index probe for the person, one for their memberships), all in one read transaction.
pub(crate) fn resolve_persons(
    conn: &Connection,
    iins: &[Iin],
    on: Date,
) -> StoreResult<Vec<Option<ResolvedPerson>>> {
    let tx = conn.unchecked_transaction().map_err(store_error)?;
    let mut st = tx.prepare_cached(PERSON_AND_FAMILIES).map_err(store_error)?;
    let on = DateText::new(on);
    let mut out = Vec::with_capacity(iins.len());
    // The `valid_from` of the membership chosen so far; ISO dates order as text.
    let mut began: Vec<u8> = Vec::with_capacity(10);
    for iin in iins {
        let mut rows = st.query((IinText::new(iin), &on)).map_err(store_error)?;
        let mut found: Option<ResolvedPerson> = None;
        while let Some(row) = rows.next().map_err(store_error)? {
            let person = PersonId(row.get(0).map_err(store_error)?);
            let resolved = found.get_or_insert(ResolvedPerson { person, family: None });
            let Some(family) = row.get::<_, Option<i64>>(1).map_err(store_error)? else {
                continue;
            };
            let ValueRef::Text(from) = row.get_ref(2).map_err(store_error)? else {
                return Err(corrupt("membership of person", person, "valid_from", "not text"));
            };
            let better = resolved.family.is_none_or(|chosen| {
                (from, Reverse(family)) > (began.as_slice(), Reverse(chosen.0))
            });
            if better {
                resolved.family = Some(FamilyId(family));
                began.clear();
                began.extend_from_slice(from);
            }
        }
        out.push(found);
    }
    Ok(out)
}
