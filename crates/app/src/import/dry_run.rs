//! The dry run: everything an import checks, nothing written but the report.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use shanyraq_domain::territory;
use shanyraq_feeds::read::{self, FileError, RawRecord, ReadError, ReadOptions, RecordError};
use shanyraq_feeds::schema::{BUNDLED, HeaderError, bundled_schema};
use shanyraq_feeds::validate::{Outcome, Validator, mask::mask_iin};
use time::Date;

use super::dedup::Duplicates;
use super::report::Report;
use crate::error::AppError;

/// How to run a dry run.
#[derive(Debug, Clone, Default)]
pub struct DryRunOptions {
    /// Where the report goes; by default [`default_report_path`].
    pub report: Option<PathBuf>,
    /// The reader's limits.
    pub read: ReadOptions,
}

/// What a dry run found. Every data record is counted once in exactly one of `accepted`,
/// `needs_matching`, `rejected` and `record_errors`, which add up to `rows_read`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub source: String,
    /// Data records, the header not counted.
    pub rows_read: u64,
    /// Valid, and the person named by a valid IIN.
    pub accepted: u64,
    /// Valid, but without a usable IIN: kept to be matched on name, birth date and territory.
    pub needs_matching: u64,
    /// Refused by validation.
    pub rejected: u64,
    /// Refused by the reader (a truncated last line, a wrong number of fields, bad encoding).
    pub record_errors: u64,
    /// Warning lines in the report: on rows, unknown header columns and duplicates.
    pub warnings: u64,
    /// Valid rows whose natural key an earlier row of the file had; an import keeps one.
    pub duplicates: u64,
    /// Lines in the report, its header row not counted.
    pub report_lines: u64,
    pub report: PathBuf,
    pub elapsed: Duration,
}

impl ImportSummary {
    /// Rows read per second of elapsed time.
    pub fn rows_per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 { self.rows_read as f64 / secs } else { 0.0 }
    }
}

/// `<file>.report.csv`, next to the file.
pub fn default_report_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".report.csv");
    PathBuf::from(name)
}

/// Reads `path` as a feed of the declared source `source`, validates every row against the
/// bundled territory tree with `as_of` as "today", and writes the report. The file is streamed,
/// never held whole. An error means the file could not be processed (unknown source,
/// unreadable, empty or binary file, a header without required columns); rows that are merely
/// bad are counted and reported instead.
pub fn dry_run(
    path: &Path,
    source: &str,
    as_of: Date,
    options: &DryRunOptions,
) -> Result<ImportSummary, AppError> {
    let started = Instant::now();
    let schema = bundled_schema(source).map_err(|e| unknown_source(&e))?;
    let mut reader = read::open_path(path, &options.read).map_err(|e| file_error(path, &e))?;
    let header = schema.map_header(&reader.header().names).map_err(|e| header_error(&e))?;
    let header_names = reader.header().names.clone();
    let validator = Validator::new(&schema, territory::bundled(), as_of).with_header(&header);
    let report_path = options.report.clone().unwrap_or_else(|| default_report_path(path));
    let mut report = Report::create(&report_path)?;
    let mut counts = Counts::default();

    let result = (|| {
        for warning in &header.warnings {
            report.header_warning(warning)?;
            counts.warnings += 1;
        }
        let mut duplicates = Duplicates::new(&schema, &header);
        let iin_at = header.positions.get(schema.identity.iin).copied().flatten();
        let mut record = RawRecord::default();
        loop {
            match reader.read_into(&mut record) {
                Ok(true) => {}
                Ok(false) => return Ok(()),
                Err(ReadError::Record(e)) => {
                    counts.rows_read += 1;
                    counts.record_errors += 1;
                    report.record_error(&e, &record_column(&e, &header_names))?;
                    continue;
                }
                Err(ReadError::File(e)) => return Err(file_error(path, &e)),
            }
            counts.rows_read += 1;
            let outcome = validator.validate(record.line, &record.fields);
            counts.warnings += outcome.warnings().len() as u64;
            let needs_matching = match &outcome {
                Outcome::Accepted { warnings, .. } => {
                    counts.accepted += 1;
                    if !warnings.is_empty() {
                        report.outcome(&outcome, "")?;
                    }
                    false
                }
                Outcome::NeedsMatching { .. } => {
                    counts.needs_matching += 1;
                    let iin = iin_at.and_then(|p| record.fields.get(p)).map_or("", |s| s.trim());
                    report.outcome(&outcome, &mask_iin_or_empty(iin))?;
                    true
                }
                Outcome::Rejected { .. } => {
                    counts.rejected += 1;
                    report.outcome(&outcome, "")?;
                    continue;
                }
            };
            if duplicates.seen_before(&record.fields, needs_matching) {
                counts.duplicates += 1;
                counts.warnings += 1;
                report.duplicate(record.line, duplicates.columns())?;
            }
        }
    })();
    if let Err(e) = result {
        report.abandon();
        return Err(e);
    }
    let report_lines = report.lines();
    let report = report.finish()?;
    Ok(ImportSummary {
        source: schema.name.clone(),
        rows_read: counts.rows_read,
        accepted: counts.accepted,
        needs_matching: counts.needs_matching,
        rejected: counts.rejected,
        record_errors: counts.record_errors,
        warnings: counts.warnings,
        duplicates: counts.duplicates,
        report_lines,
        report,
        elapsed: started.elapsed(),
    })
}

#[derive(Debug, Default)]
struct Counts {
    rows_read: u64,
    accepted: u64,
    needs_matching: u64,
    rejected: u64,
    record_errors: u64,
    warnings: u64,
    duplicates: u64,
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

fn mask_iin_or_empty(iin: &str) -> String {
    if iin.is_empty() { String::new() } else { mask_iin(iin) }
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
fn file_error(path: &Path, e: &FileError) -> AppError {
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
