//! Dates as the system writes them: ISO 8601 in storage and the API, `30.11.2026` for people.

use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Date, Month};

const ISO: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");
const DOTTED: &[BorrowedFormatItem<'static>] = format_description!("[day].[month].[year]");

/// Why a text is not a date: the wrong form, or the right form naming a day the calendar lacks.
/// The two need different fixes (a format versus a typo in the day), so they are told apart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("{text:?} is not a date of the form {expected}")]
    Format { text: String, expected: &'static str },
    #[error("{text:?} does not exist: {reason}")]
    Nonexistent { text: String, reason: String },
}

impl DateError {
    /// Stable code for translation and reports.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Format { .. } => "date.format",
            Self::Nonexistent { .. } => "date.nonexistent",
        }
    }

    /// The text that was refused.
    pub fn text(&self) -> &str {
        match self {
            Self::Format { text, .. } | Self::Nonexistent { text, .. } => text,
        }
    }
}

/// `2026-11-30`.
pub fn iso(date: Date) -> String {
    let mut out = String::with_capacity(10);
    write_iso(&mut out, date);
    out
}

/// Appends `2026-11-30` to `out`: [`iso`] without an allocation, for hot loops (a feed's natural
/// keys). Years outside 0..=9999 are written as `time` would, with their sign and digits.
pub fn write_iso(out: &mut String, date: Date) {
    use std::fmt::Write;
    let (year, month, day) = (date.year(), u8::from(date.month()), date.day());
    if (0..=9999).contains(&year) {
        let _ = write!(out, "{year:04}-{month:02}-{day:02}");
    } else {
        out.push_str(&date.format(ISO).unwrap_or_default());
    }
}

/// `30.11.2026`, as dates are written in kk and ru.
pub fn dotted(date: Date) -> String {
    date.format(DOTTED).unwrap_or_default()
}

pub fn parse_iso(text: &str) -> Result<Date, DateError> {
    Date::parse(text, ISO).map_err(|_| {
        refusal(text, "YYYY-MM-DD", numbers(text, b"dddd-dd-dd").map(|[y, m, d]| (y, m, d)))
    })
}

pub fn parse_dotted(text: &str) -> Result<Date, DateError> {
    Date::parse(text, DOTTED).map_err(|_| {
        refusal(text, "DD.MM.YYYY", numbers(text, b"dd.dd.dddd").map(|[d, m, y]| (y, m, d)))
    })
}

/// The error for a refused text: `Nonexistent` when it has the form (`ymd` read from it) but the
/// calendar has no such day, `Format` otherwise.
fn refusal(text: &str, expected: &'static str, ymd: Option<(u32, u32, u32)>) -> DateError {
    match ymd.and_then(|(year, month, day)| why_nonexistent(year, month, day)) {
        Some(reason) => DateError::Nonexistent { text: text.to_owned(), reason },
        None => DateError::Format { text: text.to_owned(), expected },
    }
}

/// The numbers in `text` when it matches `layout` exactly (`d` a digit, anything else itself).
fn numbers(text: &str, layout: &[u8; 10]) -> Option<[u32; 3]> {
    let bytes = text.as_bytes();
    if bytes.len() != layout.len() {
        return None;
    }
    let mut out = [0u32; 3];
    let mut slot = 0usize;
    for (i, (&b, &l)) in bytes.iter().zip(layout).enumerate() {
        if l == b'd' {
            let digit = char::from(b).to_digit(10)?;
            let n = out.get_mut(slot)?;
            *n = *n * 10 + digit;
            if layout.get(i + 1).is_some_and(|next| *next != b'd') {
                slot += 1;
            }
        } else if b != l {
            return None;
        }
    }
    Some(out)
}

/// What is wrong with a year, month and day, or `None` when they make a date.
fn why_nonexistent(year: u32, month: u32, day: u32) -> Option<String> {
    let Some(month) = u8::try_from(month).ok().and_then(|m| Month::try_from(m).ok()) else {
        return Some(format!("there is no month {month:02}; months are 01–12"));
    };
    let year = i32::try_from(year).ok()?;
    let length = month.length(year);
    if day == 0 || day > u32::from(length) {
        return Some(format!("{month} {year} has days 01–{length}, not {day:02}"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn both_forms_round_trip() {
        let d = date!(2026 - 11 - 30);
        assert_eq!(iso(d), "2026-11-30");
        assert_eq!(dotted(d), "30.11.2026");
        assert_eq!(parse_iso("2026-11-30"), Ok(d));
        assert_eq!(parse_dotted("30.11.2026"), Ok(d));
        assert_eq!(parse_iso("2024-02-29"), Ok(date!(2024 - 02 - 29)));
    }

    #[test]
    fn a_day_the_calendar_lacks_is_told_apart_from_a_wrong_form() {
        let e = parse_iso("2026-02-30").unwrap_err();
        assert_eq!(e.code(), "date.nonexistent");
        assert_eq!(
            e.to_string(),
            "\"2026-02-30\" does not exist: February 2026 has days 01–28, not 30"
        );
        let e = parse_dotted("29.02.2025").unwrap_err();
        assert_eq!(e.code(), "date.nonexistent");
        assert!(e.to_string().contains("February 2025 has days 01–28"), "{e}");
        assert_eq!(parse_iso("2026-13-01").unwrap_err().code(), "date.nonexistent");
        assert!(parse_iso("2026-00-10").unwrap_err().to_string().contains("no month 00"));
        assert_eq!(parse_dotted("00.01.2026").unwrap_err().code(), "date.nonexistent");
        assert_eq!(parse_iso("2026-04-31").unwrap_err().code(), "date.nonexistent");

        let e = parse_dotted("2026-11-30").unwrap_err();
        assert_eq!(e, DateError::Format { text: "2026-11-30".into(), expected: "DD.MM.YYYY" });
        assert_eq!(e.code(), "date.format");
        assert_eq!(e.to_string(), "\"2026-11-30\" is not a date of the form DD.MM.YYYY");
        for bad in ["", "2026-1-30", "2026-11-30 ", "2026/11/30", "2026-11-3x", "２０２６-11-30"]
        {
            assert_eq!(parse_iso(bad).map_err(|e| e.code()), Err("date.format"), "{bad:?}");
        }
        assert_eq!(parse_iso("2026-02-30").unwrap_err().text(), "2026-02-30");
    }
}
