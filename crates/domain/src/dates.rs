//! Dates as the system writes them: ISO 8601 in storage and the API, `30.11.2026` for people.

use time::Date;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

const ISO: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");
const DOTTED: &[BorrowedFormatItem<'static>] = format_description!("[day].[month].[year]");

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a date of the form {expected}")]
pub struct DateError {
    pub text: String,
    pub expected: &'static str,
}

/// `2026-11-30`.
pub fn iso(date: Date) -> String {
    date.format(ISO).unwrap_or_default()
}

/// `30.11.2026`, as dates are written in kk and ru.
pub fn dotted(date: Date) -> String {
    date.format(DOTTED).unwrap_or_default()
}

pub fn parse_iso(text: &str) -> Result<Date, DateError> {
    Date::parse(text, ISO).map_err(|_| DateError { text: text.to_owned(), expected: "YYYY-MM-DD" })
}

pub fn parse_dotted(text: &str) -> Result<Date, DateError> {
    Date::parse(text, DOTTED)
        .map_err(|_| DateError { text: text.to_owned(), expected: "DD.MM.YYYY" })
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
        assert!(parse_iso("2026-02-30").is_err());
        assert!(parse_dotted("2026-11-30").is_err());
    }
}
