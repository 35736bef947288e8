//! `COPY … FROM STDIN (FORMAT binary)`: PostgreSQL's bulk path. Rows are encoded straight into a
//! byte buffer (no escaping, no number or date formatting, nothing for the server to parse) and
//! streamed in large pieces, so that the buffer stays small whatever the number of rows.
//!
//! The same format read back, `COPY (SELECT …) TO STDOUT (FORMAT binary)`, is the bulk way out:
//! each field is read in place from the server's bytes, without the per-row bookkeeping of a
//! query's result rows, which costs more than the server spends producing them.
//!
//! The binary format is PostgreSQL's wire representation: each field is a 4-byte big-endian
//! length (-1 for NULL) and the value — integers big-endian in the column's exact width, dates as
//! days since 2000-01-01, text as UTF-8. A field must match its column's type exactly; the tests
//! load every table through this path, so a mismatch with the migrations shows at once.

use futures::StreamExt;
use shanyraq_store::{StoreError, StoreResult};
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

/// Reads the rows of `statement` (a `COPY (…) TO STDOUT (FORMAT binary)`), handing each to `row`,
/// which reads its fields in order; `what` names the rows in messages. Returns the number of rows.
///
/// `COPY` takes no parameters: a caller builds `statement` from numbers only
/// ([`bigint_array`]), never from text.
pub(crate) async fn copy_out_rows(
    conn: &mut PgConnection,
    what: &'static str,
    statement: &str,
    mut row: impl FnMut(&mut Fields<'_>) -> StoreResult<()>,
) -> StoreResult<u64> {
    let mut stream = conn.copy_out_raw(statement).await.map_err(fail(what))?;
    let mut reader = OutStream::new(what);
    let mut refused = None;
    while let Some(piece) = stream.next().await {
        let piece = piece.map_err(fail(what))?;
        // After a refusal the rest is still read, unseen: a connection left in the middle of a
        // `COPY` could not serve its next statement.
        if refused.is_none()
            && let Err(e) = reader.feed(&piece, &mut row)
        {
            refused = Some(e);
        }
    }
    match refused {
        Some(e) => Err(e),
        None => reader.finish(),
    }
}

/// An SQL array literal of `ids`, for a `COPY` statement: `'{1,2,3}'::bigint[]`.
pub(crate) fn bigint_array(ids: &[i64]) -> String {
    let mut out = String::with_capacity(ids.len() * 8 + 16);
    out.push_str("'{");
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&id.to_string());
    }
    out.push_str("}'::bigint[]");
    out
}

/// Length of the fixed part of the header: signature, flags, extension length.
const HEADER_FIXED: usize = 19;

/// A binary `COPY TO` stream being read. The server sends whole rows per message, but nothing
/// here relies on it: bytes that end mid-row wait for the next piece.
struct OutStream {
    what: &'static str,
    header_read: bool,
    ended: bool,
    rows: u64,
    /// Bytes received and not yet read.
    carry: Vec<u8>,
}

impl OutStream {
    fn new(what: &'static str) -> OutStream {
        OutStream { what, header_read: false, ended: false, rows: 0, carry: Vec::new() }
    }

    fn malformed(&self, why: &str) -> StoreError {
        StoreError::Backend(format!("{}: malformed COPY data ({why})", self.what))
    }

    fn feed(
        &mut self,
        piece: &[u8],
        row: &mut impl FnMut(&mut Fields<'_>) -> StoreResult<()>,
    ) -> StoreResult<()> {
        if self.carry.is_empty() {
            let used = self.read(piece, row)?;
            self.carry.extend_from_slice(&piece[used..]);
        } else {
            let mut carry = std::mem::take(&mut self.carry);
            carry.extend_from_slice(piece);
            let used = self.read(&carry, row)?;
            carry.drain(..used);
            self.carry = carry;
        }
        Ok(())
    }

    /// Reads every complete part of `buf`; returns how many bytes it used.
    fn read(
        &mut self,
        buf: &[u8],
        row: &mut impl FnMut(&mut Fields<'_>) -> StoreResult<()>,
    ) -> StoreResult<usize> {
        let mut pos = 0;
        if !self.header_read {
            if buf.len() < HEADER_FIXED {
                return Ok(0);
            }
            if buf[..11] != HEADER[..11] {
                return Err(self.malformed("no binary COPY signature"));
            }
            let extension = be_u32(&buf[15..19]) as usize;
            if buf.len() < HEADER_FIXED + extension {
                return Ok(0);
            }
            pos = HEADER_FIXED + extension;
            self.header_read = true;
        }
        while pos < buf.len() {
            if self.ended {
                return Err(self.malformed("bytes after the end"));
            }
            let Some(count) = buf.get(pos..pos + 2) else { break };
            let count = i16::from_be_bytes([count[0], count[1]]);
            if count == -1 {
                self.ended = true;
                pos += 2;
                continue;
            }
            let count = u16::try_from(count).map_err(|_| self.malformed("a negative count"))?;
            // Where the row ends, if it is all here.
            let mut end = pos + 2;
            let mut whole = true;
            for _ in 0..count {
                let Some(len) = buf.get(end..end + 4) else {
                    whole = false;
                    break;
                };
                let len = i32::from_be_bytes([len[0], len[1], len[2], len[3]]);
                end += 4 + usize::try_from(len).unwrap_or(0);
                if end > buf.len() {
                    whole = false;
                    break;
                }
            }
            if !whole {
                break;
            }
            let mut fields =
                Fields { what: self.what, buf: &buf[pos + 2..end], left: count, column: 0 };
            row(&mut fields)?;
            self.rows += 1;
            pos = end;
        }
        Ok(pos)
    }

    fn finish(self) -> StoreResult<u64> {
        if !self.ended || !self.carry.is_empty() {
            return Err(self.malformed("the stream ended early"));
        }
        Ok(self.rows)
    }
}

fn be_u32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// The fields of one row of a binary `COPY TO` stream, read in order, each as its column's
/// exact type.
pub(crate) struct Fields<'a> {
    what: &'static str,
    /// The row's fields, each a length and its bytes; complete (checked before).
    buf: &'a [u8],
    left: u16,
    /// The number of the next field, from 1, for messages.
    column: u16,
}

impl<'a> Fields<'a> {
    fn wrong(&self, why: &str) -> StoreError {
        StoreError::Backend(format!("{}: field {} {why}", self.what, self.column))
    }

    /// The next field's bytes; `None` for NULL.
    fn next(&mut self) -> StoreResult<Option<&'a [u8]>> {
        self.column += 1;
        if self.left == 0 {
            return Err(self.wrong("is missing"));
        }
        self.left -= 1;
        let buf = self.buf;
        let len = i32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]);
        let Ok(len) = usize::try_from(len) else {
            self.buf = &buf[4..];
            return Ok(None);
        };
        let (value, rest) = buf[4..].split_at(len);
        self.buf = rest;
        Ok(Some(value))
    }

    fn fixed<const N: usize>(&mut self, kind: &str) -> StoreResult<Option<[u8; N]>> {
        match self.next()? {
            None => Ok(None),
            Some(v) => v.try_into().map(Some).map_err(|_| self.wrong(&format!("is not {kind}"))),
        }
    }

    fn required<T>(&self, v: Option<T>) -> StoreResult<T> {
        v.ok_or_else(|| self.wrong("is NULL"))
    }

    /// A `BIGINT` field.
    pub(crate) fn i64(&mut self) -> StoreResult<i64> {
        let v = self.opt_i64()?;
        self.required(v)
    }

    pub(crate) fn opt_i64(&mut self) -> StoreResult<Option<i64>> {
        Ok(self.fixed::<8>("a BIGINT")?.map(i64::from_be_bytes))
    }

    /// An `INTEGER` field.
    pub(crate) fn i32(&mut self) -> StoreResult<i32> {
        let v = self.fixed::<4>("an INTEGER")?.map(i32::from_be_bytes);
        self.required(v)
    }

    /// A `TEXT` field.
    pub(crate) fn text(&mut self) -> StoreResult<&'a str> {
        let v = self.opt_text()?;
        self.required(v)
    }

    pub(crate) fn opt_text(&mut self) -> StoreResult<Option<&'a str>> {
        match self.next()? {
            None => Ok(None),
            Some(v) => std::str::from_utf8(v).map(Some).map_err(|_| self.wrong("is not UTF-8")),
        }
    }

    /// A `TIMESTAMPTZ` field as PostgreSQL keeps it: microseconds since 2000-01-01 UTC
    /// (`infinity` is `i64::MAX`, `-infinity` `i64::MIN`).
    pub(crate) fn timestamp_micros(&mut self) -> StoreResult<i64> {
        let v = self.fixed::<8>("a TIMESTAMPTZ")?.map(i64::from_be_bytes);
        self.required(v)
    }

    /// A `DATE` field.
    pub(crate) fn date(&mut self) -> StoreResult<Date> {
        let v = self.opt_date()?;
        self.required(v)
    }

    pub(crate) fn opt_date(&mut self) -> StoreResult<Option<Date>> {
        let Some(days) = self.fixed::<4>("a DATE")?.map(i32::from_be_bytes) else {
            return Ok(None);
        };
        days.checked_add(PG_EPOCH_JULIAN_DAY)
            .and_then(|d| Date::from_julian_day(d).ok())
            .map(Some)
            .ok_or_else(|| self.wrong("is a date out of range"))
    }
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

    /// Rows written with [`BinaryRows`] and the reader's view of them, the stream cut into
    /// pieces of `piece` bytes.
    fn read_back(rows: &BinaryRows, piece: usize) -> StoreResult<Vec<String>> {
        let mut seen = Vec::new();
        let mut reader = OutStream::new("reading test rows");
        let mut row = |f: &mut Fields<'_>| {
            seen.push(format!(
                "{} {:?} {} {:?} {} {:?} {}",
                f.i64()?,
                f.opt_i64()?,
                f.i32()?,
                f.opt_text()?,
                f.text()?,
                f.opt_date()?,
                f.date()?
            ));
            Ok(())
        };
        for part in rows.bytes().chunks(piece) {
            reader.feed(part, &mut row)?;
        }
        reader.finish()?;
        Ok(seen)
    }

    fn sample_rows() -> BinaryRows {
        let mut rows = BinaryRows::new();
        for (id, text) in [(1, Some("әб")), (-7, None)] {
            rows.row(7);
            rows.i64(id);
            rows.opt_i64((id > 0).then_some(id * 10));
            rows.i32(i32::try_from(id).unwrap());
            rows.opt_text(text);
            rows.text("");
            rows.opt_date(None);
            rows.date(date!(2026 - 11 - 30));
        }
        rows.finish();
        rows
    }

    #[test]
    fn rows_read_back_whatever_the_pieces() {
        let rows = sample_rows();
        let expected = vec![
            "1 Some(10) 1 Some(\"әб\")  None 2026-11-30".to_owned(),
            "-7 None -7 None  None 2026-11-30".to_owned(),
        ];
        for piece in [1, 2, 3, 7, 19, 20, 64, 1 << 20] {
            assert_eq!(read_back(&rows, piece).unwrap(), expected, "pieces of {piece}");
        }
    }

    #[test]
    fn a_cut_stream_or_a_wrong_type_is_refused() {
        let rows = sample_rows();
        let bytes = rows.bytes();
        let mut reader = OutStream::new("reading test rows");
        reader.feed(&bytes[..bytes.len() - 2], &mut |f| f.i64().map(|_| ())).unwrap();
        assert!(reader.finish().is_err(), "no trailer");

        let mut reader = OutStream::new("reading test rows");
        let err = reader.feed(bytes, &mut |f| f.i32().map(|_| ())).unwrap_err();
        assert!(err.to_string().contains("field 1 is not an INTEGER"), "{err}");

        let mut reader = OutStream::new("reading test rows");
        let err = reader
            .feed(bytes, &mut |f| {
                f.i64()?;
                f.i64().map(|_| ())
            })
            .unwrap_err();
        assert!(err.to_string().contains("field 2 is NULL"), "{err}");
    }

    #[test]
    fn array_literals_hold_only_numbers() {
        assert_eq!(bigint_array(&[]), "'{}'::bigint[]");
        assert_eq!(bigint_array(&[3, -1, 10]), "'{3,-1,10}'::bigint[]");
    }

    #[test]
    fn trailer_ends_the_stream() {
        let mut rows = BinaryRows::new();
        rows.finish();
        assert_eq!(body(&rows), [0xff, 0xff]);
    }
}
