//! Delimited text: a byte-level state machine over the read buffer.
//!
//! Rules, chosen for hand-made spreadsheet exports:
//! - fields are separated by the delimiter detected from the header line (see
//!   [`detect_delimiter`]); records end at LF, and a CR before it is dropped;
//! - a field that starts with `"` is quoted: it may hold delimiters, newlines and doubled
//!   quotes (`""` is one `"`); text after the closing quote up to the delimiter is kept;
//! - spaces and tabs around unquoted fields, and around the quotes of quoted ones, are trimmed
//!   (the inside of quotes is kept as written);
//! - blank lines between records are skipped;
//! - the file ending inside quotes flags the last record as truncated.

use std::io::Read;

use super::input::Input;
use super::{FileError, ReadOptions};

/// Picks the delimiter of a header line: of comma, semicolon and tab, the one that occurs most
/// outside quotes (so gives the most columns); comma when none does.
pub(crate) fn detect_delimiter(prefix: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in prefix {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], std::cmp::Reverse(i))).unwrap_or(0);
    if counts[best] == 0 { b',' } else { [b',', b';', b'\t'][best] }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the first byte of a field (leading blanks skipped).
    Start,
    Unquoted,
    Quoted,
    /// Just saw a `"` inside a quoted field: either a doubled quote or the closing one.
    QuoteInQuoted,
    /// After the closing quote.
    AfterQuoted,
}

/// One parsed record: the bytes of all fields in `bytes`, field `i` ending at `ends[i]`.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub(crate) bytes: Vec<u8>,
    pub(crate) ends: Vec<usize>,
    /// 1-based physical line of the first byte.
    pub(crate) line: u64,
    /// The file ended inside quotes.
    pub(crate) unterminated: bool,
    /// 1-based column of the first field cut at the size limit.
    pub(crate) too_long: Option<usize>,
    /// More fields than allowed; the extra ones are dropped.
    pub(crate) too_many: bool,
}

impl Parsed {
    pub(crate) fn field(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[start..self.ends[i]]
    }

    fn clear(&mut self, line: u64) {
        self.bytes.clear();
        self.ends.clear();
        self.line = line;
        self.unterminated = false;
        self.too_long = None;
        self.too_many = false;
    }
}

/// Streams records out of delimited text.
#[derive(Debug)]
pub(crate) struct CsvParser<R> {
    input: Input<R>,
    delimiter: u8,
    max_line: usize,
    max_field: usize,
    max_fields: usize,
    /// Current physical line, 1-based.
    line: u64,
    /// Bytes read on the current physical line.
    line_bytes: usize,
}

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r')
}

impl<R: Read> CsvParser<R> {
    pub(crate) fn new(input: Input<R>, delimiter: u8, options: &ReadOptions) -> Self {
        Self {
            input,
            delimiter,
            max_line: options.max_line_bytes,
            max_field: options.max_field_bytes,
            max_fields: options.max_fields,
            line: 1,
            line_bytes: 0,
        }
    }

    /// Parses the next record into `rec`; `false` at end of input.
    pub(crate) fn next_record(&mut self, rec: &mut Parsed) -> Result<bool, FileError> {
        rec.clear(self.line);
        let delim = self.delimiter;
        let mut state = State::Start;
        let mut field_start = 0usize;
        let mut started = false;
        loop {
            if !self.input.refill()? {
                break;
            }
            let chunk = self.input.available();
            let mut used = 0;
            let mut record_done = false;
            for &b in chunk {
                used += 1;
                if b == b'\n' {
                    self.line += 1;
                    self.line_bytes = 0;
                } else {
                    self.line_bytes += 1;
                    if self.line_bytes > self.max_line {
                        return Err(FileError::LineTooLong {
                            line: self.line,
                            limit: self.max_line,
                        });
                    }
                }
                let push = match state {
                    State::Start => {
                        if b == b'"' {
                            state = State::Quoted;
                            started = true;
                            None
                        } else if b == delim {
                            started = true;
                            self.end_field(rec, &mut field_start);
                            None
                        } else if b == b'\n' {
                            if started || !rec.ends.is_empty() {
                                self.end_field(rec, &mut field_start);
                                record_done = true;
                                break;
                            }
                            // A blank line: the record starts further down.
                            rec.line = self.line;
                            None
                        } else if is_blank(b) {
                            None
                        } else {
                            state = State::Unquoted;
                            started = true;
                            Some(b)
                        }
                    }
                    State::Unquoted => {
                        if b == delim || b == b'\n' {
                            let field = &rec.bytes[field_start..];
                            let keep =
                                field.iter().rposition(|&c| !is_blank(c)).map_or(0, |p| p + 1);
                            rec.bytes.truncate(field_start + keep);
                            self.end_field(rec, &mut field_start);
                            state = State::Start;
                            if b == b'\n' {
                                record_done = true;
                                break;
                            }
                            None
                        } else {
                            Some(b)
                        }
                    }
                    State::Quoted => {
                        if b == b'"' {
                            state = State::QuoteInQuoted;
                            None
                        } else {
                            Some(b)
                        }
                    }
                    State::QuoteInQuoted => {
                        if b == b'"' {
                            state = State::Quoted;
                            Some(b)
                        } else {
                            state = State::AfterQuoted;
                            if self.after_quoted(b, rec, &mut field_start, &mut state) {
                                record_done = true;
                                break;
                            }
                            None
                        }
                    }
                    State::AfterQuoted => {
                        if self.after_quoted(b, rec, &mut field_start, &mut state) {
                            record_done = true;
                            break;
                        }
                        None
                    }
                };
                if let Some(b) = push {
                    self.push_byte(rec, field_start, b);
                }
            }
            self.input.consume(used);
            if record_done {
                return Ok(true);
            }
        }
        // End of input.
        if !started && rec.ends.is_empty() {
            return Ok(false);
        }
        if state == State::Quoted {
            rec.unterminated = true;
        }
        if state == State::Unquoted {
            let field = &rec.bytes[field_start..];
            let keep = field.iter().rposition(|&c| !is_blank(c)).map_or(0, |p| p + 1);
            rec.bytes.truncate(field_start + keep);
        }
        self.end_field(rec, &mut field_start);
        Ok(true)
    }

    /// Handles a byte after a closing quote; `true` when it ends the record.
    fn after_quoted(
        &self,
        b: u8,
        rec: &mut Parsed,
        field_start: &mut usize,
        state: &mut State,
    ) -> bool {
        if b == self.delimiter || b == b'\n' {
            self.end_field(rec, field_start);
            *state = State::Start;
            b == b'\n'
        } else {
            if !is_blank(b) {
                // Text after the closing quote is kept, as spreadsheets do.
                self.push_byte(rec, *field_start, b);
            }
            false
        }
    }

    #[inline]
    fn push_byte(&self, rec: &mut Parsed, field_start: usize, b: u8) {
        if rec.bytes.len() - field_start < self.max_field && rec.bytes.len() < self.max_line {
            rec.bytes.push(b);
        } else if rec.too_long.is_none() {
            rec.too_long = Some(rec.ends.len() + 1);
        }
    }

    #[inline]
    fn end_field(&self, rec: &mut Parsed, field_start: &mut usize) {
        if rec.ends.len() < self.max_fields {
            rec.ends.push(rec.bytes.len());
        } else {
            rec.too_many = true;
            rec.bytes.truncate(*field_start);
        }
        *field_start = rec.bytes.len();
    }
}
