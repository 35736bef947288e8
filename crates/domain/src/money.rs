//! Money in whole tenge (₸). No floating point anywhere money is kept.

use std::fmt;
use std::ops::{Add, Sub};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

mod parse;

/// An amount in whole tenge. May be negative (a balance); amounts that must not be are checked
/// where they are accepted.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Tenge(pub i64);

/// Why a text is not an amount of tenge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("the amount is empty")]
    Empty,
    #[error("{text:?} is not a whole number of tenge")]
    NotANumber { text: String },
    #[error("{text:?} has fractions of a tenge; amounts are whole tenge")]
    Fractional { text: String },
    #[error("{text:?} is too large")]
    TooLarge { text: String },
    /// The separators could mean more than one amount (is `1,000` one thousand or one?), so the
    /// text is refused rather than read one way.
    #[error("{text:?} is ambiguous: {reason}; write e.g. 1000, 1 000, 1,000 or 1000,00")]
    AmbiguousSeparator { text: String, reason: &'static str },
}

impl MoneyError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "money.empty",
            Self::NotANumber { .. } => "money.not_a_number",
            Self::Fractional { .. } => "money.fractional",
            Self::TooLarge { .. } => "money.too_large",
            Self::AmbiguousSeparator { .. } => "money.ambiguous_separator",
        }
    }
}

impl Tenge {
    pub const ZERO: Tenge = Tenge(0);

    pub fn amount(self) -> i64 {
        self.0
    }

    /// `self × numerator ÷ denominator`, rounded half away from zero; for shares such as 70 % of ПМ.
    /// Saturates at the ends of `i64`; a zero denominator gives zero.
    pub fn share(self, numerator: i64, denominator: i64) -> Tenge {
        if denominator == 0 {
            return Tenge::ZERO;
        }
        // |product| ≤ 2^126, so neither it nor anything below overflows i128.
        let n = i128::from(self.0) * i128::from(numerator);
        let d = i128::from(denominator);
        let (quotient, remainder) = (n / d, n % d);
        // Round away from zero when the remainder is at least half the divisor.
        let away =
            if remainder.abs() >= d.abs() - remainder.abs() { n.signum() * d.signum() } else { 0 };
        let q = quotient + away;
        Tenge(i64::try_from(q).unwrap_or(if q > 0 { i64::MAX } else { i64::MIN }))
    }
}

impl Add for Tenge {
    type Output = Tenge;
    fn add(self, rhs: Tenge) -> Tenge {
        Tenge(self.0.saturating_add(rhs.0))
    }
}

impl Sub for Tenge {
    type Output = Tenge;
    fn sub(self, rhs: Tenge) -> Tenge {
        Tenge(self.0.saturating_sub(rhs.0))
    }
}

impl FromStr for Tenge {
    type Err = MoneyError;

    /// Accepts `50851`, `-3`, `50 851`, `50 851 ₸` (space, no-break, narrow or thin space as
    /// group separators), `1,000` / `1.000` (thousands, three digits after the mark) and a zero
    /// fraction of one or two digits such as `50851.00`, `50851,00` or `1.000,00`. Rules in
    /// `money/parse.rs`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse::parse_amount(s).map(Tenge)
    }
}

/// `50 851 ₸`: groups of three with a no-break space, as written in kk and ru.
impl fmt::Display for Tenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + 8);
        if self.0 < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push('\u{a0}');
            }
            out.push(c);
        }
        write!(f, "{out}\u{a0}₸")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_grouped() {
        assert_eq!(Tenge(50_851).to_string(), "50\u{a0}851\u{a0}₸");
        assert_eq!(Tenge(-1_234_567).to_string(), "-1\u{a0}234\u{a0}567\u{a0}₸");
        assert_eq!(Tenge(0).to_string(), "0\u{a0}₸");
    }

    #[test]
    fn parses_what_it_prints() {
        for v in [0, 7, 999, 1000, 50_851, -4_325, i64::MAX, i64::MIN + 1] {
            assert_eq!(Tenge(v).to_string().parse::<Tenge>(), Ok(Tenge(v)));
        }
        assert_eq!("50851,00".parse::<Tenge>(), Ok(Tenge(50_851)));
    }

    #[test]
    fn rejects_with_reason() {
        assert_eq!("".parse::<Tenge>(), Err(MoneyError::Empty));
        assert!(matches!("12.50".parse::<Tenge>(), Err(MoneyError::Fractional { .. })));
        assert!(matches!("abc".parse::<Tenge>(), Err(MoneyError::NotANumber { .. })));
        assert!(matches!(
            "99999999999999999999".parse::<Tenge>(),
            Err(MoneyError::TooLarge { .. })
        ));
    }

    #[test]
    fn thousands_are_never_read_as_a_fraction() {
        assert_eq!("1,000".parse::<Tenge>(), Ok(Tenge(1_000)));
        assert_eq!("50.000".parse::<Tenge>(), Ok(Tenge(50_000)));
        assert_eq!("1.000,00".parse::<Tenge>(), Ok(Tenge(1_000)));
        assert!(matches!("1,000,00".parse::<Tenge>(), Err(MoneyError::AmbiguousSeparator { .. })));
    }

    #[test]
    fn shares_round_half_away_from_zero() {
        assert_eq!(Tenge(50_851).share(70, 100), Tenge(35_596));
        assert_eq!(Tenge(5).share(1, 2), Tenge(3));
        assert_eq!(Tenge(-5).share(1, 2), Tenge(-3));
        assert_eq!(Tenge(5).share(1, -2), Tenge(-3));
        assert_eq!(Tenge(-5).share(1, -2), Tenge(3));
        assert_eq!(Tenge(5).share(-1, -2), Tenge(3));
        assert_eq!(Tenge(7).share(1, -3), Tenge(-2));
        assert_eq!(Tenge(8).share(1, -3), Tenge(-3));
        assert_eq!(Tenge(9).share(1, 0), Tenge::ZERO);
    }

    #[test]
    fn shares_saturate_instead_of_overflowing() {
        assert_eq!(Tenge(i64::MIN).share(i64::MIN, 1), Tenge(i64::MAX));
        assert_eq!(Tenge(i64::MIN).share(i64::MIN, -1), Tenge(i64::MIN));
        assert_eq!(Tenge(i64::MAX).share(i64::MAX, 2), Tenge(i64::MAX));
        assert_eq!(Tenge(i64::MIN).share(i64::MIN, i64::MIN), Tenge(i64::MIN));
        assert_eq!(Tenge(i64::MIN).share(i64::MAX, i64::MAX), Tenge(i64::MIN));
        assert_eq!(Tenge(i64::MIN).share(1, -1), Tenge(i64::MAX));
    }
}
