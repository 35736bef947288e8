//! Proactive offers, the outbox of messages that carry them, and the follow-up tasks of offers
//! nobody answered.
//!
//! At most one live (sent or accepted) offer per person and measure: the partial unique index
//! `offers_live_key` holds it, and writing offers skips the ones it would refuse, so that two
//! writers offering the same measure at once make one offer between them.

use std::collections::HashSet;

use async_trait::async_trait;
use shanyraq_domain::audit::AuditRecord;
use shanyraq_domain::{FamilyId, Kato, PersonId};
use shanyraq_store::{
    NewOffer, OfferRecord, OfferState, OfferStore, OutboxMessage, StoreError, StoreResult,
    TaskRecord,
};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool};
use time::{Date, OffsetDateTime};

use crate::PostgresStore;
use crate::audit::append_in;
use crate::decode::{At, code, get, kato};
use crate::error::fail;
use crate::read::int;

/// Most rows one page returns.
const MAX_PAGE: u32 = 10_000;

/// The columns [`offer`] reads, for `SELECT` and `RETURNING` lists.
macro_rules! offer_columns {
    () => {
        "id, family_id, person_id, measure, language, state, created_on, expires_on, closed_on"
    };
}

/// `$1` fresh keys of a table's identity column, in ascending order.
const OFFER_KEYS: &str =
    "SELECT nextval(pg_get_serial_sequence('offers', 'id')) FROM generate_series(1, $1)";
const OUTBOX_KEYS: &str =
    "SELECT nextval(pg_get_serial_sequence('outbox', 'id')) FROM generate_series(1, $1)";

/// Sent offers, each skipped when its person has a live offer of the measure already; returns
/// the keys of those written.
const INSERT_OFFERS: &str = "INSERT INTO offers (id, family_id, person_id, measure, language,
        state, created_on, expires_on)
    SELECT id, family_id, person_id, measure, language, 'sent', created_on, expires_on
    FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::date[],
                $7::date[])
        AS o (id, family_id, person_id, measure, language, created_on, expires_on)
    ON CONFLICT (person_id, measure) WHERE state IN ('sent', 'accepted') DO NOTHING
    RETURNING id";

const INSERT_MESSAGES: &str = "INSERT INTO outbox (id, person_id, offer_id, channel, address,
        language, body, created_at)
    SELECT id, person_id, offer_id, 'sms', address, language, body, $7
    FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[])
        AS m (id, person_id, offer_id, address, language, body)";

const LIVE: &str = "SELECT person_id, measure FROM offers
    WHERE family_id = ANY($1) AND state IN ('sent', 'accepted')";

const OFFERED: &str = "SELECT DISTINCT person_id, measure FROM offers WHERE family_id = ANY($1)";

const ANSWER: &str = concat!(
    "UPDATE offers SET state = $2, closed_on = $3 WHERE id = $1 AND state = 'sent' RETURNING ",
    offer_columns!()
);

const STATE: &str = "SELECT state FROM offers WHERE id = $1";

/// Expires the sent offers past their last day and opens a follow-up task for each, in the
/// offers' order, in one statement.
const EXPIRE: &str = concat!(
    "WITH expired AS (
        UPDATE offers SET state = 'expired', closed_on = $1
        WHERE state = 'sent' AND expires_on < $1
        RETURNING ",
    offer_columns!(),
    "
    ), opened AS (
        INSERT INTO tasks (kind, family_id, territory_code, offer_id, created_on, status)
        SELECT 'offer_follow_up', e.family_id, f.territory_code, e.id, $1, 'open'
        FROM expired e JOIN families f ON f.id = e.family_id
        ORDER BY e.id
    )
    SELECT * FROM expired ORDER BY id"
);

const OFFER: &str = concat!("SELECT ", offer_columns!(), " FROM offers WHERE id = $1");

const FAMILY_OFFERS: &str =
    concat!("SELECT ", offer_columns!(), " FROM offers WHERE family_id = $1 ORDER BY id DESC");

const UNDELIVERED: &str = "SELECT id, person_id, offer_id, channel, address, language, body,
        created_at, delivered_at
    FROM outbox WHERE delivered_at IS NULL ORDER BY id LIMIT $1";

/// A message delivered twice keeps its first delivery.
const MARK_DELIVERED: &str =
    "UPDATE outbox SET delivered_at = $2 WHERE id = ANY($1) AND delivered_at IS NULL";

const OPEN_TASKS: &str = "SELECT id, kind, family_id, territory_code, offer_id, created_on, status
    FROM tasks
    WHERE status = 'open' AND territory_code BETWEEN $1 AND $2
    ORDER BY id LIMIT $3";

fn offer(row: &PgRow) -> StoreResult<OfferRecord> {
    let at = At::new(row, "offers", "id");
    Ok(OfferRecord {
        id: get(row, "id")?,
        family: FamilyId(get(row, "family_id")?),
        person: PersonId(get(row, "person_id")?),
        measure: get(row, "measure")?,
        language: get(row, "language")?,
        state: code(at, "state", OfferState::from_code)?,
        created_on: get(row, "created_on")?,
        expires_on: get(row, "expires_on")?,
        closed_on: get(row, "closed_on")?,
    })
}

fn message(row: &PgRow) -> StoreResult<OutboxMessage> {
    Ok(OutboxMessage {
        id: get(row, "id")?,
        person: PersonId(get(row, "person_id")?),
        offer: get(row, "offer_id")?,
        channel: get(row, "channel")?,
        address: get(row, "address")?,
        language: get(row, "language")?,
        body: get(row, "body")?,
        created_at: get(row, "created_at")?,
        delivered_at: get(row, "delivered_at")?,
    })
}

fn task(row: &PgRow) -> StoreResult<TaskRecord> {
    let at = At::new(row, "tasks", "id");
    Ok(TaskRecord {
        id: get(row, "id")?,
        kind: get(row, "kind")?,
        family: FamilyId(get(row, "family_id")?),
        territory: kato(at, "territory_code")?,
        offer: get(row, "offer_id")?,
        created_on: get(row, "created_on")?,
        status: get(row, "status")?,
    })
}

fn page_limit(limit: u32) -> i64 {
    i64::from(limit.clamp(1, MAX_PAGE))
}

/// `n` fresh keys from `sql` ([`OFFER_KEYS`] or [`OUTBOX_KEYS`]), ascending.
async fn fresh_keys(conn: &mut PgConnection, sql: &'static str, n: usize) -> StoreResult<Vec<i64>> {
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    let mut keys: Vec<i64> = sqlx::query_scalar(sql)
        .bind(n)
        .fetch_all(&mut *conn)
        .await
        .map_err(fail("drawing keys"))?;
    keys.sort_unstable();
    Ok(keys)
}

/// The offers of a call that may be written: each (person, measure) once, the first asked.
fn first_per_person_and_measure(offers: &[NewOffer]) -> Vec<&NewOffer> {
    let mut seen: HashSet<(PersonId, &str)> = HashSet::with_capacity(offers.len());
    offers.iter().filter(|o| seen.insert((o.person, o.measure.as_str()))).collect()
}

async fn create_offers(
    pool: &PgPool,
    offers: &[NewOffer],
    at: OffsetDateTime,
) -> StoreResult<Vec<OfferRecord>> {
    let candidates = first_per_person_and_measure(offers);
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let mut tx = pool.begin().await.map_err(fail("starting to write offers"))?;
    // Keys drawn in the order asked, so that offers (and their messages) ascend in that order.
    let ids = fresh_keys(&mut tx, OFFER_KEYS, candidates.len()).await?;
    let written: Vec<i64> = sqlx::query_scalar(INSERT_OFFERS)
        .bind(&ids)
        .bind(candidates.iter().map(|o| o.family.0).collect::<Vec<_>>())
        .bind(candidates.iter().map(|o| o.person.0).collect::<Vec<_>>())
        .bind(candidates.iter().map(|o| o.measure.as_str()).collect::<Vec<_>>())
        .bind(candidates.iter().map(|o| o.language.as_str()).collect::<Vec<_>>())
        .bind(candidates.iter().map(|o| o.created_on).collect::<Vec<_>>())
        .bind(candidates.iter().map(|o| o.expires_on).collect::<Vec<_>>())
        .fetch_all(&mut *tx)
        .await
        .map_err(fail("writing offers"))?;
    let written: HashSet<i64> = written.into_iter().collect();
    let kept: Vec<(i64, &NewOffer)> =
        ids.iter().copied().zip(candidates).filter(|(id, _)| written.contains(id)).collect();
    if !kept.is_empty() {
        let message_ids = fresh_keys(&mut tx, OUTBOX_KEYS, kept.len()).await?;
        sqlx::query(INSERT_MESSAGES)
            .bind(&message_ids)
            .bind(kept.iter().map(|(_, o)| o.person.0).collect::<Vec<_>>())
            .bind(kept.iter().map(|(id, _)| *id).collect::<Vec<_>>())
            .bind(kept.iter().map(|(_, o)| o.address.as_deref()).collect::<Vec<_>>())
            .bind(kept.iter().map(|(_, o)| o.language.as_str()).collect::<Vec<_>>())
            .bind(kept.iter().map(|(_, o)| o.message.as_str()).collect::<Vec<_>>())
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(fail("writing messages"))?;
    }
    tx.commit().await.map_err(fail("committing offers"))?;
    Ok(kept
        .into_iter()
        .map(|(id, o)| OfferRecord {
            id,
            family: o.family,
            person: o.person,
            measure: o.measure.clone(),
            language: o.language.clone(),
            state: OfferState::Sent,
            created_on: o.created_on,
            expires_on: o.expires_on,
            closed_on: None,
        })
        .collect())
}

/// Answers a sent offer and appends `audit` in the same transaction, after the update: a
/// refused answer (the offer is not sent, or unknown) writes neither.
async fn answer_offer(
    pool: &PgPool,
    id: i64,
    accept: bool,
    on: Date,
    audit: &AuditRecord,
) -> StoreResult<OfferRecord> {
    let state = if accept { OfferState::Accepted } else { OfferState::Declined };
    let mut tx = pool.begin().await.map_err(fail("starting to answer an offer"))?;
    let answered = sqlx::query(ANSWER)
        .bind(id)
        .bind(state.code())
        .bind(on)
        .fetch_optional(&mut *tx)
        .await
        .map_err(fail("answering an offer"))?;
    if let Some(row) = answered {
        let answered = offer(&row)?;
        append_in(&mut tx, std::slice::from_ref(audit)).await?;
        tx.commit().await.map_err(fail("committing an answer"))?;
        return Ok(answered);
    }
    let stored: Option<String> = sqlx::query_scalar(STATE)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(fail("reading an offer"))?;
    // Nothing was written; dropping `tx` rolls it back.
    drop(tx);
    match stored {
        Some(state) => Err(StoreError::Conflict(format!(
            "offer {id} is {}, and only a sent offer can be answered",
            OfferState::from_code(&state).map_or("in an unknown state", OfferState::code)
        ))),
        None => Err(StoreError::NotFound(format!("offer {id}"))),
    }
}

#[async_trait]
impl OfferStore for PostgresStore {
    async fn create_offers(
        &self,
        offers: &[NewOffer],
        at: OffsetDateTime,
    ) -> StoreResult<Vec<OfferRecord>> {
        create_offers(&self.pool, offers, at).await
    }

    async fn live_offers(&self, families: &[FamilyId]) -> StoreResult<Vec<(PersonId, String)>> {
        if families.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = families.iter().map(|f| f.0).collect();
        let rows: Vec<(i64, String)> = sqlx::query_as(LIVE)
            .bind(&ids)
            .fetch_all(&self.pool)
            .await
            .map_err(fail("reading live offers"))?;
        let mut live: Vec<(PersonId, String)> =
            rows.into_iter().map(|(person, measure)| (PersonId(person), measure)).collect();
        live.sort();
        Ok(live)
    }

    async fn offered(&self, families: &[FamilyId]) -> StoreResult<Vec<(PersonId, String)>> {
        if families.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = families.iter().map(|f| f.0).collect();
        let rows: Vec<(i64, String)> = sqlx::query_as(OFFERED)
            .bind(&ids)
            .fetch_all(&self.pool)
            .await
            .map_err(fail("reading offered measures"))?;
        let mut offered: Vec<(PersonId, String)> =
            rows.into_iter().map(|(person, measure)| (PersonId(person), measure)).collect();
        offered.sort();
        Ok(offered)
    }

    async fn answer_offer(
        &self,
        id: i64,
        accept: bool,
        on: Date,
        audit: &AuditRecord,
    ) -> StoreResult<OfferRecord> {
        answer_offer(&self.pool, id, accept, on, audit).await
    }

    async fn expire_offers(&self, on: Date) -> StoreResult<Vec<OfferRecord>> {
        sqlx::query(EXPIRE)
            .bind(on)
            .fetch_all(&self.pool)
            .await
            .map_err(fail("expiring offers"))?
            .iter()
            .map(offer)
            .collect()
    }

    async fn offer(&self, id: i64) -> StoreResult<Option<OfferRecord>> {
        let row = sqlx::query(OFFER)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(fail("reading an offer"))?;
        row.as_ref().map(offer).transpose()
    }

    async fn family_offers(&self, family: FamilyId) -> StoreResult<Vec<OfferRecord>> {
        sqlx::query(FAMILY_OFFERS)
            .bind(family.0)
            .fetch_all(&self.pool)
            .await
            .map_err(fail("reading offers"))?
            .iter()
            .map(offer)
            .collect()
    }

    async fn undelivered_messages(&self, limit: u32) -> StoreResult<Vec<OutboxMessage>> {
        sqlx::query(UNDELIVERED)
            .bind(page_limit(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(fail("reading the outbox"))?
            .iter()
            .map(message)
            .collect()
    }

    async fn mark_delivered(&self, ids: &[i64], at: OffsetDateTime) -> StoreResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        sqlx::query(MARK_DELIVERED)
            .bind(ids)
            .bind(at)
            .execute(&self.pool)
            .await
            .map_err(fail("marking messages delivered"))?;
        Ok(())
    }

    async fn open_tasks(&self, root: Kato, limit: u32) -> StoreResult<Vec<TaskRecord>> {
        let (lo, hi) = root.subtree_range();
        sqlx::query(OPEN_TASKS)
            .bind(int(lo))
            .bind(int(hi))
            .bind(page_limit(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(fail("reading open tasks"))?
            .iter()
            .map(task)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn new_offer(person: i64, measure: &str) -> NewOffer {
        NewOffer {
            family: FamilyId(1),
            person: PersonId(person),
            measure: measure.into(),
            language: "kk".into(),
            created_on: date!(2026 - 01 - 01),
            expires_on: date!(2026 - 01 - 31),
            message: "…".into(),
            address: None,
        }
    }

    #[test]
    fn a_person_gets_one_offer_of_a_measure_per_call() {
        let asked = [new_offer(1, "a"), new_offer(2, "a"), new_offer(1, "a"), new_offer(1, "b")];
        let kept: Vec<(i64, &str)> = first_per_person_and_measure(&asked)
            .iter()
            .map(|o| (o.person.0, o.measure.as_str()))
            .collect();
        assert_eq!(kept, [(1, "a"), (2, "a"), (1, "b")]);
    }
}
