//! KATO (КАТО) codes: nine digits `AB CD EF HIJ` naming a territory.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A well-formed KATO code. Whether it names a territory that exists is the territory tree's
/// question ([`crate::territory::TerritoryTree::get`]), not this type's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kato(u32);

/// Why a text is not a KATO code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KatoError {
    #[error("the KATO code is empty")]
    Empty,
    #[error("a KATO code has 9 digits, this has {found}")]
    WrongLength { found: usize },
    #[error("character {position} is {found:?}, not a digit")]
    NonDigit { position: usize, found: char },
    #[error("the region part (digits 1–2) is 00")]
    NoRegion,
}

impl KatoError {
    /// Stable code for translation and reports.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "kato.empty",
            Self::WrongLength { .. } => "kato.length",
            Self::NonDigit { .. } => "kato.non_digit",
            Self::NoRegion => "kato.no_region",
        }
    }
}

/// How deep in the tree a code's non-zero parts reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KatoLevel {
    /// AB: oblast or city of republican significance.
    Region = 1,
    /// CD: district or city administration.
    District = 2,
    /// EF: rural okrug, town or city district.
    Okrug = 3,
    /// HIJ: settlement.
    Settlement = 4,
}

impl KatoLevel {
    pub fn number(self) -> u8 {
        self as u8
    }
}

impl Kato {
    /// From the numeric value, checking the same rules as parsing.
    pub fn from_u32(value: u32) -> Result<Kato, KatoError> {
        if value > 999_999_999 {
            return Err(KatoError::WrongLength { found: value.to_string().len() });
        }
        if value < 10_000_000 {
            return Err(KatoError::NoRegion);
        }
        Ok(Kato(value))
    }

    pub fn as_u32(self) -> u32 {
        self.0
    }

    /// Digits 1–2: the region.
    pub fn ab(self) -> u32 {
        self.0 / 10_000_000
    }
    /// Digits 3–4: district or city administration.
    pub fn cd(self) -> u32 {
        self.0 / 100_000 % 100
    }
    /// Digits 5–6: rural okrug, town or city district.
    pub fn ef(self) -> u32 {
        self.0 / 1_000 % 100
    }
    /// Digits 7–9: settlement.
    pub fn hij(self) -> u32 {
        self.0 % 1_000
    }

    /// The deepest non-zero part. A code such as `711110000` (a city district of Astana, with no
    /// district part) is at the okrug level: the level is where the code ends, not how many parts
    /// it fills.
    pub fn level(self) -> KatoLevel {
        if self.hij() != 0 {
            KatoLevel::Settlement
        } else if self.ef() != 0 {
            KatoLevel::Okrug
        } else if self.cd() != 0 {
            KatoLevel::District
        } else {
            KatoLevel::Region
        }
    }

    /// The region code `AB0000000` this code lies in.
    pub fn region(self) -> Kato {
        Kato(self.ab() * 10_000_000)
    }

    /// The codes above this one, nearest first, formed by blanking parts from the right.
    /// Not all of them need exist in a tree.
    pub fn prefixes(self) -> impl Iterator<Item = Kato> {
        let divisors = [1_000u32, 100_000, 10_000_000];
        let me = self.0;
        divisors
            .into_iter()
            .map(move |d| Kato(me / d * d))
            .filter(move |k| k.0 != me)
            .scan(0u32, |last, k| {
                let repeat = *last == k.0;
                *last = k.0;
                Some((repeat, k))
            })
            .filter_map(|(repeat, k)| (!repeat).then_some(k))
    }

    /// Inclusive numeric range of every code in this code's subtree (itself included).
    /// Because KATO parts nest, a subtree is exactly a prefix range.
    pub fn subtree_range(self) -> (u32, u32) {
        let span = match self.level() {
            KatoLevel::Region => 10_000_000,
            KatoLevel::District => 100_000,
            KatoLevel::Okrug => 1_000,
            KatoLevel::Settlement => 1,
        };
        (self.0, self.0 + span - 1)
    }

    /// Whether `other` lies in this code's subtree (itself included).
    pub fn contains(self, other: Kato) -> bool {
        let (lo, hi) = self.subtree_range();
        (lo..=hi).contains(&other.0)
    }
}

impl FromStr for Kato {
    type Err = KatoError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(KatoError::Empty);
        }
        let mut value: u32 = 0;
        let mut count = 0usize;
        for (i, c) in s.chars().enumerate() {
            if !c.is_ascii_digit() {
                return Err(KatoError::NonDigit { position: i + 1, found: c });
            }
            count += 1;
            if count <= 9 {
                value = value * 10 + (c as u32 - '0' as u32);
            }
        }
        if count != 9 {
            return Err(KatoError::WrongLength { found: count });
        }
        Kato::from_u32(value)
    }
}

impl fmt::Display for Kato {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:09}", self.0)
    }
}

impl Serialize for Kato {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Kato {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> Kato {
        s.parse().unwrap()
    }

    #[test]
    fn parts_and_levels() {
        let c = k("101010000");
        assert_eq!((c.ab(), c.cd(), c.ef(), c.hij()), (10, 10, 10, 0));
        assert_eq!(c.level(), KatoLevel::Okrug);
        assert_eq!(k("100000000").level(), KatoLevel::Region);
        assert_eq!(k("101000000").level(), KatoLevel::District);
        assert_eq!(k("113820100").level(), KatoLevel::Settlement);
        assert_eq!(k("711110000").level(), KatoLevel::Okrug);
    }

    #[test]
    fn prefixes_skip_repeats() {
        let p: Vec<String> = k("711110000").prefixes().map(|k| k.to_string()).collect();
        assert_eq!(p, vec!["711100000", "710000000"]);
        let p: Vec<String> = k("113820100").prefixes().map(|k| k.to_string()).collect();
        assert_eq!(p, vec!["113820000", "113800000", "110000000"]);
        assert_eq!(k("110000000").prefixes().count(), 0);
    }

    #[test]
    fn subtree_is_prefix_range() {
        assert!(k("110000000").contains(k("113820100")));
        assert!(k("113800000").contains(k("113820100")));
        assert!(!k("113900000").contains(k("113820100")));
        assert!(k("113820100").contains(k("113820100")));
        assert_eq!(k("100000000").subtree_range(), (100_000_000, 109_999_999));
    }

    #[test]
    fn errors_name_the_problem() {
        assert_eq!("".parse::<Kato>(), Err(KatoError::Empty));
        assert_eq!("11382010".parse::<Kato>(), Err(KatoError::WrongLength { found: 8 }));
        assert_eq!(
            "11382O100".parse::<Kato>(),
            Err(KatoError::NonDigit { position: 6, found: 'O' })
        );
        assert_eq!("001000000".parse::<Kato>(), Err(KatoError::NoRegion));
        assert_eq!("1138201000".parse::<Kato>(), Err(KatoError::WrongLength { found: 10 }));
    }
}
