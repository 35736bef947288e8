//! Streaming readers that turn a feed file into raw text records, before any schema applies.
//!
//! [`open`] (or [`open_detect`] / [`open_path`]) reads the header and returns a [`FeedReader`].
//! [`FeedReader::read_into`] fills a caller-owned [`RawRecord`], reusing its strings, which is
//! the fast path; the [`Iterator`] implementation allocates a fresh record per row. A bad
//! record yields [`ReadError::Record`] and reading goes on; [`ReadError::File`] ends the file.
//!
//! CSV and JSON Lines are scanned through a fixed 64 KiB buffer with every line capped at
//! [`ReadOptions::max_line_bytes`], so memory does not depend on the file size. XLSX is read
//! whole (capped by [`ReadOptions::max_xlsx_bytes`]).

mod csv;
mod error;
mod format;
mod input;
mod jsonl;
mod xlsx;

use std::fs::File;
use std::io::Read;
use std::path::Path;

pub use error::{FileError, ReadError, RecordError};
pub use format::{Format, SNIFF_BYTES};

use self::csv::{CsvParser, Parsed, detect_delimiter};
use format::{looks_binary, strip_bom};
use input::{BUFFER_BYTES, Input};
use jsonl::JsonlReader;
use xlsx::XlsxReader;

/// Limits that keep one hostile file from taking the importer's memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Longest physical line; longer is [`FileError::LineTooLong`] and reading stops there.
    /// A quoted CSV record spanning lines is capped at this size too, as a
    /// [`RecordError::FieldTooLong`].
    pub max_line_bytes: usize,
    /// Longest field; longer is a [`RecordError::FieldTooLong`].
    pub max_field_bytes: usize,
    /// Most fields in one CSV record; more is a [`RecordError::TooManyFields`].
    pub max_fields: usize,
    /// Largest XLSX workbook, which is read whole.
    pub max_xlsx_bytes: usize,
    /// CSV delimiter; `None` detects comma, semicolon or tab from the header line.
    pub delimiter: Option<u8>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            max_line_bytes: 1024 * 1024,
            max_field_bytes: 64 * 1024,
            max_fields: 4096,
            max_xlsx_bytes: 64 * 1024 * 1024,
            delimiter: None,
        }
    }
}

/// Column names as written in the file: the first CSV row, the keys of the first JSON object,
/// or the first non-blank XLSX row. Names are trimmed; mapping them to a schema is not done here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub names: Vec<String>,
}

/// One record as text, one field per header column, trimmed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawRecord {
    /// 1-based physical line where the record starts (CSV, JSON Lines) or sheet row (XLSX).
    pub line: u64,
    pub fields: Vec<String>,
}

impl RawRecord {
    /// Makes `n` empty fields, keeping the strings' capacity for reuse.
    fn resize(&mut self, n: usize) {
        self.fields.resize_with(n, String::new);
        self.fields.iter_mut().for_each(String::clear);
    }
}

/// A reader positioned after the header.
#[derive(Debug)]
pub struct FeedReader<R> {
    header: Header,
    format: Format,
    inner: Inner<R>,
    finished: bool,
}

#[derive(Debug)]
enum Inner<R> {
    Csv { parser: CsvParser<R>, parsed: Parsed, delimiter: u8 },
    Jsonl(JsonlReader<R>),
    Xlsx(XlsxReader),
}

/// Opens `reader` as `format` and reads its header.
pub fn open<R: Read>(
    reader: R,
    format: Format,
    options: &ReadOptions,
) -> Result<FeedReader<R>, FileError> {
    let mut input = Input::new(reader);
    input.fill_to(SNIFF_BYTES)?;
    open_input(input, format, options)
}

/// Opens `reader`, choosing the format with [`Format::detect`] from `extension` and the
/// first bytes.
pub fn open_detect<R: Read>(
    reader: R,
    extension: Option<&str>,
    options: &ReadOptions,
) -> Result<FeedReader<R>, FileError> {
    let mut input = Input::new(reader);
    input.fill_to(SNIFF_BYTES)?;
    let format = Format::detect(extension, input.available())?;
    open_input(input, format, options)
}

/// Opens a file, choosing the format from its extension and content.
pub fn open_path(path: &Path, options: &ReadOptions) -> Result<FeedReader<File>, FileError> {
    let file = File::open(path)?;
    open_detect(file, path.extension().and_then(|e| e.to_str()), options)
}

fn open_input<R: Read>(
    mut input: Input<R>,
    format: Format,
    options: &ReadOptions,
) -> Result<FeedReader<R>, FileError> {
    if format == Format::Xlsx {
        let (reader, header) = XlsxReader::open(input, options)?;
        return Ok(FeedReader { header, format, inner: Inner::Xlsx(reader), finished: false });
    }
    let text = strip_bom(input.available());
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(FileError::Empty);
    }
    if looks_binary(text) {
        return Err(FileError::UnknownFormat);
    }
    let bom = input.available().len() - text.len();
    input.consume(bom);
    if format == Format::JsonLines {
        let (reader, header) = JsonlReader::open(input, options)?;
        return Ok(FeedReader { header, format, inner: Inner::Jsonl(reader), finished: false });
    }
    let delimiter = options.delimiter.unwrap_or_else(|| detect_delimiter(input.available()));
    let mut parser = CsvParser::new(input, delimiter, options);
    let mut parsed = Parsed::default();
    if !parser.next_record(&mut parsed)? {
        return Err(FileError::Empty);
    }
    let names: Vec<String> = (0..parsed.ends.len())
        .map(|i| String::from_utf8_lossy(parsed.field(i)).into_owned())
        .collect();
    if names.iter().all(String::is_empty) {
        return Err(FileError::NoHeader);
    }
    Ok(FeedReader {
        header: Header { names },
        format,
        inner: Inner::Csv { parser, parsed, delimiter },
        finished: false,
    })
}

impl<R: Read> FeedReader<R> {
    /// The column names.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The format being read.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The CSV delimiter in use; `None` for other formats.
    pub fn delimiter(&self) -> Option<u8> {
        match &self.inner {
            Inner::Csv { delimiter, .. } => Some(*delimiter),
            _ => None,
        }
    }

    /// Reads the next record into `record`, reusing its field strings. `Ok(false)` at the end
    /// and after a [`ReadError::File`]. On [`ReadError::Record`] the contents of `record` are
    /// unspecified and the next call reads the following record.
    pub fn read_into(&mut self, record: &mut RawRecord) -> Result<bool, ReadError> {
        if self.finished {
            return Ok(false);
        }
        let expected = self.header.names.len();
        let result = match &mut self.inner {
            Inner::Csv { parser, parsed, .. } => match parser.next_record(parsed) {
                Ok(true) => csv_record(parsed, expected, record).map(|()| true),
                Ok(false) => Ok(false),
                Err(e) => Err(e.into()),
            },
            Inner::Jsonl(reader) => reader.read_into(record),
            Inner::Xlsx(reader) => reader.read_into(record),
        };
        match &result {
            Ok(false) | Err(ReadError::File(_)) => self.finished = true,
            _ => {}
        }
        result
    }
}

/// Checks a parsed CSV record and copies its fields, as text, into `out`.
fn csv_record(parsed: &Parsed, expected: usize, out: &mut RawRecord) -> Result<(), ReadError> {
    let line = parsed.line;
    if parsed.unterminated {
        return Err(RecordError::UnterminatedQuote { line }.into());
    }
    if parsed.too_many {
        return Err(RecordError::TooManyFields { line, limit: parsed.ends.len() }.into());
    }
    if let Some(column) = parsed.too_long {
        let limit = parsed.field(column - 1).len();
        return Err(RecordError::FieldTooLong { line, column, limit }.into());
    }
    let found = parsed.ends.len();
    if found != expected {
        return Err(RecordError::FieldCount { line, expected, found }.into());
    }
    // One validation pass over the whole record; fields are then sliced without re-checking.
    let text = match std::str::from_utf8(&parsed.bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.valid_up_to();
            let column = parsed.ends.iter().position(|&end| end > at).unwrap_or(0);
            let start = if column == 0 { 0 } else { parsed.ends[column - 1] };
            return Err(
                RecordError::InvalidUtf8 { line, column: column + 1, byte: at - start }.into()
            );
        }
    };
    out.line = line;
    out.resize(found);
    let mut start = 0;
    for (i, (field, &end)) in out.fields.iter_mut().zip(&parsed.ends).enumerate() {
        // A field cut inside a character is invalid even if the whole record decodes.
        let Some(value) = text.get(start..end) else {
            return Err(RecordError::InvalidUtf8 { line, column: i + 1, byte: 0 }.into());
        };
        field.push_str(value);
        start = end;
    }
    Ok(())
}

impl<R: Read> Iterator for FeedReader<R> {
    type Item = Result<RawRecord, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut record = RawRecord::default();
        match self.read_into(&mut record) {
            Ok(true) => Some(Ok(record)),
            Ok(false) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

const _: () = assert!(SNIFF_BYTES <= BUFFER_BYTES);
