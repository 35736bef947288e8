//! How domain values are written to and read from SQLite columns: dates as `YYYY-MM-DD` text,
//! timestamps as RFC 3339 UTC text, IINs as twelve-digit text. The writers avoid allocating, as
//! they run for every row of a bulk load.

use rusqlite::types::{ToSqlOutput, ValueRef};
use shanyraq_domain::{Iin, dates};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, UtcOffset};

/// A date as SQL text, formatted on the stack for years 0–9999 (every date the system meets).
pub(crate) enum DateText {
    Short([u8; 10]),
    Long(String),
}

impl DateText {
    pub(crate) fn new(d: Date) -> DateText {
        let year = d.year();
        if !(0..=9999).contains(&year) {
            return DateText::Long(dates::iso(d));
        }
        let y = year as u32;
        let m = u8::from(d.month()) as u32;
        let day = d.day() as u32;
        let digit = |n: u32| b'0' + (n % 10) as u8;
        DateText::Short([
            digit(y / 1000),
            digit(y / 100),
            digit(y / 10),
            digit(y),
            b'-',
            digit(m / 10),
            digit(m),
            b'-',
            digit(day / 10),
            digit(day),
        ])
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            DateText::Short(b) => b,
            DateText::Long(s) => s.as_bytes(),
        }
    }
}

impl rusqlite::ToSql for DateText {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(ValueRef::Text(self.bytes())))
    }
}

/// An optional date as SQL text or NULL.
pub(crate) fn opt_date(d: Option<Date>) -> Option<DateText> {
    d.map(DateText::new)
}

/// An IIN as its twelve digits.
pub(crate) struct IinText([u8; 12]);

impl IinText {
    pub(crate) fn new(iin: &Iin) -> IinText {
        let mut out = [b'0'; 12];
        for (o, d) in out.iter_mut().zip(iin.digits()) {
            *o = b'0' + d;
        }
        IinText(out)
    }
}

impl rusqlite::ToSql for IinText {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(ValueRef::Text(&self.0)))
    }
}

/// A date from its stored text. The `YYYY-MM-DD` form the writers use for years 0–9999 is read
/// digit by digit (a batch read meets millions of dates); any other text goes to
/// [`dates::parse_iso`], so that both accept and refuse the same texts.
pub(crate) fn parse_date(text: &[u8]) -> Option<Date> {
    let shaped = text.len() == 10
        && text[4] == b'-'
        && text[7] == b'-'
        && text.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return std::str::from_utf8(text).ok().and_then(|t| dates::parse_iso(t).ok());
    }
    let n = |at: usize, len: usize| {
        text[at..at + len].iter().fold(0u16, |acc, d| acc * 10 + u16::from(d - b'0'))
    };
    let month = time::Month::try_from(u8::try_from(n(5, 2)).ok()?).ok()?;
    Date::from_calendar_date(i32::from(n(0, 4)), month, u8::try_from(n(8, 2)).ok()?).ok()
}

/// A timestamp as RFC 3339 text in UTC.
pub(crate) fn timestamp_text(t: OffsetDateTime) -> Result<String, time::error::Format> {
    t.to_offset(UtcOffset::UTC).format(&Rfc3339)
}

/// A timestamp as fixed-width RFC 3339 text in UTC, cut to whole microseconds
/// (`2026-03-01T12:00:00.000000Z`), for columns compared in SQL: such texts sort as the times
/// do, which RFC 3339 texts with fractions of varying length do not. Reads back with
/// [`parse_timestamp`]. `None` outside the years 0–9999.
pub(crate) fn sortable_timestamp_text(t: OffsetDateTime) -> Option<String> {
    let t = t.to_offset(UtcOffset::UTC);
    if !(0..=9999).contains(&t.year()) {
        return None;
    }
    Some(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.nanosecond() / 1_000
    ))
}

pub(crate) fn parse_timestamp(text: &str) -> Result<OffsetDateTime, time::error::Parse> {
    OffsetDateTime::parse(text, &Rfc3339).map(|t| t.to_offset(UtcOffset::UTC))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn text(d: Date) -> String {
        String::from_utf8(DateText::new(d).bytes().to_vec()).unwrap()
    }

    #[test]
    fn dates_match_the_domain_format() {
        let mut d = date!(1899 - 12 - 25);
        while d < date!(2101 - 01 - 10) {
            assert_eq!(text(d), dates::iso(d));
            d = d.next_day().unwrap();
        }
        for d in [date!(0000 - 01 - 01), date!(9999 - 12 - 31), date!(-0001 - 06 - 01)] {
            assert_eq!(text(d), dates::iso(d));
        }
    }

    #[test]
    fn dates_read_back_as_the_domain_reads_them() {
        let mut d = date!(1899 - 12 - 25);
        while d < date!(2101 - 01 - 10) {
            assert_eq!(parse_date(text(d).as_bytes()), Some(d));
            d = d.next_day().unwrap();
        }
        let texts = [
            "2024-02-29",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-01-00",
            "2024-01-32",
            "0000-01-01",
            "9999-12-31",
            "2024-1-01",
            "2024/01/01",
            "20240101",
            "2024-01-01 ",
            "-0001-06-01",
            "+10000-01-01",
            "",
            "abcd-ef-gh",
        ];
        for t in texts {
            assert_eq!(parse_date(t.as_bytes()), dates::parse_iso(t).ok(), "{t:?}");
        }
    }

    #[test]
    fn iin_text_keeps_leading_zeros() {
        let iin: Iin = "000101500005".parse().unwrap_or_else(|_| {
            Iin::from_structure(date!(2000 - 01 - 01), shanyraq_domain::Sex::Male, 0).unwrap()
        });
        assert_eq!(std::str::from_utf8(&IinText::new(&iin).0).unwrap(), iin.to_string());
    }

    #[test]
    fn timestamps_round_trip_in_utc() {
        let t = datetime!(2026-07-17 10:00:00.123456 +05:00);
        let s = timestamp_text(t).unwrap();
        assert_eq!(s, "2026-07-17T05:00:00.123456Z");
        assert_eq!(parse_timestamp(&s).unwrap(), t);
        assert_eq!(parse_timestamp(&s).unwrap().offset(), UtcOffset::UTC);
    }

    #[test]
    fn sortable_timestamps_sort_as_the_times_and_read_back() {
        let times = [
            datetime!(0000-01-01 00:00:00 UTC),
            datetime!(2026-03-01 11:59:59.999999 UTC),
            datetime!(2026-03-01 17:00:00 +05:00),
            datetime!(2026-03-01 12:00:00.000001 UTC),
            datetime!(2026-03-01 12:00:00.5 UTC),
            datetime!(2026-03-01 12:00:01 UTC),
            datetime!(9999-12-31 23:59:59.999999 UTC),
        ];
        let texts: Vec<String> =
            times.iter().map(|t| sortable_timestamp_text(*t).unwrap()).collect();
        assert_eq!(texts[2], "2026-03-01T12:00:00.000000Z");
        assert!(texts.windows(2).all(|w| w[0] < w[1]), "{texts:?}");
        for (t, s) in times.iter().zip(&texts) {
            assert_eq!(parse_timestamp(s).unwrap(), *t);
        }
        let nanos = datetime!(2026-03-01 12:00:00.123456789 UTC);
        assert_eq!(sortable_timestamp_text(nanos).unwrap(), "2026-03-01T12:00:00.123456Z");
        assert_eq!(sortable_timestamp_text(datetime!(-0001-12-31 00:00 UTC)), None);
    }
}
