//! Feed readers against a corpus of small clean and broken files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Cursor, Read};
use std::path::PathBuf;

use shanyraq_feeds::read::{
    FileError, Format, RawRecord, ReadError, ReadOptions, RecordError, open, open_detect, open_path,
};

type Outcome = Vec<Result<RawRecord, ReadError>>;

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Reads a file from the corpus with format detection; header names and all outcomes.
fn read_file(name: &str, bytes: &[u8]) -> Result<(Vec<String>, Outcome), FileError> {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, name, bytes);
    let reader = open_path(&path, &ReadOptions::default())?;
    let names = reader.header().names.clone();
    Ok((names, reader.collect()))
}

fn fields(outcome: &Result<RawRecord, ReadError>) -> Vec<&str> {
    match outcome {
        Ok(r) => r.fields.iter().map(String::as_str).collect(),
        Err(e) => panic!("expected a record, got {e}"),
    }
}

fn line(outcome: &Result<RawRecord, ReadError>) -> u64 {
    outcome.as_ref().map(|r| r.line).unwrap()
}

fn record_error(outcome: &Result<RawRecord, ReadError>) -> &RecordError {
    match outcome {
        Err(ReadError::Record(e)) => e,
        other => panic!("expected a record error, got {other:?}"),
    }
}

#[test]
fn csv_comma_lf_without_bom() {
    let (names, rows) =
        read_file("a.csv", b"iin,name,amount\n900101300123,Aigerim,1500\n").unwrap();
    assert_eq!(names, ["iin", "name", "amount"]);
    assert_eq!(rows.len(), 1);
    assert_eq!(fields(&rows[0]), ["900101300123", "Aigerim", "1500"]);
    assert_eq!(line(&rows[0]), 2);
}

#[test]
fn csv_bom_semicolon_crlf_and_decimal_comma() {
    let bytes = "\u{feff}иин;сумма\r\n900101300123;1500,50\r\n850202400456;0,5\r\n";
    let dir = tempfile::tempdir().unwrap();
    let reader =
        open_path(&write(&dir, "b.csv", bytes.as_bytes()), &ReadOptions::default()).unwrap();
    assert_eq!(reader.delimiter(), Some(b';'));
    assert_eq!(reader.header().names, ["иин", "сумма"]);
    let rows: Outcome = reader.collect();
    assert_eq!(fields(&rows[0]), ["900101300123", "1500,50"]);
    assert_eq!(fields(&rows[1]), ["850202400456", "0,5"]);
    assert_eq!(line(&rows[1]), 3);
}

#[test]
fn csv_tab_delimiter() {
    let (names, rows) = read_file("c.tsv", b"a\tb\tc\n1\t2\t3\n").unwrap();
    assert_eq!(names, ["a", "b", "c"]);
    assert_eq!(fields(&rows[0]), ["1", "2", "3"]);
}

#[test]
fn csv_quoted_delimiters_newlines_and_doubled_quotes() {
    let bytes = b"id,note,city\n1,\"a, b\",\"Astana\"\n2,\"first line\nsecond \"\"quoted\"\"\",Almaty\n3,plain,Shymkent\n";
    let (_, rows) = read_file("q.csv", bytes).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(fields(&rows[0]), ["1", "a, b", "Astana"]);
    assert_eq!(fields(&rows[1]), ["2", "first line\nsecond \"quoted\"", "Almaty"]);
    assert_eq!(line(&rows[1]), 3);
    assert_eq!(line(&rows[2]), 5, "the line after a quoted newline is counted");
}

#[test]
fn csv_trims_around_unquoted_fields_and_quotes_but_not_inside_quotes() {
    let (names, rows) = read_file("w.csv", b" a , b ,c\n  1 ,  \" x \"  ,\t3\t\n").unwrap();
    assert_eq!(names, ["a", "b", "c"]);
    assert_eq!(fields(&rows[0]), ["1", " x ", "3"]);
}

#[test]
fn csv_blank_lines_skipped_and_lines_counted() {
    let (_, rows) = read_file("bl.csv", b"a,b\n\n1,2\r\n   \n\n3,4\n\n").unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(line(&rows[0]), 3);
    assert_eq!(line(&rows[1]), 6);
    assert_eq!(fields(&rows[1]), ["3", "4"]);
}

#[test]
fn csv_empty_fields_are_kept() {
    let (_, rows) = read_file("e.csv", b"a,b,c\n,,\n1,,\"\"\n").unwrap();
    assert_eq!(fields(&rows[0]), ["", "", ""]);
    assert_eq!(fields(&rows[1]), ["1", "", ""]);
}

#[test]
fn csv_invalid_utf8_is_a_record_error_and_neighbours_survive() {
    let mut bytes = b"iin,name\n111,Asel\n222,Bo".to_vec();
    bytes.extend_from_slice(&[0xFF, 0xFE]);
    bytes.extend_from_slice(b"lat\n333,Dana\n");
    let (_, rows) = read_file("u.csv", &bytes).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(fields(&rows[0]), ["111", "Asel"]);
    assert_eq!(*record_error(&rows[1]), RecordError::InvalidUtf8 { line: 3, column: 2, byte: 2 });
    assert_eq!(record_error(&rows[1]).code(), "invalid_utf8");
    assert_eq!(fields(&rows[2]), ["333", "Dana"]);
    assert_eq!(line(&rows[2]), 4);
}

#[test]
fn csv_file_ending_mid_quote_flags_the_last_record() {
    let (_, rows) = read_file("t.csv", b"a,b\n1,ok\n2,\"cut off\nhere").unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(fields(&rows[0]), ["1", "ok"]);
    assert_eq!(*record_error(&rows[1]), RecordError::UnterminatedQuote { line: 3 });
    assert_eq!(record_error(&rows[1]).code(), "unterminated_quote");
}

#[test]
fn csv_last_line_without_newline_is_a_record() {
    let (_, rows) = read_file("n.csv", b"a,b\n1,2").unwrap();
    assert_eq!(fields(&rows[0]), ["1", "2"]);
}

#[test]
fn csv_wrong_field_count_is_reported_and_reading_goes_on() {
    let (_, rows) = read_file("f.csv", b"a,b,c\n1,2\n1,2,3,4\n5,6,7\n").unwrap();
    assert_eq!(*record_error(&rows[0]), RecordError::FieldCount { line: 2, expected: 3, found: 2 });
    assert_eq!(*record_error(&rows[1]), RecordError::FieldCount { line: 3, expected: 3, found: 4 });
    assert_eq!(fields(&rows[2]), ["5", "6", "7"]);
}

#[test]
fn csv_field_longer_than_the_limit_is_a_record_error() {
    let options = ReadOptions { max_field_bytes: 8, ..ReadOptions::default() };
    let bytes = b"a,b\n1,123456789\n2,12345678\n";
    let rows: Outcome = open(Cursor::new(bytes), Format::Csv, &options).unwrap().collect();
    assert_eq!(record_error(&rows[0]).code(), "field_too_long");
    assert!(matches!(record_error(&rows[0]), RecordError::FieldTooLong { line: 2, column: 2, .. }));
    assert_eq!(fields(&rows[1]), ["2", "12345678"]);
}

#[test]
fn csv_too_many_fields_is_a_record_error() {
    let options = ReadOptions { max_fields: 3, ..ReadOptions::default() };
    let bytes = b"a,b\n1,2,3,4,5\n1,2\n";
    let rows: Outcome = open(Cursor::new(bytes), Format::Csv, &options).unwrap().collect();
    assert_eq!(record_error(&rows[0]).code(), "too_many_fields");
    assert_eq!(fields(&rows[1]), ["1", "2"]);
}

#[test]
fn empty_file_and_bom_only_are_file_errors() {
    for bytes in [&b""[..], b"\xEF\xBB\xBF", b"\n\r\n  \n"] {
        let err = read_file("empty.csv", bytes).unwrap_err();
        assert!(matches!(err, FileError::Empty), "{bytes:?}: {err}");
        assert_eq!(err.code(), "empty_file");
    }
    let err = open(Cursor::new(b""), Format::JsonLines, &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, FileError::Empty));
}

#[test]
fn header_only_gives_no_records() {
    let (names, rows) = read_file("h.csv", b"iin;name;amount\r\n").unwrap();
    assert_eq!(names, ["iin", "name", "amount"]);
    assert!(rows.is_empty());
}

#[test]
fn blank_header_is_no_header() {
    let err = read_file("nh.csv", b",,\n1,2,3\n").unwrap_err();
    assert!(matches!(err, FileError::NoHeader));
    assert_eq!(err.code(), "no_header");
}

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

#[test]
fn binary_garbage_is_unknown_format() {
    for name in ["image.csv", "image.jsonl", "image.xlsx", "image.png"] {
        let err = read_file(name, PNG).unwrap_err();
        assert!(matches!(err, FileError::UnknownFormat), "{name}: {err}");
        assert_eq!(err.code(), "unknown_format");
    }
    let err = open(Cursor::new(PNG), Format::Csv, &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, FileError::UnknownFormat));
}

#[test]
fn detect_prefers_content_over_extension() {
    assert_eq!(Format::detect(Some("csv"), b"a,b\n").unwrap(), Format::Csv);
    assert_eq!(
        Format::detect(Some("txt"), b"\xEF\xBB\xBF {\"a\":1}\n").unwrap(),
        Format::JsonLines
    );
    assert_eq!(Format::detect(Some("JSONL"), b"a;b\n").unwrap(), Format::Csv);
    assert_eq!(Format::detect(None, b"PK\x03\x04rest").unwrap(), Format::Xlsx);
    assert_eq!(Format::detect(Some("XLSX"), b"PK\x03\x04").unwrap(), Format::Xlsx);
    assert!(matches!(Format::detect(Some("xlsx"), b"a,b\n"), Err(FileError::UnknownFormat)));
    assert!(matches!(Format::detect(Some("csv"), b""), Err(FileError::Empty)));
}

/// Yields `len` bytes of `fill` (after an optional prefix) without holding them, and counts
/// how many were pulled.
struct Endless {
    prefix: Cursor<Vec<u8>>,
    fill: u8,
    left: u64,
    pulled: std::rc::Rc<std::cell::Cell<u64>>,
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.prefix.read(buf)?;
        if n > 0 {
            return Ok(n);
        }
        let n = buf.len().min(usize::try_from(self.left).unwrap_or(usize::MAX));
        buf[..n].fill(self.fill);
        self.left -= n as u64;
        self.pulled.set(self.pulled.get() + n as u64);
        Ok(n)
    }
}

fn endless(prefix: &[u8], fill: u8, len: u64) -> (Endless, std::rc::Rc<std::cell::Cell<u64>>) {
    let pulled = std::rc::Rc::default();
    let source = Endless {
        prefix: Cursor::new(prefix.to_vec()),
        fill,
        left: len,
        pulled: std::rc::Rc::clone(&pulled),
    };
    (source, pulled)
}

const HUNDRED_MB: u64 = 100 * 1024 * 1024;

#[test]
fn a_100_mb_single_line_is_one_file_error_after_about_1_mib() {
    let (source, pulled) = endless(b"", b'x', HUNDRED_MB);
    let mut reader = open(source, Format::Csv, &ReadOptions::default()).map(|_| ()).unwrap_err();
    assert!(matches!(reader, FileError::LineTooLong { line: 1, limit: 1_048_576 }), "{reader}");
    assert_eq!(reader.code(), "line_too_long");
    assert!(pulled.get() < 2 * 1024 * 1024, "pulled {} bytes", pulled.get());
    reader = open(endless(b"", b'x', HUNDRED_MB).0, Format::Csv, &ReadOptions::default())
        .map(|_| ())
        .unwrap_err();
    assert_eq!(reader.code(), "line_too_long");
}

#[test]
fn a_100_mb_line_mid_file_keeps_the_records_before_it_and_ends_the_file() {
    let (source, pulled) = endless(b"a,b\n1,2\n3,4\n", b'x', HUNDRED_MB);
    let rows: Outcome = open(source, Format::Csv, &ReadOptions::default()).unwrap().collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(fields(&rows[0]), ["1", "2"]);
    assert_eq!(fields(&rows[1]), ["3", "4"]);
    assert!(matches!(rows[2], Err(ReadError::File(FileError::LineTooLong { line: 4, .. }))));
    assert!(pulled.get() < 2 * 1024 * 1024, "pulled {} bytes", pulled.get());
}

#[test]
fn a_100_mb_json_line_is_one_file_error() {
    let (source, pulled) = endless(b"{\"a\":\"", b'x', HUNDRED_MB);
    let err = open(source, Format::JsonLines, &ReadOptions::default()).map(|_| ()).unwrap_err();
    assert!(matches!(err, FileError::LineTooLong { line: 1, .. }), "{err}");
    assert!(pulled.get() < 2 * 1024 * 1024);
}

#[test]
fn jsonl_valid_invalid_and_blank_lines() {
    let bytes = concat!(
        "{\"iin\":\"900101300123\",\"amount\":1500,\"paid\":true,\"note\":null}\n",
        "\n",
        "{\"amount\":2.5,\"iin\":\" 850202400456 \"}\n",
        "{\"iin\":\"1\",\"amount\":\n",
        "[1,2]\n",
        "{\"iin\":\"2\",\"bonus\":3}\n",
        "{\"iin\":\"3\",\"iin\":\"4\"}\n",
        "{\"iin\":{\"x\":1}}\n",
        "   \r\n",
        "{\"iin\":\"5\",\"paid\":false}\r\n",
    );
    let (names, rows) = read_file("f.jsonl", bytes.as_bytes()).unwrap();
    assert_eq!(names, ["iin", "amount", "paid", "note", "bonus"], "keys in order of first use");
    assert_eq!(rows.len(), 8);
    assert_eq!(fields(&rows[0]), ["900101300123", "1500", "true", "", ""]);
    assert_eq!(line(&rows[0]), 1);
    assert_eq!(fields(&rows[1]), ["850202400456", "2.5", "", "", ""]);
    assert_eq!(line(&rows[1]), 3);
    assert!(matches!(record_error(&rows[2]), RecordError::InvalidJson { line: 4, .. }));
    assert_eq!(*record_error(&rows[3]), RecordError::NotAnObject { line: 5 });
    assert_eq!(fields(&rows[4]), ["2", "", "", "", "3"]);
    assert_eq!(*record_error(&rows[5]), RecordError::DuplicateKey { line: 7, key: "iin".into() });
    assert_eq!(*record_error(&rows[6]), RecordError::NestedValue { line: 8, key: "iin".into() });
    assert_eq!(fields(&rows[7]), ["5", "", "false", "", ""]);
    assert_eq!(line(&rows[7]), 10);
}

#[test]
fn jsonl_columns_are_every_key_of_the_file_and_only_valid_objects_add_keys() {
    let bytes = concat!(
        "\u{feff}{\"iin\":\"1\",\"amount\":10}\n",
        "{\"iin\":\"2\",\"amount\":20,\"cut\":\n",
        "{\"iin\":\"3\",\" period_end \":\"2026-10-31\",\"amount\":30}\n",
        "{\"exported_at\":\"2026-11-01\",\"iin\":\"4\"}\n",
    );
    let (names, rows) = read_file("late.jsonl", bytes.as_bytes()).unwrap();
    assert_eq!(names, ["iin", "amount", "period_end", "exported_at"]);
    assert_eq!(fields(&rows[0]), ["1", "10", "", ""]);
    assert!(matches!(record_error(&rows[1]), RecordError::InvalidJson { line: 2, .. }));
    assert_eq!(fields(&rows[2]), ["3", "30", "2026-10-31", ""]);
    assert_eq!(fields(&rows[3]), ["4", "", "", "2026-11-01"]);
}

#[test]
fn jsonl_columns_are_capped_and_a_stream_takes_them_from_its_first_object() {
    let bytes = b"{\"a\":1}\n{\"b\":2,\"c\":3}\n{\"d\":4}\n";
    let dir = tempfile::tempdir().unwrap();
    let options = ReadOptions { max_fields: 3, ..ReadOptions::default() };
    let reader = open_path(&write(&dir, "cap.jsonl", bytes), &options).unwrap();
    assert_eq!(reader.header().names, ["a", "b", "c"]);
    let rows: Outcome = reader.collect();
    assert_eq!(fields(&rows[1]), ["", "2", "3"]);
    assert_eq!(*record_error(&rows[2]), RecordError::UnknownKey { line: 3, key: "d".into() });

    let reader = open(Cursor::new(bytes), Format::JsonLines, &ReadOptions::default()).unwrap();
    assert_eq!(reader.header().names, ["a"]);
    let rows: Outcome = reader.collect();
    assert_eq!(*record_error(&rows[1]), RecordError::UnknownKey { line: 2, key: "b".into() });
}

#[test]
fn jsonl_first_line_must_be_an_object() {
    for bytes in [&b"[1,2]\n{\"a\":1}\n"[..], b"{\"a\":\n"] {
        let err = open(Cursor::new(bytes), Format::JsonLines, &ReadOptions::default()).unwrap_err();
        assert!(matches!(err, FileError::BadHeader { line: 1, .. }), "{err}");
        assert_eq!(err.code(), "bad_header");
    }
}

fn xlsx_bytes() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date = CellFormat::new().set_num_format("yyyy-mm-dd");
    let stamp = CellFormat::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    for (col, name) in ["iin", "name", "amount", "birth", "seen", "active"].iter().enumerate() {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
    sheet.write_string(1, 0, "900101300123").unwrap();
    sheet.write_string(1, 1, " Айгерим ").unwrap();
    sheet.write_number(1, 2, 1500.0).unwrap();
    let birth = ExcelDateTime::from_ymd(1990, 1, 1).unwrap();
    sheet.write_datetime_with_format(1, 3, &birth, &date).unwrap();
    let seen = ExcelDateTime::parse_from_str("2024-03-15 08:30:00").unwrap();
    sheet.write_datetime_with_format(1, 4, &seen, &stamp).unwrap();
    sheet.write_boolean(1, 5, true).unwrap();
    // Row 3 left blank; row 4 sparse.
    sheet.write_number(3, 0, 850202400456.0).unwrap();
    sheet.write_number(3, 2, 1234.5).unwrap();
    book.save_to_buffer().unwrap()
}

#[test]
fn xlsx_numbers_dates_and_text() {
    let (names, rows) = read_file("book.xlsx", &xlsx_bytes()).unwrap();
    assert_eq!(names, ["iin", "name", "amount", "birth", "seen", "active"]);
    assert_eq!(rows.len(), 2, "the blank row is skipped");
    assert_eq!(
        fields(&rows[0]),
        ["900101300123", "Айгерим", "1500", "1990-01-01", "2024-03-15T08:30:00", "true"]
    );
    assert_eq!(line(&rows[0]), 2);
    assert_eq!(fields(&rows[1]), ["850202400456", "", "1234.5", "", "", ""]);
    assert_eq!(line(&rows[1]), 4);
}

#[test]
fn xlsx_is_detected_whatever_the_extension() {
    let reader =
        open_detect(Cursor::new(xlsx_bytes()), Some("csv"), &ReadOptions::default()).unwrap();
    assert_eq!(reader.format(), Format::Xlsx);
    assert_eq!(reader.delimiter(), None);
}

#[test]
fn xlsx_cell_beyond_the_header_is_a_field_count_error() {
    use rust_xlsxwriter::Workbook;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "a").unwrap();
    sheet.write_string(1, 0, "1").unwrap();
    sheet.write_string(1, 2, "extra").unwrap();
    sheet.write_string(2, 0, "2").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let rows: Outcome =
        open(Cursor::new(bytes), Format::Xlsx, &ReadOptions::default()).unwrap().collect();
    assert_eq!(*record_error(&rows[0]), RecordError::FieldCount { line: 2, expected: 1, found: 3 });
    assert_eq!(fields(&rows[1]), ["2"]);
}

#[test]
fn unreadable_or_oversized_xlsx_is_a_file_error() {
    let err =
        open(Cursor::new(b"PK\x03\x04garbage"), Format::Xlsx, &ReadOptions::default()).unwrap_err();
    assert_eq!(err.code(), "unreadable_xlsx");
    let options = ReadOptions { max_xlsx_bytes: 1024, ..ReadOptions::default() };
    let err = open(Cursor::new(xlsx_bytes()), Format::Xlsx, &options).unwrap_err();
    assert!(matches!(err, FileError::XlsxTooLarge { limit: 1024 }));
    let empty = rust_xlsxwriter::Workbook::new().save_to_buffer();
    let err = open(Cursor::new(empty.unwrap()), Format::Xlsx, &ReadOptions::default()).unwrap_err();
    assert_eq!(err.code(), "no_header");
}

#[test]
fn read_into_reuses_the_record_and_matches_the_iterator() {
    let bytes = b"a;b\n1;x\n2;\n3;zzz\n";
    let expected: Outcome =
        open(Cursor::new(bytes), Format::Csv, &ReadOptions::default()).unwrap().collect();
    let mut reader = open(Cursor::new(bytes), Format::Csv, &ReadOptions::default()).unwrap();
    let mut record = RawRecord::default();
    let mut seen = Vec::new();
    while reader.read_into(&mut record).unwrap() {
        seen.push(record.clone());
    }
    assert_eq!(seen, expected.into_iter().map(Result::unwrap).collect::<Vec<_>>());
    assert_eq!(seen[1].fields, ["2", ""]);
    assert!(!reader.read_into(&mut record).unwrap(), "stays finished");
}

#[test]
fn a_read_that_fails_is_an_io_file_error_and_ends_the_file() {
    struct Failing(Cursor<Vec<u8>>);
    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match self.0.read(buf)? {
                0 => Err(std::io::Error::other("disk gone")),
                n => Ok(n),
            }
        }
    }
    let mut data = b"a,b\n".to_vec();
    for _ in 0..5000 {
        data.extend_from_slice(b"1,2\n");
    }
    let rows: Outcome =
        open(Failing(Cursor::new(data)), Format::Csv, &ReadOptions::default()).unwrap().collect();
    assert_eq!(rows.len(), 5001);
    assert!(rows[..5000].iter().all(Result::is_ok));
    assert_eq!(rows[5000].as_ref().unwrap_err().code(), "io");
    let err = open(Failing(Cursor::new(b"a,b".to_vec())), Format::Csv, &ReadOptions::default())
        .map(|_| ())
        .unwrap_err();
    assert_eq!(err.code(), "io");
}

/// A workbook of `cells` distinct strings of `len` characters: small packed, large unpacked.
fn repetitive_xlsx(cells: u32, len: usize) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "note").unwrap();
    for row in 1..=cells {
        sheet.write_string(row, 0, format!("{row}{}", "x".repeat(len))).unwrap();
    }
    book.save_to_buffer().unwrap()
}

/// Overwrites the uncompressed size of every central directory entry with `size`, as a forged
/// archive would, leaving the data and its checksum alone.
fn understate_sizes(zip: &mut [u8], size: u32) {
    let mut at = 0;
    while let Some(found) = zip[at..].windows(4).position(|w| w == b"PK\x01\x02") {
        let entry = at + found;
        zip[entry + 24..entry + 28].copy_from_slice(&size.to_le_bytes());
        at = entry + 4;
    }
}

#[test]
fn xlsx_that_unpacks_beyond_the_cap_is_refused_before_it_is_unpacked() {
    let bytes = repetitive_xlsx(100, 30_000);
    assert!(bytes.len() < 64 * 1024, "{} bytes", bytes.len());
    let options = ReadOptions { max_xlsx_unpacked_bytes: 1024 * 1024, ..ReadOptions::default() };
    let err = open(Cursor::new(&bytes), Format::Xlsx, &options).map(|_| ()).unwrap_err();
    assert!(matches!(err, FileError::XlsxUnpackedTooLarge { limit: 1_048_576 }), "{err}");
    assert_eq!(err.code(), "xlsx_unpacked_too_large");
    let reader = open(Cursor::new(&bytes), Format::Xlsx, &ReadOptions::default()).unwrap();
    assert_eq!(reader.count(), 100, "within the default caps");
}

#[test]
fn xlsx_that_understates_its_sizes_is_refused_by_what_its_sheet_holds() {
    let mut bytes = repetitive_xlsx(100, 30_000);
    understate_sizes(&mut bytes, 1);
    let options = ReadOptions { max_xlsx_unpacked_bytes: 1024 * 1024, ..ReadOptions::default() };
    let err = open(Cursor::new(&bytes), Format::Xlsx, &options).map(|_| ()).unwrap_err();
    assert_eq!(err.code(), "xlsx_unpacked_too_large", "{err}");
}

#[test]
fn xlsx_with_more_cells_than_the_cap_is_refused() {
    let bytes = repetitive_xlsx(100, 1);
    let options = ReadOptions { max_xlsx_cells: 50, ..ReadOptions::default() };
    let err = open(Cursor::new(&bytes), Format::Xlsx, &options).map(|_| ()).unwrap_err();
    assert!(matches!(err, FileError::XlsxTooManyCells { limit: 50 }), "{err}");
    assert_eq!(err.code(), "xlsx_too_many_cells");
}

#[test]
fn xlsx_with_two_cells_at_opposite_corners_costs_two_cells() {
    use rust_xlsxwriter::Workbook;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "a").unwrap();
    sheet.write_string(1, 0, "1").unwrap();
    sheet.write_string(1_048_575, 16_383, "far").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let rows: Outcome =
        open(Cursor::new(bytes), Format::Xlsx, &ReadOptions::default()).unwrap().collect();
    assert_eq!(fields(&rows[0]), ["1"]);
    assert_eq!(
        *record_error(&rows[1]),
        RecordError::FieldCount { line: 1_048_576, expected: 1, found: 16_384 }
    );
}

#[test]
fn xlsx_date_cells_out_of_the_calendar_are_numbers_not_a_panic() {
    use rust_xlsxwriter::{Format as CellFormat, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date = CellFormat::new().set_num_format("dd.mm.yyyy");
    sheet.write_string(0, 0, "birth").unwrap();
    for (row, serial) in [(1, 1e300), (2, -1.0), (3, 3e6), (4, 45_000.0)] {
        sheet.write_number_with_format(row, 0, serial, &date).unwrap();
    }
    let bytes = book.save_to_buffer().unwrap();
    let rows: Outcome =
        open(Cursor::new(bytes), Format::Xlsx, &ReadOptions::default()).unwrap().collect();
    assert_eq!(fields(&rows[0])[0].parse::<f64>().unwrap(), 1e300);
    assert_eq!(fields(&rows[1]), ["-1"]);
    assert_eq!(fields(&rows[2]), ["3000000"]);
    assert_eq!(fields(&rows[3]), ["2023-03-15"]);
}

#[test]
fn leading_zeros_come_back_only_to_whole_numbers_in_code_columns() {
    use rust_xlsxwriter::Workbook;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (col, name) in ["iin", "amount", "kato", "note"].iter().enumerate() {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
    sheet.write_number(1, 0, 61_211_600_012.0).unwrap();
    sheet.write_number(1, 1, 1500.0).unwrap();
    sheet.write_number(1, 2, 12_345.0).unwrap();
    sheet.write_number(1, 3, 7.0).unwrap();
    sheet.write_string(2, 0, "61211600012").unwrap();
    sheet.write_number(2, 2, 1234.5).unwrap();
    sheet.write_number(3, 0, 101_500_120.0).unwrap();
    sheet.write_number(3, 2, 101_010_000.0).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let widths = vec![Some(12), None, Some(9)];
    let mut reader = open(Cursor::new(bytes), Format::Xlsx, &ReadOptions::default()).unwrap();
    reader.restore_leading_zeros(widths.clone());
    let rows: Outcome = reader.collect();
    assert_eq!(fields(&rows[0]), ["061211600012", "1500", "000012345", "7"]);
    assert_eq!(fields(&rows[1]), ["61211600012", "", "1234.5", ""], "text and fractions stay");
    assert_eq!(fields(&rows[2]), ["000101500120", "", "101010000", ""]);

    let jsonl =
        b"{\"iin\":61211600012,\"amount\":1500,\"kato\":\"12345\"}\n{\"iin\":\"61211600012\"}\n";
    let mut reader = open(Cursor::new(jsonl), Format::JsonLines, &ReadOptions::default()).unwrap();
    reader.restore_leading_zeros(widths.clone());
    let rows: Outcome = reader.collect();
    assert_eq!(fields(&rows[0]), ["061211600012", "1500", "12345"]);
    assert_eq!(fields(&rows[1]), ["61211600012", "", ""], "a JSON string is text");

    let csv = b"iin,amount,kato\n61211600012,1500,12345\n";
    let mut reader = open(Cursor::new(csv), Format::Csv, &ReadOptions::default()).unwrap();
    reader.restore_leading_zeros(widths);
    let rows: Outcome = reader.collect();
    assert_eq!(fields(&rows[0]), ["61211600012", "1500", "12345"], "CSV is text");
}
