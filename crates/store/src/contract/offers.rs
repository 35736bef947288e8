//! The contract of [`crate::OfferStore`]: offers made once per person and measure while live,
//! answered once, expired into follow-up tasks; the outbox of their messages. Built on the
//! sample population.

use std::collections::BTreeSet;

use shanyraq_domain::audit::{AuditRecord, Outcome, verify};
use shanyraq_domain::{FamilyId, PersonId};
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};

use super::fixtures::*;
use super::loaded;
use crate::error::StoreError;
use crate::offers::{NewOffer, OfferRecord, OfferState, OutboxMessage, TaskRecord};
use crate::port::Store;

const AT: OffsetDateTime = datetime!(2026-03-01 12:00:00 UTC);
const CREATED: Date = date!(2026 - 03 - 01);
const EXPIRES: Date = date!(2026 - 03 - 15);
const ASP: &str = "targeted_assistance";
const KINDERGARTEN: &str = "kindergarten_place";

/// The audit entry of an answer to offer `id`.
fn answered(id: i64) -> AuditRecord {
    AuditRecord {
        at: datetime!(2026-03-05 10:00:00 UTC),
        actor: "citizen:1".into(),
        on_behalf_of: None,
        action: "offer.answer".into(),
        subject: Some(format!("offer:{id}")),
        purpose: None,
        outcome: Outcome::Allowed,
        request_id: format!("req-answer-{id}"),
        capacity: None,
    }
}

/// The record an offer is stored as, once it has its id.
fn record(id: i64, o: &NewOffer) -> OfferRecord {
    OfferRecord {
        id,
        family: o.family,
        person: o.person,
        measure: o.measure.clone(),
        language: o.language.clone(),
        state: OfferState::Sent,
        created_on: o.created_on,
        expires_on: o.expires_on,
        closed_on: None,
    }
}

async fn live(store: &dyn Store, families: &[FamilyId]) -> BTreeSet<(PersonId, String)> {
    store.live_offers(families).await.unwrap().into_iter().collect()
}

fn pair(person: PersonId, measure: &str) -> (PersonId, String) {
    (person, measure.to_owned())
}

// ---------------------------------------------------------------------------------------------

/// An offer is written with its message unless its person has a live (sent or accepted) offer
/// of the same measure, stored or earlier in the same call; a declined or expired one does not
/// stand in the way.
pub async fn offers_are_made_once_per_person_and_measure(store: &dyn Store) {
    let _ = loaded(store).await;
    assert!(store.live_offers(&[F_SERIKBAYEV]).await.unwrap().is_empty());
    let arman_asp = new_offer(F_SERIKBAYEV, P_ARMAN, ASP, EXPIRES);
    let aigul_asp = new_offer(F_SERIKBAYEV, P_AIGUL, ASP, EXPIRES);
    let arman_kg = new_offer(F_SERIKBAYEV, P_ARMAN, KINDERGARTEN, EXPIRES);
    let maria_asp = NewOffer {
        language: "ru".into(),
        address: None,
        ..new_offer(F_ERLAN, P_MARIA, ASP, EXPIRES)
    };
    let twice = NewOffer { message: "again".into(), ..arman_asp.clone() };
    let given = [arman_asp.clone(), twice, aigul_asp.clone(), arman_kg.clone(), maria_asp.clone()];
    let written = store.create_offers(&given, AT).await.unwrap();
    assert_eq!(written.len(), 4, "the second offer of a measure to Arman is skipped");
    assert!(written.windows(2).all(|w| w[0].id < w[1].id), "in the order given");
    let expected: Vec<OfferRecord> = [&arman_asp, &aigul_asp, &arman_kg, &maria_asp]
        .iter()
        .zip(&written)
        .map(|(o, w)| record(w.id, o))
        .collect();
    assert_eq!(written, expected);
    for w in &written {
        assert_eq!(store.offer(w.id).await.unwrap().as_ref(), Some(w));
    }
    assert_eq!(
        live(store, &[F_SERIKBAYEV]).await,
        BTreeSet::from([pair(P_ARMAN, ASP), pair(P_AIGUL, ASP), pair(P_ARMAN, KINDERGARTEN)])
    );
    assert_eq!(live(store, &[F_ERLAN, F_KIM]).await, BTreeSet::from([pair(P_MARIA, ASP)]));
    assert!(store.live_offers(&[]).await.unwrap().is_empty());
    assert_eq!(live(store, &[F_KIM]).await, BTreeSet::new());

    // Each written offer has its message: the body, address and language given.
    let messages = store.undelivered_messages(100).await.unwrap();
    assert_eq!(messages.len(), 4);
    let expected: Vec<OutboxMessage> = [&arman_asp, &aigul_asp, &arman_kg, &maria_asp]
        .iter()
        .zip(&written)
        .zip(&messages)
        .map(|((o, w), m)| OutboxMessage {
            id: m.id,
            person: o.person,
            offer: Some(w.id),
            channel: "sms".into(),
            address: o.address.clone(),
            language: o.language.clone(),
            body: o.message.clone(),
            created_at: AT,
            delivered_at: None,
        })
        .collect();
    assert_eq!(messages, expected);

    // Made again: nothing is written while they are live.
    assert!(
        store.create_offers(&[arman_asp.clone(), aigul_asp.clone()], AT).await.unwrap().is_empty()
    );
    assert_eq!(store.undelivered_messages(100).await.unwrap().len(), 4);

    // Arman declines, Aigul accepts: Arman may be offered the measure again, Aigul not.
    store.answer_offer(written[0].id, false, CREATED, &answered(written[0].id)).await.unwrap();
    store.answer_offer(written[1].id, true, CREATED, &answered(written[1].id)).await.unwrap();
    assert_eq!(
        live(store, &[F_SERIKBAYEV]).await,
        BTreeSet::from([pair(P_AIGUL, ASP), pair(P_ARMAN, KINDERGARTEN)])
    );
    let again = store.create_offers(&[aigul_asp, arman_asp.clone()], AT).await.unwrap();
    assert_eq!(again.len(), 1);
    assert!(again[0].id > written[3].id);
    assert_eq!(again[0], record(again[0].id, &arman_asp));
    assert_eq!(store.undelivered_messages(100).await.unwrap().len(), 5);
}

/// A call that fails (an offer to nobody the store knows) is `Conflict` and writes none of
/// its offers or messages, and its message carries no personal data.
pub async fn a_failing_offer_call_writes_nothing(store: &dyn Store) {
    let _ = loaded(store).await;
    let good = new_offer(F_SERIKBAYEV, P_ARMAN, ASP, EXPIRES);
    let stranger = new_offer(F_SERIKBAYEV, PersonId(4040), ASP, EXPIRES);
    let err = store.create_offers(&[good.clone(), stranger.clone()], AT).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "an unknown person: {err:?}");
    let message = format!("{err} {err:?}");
    for personal in [stranger.address.as_deref().unwrap(), stranger.message.as_str()] {
        assert!(!message.contains(personal), "personal data in the message: {message}");
    }
    assert!(store.live_offers(&[F_SERIKBAYEV]).await.unwrap().is_empty());
    assert!(store.undelivered_messages(100).await.unwrap().is_empty());
    assert!(store.family_offers(F_SERIKBAYEV).await.unwrap().is_empty());
    assert_eq!(store.create_offers(&[good], AT).await.unwrap().len(), 1);
}

/// A sent offer is answered once: accepted or declined on the day given; answering it again
/// is `Conflict`, an unknown offer `NotFound`. A family's offers list newest first. `offered`
/// lists every (person, measure) ever offered, `live_offers` only those sent or accepted.
pub async fn an_offer_is_answered_once(store: &dyn Store) {
    let _ = loaded(store).await;
    let given = [
        new_offer(F_SERIKBAYEV, P_ARMAN, ASP, EXPIRES),
        new_offer(F_SERIKBAYEV, P_AIGUL, ASP, EXPIRES),
        new_offer(F_SERIKBAYEV, P_AIGUL, KINDERGARTEN, EXPIRES),
    ];
    let written = store.create_offers(&given, AT).await.unwrap();
    let on = date!(2026 - 03 - 05);
    let accepted =
        store.answer_offer(written[0].id, true, on, &answered(written[0].id)).await.unwrap();
    assert_eq!(
        accepted,
        OfferRecord { state: OfferState::Accepted, closed_on: Some(on), ..written[0].clone() }
    );
    let declined =
        store.answer_offer(written[1].id, false, on, &answered(written[1].id)).await.unwrap();
    assert_eq!(
        declined,
        OfferRecord { state: OfferState::Declined, closed_on: Some(on), ..written[1].clone() }
    );
    for (id, accept) in [(written[0].id, true), (written[0].id, false), (written[1].id, true)] {
        let err =
            store.answer_offer(id, accept, date!(2026 - 03 - 06), &answered(id)).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "offer {id} answered again: {err:?}");
    }
    assert_eq!(store.offer(written[0].id).await.unwrap(), Some(accepted.clone()));
    assert_eq!(store.offer(written[1].id).await.unwrap(), Some(declined.clone()));
    let unknown = written[2].id + 100;
    let err = store.answer_offer(unknown, true, on, &answered(unknown)).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "an unknown offer: {err:?}");
    assert_eq!(store.offer(unknown).await.unwrap(), None);
    assert_eq!(
        store.family_offers(F_SERIKBAYEV).await.unwrap(),
        vec![written[2].clone(), declined, accepted]
    );
    assert!(store.family_offers(F_ERLAN).await.unwrap().is_empty());

    // A declined offer is no longer live, but it was offered.
    let live: BTreeSet<_> = store.live_offers(&[F_SERIKBAYEV]).await.unwrap().into_iter().collect();
    assert_eq!(live, BTreeSet::from([pair(P_ARMAN, ASP), pair(P_AIGUL, KINDERGARTEN)]));
    let offered: BTreeSet<_> =
        store.offered(&[F_SERIKBAYEV, F_ERLAN]).await.unwrap().into_iter().collect();
    assert_eq!(
        offered,
        BTreeSet::from([pair(P_ARMAN, ASP), pair(P_AIGUL, ASP), pair(P_AIGUL, KINDERGARTEN)])
    );
    assert!(store.offered(&[]).await.unwrap().is_empty());
}

/// Expiry takes every sent offer whose last day is before the given day, closes it on that day
/// and opens exactly one follow-up task for it in its family's territory; answered offers and
/// those still awaited stay as they are, and expiring again the same day does nothing.
pub async fn expiry_opens_one_task_per_expired_offer(store: &dyn Store) {
    let _ = loaded(store).await;
    let early = date!(2026 - 03 - 10);
    let late = date!(2026 - 03 - 20);
    let given = [
        new_offer(F_SERIKBAYEV, P_ARMAN, ASP, early),
        new_offer(F_SERIKBAYEV, P_AIGUL, ASP, early),
        new_offer(F_ERLAN, P_MARIA, ASP, early),
        new_offer(F_SERIKBAYEV, P_ARMAN, KINDERGARTEN, late),
        new_offer(F_AKHMETOV, PersonId(8), ASP, date!(2026 - 03 - 11)),
    ];
    let w = store.create_offers(&given, AT).await.unwrap();
    assert_eq!(w.len(), 5);
    store.answer_offer(w[1].id, true, date!(2026 - 03 - 02), &answered(w[1].id)).await.unwrap();
    assert!(store.open_tasks(kato(AKMOLA), 100).await.unwrap().is_empty());

    let on = date!(2026 - 03 - 11);
    let expired = store.expire_offers(on).await.unwrap();
    let closed = |o: &OfferRecord| OfferRecord {
        state: OfferState::Expired,
        closed_on: Some(on),
        ..o.clone()
    };
    assert_eq!(expired, vec![closed(&w[0]), closed(&w[2])], "by id; the last day itself waits");
    assert_eq!(store.offer(w[0].id).await.unwrap(), Some(closed(&w[0])));
    assert_eq!(store.offer(w[1].id).await.unwrap().unwrap().state, OfferState::Accepted);
    assert_eq!(store.offer(w[3].id).await.unwrap().unwrap().state, OfferState::Sent);
    assert_eq!(store.offer(w[4].id).await.unwrap().unwrap().state, OfferState::Sent);

    let tasks = store.open_tasks(kato(AKMOLA), 100).await.unwrap();
    let task = |t: &TaskRecord, o: &OfferRecord, territory: u32| TaskRecord {
        id: t.id,
        kind: "offer_follow_up".into(),
        family: o.family,
        territory: kato(territory),
        offer: Some(o.id),
        created_on: on,
        status: "open".into(),
    };
    assert_eq!(tasks.len(), 2, "one task per expired offer");
    assert_eq!(tasks[0], task(&tasks[0], &w[0], AKKOL_TOWN));
    assert_eq!(tasks[1], task(&tasks[1], &w[2], AZAT));
    assert!(tasks[0].id < tasks[1].id);
    assert_eq!(store.open_tasks(kato(AZAT_OKRUG), 100).await.unwrap(), tasks[1..].to_vec());
    assert!(store.open_tasks(kato(ASTANA), 100).await.unwrap().is_empty());
    assert_eq!(store.open_tasks(kato(AKMOLA), 1).await.unwrap(), tasks[..1].to_vec());
    assert_eq!(store.open_tasks(kato(AKMOLA), 0).await.unwrap(), tasks[..1].to_vec());

    // Again the same day: nothing more.
    assert!(store.expire_offers(on).await.unwrap().is_empty());
    assert_eq!(store.open_tasks(kato(AKMOLA), 100).await.unwrap(), tasks);

    // An expired offer cannot be answered, and no longer stands in the way of a new one.
    let err = store.answer_offer(w[0].id, true, on, &answered(w[0].id)).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "answering an expired offer: {err:?}");
    assert!(!live(store, &[F_SERIKBAYEV]).await.contains(&pair(P_ARMAN, ASP)));
    let renewal = NewOffer { expires_on: date!(2026 - 04 - 30), ..given[0].clone() };
    let renewed = store.create_offers(&[renewal], AT).await.unwrap();
    assert_eq!(renewed.len(), 1);

    let later = date!(2026 - 03 - 21);
    let expired = store.expire_offers(later).await.unwrap();
    let ids: Vec<i64> = expired.iter().map(|o| o.id).collect();
    assert_eq!(ids, vec![w[3].id, w[4].id]);
    assert!(expired.iter().all(|o| o.closed_on == Some(later)));
    assert_eq!(store.open_tasks(kato(AKMOLA), 100).await.unwrap().len(), 3);
    let astana = store.open_tasks(kato(ASTANA), 100).await.unwrap();
    assert_eq!(astana.len(), 1);
    assert_eq!(
        (astana[0].territory, astana[0].offer),
        (kato(ASTANA_ALMATY_DISTRICT), Some(w[4].id))
    );
}

/// Messages wait in id order until marked delivered; marking is idempotent and passes over
/// unknown ids.
pub async fn outbox_messages_wait_until_delivered(store: &dyn Store) {
    let _ = loaded(store).await;
    let given = [
        new_offer(F_SERIKBAYEV, P_ARMAN, ASP, EXPIRES),
        new_offer(F_SERIKBAYEV, P_AIGUL, ASP, EXPIRES),
        new_offer(F_ERLAN, P_MARIA, ASP, EXPIRES),
    ];
    store.create_offers(&given, AT).await.unwrap();
    let all = store.undelivered_messages(100).await.unwrap();
    assert_eq!(all.len(), 3);
    assert!(all.windows(2).all(|w| w[0].id < w[1].id));
    assert_eq!(store.undelivered_messages(2).await.unwrap(), all[..2].to_vec());
    assert_eq!(store.undelivered_messages(0).await.unwrap(), all[..1].to_vec());
    let delivered = datetime!(2026-03-01 12:05:00 UTC);
    store.mark_delivered(&[all[0].id, all[2].id, all[2].id + 1000], delivered).await.unwrap();
    let waiting: Vec<OutboxMessage> = store.undelivered_messages(100).await.unwrap();
    assert_eq!(waiting, all[1..2].to_vec());
    store.mark_delivered(&[all[0].id], delivered).await.unwrap();
    store.mark_delivered(&[], delivered).await.unwrap();
    assert_eq!(store.undelivered_messages(100).await.unwrap(), waiting);
    store.mark_delivered(&[all[1].id], delivered).await.unwrap();
    assert!(store.undelivered_messages(100).await.unwrap().is_empty());
}

/// An answer and its audit entry are written together: a successful answer appends exactly the
/// record given, sealed after the last entry; an answer refused (`Conflict`, `NotFound`) writes
/// neither the offer nor an entry.
pub async fn an_answer_and_its_audit_entry_are_written_together(store: &dyn Store) {
    let _ = loaded(store).await;
    let given = [
        new_offer(F_SERIKBAYEV, P_ARMAN, ASP, EXPIRES),
        new_offer(F_SERIKBAYEV, P_AIGUL, ASP, EXPIRES),
    ];
    let w = store.create_offers(&given, AT).await.unwrap();
    assert_eq!(store.audit_head().await.unwrap(), None, "making offers audits nothing here");
    let on = date!(2026 - 03 - 05);

    let first = AuditRecord { capacity: Some("citizen/self".into()), ..answered(w[0].id) };
    store.answer_offer(w[0].id, true, on, &first).await.unwrap();
    let entries = store.audit_entries(0, 100).await.unwrap();
    assert_eq!(entries.len(), 1, "one entry per answer");
    assert_eq!((entries[0].seq, &entries[0].record), (1, &first));

    // Refused answers: no entry, and the offers stay as they were.
    let again = store.answer_offer(w[0].id, false, on, &answered(w[0].id)).await.unwrap_err();
    assert!(matches!(again, StoreError::Conflict(_)), "answered again: {again:?}");
    let unknown = w[1].id + 100;
    let missing = store.answer_offer(unknown, true, on, &answered(unknown)).await.unwrap_err();
    assert!(matches!(missing, StoreError::NotFound(_)), "an unknown offer: {missing:?}");
    assert_eq!(store.audit_entries(0, 100).await.unwrap(), entries, "no entry for a refusal");
    assert_eq!(store.offer(w[0].id).await.unwrap().unwrap().state, OfferState::Accepted);

    let second = answered(w[1].id);
    let declined = store.answer_offer(w[1].id, false, on, &second).await.unwrap();
    assert_eq!(declined.state, OfferState::Declined);
    let entries = store.audit_entries(0, 100).await.unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!((entries[1].seq, &entries[1].record), (2, &second));
    assert_eq!(verify(&entries, &[]), Ok(2));
}
