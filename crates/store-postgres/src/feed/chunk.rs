//! Writing one chunk of a feed batch in one transaction, in a handful of round trips whatever its
//! size: claim the batch at its resume point and take the feed's lock; find the current facts of
//! the chunk's natural keys; decide in file order ([`super::plan`]); supersede, note the changed
//! families and count in one statement; `COPY` the new facts, pending rows and report lines. On
//! the bulk path what the facts refer to is checked meanwhile ([`super::refs`]).
//!
//! Most chunks of a feed bring keys never stored (a new period). Looking each key up costs a
//! B-tree descent per fact, and inserting the fact costs another; so a chunk first looks up a
//! sample of its keys, and when none is stored it is written as if no key were, letting the
//! unique index of current keys do the lookup as part of the insert. If a key is stored after
//! all, the index refuses the `COPY`, the transaction is rolled back and the chunk is written
//! again with every key looked up. Either way the outcome is the one the rules give.

use shanyraq_store::{ChunkOutcome, FeedChunk, StoreError, StoreResult};
use sqlx::{PgConnection, PgPool};
use time::Date;

use super::batches::{self, FEED_LOCK_SPACE};
use super::encode;
use super::plan::{self, CurrentFact, FactValues};
use super::refs::{self, References};
use crate::bulk::{self, BulkPath, BulkTransaction};
use crate::copy::{copy_rows, copy_rows_raw};
use crate::error::{fail, store_error};

/// Moves a running batch from its resume point `$2` on by the counts the importer knows, then
/// waits for its feed's lock; 0 when the batch is not running at `$2`. The row stays locked until
/// commit, so a second importer of the same batch waits here and then finds it moved on.
const CLAIM: &str = "WITH claimed AS (
        UPDATE import_batches
        SET rows_read = rows_read + $3, rows_rejected = rows_rejected + $4,
            rows_pending = rows_pending + $5, warnings = warnings + $6, updated_at = $7
        WHERE id = $1 AND status = 'running' AND rows_read = $2
        RETURNING feed)
    SELECT count(*) FROM claimed
    CROSS JOIN LATERAL (SELECT pg_advisory_xact_lock($8, hashtext(claimed.feed))) AS feed_lock";

/// The current facts of a set of natural keys, on `observations_natural_key` (whose predicate
/// the query repeats, so that a generic plan may use it).
const CURRENT: &str =
    "SELECT id, batch_id, natural_key, family_id, person_id, value_num, value_text,
        valid_from, valid_until
    FROM observations
    WHERE natural_key = ANY($1) AND natural_key IS NOT NULL AND superseded_by IS NULL";

/// The unique index that allows one current fact per natural key.
const CURRENT_KEY_INDEX: &str = "observations_natural_key";

/// Marks the superseded facts as history of batch `$1`, records the families whose facts
/// changed, and adds what the store decided to the batch's counts.
const RECORD: &str = "WITH superseded AS (
        UPDATE observations SET superseded_by = $1 WHERE id = ANY($2)
    ), changed AS (
        INSERT INTO family_changes (batch_id, family_id)
        SELECT $1, family_id FROM unnest($3::bigint[]) AS changed (family_id)
        ON CONFLICT DO NOTHING
    )
    UPDATE import_batches
    SET rows_accepted = rows_accepted + $4, rows_duplicate = rows_duplicate + $5,
        rows_superseded = rows_superseded + $6, warnings = warnings + $7
    WHERE id = $1";

/// For this transaction only.
const ASYNC_COMMIT: &str = "SET LOCAL synchronous_commit = off";

/// How many keys the first look samples: enough to notice a chunk that repeats stored periods,
/// few enough to cost nothing.
const SAMPLE: usize = 32;

/// SQLSTATE unique_violation.
const UNIQUE_VIOLATION: &str = "23505";

/// How an attempt finds the current facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lookup {
    /// A sample of the keys; if none is stored, decide as if no key were.
    Sampled,
    /// Every key.
    Every,
}

/// Why an attempt did not write.
#[derive(Debug)]
enum Stop {
    /// A key was stored after all: write again looking up every key.
    KeyStored,
    Failed(StoreError),
}

impl From<StoreError> for Stop {
    fn from(e: StoreError) -> Stop {
        Stop::Failed(e)
    }
}

pub(crate) async fn write(
    pool: &PgPool,
    path: &BulkPath,
    chunk: &FeedChunk,
) -> StoreResult<ChunkOutcome> {
    let written = match attempt(pool, path, chunk, Lookup::Sampled).await {
        Err(Stop::KeyStored) => {
            tracing::debug!(
                batch = %chunk.batch,
                "a stored key escaped the sample: writing the chunk again, every key looked up"
            );
            attempt(pool, path, chunk, Lookup::Every).await
        }
        first => first,
    };
    written.map_err(|stop| match stop {
        Stop::Failed(e) => e,
        // Only a sampled attempt stops this way.
        Stop::KeyStored => {
            StoreError::Conflict("writing facts: a natural key has two current facts".into())
        }
    })
}

/// One transaction that writes `chunk`, or writes nothing.
async fn attempt(
    pool: &PgPool,
    path: &BulkPath,
    chunk: &FeedChunk,
    lookup: Lookup,
) -> Result<ChunkOutcome, Stop> {
    let BulkTransaction { mut tx, triggers_off } =
        bulk::begin(pool, path, "starting a chunk write").await?;
    // A chunk's commit need not wait for the log to reach the disk: if the server crashes first,
    // the chunk and the resume point it moves are lost together, and the import, run again,
    // writes the chunk again. Completing the batch waits, as every other commit does.
    sqlx::raw_sql(ASYNC_COMMIT).execute(&mut *tx).await.map_err(fail("starting a chunk write"))?;
    claim(&mut tx, chunk).await?;
    let outcome = if !triggers_off {
        decide_and_write(&mut tx, chunk, lookup).await?
    } else {
        let refs = References::of(chunk);
        match refs::second_transaction(pool).await? {
            Some(mut aside) => {
                let locked = async {
                    refs::lock(&mut aside, &refs).await?;
                    Ok::<_, Stop>(aside)
                };
                let (locked, written) =
                    tokio::join!(locked, decide_and_write(&mut tx, chunk, lookup));
                let (aside, outcome) = (locked?, written?);
                tx.commit().await.map_err(fail("committing a chunk"))?;
                // Its locks have done their work: the chunk's committed rows hold the references
                // now. It wrote nothing, so ending it either way is the same.
                let _ = aside.rollback().await;
                return Ok(outcome);
            }
            None => {
                refs::lock(&mut tx, &refs).await?;
                decide_and_write(&mut tx, chunk, lookup).await?
            }
        }
    };
    tx.commit().await.map_err(fail("committing a chunk"))?;
    Ok(outcome)
}

/// Everything of a chunk's transaction after the claim, short of the commit.
async fn decide_and_write(
    tx: &mut PgConnection,
    chunk: &FeedChunk,
    lookup: Lookup,
) -> Result<ChunkOutcome, Stop> {
    let batch = chunk.batch;
    let keys = plan::natural_keys(&chunk.rows);
    let (current, optimistic) = match lookup {
        Lookup::Every => (current_facts(tx, &keys).await?, false),
        Lookup::Sampled => {
            let sampled = sample(&keys);
            let found = current_facts(tx, &sampled).await?;
            if sampled.len() == keys.len() {
                (found, false)
            } else if found.is_empty() {
                (found, true)
            } else {
                (current_facts(tx, &keys).await?, false)
            }
        }
    };
    let plan = plan::plan(batch.0, &chunk.rows, &current);
    let outcome = plan.outcome;
    sqlx::query(RECORD)
        .bind(batch.0)
        .bind(&plan.supersede)
        .bind(&plan.families)
        .bind(outcome.accepted)
        .bind(outcome.duplicates)
        .bind(outcome.superseded)
        .bind(outcome.repeats)
        .execute(&mut *tx)
        .await
        .map_err(fail("recording the chunk's outcome"))?;
    let facts = copy_rows_raw(tx, encode::COPY_OBSERVATIONS, &plan.inserts, |out, new| {
        encode::observation(out, batch.0, new);
    })
    .await;
    match facts {
        Ok(_) => {}
        Err(e) if optimistic && refused_by_current_key(&e) => return Err(Stop::KeyStored),
        Err(e) => return Err(store_error("writing facts", e).into()),
    }
    copy_rows(tx, "writing pending rows", encode::COPY_PENDING_ROWS, &chunk.pending, |out, row| {
        encode::pending_row(out, batch.0, row);
    })
    .await?;
    batches::copy_issues(tx, batch, &chunk.issues).await?;
    if !plan.repeats.is_empty() {
        let note = &chunk.repeat_note;
        let repeats: Vec<_> =
            plan.repeats.iter().map(|r| note.issue(r.line, r.issues_before)).collect();
        batches::copy_issues(tx, batch, &repeats).await?;
    }
    Ok(outcome)
}

/// Moves the batch to the chunk's end and takes its feed's lock, or says why not.
async fn claim(conn: &mut PgConnection, chunk: &FeedChunk) -> StoreResult<()> {
    let claimed: i64 = sqlx::query_scalar(CLAIM)
        .bind(chunk.batch.0)
        .bind(chunk.rows_before)
        .bind(chunk.counts.rows_read)
        .bind(chunk.counts.rejected)
        .bind(count(chunk.pending.len()))
        .bind(chunk.counts.warnings)
        .bind(chunk.written_at)
        .bind(FEED_LOCK_SPACE)
        .fetch_one(&mut *conn)
        .await
        .map_err(fail("claiming the batch"))?;
    if claimed == 0 {
        return Err(batches::refusal(conn, chunk.batch).await);
    }
    Ok(())
}

/// At most [`SAMPLE`] of `keys`, spread evenly over them.
fn sample<'k>(keys: &[&'k str]) -> Vec<&'k str> {
    if keys.len() <= SAMPLE {
        return keys.to_vec();
    }
    (0..SAMPLE).map(|i| keys[i * keys.len() / SAMPLE]).collect()
}

/// Whether the server refused a row because its natural key already has a current fact.
fn refused_by_current_key(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|d| {
        d.code().as_deref() == Some(UNIQUE_VIOLATION) && d.constraint() == Some(CURRENT_KEY_INDEX)
    })
}

type CurrentRow =
    (i64, i64, String, i64, Option<i64>, Option<i64>, Option<String>, Date, Option<Date>);

async fn current_facts(conn: &mut PgConnection, keys: &[&str]) -> StoreResult<Vec<CurrentFact>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<CurrentRow> = sqlx::query_as(CURRENT)
        .bind(keys)
        .fetch_all(&mut *conn)
        .await
        .map_err(fail("reading current facts"))?;
    Ok(rows
        .into_iter()
        .map(|(id, batch, natural_key, family, person, num, text, valid_from, valid_until)| {
            CurrentFact {
                id,
                batch,
                natural_key,
                values: FactValues { family, person, num, text, valid_from, valid_until },
            }
        })
        .collect())
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_spreads_over_the_keys() {
        let few = ["a", "b"];
        assert_eq!(sample(&few), few);
        let names: Vec<String> = (0..1000).map(|i| format!("{i:04}")).collect();
        let keys: Vec<&str> = names.iter().map(String::as_str).collect();
        let picked = sample(&keys);
        assert_eq!(picked.len(), SAMPLE);
        assert_eq!((picked[0], picked[SAMPLE - 1]), ("0000", "0968"));
        assert!(picked.is_sorted());
    }
}
