//! What can go wrong while reading a feed: one record, or the whole file.

use thiserror::Error;

/// A problem confined to one record. The reader reports it and goes on with the next record,
/// so that every row of a dirty export gets a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RecordError {
    /// A field is not valid UTF-8. `column` is 1-based; `byte` is the offset inside the field.
    #[error("line {line}, column {column}: invalid UTF-8 at byte {byte} of the field")]
    InvalidUtf8 { line: u64, column: usize, byte: usize },
    /// The file ends inside a quoted field: the last record was cut off.
    #[error("line {line}: the file ends inside a quoted field (truncated last record)")]
    UnterminatedQuote { line: u64 },
    /// The record has a different number of fields than the header.
    #[error("line {line}: {found} fields, the header has {expected}")]
    FieldCount { line: u64, expected: usize, found: usize },
    /// A field is longer than [`ReadOptions::max_field_bytes`](super::ReadOptions).
    #[error("line {line}, column {column}: field longer than {limit} bytes")]
    FieldTooLong { line: u64, column: usize, limit: usize },
    /// The record has more fields than [`ReadOptions::max_fields`](super::ReadOptions).
    #[error("line {line}: more than {limit} fields")]
    TooManyFields { line: u64, limit: usize },
    /// A JSON Lines line is not valid JSON.
    #[error("line {line}: invalid JSON: {message}")]
    InvalidJson { line: u64, message: String },
    /// A JSON Lines line is valid JSON but not an object.
    #[error("line {line}: not a JSON object")]
    NotAnObject { line: u64 },
    /// A JSON value is an array or object where a scalar is expected.
    #[error("line {line}: value of `{key}` is not a scalar")]
    NestedValue { line: u64, key: String },
    /// A JSON object has a key that is not one of the file's columns. A file's columns are every
    /// key its objects use (up to [`ReadOptions::max_fields`](super::ReadOptions)); a stream
    /// that cannot be read twice takes them from its first object.
    #[error("line {line}: `{key}` is not one of the file's columns")]
    UnknownKey { line: u64, key: String },
    /// A JSON object has the same key twice.
    #[error("line {line}: duplicate key `{key}`")]
    DuplicateKey { line: u64, key: String },
}

impl RecordError {
    /// Stable machine-readable code, used in rejected-row reports.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidUtf8 { .. } => "invalid_utf8",
            Self::UnterminatedQuote { .. } => "unterminated_quote",
            Self::FieldCount { .. } => "field_count",
            Self::FieldTooLong { .. } => "field_too_long",
            Self::TooManyFields { .. } => "too_many_fields",
            Self::InvalidJson { .. } => "invalid_json",
            Self::NotAnObject { .. } => "not_an_object",
            Self::NestedValue { .. } => "nested_value",
            Self::UnknownKey { .. } => "unknown_key",
            Self::DuplicateKey { .. } => "duplicate_key",
        }
    }

    /// The 1-based line (CSV, JSON Lines) or row (XLSX) the record starts on.
    pub fn line(&self) -> u64 {
        match self {
            Self::InvalidUtf8 { line, .. }
            | Self::UnterminatedQuote { line }
            | Self::FieldCount { line, .. }
            | Self::FieldTooLong { line, .. }
            | Self::TooManyFields { line, .. }
            | Self::InvalidJson { line, .. }
            | Self::NotAnObject { line }
            | Self::NestedValue { line, .. }
            | Self::UnknownKey { line, .. }
            | Self::DuplicateKey { line, .. } => *line,
        }
    }
}

/// A problem that makes the whole file unreadable (or the rest of it, when met mid-stream).
#[derive(Debug, Error)]
pub enum FileError {
    /// No bytes, or only a byte-order mark and blank lines.
    #[error("the file is empty")]
    Empty,
    /// The content is not text, JSON Lines or an XLSX workbook (for example an image).
    #[error("not a known feed format (binary content)")]
    UnknownFormat,
    /// No usable header row (all names blank, or an empty sheet).
    #[error("no header row")]
    NoHeader,
    /// The first JSON Lines object, which defines the columns, cannot be read.
    #[error("line {line}: the first object cannot define the columns: {reason}")]
    BadHeader { line: u64, reason: String },
    /// A physical line is longer than [`ReadOptions::max_line_bytes`](super::ReadOptions);
    /// reading stops there rather than buffering it.
    #[error("line {line} is longer than {limit} bytes")]
    LineTooLong { line: u64, limit: usize },
    /// The workbook cannot be opened or its first sheet read.
    #[error("unreadable XLSX workbook: {0}")]
    Xlsx(String),
    /// The workbook is larger than [`ReadOptions::max_xlsx_bytes`](super::ReadOptions):
    /// workbooks are read whole, so their size is capped.
    #[error("XLSX workbook larger than {limit} bytes")]
    XlsxTooLarge { limit: usize },
    /// The workbook would unpack to more than
    /// [`ReadOptions::max_xlsx_unpacked_bytes`](super::ReadOptions) (a "zip bomb"), by the sizes
    /// its archive declares or by the text its sheet turns out to hold.
    #[error("XLSX workbook unpacking to more than {limit} bytes")]
    XlsxUnpackedTooLarge { limit: usize },
    /// The sheet has more non-blank cells than
    /// [`ReadOptions::max_xlsx_cells`](super::ReadOptions).
    #[error("XLSX sheet with more than {limit} cells")]
    XlsxTooManyCells { limit: usize },
    /// Reading from the underlying source failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

impl FileError {
    /// Stable machine-readable code, used in batch outcomes.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty_file",
            Self::UnknownFormat => "unknown_format",
            Self::NoHeader => "no_header",
            Self::BadHeader { .. } => "bad_header",
            Self::LineTooLong { .. } => "line_too_long",
            Self::Xlsx(_) => "unreadable_xlsx",
            Self::XlsxTooLarge { .. } => "xlsx_too_large",
            Self::XlsxUnpackedTooLarge { .. } => "xlsx_unpacked_too_large",
            Self::XlsxTooManyCells { .. } => "xlsx_too_many_cells",
            Self::Io(_) => "io",
        }
    }
}

/// What reading the next record can yield besides a record. After a [`ReadError::File`] the
/// reader is finished and yields nothing more.
#[derive(Debug, Error)]
pub enum ReadError {
    /// This record is bad; the next one may be fine.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// The rest of the file cannot be read.
    #[error(transparent)]
    File(#[from] FileError),
}

impl ReadError {
    /// The code of the underlying error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Record(e) => e.code(),
            Self::File(e) => e.code(),
        }
    }
}
