//! Properties of the engine with the default methodology, over generated families.

use proptest::prelude::*;
use shanyraq_domain::assessment::{FamilyInput, Profile, assess};
use shanyraq_domain::indicators::{EMPLOYMENT_CODES, HOUSING_CODES};
use shanyraq_domain::{PersonId, Role, SettlementType};

use crate::common::*;

#[derive(Debug, Clone)]
struct MemberSpec {
    age: i32,
    status: Option<usize>,
    wage: i64,
    pension: i64,
    debt: bool,
    disability: Option<usize>,
    school: Option<bool>,
    absence: i64,
    insured: Option<bool>,
}

fn member_spec() -> impl Strategy<Value = MemberSpec> {
    (
        0..90i32,
        proptest::option::of(0..EMPLOYMENT_CODES.len()),
        prop_oneof![Just(0i64), 0..600_000i64],
        prop_oneof![Just(0i64), 0..200_000i64],
        any::<bool>(),
        proptest::option::weighted(0.15, 0..4usize),
        proptest::option::of(any::<bool>()),
        0..60i64,
        proptest::option::of(any::<bool>()),
    )
        .prop_map(
            |(age, status, wage, pension, debt, disability, school, absence, insured)| MemberSpec {
                age,
                status,
                wage,
                pension,
                debt,
                disability,
                school,
                absence,
                insured,
            },
        )
}

#[derive(Debug, Clone)]
struct FamilySpec {
    members: Vec<MemberSpec>,
    rural: bool,
    tenure: usize,
    area: i64,
    vehicles: i64,
    real_estate: i64,
    livestock: i64,
    violence: bool,
}

fn family_spec() -> impl Strategy<Value = FamilySpec> {
    (
        proptest::collection::vec(member_spec(), 1..7),
        any::<bool>(),
        0..HOUSING_CODES.len(),
        0..200i64,
        0..3i64,
        0..3i64,
        0..50i64,
        proptest::bool::weighted(0.05),
    )
        .prop_map(
            |(members, rural, tenure, area, vehicles, real_estate, livestock, violence)| {
                FamilySpec {
                    members,
                    rural,
                    tenure,
                    area,
                    vehicles,
                    real_estate,
                    livestock,
                    violence,
                }
            },
        )
}

const DISABILITIES: [shanyraq_domain::Disability; 4] = [
    shanyraq_domain::Disability::Group1,
    shanyraq_domain::Disability::Group2,
    shanyraq_domain::Disability::Group3,
    shanyraq_domain::Disability::Child,
];

fn build(spec: &FamilySpec) -> FamilyInput {
    let settlement =
        if spec.rural { SettlementType::RuralSettlement } else { SettlementType::OblastCity };
    let mut b = family(settlement);
    for (i, m) in spec.members.iter().enumerate() {
        let role = if i == 0 { Role::Head } else { Role::Other };
        let p = b.member(role, m.age);
        if let Some(d) = m.disability {
            b.disability(p, DISABILITIES[d]);
        }
        if let Some(s) = m.status {
            b.status(p, EMPLOYMENT_CODES[s]);
        }
        if m.wage > 0 {
            b.fact(Some(p), "income.wage", money(m.wage));
        }
        if m.pension > 0 {
            b.fact(Some(p), "income.pension", money(m.pension));
        }
        b.fact(Some(p), "debt.overdue_90_days", flag(m.debt));
        if let Some(s) = m.school {
            b.fact(Some(p), "education.school_attached", flag(s));
        }
        b.fact(Some(p), "education.absence_days", count(m.absence));
        if let Some(i) = m.insured {
            b.fact(Some(p), "health.insured", flag(i));
        }
    }
    b.household("housing.tenure", code(HOUSING_CODES[spec.tenure]))
        .household("housing.area_m2", count(spec.area))
        .household("property.vehicle_count", count(spec.vehicles))
        .household("property.real_estate_count", count(spec.real_estate))
        .household("property.livestock_heads", count(spec.livestock))
        .household("police.domestic_violence_report", flag(spec.violence));
    b.build()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn deterministic_and_independent_of_fact_order(spec in family_spec()) {
        let m = default_methodology();
        let input = build(&spec);
        let p = Profile::compute(&input, ON, figures());
        let mut reversed = input.clone();
        reversed.facts.reverse();
        prop_assert_eq!(p, Profile::compute(&reversed, ON, figures()));
        prop_assert_eq!(assess(&p, &m), assess(&p, &m));
    }

    #[test]
    fn every_point_is_accounted_for(spec in family_spec()) {
        let m = default_methodology();
        let a = assess(&Profile::compute(&build(&spec), ON, figures()), &m);
        prop_assert_eq!(a.contributions.iter().map(|c| c.points).sum::<i64>(), a.total);
        prop_assert_eq!(a.score_level, m.cutoffs.level(a.total));
        prop_assert!(a.level >= a.score_level);
        let strictest = a.overrides.iter().map(|o| o.level).max();
        prop_assert_eq!(a.level, strictest.map_or(a.score_level, |l| l.max(a.score_level)));
    }

    #[test]
    fn more_income_never_lowers_the_level(
        spec in family_spec(), who in any::<prop::sample::Index>(), more in 1..400_000i64,
    ) {
        let m = default_methodology();
        let before = assess(&Profile::compute(&build(&spec), ON, figures()), &m);
        let mut richer = spec.clone();
        let i = who.index(richer.members.len());
        richer.members[i].wage += more;
        let after = assess(&Profile::compute(&build(&richer), ON, figures()), &m);
        prop_assert!(after.level <= before.level, "{:?} → {:?}", before.level, after.level);
    }

    #[test]
    fn one_more_employed_member_never_lowers_the_level(
        spec in family_spec(), who in any::<prop::sample::Index>(),
    ) {
        let m = default_methodology();
        let before = assess(&Profile::compute(&build(&spec), ON, figures()), &m);
        let mut working = spec.clone();
        let i = who.index(working.members.len());
        let employed = EMPLOYMENT_CODES.iter().position(|c| *c == "employed");
        prop_assume!(!matches!(working.members[i].status.map(|s| EMPLOYMENT_CODES[s]),
            Some("employed" | "self_employed")));
        working.members[i].status = employed;
        let after = assess(&Profile::compute(&build(&working), ON, figures()), &m);
        prop_assert!(after.level <= before.level, "{:?} → {:?}", before.level, after.level);
    }
}

#[test]
fn facts_of_people_who_left_do_not_count() {
    let mut b = family(SettlementType::OblastCity);
    let p = b.member(Role::Head, 40);
    b.wage(p, 300_000);
    let mut input = b.build();
    input.members[0].until = Some(ON);
    let profile = Profile::compute(&input, ON, figures());
    assert_eq!(profile.get(shanyraq_domain::assessment::Var::Members), 0);
    assert_eq!(profile.get(shanyraq_domain::assessment::Var::IncomeTotal), 0);
    let _ = PersonId(0);
}
