//! One chunk of a feed batch in one transaction: claim the batch at its resume point, write the
//! facts row by row, then the changed families, pending rows, report lines and counters.

use rusqlite::{Connection, OptionalExtension, Transaction};
use shanyraq_domain::BatchId;
use shanyraq_store::{ChunkOutcome, FeedChunk, FeedFact, ImportIssue, StoreError, StoreResult};

use super::facts::{FactWriter, GROUP, Written};
use super::rows;
use crate::error::store_error;
use crate::write::{immediate, timestamp};

/// Moves the batch's resume point and the counts the importer knows, only if the batch is
/// running at `rows_before`: the guard against two imports writing one batch.
const CLAIM: &str = "UPDATE import_batches SET rows_read = rows_read + ?3, \
    rows_rejected = rows_rejected + ?4, rows_pending = rows_pending + ?5, \
    warnings = warnings + ?6, updated_at = ?7 \
    WHERE id = ?1 AND status = 'running' AND rows_read = ?2";
/// Adds what only the store can tell once the rows are written.
const COUNT: &str = "UPDATE import_batches SET rows_accepted = rows_accepted + ?2, \
    rows_duplicate = rows_duplicate + ?3, rows_superseded = rows_superseded + ?4, \
    warnings = warnings + ?5 WHERE id = ?1";

pub(crate) fn write_chunk(conn: &mut Connection, chunk: &FeedChunk) -> StoreResult<ChunkOutcome> {
    let written_at = timestamp(chunk.written_at)?;
    let tx = immediate(conn)?;
    let claimed = tx
        .prepare_cached(CLAIM)
        .and_then(|mut st| {
            st.execute((
                chunk.batch.0,
                chunk.rows_before,
                chunk.counts.rows_read,
                chunk.counts.rejected,
                i64::try_from(chunk.pending.len()).unwrap_or(i64::MAX),
                chunk.counts.warnings,
                &written_at,
            ))
        })
        .map_err(store_error)?;
    if claimed == 0 {
        return Err(refusal(&tx, chunk.batch, chunk.rows_before));
    }
    let (outcome, families, repeats) = write_rows(&tx, chunk)?;
    rows::insert_changes(&tx, chunk.batch, &families)?;
    rows::insert_pending(&tx, chunk.batch, &chunk.pending)?;
    rows::insert_issues(&tx, chunk.batch, &chunk.issues)?;
    rows::insert_issues(&tx, chunk.batch, &repeats)?;
    tx.prepare_cached(COUNT)
        .and_then(|mut st| {
            st.execute((
                chunk.batch.0,
                outcome.accepted,
                outcome.duplicates,
                outcome.superseded,
                outcome.repeats,
            ))
        })
        .map_err(store_error)?;
    tx.commit().map_err(store_error)?;
    Ok(outcome)
}

/// The facts of every row in order, with each row's outcome; also the families whose facts
/// were stored, sorted and without repeats, and the repeat notes of the rows that repeat an
/// earlier row of the batch.
fn write_rows(
    tx: &Transaction<'_>,
    chunk: &FeedChunk,
) -> StoreResult<(ChunkOutcome, Vec<i64>, Vec<ImportIssue>)> {
    let facts: Vec<(u64, &FeedFact)> =
        chunk.rows.iter().flat_map(|r| r.facts.iter().map(move |f| (r.line, f))).collect();
    let written = write_facts(&mut FactWriter::new(tx, chunk.batch)?, &facts)?;
    let mut written = written.into_iter();
    let mut outcome = ChunkOutcome::default();
    let mut families = Vec::new();
    let mut repeats = Vec::new();
    for row in &chunk.rows {
        let (mut stored, mut corrected, mut repeated) = (false, false, false);
        for (fact, written) in row.facts.iter().zip(written.by_ref()) {
            match written {
                Written::Duplicate { repeat } => {
                    repeated |= repeat;
                    continue;
                }
                Written::New => {}
                Written::Correction { repeat } => {
                    repeated |= repeat;
                    corrected = true;
                }
            }
            stored = true;
            outcome.facts_stored += 1;
            let family = fact.observation.family.0;
            if families.last() != Some(&family) {
                families.push(family);
            }
        }
        if stored || row.facts.is_empty() {
            outcome.accepted += 1;
            outcome.superseded += i64::from(corrected);
        } else {
            outcome.duplicates += 1;
        }
        if repeated {
            repeats.push(chunk.repeat_note.issue(row.line, row.issues_before));
        }
    }
    outcome.repeats = i64::try_from(repeats.len()).unwrap_or(i64::MAX);
    families.sort_unstable();
    families.dedup();
    Ok((outcome, families, repeats))
}

/// Writes `facts` (file line, fact) in order and says what became of each. Whole groups go in
/// one statement each; a group in which some fact found its key held is finished fact by fact
/// (the facts it stored are found by their key), and the next few groups go fact by fact too,
/// since a file that repeats stored facts tends to repeat many.
fn write_facts(
    writer: &mut FactWriter<'_>,
    facts: &[(u64, &FeedFact)],
) -> StoreResult<Vec<Written>> {
    /// Groups written fact by fact after a group in which a key was held.
    const CAUTIOUS_GROUPS: usize = 8;
    let mut written = Vec::with_capacity(facts.len());
    let mut cautious = 0usize;
    for group in facts.chunks(GROUP) {
        if group.len() < GROUP || cautious > 0 {
            cautious = cautious.saturating_sub(1);
            for (line, fact) in group {
                written.push(writer.write(*line, fact)?);
            }
            continue;
        }
        let stored = writer.insert_group(group)?;
        if stored == group.len() {
            written.extend(std::iter::repeat_n(Written::New, group.len()));
            continue;
        }
        cautious = CAUTIOUS_GROUPS;
        for (line, fact) in group {
            if stored > 0 && writer.stored_here(*line, fact)? {
                written.push(Written::New);
            } else {
                written.push(writer.write(*line, fact)?);
            }
        }
    }
    Ok(written)
}

/// Why a chunk could not claim its batch: there is no such batch, or it is not running at the
/// chunk's resume point.
fn refusal(tx: &Transaction<'_>, batch: BatchId, rows_before: i64) -> StoreError {
    let found = tx
        .query_row("SELECT status, rows_read FROM import_batches WHERE id = ?1", [batch.0], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })
        .optional();
    match found {
        Ok(None) => StoreError::NotFound(format!("import batch {batch}")),
        Ok(Some((status, rows_read))) => StoreError::Conflict(format!(
            "import batch {batch} is {status} with {rows_read} rows read, not running with \
             {rows_before}: the batch moved on, another import is writing it"
        )),
        Err(e) => store_error(e),
    }
}
