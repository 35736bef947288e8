//! Reading one field by its column type, without allocating unless it is refused.

use shanyraq_domain::dates::{parse_dotted, parse_iso};
use shanyraq_domain::money::MoneyError;
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

/// A refusal: the code and its arguments for the message. Warnings have the same shape.
pub(crate) type Refusal = (&'static str, Vec<(&'static str, String)>);

/// Reads a non-empty, trimmed field.
#[cfg(test)]
pub(crate) fn parse(ty: &ColumnType, text: &str) -> Result<Parsed, Refusal> {
    parse_with_warning(ty, text).map(|(value, _)| value)
}

/// Reads a non-empty, trimmed field, with a warning when the value kept differs from the text
/// (`money.rounded`: an amount with tiyn, rounded to whole tenge).
pub(crate) fn parse_with_warning(
    ty: &ColumnType,
    text: &str,
) -> Result<(Parsed, Option<Refusal>), Refusal> {
    if *ty == ColumnType::Money {
        return parse_money(text).map(|(t, warning)| (Parsed::Money(t), warning));
    }
    parse_exact(ty, text).map(|value| (value, None))
}

fn parse_exact(ty: &ColumnType, text: &str) -> Result<Parsed, Refusal> {
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
        ColumnType::Money => parse_money(text).map(|(t, _)| Parsed::Money(t)),
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

/// Whole tenge as [`Tenge`] reads them, and amounts with tiyn — one or two digits after the last
/// separator, as `85000.50` or `85 000,50` — rounded half away from zero, with the warning
/// `money.rounded`: exports of payments carry tiyn, and money is kept in whole tenge. Everything
/// else `Tenge` refuses stays refused: three digits after a separator are thousands, and mixed or
/// misplaced separators are ambiguous.
fn parse_money(text: &str) -> Result<(Tenge, Option<Refusal>), Refusal> {
    match text.parse::<Tenge>() {
        Ok(amount) => Ok((amount, None)),
        Err(MoneyError::Fractional { .. }) => {
            round_tiyn(text).map(|amount| (amount, Some(("money.rounded", vec![]))))
        }
        Err(e) => Err((e.code(), vec![])),
    }
}

/// Rounds an amount that [`Tenge`] found well formed but for a fraction of one or two digits
/// after its last separator.
fn round_tiyn(text: &str) -> Result<Tenge, Refusal> {
    let body = text.trim().trim_end_matches('₸').trim_end();
    let not_a_number = || ("money.not_a_number", vec![]);
    let mark = body.rfind(['.', ',']).ok_or_else(not_a_number)?;
    let (whole, fraction) = (&body[..mark], &body[mark + 1..]);
    let whole_tenge = whole.parse::<Tenge>().map_err(|e| (e.code(), vec![]))?.amount();
    // Group spaces may stand between the digits of the fraction too.
    let digits: Vec<u32> = fraction.chars().filter_map(|c| c.to_digit(10)).collect();
    let tiyn = match digits[..] {
        [tens] => tens * 10,
        [tens, ones] => tens * 10 + ones,
        _ => return Err(not_a_number()),
    };
    let away = i64::from(tiyn >= 50);
    let rounded = if whole.trim_start().starts_with('-') {
        whole_tenge.checked_sub(away)
    } else {
        whole_tenge.checked_add(away)
    };
    rounded.map(Tenge).ok_or_else(|| ("money.too_large", vec![]))
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
        assert_eq!(
            parse_with_warning(&ColumnType::Money, "150 000,00"),
            Ok((Parsed::Money(Tenge(150_000)), None))
        );
    }

    #[test]
    fn money_with_tiyn_is_rounded_half_away_from_zero_with_a_warning() {
        let rounded = |text: &str| match parse_with_warning(&ColumnType::Money, text) {
            Ok((Parsed::Money(t), Some(("money.rounded", args)))) if args.is_empty() => t.amount(),
            other => panic!("{text}: {other:?}"),
        };
        assert_eq!(rounded("85000.50"), 85_001);
        assert_eq!(rounded("85 000,50"), 85_001);
        assert_eq!(rounded("85\u{a0}000,49 ₸"), 85_000);
        assert_eq!(rounded("1,000.5"), 1_001);
        assert_eq!(rounded("1.000,05"), 1_000);
        assert_eq!(rounded("12,5"), 13);
        assert_eq!(rounded("0,49"), 0);
        assert_eq!(rounded("-12,50"), -13);
        assert_eq!(rounded("-0,5"), -1);
        assert_eq!(rounded("-12,49"), -12);
        assert_eq!(parse(&ColumnType::Money, "85000.50"), Ok(Parsed::Money(Tenge(85_001))));
    }

    #[test]
    fn money_with_more_than_two_fraction_digits_or_unclear_separators_is_refused() {
        let refused = |text: &str| parse(&ColumnType::Money, text).unwrap_err().0;
        assert_eq!(refused("85000.505"), "money.ambiguous_separator");
        assert_eq!(refused("1000,0000"), "money.ambiguous_separator");
        assert_eq!(refused("1,000,50"), "money.ambiguous_separator");
        assert_eq!(refused("1.000.50"), "money.ambiguous_separator");
        assert_eq!(refused("1,000.000,50"), "money.ambiguous_separator");
        assert_eq!(refused("12,5x"), "money.not_a_number");
        assert_eq!(refused("9223372036854775807,50"), "money.too_large");
        assert_eq!(refused("99999999999999999999,50"), "money.too_large");
        // Three digits after one separator are thousands, as before.
        assert_eq!(parse(&ColumnType::Money, "85.000"), Ok(Parsed::Money(Tenge(85_000))));
    }

    #[test]
    fn names_have_letters_and_no_digits() {
        assert_eq!(parse(&ColumnType::Name, "Әлия"), Ok(Parsed::Text));
        assert_eq!(parse(&ColumnType::Name, "Ali3").unwrap_err().0, "name.invalid");
        assert_eq!(parse(&ColumnType::Name, "--").unwrap_err().0, "name.invalid");
    }
}
