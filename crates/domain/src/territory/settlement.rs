//! Settlement types derived from the classifier itself.
//!
//! KATO has no column for the kind of place, but the Russian names carry it as an abbreviation,
//! and the code says which region a territory is in. The rules, checked against every name of
//! KATO НК РК 11-2025:
//!
//! | territory | example | type |
//! |---|---|---|
//! | anything in Astana (71…) | `711110000` район Алматы | `Capital` |
//! | anything in Almaty (75…) or Shymkent (79…), city districts included | `751210000` | `RepublicanCity` |
//! | an oblast (level 1) | `100000000` область Абай | `OblastCity` |
//! | a city administration (level 2, `… Г.А.` / `… Қ.Ә.`) | `101000000` Семей Г.А. | `OblastCity` |
//! | the city (`г.…`) of a city administration | `101010000` г.Семей | `OblastCity` |
//! | a district of an oblast city (`р.а.` at level 3, `район` at level 4) | `151011100` район Астана | `OblastCity` |
//! | a district (level 2, `… район`) | `103200000` Абайский район | `DistrictCentre` |
//! | a town administration (`г.а.`) | `103620000` Аягоз г.а. | `DistrictCentre` |
//! | any other town (`г.…`) | `103620100` г.Аягоз | `DistrictCentre` |
//! | a rural okrug or settlement administration (`с.о.`, `с.а.`, `п.а.`) | `103230000` Карааульский с.о. | `RuralOkrug` |
//! | every other settlement (`с.`, `п.`, `ст.`, `рзд.`, `уч.`, `отг.`, farms, camps …) | `103230100` с.Карааул | `RuralSettlement` |
//!
//! An administrative area (region, district, administration) takes the type of its seat: an
//! oblast is governed from an oblast city, and a district's seat is by definition a district
//! centre. So the type of an area speaks of its seat, not of where its people live; addresses are
//! at levels 3 and 4, where the type is the place's own.
//!
//! Two things are deliberately not derived:
//! - Villages that are a district's seat stay `RuralSettlement`: the classifier does not mark
//!   seats, and names are no reliable signal (Абайский район's seat is Карааул; 51 districts have
//!   no place sharing their name, 92 have several). Such seats are villages by law as well.
//! - A посёлок (`п.`) is a `RuralSettlement` and its administration (`п.а.`) a `RuralOkrug`: they
//!   are not towns.

use crate::kato::{Kato, KatoLevel};
use crate::territory::SettlementType;

/// What a name says a territory is, before its place in the tree is considered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameKind {
    /// Level 1.
    Region,
    /// Level 2, `… Г.А.`.
    CityAdministration,
    /// Level 2 otherwise.
    District,
    /// `г.…` at level 3 or 4.
    Town,
    /// `г.а.` at level 3.
    TownAdministration,
    /// `р.а.` at level 3 or the word `район` at level 3 or 4: a district of a city.
    CityDistrict,
    /// `с.о.`, `с.а.`, `п.а.` at level 3.
    RuralAdministration,
    /// Any other level-4 name.
    Settlement,
    /// A level-3 name with none of the markers above (none in the bundled classifier).
    Unrecognised,
}

/// Reads the kind of territory off its Russian name.
pub(crate) fn name_kind(level: KatoLevel, name_ru: &str) -> NameKind {
    let words: Vec<&str> = name_ru.split_whitespace().collect();
    let starts = |prefix: &str| words.iter().any(|w| w.starts_with(prefix));
    let first_is_town =
        words.first().is_some_and(|w| w.starts_with("г.") && !w.starts_with("г.а."));
    let is_city_district = words.iter().any(|w| *w == "район" || *w == "Район");
    match level {
        KatoLevel::Region => NameKind::Region,
        KatoLevel::District if name_ru.ends_with("Г.А.") => NameKind::CityAdministration,
        KatoLevel::District => NameKind::District,
        KatoLevel::Okrug if starts("г.а.") => NameKind::TownAdministration,
        KatoLevel::Okrug if first_is_town => NameKind::Town,
        KatoLevel::Okrug if starts("р.а.") || is_city_district => NameKind::CityDistrict,
        KatoLevel::Okrug
            if starts("с.о.") || starts("с.а.") || starts("п.а.") || words.contains(&"с.о") =>
        {
            NameKind::RuralAdministration
        }
        KatoLevel::Okrug => NameKind::Unrecognised,
        KatoLevel::Settlement if first_is_town => NameKind::Town,
        KatoLevel::Settlement if is_city_district => NameKind::CityDistrict,
        KatoLevel::Settlement => NameKind::Settlement,
    }
}

/// The settlement type of a territory from its code, its name's kind and its parent's.
pub(crate) fn settlement_type(
    code: Kato,
    kind: NameKind,
    parent: Option<NameKind>,
) -> SettlementType {
    match code.ab() {
        71 => return SettlementType::Capital,
        75 | 79 => return SettlementType::RepublicanCity,
        _ => {}
    }
    match kind {
        NameKind::Region | NameKind::CityAdministration | NameKind::CityDistrict => {
            SettlementType::OblastCity
        }
        NameKind::Town if parent == Some(NameKind::CityAdministration) => {
            SettlementType::OblastCity
        }
        NameKind::District | NameKind::TownAdministration | NameKind::Town => {
            SettlementType::DistrictCentre
        }
        NameKind::RuralAdministration | NameKind::Unrecognised => SettlementType::RuralOkrug,
        NameKind::Settlement => SettlementType::RuralSettlement,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(level: KatoLevel, name: &str) -> NameKind {
        name_kind(level, name)
    }

    #[test]
    fn reads_markers_from_russian_names() {
        use KatoLevel::*;
        assert_eq!(kind(District, "Семей Г.А."), NameKind::CityAdministration);
        assert_eq!(kind(District, "Абайский район"), NameKind::District);
        assert_eq!(kind(District, "Район им.Габита Мусрепова"), NameKind::District);
        assert_eq!(kind(Okrug, "г.Семей"), NameKind::Town);
        assert_eq!(kind(Okrug, "Аягоз г.а."), NameKind::TownAdministration);
        assert_eq!(kind(Okrug, "г.а.Алтай"), NameKind::TownAdministration);
        assert_eq!(kind(Okrug, "р.а. им.Казыбек би"), NameKind::CityDistrict);
        assert_eq!(kind(Okrug, "район Алматы"), NameKind::CityDistrict);
        assert_eq!(kind(Okrug, "Абайский район"), NameKind::CityDistrict);
        assert_eq!(kind(Okrug, "Карааульский с.о."), NameKind::RuralAdministration);
        assert_eq!(kind(Okrug, "Кенгирбайбийский с.о"), NameKind::RuralAdministration);
        assert_eq!(kind(Okrug, "с.о.им.Канай би"), NameKind::RuralAdministration);
        assert_eq!(kind(Okrug, "с.а.Тайтобе"), NameKind::RuralAdministration);
        assert_eq!(kind(Okrug, "Чаганская п.а."), NameKind::RuralAdministration);
        assert_eq!(kind(Okrug, "Нечто"), NameKind::Unrecognised);
        assert_eq!(kind(Settlement, "г.Аягоз"), NameKind::Town);
        assert_eq!(kind(Settlement, "район Астана"), NameKind::CityDistrict);
        assert_eq!(kind(Settlement, "с.Карааул"), NameKind::Settlement);
        assert_eq!(kind(Settlement, "п.Чаган"), NameKind::Settlement);
        assert_eq!(kind(Settlement, "рзд.18 км"), NameKind::Settlement);
        assert_eq!(kind(Settlement, "Лагерь"), NameKind::Settlement);
    }

    #[test]
    fn place_in_the_tree_decides_between_city_kinds() {
        let k = |s: &str| s.parse::<Kato>().unwrap();
        let city =
            settlement_type(k("101010000"), NameKind::Town, Some(NameKind::CityAdministration));
        assert_eq!(city, SettlementType::OblastCity);
        let town =
            settlement_type(k("103620100"), NameKind::Town, Some(NameKind::TownAdministration));
        assert_eq!(town, SettlementType::DistrictCentre);
        let astana =
            settlement_type(k("711110000"), NameKind::CityDistrict, Some(NameKind::Region));
        assert_eq!(astana, SettlementType::Capital);
        let almaty = settlement_type(k("750000000"), NameKind::Region, None);
        assert_eq!(almaty, SettlementType::RepublicanCity);
        let village = settlement_type(k("103230100"), NameKind::Settlement, None);
        assert_eq!(village, SettlementType::RuralSettlement);
    }
}
