//! A feed batch's life: started (or restarted after a failure), completed, or failed with
//! everything it wrote taken back. Each step is one transaction on the writer connection.

use rusqlite::{Connection, OptionalExtension, Transaction};
use shanyraq_domain::BatchId;
use shanyraq_store::{BatchRecord, ImportIssue, NewFeedBatch, StoreError, StoreResult};
use time::OffsetDateTime;

use super::read::batch_record;
use super::rows;
use crate::error::{store_error, write_error};
use crate::write::{immediate, timestamp};

const INSERT: &str = "INSERT INTO import_batches (id, feed, label, started_at, finished_at, \
    rows_accepted, rows_rejected, source, fingerprint, status, rows_read, rows_duplicate, \
    rows_pending, rows_superseded, warnings, updated_at, error_code) \
    VALUES (?1, ?2, ?3, ?4, NULL, 0, 0, ?5, ?6, 'running', 0, 0, 0, 0, 0, ?4, NULL)";
const RESTART: &str = "UPDATE import_batches SET label = ?2, source = ?3, started_at = ?4, \
    updated_at = ?4, finished_at = NULL, error_code = NULL, status = 'running', rows_read = 0, \
    rows_accepted = 0, rows_rejected = 0, rows_duplicate = 0, rows_pending = 0, \
    rows_superseded = 0, warnings = 0 WHERE id = ?1";
const COMPLETE: &str = "UPDATE import_batches SET status = 'complete', finished_at = ?3, \
    updated_at = ?3 WHERE id = ?1 AND status = 'running' AND rows_read = ?2";
const FAIL: &str = "UPDATE import_batches SET status = 'failed', error_code = ?2, \
    finished_at = ?3, updated_at = ?3, rows_read = 0, rows_accepted = 0, rows_rejected = 0, \
    rows_duplicate = 0, rows_pending = 0, rows_superseded = 0, warnings = 0 WHERE id = ?1";
/// What a failed batch wrote, taken back in this order: its report and pending rows, the
/// change feed, its own facts (including those it superseded itself), and then the mark on the
/// facts it superseded. Those become current again, or, where a later batch has since stored a
/// current fact with the same key, name that batch as the one that replaced them. The last two
/// scan the observations (no index leads with the batch): a failure is rare, imports are not.
const TAKE_BACK: [&str; 5] = [
    "DELETE FROM family_changes WHERE batch_id = ?1",
    "DELETE FROM pending_rows WHERE batch_id = ?1",
    "DELETE FROM import_issues WHERE batch_id = ?1",
    "DELETE FROM observations WHERE batch_id = ?1",
    "UPDATE observations SET superseded_by = (SELECT c.batch_id FROM observations c \
        WHERE c.natural_key = observations.natural_key AND c.superseded_by IS NULL) \
     WHERE superseded_by = ?1",
];

/// Starts the batch, or restarts the failed batch of the same feed and file under its id.
pub(crate) fn start(
    conn: &mut Connection,
    batch: &NewFeedBatch,
    header_issues: &[ImportIssue],
) -> StoreResult<BatchRecord> {
    let started_at = timestamp(batch.started_at)?;
    let tx = immediate(conn)?;
    let existing: Option<(i64, String)> = tx
        .prepare_cached(
            "SELECT id, status FROM import_batches WHERE feed = ?1 AND fingerprint = ?2",
        )
        .and_then(|mut st| {
            st.query_row((&batch.feed, &batch.fingerprint), |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
        })
        .map_err(store_error)?;
    let id = match existing {
        Some((id, status)) if status == "failed" => {
            tx.execute(RESTART, (id, &batch.label, batch.source.code(), &started_at))
                .map_err(store_error)?;
            tx.execute("DELETE FROM import_issues WHERE batch_id = ?1", [id])
                .map_err(store_error)?;
            BatchId(id)
        }
        Some((id, status)) => {
            return Err(StoreError::Conflict(format!(
                "batch {id} of feed {} has already loaded this file and is {status}",
                batch.feed
            )));
        }
        None => {
            let id: i64 = tx
                .query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM import_batches", [], |r| r.get(0))
                .map_err(store_error)?;
            tx.execute(
                INSERT,
                (
                    id,
                    &batch.feed,
                    &batch.label,
                    &started_at,
                    batch.source.code(),
                    &batch.fingerprint,
                ),
            )
            .map_err(|e| write_error(e, || format!("batch {id}")))?;
            BatchId(id)
        }
    };
    rows::insert_issues(&tx, id, header_issues)?;
    let record = read_back(&tx, id)?;
    tx.commit().map_err(store_error)?;
    Ok(record)
}

/// Completes a running batch whose resume point is `rows_read`.
pub(crate) fn complete(
    conn: &mut Connection,
    id: BatchId,
    rows_read: i64,
    at: OffsetDateTime,
) -> StoreResult<BatchRecord> {
    let at = timestamp(at)?;
    let tx = immediate(conn)?;
    let changed = tx.execute(COMPLETE, (id.0, rows_read, &at)).map_err(store_error)?;
    let record = read_back(&tx, id)?;
    if changed == 0 {
        return Err(StoreError::Conflict(format!(
            "import batch {id} is {} with {} rows read, not running with {rows_read}",
            record.status.code(),
            record.counts.rows_read
        )));
    }
    tx.commit().map_err(store_error)?;
    Ok(record)
}

/// Marks the batch failed and takes back what it wrote, whatever its status.
pub(crate) fn fail(
    conn: &mut Connection,
    id: BatchId,
    error_code: &str,
    at: OffsetDateTime,
) -> StoreResult<()> {
    let at = timestamp(at)?;
    let tx = immediate(conn)?;
    let changed = tx.execute(FAIL, (id.0, error_code, &at)).map_err(store_error)?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("import batch {id}")));
    }
    for sql in TAKE_BACK {
        tx.execute(sql, [id.0]).map_err(store_error)?;
    }
    tx.commit().map_err(store_error)
}

/// The batch as it stands inside `tx`; missing is [`StoreError::NotFound`].
fn read_back(tx: &Transaction<'_>, id: BatchId) -> StoreResult<BatchRecord> {
    batch_record(tx, id)?.ok_or_else(|| StoreError::NotFound(format!("import batch {id}")))
}
