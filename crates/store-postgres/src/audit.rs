//! The audit record on PostgreSQL: an append-only hash chain in `audit_events`.
//!
//! Appends are serialised by a transaction-scoped advisory lock, so that each reads the head the
//! one before it wrote; the whole batch goes in as one `INSERT … SELECT FROM unnest(…)`. The
//! table's triggers refuse `UPDATE`, `DELETE` and `TRUNCATE`; reads return the rows exactly as
//! stored, so that the verifier finds an entry changed behind the triggers' back.
//!
//! [`append_in`] appends inside a transaction the caller holds, so that an action and its audit
//! entry commit together (answering an offer, opening a break-glass access): both or neither.
//!
//! Entries that stand alone (the audit of reads, written in groups) take one statement instead
//! of five: the store remembers the last entry it wrote or read, seals the group after it, and
//! inserts it with the lock taken in the same statement. The primary key on `seq` is what keeps
//! the chain one line: the insert succeeds only if no entry holds the next seq, and the entry
//! remembered is committed and never changes, so the group links to the true head. When someone
//! else appended in between, the insert fails with a duplicate key, and the store reads the head
//! and tries again.

use std::sync::Mutex;

use async_trait::async_trait;
use shanyraq_domain::audit::{AuditEntry, AuditRecord, ChainHash, Outcome, seal};
use shanyraq_store::{AuditStore, StoreResult};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool};
use time::{OffsetDateTime, UtcOffset};

use crate::PostgresStore;
use crate::copy::{Fields, copy_out_rows};
use crate::decode::{At, UNKNOWN_CODE, corrupt, get};
use crate::error::fail;

/// Most entries one page returns.
const MAX_PAGE: u32 = 50_000;

/// Key of the advisory lock that serialises appends to the chain: "audit" in ASCII.
const AUDIT_LOCK: i64 = 0x61_7564_6974;

/// The columns of `audit_events`, in order, for `SELECT` and `INSERT` lists.
macro_rules! audit_columns {
    () => {
        "seq, at, actor, on_behalf_of, action, subject, purpose, outcome, request_id, capacity, \
         hash"
    };
}

const LOCK: &str = "SELECT pg_advisory_xact_lock($1)";

const HEAD: &str =
    concat!("SELECT ", audit_columns!(), " FROM audit_events ORDER BY seq DESC LIMIT 1");

/// A page of entries, read with binary `COPY` (decoding query rows costs the client more than
/// the server spends producing them). `COPY` takes no parameters: `after` and `limit` are numbers
/// written into the statement.
fn page_statement(after: i64, limit: i64) -> String {
    format!(
        concat!(
            "COPY (SELECT ",
            audit_columns!(),
            " FROM audit_events WHERE seq > {} ORDER BY seq LIMIT {}) TO STDOUT (FORMAT binary)"
        ),
        after, limit
    )
}

/// A subject's entries, newest first: `$1` the subject, `$2` the seq to stay below, `$3` how
/// many.
const FOR_SUBJECT: &str = concat!(
    "SELECT ",
    audit_columns!(),
    " FROM audit_events WHERE subject = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3"
);

/// Most entries one page of a subject's returns.
const MAX_SUBJECT_PAGE: u32 = 1_000;

/// Microseconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch.
const PG_EPOCH_MICROS: i64 = 946_684_800_000_000;

const INSERT: &str = concat!(
    "INSERT INTO audit_events (",
    audit_columns!(),
    ") SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], \
     $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])"
);

/// [`INSERT`] as one statement that first takes the append lock (`$12`), for groups that stand
/// alone: the lock waits for an [`append_in`] in progress, and the lock is released when the
/// statement commits.
const INSERT_LOCKED: &str = concat!(
    "WITH append_lock AS MATERIALIZED (SELECT pg_advisory_xact_lock($12)) INSERT INTO audit_events (",
    audit_columns!(),
    ") SELECT u.* FROM append_lock, unnest($1::bigint[], $2::timestamptz[], $3::text[], \
     $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], \
     $11::text[]) AS u"
);

/// Times a group that stands alone is sealed after the remembered head before the store takes
/// the lock for a whole transaction instead.
const OPTIMISTIC_TRIES: usize = 3;

const TABLE: &str = "audit_events";
const NOT_HASH: &str = "not 64 hexadecimal digits";
const NEGATIVE: &str = "not a positive number";
const NOT_TIME: &str = "not a time the application can hold";

fn outcome(code: &str) -> Option<Outcome> {
    match code {
        "allowed" => Some(Outcome::Allowed),
        "denied" => Some(Outcome::Denied),
        _ => None,
    }
}

/// `at` in UTC, cut to whole microseconds: what `TIMESTAMPTZ` keeps.
fn stored_time(at: OffsetDateTime) -> OffsetDateTime {
    let at = at.to_offset(UtcOffset::UTC);
    at.replace_nanosecond(at.nanosecond() / 1_000 * 1_000).unwrap_or(at)
}

fn entry(row: &PgRow) -> StoreResult<AuditEntry> {
    let at = At::new(row, TABLE, "seq");
    let seq: i64 = get(row, "seq")?;
    let seq = u64::try_from(seq).map_err(|_| corrupt(TABLE, "seq", seq, "seq", NEGATIVE))?;
    let outcome_code: String = get(row, "outcome")?;
    let hash: String = get(row, "hash")?;
    Ok(AuditEntry {
        seq,
        record: AuditRecord {
            at: get::<OffsetDateTime>(row, "at")?.to_offset(UtcOffset::UTC),
            actor: get(row, "actor")?,
            on_behalf_of: get(row, "on_behalf_of")?,
            action: get(row, "action")?,
            subject: get(row, "subject")?,
            purpose: get(row, "purpose")?,
            outcome: outcome(&outcome_code).ok_or_else(|| at.corrupt("outcome", UNKNOWN_CODE))?,
            request_id: get(row, "request_id")?,
            capacity: get(row, "capacity")?,
        },
        hash: ChainHash::from_hex(&hash).ok_or_else(|| at.corrupt("hash", NOT_HASH))?,
    })
}

/// An entry from a binary `COPY` row, fields in [`audit_columns`] order.
fn copied_entry(f: &mut Fields<'_>) -> StoreResult<AuditEntry> {
    let seq = f.i64()?;
    let bad = |column: &str, why: &'static str| corrupt(TABLE, "seq", seq, column, why);
    let micros = f.timestamp_micros()?;
    let at = micros
        .checked_add(PG_EPOCH_MICROS)
        .and_then(|m| OffsetDateTime::from_unix_timestamp_nanos(i128::from(m) * 1_000).ok())
        .ok_or_else(|| bad("at", NOT_TIME))?;
    let seq = u64::try_from(seq).map_err(|_| bad("seq", NEGATIVE))?;
    let actor = f.text()?.to_owned();
    let on_behalf_of = f.opt_text()?.map(str::to_owned);
    let action = f.text()?.to_owned();
    let subject = f.opt_text()?.map(str::to_owned);
    let purpose = f.opt_text()?.map(str::to_owned);
    let outcome = outcome(f.text()?).ok_or_else(|| bad("outcome", UNKNOWN_CODE))?;
    let request_id = f.text()?.to_owned();
    let capacity = f.opt_text()?.map(str::to_owned);
    let hash = ChainHash::from_hex(f.text()?).ok_or_else(|| bad("hash", NOT_HASH))?;
    Ok(AuditEntry {
        seq,
        record: AuditRecord {
            at,
            actor,
            on_behalf_of,
            action,
            subject,
            purpose,
            outcome,
            request_id,
            capacity,
        },
        hash,
    })
}

async fn head(conn: &mut PgConnection) -> StoreResult<Option<AuditEntry>> {
    let row = sqlx::query(HEAD)
        .fetch_optional(&mut *conn)
        .await
        .map_err(fail("reading the audit head"))?;
    row.as_ref().map(entry).transpose()
}

/// The last entry this store knows to be committed: the head it read or the last group it wrote.
/// Shared by the store's clones.
#[derive(Debug, Default)]
pub(crate) struct KnownHead(Mutex<Option<AuditEntry>>);

impl KnownHead {
    fn get(&self) -> Option<AuditEntry> {
        self.0.lock().map(|h| h.clone()).unwrap_or(None)
    }

    /// Remembers `entry` unless a later one is known already.
    fn advance(&self, entry: Option<&AuditEntry>) {
        if let Ok(mut h) = self.0.lock() {
            let later = match (&*h, entry) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(known), Some(e)) => e.seq > known.seq,
            };
            if later {
                *h = entry.cloned();
            }
        }
    }
}

/// `records` sealed one after another after `previous`, with times as the column keeps them.
fn sealed(mut previous: Option<AuditEntry>, records: &[AuditRecord]) -> Vec<AuditEntry> {
    let mut entries = Vec::with_capacity(records.len());
    for r in records {
        let mut record = r.clone();
        record.at = stored_time(record.at);
        let e = seal(previous.as_ref(), record);
        previous = Some(e.clone());
        entries.push(e);
    }
    entries
}

/// Appends `records` to the chain inside the caller's open transaction `tx`: takes the append
/// lock (held until `tx` ends), reads the head, seals each record after the one before and
/// inserts them in one statement. Nothing is visible to others until `tx` commits, and a rollback
/// takes the entries back with whatever else `tx` wrote. Returns the entries written.
pub(crate) async fn append_in(
    tx: &mut PgConnection,
    records: &[AuditRecord],
) -> StoreResult<Vec<AuditEntry>> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query(LOCK)
        .bind(AUDIT_LOCK)
        .execute(&mut *tx)
        .await
        .map_err(fail("waiting for the audit lock"))?;
    let entries = sealed(head(&mut *tx).await?, records);
    insert(tx, &entries, false).await.map_err(fail("writing audit entries"))?;
    Ok(entries)
}

/// Inserts sealed `entries` in one statement, taking the append lock in it when `lock`.
async fn insert(
    conn: &mut PgConnection,
    entries: &[AuditEntry],
    lock: bool,
) -> Result<(), sqlx::Error> {
    let n = entries.len();
    let (mut seq, mut at, mut actor, mut on_behalf_of, mut action) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut subject, mut purpose, mut outcome, mut request_id, mut capacity, mut hash) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for e in entries {
        let r = &e.record;
        seq.push(i64::try_from(e.seq).unwrap_or(i64::MAX));
        at.push(r.at);
        actor.push(r.actor.as_str());
        on_behalf_of.push(r.on_behalf_of.as_deref());
        action.push(r.action.as_str());
        subject.push(r.subject.as_deref());
        purpose.push(r.purpose.as_deref());
        outcome.push(r.outcome.code());
        request_id.push(r.request_id.as_str());
        capacity.push(r.capacity.as_deref());
        hash.push(e.hash.to_hex());
    }
    let query = sqlx::query(if lock { INSERT_LOCKED } else { INSERT })
        .bind(seq)
        .bind(at)
        .bind(actor)
        .bind(on_behalf_of)
        .bind(action)
        .bind(subject)
        .bind(purpose)
        .bind(outcome)
        .bind(request_id)
        .bind(capacity)
        .bind(hash);
    let query = if lock { query.bind(AUDIT_LOCK) } else { query };
    query.execute(&mut *conn).await.map(drop)
}

/// Whether `e` says another entry holds a seq this append wanted.
fn seq_taken(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|d| {
        d.code().as_deref() == Some(crate::error::UNIQUE_VIOLATION)
            && d.constraint() == Some("audit_events_pkey")
    })
}

/// Appends a group that stands alone: sealed after the known head and inserted in one
/// statement; on a taken seq the head is read again. After [`OPTIMISTIC_TRIES`] lost races the
/// group is appended in a transaction of its own under the lock.
async fn append(
    pool: &PgPool,
    known: &KnownHead,
    records: &[AuditRecord],
) -> StoreResult<Vec<AuditEntry>> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    let mut conn = pool.acquire().await.map_err(fail("connecting"))?;
    let mut previous = known.get();
    for _ in 0..OPTIMISTIC_TRIES {
        if previous.is_none() {
            previous = head(&mut conn).await?;
        }
        let entries = sealed(previous.clone(), records);
        match insert(&mut conn, &entries, true).await {
            Ok(()) => {
                known.advance(entries.last());
                return Ok(entries);
            }
            Err(e) if seq_taken(&e) => {
                previous = head(&mut conn).await?;
                known.advance(previous.as_ref());
            }
            Err(e) => return Err(fail("writing audit entries")(e)),
        }
    }
    let mut tx =
        sqlx::Connection::begin(&mut *conn).await.map_err(fail("starting an audit append"))?;
    let entries = append_in(&mut tx, records).await?;
    tx.commit().await.map_err(fail("committing audit entries"))?;
    known.advance(entries.last());
    Ok(entries)
}

#[async_trait]
impl AuditStore for PostgresStore {
    async fn append_audit(&self, records: &[AuditRecord]) -> StoreResult<Vec<AuditEntry>> {
        append(&self.pool, &self.audit_head, records).await
    }

    async fn audit_entries(&self, after: u64, limit: u32) -> StoreResult<Vec<AuditEntry>> {
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        let limit = limit.clamp(1, MAX_PAGE);
        let mut conn = self.pool.acquire().await.map_err(fail("connecting"))?;
        let mut out = Vec::with_capacity(limit as usize);
        let statement = page_statement(after, i64::from(limit));
        copy_out_rows(&mut conn, "reading audit entries", &statement, |f| {
            out.push(copied_entry(f)?);
            Ok(())
        })
        .await?;
        Ok(out)
    }

    async fn audit_head(&self) -> StoreResult<Option<AuditEntry>> {
        let mut conn = self.pool.acquire().await.map_err(fail("connecting"))?;
        head(&mut conn).await
    }

    async fn audit_for_subject(
        &self,
        subject: &str,
        before: Option<u64>,
        limit: u32,
    ) -> StoreResult<Vec<AuditEntry>> {
        let before = before.map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX));
        let limit = limit.clamp(1, MAX_SUBJECT_PAGE);
        sqlx::query(FOR_SUBJECT)
            .bind(subject)
            .bind(before)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(fail("reading a subject's audit entries"))?
            .iter()
            .map(entry)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn times_are_cut_to_microseconds_in_utc() {
        let at = datetime!(2026-11-30 14:00:00.123_456_789 +05:00);
        assert_eq!(stored_time(at), datetime!(2026-11-30 09:00:00.123_456 UTC));
        assert_eq!(stored_time(at).offset(), UtcOffset::UTC);
    }

    #[test]
    fn outcomes_read_their_codes() {
        for o in [Outcome::Allowed, Outcome::Denied] {
            assert_eq!(outcome(o.code()), Some(o));
        }
        assert_eq!(outcome("maybe"), None);
    }
}
