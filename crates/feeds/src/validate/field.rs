//! Reading one field by its column type, without allocating unless it is refused.

use shanyraq_domain::dates::{parse_dotted, parse_iso};
use shanyraq_domain::{Iin, IinError, Kato, KatoError, Tenge};
use time::Date;

use crate::schema::ColumnType;

/// A field's value once read. `Copy`, so a row's values fit in a stack array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Parsed {
    Empty,
    /// Read but refused; the problem is already recorded.
    Invalid,
    Iin(Iin),
    Kato(Kato),
    Date(Date),
    Money(Tenge),
    Count(i64),
    Flag(bool),
    /// Index into the column's codes.
    Code(usize),
    /// Text and names: valid, kept as the raw field.
    Text,
}

/// A refusal: the code and its arguments for the message.
pub(crate) type Refusal = (&'static str, Vec<(&'static str, String)>);

/// Reads a non-empty, trimmed field.
pub(crate) fn parse(ty: &ColumnType, text: &str) -> Result<Parsed, Refusal> {
    match ty {
        ColumnType::Iin => text.parse::<Iin>().map(Parsed::Iin).map_err(|e| {
            let args = match e {
                IinError::WrongLength { found } => vec![("found", found.to_string())],
                IinError::NonDigit { position, .. } => vec![("position", position.to_string())],
                _ => vec![],
            };
            (e.code(), args)
        }),
        ColumnType::Kato => text.parse::<Kato>().map(Parsed::Kato).map_err(|e| {
            let args = match e {
                KatoError::WrongLength { found } => vec![("found", found.to_string())],
                _ => vec![],
            };
            (e.code(), args)
        }),
        ColumnType::Date => parse_date(text).map(Parsed::Date),
        ColumnType::Money => {
            text.parse::<Tenge>().map(Parsed::Money).map_err(|e| (e.code(), vec![]))
        }
        ColumnType::Count => {
            text.parse::<i64>().map(Parsed::Count).map_err(|_| ("count.not_a_number", vec![]))
        }
        ColumnType::Flag => parse_flag(text).map(Parsed::Flag).ok_or(("flag.invalid", vec![])),
        ColumnType::Code(codes) => codes
            .iter()
            .position(|c| c.eq_ignore_ascii_case(text))
            .map(Parsed::Code)
            .ok_or_else(|| ("code.unknown", vec![("allowed", codes.join(", "))])),
        ColumnType::Text => Ok(Parsed::Text),
        ColumnType::Name => {
            let letters = text.chars().any(char::is_alphabetic);
            let digits = text.bytes().any(|b| b.is_ascii_digit());
            if letters && !digits { Ok(Parsed::Text) } else { Err(("name.invalid", vec![])) }
        }
    }
}

/// `YYYY-MM-DD` or `DD.MM.YYYY`, told apart by the fifth character.
fn parse_date(text: &str) -> Result<Date, Refusal> {
    let parsed =
        if text.as_bytes().get(4) == Some(&b'-') { parse_iso(text) } else { parse_dotted(text) };
    parsed.map_err(|e| (e.code(), vec![]))
}

fn parse_flag(text: &str) -> Option<bool> {
    const YES: &[&str] = &["1", "true", "yes", "y", "да", "Да", "ДА", "иә", "Иә", "ИӘ"];
    const NO: &[&str] = &["0", "false", "no", "n", "нет", "Нет", "НЕТ", "жоқ", "Жоқ", "ЖОҚ"];
    if YES.iter().any(|y| y.eq_ignore_ascii_case(text)) {
        Some(true)
    } else if NO.iter().any(|n| n.eq_ignore_ascii_case(text)) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_in_both_forms() {
        assert_eq!(parse(&ColumnType::Date, "2026-11-30"), Ok(Parsed::Date(date!(2026 - 11 - 30))));
        assert_eq!(parse(&ColumnType::Date, "30.11.2026"), Ok(Parsed::Date(date!(2026 - 11 - 30))));
        assert_eq!(parse(&ColumnType::Date, "11.30.2026").unwrap_err().0, "date.nonexistent");
        assert_eq!(parse(&ColumnType::Date, "30/11/2026").unwrap_err().0, "date.format");
    }

    #[test]
    fn flags_in_three_languages() {
        for (t, v) in [("1", true), ("YES", true), ("Да", true), ("иә", true), ("жоқ", false)]
        {
            assert_eq!(parse(&ColumnType::Flag, t), Ok(Parsed::Flag(v)), "{t}");
        }
        assert_eq!(parse(&ColumnType::Flag, "maybe").unwrap_err().0, "flag.invalid");
    }

    #[test]
    fn codes_ignore_ascii_case() {
        let ty = ColumnType::Code(vec!["wage".into(), "pension".into()]);
        assert_eq!(parse(&ty, "Pension"), Ok(Parsed::Code(1)));
        assert_eq!(
            parse(&ty, "gift").unwrap_err(),
            ("code.unknown", vec![("allowed", "wage, pension".into())])
        );
    }

    #[test]
    fn money_reads_decimal_commas_and_groups() {
        assert_eq!(parse(&ColumnType::Money, "150 000,00"), Ok(Parsed::Money(Tenge(150_000))));
        assert_eq!(parse(&ColumnType::Money, "12,50").unwrap_err().0, "money.fractional");
    }

    #[test]
    fn names_have_letters_and_no_digits() {
        assert_eq!(parse(&ColumnType::Name, "Әлия"), Ok(Parsed::Text));
        assert_eq!(parse(&ColumnType::Name, "Ali3").unwrap_err().0, "name.invalid");
        assert_eq!(parse(&ColumnType::Name, "--").unwrap_err().0, "name.invalid");
    }
}
