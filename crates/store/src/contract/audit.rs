//! The contract of [`crate::AuditStore`]: an append-only hash chain that reads back exactly as
//! written and verifies, however many writers append at once.

use shanyraq_domain::audit::{AuditEntry, AuditRecord, Outcome, verify};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use super::migrated;
use crate::port::Store;

const START: OffsetDateTime = datetime!(2026-11-30 09:00:00 UTC);

/// A record told apart by `writer` and `i`; every third has no optional texts.
fn audit_record(writer: u32, i: u32) -> AuditRecord {
    let full = !i.is_multiple_of(3);
    AuditRecord {
        at: START + Duration::milliseconds(i64::from(i)),
        actor: format!("user:{writer}"),
        on_behalf_of: full.then(|| format!("citizen:{i}")),
        action: "family.read".into(),
        subject: full.then(|| format!("family:{i}")),
        purpose: full.then(|| "home visit — үй".to_owned()),
        outcome: if i.is_multiple_of(7) { Outcome::Denied } else { Outcome::Allowed },
        request_id: format!("req-{writer}-{i}"),
        capacity: i.is_multiple_of(2).then(|| "social_worker/social".to_owned()),
    }
}

/// Every entry, read a page at a time.
async fn all_entries(store: &dyn Store) -> Vec<AuditEntry> {
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

// ---------------------------------------------------------------------------------------------

/// Appended entries come back in order with seqs 1..n, verify, and the head is the last; the
/// time is kept to the microsecond (and the entry is sealed with the time kept).
pub async fn audit_entries_chain_in_order(store: &dyn Store) {
    migrated(store).await;
    let mut records: Vec<AuditRecord> = (1..=25).map(|i| audit_record(0, i)).collect();
    records[4].at = datetime!(2026-11-30 09:00:01.123456789 +05:00);
    let first = store.append_audit(&records[..1]).await.unwrap();
    let rest = store.append_audit(&records[1..]).await.unwrap();
    let written: Vec<AuditEntry> = first.into_iter().chain(rest).collect();
    let stored = store.audit_entries(0, 1_000).await.unwrap();
    assert_eq!(stored, written, "entries read back as returned by the appends");
    assert_eq!(stored.iter().map(|e| e.seq).collect::<Vec<_>>(), (1..=25).collect::<Vec<u64>>());
    assert_eq!(verify(&stored, &[]), Ok(25));
    for (e, r) in stored.iter().zip(&records) {
        assert_eq!(e.record.actor, r.actor);
        assert_eq!(e.record.request_id, r.request_id);
        assert_eq!(e.record.purpose, r.purpose);
        assert_eq!(e.record.on_behalf_of, r.on_behalf_of);
        assert_eq!(e.record.outcome, r.outcome);
    }
    assert_eq!(stored[4].record.at, datetime!(2026-11-30 04:00:01.123456 UTC));
    assert_eq!(stored[0].record.at, records[0].at);
    assert_eq!(store.audit_head().await.unwrap().as_ref(), stored.last());
    assert!(store.append_audit(&[]).await.unwrap().is_empty());
    assert_eq!(store.audit_head().await.unwrap().as_ref(), stored.last());
}

/// `audit_entries` starts strictly after `after` and returns at most `limit` (0 counts as 1).
pub async fn audit_entries_page_by_seq(store: &dyn Store) {
    migrated(store).await;
    let records: Vec<AuditRecord> = (1..=30).map(|i| audit_record(1, i)).collect();
    let all = store.append_audit(&records).await.unwrap();
    for limit in [1u32, 4, 7, 30, 31] {
        let mut got: Vec<AuditEntry> = Vec::new();
        loop {
            let after = got.last().map_or(0, |e| e.seq);
            let page = store.audit_entries(after, limit).await.unwrap();
            assert!(page.len() <= limit as usize, "limit {limit}");
            if page.is_empty() {
                break;
            }
            got.extend(page);
        }
        assert_eq!(got, all, "pages of {limit}");
    }
    assert_eq!(store.audit_entries(10, 5).await.unwrap(), all[10..15].to_vec());
    assert_eq!(store.audit_entries(29, 5).await.unwrap(), all[29..].to_vec());
    assert!(store.audit_entries(30, 5).await.unwrap().is_empty());
    assert!(store.audit_entries(u64::MAX, 5).await.unwrap().is_empty());
    assert_eq!(store.audit_entries(0, 0).await.unwrap(), all[..1].to_vec());
}

async fn audit_writer(store: &dyn Store, writer: u32) {
    for batch in 0..100u32 {
        let records: Vec<AuditRecord> =
            (0..10).map(|i| audit_record(writer, batch * 10 + i)).collect();
        let written = store.append_audit(&records).await.unwrap();
        assert_eq!(written.len(), 10);
        assert!(written.windows(2).all(|w| w[1].seq == w[0].seq + 1), "a batch is contiguous");
    }
}

/// Eight writers appending 1,000 records each at once leave one chain of 8,000 entries.
pub async fn concurrent_appends_keep_one_chain(store: &dyn Store) {
    migrated(store).await;
    tokio::join!(
        audit_writer(store, 0),
        audit_writer(store, 1),
        audit_writer(store, 2),
        audit_writer(store, 3),
        audit_writer(store, 4),
        audit_writer(store, 5),
        audit_writer(store, 6),
        audit_writer(store, 7),
    );
    let entries = all_entries(store).await;
    assert_eq!(verify(&entries, &[]), Ok(8_000));
    assert_eq!(store.audit_head().await.unwrap().as_ref(), entries.last());
    for writer in 0..8 {
        let actor = format!("user:{writer}");
        let mine: Vec<&str> = entries
            .iter()
            .filter(|e| e.record.actor == actor)
            .map(|e| e.record.request_id.as_str())
            .collect();
        let expected: Vec<String> = (0..1_000).map(|i| format!("req-{writer}-{i}")).collect();
        assert_eq!(mine, expected, "writer {writer}'s records, in the order appended");
    }
}

/// An empty chain: no head, no entries, and it verifies.
pub async fn an_empty_audit_chain_verifies(store: &dyn Store) {
    migrated(store).await;
    assert_eq!(store.audit_head().await.unwrap(), None);
    let entries = store.audit_entries(0, 100).await.unwrap();
    assert!(entries.is_empty());
    assert_eq!(verify(&entries, &[]), Ok(0));
}

/// `audit_for_subject` gives the entries of exactly that subject (not of a subject it is a
/// prefix of), newest first, below `before` when given, at most `limit` (0 counts as 1, at most
/// 1,000); each entry reads back exactly as appended, its capacity included.
pub async fn a_subjects_entries_read_newest_first(store: &dyn Store) {
    migrated(store).await;
    let subjects = [Some("family:1"), Some("family:10"), None, Some("family:1"), Some("family:2")];
    let records: Vec<AuditRecord> = (0..40u32)
        .map(|i| AuditRecord {
            subject: subjects[i as usize % subjects.len()].map(str::to_owned),
            capacity: match i % 3 {
                0 => None,
                1 => Some("social_worker/social".to_owned()),
                _ => Some("supervisor/health".to_owned()),
            },
            ..audit_record(2, i)
        })
        .collect();
    let all = store.append_audit(&records).await.unwrap();
    let of = |subject: &str| -> Vec<AuditEntry> {
        all.iter().rev().filter(|e| e.record.subject.as_deref() == Some(subject)).cloned().collect()
    };
    let family_1 = of("family:1");
    assert_eq!(family_1.len(), 16);
    assert!(family_1.iter().any(|e| e.record.capacity.is_none()));
    assert!(family_1.iter().any(|e| e.record.capacity.is_some()));

    assert_eq!(store.audit_for_subject("family:1", None, 100).await.unwrap(), family_1);
    assert_eq!(store.audit_for_subject("family:10", None, 100).await.unwrap(), of("family:10"));
    assert_eq!(store.audit_for_subject("family:2", None, 100).await.unwrap(), of("family:2"));
    assert!(store.audit_for_subject("family:3", None, 100).await.unwrap().is_empty());
    assert!(store.audit_for_subject("", None, 100).await.unwrap().is_empty());
    for e in &family_1 {
        assert_eq!(e.record, records[e.seq as usize - 1], "entry {} as appended", e.seq);
    }

    assert_eq!(store.audit_for_subject("family:1", None, 3).await.unwrap(), family_1[..3]);
    assert_eq!(store.audit_for_subject("family:1", None, 0).await.unwrap(), family_1[..1]);
    // `before` is exclusive.
    let below = family_1[2].seq;
    assert_eq!(store.audit_for_subject("family:1", Some(below), 100).await.unwrap(), family_1[3..]);
    assert_eq!(
        store.audit_for_subject("family:1", Some(below + 1), 2).await.unwrap(),
        family_1[2..4]
    );
    assert!(
        store
            .audit_for_subject("family:1", Some(family_1.last().unwrap().seq), 100)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.audit_for_subject("family:1", Some(0), 100).await.unwrap().is_empty());
    assert_eq!(store.audit_for_subject("family:1", Some(u64::MAX), 100).await.unwrap(), family_1);

    // Paging with `before` = the last seq read walks every entry once.
    let mut walked: Vec<AuditEntry> = Vec::new();
    loop {
        let before = walked.last().map(|e| e.seq);
        let page = store.audit_for_subject("family:1", before, 5).await.unwrap();
        assert!(page.len() <= 5);
        if page.is_empty() {
            break;
        }
        walked.extend(page);
    }
    assert_eq!(walked, family_1);

    // At most 1,000 at a time.
    let many: Vec<AuditRecord> = (0..1_005u32)
        .map(|i| AuditRecord { subject: Some("family:7".into()), ..audit_record(3, i) })
        .collect();
    let written = store.append_audit(&many).await.unwrap();
    let page = store.audit_for_subject("family:7", None, 5_000).await.unwrap();
    assert_eq!(page.len(), 1_000);
    assert_eq!(page[0], written[1_004]);
    assert_eq!(page[999], written[5]);
}
