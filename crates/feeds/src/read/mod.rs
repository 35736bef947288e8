//! Streaming readers that turn a feed file into raw text records, before any schema applies.
//!
//! [`open`] (or [`open_detect`] / [`open_path`]) reads the header and returns a [`FeedReader`].
//! [`FeedReader::read_into`] fills a caller-owned [`RawRecord`], reusing its strings, which is
//! the fast path; the [`Iterator`] implementation allocates a fresh record per row. A bad
//! record yields [`ReadError::Record`] and reading goes on; [`ReadError::File`] ends the file.
//!
//! CSV and JSON Lines are scanned through a fixed 64 KiB buffer with every line capped at
//! [`ReadOptions::max_line_bytes`], so memory does not depend on the file size. XLSX is read
//! whole (capped by [`ReadOptions::max_xlsx_bytes`], and what it unpacks to by
//! [`ReadOptions::max_xlsx_unpacked_bytes`] and [`ReadOptions::max_xlsx_cells`]).

mod csv;
mod error;
mod format;
mod input;
mod jsonl;
mod unpacked;
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
    /// Most bytes an XLSX workbook may unpack to: by the sizes its archive declares, checked
    /// before unpacking, and by the text of its sheet's cells, counted while reading. More is
    /// [`FileError::XlsxUnpackedTooLarge`].
    pub max_xlsx_unpacked_bytes: usize,
    /// Most non-blank cells in the sheet read; more is [`FileError::XlsxTooManyCells`].
    pub max_xlsx_cells: usize,
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
            // Sixteen times the workbook cap: XML deflates about tenfold.
            max_xlsx_unpacked_bytes: 16 * 64 * 1024 * 1024,
            // Roughly what the largest workbook accepted holds.
            max_xlsx_cells: 16 * 1024 * 1024,
            delimiter: None,
        }
    }
}

/// Column names as written in the file: the first CSV row, every key the JSON objects use (see
/// [`open_path`]), or the first non-blank XLSX row. Names are trimmed; mapping them to a schema
/// is not done here.
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
    /// See [`FeedReader::restore_leading_zeros`].
    digit_widths: Vec<Option<usize>>,
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
///
/// The columns of a JSON Lines file are every key its objects use, in order of first use:
/// exporters leave out keys whose value is null, so the first object rarely has them all. They
/// are found by a first pass over the file that keeps only the key names (at most
/// [`ReadOptions::max_fields`] of them). A file that cannot be read twice, such as a pipe, takes
/// its columns from its first object, as [`open`] does for any reader.
pub fn open_path(path: &Path, options: &ReadOptions) -> Result<FeedReader<File>, FileError> {
    let file = File::open(path)?;
    let regular = file.metadata()?.is_file();
    let mut reader = open_detect(file, path.extension().and_then(|e| e.to_str()), options)?;
    if let (Inner::Jsonl(jsonl), true) = (&mut reader.inner, regular) {
        for key in jsonl::scan_keys(File::open(path)?, options)? {
            jsonl.add_column(&mut reader.header, key, options.max_fields);
        }
    }
    Ok(reader)
}

fn open_input<R: Read>(
    mut input: Input<R>,
    format: Format,
    options: &ReadOptions,
) -> Result<FeedReader<R>, FileError> {
    if format == Format::Xlsx {
        let (reader, header) = XlsxReader::open(input, options)?;
        return Ok(FeedReader::new(header, format, Inner::Xlsx(reader)));
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
        return Ok(FeedReader::new(header, format, Inner::Jsonl(reader)));
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
    Ok(FeedReader::new(Header { names }, format, Inner::Csv { parser, parsed, delimiter }))
}

impl<R: Read> FeedReader<R> {
    fn new(header: Header, format: Format, inner: Inner<R>) -> Self {
        FeedReader { header, format, inner, finished: false, digit_widths: Vec::new() }
    }

    /// The column names.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The format being read.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Gives back the leading zeros that a number drops from a code of fixed width: an IIN such
    /// as `061211600012` kept in a spreadsheet as the number 61 211 600 012, or written by a JSON
    /// exporter as a number. `widths[p]` is the number of digits of the code in field `p` (see
    /// [`FeedSchema::digit_widths`](crate::schema::FeedSchema::digit_widths)); a whole number with
    /// fewer digits there is left-padded with zeros. Call it before reading records.
    ///
    /// Only the reader knows that a field was a number, and only the schema that its column
    /// holds a code, so the caller, who has both, joins them here; validation keeps seeing text
    /// and judges every format alike. Text is never padded: a CSV field, a text cell or a JSON
    /// string `61211600012` was written with eleven digits and stays an error.
    pub fn restore_leading_zeros(&mut self, widths: Vec<Option<usize>>) {
        self.digit_widths = widths;
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
            Inner::Jsonl(reader) => reader.read_into(record, &self.digit_widths),
            Inner::Xlsx(reader) => reader.read_into(record, &self.digit_widths),
        };
        match &result {
            Ok(false) | Err(ReadError::File(_)) => self.finished = true,
            _ => {}
        }
        result
    }
}

/// Left-pads a field of ASCII digits with zeros to `width` digits.
fn pad_digits(field: &mut String, width: usize) {
    const ZEROS: &str = "0000000000000000";
    let missing = width.saturating_sub(field.len());
    if missing > 0
        && !field.is_empty()
        && field.bytes().all(|b| b.is_ascii_digit())
        && let Some(zeros) = ZEROS.get(..missing)
    {
        field.insert_str(0, zeros);
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
