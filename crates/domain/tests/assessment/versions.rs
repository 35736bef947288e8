//! Several versions installed: an assessment as of a date uses the methodology and the ПМ in
//! force on that date.

use shanyraq_domain::assessment::{
    DEFAULT_METHODOLOGY, Figures, Level, Methodology, Profile, assess, parse_methodology,
};
use shanyraq_domain::constants::{mrp, subsistence_minimum};
use shanyraq_domain::{Role, SettlementType, Tenge};
use time::Date;
use time::macros::date;

use crate::common::*;

/// The default with a new id, a later start and a heavier weight on rural life.
fn version_2026() -> Methodology {
    let text = DEFAULT_METHODOLOGY
        .replace("version = \"ckc-2023-r1\"", "version = \"ckc-2026-test\"")
        .replace("effective_from = \"2023-07-01\"", "effective_from = \"2026-01-01\"")
        .replace("points = -70", "points = -400");
    parse_methodology("v2026.toml", &text).unwrap_or_else(|e| panic!("{e}"))
}

fn figures_on(on: Date) -> Figures {
    let pm = subsistence_minimum(on, None).unwrap_or(Tenge(0));
    Figures { pm, mrp: mrp(on).unwrap_or(Tenge(0)), poverty_line: pm.share(70, 100) }
}

#[test]
fn a_past_date_uses_that_dates_rules_and_subsistence_minimum() {
    let versions = [default_methodology(), version_2026()];
    // A rural worker earning 48 000: above the 2025 ПМ (46 228), below the 2026 one (50 851).
    let mut b = family(SettlementType::RuralSettlement);
    let p = b.member(Role::Head, 40);
    b.wage(p, 48_000);
    let input = b.build();

    let past = date!(2025 - 06 - 01);
    let m = Methodology::in_force(&versions, past).unwrap_or_else(|| panic!("none in force"));
    assert_eq!(m.version, "ckc-2023-r1");
    let a = assess(&Profile::compute(&input, past, figures_on(past)), m);
    // 1–2 ПМ: 170; one working: 100; rural: −70.
    assert_eq!((a.total, a.level), (200, Level::C));

    let m = Methodology::in_force(&versions, ON).unwrap_or_else(|| panic!("none in force"));
    assert_eq!(m.version, "ckc-2026-test");
    let a = assess(&Profile::compute(&input, ON, figures_on(ON)), m);
    // ¼–1 ПМ: 100; one working: 100; rural: −400 → −200.
    assert_eq!((a.total, a.level), (-200, Level::D));

    assert!(Methodology::in_force(&versions, date!(2020 - 01 - 01)).is_none());
}
