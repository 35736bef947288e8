//! Reading amounts as exports write them: `1000`, `1 000`, `1000,00`, `1,000`, `1.000,00`.
//!
//! The rule that keeps `1,000` from becoming 1 ₸: after a separator (`.` or `,`) come either
//! exactly three digits, and then it separates thousands, or one or two digits, and then it is the
//! last separator and starts a fraction, which must be zero. Thousands separators must all be the
//! same mark, the fraction's mark must differ from them, and the first group has one to three
//! digits. Anything else is [`MoneyError::AmbiguousSeparator`], never a guess.

use super::MoneyError;

/// Why the separators of an amount do not say where thousands and the fraction are.
pub(super) const MIXED_THOUSANDS: &str = "both '.' and ',' appear between groups of thousands";
pub(super) const SAME_MARK: &str = "the same mark separates thousands and starts the fraction";
pub(super) const GROUP_SIZE: &str =
    "a separator is followed by neither three digits (thousands) nor one or two (a fraction)";
pub(super) const LEADING_GROUP: &str =
    "more than three digits stand before the first thousands separator";

/// Spaces that group thousands: space, no-break space, narrow no-break space, thin space.
fn is_group_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}')
}

fn is_separator(c: char) -> bool {
    matches!(c, '.' | ',')
}

/// The amount `s` writes, in whole tenge.
pub(super) fn parse_amount(s: &str) -> Result<i64, MoneyError> {
    let trimmed = s.trim().trim_end_matches('₸').trim_end();
    if trimmed.is_empty() {
        return Err(MoneyError::Empty);
    }
    let not_a_number = || MoneyError::NotANumber { text: s.to_owned() };
    let ambiguous = |reason| MoneyError::AmbiguousSeparator { text: s.to_owned(), reason };

    let compact: String = trimmed.chars().filter(|c| !is_group_space(*c)).collect();
    let (negative, body) = match compact.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, compact.as_str()),
    };
    if !body.chars().all(|c| c.is_ascii_digit() || is_separator(c)) {
        return Err(not_a_number());
    }
    let groups: Vec<&str> = body.split(is_separator).collect();
    if groups.iter().any(|g| g.is_empty()) {
        return Err(not_a_number());
    }
    let separators: Vec<char> = body.chars().filter(|c| is_separator(*c)).collect();

    // A last group of one or two digits is a fraction; everything before it is the whole part.
    let (whole, thousands, fraction) = match (groups.split_last(), separators.split_last()) {
        (Some((last, whole)), Some((mark, thousands))) if (1..=2).contains(&last.len()) => {
            (whole, thousands, Some((*mark, *last)))
        }
        _ => (groups.as_slice(), separators.as_slice(), None),
    };

    if let Some((&mark, rest)) = thousands.split_first() {
        if rest.iter().any(|c| *c != mark) {
            return Err(ambiguous(MIXED_THOUSANDS));
        }
        if fraction.is_some_and(|(fraction_mark, _)| fraction_mark == mark) {
            return Err(ambiguous(SAME_MARK));
        }
        if let Some((first, later)) = whole.split_first() {
            if later.iter().any(|g| g.len() != 3) {
                return Err(ambiguous(GROUP_SIZE));
            }
            if first.len() > 3 {
                return Err(ambiguous(LEADING_GROUP));
            }
        }
    }

    if let Some((_, digits)) = fraction
        && digits.chars().any(|c| c != '0')
    {
        return Err(MoneyError::Fractional { text: s.to_owned() });
    }

    let mut number = String::with_capacity(body.len() + 1);
    if negative {
        number.push('-');
    }
    number.extend(whole.iter().copied());
    // Only digits are left, so the one way to fail is being out of range.
    number.parse::<i64>().map_err(|_| MoneyError::TooLarge { text: s.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(s: &str) -> Option<&'static str> {
        match parse_amount(s) {
            Err(MoneyError::AmbiguousSeparator { reason, .. }) => Some(reason),
            _ => None,
        }
    }

    #[test]
    fn three_digits_after_a_separator_are_thousands() {
        assert_eq!(parse_amount("1,000"), Ok(1_000));
        assert_eq!(parse_amount("1.000"), Ok(1_000));
        assert_eq!(parse_amount("50.000"), Ok(50_000));
        assert_eq!(parse_amount("1,000,000"), Ok(1_000_000));
        assert_eq!(parse_amount("1.000.000"), Ok(1_000_000));
        assert_eq!(parse_amount("-12,345,678"), Ok(-12_345_678));
        assert_eq!(parse_amount("0,000"), Ok(0));
    }

    #[test]
    fn one_or_two_digits_after_the_last_separator_are_a_zero_fraction() {
        assert_eq!(parse_amount("1000"), Ok(1_000));
        assert_eq!(parse_amount("1 000"), Ok(1_000));
        assert_eq!(parse_amount("1000.00"), Ok(1_000));
        assert_eq!(parse_amount("1000,00"), Ok(1_000));
        assert_eq!(parse_amount("1000,0"), Ok(1_000));
        assert_eq!(parse_amount("1 000,00 ₸"), Ok(1_000));
        assert_eq!(parse_amount("1,000.00"), Ok(1_000));
        assert_eq!(parse_amount("1.000,00"), Ok(1_000));
        assert_eq!(parse_amount("1,234,567.0"), Ok(1_234_567));
        assert!(matches!(parse_amount("1,000.50"), Err(MoneyError::Fractional { .. })));
        assert!(matches!(parse_amount("1000,5"), Err(MoneyError::Fractional { .. })));
    }

    #[test]
    fn unclear_separators_are_refused_with_the_reason() {
        assert_eq!(reason("1,000.000"), Some(MIXED_THOUSANDS));
        assert_eq!(reason("1.000,000"), Some(MIXED_THOUSANDS));
        assert_eq!(reason("1,000,00"), Some(SAME_MARK));
        assert_eq!(reason("1.000.00"), Some(SAME_MARK));
        assert_eq!(reason("1,00,000"), Some(GROUP_SIZE));
        assert_eq!(reason("1,0000"), Some(GROUP_SIZE));
        assert_eq!(reason("1000.0000"), Some(GROUP_SIZE));
        assert_eq!(reason("1000,000"), Some(LEADING_GROUP));
        assert_eq!(reason("1 000.000"), Some(LEADING_GROUP));
        let err = parse_amount("1,00,000").unwrap_err();
        assert_eq!(err.code(), "money.ambiguous_separator");
        assert!(err.to_string().contains("\"1,00,000\""), "{err}");
        assert!(err.to_string().contains("three digits"), "{err}");
    }

    #[test]
    fn malformed_text_is_not_a_number() {
        for s in ["abc", "1,,000", ".50", "5.", "1-0", "--5", "+5", "1e3", "١٠٠٠", "5 тг"] {
            assert!(
                matches!(parse_amount(s), Err(MoneyError::NotANumber { .. })),
                "{s}: {:?}",
                parse_amount(s)
            );
        }
        assert_eq!(parse_amount(" ₸ "), Err(MoneyError::Empty));
    }
}
