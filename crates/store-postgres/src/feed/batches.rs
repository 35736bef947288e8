//! A feed batch's life: started (or a failed one restarted under its id), completed, or failed
//! with everything it wrote taken back; and batches read back.
//!
//! Writers of one feed serialise on a transaction-scoped advisory lock keyed by the feed
//! ([`FEED_LOCK_SPACE`], the feed's hash), so that two batches never decide on the same natural
//! keys at once and a batch is never taken back while another builds on what it sees.

use shanyraq_domain::BatchId;
use shanyraq_store::{
    BatchPageRequest, BatchRecord, BatchStatus, ImportIssue, NewFeedBatch, StoreError, StoreResult,
};
use sqlx::{PgConnection, PgExecutor, PgPool};
use time::OffsetDateTime;

use super::decode::{self, batch_columns};
use super::encode;
use crate::copy::copy_rows;
use crate::error::fail;

/// First key of the feed locks (`pg_advisory_xact_lock(int, int)`): "feed" in ASCII. The second
/// is `hashtext(feed)`; two feeds that share a hash only wait for each other.
pub(crate) const FEED_LOCK_SPACE: i32 = 0x6665_6564;

const BY_ID: &str = concat!("SELECT ", batch_columns!(), " FROM import_batches WHERE id = $1");

const BY_FINGERPRINT: &str = concat!(
    "SELECT ",
    batch_columns!(),
    " FROM import_batches WHERE feed = $1 AND fingerprint = $2"
);

const PAGE: &str = concat!(
    "SELECT ",
    batch_columns!(),
    " FROM import_batches WHERE ($1::bigint IS NULL OR id < $1) ORDER BY id DESC LIMIT $2"
);

/// Two starts at once must not draw the same id, nor both start one file: starts serialise on
/// the table (chunk writes, which take a weaker lock, only make a start wait for their commit).
const LOCK_BATCHES: &str = "LOCK TABLE import_batches IN SHARE ROW EXCLUSIVE MODE";

const INSERT: &str = concat!(
    "INSERT INTO import_batches (id, feed, label, started_at, finished_at, rows_accepted, \
     rows_rejected, source, fingerprint, status, rows_read, rows_duplicate, rows_pending, \
     rows_superseded, warnings, updated_at, error_code) \
     SELECT coalesce(max(id), 0) + 1, $1, $2, $3, NULL, 0, 0, $4, $5, 'running', 0, 0, 0, 0, 0, \
     $3, NULL FROM import_batches RETURNING ",
    batch_columns!()
);

const RESTART: &str = concat!(
    "UPDATE import_batches SET label = $2, started_at = $3, source = $4, status = 'running', \
     finished_at = NULL, error_code = NULL, updated_at = $3, rows_read = 0, rows_accepted = 0, \
     rows_rejected = 0, rows_duplicate = 0, rows_pending = 0, rows_superseded = 0, warnings = 0 \
     WHERE id = $1 RETURNING ",
    batch_columns!()
);

const COMPLETE: &str = concat!(
    "UPDATE import_batches SET status = 'complete', finished_at = $3, updated_at = $3 \
     WHERE id = $1 AND status = 'running' AND rows_read = $2 RETURNING ",
    batch_columns!()
);

/// Marks a batch failed and waits for its feed's lock; 0 when there is no such batch.
const FAIL: &str = "WITH failed AS (
        UPDATE import_batches SET status = 'failed', error_code = $2, finished_at = $3,
            updated_at = $3, rows_read = 0, rows_accepted = 0, rows_rejected = 0,
            rows_duplicate = 0, rows_pending = 0, rows_superseded = 0, warnings = 0
        WHERE id = $1
        RETURNING feed)
    SELECT count(*) FROM failed
    CROSS JOIN LATERAL (SELECT pg_advisory_xact_lock($4, hashtext(failed.feed))) AS feed_lock";

/// What a failed batch takes back, in this order: its facts go before the facts they superseded
/// become current again, as at most one fact per natural key may be current. A superseded fact
/// whose key has since got a current fact from a later batch stays history, superseded by that
/// batch.
const TAKE_BACK: [(&str, &str); 5] = [
    ("taking back facts", "DELETE FROM observations WHERE batch_id = $1"),
    (
        "taking back supersessions",
        "UPDATE observations o SET superseded_by = (
            SELECT c.batch_id FROM observations c
            WHERE c.natural_key = o.natural_key AND c.natural_key IS NOT NULL
              AND c.superseded_by IS NULL)
        WHERE o.superseded_by = $1",
    ),
    ("taking back changes", "DELETE FROM family_changes WHERE batch_id = $1"),
    ("taking back pending rows", "DELETE FROM pending_rows WHERE batch_id = $1"),
    ("taking back report lines", "DELETE FROM import_issues WHERE batch_id = $1"),
];

pub(crate) async fn record<'e>(
    conn: impl PgExecutor<'e>,
    id: BatchId,
) -> StoreResult<Option<BatchRecord>> {
    sqlx::query(BY_ID)
        .bind(id.0)
        .fetch_optional(conn)
        .await
        .map_err(fail("reading an import batch"))?
        .as_ref()
        .map(decode::batch_record)
        .transpose()
}

pub(crate) async fn by_fingerprint<'e>(
    conn: impl PgExecutor<'e>,
    feed: &str,
    fingerprint: &str,
) -> StoreResult<Option<BatchRecord>> {
    sqlx::query(BY_FINGERPRINT)
        .bind(feed)
        .bind(fingerprint)
        .fetch_optional(conn)
        .await
        .map_err(fail("reading an import batch"))?
        .as_ref()
        .map(decode::batch_record)
        .transpose()
}

pub(crate) async fn list(pool: &PgPool, page: BatchPageRequest) -> StoreResult<Vec<BatchRecord>> {
    sqlx::query(PAGE)
        .bind(page.before.map(|b| b.0))
        .bind(i64::from(page.effective_limit()))
        .fetch_all(pool)
        .await
        .map_err(fail("listing import batches"))?
        .iter()
        .map(decode::batch_record)
        .collect()
}

/// Why batch `id` refused a change meant for a running batch at a given point: it does not
/// exist, or it is elsewhere.
pub(crate) async fn refusal(conn: &mut PgConnection, id: BatchId) -> StoreError {
    match record(&mut *conn, id).await {
        Ok(Some(found)) => StoreError::Conflict(decode::describe(&found)),
        Ok(None) => StoreError::NotFound(format!("import batch {id}")),
        Err(e) => e,
    }
}

/// Writes report lines of batch `id`.
pub(crate) async fn copy_issues(
    conn: &mut PgConnection,
    id: BatchId,
    issues: &[ImportIssue],
) -> StoreResult<()> {
    copy_rows(conn, "writing report lines", encode::COPY_ISSUES, issues, |out, issue| {
        encode::issue(out, id.0, issue);
    })
    .await?;
    Ok(())
}

pub(crate) async fn start(
    pool: &PgPool,
    new: &NewFeedBatch,
    header_issues: &[ImportIssue],
) -> StoreResult<BatchRecord> {
    let mut tx = pool.begin().await.map_err(fail("starting a feed batch"))?;
    sqlx::query(LOCK_BATCHES).execute(&mut *tx).await.map_err(fail("starting a feed batch"))?;
    let existing = by_fingerprint(&mut *tx, &new.feed, &new.fingerprint).await?;
    let started = match existing {
        Some(old) if old.status == BatchStatus::Failed => {
            let row = sqlx::query(RESTART)
                .bind(old.batch.id.0)
                .bind(&new.label)
                .bind(new.started_at)
                .bind(new.source.code())
                .fetch_one(&mut *tx)
                .await
                .map_err(fail("restarting a feed batch"))?;
            sqlx::query("DELETE FROM import_issues WHERE batch_id = $1")
                .bind(old.batch.id.0)
                .execute(&mut *tx)
                .await
                .map_err(fail("restarting a feed batch"))?;
            decode::batch_record(&row)?
        }
        Some(old) => {
            return Err(StoreError::Conflict(format!(
                "feed {} already has this file: {}",
                new.feed,
                decode::describe(&old)
            )));
        }
        None => {
            let row = sqlx::query(INSERT)
                .bind(&new.feed)
                .bind(&new.label)
                .bind(new.started_at)
                .bind(new.source.code())
                .bind(&new.fingerprint)
                .fetch_one(&mut *tx)
                .await
                .map_err(fail("starting a feed batch"))?;
            decode::batch_record(&row)?
        }
    };
    copy_issues(&mut tx, started.batch.id, header_issues).await?;
    tx.commit().await.map_err(fail("starting a feed batch"))?;
    Ok(started)
}

pub(crate) async fn complete(
    pool: &PgPool,
    id: BatchId,
    rows_read: i64,
    at: OffsetDateTime,
) -> StoreResult<BatchRecord> {
    let mut conn = pool.acquire().await.map_err(fail("completing a feed batch"))?;
    let row = sqlx::query(COMPLETE)
        .bind(id.0)
        .bind(rows_read)
        .bind(at)
        .fetch_optional(&mut *conn)
        .await
        .map_err(fail("completing a feed batch"))?;
    match row {
        Some(row) => decode::batch_record(&row),
        None => Err(refusal(&mut conn, id).await),
    }
}

pub(crate) async fn fail_batch(
    pool: &PgPool,
    id: BatchId,
    error_code: &str,
    at: OffsetDateTime,
) -> StoreResult<()> {
    let mut tx = pool.begin().await.map_err(fail("failing a feed batch"))?;
    let found: i64 = sqlx::query_scalar(FAIL)
        .bind(id.0)
        .bind(error_code)
        .bind(at)
        .bind(FEED_LOCK_SPACE)
        .fetch_one(&mut *tx)
        .await
        .map_err(fail("failing a feed batch"))?;
    if found == 0 {
        return Err(StoreError::NotFound(format!("import batch {id}")));
    }
    for (what, statement) in TAKE_BACK {
        sqlx::query(statement).bind(id.0).execute(&mut *tx).await.map_err(fail(what))?;
    }
    tx.commit().await.map_err(fail("failing a feed batch"))
}
