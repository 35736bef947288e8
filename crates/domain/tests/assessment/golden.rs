//! Golden families: one per level and one per override, each total computed by hand from the
//! default methodology (ПМ 50 851 ₸ on 30.11.2026, poverty line 35 596 ₸).

use shanyraq_domain::access::{Category, CategorySet};
use shanyraq_domain::assessment::{
    Assessment, Audience, Lang, Level, LineKind, Profile, assess, explain, without_hidden,
};
use shanyraq_domain::{Disability, Role, SettlementType};

use crate::common::*;

fn run(b: &Builder) -> (Assessment, Vec<(String, i64)>, Vec<String>) {
    let m = default_methodology();
    let profile = Profile::compute(&b.build(), ON, figures());
    let a = assess(&profile, &m);
    let points = a
        .contributions
        .iter()
        .map(|c| (m.rules[usize::from(c.rule)].key.clone(), c.points))
        .collect();
    let overrides =
        a.overrides.iter().map(|o| m.overrides[usize::from(o.rule)].key.clone()).collect();
    (a, points, overrides)
}

fn pts(list: &[(&str, i64)]) -> Vec<(String, i64)> {
    list.iter().map(|(k, p)| ((*k).to_owned(), *p)).collect()
}

/// Urban couple, both working, two cars, two properties, 80 m².
fn well_off() -> Builder {
    let mut b = family(SettlementType::OblastCity);
    let head = b.member(Role::Head, 40);
    let spouse = b.member(Role::Spouse, 38);
    b.wage(head, 250_000).wage(spouse, 250_000);
    b.household("property.vehicle_count", count(2))
        .household("property.real_estate_count", count(2))
        .household("housing.area_m2", count(80))
        .household("housing.tenure", code("own"));
    b
}

#[test]
fn level_a() {
    // 250 000 per head > 4 ПМ: 620; two working: 300; two cars: 300; two properties: 500;
    // 40 m² per head: 100. 1 820 ≥ 1 800.
    let (a, points, overrides) = run(&well_off());
    assert_eq!(
        points,
        pts(&[
            ("income.per_capita", 620),
            ("property.vehicles", 300),
            ("property.real_estate", 500),
            ("employment.working_members", 300),
            ("housing.area_per_capita", 100),
        ])
    );
    assert_eq!((a.total, a.score_level, a.level), (1820, Level::A, Level::A));
    assert!(overrides.is_empty());
}

/// Couple with a schoolchild, one car, their own flat.
fn sufficient() -> Builder {
    let mut b = family(SettlementType::OblastCity);
    let head = b.member(Role::Head, 40);
    let spouse = b.member(Role::Spouse, 38);
    let child = b.member(Role::Child, 10);
    b.wage(head, 200_000).wage(spouse, 150_000);
    b.fact(Some(child), "education.school_attached", flag(true)).fact(
        Some(child),
        "education.absence_days",
        count(2),
    );
    b.household("property.vehicle_count", count(1))
        .household("property.real_estate_count", count(1))
        .household("housing.area_m2", count(70));
    b
}

#[test]
fn level_b() {
    // 350 000 / 3 = 116 666, 2–3 ПМ: 280; two working: 300; a car: 100; own home: 100 → 780.
    let (a, points, _) = run(&sufficient());
    assert_eq!(
        points,
        pts(&[
            ("income.per_capita", 280),
            ("property.vehicles", 100),
            ("property.real_estate", 100),
            ("employment.working_members", 300),
        ])
    );
    assert_eq!((a.total, a.level), (780, Level::B));
}

/// Single mother with two children, renting.
fn needy() -> (Builder, shanyraq_domain::PersonId) {
    let mut b = family(SettlementType::OblastCity);
    let mother = b.member(Role::Head, 32);
    let young = b.member(Role::Child, 5);
    let pupil = b.member(Role::Child, 9);
    b.wage(mother, 120_000);
    b.fact(Some(young), "education.kindergarten_attached", flag(true))
        .fact(Some(pupil), "education.school_attached", flag(true))
        .fact(Some(pupil), "education.absence_days", count(3));
    b.household("housing.area_m2", count(45)).household("housing.tenure", code("rent"));
    (b, pupil)
}

#[test]
fn level_c() {
    // 40 000 per head, ¼–1 ПМ: 100; one working: 100 → 200.
    let (a, points, overrides) = run(&needy().0);
    assert_eq!(points, pts(&[("income.per_capita", 100), ("employment.working_members", 100)]));
    assert_eq!((a.total, a.level), (200, Level::C));
    assert!(overrides.is_empty());
}

#[test]
fn level_d() {
    // Rural pensioners, the husband with a group 2 disability: 70 000 per head, 1–2 ПМ: 170;
    // no one able to work: −100; disability: −250; rural: −70; own home: 100 → −150.
    let mut b = family(SettlementType::RuralSettlement);
    let husband = b.member(Role::Head, 70);
    let wife = b.member(Role::Spouse, 68);
    b.disability(husband, Disability::Group2);
    for p in [husband, wife] {
        b.fact(Some(p), "income.pension", money(70_000)).status(p, "retired");
    }
    b.household("property.real_estate_count", count(1)).household("housing.area_m2", count(60));
    let (a, points, overrides) = run(&b);
    assert_eq!(
        points,
        pts(&[
            ("income.per_capita", 170),
            ("property.real_estate", 100),
            ("employment.no_able_bodied", -100),
            ("disability.adults_group_1_2", -250),
            ("settlement.rural", -70),
        ])
    );
    assert_eq!((a.total, a.level), (-150, Level::D));
    assert!(overrides.is_empty());
}

#[test]
fn level_e() {
    // Rural, alone, registered unemployed, no income, debt overdue: no income: 0; debts: −500;
    // registered unemployed: −50; rural: −70 → −620 < −458. The poverty override (D) holds too
    // but asks for less than the points give.
    let mut b = family(SettlementType::RuralSettlement);
    let p = b.member(Role::Head, 40);
    b.status(p, "unemployed_registered").fact(Some(p), "debt.overdue_90_days", flag(true));
    b.household("housing.tenure", code("relatives"));
    let (a, points, overrides) = run(&b);
    assert_eq!(
        points,
        pts(&[
            ("income.per_capita", 0),
            ("debt.all_adults_overdue", -500),
            ("employment.registered_unemployed", -50),
            ("settlement.rural", -70),
        ])
    );
    assert_eq!((a.total, a.score_level, a.level), (-620, Level::E, Level::E));
    assert_eq!(overrides, ["poor_without_work"]);
}

#[test]
fn override_domestic_violence() {
    let (mut b, _) = needy();
    b.household("police.domestic_violence_report", flag(true));
    let (a, _, overrides) = run(&b);
    assert_eq!((a.total, a.score_level, a.level), (200, Level::C, Level::E));
    assert_eq!(overrides, ["domestic_violence"]);
}

#[test]
fn override_out_of_school() {
    let (mut b, pupil) = needy();
    b.fact(Some(pupil), "education.absence_days", count(31));
    let (a, _, overrides) = run(&b);
    assert_eq!((a.score_level, a.level), (Level::C, Level::E));
    assert_eq!(overrides, ["out_of_school"]);
}

#[test]
fn override_homeless() {
    // 100 000, 1–2 ПМ: 170; one working: 100; no housing: −200 → 70 (C), and E by override.
    let mut b = family(SettlementType::OblastCity);
    let p = b.member(Role::Head, 30);
    b.wage(p, 100_000).household("housing.tenure", code("none"));
    let (a, _, overrides) = run(&b);
    assert_eq!((a.total, a.score_level, a.level), (70, Level::C, Level::E));
    assert_eq!(overrides, ["homeless"]);
}

#[test]
fn override_poor_without_work() {
    // A mother on childcare leave with 60 000 of benefits for three: 20 000, ¼–1 ПМ: 100 (C);
    // under the poverty line with no one working: at least D.
    let mut b = family(SettlementType::OblastCity);
    let mother = b.member(Role::Head, 30);
    let _baby = b.member(Role::Child, 1);
    let small = b.member(Role::Child, 4);
    b.status(mother, "childcare_leave").fact(Some(mother), "income.benefit", money(60_000));
    b.fact(Some(small), "education.kindergarten_attached", flag(true));
    let (a, _, overrides) = run(&b);
    assert_eq!((a.total, a.score_level, a.level), (100, Level::C, Level::D));
    assert_eq!(overrides, ["poor_without_work"]);
}

#[test]
fn explanations_read_as_plain_sentences_in_three_languages() {
    let mut b = family(SettlementType::OblastCity);
    let p = b.member(Role::Head, 45);
    b.wage(p, 12_400);
    let m = default_methodology();
    let a = assess(&Profile::compute(&b.build(), ON, figures()), &m);
    let en = explain(&a, &m, Lang::En, Audience::Worker);
    let texts: Vec<&str> = en.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "One family member works: +100 points",
            "Income per family member is below a quarter of the subsistence minimum \
             (12,400\u{a0}₸ of 50,851\u{a0}₸): +40 points",
        ]
    );
    assert_eq!(en.summary, "The family scores +140 points: level “C — signs of need”.");
    let ru = explain(&a, &m, Lang::Ru, Audience::Worker);
    assert_eq!(
        ru.lines[1].text,
        "Доход на члена семьи ниже четверти прожиточного минимума \
         (12\u{a0}400\u{a0}₸ при минимуме 50\u{a0}851\u{a0}₸): +40 баллов"
    );
    let kk = explain(&a, &m, Lang::Kk, Audience::Worker);
    assert!(kk.lines[0].text.ends_with("+100 ұпай"), "{}", kk.lines[0].text);
    assert!(kk.summary.contains("«C — қанағаттанарлық емес»"), "{}", kk.summary);
}

#[test]
fn overrides_come_first_and_families_read_their_own_words() {
    let (mut b, _) = needy();
    b.household("police.domestic_violence_report", flag(true));
    let m = default_methodology();
    let a = assess(&Profile::compute(&b.build(), ON, figures()), &m);
    let worker = explain(&a, &m, Lang::En, Audience::Worker);
    assert_eq!(worker.lines[0].kind, LineKind::Override);
    assert_eq!(
        worker.lines[0].text,
        "Level no better than “E — emergency”: There is an open report of domestic violence"
    );
    let family = explain(&a, &m, Lang::En, Audience::Family);
    assert!(!family.lines[0].text.contains("violence"), "{}", family.lines[0].text);
    assert!(family.summary.contains("special circumstance"));
}

#[test]
fn readers_without_a_category_grant_get_no_line_resting_on_it() {
    let (mut b, _) = needy();
    b.household("police.domestic_violence_report", flag(true));
    let m = default_methodology();
    let a = assess(&Profile::compute(&b.build(), ON, figures()), &m);
    let all = explain(&a, &m, Lang::En, Audience::Worker);
    let granted = CategorySet::of([Category::Violence, Category::Health, Category::Disability]);
    let worker = Audience::Worker;
    assert_eq!(without_hidden(all.clone(), &m, granted, worker), all, "a full grant sees all");
    let plain = without_hidden(all.clone(), &m, CategorySet::EMPTY, worker);
    assert!(plain.lines.iter().all(|l| !l.text.contains("violence")), "{plain:?}");
    assert!(plain.lines.len() < all.lines.len());
    assert_eq!(plain.summary, all.summary, "the level itself may be known");
    // Lines of other categories are unaffected by the violence grant.
    let violence_only =
        without_hidden(all.clone(), &m, CategorySet::of([Category::Violence]), worker);
    assert_eq!(violence_only.lines[0], all.lines[0]);
    // The family's own wording of the override was written for them, and stays.
    let family = explain(&a, &m, Lang::En, Audience::Family);
    let kept = without_hidden(family.clone(), &m, CategorySet::EMPTY, Audience::Family);
    assert_eq!(kept.lines[0], family.lines[0]);
    assert!(!kept.lines[0].text.contains("violence"));
}
