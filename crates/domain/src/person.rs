//! People.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::ids::PersonId;
use crate::iin::Iin;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }
    pub fn from_code(code: &str) -> Option<Sex> {
        match code {
            "male" => Some(Sex::Male),
            "female" => Some(Sex::Female),
            _ => None,
        }
    }
}

/// The language a person prefers to be addressed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    Kk,
    Ru,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::Kk => "kk",
            Language::Ru => "ru",
        }
    }
    pub fn from_code(code: &str) -> Option<Language> {
        match code {
            "kk" => Some(Language::Kk),
            "ru" => Some(Language::Ru),
            _ => None,
        }
    }
}

/// A disability decision in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disability {
    /// Group 1 (most severe), 2 or 3, for adults.
    Group1,
    Group2,
    Group3,
    /// A child with disability (ребёнок с инвалидностью), under 18.
    Child,
}

impl Disability {
    pub fn code(self) -> &'static str {
        match self {
            Disability::Group1 => "group1",
            Disability::Group2 => "group2",
            Disability::Group3 => "group3",
            Disability::Child => "child",
        }
    }
    pub fn from_code(code: &str) -> Option<Disability> {
        match code {
            "group1" => Some(Disability::Group1),
            "group2" => Some(Disability::Group2),
            "group3" => Some(Disability::Group3),
            "child" => Some(Disability::Child),
            _ => None,
        }
    }
}

/// Name parts as the civil registry holds them. The patronymic is optional: many Kazakh names
/// have none, and foreigners rarely do.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PersonName {
    pub last: String,
    pub first: String,
    pub patronymic: Option<String>,
}

impl PersonName {
    /// "Last First Patronymic", as lists are sorted in kk and ru.
    pub fn full(&self) -> String {
        match &self.patronymic {
            Some(p) => format!("{} {} {}", self.last, self.first, p),
            None => format!("{} {}", self.last, self.first),
        }
    }
}

/// A person. `iin` is `None` for newborns, foreigners and records whose IIN did not parse; in the
/// last case `iin_as_reported` keeps what the source said, so that it can be matched and fixed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    pub iin: Option<Iin>,
    pub iin_as_reported: Option<String>,
    pub name: PersonName,
    pub birth_date: Date,
    pub sex: Sex,
    pub language: Option<Language>,
    pub phone: Option<String>,
    pub disability: Option<Disability>,
    pub death_date: Option<Date>,
}

impl Person {
    /// Age in whole years on `on`.
    pub fn age_on(&self, on: Date) -> i32 {
        age_on(self.birth_date, on)
    }
}

/// Age in whole years on `on` for someone born on `birth`; 29 February birthdays count on 1 March
/// in common years.
pub fn age_on(birth: Date, on: Date) -> i32 {
    let mut years = on.year() - birth.year();
    if (on.month() as u8, on.day()) < (birth.month() as u8, birth.day()) {
        years -= 1;
    }
    years.max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn age_counts_whole_years() {
        assert_eq!(age_on(date!(2000 - 02 - 29), date!(2001 - 02 - 28)), 0);
        assert_eq!(age_on(date!(2000 - 02 - 29), date!(2001 - 03 - 01)), 1);
        assert_eq!(age_on(date!(1979 - 10 - 28), date!(2026 - 11 - 30)), 47);
        assert_eq!(age_on(date!(2030 - 01 - 01), date!(2026 - 11 - 30)), 0);
    }

    #[test]
    fn codes_round_trip() {
        for s in [Sex::Male, Sex::Female] {
            assert_eq!(Sex::from_code(s.code()), Some(s));
        }
        for d in [Disability::Group1, Disability::Group2, Disability::Group3, Disability::Child] {
            assert_eq!(Disability::from_code(d.code()), Some(d));
        }
        for l in [Language::Kk, Language::Ru] {
            assert_eq!(Language::from_code(l.code()), Some(l));
        }
    }
}
