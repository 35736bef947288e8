//! A change and its audit entry are one transaction: a failure between the change and the
//! commit (here, a trigger that refuses the audit insert, installed through a second connection
//! to the same file) leaves neither.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rusqlite::Connection;
use shanyraq_domain::audit::{AuditRecord, Outcome, verify};
use shanyraq_store::contract::fixtures::{self, F_SERIKBAYEV, P_ARMAN};
use shanyraq_store::{
    AccountKind, AccountStore, AuditStore, BatchStore, NewAccount, NewBreakGlass, OfferState,
    OfferStore, PopulationStore, SchemaStore, StoreError, TerritoryStore,
};
use time::macros::{date, datetime};

use crate::common::TempStore;

const REFUSE_AUDIT: &str = "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'the audit chain is refusing entries');
END;";

async fn loaded() -> (TempStore, Connection) {
    let store = TempStore::new();
    store.migrate().await.unwrap();
    store.replace_territories(&fixtures::tree()).await.unwrap();
    for b in fixtures::batches() {
        store.create_batch(&b).await.unwrap();
    }
    store.insert_population(&fixtures::sample()).await.unwrap();
    let raw = Connection::open(store.path()).unwrap();
    (store, raw)
}

fn record(action: &str, subject: &str, request: &str) -> AuditRecord {
    AuditRecord {
        at: datetime!(2026-03-05 10:00:00 UTC),
        actor: "staff:aibek".into(),
        on_behalf_of: None,
        action: action.into(),
        subject: Some(subject.into()),
        purpose: None,
        outcome: Outcome::Allowed,
        request_id: request.into(),
        capacity: Some("social_worker/social".into()),
    }
}

fn refused(err: &StoreError) -> bool {
    matches!(err, StoreError::Backend(m) if m.contains("refusing entries"))
}

#[tokio::test]
async fn an_answer_whose_audit_entry_fails_is_not_written() {
    let (store, raw) = loaded().await;
    let offer =
        fixtures::new_offer(F_SERIKBAYEV, P_ARMAN, "targeted_assistance", date!(2026 - 03 - 15));
    let written = store.create_offers(&[offer], datetime!(2026-03-01 12:00 UTC)).await.unwrap();
    let id = written[0].id;
    let answer = record("offer.answer", &format!("offer:{id}"), "req-1");

    raw.execute_batch(REFUSE_AUDIT).unwrap();
    let err = store.answer_offer(id, true, date!(2026 - 03 - 05), &answer).await.unwrap_err();
    assert!(refused(&err), "{err:?}");
    assert_eq!(store.offer(id).await.unwrap().unwrap().state, OfferState::Sent);
    assert_eq!(store.offer(id).await.unwrap().unwrap().closed_on, None);
    assert_eq!(store.audit_head().await.unwrap(), None);

    raw.execute_batch("DROP TRIGGER refuse_audit").unwrap();
    let answered = store.answer_offer(id, true, date!(2026 - 03 - 05), &answer).await.unwrap();
    assert_eq!(answered.state, OfferState::Accepted);
    let entries = store.audit_entries(0, 100).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].record, answer);
    assert_eq!(verify(&entries, &[]), Ok(1));
}

#[tokio::test]
async fn a_break_glass_access_whose_audit_entry_fails_is_not_opened_or_reviewed() {
    let (store, raw) = loaded().await;
    let new_account = |login: &str| NewAccount {
        login: login.into(),
        kind: AccountKind::Staff,
        display_name: login.into(),
        password_hash: "$argon2id$v=19$x".into(),
        iin: None,
        created_at: datetime!(2026-03-01 09:00 UTC),
    };
    let worker = store.create_account(&new_account("aibek")).await.unwrap();
    let chief = store.create_account(&new_account("zhanar")).await.unwrap();
    let access = NewBreakGlass {
        account: worker.id,
        family: F_SERIKBAYEV,
        reason: "no answer at the door".into(),
        opened_at: datetime!(2026-03-05 10:00 UTC),
        until: datetime!(2026-03-05 14:00 UTC),
    };
    let opening = record("break_glass.open", "family:1", "req-open");
    let now = datetime!(2026-03-05 11:00 UTC);

    raw.execute_batch(REFUSE_AUDIT).unwrap();
    let err = store.open_break_glass(&access, &opening).await.unwrap_err();
    assert!(refused(&err), "{err:?}");
    assert!(store.active_break_glass(worker.id, now).await.unwrap().is_empty());
    assert!(store.unreviewed_break_glass(100).await.unwrap().is_empty());
    assert_eq!(store.audit_head().await.unwrap(), None);

    raw.execute_batch("DROP TRIGGER refuse_audit").unwrap();
    let opened = store.open_break_glass(&access, &opening).await.unwrap();
    assert_eq!(store.unreviewed_break_glass(100).await.unwrap(), vec![opened.clone()]);

    let review = record("break_glass.review", "family:1", "req-review");
    let at = datetime!(2026-03-06 09:00 UTC);
    raw.execute_batch(REFUSE_AUDIT).unwrap();
    let err = store.review_break_glass(opened.id, chief.id, at, "ok", &review).await.unwrap_err();
    assert!(refused(&err), "{err:?}");
    assert_eq!(store.unreviewed_break_glass(100).await.unwrap(), vec![opened.clone()]);

    raw.execute_batch("DROP TRIGGER refuse_audit").unwrap();
    assert!(store.review_break_glass(opened.id, chief.id, at, "ok", &review).await.unwrap());
    assert!(store.unreviewed_break_glass(100).await.unwrap().is_empty());
    let entries = store.audit_entries(0, 100).await.unwrap();
    let records: Vec<&AuditRecord> = entries.iter().map(|e| &e.record).collect();
    assert_eq!(records, vec![&opening, &review]);
    assert_eq!(verify(&entries, &[]), Ok(2));
}
