//! Names: lists of real common names in Cyrillic by people, and the rules that derive
//! patronymics and feminine surnames.

mod kazakh;
mod others;
mod rules;
mod russian;

pub use rules::{kazakh_patronymic, russian_patronymic, surname_for};

use shanyraq_domain::{Language, Sex};

use crate::rng::Rng;

/// The peoples the generator names families after: the largest groups of Kazakhstan's 2021
/// census. Smaller groups are folded into these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ethnicity {
    Kazakh,
    Russian,
    Uzbek,
    Ukrainian,
    Uyghur,
    Tatar,
    German,
}

impl Ethnicity {
    /// In the order of the per-region shares in `profile`.
    pub const ALL: [Ethnicity; 7] = [
        Ethnicity::Kazakh,
        Ethnicity::Russian,
        Ethnicity::Uzbek,
        Ethnicity::Ukrainian,
        Ethnicity::Uyghur,
        Ethnicity::Tatar,
        Ethnicity::German,
    ];

    pub fn lists(self) -> &'static NameLists {
        match self {
            Ethnicity::Kazakh => &KAZAKH,
            Ethnicity::Russian => &RUSSIAN,
            Ethnicity::Uzbek => &UZBEK,
            Ethnicity::Ukrainian => &UKRAINIAN,
            Ethnicity::Uyghur => &UYGHUR,
            Ethnicity::Tatar => &TATAR,
            Ethnicity::German => &GERMAN,
        }
    }

    /// Share (per mille) of families writing patronymics in the Kazakh form (`-ұлы`/`-қызы`);
    /// the registry mostly holds the Russian form, so 27 % for Kazakhs.
    fn kazakh_style_per_mille(self) -> u32 {
        if self == Ethnicity::Kazakh { 270 } else { 0 }
    }
}

/// First names and surnames of one people.
#[derive(Debug)]
pub struct NameLists {
    /// For those born before [`MODERN_FROM_YEAR`].
    pub male_classic: &'static [&'static str],
    pub female_classic: &'static [&'static str],
    /// For those born since.
    pub male_modern: &'static [&'static str],
    pub female_modern: &'static [&'static str],
    /// Masculine forms; see [`surname_for`].
    pub surnames: &'static [&'static str],
}

/// Children born from this year on mostly get the names fashionable since the late 1990s.
pub const MODERN_FROM_YEAR: i32 = 1998;

static KAZAKH: NameLists = NameLists {
    male_classic: kazakh::MALE_CLASSIC,
    female_classic: kazakh::FEMALE_CLASSIC,
    male_modern: kazakh::MALE_MODERN,
    female_modern: kazakh::FEMALE_MODERN,
    surnames: kazakh::SURNAMES,
};
static RUSSIAN: NameLists = NameLists {
    male_classic: russian::MALE_CLASSIC,
    female_classic: russian::FEMALE_CLASSIC,
    male_modern: russian::MALE_MODERN,
    female_modern: russian::FEMALE_MODERN,
    surnames: russian::SURNAMES,
};
static UZBEK: NameLists = NameLists {
    male_classic: others::uzbek::MALE,
    female_classic: others::uzbek::FEMALE,
    male_modern: others::uzbek::MALE,
    female_modern: others::uzbek::FEMALE,
    surnames: others::uzbek::SURNAMES,
};
static UKRAINIAN: NameLists = NameLists {
    male_classic: others::ukrainian::MALE,
    female_classic: others::ukrainian::FEMALE,
    male_modern: russian::MALE_MODERN,
    female_modern: russian::FEMALE_MODERN,
    surnames: others::ukrainian::SURNAMES,
};
static UYGHUR: NameLists = NameLists {
    male_classic: others::uyghur::MALE,
    female_classic: others::uyghur::FEMALE,
    male_modern: others::uyghur::MALE,
    female_modern: others::uyghur::FEMALE,
    surnames: others::uyghur::SURNAMES,
};
static TATAR: NameLists = NameLists {
    male_classic: others::tatar::MALE,
    female_classic: others::tatar::FEMALE,
    male_modern: others::tatar::MALE,
    female_modern: others::tatar::FEMALE,
    surnames: others::tatar::SURNAMES,
};
static GERMAN: NameLists = NameLists {
    male_classic: others::german::MALE,
    female_classic: others::german::FEMALE,
    male_modern: russian::MALE_MODERN,
    female_modern: russian::FEMALE_MODERN,
    surnames: others::german::SURNAMES,
};

/// A first name for someone of `ethnicity` and `sex` born in `birth_year`: those born since
/// [`MODERN_FROM_YEAR`] take a modern name three times in four.
pub fn first_name(rng: &mut Rng, ethnicity: Ethnicity, sex: Sex, birth_year: i32) -> &'static str {
    let lists = ethnicity.lists();
    let modern = birth_year >= MODERN_FROM_YEAR && rng.below(4) != 0;
    let list = match (sex, modern) {
        (Sex::Male, false) => lists.male_classic,
        (Sex::Male, true) => lists.male_modern,
        (Sex::Female, false) => lists.female_classic,
        (Sex::Female, true) => lists.female_modern,
    };
    rng.pick(list).copied().unwrap_or("")
}

/// A surname (masculine form) of `ethnicity`.
pub fn surname(rng: &mut Rng, ethnicity: Ethnicity) -> &'static str {
    rng.pick(ethnicity.lists().surnames).copied().unwrap_or("")
}

/// How a family writes patronymics. Chosen once per family so that children follow their father.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatronymicStyle {
    /// Серікович / Серіковна, Иванович / Ивановна.
    Russian,
    /// Серікұлы / Серікқызы.
    Kazakh,
    /// No patronymic recorded (3 % of families).
    None,
}

impl PatronymicStyle {
    pub fn choose(rng: &mut Rng, ethnicity: Ethnicity) -> PatronymicStyle {
        let r = rng.below(1000) as u32;
        if r < 30 {
            PatronymicStyle::None
        } else if r < 30 + ethnicity.kazakh_style_per_mille() {
            PatronymicStyle::Kazakh
        } else {
            PatronymicStyle::Russian
        }
    }

    /// The patronymic of a child of `father`, or `None` in the style without one.
    pub fn patronymic(self, father: &str, sex: Sex) -> Option<String> {
        match self {
            PatronymicStyle::Russian => Some(russian_patronymic(father, sex)),
            PatronymicStyle::Kazakh => Some(kazakh_patronymic(father, sex)),
            PatronymicStyle::None => None,
        }
    }
}

/// The language a family of `ethnicity` prefers, given the share of Kazakh-speaking families
/// among Kazakhs in the place (per mille): Kazakhs by that share, Uzbeks and Uyghurs one in three
/// Kazakh, everyone else Russian.
pub fn preferred_language(
    rng: &mut Rng,
    ethnicity: Ethnicity,
    kazakh_kk_per_mille: u32,
) -> Language {
    let kk = match ethnicity {
        Ethnicity::Kazakh => kazakh_kk_per_mille,
        Ethnicity::Uzbek | Ethnicity::Uyghur => 330,
        Ethnicity::Tatar => 60,
        Ethnicity::Russian | Ethnicity::Ukrainian | Ethnicity::German => 15,
    };
    if rng.per_mille(kk) { Language::Kk } else { Language::Ru }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn distinct(lists: &[&[&str]]) -> usize {
        lists.iter().flat_map(|l| l.iter()).collect::<HashSet<_>>().len()
    }

    #[test]
    fn lists_are_large_enough() {
        assert!(distinct(&[KAZAKH.male_classic, KAZAKH.male_modern]) >= 60);
        assert!(distinct(&[KAZAKH.female_classic, KAZAKH.female_modern]) >= 60);
        assert!(distinct(&[RUSSIAN.male_classic, RUSSIAN.male_modern]) >= 40);
        assert!(distinct(&[RUSSIAN.female_classic, RUSSIAN.female_modern]) >= 40);
        assert!(distinct(&[KAZAKH.surnames]) >= 60);
        assert!(distinct(&[RUSSIAN.surnames]) >= 40);
        for e in Ethnicity::ALL {
            let l = e.lists();
            for list in
                [l.male_classic, l.male_modern, l.female_classic, l.female_modern, l.surnames]
            {
                assert!(list.len() >= 10, "{e:?}");
            }
        }
    }

    #[test]
    fn names_are_cyrillic_and_kazakh_names_use_kazakh_letters() {
        let all_lists = Ethnicity::ALL.iter().flat_map(|e| {
            let l = e.lists();
            [l.male_classic, l.male_modern, l.female_classic, l.female_modern, l.surnames]
        });
        for list in all_lists {
            for name in list {
                assert!(
                    name.chars().all(|c| ('\u{400}'..='\u{4ff}').contains(&c) || c == '-'),
                    "{name} is not Cyrillic"
                );
            }
        }
        let kazakh_letters = "әғқңөұүһіӘҒҚҢӨҰҮҺІ";
        let with =
            KAZAKH.male_classic.iter().filter(|n| n.contains(|c| kazakh_letters.contains(c)));
        assert!(with.count() >= 20);
        assert!(KAZAKH.male_classic.contains(&"Серік"));
        assert!(!KAZAKH.male_classic.contains(&"Серик"));
    }

    #[test]
    fn patronymic_styles_have_their_shares() {
        let mut rng = Rng::from_key(9);
        let n = 20_000;
        let kazakh = (0..n)
            .filter(|_| {
                PatronymicStyle::choose(&mut rng, Ethnicity::Kazakh) == PatronymicStyle::Kazakh
            })
            .count();
        assert!((4_800..6_000).contains(&kazakh), "{kazakh}");
        let russian_kz = (0..n)
            .filter(|_| {
                PatronymicStyle::choose(&mut rng, Ethnicity::Russian) == PatronymicStyle::Kazakh
            })
            .count();
        assert_eq!(russian_kz, 0);
        assert_eq!(PatronymicStyle::None.patronymic("Серік", Sex::Male), None);
        assert_eq!(
            PatronymicStyle::Kazakh.patronymic("Серік", Sex::Female).as_deref(),
            Some("Серікқызы")
        );
    }
}
