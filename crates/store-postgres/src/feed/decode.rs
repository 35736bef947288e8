//! Feed rows back into the port's records. As in [`crate::decode`], a bad value is
//! [`shanyraq_store::StoreError::Corrupt`] naming where it is, never what it is.

use shanyraq_domain::Source;
use shanyraq_store::{
    BatchCounts, BatchRecord, BatchStatus, ImportIssue, IssueVerdict, PendingReason, PendingRow,
    StoreResult, decode_issue_args, decode_pending_facts,
};
use sqlx::postgres::PgRow;

use crate::decode::{self, At, get};

/// The columns [`batch_record`] reads, for `SELECT` and `RETURNING` lists. Generator batches
/// written before feeds existed may lack `updated_at`; their start stands in.
macro_rules! batch_columns {
    () => {
        "id, feed, label, started_at, finished_at, rows_accepted, rows_rejected, source, \
         fingerprint, status, rows_read, rows_duplicate, rows_pending, rows_superseded, warnings, \
         coalesce(updated_at, started_at) AS updated_at, error_code"
    };
}
pub(crate) use batch_columns;

pub(crate) fn batch_record(row: &PgRow) -> StoreResult<BatchRecord> {
    let at = At::new(row, "import_batches", "id");
    let batch = decode::batch(row)?;
    let counts = BatchCounts {
        rows_read: get(row, "rows_read")?,
        accepted: batch.rows_accepted,
        duplicates: get(row, "rows_duplicate")?,
        pending: get(row, "rows_pending")?,
        rejected: batch.rows_rejected,
        superseded: get(row, "rows_superseded")?,
        warnings: get(row, "warnings")?,
    };
    Ok(BatchRecord {
        source: decode::opt_code(at, "source", Source::from_code)?,
        fingerprint: get(row, "fingerprint")?,
        status: decode::code(at, "status", BatchStatus::from_code)?,
        counts,
        updated_at: get(row, "updated_at")?,
        error_code: get(row, "error_code")?,
        batch,
    })
}

pub(crate) fn issue(row: &PgRow) -> StoreResult<ImportIssue> {
    let at = At::new(row, "import_issues", "line");
    let line: i64 = get(row, "line")?;
    let seq: i32 = get(row, "seq")?;
    let args: String = get(row, "args")?;
    Ok(ImportIssue {
        line: decode::line_number(at, "line", line)?,
        seq: u32::try_from(seq).map_err(|_| at.corrupt("seq", "a negative position"))?,
        verdict: decode::code(at, "verdict", IssueVerdict::from_code)?,
        column: get(row, "column_key")?,
        value_masked: get(row, "value_masked")?,
        code: get(row, "code")?,
        args: decode_issue_args(&args)?,
    })
}

pub(crate) fn pending_row(row: &PgRow) -> StoreResult<PendingRow> {
    let at = At::new(row, "pending_rows", "line");
    let line: i64 = get(row, "line")?;
    let facts: String = get(row, "facts")?;
    Ok(PendingRow {
        line: decode::line_number(at, "line", line)?,
        reason: decode::code(at, "reason", PendingReason::from_code)?,
        iin: get(row, "iin")?,
        last_name: get(row, "last_name")?,
        first_name: get(row, "first_name")?,
        birth_date: get(row, "birth_date")?,
        kato: decode::opt_kato(at, "territory_code")?,
        facts: decode_pending_facts(&facts)?,
    })
}

/// A status conflict in words: where the batch is and how far it got.
pub(crate) fn describe(record: &BatchRecord) -> String {
    format!(
        "import batch {} is {} with {} rows read",
        record.batch.id,
        record.status.code(),
        record.counts.rows_read
    )
}
