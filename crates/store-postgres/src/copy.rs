//! `COPY … FROM STDIN (FORMAT binary)`: PostgreSQL's bulk path. Rows are encoded straight into a
//! byte buffer (no escaping, no number or date formatting, nothing for the server to parse) and
//! streamed in large pieces, so that the buffer stays small whatever the number of rows.
//!
//! The binary format is PostgreSQL's wire representation: each field is a 4-byte big-endian
//! length (-1 for NULL) and the value — integers big-endian in the column's exact width, dates as
//! days since 2000-01-01, text as UTF-8. A field must match its column's type exactly; the tests
//! load every table through this path, so a mismatch with the migrations shows at once.

use shanyraq_store::StoreResult;
use sqlx::PgConnection;
use time::Date;

use crate::error::fail;

/// Signature, flags and header-extension length that open every binary COPY stream.
const HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";
/// The field count -1 that ends the stream.
const TRAILER: [u8; 2] = (-1i16).to_be_bytes();
/// Julian day number of 2000-01-01, PostgreSQL's date epoch.
const PG_EPOCH_JULIAN_DAY: i32 = 2_451_545;
/// Bytes sent per CopyData message: large enough that per-message costs vanish, small enough that
/// memory stays flat.
const PIECE: usize = 1 << 20;

/// A binary COPY stream under construction.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BinaryRows {
    buf: Vec<u8>,
}

impl BinaryRows {
    /// A stream holding just the header.
    pub(crate) fn new() -> BinaryRows {
        let mut buf = Vec::with_capacity(PIECE + PIECE / 4);
        buf.extend_from_slice(HEADER);
        BinaryRows { buf }
    }

    /// Starts a row of `fields` fields.
    pub(crate) fn row(&mut self, fields: i16) {
        self.buf.extend_from_slice(&fields.to_be_bytes());
    }

    pub(crate) fn null(&mut self) {
        self.buf.extend_from_slice(&(-1i32).to_be_bytes());
    }

    /// A `BIGINT` field.
    pub(crate) fn i64(&mut self, v: i64) {
        self.buf.extend_from_slice(&8i32.to_be_bytes());
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    /// An `INTEGER` field.
    pub(crate) fn i32(&mut self, v: i32) {
        self.buf.extend_from_slice(&4i32.to_be_bytes());
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    /// A `TEXT` field. Text longer than the format allows (2 GiB) cannot be stored in a row
    /// anyway (PostgreSQL's limit is 1 GiB), so it is cut there and the server refuses it.
    pub(crate) fn text(&mut self, s: &str) {
        self.text_bytes(s.as_bytes());
    }

    /// A `TEXT` field from bytes that are UTF-8.
    pub(crate) fn text_bytes(&mut self, s: &[u8]) {
        let len = i32::try_from(s.len()).unwrap_or(i32::MAX);
        self.buf.extend_from_slice(&len.to_be_bytes());
        self.buf.extend_from_slice(&s[..s.len().min(i32::MAX as usize)]);
    }

    /// A `DATE` field.
    pub(crate) fn date(&mut self, d: Date) {
        self.i32(d.to_julian_day() - PG_EPOCH_JULIAN_DAY);
    }

    pub(crate) fn opt_i64(&mut self, v: Option<i64>) {
        match v {
            Some(v) => self.i64(v),
            None => self.null(),
        }
    }

    pub(crate) fn opt_i32(&mut self, v: Option<i32>) {
        match v {
            Some(v) => self.i32(v),
            None => self.null(),
        }
    }

    pub(crate) fn opt_text(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.text(s),
            None => self.null(),
        }
    }

    pub(crate) fn opt_date(&mut self, d: Option<Date>) {
        match d {
            Some(d) => self.date(d),
            None => self.null(),
        }
    }

    /// Whether enough has gathered to send a piece.
    fn is_full(&self) -> bool {
        self.buf.len() >= PIECE
    }

    /// Ends the stream.
    fn finish(&mut self) {
        self.buf.extend_from_slice(&TRAILER);
    }

    #[cfg(test)]
    fn bytes(&self) -> &[u8] {
        &self.buf
    }
}

/// Copies `rows` with `statement` (a `COPY … FROM STDIN (FORMAT binary)`), encoding each with
/// `encode`; `what` names the rows in messages. Returns the number of rows the server took.
pub(crate) async fn copy_rows<T>(
    conn: &mut PgConnection,
    what: &'static str,
    statement: &'static str,
    rows: &[T],
    encode: impl FnMut(&mut BinaryRows, &T),
) -> StoreResult<u64> {
    copy_rows_raw(conn, statement, rows, encode).await.map_err(fail(what))
}

/// [`copy_rows`] with the driver's error, for callers that act on a particular refusal.
pub(crate) async fn copy_rows_raw<T>(
    conn: &mut PgConnection,
    statement: &'static str,
    rows: &[T],
    mut encode: impl FnMut(&mut BinaryRows, &T),
) -> Result<u64, sqlx::Error> {
    if rows.is_empty() {
        return Ok(0);
    }
    let mut copy = conn.copy_in_raw(statement).await?;
    let mut out = BinaryRows::new();
    for row in rows {
        encode(&mut out, row);
        if out.is_full() {
            copy.send(out.buf.as_slice()).await?;
            out.buf.clear();
        }
    }
    out.finish();
    copy.send(out.buf.as_slice()).await?;
    copy.finish().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn body(rows: &BinaryRows) -> &[u8] {
        &rows.bytes()[HEADER.len()..]
    }

    #[test]
    fn header_is_the_binary_signature() {
        let rows = BinaryRows::new();
        assert_eq!(rows.bytes().len(), 19);
        assert_eq!(&rows.bytes()[..11], b"PGCOPY\n\xff\r\n\0");
        assert!(rows.bytes()[11..].iter().all(|b| *b == 0));
    }

    #[test]
    fn fields_are_length_prefixed_big_endian() {
        let mut rows = BinaryRows::new();
        rows.row(3);
        rows.i64(-2);
        rows.i32(0x0102_0304);
        rows.text("әб");
        assert_eq!(
            body(&rows),
            [
                &[0, 3][..],
                &[0, 0, 0, 8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe],
                &[0, 0, 0, 4, 1, 2, 3, 4],
                &[0, 0, 0, 4, 0xd3, 0x99, 0xd0, 0xb1],
            ]
            .concat()
        );
    }

    #[test]
    fn null_is_length_minus_one_and_options_follow() {
        let mut rows = BinaryRows::new();
        rows.opt_text(None);
        rows.opt_i64(None);
        rows.opt_date(None);
        rows.opt_text(Some(""));
        assert_eq!(body(&rows), [&[0xff; 12][..], &[0, 0, 0, 0]].concat());
    }

    #[test]
    fn dates_count_days_from_2000() {
        let days = |d: Date| {
            let mut rows = BinaryRows::new();
            rows.date(d);
            let b = body(&rows);
            assert_eq!(&b[..4], &[0, 0, 0, 4]);
            i32::from_be_bytes([b[4], b[5], b[6], b[7]])
        };
        assert_eq!(days(date!(2000 - 01 - 01)), 0);
        assert_eq!(days(date!(2000 - 01 - 02)), 1);
        assert_eq!(days(date!(1999 - 12 - 31)), -1);
        assert_eq!(days(date!(2026 - 11 - 30)), 9830);
    }

    #[test]
    fn trailer_ends_the_stream() {
        let mut rows = BinaryRows::new();
        rows.finish();
        assert_eq!(body(&rows), [0xff, 0xff]);
    }
}
