//! XLSX: the first sheet of a workbook. A ZIP archive cannot be read from a stream, so the
//! workbook is read whole, up to [`ReadOptions::max_xlsx_bytes`](super::ReadOptions).
//!
//! What it may unpack to is capped too, since a few kilobytes can unpack to gigabytes: the sizes
//! the archive declares are checked before anything is unpacked
//! ([`ReadOptions::max_xlsx_unpacked_bytes`](super::ReadOptions)), and, because an archive can
//! lie about them, the sheet's cells and their text are counted as they arrive
//! ([`ReadOptions::max_xlsx_cells`](super::ReadOptions)). Cells are streamed out of the sheet's
//! XML into one text buffer and a small entry per non-blank cell, so memory follows the cells
//! the sheet really has, not the rectangle they span (a cell at `A1` and one at `XFD1048576` are
//! two cells, not seventeen billion).

use std::io::{Cursor, Read};

use calamine::{Cell, DataRef, ExcelDateTime, Reader, Xlsx, XlsxError};

use super::input::Input;
use super::unpacked::declared_unpacked_bytes;
use super::{FileError, Header, RawRecord, ReadError, ReadOptions, RecordError};

/// The non-blank cells of the first sheet, handed out row by row.
#[derive(Debug)]
pub(crate) struct XlsxReader {
    /// The text of every stored cell, back to back.
    text: String,
    /// Sorted by row, then column.
    cells: Vec<StoredCell>,
    /// Index in `cells` of the first cell of the next row to return.
    next: usize,
    /// The leftmost column any cell uses: it is the file's first field.
    first_column: u32,
    width: usize,
    /// Row visits, to show in tests that reading is one pass.
    #[cfg(test)]
    visits: usize,
}

/// One non-blank cell: where it is and where its text is in [`XlsxReader::text`].
#[derive(Debug, Clone, Copy)]
struct StoredCell {
    row: u32,
    column: u32,
    start: u32,
    end: u32,
    /// A number without a fraction, written as its digits: the one kind of cell whose leading
    /// zeros a spreadsheet drops (see [`FeedReader::restore_leading_zeros`](super::FeedReader)).
    whole_number: bool,
}

/// Serial day numbers that are calendar dates: 1900-01-01 is 1, 9999-12-31 is 2 958 465 (the
/// 1904 system counts from 1904-01-01). Outside, a date-formatted cell is written as its number,
/// so that validation refuses it instead of the calendar arithmetic overflowing.
const DATE_SERIALS: std::ops::Range<f64> = 0.0..2_958_466.0;

/// Renders a cell as feed text: integers without `.0`, dates as `YYYY-MM-DD` (with
/// `THH:MM:SS` when there is a time of day), errors as Excel writes them. Returns whether the
/// cell is a whole, non-negative number.
fn cell_text(cell: &DataRef<'_>, out: &mut String) -> bool {
    use std::fmt::Write;
    // Writing into a String cannot fail.
    let _ = match cell {
        DataRef::Empty => Ok(()),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            out.push_str(s.trim());
            Ok(())
        }
        DataRef::SharedString(s) => {
            out.push_str(s.trim());
            Ok(())
        }
        DataRef::Int(i) => return write!(out, "{i}").is_ok() && *i >= 0,
        DataRef::Float(f) => return write_number(*f, out),
        DataRef::Bool(b) => write!(out, "{b}"),
        DataRef::DateTime(dt) if dt.is_datetime() && DATE_SERIALS.contains(&dt.as_f64()) => {
            write_datetime(dt, out)
        }
        DataRef::DateTime(dt) => {
            write_number(dt.as_f64(), out);
            Ok(())
        }
        DataRef::Error(e) => write!(out, "{e}"),
    };
    false
}

/// A number as text, integers without `.0`; whether it is a whole, non-negative number.
fn write_number(f: f64, out: &mut String) -> bool {
    use std::fmt::Write;
    if f.fract() == 0.0 && f.abs() < 1e15 {
        // Exact: |f| < 1e15 < 2^53, and f has no fraction.
        let _ = write!(out, "{}", f as i64);
        f >= 0.0
    } else {
        let _ = write!(out, "{f}");
        false
    }
}

/// Writes a date (and time of day, to the nearest second: serial values carry float noise).
fn write_datetime(dt: &ExcelDateTime, out: &mut String) -> std::fmt::Result {
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

fn xlsx_error(e: &XlsxError) -> FileError {
    FileError::Xlsx(e.to_string())
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
        let unpacked_limit = options.max_xlsx_unpacked_bytes;
        let declared = declared_unpacked_bytes(&bytes)
            .ok_or_else(|| FileError::Xlsx("no readable ZIP central directory".into()))?;
        if declared > unpacked_limit as u64 {
            return Err(FileError::XlsxUnpackedTooLarge { limit: unpacked_limit });
        }
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| xlsx_error(&e))?;
        let Some(sheet) = book.sheet_names().into_iter().next() else {
            return Err(FileError::NoHeader);
        };
        let mut reader = match book.worksheet_cells_reader(&sheet) {
            Ok(mut cells) => Self::collect(|| cells.next_cell(), options)?,
            // A chart sheet first: nothing to read.
            Err(XlsxError::NotAWorksheet(_)) => return Err(FileError::NoHeader),
            Err(e) => return Err(xlsx_error(&e)),
        };
        // The first non-blank row is the header.
        let Some(header_row) = reader.cells.first().map(|c| c.row) else {
            return Err(FileError::NoHeader);
        };
        let mut names = Vec::new();
        while let Some(cell) = reader.cells.get(reader.next).filter(|c| c.row == header_row) {
            let column = (cell.column - reader.first_column) as usize;
            if names.len() <= column {
                names.resize_with(column + 1, String::new);
            }
            names[column] = reader.cell_str(cell).to_owned();
            reader.next += 1;
        }
        reader.width = names.len();
        Ok((reader, Header { names }))
    }

    /// Streams the sheet's cells (`next_cell` gives them one by one) into the reader, within
    /// the caps.
    fn collect<'a>(
        mut next_cell: impl FnMut() -> Result<Option<Cell<DataRef<'a>>>, XlsxError>,
        options: &ReadOptions,
    ) -> Result<Self, FileError> {
        let text_limit = options.max_xlsx_unpacked_bytes.min(u32::MAX as usize);
        let mut text = String::new();
        let mut cells: Vec<StoredCell> = Vec::new();
        while let Some(cell) = next_cell().map_err(|e| xlsx_error(&e))? {
            let start = text.len();
            let whole_number = cell_text(cell.get_value(), &mut text);
            if text.len() == start {
                continue;
            }
            if text.len() > text_limit {
                return Err(FileError::XlsxUnpackedTooLarge {
                    limit: options.max_xlsx_unpacked_bytes,
                });
            }
            if cells.len() >= options.max_xlsx_cells {
                return Err(FileError::XlsxTooManyCells { limit: options.max_xlsx_cells });
            }
            let (row, column) = cell.get_position();
            // Both fit: the text is capped at u32::MAX bytes above.
            let (start, end) = (start as u32, text.len() as u32);
            cells.push(StoredCell { row, column, start, end, whole_number });
        }
        // Sheets list rows and cells in order; a writer that does not is read all the same.
        if !cells.is_sorted_by_key(|c| (c.row, c.column)) {
            cells.sort_by_key(|c| (c.row, c.column));
        }
        let first_column = cells.iter().map(|c| c.column).min().unwrap_or(0);
        Ok(Self {
            text,
            cells,
            next: 0,
            first_column,
            width: 0,
            #[cfg(test)]
            visits: 0,
        })
    }

    fn cell_str(&self, cell: &StoredCell) -> &str {
        self.text.get(cell.start as usize..cell.end as usize).unwrap_or_default()
    }

    /// The next row into `rec`; `widths[p]`, when given, is the number of digits that a whole
    /// number in field `p` is left-padded to.
    pub(crate) fn read_into(
        &mut self,
        rec: &mut RawRecord,
        widths: &[Option<usize>],
    ) -> Result<bool, ReadError> {
        let Some(first) = self.cells.get(self.next) else {
            return Ok(false);
        };
        #[cfg(test)]
        {
            self.visits += 1;
        }
        let row = first.row;
        let end = self.cells[self.next..]
            .iter()
            .position(|c| c.row != row)
            .map_or(self.cells.len(), |n| self.next + n);
        let cells = self.next..end;
        self.next = end;
        let line = u64::from(row) + 1;
        let found = self.cells[cells.end - 1].column - self.first_column + 1;
        let found = found as usize;
        if found > self.width {
            return Err(RecordError::FieldCount { line, expected: self.width, found }.into());
        }
        rec.line = line;
        rec.resize(self.width);
        for cell in &self.cells[cells] {
            let column = (cell.column - self.first_column) as usize;
            let field = &mut rec.fields[column];
            field.clear();
            field.push_str(self.cell_str(cell));
            if cell.whole_number
                && let Some(&Some(width)) = widths.get(column)
            {
                super::pad_digits(field, width);
            }
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(rows: usize) -> XlsxReader {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "n").unwrap();
        for row in 1..=rows {
            sheet.write_number(u32::try_from(row).unwrap(), 0, row as f64).unwrap();
        }
        let bytes = book.save_to_buffer().unwrap();
        let mut input = Input::new(Cursor::new(bytes));
        input.fill_to(super::super::SNIFF_BYTES).unwrap();
        XlsxReader::open(input, &ReadOptions::default()).unwrap().0
    }

    /// Each row is found once, from where the previous one ended: reading a sheet is linear in
    /// its rows, not quadratic.
    #[test]
    fn each_row_is_visited_once() {
        let mut reader = reader(2000);
        let mut rec = RawRecord::default();
        let mut rows = 0;
        while reader.read_into(&mut rec, &[]).unwrap() {
            rows += 1;
            assert_eq!(rec.fields, [rows.to_string()]);
        }
        assert_eq!(rows, 2000);
        assert_eq!(reader.visits, 2000);
    }

    #[test]
    fn dates_out_of_the_calendar_are_written_as_numbers() {
        use calamine::ExcelDateTimeType::DateTime;
        for (serial, text) in [(1e300, format!("{}", 1e300)), (-3.0, "-3".into())] {
            let mut out = String::new();
            let cell = DataRef::DateTime(ExcelDateTime::new(serial, DateTime, false));
            assert!(!cell_text(&cell, &mut out));
            assert_eq!(out, text);
        }
        let mut out = String::new();
        cell_text(&DataRef::DateTime(ExcelDateTime::new(2_958_465.0, DateTime, false)), &mut out);
        assert_eq!(out, "9999-12-31");
    }

    #[test]
    fn only_whole_non_negative_numbers_can_lose_leading_zeros() {
        let whole = |cell: DataRef<'_>| cell_text(&cell, &mut String::new());
        assert!(whole(DataRef::Float(61_211_600_012.0)));
        assert!(whole(DataRef::Int(7)));
        assert!(!whole(DataRef::Float(12.5)));
        assert!(!whole(DataRef::Float(-4.0)));
        assert!(!whole(DataRef::String("061211600012".into())));
        assert!(!whole(DataRef::SharedString("7")));
    }
}
