//! Reading feed rows back: batch records, report lines and pending rows. Like the rest of the
//! decoding, a bad value names its table, row and column, never the value.

use rusqlite::Row;
use shanyraq_domain::{BatchId, ImportBatch, Source};
use shanyraq_store::{
    BatchCounts, BatchRecord, BatchStatus, ImportIssue, IssueVerdict, PendingReason, PendingRow,
    StoreResult, decode_issue_args, decode_pending_facts,
};

use crate::decode::Cells;

/// Columns of `import_batches` in the order [`batch_record`] reads them.
pub(crate) const BATCH_COLUMNS: &str = "id, feed, label, started_at, finished_at, rows_accepted, \
    rows_rejected, source, fingerprint, status, rows_read, rows_duplicate, rows_pending, \
    rows_superseded, warnings, updated_at, error_code";

/// A batch of any kind from the [`BATCH_COLUMNS`]. A batch that never recorded `updated_at`
/// was last touched when it finished, or else when it started.
pub(crate) fn batch_record(row: &Row<'_>) -> StoreResult<BatchRecord> {
    let c = Cells::new(row, "import batch", 0);
    let started_at = c.timestamp(3, "started_at")?;
    let finished_at = c.opt_timestamp(4, "finished_at")?;
    let accepted = c.i64(5, "rows_accepted")?;
    let rejected = c.i64(6, "rows_rejected")?;
    Ok(BatchRecord {
        batch: ImportBatch {
            id: BatchId(c.i64(0, "id")?),
            feed: c.string(1, "feed")?,
            label: c.string(2, "label")?,
            started_at,
            finished_at,
            rows_accepted: accepted,
            rows_rejected: rejected,
        },
        source: c.opt_code(7, "source", Source::from_code)?,
        fingerprint: c.opt_string(8, "fingerprint")?,
        status: c.code(9, "status", BatchStatus::from_code)?,
        counts: BatchCounts {
            rows_read: c.i64(10, "rows_read")?,
            accepted,
            duplicates: c.i64(11, "rows_duplicate")?,
            pending: c.i64(12, "rows_pending")?,
            rejected,
            superseded: c.i64(13, "rows_superseded")?,
            warnings: c.i64(14, "warnings")?,
        },
        updated_at: c.opt_timestamp(15, "updated_at")?.or(finished_at).unwrap_or(started_at),
        error_code: c.opt_string(16, "error_code")?,
    })
}

/// Columns of `import_issues` in the order [`issue`] reads them.
pub(crate) const ISSUE_COLUMNS: &str = "line, seq, verdict, column_key, value_masked, code, args";

pub(crate) fn issue(row: &Row<'_>) -> StoreResult<ImportIssue> {
    let c = Cells::new(row, "import issue at line", 0);
    let seq = u32::try_from(c.i64(1, "seq")?).map_err(|_| c.bad("seq", "not a sequence number"))?;
    Ok(ImportIssue {
        line: c.u64(0, "line")?,
        seq,
        verdict: c.code(2, "verdict", IssueVerdict::from_code)?,
        column: c.string(3, "column_key")?,
        value_masked: c.string(4, "value_masked")?,
        code: c.string(5, "code")?,
        args: decode_issue_args(c.str(6, "args")?)
            .map_err(|_| c.bad("args", "not a JSON array of name and value pairs"))?,
    })
}

/// Columns of `pending_rows` in the order [`pending_row`] reads them.
pub(crate) const PENDING_COLUMNS: &str =
    "line, reason, iin, last_name, first_name, birth_date, territory_code, facts";

pub(crate) fn pending_row(row: &Row<'_>) -> StoreResult<PendingRow> {
    let c = Cells::new(row, "pending row at line", 0);
    Ok(PendingRow {
        line: c.u64(0, "line")?,
        reason: c.code(1, "reason", PendingReason::from_code)?,
        iin: c.opt_string(2, "iin")?,
        last_name: c.opt_string(3, "last_name")?,
        first_name: c.opt_string(4, "first_name")?,
        birth_date: c.opt_date(5, "birth_date")?,
        kato: c.opt_kato(6, "territory_code")?,
        facts: decode_pending_facts(c.str(7, "facts")?)
            .map_err(|_| c.bad("facts", "not a JSON array of pending facts"))?,
    })
}
