//! Money in whole tenge (₸). No floating point anywhere money is kept.

use std::fmt;
use std::ops::{Add, Sub};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

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
}

impl MoneyError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "money.empty",
            Self::NotANumber { .. } => "money.not_a_number",
            Self::Fractional { .. } => "money.fractional",
            Self::TooLarge { .. } => "money.too_large",
        }
    }
}

impl Tenge {
    pub const ZERO: Tenge = Tenge(0);

    pub fn amount(self) -> i64 {
        self.0
    }

    /// `self × numerator ÷ denominator`, rounded half away from zero; for shares such as 70 % of ПМ.
    pub fn share(self, numerator: i64, denominator: i64) -> Tenge {
        if denominator == 0 {
            return Tenge::ZERO;
        }
        let n = i128::from(self.0) * i128::from(numerator);
        let d = i128::from(denominator);
        let q = (2 * n + d.signum() * n.signum() * d.abs()) / (2 * d);
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

    /// Accepts `50851`, `-3`, `50 851`, `50 851 ₸` (space, no-break or thin space as group
    /// separators) and a zero fraction such as `50851.00` or `50851,00`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim().trim_end_matches('₸').trim_end();
        if trimmed.is_empty() {
            return Err(MoneyError::Empty);
        }
        let compact: String =
            trimmed.chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}')).collect();
        let (whole, fraction) = match compact.split_once(['.', ',']) {
            Some((w, f)) => (w, Some(f)),
            None => (compact.as_str(), None),
        };
        if let Some(f) = fraction {
            if f.is_empty() || !f.chars().all(|c| c.is_ascii_digit()) {
                return Err(MoneyError::NotANumber { text: s.to_owned() });
            }
            if f.chars().any(|c| c != '0') {
                return Err(MoneyError::Fractional { text: s.to_owned() });
            }
        }
        let digits = whole.strip_prefix('-').unwrap_or(whole);
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(MoneyError::NotANumber { text: s.to_owned() });
        }
        whole.parse::<i64>().map(Tenge).map_err(|_| MoneyError::TooLarge { text: s.to_owned() })
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
    fn shares_round_half_away_from_zero() {
        assert_eq!(Tenge(50_851).share(70, 100), Tenge(35_596));
        assert_eq!(Tenge(5).share(1, 2), Tenge(3));
        assert_eq!(Tenge(-5).share(1, 2), Tenge(-3));
    }
}
