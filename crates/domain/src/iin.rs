//! The individual identification number (ИИН / ЖСН).
//!
//! Validity in law is only the check digit (DESIGN.md §3.1). The older structure — birth date,
//! century and sex — is offered as evidence through [`Iin::structure`], never as a reason to reject.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::person::Sex;

/// A valid IIN: twelve digits whose check digit is right. It cannot exist otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Iin([u8; 12]);

/// Why a text is not an IIN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IinError {
    #[error("the IIN is empty")]
    Empty,
    #[error("an IIN has 12 digits, this has {found}")]
    WrongLength { found: usize },
    #[error("character {position} is {found:?}, not a digit")]
    NonDigit { position: usize, found: char },
    #[error("check digit expected {expected}, found {found}")]
    CheckDigitMismatch { expected: u8, found: u8 },
    #[error("no IIN is issued with these first eleven digits (both check passes give 10)")]
    Unissuable,
}

impl IinError {
    /// Stable code for translation and reports.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "iin.empty",
            Self::WrongLength { .. } => "iin.length",
            Self::NonDigit { .. } => "iin.non_digit",
            Self::CheckDigitMismatch { .. } => "iin.check_digit",
            Self::Unissuable => "iin.unissuable",
        }
    }
}

/// What the older structure of an IIN says about its holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IinStructure {
    pub birth_date: Date,
    pub sex: Sex,
}

/// Why the structure of a valid IIN does not read as a birth date and sex.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IinStructureWarning {
    #[error("digit 7 is {digit}; the structure uses 1–6 for century and sex")]
    CenturyDigitOutOfRange { digit: u8 },
    #[error("digits 1–6 ({yymmdd}) are not a date that exists")]
    ImpossibleDate { yymmdd: String },
}

/// A disagreement between an IIN's structure and what is recorded for the person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IinMismatch {
    #[error("{0}")]
    Structure(IinStructureWarning),
    #[error("the IIN says born {in_iin}, the record says {recorded}")]
    BirthDate { in_iin: Date, recorded: Date },
    #[error("the IIN says {in_iin:?}, the record says {recorded:?}")]
    Sex { in_iin: Sex, recorded: Sex },
}

impl IinMismatch {
    /// Stable code for translation and reports.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Structure(IinStructureWarning::CenturyDigitOutOfRange { .. }) => {
                "iin.century_digit"
            }
            Self::Structure(IinStructureWarning::ImpossibleDate { .. }) => "iin.impossible_date",
            Self::BirthDate { .. } => "iin.birth_date_mismatch",
            Self::Sex { .. } => "iin.sex_mismatch",
        }
    }
}

const FIRST_WEIGHTS: [u32; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const SECOND_WEIGHTS: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/// The check digit for eleven digits, or `None` when no IIN can be issued with them.
pub fn check_digit(first_eleven: &[u8; 11]) -> Option<u8> {
    let weighted = |weights: &[u32; 11]| -> u32 {
        first_eleven.iter().zip(weights).map(|(d, w)| u32::from(*d) * w).sum::<u32>() % 11
    };
    let first = weighted(&FIRST_WEIGHTS);
    let digit = if first == 10 { weighted(&SECOND_WEIGHTS) } else { first };
    if digit == 10 { None } else { u8::try_from(digit).ok() }
}

impl Iin {
    /// The twelve digits, each 0–9.
    pub fn digits(&self) -> &[u8; 12] {
        &self.0
    }

    /// Builds the IIN a person born on `birth_date` with `sex` and `serial` (0–9999) would get
    /// under the older structure, or `None` when those digits have no check digit.
    pub fn from_structure(birth_date: Date, sex: Sex, serial: u16) -> Option<Iin> {
        let year = birth_date.year();
        let century_base: u8 = match year {
            1800..=1899 => 1,
            1900..=1999 => 3,
            2000..=2099 => 5,
            _ => return None,
        };
        if serial > 9999 {
            return None;
        }
        let seventh = century_base + u8::from(sex == Sex::Female);
        let yy = u8::try_from(year.rem_euclid(100)).ok()?;
        let mm = u8::from(birth_date.month());
        let dd = birth_date.day();
        let mut d = [0u8; 11];
        d[0] = yy / 10;
        d[1] = yy % 10;
        d[2] = mm / 10;
        d[3] = mm % 10;
        d[4] = dd / 10;
        d[5] = dd % 10;
        d[6] = seventh;
        let serial_digits = [serial / 1000, serial / 100 % 10, serial / 10 % 10, serial % 10];
        for (slot, s) in d[7..11].iter_mut().zip(serial_digits) {
            *slot = u8::try_from(s).ok()?;
        }
        Self::from_first_eleven(d)
    }

    /// Completes eleven digits with their check digit, or `None` when they have none.
    pub fn from_first_eleven(first_eleven: [u8; 11]) -> Option<Iin> {
        if first_eleven.iter().any(|d| *d > 9) {
            return None;
        }
        let check = check_digit(&first_eleven)?;
        let mut all = [0u8; 12];
        all[..11].copy_from_slice(&first_eleven);
        all[11] = check;
        Some(Iin(all))
    }

    /// Birth date and sex read from the older structure, when they read as such.
    pub fn structure(&self) -> Option<IinStructure> {
        self.read_structure().ok()
    }

    /// Like [`Iin::structure`], but says why the structure does not read.
    pub fn read_structure(&self) -> Result<IinStructure, IinStructureWarning> {
        let d = &self.0;
        let (century, sex) = match d[6] {
            1 => (1800, Sex::Male),
            2 => (1800, Sex::Female),
            3 => (1900, Sex::Male),
            4 => (1900, Sex::Female),
            5 => (2000, Sex::Male),
            6 => (2000, Sex::Female),
            digit => return Err(IinStructureWarning::CenturyDigitOutOfRange { digit }),
        };
        let two = |i: usize| i32::from(d[i]) * 10 + i32::from(d[i + 1]);
        let impossible = || IinStructureWarning::ImpossibleDate {
            yymmdd: d[..6].iter().map(|x| char::from(b'0' + x)).collect(),
        };
        let month = u8::try_from(two(2))
            .ok()
            .and_then(|m| Month::try_from(m).ok())
            .ok_or_else(impossible)?;
        let day = u8::try_from(two(4)).map_err(|_| impossible())?;
        let birth_date =
            Date::from_calendar_date(century + two(0), month, day).map_err(|_| impossible())?;
        Ok(IinStructure { birth_date, sex })
    }

    /// Everything in the structure that disagrees with what is recorded for the person.
    /// Empty when they agree. A data-quality warning, never a rejection.
    pub fn mismatches(&self, birth_date: Option<Date>, sex: Option<Sex>) -> Vec<IinMismatch> {
        match self.read_structure() {
            Err(w) => vec![IinMismatch::Structure(w)],
            Ok(s) => {
                let mut out = Vec::new();
                if let Some(recorded) = birth_date
                    && recorded != s.birth_date
                {
                    out.push(IinMismatch::BirthDate { in_iin: s.birth_date, recorded });
                }
                if let Some(recorded) = sex
                    && recorded != s.sex
                {
                    out.push(IinMismatch::Sex { in_iin: s.sex, recorded });
                }
                out
            }
        }
    }
}

impl FromStr for Iin {
    type Err = IinError;

    /// Accepts exactly twelve ASCII digits; surrounding whitespace is the caller's to trim.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(IinError::Empty);
        }
        let mut digits = [0u8; 12];
        let mut count = 0usize;
        for (i, c) in s.chars().enumerate() {
            let Some(d) = c.to_digit(10).filter(|_| c.is_ascii_digit()) else {
                return Err(IinError::NonDigit { position: i + 1, found: c });
            };
            if count < 12 {
                digits[count] = u8::try_from(d).unwrap_or(0);
            }
            count += 1;
        }
        if count != 12 {
            return Err(IinError::WrongLength { found: count });
        }
        let mut first = [0u8; 11];
        first.copy_from_slice(&digits[..11]);
        let expected = check_digit(&first).ok_or(IinError::Unissuable)?;
        if expected != digits[11] {
            return Err(IinError::CheckDigitMismatch { expected, found: digits[11] });
        }
        Ok(Iin(digits))
    }
}

impl fmt::Display for Iin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in self.0 {
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl Serialize for Iin {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Iin {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn design_vectors_are_valid() {
        let first: Iin = "791028302728".parse().unwrap();
        assert_eq!(
            first.structure(),
            Some(IinStructure { birth_date: date!(1979 - 10 - 28), sex: Sex::Male })
        );
        let second: Iin = "061211600012".parse().unwrap();
        assert_eq!(
            second.structure(),
            Some(IinStructure { birth_date: date!(2006 - 12 - 11), sex: Sex::Female })
        );
    }

    #[test]
    fn errors_name_the_problem() {
        assert_eq!("".parse::<Iin>(), Err(IinError::Empty));
        assert_eq!("79102830272".parse::<Iin>(), Err(IinError::WrongLength { found: 11 }));
        assert_eq!(
            "7910283027x8".parse::<Iin>(),
            Err(IinError::NonDigit { position: 11, found: 'x' })
        );
        assert_eq!(
            "791028302729".parse::<Iin>(),
            Err(IinError::CheckDigitMismatch { expected: 8, found: 9 })
        );
        assert_eq!("٧٩١٠٢٨٣٠٢٧٢٨".parse::<Iin>().map_err(|e| e.code()), Err("iin.non_digit"));
    }

    #[test]
    fn second_pass_ten_is_unissuable() {
        // Search the first eleven digits for a case where both passes give 10.
        let mut found = false;
        for serial in 0..10_000u32 {
            let mut d = [0u8; 11];
            let text = format!("7910283{serial:04}");
            for (slot, c) in d.iter_mut().zip(text.bytes()) {
                *slot = c - b'0';
            }
            if check_digit(&d).is_none() {
                for last in 0..10u8 {
                    let s = format!("{text}{last}");
                    assert_eq!(s.parse::<Iin>(), Err(IinError::Unissuable));
                }
                found = true;
                break;
            }
        }
        assert!(found, "some serial must be unissuable");
    }

    #[test]
    fn structure_warnings_do_not_reject() {
        // Digit 7 = 0 and an impossible date still make a valid IIN when the check digit is right.
        let iin = Iin::from_first_eleven([9, 9, 1, 3, 4, 0, 0, 0, 0, 0, 1]).unwrap();
        assert!(iin.structure().is_none());
        assert!(matches!(
            iin.read_structure(),
            Err(IinStructureWarning::CenturyDigitOutOfRange { digit: 0 })
        ));
        let bad_date = Iin::from_first_eleven([9, 9, 0, 2, 3, 0, 3, 0, 0, 0, 1]).unwrap();
        assert!(matches!(
            bad_date.read_structure(),
            Err(IinStructureWarning::ImpossibleDate { .. })
        ));
    }

    #[test]
    fn mismatches_against_record() {
        let iin: Iin = "791028302728".parse().unwrap();
        assert!(iin.mismatches(Some(date!(1979 - 10 - 28)), Some(Sex::Male)).is_empty());
        let m = iin.mismatches(Some(date!(1979 - 10 - 29)), Some(Sex::Female));
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].code(), "iin.birth_date_mismatch");
        assert_eq!(m[1].code(), "iin.sex_mismatch");
    }

    #[test]
    fn from_structure_round_trips() {
        let iin = Iin::from_structure(date!(1985 - 02 - 17), Sex::Female, 1234)
            .expect("850217401234 has a check digit");
        assert_eq!(&iin.to_string()[..11], "85021741234");
        assert_eq!(
            iin.structure(),
            Some(IinStructure { birth_date: date!(1985 - 02 - 17), sex: Sex::Female })
        );
        assert_eq!(iin.to_string().parse::<Iin>(), Ok(iin));
    }

    #[test]
    fn from_structure_refuses_what_it_cannot_encode() {
        assert_eq!(Iin::from_structure(date!(1799 - 12 - 31), Sex::Male, 1), None);
        assert_eq!(Iin::from_structure(date!(2100 - 01 - 01), Sex::Male, 1), None);
        assert_eq!(Iin::from_structure(date!(1985 - 02 - 17), Sex::Male, 10_000), None);
        // Some serials have no check digit; from_structure says so rather than inventing one.
        let unissuable = (0..=9999u16)
            .find(|s| Iin::from_structure(date!(1985 - 02 - 17), Sex::Female, *s).is_none());
        assert!(unissuable.is_some(), "about one serial in 121 is unissuable");
    }
}
