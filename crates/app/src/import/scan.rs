//! The read-and-validate loop the dry run and the import share: a file streamed record by
//! record, each record validated.

use std::fs::File;
use std::path::Path;
use std::sync::mpsc;

use shanyraq_domain::territory;
use shanyraq_feeds::read::{self, FeedReader, FileError, RawRecord, ReadError, RecordError};
use shanyraq_feeds::schema::{BUNDLED, FeedSchema, HeaderError, HeaderMap, bundled_schema};
use shanyraq_feeds::validate::{Outcome, Validator};
use shanyraq_store::ImportIssue;
use time::Date;

use super::issues;
use crate::error::AppError;

/// What the loop hands on for each data record, in file order.
#[derive(Debug)]
pub(crate) enum Scanned {
    /// The reader refused the record; the issue says why.
    RecordError(ImportIssue),
    /// The validator's verdict; `raw_iin` is the IIN column as written when the row is to be
    /// matched (the report masks it), empty otherwise.
    Row { outcome: Outcome, raw_iin: String },
}

/// A file opened as a feed: its schema, its mapped header and the lines its header gives.
pub(crate) struct OpenedFeed {
    pub(crate) schema: FeedSchema,
    pub(crate) header: HeaderMap,
    pub(crate) header_names: Vec<String>,
    pub(crate) header_issues: Vec<ImportIssue>,
    reader: FeedReader<File>,
}

impl std::fmt::Debug for OpenedFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenedFeed").field("schema", &self.schema.name).finish_non_exhaustive()
    }
}

/// Opens `path` as a feed of `source`: refuses an unknown source, a file that cannot be read
/// (empty, binary, unreadable) and a header without the schema's required columns.
pub(crate) fn open(
    path: &Path,
    source: &str,
    options: &read::ReadOptions,
) -> Result<OpenedFeed, AppError> {
    let schema = bundled_schema(source).map_err(|e| unknown_source(&e))?;
    let mut reader = read::open_path(path, options).map_err(|e| file_error(path, &e))?;
    let header_names = reader.header().names.clone();
    let header = schema.map_header(&header_names).map_err(|e| header_error(&e))?;
    // Spreadsheets keep an IIN or KATO as a number and drop its leading zeros.
    reader.restore_leading_zeros(schema.digit_widths(&header));
    let header_issues = header.warnings.iter().map(issues::header_warning).collect();
    Ok(OpenedFeed { schema, header, header_names, header_issues, reader })
}

impl OpenedFeed {
    /// Reads every record to the end, calling `each` in file order for every record after the
    /// first `skip` (which are read, not validated). Stops at the first error `each` returns or
    /// at a file-level error (a line too long to be a record, an I/O error).
    pub(crate) fn scan(
        self,
        path: &Path,
        as_of: Date,
        skip: u64,
        each: impl FnMut(Scanned) -> Result<(), AppError>,
    ) -> Result<(), AppError> {
        self.scan_with(path, as_of, skip, 0, |scanned| scanned, each)
    }

    /// [`OpenedFeed::scan`], with each record's verdict passed through `digest` before `each`
    /// gets it. With `workers` above 0, one thread reads and `workers` threads validate and
    /// digest batches of records while `each` runs on the calling thread, still in file order;
    /// with 0, everything runs on the calling thread.
    pub(crate) fn scan_with<T: Send>(
        self,
        path: &Path,
        as_of: Date,
        skip: u64,
        workers: usize,
        digest: impl Fn(Scanned) -> T + Sync,
        mut each: impl FnMut(T) -> Result<(), AppError>,
    ) -> Result<(), AppError> {
        let OpenedFeed { schema, header, header_names, mut reader, .. } = self;
        let verdicts = Verdicts {
            validator: Validator::new(&schema, territory::bundled(), as_of).with_header(&header),
            iin_at: header.positions.get(schema.identity.iin).copied().flatten(),
            header_names: &header_names,
        };
        if workers == 0 {
            let mut slot = Slot::default();
            let mut skipped = 0u64;
            loop {
                match slot.fill(&mut reader) {
                    Ok(false) => return Ok(()),
                    Ok(true) if skipped < skip => skipped += 1,
                    Ok(true) => each(digest(verdicts.of(&slot)))?,
                    Err(e) => return Err(file_error(path, &e)),
                }
            }
        }
        std::thread::scope(|scope| {
            let (recycle_tx, recycle_rx) = mpsc::channel::<Vec<Slot>>();
            let mut to_workers = Vec::with_capacity(workers);
            let mut from_workers = Vec::with_capacity(workers);
            for _ in 0..workers {
                let (batch_tx, batch_rx) = mpsc::sync_channel::<Batch>(QUEUED_BATCHES);
                let (done_tx, done_rx) = mpsc::sync_channel::<Digested<T>>(QUEUED_BATCHES);
                let (recycle, verdicts, digest) = (recycle_tx.clone(), &verdicts, &digest);
                scope.spawn(move || {
                    for batch in batch_rx {
                        let rows = batch.slots[..batch.filled]
                            .iter()
                            .map(|slot| digest(verdicts.of(slot)))
                            .collect();
                        // The reader may have finished; then the slots are simply dropped.
                        let _ = recycle.send(batch.slots);
                        if done_tx.send(Digested { rows, end: batch.end }).is_err() {
                            return; // the caller stopped
                        }
                    }
                });
                to_workers.push(batch_tx);
                from_workers.push(done_rx);
            }
            drop(recycle_tx);
            scope.spawn(move || read_batches(&mut reader, skip, &to_workers, &recycle_rx));
            // Batch k is with worker k mod n, so reading the workers in turn keeps file order.
            // Returning drops the receivers: the workers and the reader stop at their next send.
            for k in 0.. {
                let Ok(digested) = from_workers[k % workers].recv() else { return Ok(()) };
                digested.rows.into_iter().try_for_each(&mut each)?;
                if let Some(e) = digested.end {
                    return Err(file_error(path, &e));
                }
            }
            Ok(())
        })
    }

    /// The natural-key columns, comma-separated, for the duplicate warning.
    pub(crate) fn key_columns(&self) -> String {
        let schema = &self.schema;
        let names = schema.natural_key.iter().filter_map(|&i| schema.columns.get(i));
        names.map(|c| c.key.as_str()).collect::<Vec<_>>().join(", ")
    }
}

/// Records a reader hands to a worker at once: enough to make the hand-over cheap, few enough
/// to keep memory small.
const BATCH_RECORDS: usize = 1024;

/// Batches queued for each worker, and digested batches queued for the caller.
const QUEUED_BATCHES: usize = 4;

/// One record as read: its fields, or why the reader refused it. Reused from batch to batch so
/// that the field strings keep their capacity.
#[derive(Debug, Default)]
struct Slot {
    record: RawRecord,
    refused: Option<RecordError>,
}

impl Slot {
    /// Reads the next record into the slot: `Ok(false)` at the end of the file.
    fn fill(&mut self, reader: &mut FeedReader<File>) -> Result<bool, FileError> {
        self.refused = None;
        match reader.read_into(&mut self.record) {
            Ok(more) => Ok(more),
            Err(ReadError::Record(e)) => {
                self.refused = Some(e);
                Ok(true)
            }
            Err(ReadError::File(e)) => Err(e),
        }
    }
}

/// What a worker validates: the first `filled` slots, then, if the file ended in a fault, that.
struct Batch {
    slots: Vec<Slot>,
    filled: usize,
    end: Option<FileError>,
}

/// A batch's records, digested.
struct Digested<T> {
    rows: Vec<T>,
    end: Option<FileError>,
}

/// The reading thread: skips `skip` records, then fills batches and hands batch k to worker
/// k mod n. Stops at the end of the file, at a file-level fault (handed on with the records
/// before it) or when a worker is gone.
fn read_batches(
    reader: &mut FeedReader<File>,
    skip: u64,
    workers: &[mpsc::SyncSender<Batch>],
    recycled: &mpsc::Receiver<Vec<Slot>>,
) {
    let mut skipped = 0u64;
    for k in 0.. {
        let mut slots = recycled.try_recv().unwrap_or_default();
        slots.resize_with(BATCH_RECORDS, Slot::default);
        let (mut filled, mut end, mut finished) = (0, None, false);
        while filled < BATCH_RECORDS {
            match slots[filled].fill(reader) {
                Ok(true) if skipped < skip => skipped += 1,
                Ok(true) => filled += 1,
                Ok(false) => {
                    finished = true;
                    break;
                }
                Err(e) => {
                    (end, finished) = (Some(e), true);
                    break;
                }
            }
        }
        if workers[k % workers.len()].send(Batch { slots, filled, end }).is_err() || finished {
            return;
        }
    }
}

/// What turns a record into its verdict; shared by the workers.
struct Verdicts<'a> {
    validator: Validator<'a>,
    /// Where the IIN column is, to show a row to be matched with the IIN it gave.
    iin_at: Option<usize>,
    header_names: &'a [String],
}

impl Verdicts<'_> {
    fn of(&self, slot: &Slot) -> Scanned {
        if let Some(e) = &slot.refused {
            let column = record_column(e, self.header_names);
            return Scanned::RecordError(issues::record_error(e, &column));
        }
        let record = &slot.record;
        let outcome = self.validator.validate(record.line, &record.fields);
        let raw_iin = match &outcome {
            Outcome::NeedsMatching { .. } => self
                .iin_at
                .and_then(|p| record.fields.get(p))
                .map_or_else(String::new, |s| s.trim().to_owned()),
            _ => String::new(),
        };
        Scanned::Row { outcome, raw_iin }
    }
}

/// The header name of the column a record error points at, if it points at one.
fn record_column(e: &RecordError, names: &[String]) -> String {
    let column = match e {
        RecordError::InvalidUtf8 { column, .. } | RecordError::FieldTooLong { column, .. } => {
            *column
        }
        _ => return String::new(),
    };
    column.checked_sub(1).and_then(|i| names.get(i)).cloned().unwrap_or_default()
}

fn unknown_source(e: &shanyraq_feeds::schema::SchemaError) -> AppError {
    let declared: Vec<&str> =
        BUNDLED.iter().filter_map(|(file, _)| file.strip_suffix(".toml")).collect();
    AppError::InvalidInput {
        field: "source",
        code: "import.unknown_source",
        reason: format!("{e}; the declared sources are {}", declared.join(", ")),
    }
}

/// The file cannot be read: the code is the reader's (`empty_file`, `unknown_format`, `io`…).
pub(crate) fn file_error(path: &Path, e: &FileError) -> AppError {
    AppError::InvalidInput {
        field: "file",
        code: e.code(),
        reason: format!("{}: {e}", path.display()),
    }
}

/// The header does not fit the schema: `header.missing_columns` names every missing column in
/// kk, ru and en.
fn header_error(e: &HeaderError) -> AppError {
    AppError::InvalidInput { field: "header", code: e.code(), reason: e.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "IIN,Last name,First name,Birth date,KATO,Period start,Period end,Income source,Amount";
    const GOOD: &str =
        "960418317829,Нұрмағамбетов,Мұрат,1996-04-18,711210000,2026-05-01,,wage,114170";
    const AS_OF: Date = time::macros::date!(2026 - 11 - 30);

    /// Five thousand records over several batches: good rows, rejected rows, records the reader
    /// refuses (a field count, invalid UTF-8) and rows to be matched; `tail` after them.
    fn feed(dir: &Path, tail: &[u8]) -> std::path::PathBuf {
        let mut bytes = format!("{HEADER}\n").into_bytes();
        for n in 0..5000u32 {
            let line = match n % 7 {
                0 => format!("{GOOD},extra"),
                1 => GOOD.replace("114170", "-5"),
                2 => ",Сейтқали,Асқар,1991-03-04,711210000,2026-05-01,,wage,1".to_owned(),
                _ => GOOD.replace("114170", &n.to_string()),
            };
            bytes.extend_from_slice(line.as_bytes());
            if n % 1000 == 999 {
                bytes.extend_from_slice(b",\xff\xfe");
            }
            bytes.push(b'\n');
        }
        bytes.extend_from_slice(tail);
        let path = dir.join("income.csv");
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Every record `scan_with` hands on, as text, and how the scan ended.
    fn scanned(path: &Path, skip: u64, workers: usize) -> (Vec<String>, Result<(), String>) {
        let options = read::ReadOptions { max_line_bytes: 1024, ..Default::default() };
        let feed = open(path, "income", &options).unwrap();
        let mut seen = Vec::new();
        let end = feed.scan_with(
            path,
            AS_OF,
            skip,
            workers,
            |s| format!("{s:?}"),
            |s| {
                seen.push(s);
                Ok(())
            },
        );
        (seen, end.map_err(|e| e.code().to_owned()))
    }

    #[test]
    fn validating_threads_hand_on_what_the_calling_thread_would_in_file_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = feed(dir.path(), b"");
        let (inline, end) = scanned(&path, 0, 0);
        assert_eq!(inline.len(), 5000);
        assert!(end.is_ok());
        for kind in ["RecordError", "Rejected", "NeedsMatching", "Accepted"] {
            assert!(inline.iter().any(|s| s.contains(kind)), "{kind}");
        }
        for workers in [1, 2, 3] {
            assert_eq!(scanned(&path, 0, workers), (inline.clone(), Ok(())), "{workers}");
            let (rest, end) = scanned(&path, 1500, workers);
            assert_eq!((&rest[..], end), (&inline[1500..], Ok(())), "{workers} after 1,500");
        }
        assert_eq!(scanned(&path, 1500, 0).0[..], inline[1500..]);
        assert!(scanned(&path, 9000, 2).0.is_empty());
    }

    #[test]
    fn a_file_level_fault_ends_the_scan_after_the_records_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = feed(dir.path(), &[b'9'; 4096]);
        let (inline, end) = scanned(&path, 0, 0);
        assert_eq!((inline.len(), end.clone()), (5000, Err("line_too_long".to_owned())));
        for workers in [1, 2] {
            assert_eq!(scanned(&path, 0, workers), (inline.clone(), end.clone()), "{workers}");
        }
    }

    #[test]
    fn an_error_of_the_caller_stops_every_thread() {
        let dir = tempfile::tempdir().unwrap();
        let path = feed(dir.path(), b"");
        let feed = open(&path, "income", &read::ReadOptions::default()).unwrap();
        let mut calls = 0;
        let end = feed.scan_with(
            &path,
            AS_OF,
            0,
            2,
            |_| (),
            |()| {
                calls += 1;
                if calls == 10 { Err(AppError::Internal("stop".into())) } else { Ok(()) }
            },
        );
        assert!(matches!(end, Err(AppError::Internal(_))));
        assert_eq!(calls, 10);
    }
}
