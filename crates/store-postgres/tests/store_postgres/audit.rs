//! The audit chain on PostgreSQL: the triggers refuse changing or deleting entries through the
//! store's own pool, and a change made with the triggers off is found at its entry.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use crate::common::{TestDb, TestStore};
use shanyraq_domain::audit::{AuditEntry, AuditRecord, ChainBreak, Outcome, verify};
use shanyraq_store::AuditStore;
use time::macros::datetime;

fn record(i: u64) -> AuditRecord {
    AuditRecord {
        at: datetime!(2026-11-30 09:00 UTC) + time::Duration::microseconds(i as i64 * 1_234_567),
        actor: format!("user:{}", i % 7),
        on_behalf_of: i.is_multiple_of(5).then(|| "citizen:9".to_owned()),
        action: "family.read".into(),
        subject: Some(format!("family:{i}")),
        purpose: Some("home visit".into()),
        outcome: if i.is_multiple_of(11) { Outcome::Denied } else { Outcome::Allowed },
        request_id: format!("req-{i}"),
        capacity: None,
    }
}

async fn store() -> Option<TestStore> {
    let db = TestDb::create().await?;
    let store = TestStore::on(db).await;
    shanyraq_store::SchemaStore::migrate(&*store).await.unwrap();
    Some(store)
}

/// The whole chain, a page at a time.
async fn all(store: &TestStore) -> Vec<AuditEntry> {
    let mut out: Vec<AuditEntry> = Vec::new();
    loop {
        let after = out.last().map_or(0, |e| e.seq);
        let page = store.audit_entries(after, 50_000).await.unwrap();
        if page.is_empty() {
            return out;
        }
        out.extend(page);
    }
}

#[tokio::test]
async fn entries_cannot_be_changed_or_deleted_and_a_change_behind_the_triggers_is_found() {
    let Some(store) = store().await else { return };
    let records: Vec<AuditRecord> = (1..=20).map(record).collect();
    store.append_audit(&records).await.unwrap();
    let before = all(&store).await;
    assert_eq!(verify(&before, &[]), Ok(20));

    for sql in [
        "UPDATE audit_events SET purpose = 'other' WHERE seq = 5",
        "DELETE FROM audit_events WHERE seq = 20",
        "TRUNCATE audit_events",
    ] {
        let err = sqlx::query(sql).execute(store.pool()).await.expect_err(sql);
        let code = err.as_database_error().and_then(|d| d.code()).map(|c| c.into_owned());
        assert_eq!(code.as_deref(), Some("42501"), "{sql}: {err}");
    }
    assert_eq!(all(&store).await, before);
    assert_eq!(verify(&before, &[]), Ok(20));

    // A superuser can switch the triggers off and change a byte.
    sqlx::raw_sql(
        "ALTER TABLE audit_events DISABLE TRIGGER USER;
         UPDATE audit_events SET purpose = 'home visiT' WHERE seq = 12;
         ALTER TABLE audit_events ENABLE TRIGGER USER;",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let after = all(&store).await;
    assert_eq!(after[11].record.purpose.as_deref(), Some("home visiT"));
    assert_eq!(verify(&after, &[]), Err(ChainBreak::Hash { seq: 12 }));
    assert_eq!(verify(&after, &[]).unwrap_err().seq(), 12);
}

/// Speed of reading the chain back and verifying it. Not asserted; run with
/// `cargo test --release -p shanyraq-store-postgres --test store_postgres -- --ignored --nocapture
/// audit_read_and_verify_speed`.
#[tokio::test]
#[ignore = "a measurement"]
async fn audit_read_and_verify_speed() {
    let Some(store) = store().await else { return };
    const TOTAL: u64 = 200_000;
    const BATCH: u64 = 1_000;
    let started = Instant::now();
    for b in 0..TOTAL / BATCH {
        let records: Vec<AuditRecord> = (b * BATCH + 1..=(b + 1) * BATCH).map(record).collect();
        store.append_audit(&records).await.unwrap();
    }
    let appended = started.elapsed();

    let started = Instant::now();
    let mut read = std::time::Duration::ZERO;
    let mut verifier = shanyraq_domain::audit::Verifier::new(&[]);
    let mut after = 0;
    loop {
        let t = Instant::now();
        let page = store.audit_entries(after, 50_000).await.unwrap();
        read += t.elapsed();
        let Some(last) = page.last() else { break };
        after = last.seq;
        for e in &page {
            verifier.check(e).unwrap();
        }
    }
    assert_eq!(verifier.finish(), Ok(TOTAL));
    let total = started.elapsed();
    eprintln!(
        "audit: appended {TOTAL} in {:.2} s ({:.0}/s); read and verified in {:.3} s \
         ({:.0}/s; reading {:.3} s, verifying {:.3} s)",
        appended.as_secs_f64(),
        TOTAL as f64 / appended.as_secs_f64(),
        total.as_secs_f64(),
        TOTAL as f64 / total.as_secs_f64(),
        read.as_secs_f64(),
        (total - read).as_secs_f64(),
    );
}
