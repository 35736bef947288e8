//! What an import or a dry run tells its caller.

use std::path::{Path, PathBuf};
use std::time::Duration;

use shanyraq_store::{BatchCounts, BatchRecord};

/// How a run went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run {
    /// Validated only; nothing written but the report. `unchecked_for_repeats`: accepted rows
    /// whose key the dry run could no longer remember (past its bound), so a later repeat of
    /// them was not reported; an import checks every row.
    DryRun { unchecked_for_repeats: u64 },
    /// The file was loaded from its first row.
    Imported,
    /// An interrupted import of the same file was completed, from this data row on (0-based).
    Resumed { from_row: u64 },
    /// The same file was loaded before; nothing changed. The counts are that batch's.
    AlreadyImported,
}

/// What a run found. Every data row is counted once in exactly one of `accepted`,
/// `duplicates`, `pending` and `rejected`, which add up to `rows_read`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// The feed's name.
    pub source: String,
    pub run: Run,
    pub counts: BatchCounts,
    /// Lines in the report, its header row not counted.
    pub report_lines: u64,
    pub report: PathBuf,
    pub elapsed: Duration,
    /// The batch written; `None` for a dry run.
    pub batch: Option<BatchRecord>,
}

impl ImportSummary {
    /// Rows read per second of elapsed time (of this run).
    pub fn rows_per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        let rows = match self.run {
            Run::Resumed { from_row } => (self.counts.rows_read as u64).saturating_sub(from_row),
            Run::AlreadyImported => 0,
            Run::DryRun { .. } | Run::Imported => self.counts.rows_read as u64,
        };
        if secs > 0.0 { rows as f64 / secs } else { 0.0 }
    }
}

/// `<file>.report.csv`, next to the file.
pub fn default_report_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".report.csv");
    PathBuf::from(name)
}
