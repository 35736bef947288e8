//! The catalogue of measures: it loads, its rules are checked, and АСП follows the poverty line
//! with the conditional/unconditional split by whether someone can work.

use shanyraq_domain::assessment::{
    Catalogue, DEFAULT_MEASURES, DEFAULT_MEASURES_FILE, Profile, Var, parse_measures,
};
use shanyraq_domain::{Role, SettlementType};

use crate::common::*;

fn catalogue() -> Catalogue {
    parse_measures(DEFAULT_MEASURES_FILE, DEFAULT_MEASURES).unwrap()
}

fn offered(p: &Profile) -> Vec<String> {
    catalogue().offers(p).map(|m| m.key.clone()).collect()
}

#[test]
fn the_catalogue_covers_the_kinds_of_help() {
    let c = catalogue();
    for kind in [
        "cash",
        "child",
        "disability",
        "employment",
        "services",
        "psychosocial",
        "health",
        "education",
        "housing",
        "in_kind",
    ] {
        assert!(c.measures.iter().any(|m| m.kind == kind), "no measure of kind {kind}");
    }
    for key in [
        "child.birth",
        "child.care_to_1",
        "child.large_family",
        "child.disability",
        "disability.benefit",
        "carer.benefit",
    ] {
        assert!(c.measure(key).is_some_and(|m| m.proactive), "{key}");
    }
}

#[test]
fn targeted_assistance_splits_on_able_bodied_members() {
    // Below the poverty line (35 596) with a member able to work: conditional.
    let mut p = Profile::zero();
    p.set(Var::Members, 3);
    p.set(Var::IncomePerCapita, 30_000);
    p.set(Var::PovertyLine, 35_596);
    p.set(Var::AbleBodiedMembers, 1);
    assert_eq!(offered(&p), ["asp.conditional"]);
    // No one able to work: unconditional.
    p.set(Var::AbleBodiedMembers, 0);
    assert_eq!(offered(&p), ["asp.unconditional"]);
    // Already receiving it: no offer.
    p.set(Var::TargetedAssistance, 20_000);
    assert!(offered(&p).is_empty());
    // At the line exactly: not below it.
    p.set(Var::TargetedAssistance, 0);
    p.set(Var::IncomePerCapita, 35_596);
    assert!(offered(&p).is_empty());
}

#[test]
fn child_benefits_follow_the_family() {
    let mut b = family(SettlementType::OblastCity);
    let mother = b.member(Role::Head, 30);
    b.wage(mother, 400_000);
    for age in [0, 3, 6, 9] {
        b.member(Role::Child, age);
    }
    let p = Profile::compute(&b.build(), ON, figures());
    let offers = offered(&p);
    assert!(offers.contains(&"child.care_to_1".to_owned()), "{offers:?}");
    assert!(offers.contains(&"child.large_family".to_owned()), "{offers:?}");
    assert!(!offers.iter().any(|o| o.starts_with("asp.")), "{offers:?}");
}

#[test]
fn a_rule_naming_an_unknown_indicator_is_refused_where_it_is() {
    let text =
        DEFAULT_MEASURES.replacen("eligible = \"minors >= 4\"", "eligible = \"kids >= 4\"", 1);
    let err = parse_measures("m.toml", &text).unwrap_err();
    assert_eq!(err.code(), "methodology.expression");
    assert_eq!(err.key, "measure[4].eligible");
    let line = text[..text.find("kids >= 4").unwrap()].matches('\n').count() + 1;
    assert_eq!(err.line, line);
    let text = DEFAULT_MEASURES.replacen("eligible = \"newborns > 0\"\n", "", 1);
    assert_eq!(parse_measures("m.toml", &text).unwrap_err().code(), "measures.proactive_shape");
}
