//! The bundled classifier, checked as a whole: counts, links, names and settlement types.

use std::collections::BTreeMap;

use super::*;

fn k(s: &str) -> Kato {
    s.parse().unwrap()
}

#[test]
fn bundled_tree_parses() {
    let tree = parse_tree(load::KATO_CSV, load::REGIONS_CSV, bundled_version()).unwrap();
    assert_eq!(tree.len(), 15_594);
    assert_eq!(bundled().len(), 15_594);
    assert_eq!(bundled().version.id, "KATO-11-2025@2026-07-17");
    assert_eq!(bundled().version.as_of, time::macros::date!(2026 - 07 - 17));
}

#[test]
fn counts_per_level_and_every_parent_present() {
    let tree = bundled();
    let mut per_level = BTreeMap::new();
    for t in tree.iter() {
        *per_level.entry(t.level.number()).or_insert(0) += 1;
        match t.parent {
            Some(p) => assert!(tree.get(p).is_some_and(|p| p.level < t.level), "{}", t.code),
            None => assert_eq!(t.level, KatoLevel::Region),
        }
    }
    assert_eq!(per_level, BTreeMap::from([(1, 20), (2, 209), (3, 2_379), (4, 12_986)]));
    let children: usize = tree.iter().map(|t| tree.children(t.code).count()).sum();
    assert_eq!(children, 15_594 - 20);
}

#[test]
fn regions_have_english_names_and_info() {
    let tree = bundled();
    let regions = bundled_regions();
    assert_eq!(regions.len(), 20);
    assert!(regions.windows(2).all(|w| w[0].code < w[1].code));
    assert_eq!(tree.regions().count(), 20);
    for (region, info) in tree.regions().zip(regions) {
        assert_eq!(region.code, info.code);
        assert_eq!(region.name_en.as_deref(), Some(info.name_en.as_str()));
    }
    assert!(tree.iter().filter(|t| t.level != KatoLevel::Region).all(|t| t.name_en.is_none()));
    let republican: Vec<u32> =
        regions.iter().filter(|r| r.republican_city).map(|r| r.code.ab()).collect();
    assert_eq!(republican, vec![71, 75, 79]);
    let total: u64 = regions.iter().map(|r| r.population).sum();
    assert!((19_000_000..21_000_000).contains(&total), "{total}");
    let astana = tree.get(k("710000000")).unwrap();
    assert_eq!(astana.name_en.as_deref(), Some("Astana"));
}

#[test]
fn ancestry_of_a_settlement_ends_at_its_region() {
    let tree = bundled();
    let path: Vec<String> =
        tree.ancestry(k("103230100")).iter().map(|t| t.code.to_string()).collect();
    assert_eq!(path, ["100000000", "103200000", "103230000", "103230100"]);
    // A district town hangs directly on its district.
    let path: Vec<String> =
        tree.ancestry(k("113820100")).iter().map(|t| t.code.to_string()).collect();
    assert_eq!(path, ["110000000", "113800000", "113820100"]);
    for t in tree.iter().filter(|t| t.level == KatoLevel::Settlement) {
        let path = tree.ancestry(t.code);
        assert_eq!(path.first().map(|r| r.code), Some(t.code.region()), "{}", t.code);
        assert_eq!(path.last().map(|s| s.code), Some(t.code));
    }
}

#[test]
fn subtrees_count_their_territories() {
    let tree = bundled();
    let total: usize = tree.regions().map(|r| tree.subtree(r.code).count()).sum();
    assert_eq!(total, 15_594);
    // Astana: the city and its 6 districts.
    assert_eq!(tree.subtree(k("710000000")).count(), 7);
    assert_eq!(tree.subtree(k("750000000")).count(), 9);
    assert_eq!(tree.subtree(k("790000000")).count(), 6);
    // Семей Г.А.: the administration and the city.
    assert_eq!(tree.subtree(k("101000000")).count(), 2);
    for t in tree.iter() {
        assert!(tree.subtree(t.code).all(|s| t.code.contains(s.code)));
    }
}

#[test]
fn republican_city_districts_hang_on_the_city() {
    let tree = bundled();
    for (city, districts) in [("710000000", 6), ("750000000", 8), ("790000000", 5)] {
        let children: Vec<&Territory> = tree.children(k(city)).collect();
        assert_eq!(children.len(), districts, "{city}");
        assert!(children.iter().all(|c| c.level == KatoLevel::Okrug && c.parent == Some(k(city))));
    }
}

#[test]
fn legacy_font_letters_are_repaired() {
    let tree = bundled();
    let listed = [
        "103441417",
        "103443607",
        "103665151",
        "475220100",
        "552244200",
        "552244500",
        "553637211",
        "555630200",
        "634647308",
        "635249115",
        "635639300",
        "635843406",
    ];
    for code in listed {
        let t = tree.get(k(code)).unwrap();
        assert!(!has_legacy_letters(&t.name_kk) && !has_legacy_letters(&t.name_ru), "{code}");
    }
    assert!(
        tree.iter().all(|t| !has_legacy_letters(&t.name_kk) && !has_legacy_letters(&t.name_ru))
    );
    assert!(load::KATO_CSV.contains("Форт-Шевченко ќ."));
    assert_eq!(tree.get(k("475220100")).unwrap().name_kk, "Форт-Шевченко қ.");
    assert_eq!(tree.get(k("552244500")).unwrap().name_ru, "с.\"Құрылысшы\"");
    assert_eq!(tree.get(k("635843406")).unwrap().name_kk, "Кәркес а.");
    // Everything else is as published, e.g. Kazakh letters in Russian names.
    assert_eq!(tree.get(k("620000000")).unwrap().name_ru, "область Ұлытау");
}

#[test]
fn every_level_three_name_is_recognised() {
    let unrecognised: Vec<String> = bundled()
        .iter()
        .filter(|t| {
            settlement::name_kind(t.level, &t.name_ru) == settlement::NameKind::Unrecognised
        })
        .map(|t| format!("{} {}", t.code, t.name_ru))
        .collect();
    assert!(unrecognised.is_empty(), "{unrecognised:?}");
}

#[test]
fn settlement_types_per_level() {
    use SettlementType::*;
    let mut counts: BTreeMap<(u8, &str), usize> = BTreeMap::new();
    for t in bundled().iter() {
        *counts.entry((t.level.number(), t.settlement_type.code())).or_insert(0) += 1;
    }
    let expected = BTreeMap::from([
        ((1, Capital.code()), 1),
        ((1, RepublicanCity.code()), 2),
        ((1, OblastCity.code()), 17),
        ((2, OblastCity.code()), 39),
        ((2, DistrictCentre.code()), 170),
        ((3, Capital.code()), 6),
        ((3, RepublicanCity.code()), 13),
        ((3, OblastCity.code()), 41),
        ((3, DistrictCentre.code()), 32),
        ((3, RuralOkrug.code()), 2_287),
        ((4, OblastCity.code()), 6),
        ((4, DistrictCentre.code()), 48),
        ((4, RuralSettlement.code()), 12_932),
    ]);
    assert_eq!(counts, expected);
}

#[test]
fn settlement_types_of_known_places() {
    use SettlementType::*;
    let cases = [
        ("710000000", Capital),
        ("711110000", Capital),
        ("750000000", RepublicanCity),
        ("791110000", RepublicanCity),
        ("100000000", OblastCity),
        ("101000000", OblastCity),
        ("101010000", OblastCity),
        ("351011000", OblastCity),
        ("151011100", OblastCity),
        ("103200000", DistrictCentre),
        ("103620000", DistrictCentre),
        ("103620100", DistrictCentre),
        ("113820100", DistrictCentre),
        ("475220100", DistrictCentre),
        ("634820000", DistrictCentre),
        ("103230000", RuralOkrug),
        ("104163000", RuralOkrug),
        ("111633000", RuralOkrug),
        ("103230100", RuralSettlement),
        ("104163100", RuralSettlement),
        ("103667700", RuralSettlement),
        ("103433106", RuralSettlement),
    ];
    for (code, expected) in cases {
        let t = bundled().get(k(code)).unwrap();
        assert_eq!(t.settlement_type, expected, "{code} {}", t.name_ru);
    }
}
