//! The audit record's storage: an append-only hash chain (see `shanyraq_domain::audit`).

use async_trait::async_trait;
use shanyraq_domain::audit::{AuditEntry, AuditRecord};

use crate::error::StoreResult;

/// Appending to and reading the audit chain. Entries are never changed or removed.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends `records` in order, in one transaction: each gets the next seq (1, 2, …) and is
    /// sealed with `shanyraq_domain::audit::seal` after the entry before it. Concurrent appends
    /// are serialised, so the chain stays one line. Returns the entries written.
    async fn append_audit(&self, records: &[AuditRecord]) -> StoreResult<Vec<AuditEntry>>;

    /// Entries with seq greater than `after`, in seq order, at most `limit` (clamped to
    /// 1..=50,000), exactly as stored (a tampered entry is returned as it is, for the verifier
    /// to find; only a value that cannot be read at all is `Corrupt`).
    async fn audit_entries(&self, after: u64, limit: u32) -> StoreResult<Vec<AuditEntry>>;

    /// The last entry, if any.
    async fn audit_head(&self) -> StoreResult<Option<AuditEntry>>;

    /// Entries whose subject is exactly `subject`, newest first: seq below `before` (from the
    /// newest when `None`), at most `limit` (clamped to 1..=1,000).
    async fn audit_for_subject(
        &self,
        subject: &str,
        before: Option<u64>,
        limit: u32,
    ) -> StoreResult<Vec<AuditEntry>>;
}
