//! The JSON shapes of import batches: what was loaded, from where, and how it went.

use serde::Serialize;
use shanyraq_store::{BatchCounts, BatchRecord, BatchStatus};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};
use utoipa::ToSchema;

use super::FactSource;

string_enum!(
    /// Where a batch stands: `running` while it is written or after it was interrupted
    /// (importing the same file again resumes it), `complete`, or `failed` (everything it wrote
    /// was taken back; `error_code` says why).
    BatchStatusView from BatchStatus { Running, Complete, Failed }
);

/// A batch's row counts. Every data row of a file is counted once in exactly one of
/// `accepted`, `duplicates`, `pending` and `rejected`, which add up to `rows_read`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BatchCountsView {
    /// Data rows processed and committed.
    pub rows_read: i64,
    /// Valid rows that stored something: new facts, or corrections of stored ones.
    pub accepted: i64,
    /// Accepted rows that replaced at least one earlier value (kept in history); a subset of
    /// `accepted`.
    pub superseded: i64,
    /// Valid rows whose every fact was already stored with the same value.
    pub duplicates: i64,
    /// Valid rows kept for matching: no usable IIN, or an IIN of nobody known yet.
    pub pending: i64,
    /// Rows refused by validation or by the reader.
    pub rejected: i64,
    /// Warning lines in the batch's report.
    pub warnings: i64,
}

impl From<BatchCounts> for BatchCountsView {
    fn from(c: BatchCounts) -> BatchCountsView {
        BatchCountsView {
            rows_read: c.rows_read,
            accepted: c.accepted,
            superseded: c.superseded,
            duplicates: c.duplicates,
            pending: c.pending,
            rejected: c.rejected,
            warnings: c.warnings,
        }
    }
}

/// An import batch: one feed file loaded (or being loaded), or one run of the generator. Every
/// fact names the batch that brought it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BatchView {
    pub id: i64,
    /// The feed, e.g. `income`, or `synthetic` for the generator.
    #[schema(example = "income")]
    pub feed: String,
    /// The agency the feed comes from; `null` for generator batches.
    pub source: Option<FactSource>,
    /// What was loaded: the file's name without its directories, or the generator's parameters.
    #[schema(example = "income-2026-01.csv")]
    pub label: String,
    /// SHA-256 of the file, lowercase hex: loading the same file again finds this batch.
    /// `null` for generator batches.
    #[schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub fingerprint: Option<String>,
    pub status: BatchStatusView,
    /// Why a failed batch failed, as a stable error code; `null` otherwise.
    pub error_code: Option<String>,
    /// RFC 3339, in UTC.
    #[schema(format = DateTime, example = "2026-01-20T10:00:00Z")]
    pub started_at: String,
    /// When the batch completed or failed; `null` while it runs. RFC 3339, in UTC.
    #[schema(format = DateTime)]
    pub finished_at: Option<String>,
    /// When the batch last committed rows or changed status. RFC 3339, in UTC.
    #[schema(format = DateTime)]
    pub updated_at: String,
    pub counts: BatchCountsView,
    /// Where this batch is.
    #[schema(example = "/api/v1/batches/7")]
    pub href: String,
}

impl BatchView {
    /// Fails only for a timestamp RFC 3339 cannot write (a year outside 0000–9999).
    pub fn new(r: &BatchRecord) -> Result<BatchView, time::error::Format> {
        let b = &r.batch;
        Ok(BatchView {
            id: b.id.0,
            feed: b.feed.clone(),
            source: r.source.map(Into::into),
            label: b.label.clone(),
            fingerprint: r.fingerprint.clone(),
            status: r.status.into(),
            error_code: r.error_code.clone(),
            started_at: rfc3339(b.started_at)?,
            finished_at: b.finished_at.map(rfc3339).transpose()?,
            updated_at: rfc3339(r.updated_at)?,
            counts: r.counts.into(),
            href: format!("/api/v1/batches/{}", b.id.0),
        })
    }
}

/// A page of batches, newest (greatest id) first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BatchListPage {
    pub items: Vec<BatchView>,
    /// Pass as `before` to get the next page; `null` on the last page.
    #[schema(example = 41)]
    pub next: Option<i64>,
    /// The page size used.
    pub limit: u32,
}

/// A timestamp as RFC 3339 text in UTC, e.g. `2026-01-20T10:00:00Z`.
pub(crate) fn rfc3339(t: OffsetDateTime) -> Result<String, time::error::Format> {
    t.to_offset(UtcOffset::UTC).format(&Rfc3339)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn timestamps_are_rfc3339_in_utc() {
        assert_eq!(rfc3339(datetime!(2026-01-20 15:00 +05:00)).unwrap(), "2026-01-20T10:00:00Z");
    }
}

/// What an upload did: the batch with its counts (its report lines are on
/// `/api/v1/batches/{id}` and in the data steward's report).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UploadView {
    /// `imported`, `resumed` (an interrupted import of the same file went on) or
    /// `already_imported` (the same file was loaded before; nothing was written).
    pub run: String,
    pub batch: Option<BatchView>,
}
