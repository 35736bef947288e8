//! The dry run: everything an import checks, nothing written but the report.

use std::path::{Path, PathBuf};
use std::time::Instant;

use shanyraq_feeds::read::ReadOptions;
use shanyraq_feeds::validate::Outcome;
use shanyraq_feeds::validate::mask::mask_iin;
use shanyraq_store::{BatchCounts, ImportIssue, PendingReason};
use time::Date;

use super::dedup::Duplicates;
use super::issues::{self, Waiting};
use super::report::Report;
use super::scan::{self, Scanned};
use super::summary::{ImportSummary, Run, default_report_path};
use crate::error::AppError;

/// How to run a dry run.
#[derive(Debug, Clone, Default)]
pub struct DryRunOptions {
    /// Where the report goes; by default [`default_report_path`].
    pub report: Option<PathBuf>,
    /// The reader's limits.
    pub read: ReadOptions,
}

/// Reads `path` as a feed of the declared source `source`, validates every row against the
/// bundled territory tree with `as_of` as "today", and writes the report. The file is streamed,
/// never held whole. An error means the file could not be processed (unknown source,
/// unreadable, empty or binary file, a header without required columns); rows that are merely
/// bad are counted and reported instead.
///
/// Without a database, a valid row counts as accepted if it names its person by IIN, pending if
/// it is to be matched, and duplicate only if an earlier row of the file had its IIN and key.
pub fn dry_run(
    path: &Path,
    source: &str,
    as_of: Date,
    options: &DryRunOptions,
) -> Result<ImportSummary, AppError> {
    let started = Instant::now();
    let feed = scan::open(path, source, &options.read)?;
    let source_name = feed.schema.name.clone();
    let key_columns = feed.key_columns();
    let report_path = options.report.clone().unwrap_or_else(|| default_report_path(path));
    let mut report = Report::create(&report_path)?;
    let mut counts = BatchCounts::default();
    let mut duplicates = Duplicates::default();
    let repeat_note = issues::repeat_note(&key_columns);

    let result = (|| {
        for issue in &feed.header_issues {
            report.issue(issue)?;
        }
        counts.warnings += issues::warnings(&feed.header_issues);
        feed.scan_with(path, as_of, 0, validating_threads(), checked, |row| {
            counts.rows_read += 1;
            let duplicate = row.key.is_some_and(|key| duplicates.seen_before(key));
            match row.verdict {
                Verdict::Rejected => counts.rejected += 1,
                Verdict::Pending => counts.pending += 1,
                Verdict::Accepted if duplicate => counts.duplicates += 1,
                Verdict::Accepted => counts.accepted += 1,
            }
            let mut lines = row.issues;
            if duplicate {
                let seq = u32::try_from(lines.len()).unwrap_or(u32::MAX);
                lines.push(repeat_note.issue(row.line, seq));
            }
            counts.warnings += issues::warnings(&lines);
            lines.iter().try_for_each(|issue| report.issue(issue))
        })
    })();
    if let Err(e) = result {
        report.abandon();
        return Err(e);
    }
    let report_lines = report.lines();
    let report = report.finish()?;
    Ok(ImportSummary {
        source: source_name,
        run: Run::DryRun { unchecked_for_repeats: duplicates.forgotten() },
        counts,
        report_lines,
        report,
        elapsed: started.elapsed(),
        batch: None,
    })
}

/// A row as the dry run counts it, digested on a validating thread.
struct Checked {
    line: u64,
    verdict: Verdict,
    /// The hash of the IIN and key of a row accepted with an IIN; see [`Duplicates`].
    key: Option<u64>,
    /// Its report lines, short of a repeat note.
    issues: Vec<ImportIssue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Accepted,
    Pending,
    Rejected,
}

/// What the dry run keeps of a record: most rows are accepted as they are and keep no report
/// line.
fn checked(scanned: Scanned) -> Checked {
    match scanned {
        Scanned::RecordError(issue) => {
            Checked { line: issue.line, verdict: Verdict::Rejected, key: None, issues: vec![issue] }
        }
        Scanned::Row { outcome, raw_iin } => {
            let (verdict, waiting) = match &outcome {
                Outcome::Rejected { .. } => (Verdict::Rejected, Waiting::No),
                Outcome::NeedsMatching { .. } => {
                    (Verdict::Pending, Waiting::Yes(PendingReason::NoIin))
                }
                Outcome::Accepted { .. } => (Verdict::Accepted, Waiting::No),
            };
            let plain =
                matches!(&outcome, Outcome::Accepted { warnings, .. } if warnings.is_empty());
            let issues = if plain {
                Vec::new()
            } else {
                let masked = if raw_iin.is_empty() { String::new() } else { mask_iin(&raw_iin) };
                issues::row_issues(&outcome, waiting, &masked)
            };
            Checked { line: outcome.line(), verdict, key: Duplicates::key_of(&outcome), issues }
        }
    }
}

/// Threads that validate while one reads: the cores there are, at most four.
fn validating_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}
