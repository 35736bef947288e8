//! The audit chain: `audit_events`, one row per entry, appended and never changed (the
//! migration's triggers refuse updates and deletions). An append is one `BEGIN IMMEDIATE`
//! transaction on the writer connection: it reads the last entry, seals the new records after
//! it and inserts them, so concurrent appends line up one after another. Writes that must leave
//! an entry with their change (answering an offer, a break-glass access) append with
//! [`append_on`] inside their own transaction instead. Reads run on a reader.

use std::sync::LazyLock;

use rusqlite::types::Value;
use rusqlite::{Connection, Row, Transaction};
use shanyraq_domain::audit::{self, AuditEntry, AuditRecord, ChainHash, Outcome};
use shanyraq_store::{StoreError, StoreResult};
use time::{OffsetDateTime, UtcOffset};

use crate::decode::Cells;
use crate::error::{store_error, write_error};
use crate::write::{immediate, timestamp};

/// The most entries one read returns.
const MAX_ENTRIES: u32 = 50_000;
/// The most entries one read of a subject's entries returns.
const MAX_SUBJECT_ENTRIES: u32 = 1_000;
/// Rows per `INSERT` statement (11 parameters each).
const ROWS_PER_INSERT: usize = 64;

const NOT_HASH: &str = "not 64 hexadecimal digits";

/// Columns of `audit_events` in the order [`entry`] reads them.
const COLUMNS: &str =
    "seq, at, actor, on_behalf_of, action, subject, purpose, outcome, request_id, hash, capacity";
static HEAD: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {COLUMNS} FROM audit_events ORDER BY seq DESC LIMIT 1"));
static AFTER: LazyLock<String> = LazyLock::new(|| {
    format!("SELECT {COLUMNS} FROM audit_events WHERE seq > ?1 ORDER BY seq LIMIT ?2")
});
static OF_SUBJECT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {COLUMNS} FROM audit_events WHERE subject = ?1 AND seq < ?2 \
         ORDER BY seq DESC LIMIT ?3"
    )
});

fn outcome_from_code(code: &str) -> Option<Outcome> {
    match code {
        "allowed" => Some(Outcome::Allowed),
        "denied" => Some(Outcome::Denied),
        _ => None,
    }
}

fn entry(row: &Row<'_>) -> StoreResult<AuditEntry> {
    let c = Cells::new(row, "audit entry", 0);
    let record = AuditRecord {
        at: c.timestamp(1, "at")?,
        actor: c.string(2, "actor")?,
        on_behalf_of: c.opt_string(3, "on_behalf_of")?,
        action: c.string(4, "action")?,
        subject: c.opt_string(5, "subject")?,
        purpose: c.opt_string(6, "purpose")?,
        outcome: c.code(7, "outcome", outcome_from_code)?,
        request_id: c.string(8, "request_id")?,
        capacity: c.opt_string(10, "capacity")?,
    };
    let hash = ChainHash::from_hex(c.str(9, "hash")?).ok_or_else(|| c.bad("hash", NOT_HASH))?;
    Ok(AuditEntry { seq: c.u64(0, "seq")?, record, hash })
}

/// The time in UTC, cut to whole microseconds: what the column keeps.
fn to_micros(at: OffsetDateTime) -> OffsetDateTime {
    let at = at.to_offset(UtcOffset::UTC);
    let nanos = at.nanosecond();
    at.replace_nanosecond(nanos - nanos % 1_000).unwrap_or(at)
}

fn head_on(conn: &Connection) -> StoreResult<Option<AuditEntry>> {
    let mut st = conn.prepare_cached(&HEAD).map_err(store_error)?;
    let mut rows = st.query([]).map_err(store_error)?;
    match rows.next().map_err(store_error)? {
        Some(row) => entry(row).map(Some),
        None => Ok(None),
    }
}

fn insert_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO audit_events (seq, at, actor, on_behalf_of, action, subject, purpose, \
         outcome, request_id, hash, capacity) VALUES ",
    );
    for i in 0..rows {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }
    sql
}

/// Seals `records` after the last stored entry and inserts them, in one transaction.
pub(crate) fn append(
    conn: &mut Connection,
    records: &[AuditRecord],
) -> StoreResult<Vec<AuditEntry>> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    let tx = immediate(conn)?;
    let written = append_on(&tx, records)?;
    tx.commit().map_err(store_error)?;
    Ok(written)
}

/// Seals `records` after the last stored entry and inserts them on `tx`, a transaction the
/// caller opened with `BEGIN IMMEDIATE` (so that no other append runs between the read of the
/// last entry and the inserts) and commits: the entries are written with the caller's change,
/// or not at all.
pub(crate) fn append_on(
    tx: &Transaction<'_>,
    records: &[AuditRecord],
) -> StoreResult<Vec<AuditEntry>> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    let mut previous = head_on(tx)?;
    let mut written = Vec::with_capacity(records.len());
    for r in records {
        let record = AuditRecord { at: to_micros(r.at), ..r.clone() };
        let e = audit::seal(previous.as_ref(), record);
        previous = Some(e.clone());
        written.push(e);
    }
    for chunk in written.chunks(ROWS_PER_INSERT) {
        let mut params: Vec<Value> = Vec::with_capacity(chunk.len() * 11);
        for e in chunk {
            let r = &e.record;
            let seq = i64::try_from(e.seq)
                .map_err(|_| StoreError::Backend("the audit chain is full".into()))?;
            params.extend([
                Value::Integer(seq),
                Value::Text(timestamp(r.at)?),
                Value::Text(r.actor.clone()),
                r.on_behalf_of.clone().map_or(Value::Null, Value::Text),
                Value::Text(r.action.clone()),
                r.subject.clone().map_or(Value::Null, Value::Text),
                r.purpose.clone().map_or(Value::Null, Value::Text),
                Value::Text(r.outcome.code().to_owned()),
                Value::Text(r.request_id.clone()),
                Value::Text(e.hash.to_hex()),
                r.capacity.clone().map_or(Value::Null, Value::Text),
            ]);
        }
        let mut st = tx.prepare_cached(&insert_sql(chunk.len())).map_err(store_error)?;
        st.execute(rusqlite::params_from_iter(params))
            .map_err(|err| write_error(err, || format!("audit entries from {}", chunk[0].seq)))?;
    }
    Ok(written)
}

/// Entries after `after` in seq order, at most `limit` clamped to `1..=`[`MAX_ENTRIES`].
pub(crate) fn entries(conn: &Connection, after: u64, limit: u32) -> StoreResult<Vec<AuditEntry>> {
    let Ok(after) = i64::try_from(after) else {
        return Ok(Vec::new());
    };
    let limit = limit.clamp(1, MAX_ENTRIES);
    let mut st = conn.prepare_cached(&AFTER).map_err(store_error)?;
    let mut rows = st.query((after, limit)).map_err(store_error)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(store_error)? {
        out.push(entry(row)?);
    }
    Ok(out)
}

/// Entries whose subject is `subject`, newest first: seq below `before` (all when `None`), at
/// most `limit` clamped to `1..=`[`MAX_SUBJECT_ENTRIES`].
pub(crate) fn for_subject(
    conn: &Connection,
    subject: &str,
    before: Option<u64>,
    limit: u32,
) -> StoreResult<Vec<AuditEntry>> {
    let before = before.map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX));
    let limit = limit.clamp(1, MAX_SUBJECT_ENTRIES);
    let mut st = conn.prepare_cached(&OF_SUBJECT).map_err(store_error)?;
    let mut rows = st.query((subject, before, limit)).map_err(store_error)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(store_error)? {
        out.push(entry(row)?);
    }
    Ok(out)
}

/// The last entry, if any.
pub(crate) fn head(conn: &Connection) -> StoreResult<Option<AuditEntry>> {
    head_on(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn times_are_cut_to_whole_microseconds() {
        let t = datetime!(2026-07-17 10:00:00.123456789 +05:00);
        assert_eq!(to_micros(t), datetime!(2026-07-17 05:00:00.123456 UTC));
        assert_eq!(to_micros(t).offset(), UtcOffset::UTC);
        let before_1970 = datetime!(1969-12-31 23:59:59.999999999 UTC);
        assert_eq!(to_micros(before_1970), datetime!(1969-12-31 23:59:59.999999 UTC));
    }
}
