//! A small hand-made territory tree for unit tests.

use shanyraq_domain::territory::RegionInfo;
use shanyraq_domain::{Kato, SettlementType, Territory, TerritoryTree, TreeVersion};
use time::macros::date;

fn t(
    code: &str,
    parent: Option<&str>,
    name_kk: &str,
    name_ru: &str,
    st: SettlementType,
) -> Territory {
    let code: Kato = code.parse().unwrap();
    Territory {
        code,
        parent: parent.map(|p| p.parse().unwrap()),
        level: code.level(),
        name_kk: name_kk.into(),
        name_ru: name_ru.into(),
        name_en: None,
        settlement_type: st,
    }
}

/// Region 11 with a centre city, a district town, villages, a minor place and an okrug without
/// villages; an empty region 15; the capital 71 with two districts.
pub fn tree() -> TerritoryTree {
    use SettlementType::*;
    let ts = vec![
        t("110000000", None, "Ақмола облысы", "Акмолинская область", OblastCity),
        t("111000000", Some("110000000"), "Көкшетау Қ.Ә.", "Кокшетау Г.А.", OblastCity),
        t("111010000", Some("111000000"), "Көкшетау қ.", "г.Кокшетау", OblastCity),
        t("113200000", Some("110000000"), "Ақкөл ауданы", "Аккольский район", DistrictCentre),
        t("113220000", Some("113200000"), "Ақкөл қ.ә.", "Аккольская г.а.", DistrictCentre),
        t("113220100", Some("113220000"), "Ақкөл қ.", "г.Акколь", DistrictCentre),
        t("113230000", Some("113200000"), "Азат а.о.", "Азатский с.о.", RuralOkrug),
        t("113230100", Some("113230000"), "Азат а.", "с.Азат", RuralSettlement),
        t("113230200", Some("113230000"), "Минское а.", "с.Минское", RuralSettlement),
        t("113230300", Some("113230000"), "Қос қыстағы", "зимовка Кос", RuralSettlement),
        t("113240000", Some("113200000"), "Урюпин а.о.", "Урюпинский с.о.", RuralOkrug),
        t("150000000", None, "Ақтөбе облысы", "Актюбинская область", OblastCity),
        t("710000000", None, "Астана қ.", "г.Астана", Capital),
        t("711110000", Some("710000000"), "Алматы ауданы", "район Алматы", Capital),
        t("711210000", Some("710000000"), "Есіл ауданы", "район Есиль", Capital),
    ];
    let version = TreeVersion { id: "test".into(), as_of: date!(2026 - 01 - 01) };
    TerritoryTree::from_territories(version, ts).unwrap()
}

fn info(code: &str, centre_kk: &str, centre_ru: &str, population: u64, city: bool) -> RegionInfo {
    RegionInfo {
        code: code.parse().unwrap(),
        name_kk: String::new(),
        name_ru: String::new(),
        name_en: String::new(),
        centre_kk: centre_kk.into(),
        centre_ru: centre_ru.into(),
        centre_en: String::new(),
        centre_lat: 0.0,
        centre_lon: 0.0,
        population,
        republican_city: city,
    }
}

/// Regions 11 (2,000 people), 71 (1,000) and 15 (500, no places).
pub fn regions() -> Vec<RegionInfo> {
    vec![
        info("110000000", "Көкшетау", "Кокшетау", 2_000, false),
        info("150000000", "Ақтөбе", "Актобе", 500, false),
        info("710000000", "Астана", "Астана", 1_000, true),
    ]
}
