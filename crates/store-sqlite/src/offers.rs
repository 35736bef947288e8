//! Proactive offers, the outbox of messages that carry them, and the follow-up tasks of offers
//! nobody answered. Writes are `BEGIN IMMEDIATE` transactions on the writer connection; reads
//! run on a reader.
//!
//! At most one live (sent or accepted) offer per person and measure: the partial unique index
//! `offers_live_key` holds it, and is the conflict target that skips an offer made twice.

use std::sync::LazyLock;

use rusqlite::{Connection, OptionalExtension, Row};
use shanyraq_domain::audit::AuditRecord;
use shanyraq_domain::{FamilyId, Kato, PersonId};
use shanyraq_store::{
    NewOffer, OfferRecord, OfferState, OutboxMessage, StoreError, StoreResult, TaskRecord,
};
use time::{Date, OffsetDateTime};

use crate::assessment::{MAX_PAGE, id_list};
use crate::audit::append_on;
use crate::codec::DateText;
use crate::decode::Cells;
use crate::error::{store_error, write_error};
use crate::write::{immediate, timestamp};

/// Columns of `offers` in the order [`offer_record`] reads them.
const OFFER_COLUMNS: &str =
    "id, family_id, person_id, measure, language, state, created_on, expires_on, closed_on";
/// Columns of `outbox` in the order [`message`] reads them.
const MESSAGE_COLUMNS: &str =
    "id, person_id, offer_id, channel, address, language, body, created_at, delivered_at";
/// Columns of `tasks` in the order [`task`] reads them.
const TASK_COLUMNS: &str = "id, kind, family_id, territory_code, offer_id, created_on, status";

/// A sent offer, unless its person has a live offer of the measure.
const INSERT_OFFER: &str = "INSERT INTO offers (family_id, person_id, measure, language, state, \
    created_on, expires_on, closed_on) VALUES (?1, ?2, ?3, ?4, 'sent', ?5, ?6, NULL) \
    ON CONFLICT (person_id, measure) WHERE state IN ('sent', 'accepted') DO NOTHING";
const INSERT_MESSAGE: &str = "INSERT INTO outbox (person_id, offer_id, channel, address, \
    language, body, created_at, delivered_at) VALUES (?1, ?2, 'sms', ?3, ?4, ?5, ?6, NULL)";
const ANSWER: &str =
    "UPDATE offers SET state = ?2, closed_on = ?3 WHERE id = ?1 AND state = 'sent'";
/// Sent offers past their last day, with their family's territory.
static OVERDUE: LazyLock<String> = LazyLock::new(|| {
    let columns = OFFER_COLUMNS.split(", ").map(|c| format!("o.{c}")).collect::<Vec<_>>();
    format!(
        "SELECT {}, f.territory_code FROM offers o JOIN families f ON f.id = o.family_id \
         WHERE o.state = 'sent' AND o.expires_on < ?1 ORDER BY o.id",
        columns.join(", ")
    )
});
const EXPIRE: &str = "UPDATE offers SET state = 'expired', closed_on = ?2 WHERE id = ?1";
const INSERT_TASK: &str = "INSERT INTO tasks (kind, family_id, territory_code, offer_id, \
    created_on, status) VALUES ('offer_follow_up', ?1, ?2, ?3, ?4, 'open')";
static OFFER_BY_ID: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {OFFER_COLUMNS} FROM offers WHERE id = ?1"));
static OFFERS_OF_FAMILY: LazyLock<String> = LazyLock::new(|| {
    format!("SELECT {OFFER_COLUMNS} FROM offers WHERE family_id = ?1 ORDER BY id DESC")
});
const LIVE_OF_FAMILIES: &str = "SELECT person_id, measure FROM offers \
    WHERE family_id IN (SELECT value FROM json_each(?1)) AND state IN ('sent', 'accepted') \
    ORDER BY person_id, measure";
const OFFERED_OF_FAMILIES: &str = "SELECT DISTINCT person_id, measure FROM offers \
    WHERE family_id IN (SELECT value FROM json_each(?1)) ORDER BY person_id, measure";
static UNDELIVERED: LazyLock<String> = LazyLock::new(|| {
    format!("SELECT {MESSAGE_COLUMNS} FROM outbox WHERE delivered_at IS NULL ORDER BY id LIMIT ?1")
});
const DELIVERED: &str =
    "UPDATE outbox SET delivered_at = ?2 WHERE id = ?1 AND delivered_at IS NULL";
static OPEN_TASKS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {TASK_COLUMNS} FROM tasks WHERE status = 'open' \
         AND territory_code BETWEEN ?1 AND ?2 ORDER BY id LIMIT ?3"
    )
});

fn offer_record(row: &Row<'_>) -> StoreResult<OfferRecord> {
    let c = Cells::new(row, "offer", 0);
    Ok(OfferRecord {
        id: c.i64(0, "id")?,
        family: FamilyId(c.i64(1, "family_id")?),
        person: PersonId(c.i64(2, "person_id")?),
        measure: c.string(3, "measure")?,
        language: c.string(4, "language")?,
        state: c.code(5, "state", OfferState::from_code)?,
        created_on: c.date(6, "created_on")?,
        expires_on: c.date(7, "expires_on")?,
        closed_on: c.opt_date(8, "closed_on")?,
    })
}

fn message(row: &Row<'_>) -> StoreResult<OutboxMessage> {
    let c = Cells::new(row, "outbox message", 0);
    Ok(OutboxMessage {
        id: c.i64(0, "id")?,
        person: PersonId(c.i64(1, "person_id")?),
        offer: c.opt_i64(2, "offer_id")?,
        channel: c.string(3, "channel")?,
        address: c.opt_string(4, "address")?,
        language: c.string(5, "language")?,
        body: c.string(6, "body")?,
        created_at: c.timestamp(7, "created_at")?,
        delivered_at: c.opt_timestamp(8, "delivered_at")?,
    })
}

fn task(row: &Row<'_>) -> StoreResult<TaskRecord> {
    let c = Cells::new(row, "task", 0);
    Ok(TaskRecord {
        id: c.i64(0, "id")?,
        kind: c.string(1, "kind")?,
        family: FamilyId(c.i64(2, "family_id")?),
        territory: c.kato(3, "territory_code")?,
        offer: c.opt_i64(4, "offer_id")?,
        created_on: c.date(5, "created_on")?,
        status: c.string(6, "status")?,
    })
}

/// Writes each offer that is not live already, with its message, in one transaction; returns
/// those written, in the order given.
pub(crate) fn create_offers(
    conn: &mut Connection,
    offers: &[NewOffer],
    at: OffsetDateTime,
) -> StoreResult<Vec<OfferRecord>> {
    let at = timestamp(at)?;
    let tx = immediate(conn)?;
    let mut written = Vec::new();
    {
        let mut insert = tx.prepare_cached(INSERT_OFFER).map_err(store_error)?;
        let mut message = tx.prepare_cached(INSERT_MESSAGE).map_err(store_error)?;
        for o in offers {
            let failed = |e| {
                write_error(e, || format!("an offer to person {} of family {}", o.person, o.family))
            };
            let stored = insert
                .execute((
                    o.family.0,
                    o.person.0,
                    &o.measure,
                    &o.language,
                    DateText::new(o.created_on),
                    DateText::new(o.expires_on),
                ))
                .map_err(failed)?;
            if stored == 0 {
                continue;
            }
            let id = tx.last_insert_rowid();
            message
                .execute((o.person.0, id, o.address.as_deref(), &o.language, &o.message, &at))
                .map_err(|e| write_error(e, || format!("the message of offer {id}")))?;
            written.push(OfferRecord {
                id,
                family: o.family,
                person: o.person,
                measure: o.measure.clone(),
                language: o.language.clone(),
                state: OfferState::Sent,
                created_on: o.created_on,
                expires_on: o.expires_on,
                closed_on: None,
            });
        }
    }
    tx.commit().map_err(store_error)?;
    Ok(written)
}

pub(crate) fn live_offers(
    conn: &Connection,
    families: &[FamilyId],
) -> StoreResult<Vec<(PersonId, String)>> {
    pairs(conn, LIVE_OF_FAMILIES, families)
}

/// Every (person, measure) ever offered to the families.
pub(crate) fn offered(
    conn: &Connection,
    families: &[FamilyId],
) -> StoreResult<Vec<(PersonId, String)>> {
    pairs(conn, OFFERED_OF_FAMILIES, families)
}

fn pairs(
    conn: &Connection,
    sql: &str,
    families: &[FamilyId],
) -> StoreResult<Vec<(PersonId, String)>> {
    if families.is_empty() {
        return Ok(Vec::new());
    }
    let mut st = conn.prepare_cached(sql).map_err(store_error)?;
    let mut rows = st.query([id_list(families.iter().map(|f| f.0))]).map_err(store_error)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(store_error)? {
        let c = Cells::new(row, "offer to person", 0);
        out.push((PersonId(c.i64(0, "person_id")?), c.string(1, "measure")?));
    }
    Ok(out)
}

fn offer_in(conn: &Connection, id: i64) -> StoreResult<Option<OfferRecord>> {
    let mut st = conn.prepare_cached(&OFFER_BY_ID).map_err(store_error)?;
    let mut rows = st.query([id]).map_err(store_error)?;
    rows.next().map_err(store_error)?.map(offer_record).transpose()
}

/// Accepts or declines a sent offer and appends `audit` to the chain, in one transaction: both
/// or neither.
pub(crate) fn answer_offer(
    conn: &mut Connection,
    id: i64,
    accept: bool,
    on: Date,
    audit: &AuditRecord,
) -> StoreResult<OfferRecord> {
    let state = if accept { OfferState::Accepted } else { OfferState::Declined };
    let tx = immediate(conn)?;
    let changed = tx
        .prepare_cached(ANSWER)
        .and_then(|mut st| st.execute((id, state.code(), DateText::new(on))))
        .map_err(|e| write_error(e, || format!("offer {id}")))?;
    if changed == 0 {
        let stored: Option<String> = tx
            .prepare_cached("SELECT state FROM offers WHERE id = ?1")
            .and_then(|mut st| st.query_row([id], |r| r.get(0)).optional())
            .map_err(store_error)?;
        return Err(match stored {
            Some(state) => StoreError::Conflict(format!(
                "offer {id} is {state}, not sent: it was answered or expired"
            )),
            None => StoreError::NotFound(format!("offer {id}")),
        });
    }
    let record = offer_in(&tx, id)?
        .ok_or_else(|| StoreError::Backend(format!("offer {id} vanished while answered")))?;
    append_on(&tx, std::slice::from_ref(audit))?;
    tx.commit().map_err(store_error)?;
    Ok(record)
}

/// Expires the sent offers whose last day is before `on` and opens a task for each.
pub(crate) fn expire_offers(conn: &mut Connection, on: Date) -> StoreResult<Vec<OfferRecord>> {
    let day = DateText::new(on);
    let tx = immediate(conn)?;
    let mut overdue: Vec<(OfferRecord, Kato)> = Vec::new();
    {
        let mut st = tx.prepare_cached(&OVERDUE).map_err(store_error)?;
        let mut rows = st.query([&day]).map_err(store_error)?;
        while let Some(row) = rows.next().map_err(store_error)? {
            let territory = Cells::new(row, "family of offer", 0).kato(9, "territory_code")?;
            overdue.push((offer_record(row)?, territory));
        }
    }
    {
        let mut expire = tx.prepare_cached(EXPIRE).map_err(store_error)?;
        let mut task = tx.prepare_cached(INSERT_TASK).map_err(store_error)?;
        for (o, territory) in &mut overdue {
            expire
                .execute((o.id, &day))
                .map_err(|e| write_error(e, || format!("offer {}", o.id)))?;
            task.execute((o.family.0, territory.as_u32(), o.id, &day))
                .map_err(|e| write_error(e, || format!("the task of offer {}", o.id)))?;
            o.state = OfferState::Expired;
            o.closed_on = Some(on);
        }
    }
    tx.commit().map_err(store_error)?;
    Ok(overdue.into_iter().map(|(o, _)| o).collect())
}

pub(crate) fn offer(conn: &Connection, id: i64) -> StoreResult<Option<OfferRecord>> {
    offer_in(conn, id)
}

/// A family's offers, newest (greatest id) first.
pub(crate) fn family_offers(conn: &Connection, family: FamilyId) -> StoreResult<Vec<OfferRecord>> {
    let mut st = conn.prepare_cached(&OFFERS_OF_FAMILY).map_err(store_error)?;
    let mut rows = st.query([family.0]).map_err(store_error)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(store_error)? {
        out.push(offer_record(row)?);
    }
    Ok(out)
}

/// Messages not yet delivered, in id order, at most `limit` clamped to `1..=`[`MAX_PAGE`].
pub(crate) fn undelivered_messages(
    conn: &Connection,
    limit: u32,
) -> StoreResult<Vec<OutboxMessage>> {
    let limit = limit.clamp(1, MAX_PAGE);
    let mut st = conn.prepare_cached(&UNDELIVERED).map_err(store_error)?;
    let mut rows = st.query([limit]).map_err(store_error)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(store_error)? {
        out.push(message(row)?);
    }
    Ok(out)
}

/// Marks messages delivered at `at`; one delivered before keeps its time, an unknown id is
/// passed over.
pub(crate) fn mark_delivered(
    conn: &mut Connection,
    ids: &[i64],
    at: OffsetDateTime,
) -> StoreResult<()> {
    let at = timestamp(at)?;
    let tx = immediate(conn)?;
    {
        let mut st = tx.prepare_cached(DELIVERED).map_err(store_error)?;
        for id in ids {
            st.execute((id, &at)).map_err(store_error)?;
        }
    }
    tx.commit().map_err(store_error)
}

/// Open tasks of `root`'s subtree in id order, at most `limit` clamped to `1..=`[`MAX_PAGE`].
pub(crate) fn open_tasks(
    conn: &Connection,
    root: Kato,
    limit: u32,
) -> StoreResult<Vec<TaskRecord>> {
    let (lo, hi) = root.subtree_range();
    let limit = limit.clamp(1, MAX_PAGE);
    let mut st = conn.prepare_cached(&OPEN_TASKS).map_err(store_error)?;
    let mut rows = st.query((lo, hi, limit)).map_err(store_error)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(store_error)? {
        out.push(task(row)?);
    }
    Ok(out)
}
