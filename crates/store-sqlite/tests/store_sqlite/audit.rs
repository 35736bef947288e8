//! The audit chain on SQLite: the triggers that refuse changes, and what the chain shows when
//! someone with access to the file goes around them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rusqlite::Connection;
use shanyraq_domain::audit::{AuditRecord, ChainBreak, Outcome, verify};
use shanyraq_store::{AuditStore, SchemaStore, StoreError};
use time::Duration;
use time::macros::datetime;

use crate::common::TempStore;

const ENTRIES: u64 = 30;

fn record(i: u64) -> AuditRecord {
    AuditRecord {
        at: datetime!(2026-11-30 09:00:00.000001 UTC) + Duration::seconds(i as i64),
        actor: format!("user:{}", i % 4),
        on_behalf_of: None,
        action: "family.read".into(),
        subject: Some(format!("family:{i}")),
        purpose: Some(format!("home visit {i}")),
        outcome: if i.is_multiple_of(5) { Outcome::Denied } else { Outcome::Allowed },
        request_id: format!("req-{i}"),
        capacity: i.is_multiple_of(3).then(|| "social_worker/social".to_owned()),
    }
}

/// A store holding a chain of [`ENTRIES`] entries, and a raw connection to its file.
async fn chain() -> (TempStore, Connection) {
    let store = TempStore::new();
    store.migrate().await.unwrap();
    let records: Vec<AuditRecord> = (1..=ENTRIES).map(record).collect();
    store.append_audit(&records).await.unwrap();
    let raw = Connection::open(store.path()).unwrap();
    (store, raw)
}

/// Drops the triggers, as anyone able to write the file could.
fn drop_triggers(raw: &Connection) {
    raw.execute_batch("DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;")
        .unwrap();
}

async fn first_break(store: &TempStore) -> ChainBreak {
    let entries = store.audit_entries(0, 1_000).await.unwrap();
    verify(&entries, &[]).unwrap_err()
}

#[tokio::test]
async fn triggers_refuse_changes_and_deletions() {
    let (store, raw) = chain().await;
    let err = raw.execute("UPDATE audit_events SET purpose = 'none' WHERE seq = 3", []);
    assert!(err.unwrap_err().to_string().contains("cannot be changed"));
    let err = raw.execute("UPDATE audit_events SET seq = seq + 100", []);
    assert!(err.unwrap_err().to_string().contains("cannot be changed"));
    let err = raw.execute("DELETE FROM audit_events WHERE seq = 3", []);
    assert!(err.unwrap_err().to_string().contains("cannot be deleted"));
    let err = raw.execute("DELETE FROM audit_events", []);
    assert!(err.unwrap_err().to_string().contains("cannot be deleted"));
    let entries = store.audit_entries(0, 1_000).await.unwrap();
    assert_eq!(verify(&entries, &[]), Ok(ENTRIES));
}

#[tokio::test]
async fn a_changed_byte_is_found_at_its_entry() {
    let (store, raw) = chain().await;
    drop_triggers(&raw);
    raw.execute("UPDATE audit_events SET purpose = 'home visiT 12' WHERE seq = 12", []).unwrap();
    assert_eq!(first_break(&store).await, ChainBreak::Hash { seq: 12 });
}

#[tokio::test]
async fn a_deleted_entry_is_found() {
    let (store, raw) = chain().await;
    drop_triggers(&raw);
    raw.execute("DELETE FROM audit_events WHERE seq = 20", []).unwrap();
    let broken = first_break(&store).await;
    assert_eq!(broken, ChainBreak::Gap { previous: 19, found: 21 });
    assert_eq!(broken.seq(), 21);
}

#[tokio::test]
async fn swapped_entries_are_found() {
    let (store, raw) = chain().await;
    drop_triggers(&raw);
    raw.execute_batch(
        "CREATE TEMP TABLE original AS SELECT * FROM audit_events WHERE seq IN (7, 8);
         UPDATE audit_events AS a SET at = b.at, actor = b.actor,
             on_behalf_of = b.on_behalf_of, action = b.action, subject = b.subject,
             purpose = b.purpose, outcome = b.outcome, request_id = b.request_id, hash = b.hash,
             capacity = b.capacity
         FROM temp.original AS b WHERE a.seq IN (7, 8) AND b.seq = 15 - a.seq;",
    )
    .unwrap();
    let entries = store.audit_entries(0, 1_000).await.unwrap();
    assert_eq!(entries[6].record.request_id, "req-8", "the contents were swapped");
    assert_eq!(entries[7].record.request_id, "req-7");
    assert_eq!(verify(&entries, &[]), Err(ChainBreak::Hash { seq: 7 }));
}

/// A hash that is not 64 hex digits, or an outcome nobody knows, does not read back; the message
/// names the entry and column, not the value.
#[tokio::test]
async fn an_unreadable_entry_is_corrupt() {
    let (store, raw) = chain().await;
    drop_triggers(&raw);
    raw.execute("UPDATE audit_events SET hash = 'xyzzy' WHERE seq = 5", []).unwrap();
    match store.audit_entries(0, 1_000).await.unwrap_err() {
        StoreError::Corrupt(m) => {
            assert!(m.contains("audit entry 5") && m.contains("hash"), "{m}");
            assert!(!m.contains("xyzzy"), "{m}");
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    raw.execute_batch(
        "PRAGMA ignore_check_constraints = ON;
         UPDATE audit_events SET outcome = 'shrugged' WHERE seq = 30;",
    )
    .unwrap();
    match store.audit_head().await.unwrap_err() {
        StoreError::Corrupt(m) => {
            assert!(m.contains("audit entry 30") && m.contains("outcome"), "{m}");
            assert!(!m.contains("shrugged"), "{m}");
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
}
