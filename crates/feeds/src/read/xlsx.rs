//! XLSX: the first sheet of a workbook. A ZIP archive cannot be read from a stream, so the
//! workbook is read whole, up to [`ReadOptions::max_xlsx_bytes`](super::ReadOptions).

use std::io::{Cursor, Read};

use calamine::{Data, Range, Reader, Xlsx};

use super::input::Input;
use super::{FileError, Header, RawRecord, ReadError, ReadOptions, RecordError};

/// Rows of the first sheet, handed out one by one.
#[derive(Debug)]
pub(crate) struct XlsxReader {
    range: Range<Data>,
    /// Absolute 0-based sheet row of the range's first row.
    first_row: u64,
    /// Index in the range of the next row to return.
    next: usize,
    width: usize,
}

/// Renders a cell as feed text: integers without `.0`, dates as `YYYY-MM-DD` (with
/// `THH:MM:SS` when there is a time of day), errors as Excel writes them.
pub(crate) fn cell_text(cell: &Data, out: &mut String) {
    use std::fmt::Write;
    // Writing into a String cannot fail.
    let _ = match cell {
        Data::Empty => Ok(()),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            out.push_str(s.trim());
            Ok(())
        }
        Data::Int(i) => write!(out, "{i}"),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => write!(out, "{}", *f as i64),
        Data::Float(f) => write!(out, "{f}"),
        Data::Bool(b) => write!(out, "{b}"),
        Data::DateTime(dt) if dt.is_datetime() => write_datetime(dt, out),
        Data::DateTime(dt) => write!(out, "{}", dt.as_f64()),
        Data::Error(e) => write!(out, "{e}"),
    };
}

/// Writes a date (and time of day, to the nearest second: serial values carry float noise).
fn write_datetime(dt: &calamine::ExcelDateTime, out: &mut String) -> std::fmt::Result {
    use std::fmt::Write;
    let (y, mo, d, ..) = dt.to_ymd_hms_milli();
    let serial = dt.as_f64();
    // Seconds into the day; the day calamine gives is the one before when this rounds to 86400.
    let secs = ((serial - serial.floor()) * 86_400.0).round() as u32;
    let (mut y, mut mo, mut d) = (i32::from(y), mo, d);
    if secs >= 86_400 {
        let next = time::Month::try_from(mo)
            .ok()
            .and_then(|m| time::Date::from_calendar_date(y, m, d).ok())
            .and_then(time::Date::next_day);
        if let Some(next) = next {
            (y, mo, d) = (next.year(), u8::from(next.month()), next.day());
        }
    }
    let secs = secs % 86_400;
    if secs == 0 {
        write!(out, "{y:04}-{mo:02}-{d:02}")
    } else {
        let (h, mi, s) = (secs / 3600, secs / 60 % 60, secs % 60);
        write!(out, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
    }
}

fn row_is_blank(row: &[Data]) -> bool {
    row.iter()
        .all(|c| matches!(c, Data::Empty) || matches!(c, Data::String(s) if s.trim().is_empty()))
}

impl XlsxReader {
    pub(crate) fn open<R: Read>(
        input: Input<R>,
        options: &ReadOptions,
    ) -> Result<(Self, Header), FileError> {
        let limit = options.max_xlsx_bytes;
        let bytes = input.read_all(limit)?.ok_or(FileError::XlsxTooLarge { limit })?;
        if bytes.is_empty() {
            return Err(FileError::Empty);
        }
        let mut book: Xlsx<_> =
            Xlsx::new(Cursor::new(bytes)).map_err(|e| FileError::Xlsx(e.to_string()))?;
        let range = book
            .worksheet_range_at(0)
            .ok_or(FileError::NoHeader)?
            .map_err(|e| FileError::Xlsx(e.to_string()))?;
        let first_row = range.start().map_or(0, |(r, _)| u64::from(r));
        let mut reader = Self { range, first_row, next: 0, width: 0 };
        // The first non-blank row is the header.
        let header_row = loop {
            let Some(row) = reader.range.rows().nth(reader.next) else {
                return Err(FileError::NoHeader);
            };
            reader.next += 1;
            if !row_is_blank(row) {
                break row;
            }
        };
        let mut names: Vec<String> = header_row
            .iter()
            .map(|c| {
                let mut s = String::new();
                cell_text(c, &mut s);
                s
            })
            .collect();
        while names.last().is_some_and(String::is_empty) {
            names.pop();
        }
        reader.width = names.len();
        Ok((reader, Header { names }))
    }

    pub(crate) fn read_into(&mut self, rec: &mut RawRecord) -> Result<bool, ReadError> {
        loop {
            let index = self.next;
            let Some(row) = self.range.rows().nth(index) else {
                return Ok(false);
            };
            self.next += 1;
            if row_is_blank(row) {
                continue;
            }
            let line = self.first_row + index as u64 + 1;
            let used = row.iter().rposition(|c| !row_is_blank(std::slice::from_ref(c)));
            let found = used.map_or(0, |p| p + 1);
            if found > self.width {
                return Err(RecordError::FieldCount { line, expected: self.width, found }.into());
            }
            rec.line = line;
            rec.resize(self.width);
            for (field, cell) in rec.fields.iter_mut().zip(row) {
                cell_text(cell, field);
            }
            return Ok(true);
        }
    }
}
