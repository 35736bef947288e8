//! The five well-being levels, A (well-off) to E (critical).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::texts::Lang;

/// A well-being level. Ordered by need: `A < B < … < E`, so "at least D" is `max(level, D)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Level {
    A,
    B,
    C,
    D,
    E,
}

impl Level {
    pub const ALL: [Level; 5] = [Level::A, Level::B, Level::C, Level::D, Level::E];

    /// The letter, which is also the stored code.
    pub fn letter(self) -> &'static str {
        match self {
            Level::A => "A",
            Level::B => "B",
            Level::C => "C",
            Level::D => "D",
            Level::E => "E",
        }
    }

    /// The level's word, as the methodology names it (DESIGN §3.3).
    pub fn word(self, lang: Lang) -> &'static str {
        use Lang::{En, Kk, Ru};
        match (self, lang) {
            (Level::A, Kk) => "әл-ауқаты жақсы",
            (Level::A, Ru) => "благополучный",
            (Level::A, En) => "well-off",
            (Level::B, Kk) => "қанағаттанарлық",
            (Level::B, Ru) => "удовлетворительный",
            (Level::B, En) => "sufficient",
            (Level::C, Kk) => "қанағаттанарлық емес",
            (Level::C, Ru) => "неудовлетворительный",
            (Level::C, En) => "signs of need",
            (Level::D, Kk) => "дағдарыстық",
            (Level::D, Ru) => "кризисный",
            (Level::D, En) => "crisis",
            (Level::E, Kk) => "төтенше",
            (Level::E, Ru) => "экстренный",
            (Level::E, En) => "emergency",
        }
    }

    /// "D — кризисный": a level is always shown as its letter and its word.
    pub fn label(self, lang: Lang) -> String {
        format!("{} — {}", self.letter(), self.word(lang))
    }

    /// D and E: the family needs a specialist's attention.
    pub fn is_crisis(self) -> bool {
        self >= Level::D
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.letter())
    }
}

/// The text is not one of the letters A–E.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a level; levels are A, B, C, D and E")]
pub struct UnknownLevel(pub String);

impl FromStr for Level {
    type Err = UnknownLevel;
    fn from_str(s: &str) -> Result<Level, UnknownLevel> {
        Level::ALL.into_iter().find(|l| l.letter() == s).ok_or_else(|| UnknownLevel(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_by_need_and_letters_round_trip() {
        assert!(Level::A < Level::E);
        assert_eq!(Level::B.max(Level::D), Level::D);
        for l in Level::ALL {
            assert_eq!(l.letter().parse::<Level>(), Ok(l));
        }
        assert!("F".parse::<Level>().is_err());
        assert_eq!(Level::D.label(Lang::Ru), "D — кризисный");
        assert!(Level::D.is_crisis() && !Level::C.is_crisis());
    }
}
