//! The rejected-row report: one CSV line per problem, warning, refused record or row kept for
//! matching, with its message in kk, ru and en.
//!
//! UTF-8 with a byte-order mark so that spreadsheets open it in the right encoding. Values are
//! masked by the validator (IINs keep four digits, names one letter); refused records show no
//! value at all. The report is written to a temporary file next to its path and renamed when the
//! file has been read through, so a report on disk is always complete.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use shanyraq_feeds::validate::messages::{Lang, render};
use shanyraq_store::ImportIssue;

use crate::error::AppError;

/// The report's header row.
pub const REPORT_COLUMNS: [&str; 8] =
    ["line", "verdict", "column", "value", "code", "message_kk", "message_ru", "message_en"];

const BOM: &[u8] = "\u{feff}".as_bytes();

/// A report being written.
#[derive(Debug)]
pub(crate) struct Report {
    path: PathBuf,
    partial: PathBuf,
    out: csv::Writer<BufWriter<File>>,
    lines: u64,
}

impl Report {
    pub(crate) fn create(path: &Path) -> Result<Report, AppError> {
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let mut file =
            File::create(&partial).map(BufWriter::new).map_err(|e| io_error(&partial, &e))?;
        file.write_all(BOM).map_err(|e| io_error(&partial, &e))?;
        let mut out = csv::Writer::from_writer(file);
        out.write_record(REPORT_COLUMNS).map_err(|e| csv_error(&partial, &e))?;
        Ok(Report { path: path.to_owned(), partial, out, lines: 0 })
    }

    /// Lines written, the header row not counted.
    pub(crate) fn lines(&self) -> u64 {
        self.lines
    }

    /// Writes one line, its message rendered in kk, ru and en.
    pub(crate) fn issue(&mut self, issue: &ImportIssue) -> Result<(), AppError> {
        let args: Vec<(&str, String)> =
            issue.args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        let [kk, ru, en] = Lang::ALL.map(|lang| render(&issue.code, lang, &args));
        let line = issue.line.to_string();
        let value = defuse(&issue.value_masked);
        let record = [
            line.as_str(),
            issue.verdict.code(),
            &issue.column,
            &value,
            &issue.code,
            &kk,
            &ru,
            &en,
        ];
        self.out.write_record(record).map_err(|e| csv_error(&self.partial, &e))?;
        self.lines += 1;
        Ok(())
    }

    /// Flushes and puts the report in place.
    pub(crate) fn finish(self) -> Result<PathBuf, AppError> {
        let Report { path, partial, out, .. } = self;
        let file = out.into_inner().map_err(|e| io_error(&partial, e.error()))?;
        let file = file.into_inner().map_err(|e| io_error(&partial, e.error()))?;
        file.sync_all().map_err(|e| io_error(&partial, &e))?;
        std::fs::rename(&partial, &path).map_err(|e| io_error(&path, &e))?;
        Ok(path)
    }

    /// Removes the unfinished report.
    pub(crate) fn abandon(self) {
        let Report { partial, out, .. } = self;
        drop(out);
        let _ = std::fs::remove_file(partial);
    }
}

/// A value a spreadsheet would run as a formula (`=`, `+`, `@`, or `-` not starting a number)
/// is shown with a leading apostrophe: the report is opened by people, the values come from
/// outside.
fn defuse(value: &str) -> std::borrow::Cow<'_, str> {
    let risky = match value.as_bytes() {
        [b'=' | b'+' | b'@' | b'\t' | b'\r', ..] => true,
        [b'-', rest @ ..] => !rest.first().is_some_and(u8::is_ascii_digit),
        _ => false,
    };
    if risky { format!("'{value}").into() } else { value.into() }
}

fn io_error(path: &Path, e: &std::io::Error) -> AppError {
    AppError::InvalidInput {
        field: "report",
        code: "import.report_unwritable",
        reason: format!("cannot write the report {}: {e}", path.display()),
    }
}

fn csv_error(path: &Path, e: &csv::Error) -> AppError {
    AppError::InvalidInput {
        field: "report",
        code: "import.report_unwritable",
        reason: format!("cannot write the report {}: {e}", path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::defuse;

    #[test]
    fn formulas_are_defused_and_numbers_kept() {
        assert_eq!(defuse("=1+1"), "'=1+1");
        assert_eq!(defuse("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse("-x"), "'-x");
        assert_eq!(defuse("-5"), "-5");
        assert_eq!(defuse("2024-13-01"), "2024-13-01");
    }
}
