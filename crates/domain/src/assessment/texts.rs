//! Texts in the three languages of the product. Methodology and measure files carry their own
//! words for every rule, so that an explanation is as much data as the points are.

use serde::{Deserialize, Serialize};

/// A language a text is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    Kk,
    Ru,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Kk, Lang::Ru, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Kk => "kk",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }
}

impl From<crate::Language> for Lang {
    fn from(l: crate::Language) -> Lang {
        match l {
            crate::Language::Kk => Lang::Kk,
            crate::Language::Ru => Lang::Ru,
        }
    }
}

/// The same text in Kazakh, Russian and English; all three are required.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    pub kk: String,
    pub ru: String,
    pub en: String,
}

impl Texts {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Kk => &self.kk,
            Lang::Ru => &self.ru,
            Lang::En => &self.en,
        }
    }

    /// The language whose text is empty, if any.
    pub fn missing(&self) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| self.get(*l).trim().is_empty())
    }
}
