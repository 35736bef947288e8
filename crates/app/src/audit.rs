//! The audit chain checked end to end: entries read page by page (the next page is read while
//! this one is checked) and verified in constant memory against the anchors kept outside the
//! database.

use std::sync::Arc;
use std::time::{Duration, Instant};

use shanyraq_domain::audit::{Anchor, AuditEntry, ChainBreak, ChainHash, Verifier};
use shanyraq_store::Store;
use tokio::sync::mpsc;

use crate::error::AppError;

/// Entries read per page.
const PAGE: u32 = 50_000;

/// What a check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Entries checked (all of them when the chain holds; those before the break otherwise).
    pub entries: u64,
    /// The first broken entry, if any.
    pub broken: Option<ChainBreak>,
    /// The last entry: its seq and hash, to keep as an anchor.
    pub head: Option<Anchor>,
    pub elapsed: Duration,
}

/// Verifies the whole chain against `anchors` (sorted by seq).
pub async fn verify_chain(
    store: &Arc<dyn Store>,
    anchors: &[Anchor],
) -> Result<VerifyReport, AppError> {
    let started = Instant::now();
    let (tx, mut rx) = mpsc::channel::<Vec<AuditEntry>>(2);
    let reader_store = store.clone();
    let reader = tokio::spawn(async move {
        let mut after = 0;
        loop {
            let page = reader_store.audit_entries(after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            if tx.send(page).await.is_err() {
                break;
            }
        }
        Ok::<(), AppError>(())
    });
    let mut verifier = Verifier::new(anchors);
    let mut entries = 0;
    let mut head = None;
    let mut broken = None;
    'pages: while let Some(page) = rx.recv().await {
        for e in &page {
            if let Err(b) = verifier.check(e) {
                broken = Some(b);
                break 'pages;
            }
            entries += 1;
            head = Some(Anchor { seq: e.seq, hash: e.hash });
        }
    }
    drop(rx);
    reader.await.map_err(|e| AppError::Internal(format!("audit reader: {e}")))??;
    if broken.is_none()
        && let Err(b) = verifier.finish()
    {
        broken = Some(b);
    }
    Ok(VerifyReport { entries, broken, head, elapsed: started.elapsed() })
}

/// Reads anchors: one `SEQ HASH` pair per line (what `shanyraq audit anchor` prints); blank
/// lines and lines starting with `#` are skipped. Sorted by seq.
pub fn parse_anchors(text: &str) -> Result<Vec<Anchor>, AppError> {
    let mut anchors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = || AppError::InvalidInput {
            field: "anchors",
            code: "audit.anchor_line",
            reason: format!("line {}: expected SEQ and 64 hexadecimal digits", i + 1),
        };
        let mut parts = line.split_whitespace();
        let seq = parts.next().and_then(|s| s.parse::<u64>().ok()).ok_or_else(bad)?;
        let hash = parts.next().and_then(ChainHash::from_hex).ok_or_else(bad)?;
        if parts.next().is_some() {
            return Err(bad());
        }
        anchors.push(Anchor { seq, hash });
    }
    anchors.sort_by_key(|a| a.seq);
    Ok(anchors)
}

/// The line `shanyraq audit anchor` prints for the head.
pub fn anchor_line(a: &Anchor) -> String {
    format!("{} {}", a.seq, a.hash.to_hex())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    use shanyraq_domain::audit::{AuditRecord, Outcome};
    use shanyraq_store::SchemaStore;
    use shanyraq_store_sqlite::SqliteStore;

    fn record(i: u64) -> AuditRecord {
        AuditRecord {
            at: time::macros::datetime!(2026-11-30 09:00 UTC),
            actor: "user:1".into(),
            on_behalf_of: None,
            action: "family.read".into(),
            subject: Some(format!("family:{i}")),
            purpose: None,
            outcome: Outcome::Allowed,
            request_id: format!("req-{i}"),
            capacity: None,
        }
    }

    #[tokio::test]
    async fn the_stored_chain_verifies_across_pages_and_against_its_anchors() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store =
            SqliteStore::create_or_open(&dir.path().join("a.db")).unwrap_or_else(|e| panic!("{e}"));
        store.migrate().await.unwrap_or_else(|e| panic!("{e}"));
        let store: Arc<dyn Store> = Arc::new(store);
        let records: Vec<AuditRecord> = (1..=120_000).map(record).collect();
        for batch in records.chunks(10_000) {
            store.append_audit(batch).await.unwrap_or_else(|e| panic!("{e}"));
        }
        let head = store.audit_head().await.unwrap_or_default().unwrap_or_else(|| panic!("empty"));
        let middle = store.audit_entries(59_999, 1).await.unwrap_or_default();
        let anchors = [
            Anchor { seq: 60_000, hash: middle[0].hash },
            Anchor { seq: head.seq, hash: head.hash },
        ];
        let r = verify_chain(&store, &anchors).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((r.entries, r.broken, r.head), (120_000, None, Some(anchors[1])));

        // An anchor the chain does not match, and one beyond its end.
        let wrong = [Anchor { seq: 60_000, hash: ChainHash([1; 32]) }];
        let r = verify_chain(&store, &wrong).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.broken, Some(ChainBreak::Anchor { seq: 60_000 }));
        assert_eq!(r.entries, 59_999);
        let beyond = [Anchor { seq: 130_000, hash: head.hash }];
        let r = verify_chain(&store, &beyond).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.broken.map(|b| b.code()), Some("audit.truncated"));
    }

    #[test]
    fn anchors_read_back_what_is_printed() {
        let a = Anchor { seq: 42, hash: ChainHash([7; 32]) };
        let text =
            format!("# kept by the supervisor\n\n{}\n1 {}\n", anchor_line(&a), "0".repeat(64));
        let read = parse_anchors(&text).unwrap_or_default();
        assert_eq!(read, [Anchor { seq: 1, hash: ChainHash::GENESIS }, a]);
        assert!(parse_anchors("12 abc").is_err());
        assert!(parse_anchors("x 00").is_err());
    }
}
