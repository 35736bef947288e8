//! The read-and-validate loop the dry run and the import share: a file streamed record by
//! record, each record validated.

use std::fs::File;
use std::path::Path;

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
        mut self,
        path: &Path,
        as_of: Date,
        skip: u64,
        mut each: impl FnMut(Scanned) -> Result<(), AppError>,
    ) -> Result<(), AppError> {
        let validator =
            Validator::new(&self.schema, territory::bundled(), as_of).with_header(&self.header);
        let iin_at = self.header.positions.get(self.schema.identity.iin).copied().flatten();
        let mut record = RawRecord::default();
        let mut skipped = 0u64;
        loop {
            let read = self.reader.read_into(&mut record);
            if skipped < skip && !matches!(read, Ok(false) | Err(ReadError::File(_))) {
                skipped += 1;
                continue;
            }
            match read {
                Ok(true) => {}
                Ok(false) => return Ok(()),
                Err(ReadError::Record(e)) => {
                    let column = record_column(&e, &self.header_names);
                    each(Scanned::RecordError(issues::record_error(&e, &column)))?;
                    continue;
                }
                Err(ReadError::File(e)) => return Err(file_error(path, &e)),
            }
            let outcome = validator.validate(record.line, &record.fields);
            let raw_iin = match &outcome {
                Outcome::NeedsMatching { .. } => iin_at
                    .and_then(|p| record.fields.get(p))
                    .map_or_else(String::new, |s| s.trim().to_owned()),
                _ => String::new(),
            };
            each(Scanned::Row { outcome, raw_iin })?;
        }
    }

    /// The natural-key columns, comma-separated, for the duplicate warning.
    pub(crate) fn key_columns(&self) -> String {
        let schema = &self.schema;
        let names = schema.natural_key.iter().filter_map(|&i| schema.columns.get(i));
        names.map(|c| c.key.as_str()).collect::<Vec<_>>().join(", ")
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
