//! The import: a feed file loaded exactly once, chunk by chunk, each chunk one transaction
//! with the batch's counters and resume point.
//!
//! Reading and validating run on a blocking thread and hand chunks through a short queue to
//! the writer, which resolves IINs to people and families and writes; so the two cores work at
//! once. A file is known by its SHA-256: loading it again changes nothing, and loading it after
//! an interruption resumes at the first row not committed (the rows before it are read, not
//! validated). Rows that repeat an earlier row of the file are found by the store, from the
//! facts the batch stored, so that a resumed import reports them as an uninterrupted one would
//! and the importer's memory does not grow with the file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use shanyraq_domain::indicators::Subject;
use shanyraq_domain::{BatchId, FamilyId, Iin, Kato, Observation, Source};
use shanyraq_feeds::read::ReadOptions;
use shanyraq_feeds::validate::mask::mask_iin;
use shanyraq_feeds::validate::{Fact, Outcome};
use shanyraq_store::{
    BatchRecord, BatchStatus, ChunkCounts, FeedChunk, FeedFact, FeedRow, ImportIssue, IssueCursor,
    NewFeedBatch, PendingFact, PendingReason, PendingRow, RepeatNote, ResolvedPerson, Store,
};
use time::{Date, OffsetDateTime};
use tokio::sync::mpsc;

use super::fingerprint::fingerprint;
use super::issues::{self, Waiting};
use super::report::Report;
use super::scan::{self, OpenedFeed, Scanned};
use super::summary::{ImportSummary, Run, default_report_path};
use crate::clock::Clock;
use crate::error::AppError;

/// How to run an import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Where the report goes; by default [`default_report_path`].
    pub report: Option<PathBuf>,
    /// The reader's limits.
    pub read: ReadOptions,
    /// Data rows per transaction: an interruption loses at most this many rows' work.
    pub chunk_rows: usize,
    /// Only families in this territory subtree may be touched (an agency's token is scoped so):
    /// a row whose family lives elsewhere is refused with `row.out_of_territory`.
    pub territory: Option<Kato>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            report: None,
            read: ReadOptions::default(),
            chunk_rows: 20_000,
            territory: None,
        }
    }
}

/// People resolved so far, so that the many rows of one person cost one lookup. Cleared when
/// full, to keep memory bounded whatever the file.
const RESOLVED_CACHE_MAX: usize = 1_000_000;

/// Chunks read ahead of the writer.
const QUEUE: usize = 2;

/// Imports `path` as a feed of `source` into `store`. `today` is the day for "not in the
/// future" and for the family a person belongs to; `clock` stamps the batch.
///
/// Returns when the batch is complete and its report written. An error means the file could
/// not be processed: an unknown source, an unreadable file, a header without required columns
/// (nothing written), a file-level fault found midway (the batch is marked failed and
/// everything it wrote taken back), or a database error (the batch stays running; the same
/// command resumes it).
pub async fn import(
    store: Arc<dyn Store>,
    clock: Clock,
    today: Date,
    path: &Path,
    source: &str,
    options: &ImportOptions,
) -> Result<ImportSummary, AppError> {
    let started = Instant::now();
    let (feed, fingerprint) = {
        let (path, source, read) = (path.to_owned(), source.to_owned(), options.read.clone());
        blocking(move || {
            let feed = scan::open(&path, &source, &read)?;
            let fingerprint = fingerprint(&path)?;
            Ok((feed, fingerprint))
        })
        .await?
    };
    let report_path = options.report.clone().unwrap_or_else(|| default_report_path(path));
    let feed_name = feed.schema.name.clone();

    let existing = store.feed_batch_by_fingerprint(&feed_name, &fingerprint).await?;
    let (batch, run) = match existing {
        Some(b) if b.status == BatchStatus::Complete => {
            let report_lines = write_report(&*store, b.batch.id, &report_path).await?;
            return Ok(summary(
                feed_name,
                Run::AlreadyImported,
                b,
                report_lines,
                report_path,
                started,
            ));
        }
        Some(b) if b.status == BatchStatus::Running => {
            let from_row = u64::try_from(b.counts.rows_read).unwrap_or(0);
            (b, Run::Resumed { from_row })
        }
        _ => {
            let new = NewFeedBatch {
                feed: feed_name.clone(),
                source: feed.schema.source,
                label: file_label(path),
                fingerprint,
                started_at: clock.now(),
            };
            (store.start_feed_batch(&new, &feed.header_issues).await?, Run::Imported)
        }
    };
    let id = batch.batch.id;

    let rows_read = match load_rows(&store, clock, today, path, feed, &batch, options).await {
        Ok(rows) => rows,
        Err(Failure::File(e)) => {
            store.fail_feed_batch(id, e.code(), clock.now()).await?;
            return Err(e);
        }
        Err(Failure::Other(e)) => return Err(e),
    };
    let done = store.complete_feed_batch(id, rows_read, clock.now()).await?;
    let report_lines = write_report(&*store, id, &report_path).await?;
    Ok(summary(feed_name, run, done, report_lines, report_path, started))
}

/// Why loading stopped: the file (the batch cannot be completed, so it is taken back) or
/// anything else (the batch stays, to be resumed).
enum Failure {
    File(AppError),
    Other(AppError),
}

/// A chunk as read and validated, before its people are resolved.
#[derive(Debug, Default)]
struct ReadChunk {
    rows_read: i64,
    rejected: i64,
    /// Lines of refused records and rows.
    issues: Vec<ImportIssue>,
    valid: Vec<ValidRow>,
}

#[derive(Debug)]
struct ValidRow {
    outcome: Outcome,
    raw_iin: String,
}

/// Streams the rows after the batch's resume point into the store; returns the batch's
/// `rows_read` at the end.
async fn load_rows(
    store: &Arc<dyn Store>,
    clock: Clock,
    today: Date,
    path: &Path,
    feed: OpenedFeed,
    batch: &BatchRecord,
    options: &ImportOptions,
) -> Result<i64, Failure> {
    // Three stages, each on its own thread or task, joined by short queues: reading and
    // validating; resolving people and building the chunk; writing it.
    let (read_tx, mut read_rx) = mpsc::channel::<ReadChunk>(QUEUE);
    let (built_tx, mut built_rx) = mpsc::channel::<FeedChunk>(QUEUE);
    let mut builder =
        ChunkBuilder::new(store.clone(), &feed, batch.batch.id, today, options.territory);
    let skip = u64::try_from(batch.counts.rows_read).unwrap_or(0);
    let chunk_rows = options.chunk_rows.max(1);
    let path = path.to_owned();
    let reading = tokio::task::spawn_blocking(move || {
        read_chunks(feed, &path, today, skip, chunk_rows, &read_tx)
    });
    let building = tokio::spawn(async move {
        while let Some(chunk) = read_rx.recv().await {
            let built = builder.build(chunk).await?;
            if built_tx.send(built).await.is_err() {
                break; // the writer failed; its error is the one to report
            }
        }
        Ok::<(), AppError>(())
    });

    let mut rows_read = batch.counts.rows_read;
    let mut written = Ok(());
    while let Some(mut chunk) = built_rx.recv().await {
        chunk.rows_before = rows_read;
        chunk.written_at = clock.now();
        let chunk_rows = chunk.counts.rows_read;
        if let Err(e) = store.write_feed_chunk(chunk).await {
            written = Err(AppError::from(e));
            break;
        }
        rows_read += chunk_rows;
    }
    drop(built_rx); // the stages before stop when their queue closes
    let joined = |e: tokio::task::JoinError| Failure::Other(AppError::Internal(e.to_string()));
    let built = building.await.map_err(joined)?;
    let read = reading.await.map_err(joined)?;
    written.map_err(Failure::Other)?;
    built.map_err(Failure::Other)?;
    read.map_err(|e| match e {
        ReadStop::File(e) => Failure::File(e),
        ReadStop::Closed => Failure::Other(AppError::Internal("the writer stopped".into())),
    })?;
    Ok(rows_read)
}

enum ReadStop {
    File(AppError),
    /// The writer went away (it failed; its error is the one to report).
    Closed,
}

/// The reading side: skips `skip` rows already committed, and sends the rest in chunks of
/// `chunk_rows`.
fn read_chunks(
    feed: OpenedFeed,
    path: &Path,
    today: Date,
    skip: u64,
    chunk_rows: usize,
    tx: &mpsc::Sender<ReadChunk>,
) -> Result<(), ReadStop> {
    let mut chunk = ReadChunk::default();
    let mut writer_gone = false;
    let scanned = feed.scan(path, today, skip, |scanned| {
        chunk.rows_read += 1;
        match scanned {
            Scanned::RecordError(issue) => {
                chunk.rejected += 1;
                chunk.issues.push(issue);
            }
            Scanned::Row { outcome, .. } if matches!(outcome, Outcome::Rejected { .. }) => {
                chunk.rejected += 1;
                chunk.issues.extend(issues::row_issues(&outcome, Waiting::No, ""));
            }
            Scanned::Row { outcome, raw_iin } => {
                chunk.valid.push(ValidRow { outcome, raw_iin });
            }
        }
        if chunk.rows_read >= chunk_rows as i64
            && tx.blocking_send(std::mem::take(&mut chunk)).is_err()
        {
            writer_gone = true;
            return Err(AppError::Internal("the writer stopped".into()));
        }
        Ok(())
    });
    match scanned {
        _ if writer_gone => Err(ReadStop::Closed),
        Ok(()) if chunk.rows_read > 0 => tx.blocking_send(chunk).map_err(|_| ReadStop::Closed),
        Ok(()) => Ok(()),
        Err(e) => Err(ReadStop::File(e)),
    }
}

/// The middle stage: resolves people and turns rows into facts or pending rows.
struct ChunkBuilder {
    store: Arc<dyn Store>,
    batch: BatchId,
    feed: String,
    source: Source,
    subject: Subject,
    repeat_note: RepeatNote,
    today: Date,
    resolved: HashMap<Iin, Option<ResolvedPerson>>,
    /// The subtree rows may touch, if limited, and the territories of families seen so far.
    territory: Option<Kato>,
    family_territory: HashMap<FamilyId, Kato>,
}

impl ChunkBuilder {
    fn new(
        store: Arc<dyn Store>,
        feed: &OpenedFeed,
        batch: BatchId,
        today: Date,
        territory: Option<Kato>,
    ) -> Self {
        ChunkBuilder {
            store,
            batch,
            feed: feed.schema.name.clone(),
            source: feed.schema.source,
            subject: feed.schema.subject,
            repeat_note: issues::repeat_note(&feed.key_columns()),
            today,
            resolved: HashMap::new(),
            territory,
            family_territory: HashMap::new(),
        }
    }

    /// The chunk to write; the writer fills in `rows_before` and `written_at`.
    async fn build(&mut self, chunk: ReadChunk) -> Result<FeedChunk, AppError> {
        self.resolve(&chunk.valid).await?;
        let ReadChunk { rows_read, mut rejected, mut issues, valid } = chunk;
        let mut rows = Vec::with_capacity(valid.len());
        let mut pending = Vec::new();
        for row in valid {
            let (waiting, masked) = self.place(&row, &mut rows, &mut pending);
            rejected += i64::from(waiting == Waiting::OutOfTerritory);
            let row_issues = issues::row_issues(&row.outcome, waiting, &masked);
            // A row that does not wait is the one `place` just put among the facts: its repeat
            // note, if the store gives it one, follows these lines.
            if let (Waiting::No, Some(placed)) = (waiting, rows.last_mut()) {
                placed.issues_before = u32::try_from(row_issues.len()).unwrap_or(u32::MAX);
            }
            issues.extend(row_issues);
        }
        let counts = ChunkCounts { rows_read, rejected, warnings: issues::warnings(&issues) };
        Ok(FeedChunk {
            batch: self.batch,
            rows_before: 0,
            counts,
            rows,
            pending,
            issues,
            repeat_note: self.repeat_note.clone(),
            written_at: OffsetDateTime::UNIX_EPOCH,
        })
    }

    /// Looks up the IINs of the chunk not resolved before, in one call.
    async fn resolve(&mut self, rows: &[ValidRow]) -> Result<(), AppError> {
        let mut missing: Vec<Iin> = rows
            .iter()
            .filter_map(|r| match &r.outcome {
                Outcome::Accepted { iin, .. } if !self.resolved.contains_key(iin) => Some(*iin),
                _ => None,
            })
            .collect();
        missing.sort_unstable();
        missing.dedup();
        if missing.is_empty() {
            return Ok(());
        }
        if self.resolved.len() + missing.len() > RESOLVED_CACHE_MAX {
            self.resolved.clear();
        }
        let found = self.store.resolve_persons(&missing, self.today).await?;
        if self.territory.is_some() {
            let mut families: Vec<FamilyId> = found
                .iter()
                .filter_map(|r| r.and_then(|r| r.family))
                .filter(|f| !self.family_territory.contains_key(f))
                .collect();
            families.sort_unstable();
            families.dedup();
            if self.family_territory.len() + families.len() > RESOLVED_CACHE_MAX {
                self.family_territory.clear();
            }
            self.family_territory.extend(self.store.family_territories(&families).await?);
        }
        self.resolved.extend(missing.into_iter().zip(found));
        Ok(())
    }

    /// Whether rows may touch `family`: always without a territory limit; with one, when the
    /// family lives inside it.
    fn may_touch(&self, family: FamilyId) -> bool {
        match self.territory {
            None => true,
            Some(root) => self.family_territory.get(&family).is_some_and(|t| root.contains(*t)),
        }
    }

    /// Puts a valid row among the facts to write or the rows kept for matching; returns why it
    /// waits (if it does) and the IIN as the report may show it.
    fn place(
        &self,
        row: &ValidRow,
        rows: &mut Vec<FeedRow>,
        pending: &mut Vec<PendingRow>,
    ) -> (Waiting, String) {
        match &row.outcome {
            Outcome::Accepted { line, iin, key, facts, .. } => {
                let text = iin.to_string();
                let resolved = self.resolved.get(iin).copied().flatten();
                let reason = match resolved {
                    Some(ResolvedPerson { family: Some(family), .. })
                        if !self.may_touch(family) =>
                    {
                        return (Waiting::OutOfTerritory, mask_iin(&text));
                    }
                    Some(ResolvedPerson { person, family: Some(family) }) => {
                        let about = match self.subject {
                            Subject::Person => Some(person),
                            Subject::Family => None,
                        };
                        let facts = facts
                            .iter()
                            .map(|f| FeedFact {
                                natural_key: format!(
                                    "{}|p{}|{}|{key}",
                                    self.feed, person.0, f.indicator
                                ),
                                observation: self.observation(f, family, about),
                            })
                            .collect();
                        rows.push(FeedRow { line: *line, facts, issues_before: 0 });
                        return (Waiting::No, String::new());
                    }
                    Some(ResolvedPerson { family: None, .. }) => PendingReason::NoFamily,
                    None => PendingReason::UnknownPerson,
                };
                pending.push(PendingRow {
                    line: *line,
                    reason,
                    iin: Some(text.clone()),
                    last_name: None,
                    first_name: None,
                    birth_date: None,
                    kato: None,
                    facts: self.pending_facts(key, facts),
                });
                (Waiting::Yes(reason), mask_iin(&text))
            }
            Outcome::NeedsMatching { line, keys, key, facts, .. } => {
                pending.push(PendingRow {
                    line: *line,
                    reason: PendingReason::NoIin,
                    iin: (!row.raw_iin.is_empty()).then(|| row.raw_iin.clone()),
                    last_name: Some(keys.last_name.clone()),
                    first_name: Some(keys.first_name.clone()),
                    birth_date: Some(keys.birth_date),
                    kato: Some(keys.kato),
                    facts: self.pending_facts(key, facts),
                });
                let masked =
                    if row.raw_iin.is_empty() { String::new() } else { mask_iin(&row.raw_iin) };
                (Waiting::Yes(PendingReason::NoIin), masked)
            }
            Outcome::Rejected { .. } => (Waiting::No, String::new()),
        }
    }

    fn observation(
        &self,
        fact: &Fact,
        family: shanyraq_domain::FamilyId,
        person: Option<shanyraq_domain::PersonId>,
    ) -> Observation {
        Observation {
            family,
            person,
            indicator: fact.indicator,
            value: fact.value.clone(),
            source: self.source,
            observed_at: self.today,
            valid_from: fact.valid_from,
            valid_until: fact.valid_until,
            batch: self.batch,
        }
    }

    fn pending_facts(&self, key: &str, facts: &[Fact]) -> Vec<PendingFact> {
        facts
            .iter()
            .map(|f| {
                let (value_num, value_text) = f.value.to_columns();
                PendingFact {
                    indicator: f.indicator.as_str().to_owned(),
                    value_num,
                    value_text,
                    valid_from: f.valid_from,
                    valid_until: f.valid_until,
                    key: format!("{}|{}|{key}", self.feed, f.indicator),
                }
            })
            .collect()
    }
}

/// Writes the batch's report lines, read back from the store, to `path`.
async fn write_report(store: &dyn Store, id: BatchId, path: &Path) -> Result<u64, AppError> {
    const PAGE: u32 = 10_000;
    let mut report = Report::create(path)?;
    let mut after: Option<IssueCursor> = None;
    loop {
        let page = match store.batch_issues(id, after, PAGE).await {
            Ok(page) => page,
            Err(e) => {
                report.abandon();
                return Err(e.into());
            }
        };
        for issue in &page {
            if let Err(e) = report.issue(issue) {
                report.abandon();
                return Err(e);
            }
        }
        match page.last() {
            Some(last) if page.len() == PAGE as usize => {
                after = Some(IssueCursor { line: last.line, seq: last.seq });
            }
            _ => break,
        }
    }
    let lines = report.lines();
    report.finish()?;
    Ok(lines)
}

fn summary(
    source: String,
    run: Run,
    batch: BatchRecord,
    report_lines: u64,
    report: PathBuf,
    started: Instant,
) -> ImportSummary {
    ImportSummary {
        source,
        run,
        counts: batch.counts,
        report_lines,
        report,
        elapsed: started.elapsed(),
        batch: Some(batch),
    }
}

/// The file's name without its directories: what the batch list shows.
fn file_label(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| AppError::Internal(e.to_string()))?
}
