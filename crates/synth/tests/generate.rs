//! The generator on the bundled classifier: determinism, unique IINs, data errors, facts that fit
//! the catalogue, geography, names and ages.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use shanyraq_domain::constants::subsistence_minimum;
use shanyraq_domain::indicators::Subject;
use shanyraq_domain::person::age_on;
use shanyraq_domain::{
    BatchId, Kato, Membership, ObservationValue, Person, PersonId, Role, Sex, territory,
};
use shanyraq_store::{NextIds, PopulationChunk};
use shanyraq_synth::names::{kazakh_patronymic, russian_patronymic, surname_for};
use shanyraq_synth::{DataErrorRates, Generator, GeneratorConfig};
use time::Date;
use time::macros::date;

const AS_OF: Date = date!(2026 - 03 - 01);

fn generate(config: GeneratorConfig) -> PopulationChunk {
    generate_run(config, NextIds::FIRST, BatchId(1)).0
}

/// One run from `start` as import batch `batch`: everything it generated and the next free keys.
fn generate_run(
    config: GeneratorConfig,
    start: NextIds,
    batch: BatchId,
) -> (PopulationChunk, NextIds) {
    let mut generator =
        Generator::new(config, territory::bundled(), territory::bundled_regions(), start, batch)
            .unwrap();
    let mut all = PopulationChunk::default();
    for chunk in generator.by_ref() {
        all.persons.extend(chunk.persons);
        all.families.extend(chunk.families);
        all.memberships.extend(chunk.memberships);
        all.observations.extend(chunk.observations);
    }
    (all, generator.next_ids())
}

fn config(families: u64, seed: u64) -> GeneratorConfig {
    GeneratorConfig::new(families, seed, AS_OF)
}

/// 100,000 families of the whole country, shared by the tests that need a large sample.
fn country() -> &'static PopulationChunk {
    static SAMPLE: OnceLock<PopulationChunk> = OnceLock::new();
    SAMPLE.get_or_init(|| generate(config(100_000, 2026)))
}

fn current(m: &Membership, persons: &HashMap<PersonId, &Person>) -> bool {
    m.until.is_none() && persons[&m.person].death_date.is_none()
}

#[test]
fn same_seed_same_population_whatever_the_chunk_size() {
    let a = generate(config(3_000, 5));
    let b = generate(config(3_000, 5));
    assert_eq!(a, b);
    let c = generate(GeneratorConfig { chunk_families: 7, ..config(3_000, 5) });
    assert_eq!(a, c);
    let other = generate(config(3_000, 6));
    assert_ne!(a.persons, other.persons);
}

#[test]
fn iins_never_repeat() {
    let sample = country();
    let mut seen = HashSet::new();
    let mut texts = HashSet::new();
    for p in &sample.persons {
        if let Some(iin) = p.iin {
            assert!(seen.insert(iin), "IIN {iin} repeats");
            assert!(texts.insert(iin.to_string()));
        }
        if let Some(text) = &p.iin_as_reported {
            assert!(texts.insert(text.clone()), "reported IIN {text} repeats");
        }
    }
    assert!(sample.persons.len() > 300_000, "{} persons", sample.persons.len());
    assert!(seen.len() > 290_000);
}

/// The first eleven digits of every IIN text of a run, valid or with a wrong check digit; each
/// must be new within the run.
fn iin_prefixes(run: &PopulationChunk) -> HashSet<String> {
    let mut prefixes = HashSet::new();
    let texts = run
        .persons
        .iter()
        .flat_map(|p| p.iin.map(|i| i.to_string()).into_iter().chain(p.iin_as_reported.clone()));
    for text in texts {
        assert!(prefixes.insert(text[..11].to_owned()), "{text} repeats within a run");
    }
    prefixes
}

#[test]
fn runs_into_one_database_share_no_iin() {
    let errors = DataErrorRates {
        wrong_check_digit_per_mille: 60,
        structure_mismatch_per_mille: 30,
        missing_iin_per_mille: 10,
    };
    let base = GeneratorConfig { errors, ..config(6_000, 21) };
    let (first, next) = generate_run(base.clone(), NextIds::FIRST, BatchId(1));
    let (again, next) =
        generate_run(base.clone(), NextIds { batch: BatchId(2), ..next }, BatchId(2));
    let (other, _) = generate_run(
        GeneratorConfig { seed: 22, ..base },
        NextIds { batch: BatchId(3), ..next },
        BatchId(3),
    );

    // The same seed gives the same people, so every (birth date, sex) group of the first run is
    // there again in the second, and every wrong-check-digit draw too.
    let people = |run: &PopulationChunk| {
        run.persons
            .iter()
            .map(|p| (p.birth_date, p.sex, p.iin_as_reported.is_some()))
            .collect::<Vec<_>>()
    };
    assert_eq!(people(&first), people(&again));
    assert!(first.persons.iter().filter(|p| p.iin_as_reported.is_some()).count() > 500);

    // No IIN text of one run shares even its first eleven digits with one of another: no valid
    // IIN repeats, and no wrong-check-digit text is a mistyped IIN of somebody else.
    let runs = [iin_prefixes(&first), iin_prefixes(&again), iin_prefixes(&other)];
    for (i, a) in runs.iter().enumerate() {
        assert!(a.len() > 18_000, "{}", a.len());
        for b in &runs[i + 1..] {
            let shared: Vec<_> = a.intersection(b).take(3).collect();
            assert!(shared.is_empty(), "runs share IIN prefixes {shared:?}");
        }
    }
}

#[test]
fn data_errors_have_the_configured_shares() {
    let errors = DataErrorRates {
        wrong_check_digit_per_mille: 20,
        structure_mismatch_per_mille: 15,
        missing_iin_per_mille: 25,
    };
    let sample = generate(GeneratorConfig { errors, ..config(30_000, 9) });
    let n = sample.persons.len() as f64;
    let (mut wrong, mut mismatch, mut missing) = (0.0, 0.0, 0.0);
    for p in &sample.persons {
        match (&p.iin, &p.iin_as_reported) {
            (None, Some(text)) => {
                assert_eq!(
                    text.parse::<shanyraq_domain::Iin>().unwrap_err().code(),
                    "iin.check_digit"
                );
                wrong += 1.0;
            }
            (None, None) => missing += 1.0,
            (Some(iin), None) => {
                if !iin.mismatches(Some(p.birth_date), Some(p.sex)).is_empty() {
                    mismatch += 1.0;
                }
            }
            (Some(_), Some(_)) => panic!("a valid IIN needs no reported text"),
        }
    }
    for (name, got, want) in [
        ("wrong", wrong / n, 0.020),
        ("mismatch", mismatch / n, 0.015),
        ("missing", missing / n, 0.025),
    ] {
        assert!((got - want).abs() < want * 0.2, "{name}: {got} vs {want}");
    }
}

#[test]
fn valid_iins_agree_with_the_person_except_the_mismatch_share() {
    let sample = generate(config(20_000, 3));
    let with_iin: Vec<_> = sample.persons.iter().filter(|p| p.iin.is_some()).collect();
    let disagree = with_iin
        .iter()
        .filter(|p| !p.iin.unwrap().mismatches(Some(p.birth_date), Some(p.sex)).is_empty())
        .count() as f64;
    let share = disagree / with_iin.len() as f64;
    // The default is 3 per mille.
    assert!((0.0015..0.0045).contains(&share), "{share}");
    let none = generate(GeneratorConfig { errors: DataErrorRates::NONE, ..config(5_000, 3) });
    for p in &none.persons {
        let iin = p.iin.expect("no errors configured");
        assert!(iin.mismatches(Some(p.birth_date), Some(p.sex)).is_empty());
    }
}

#[test]
fn at_least_twenty_facts_per_family_all_fitting_the_catalogue() {
    let sample = generate(config(5_000, 11));
    let per_family = sample.observations.len() as f64 / sample.families.len() as f64;
    println!("observations per family: {per_family:.1}");
    assert!(per_family >= 20.0, "{per_family}");
    let members: HashSet<(i64, i64)> =
        sample.memberships.iter().map(|m| (m.family.0, m.person.0)).collect();
    let births: HashMap<_, _> = sample.persons.iter().map(|p| (p.id, p.birth_date)).collect();
    let mut keys = HashSet::new();
    for o in &sample.observations {
        let def = o.indicator.def();
        keys.insert(def.key);
        assert_eq!(o.value.kind(), def.kind, "{}", def.key);
        if let ObservationValue::Code(c) = &o.value {
            assert!(def.codes.contains(&c.as_str()), "{} = {c}", def.key);
        }
        assert_eq!(o.source, def.source, "{}", def.key);
        assert_eq!(o.person.is_some(), def.subject == Subject::Person, "{}", def.key);
        if let Some(p) = o.person {
            assert!(members.contains(&(o.family.0, p.0)), "{} for a non-member", def.key);
            assert!(o.valid_from >= births[&p], "{} valid before birth", def.key);
        }
        assert_eq!(o.batch, BatchId(1));
        assert!(o.observed_at <= AS_OF && o.observed_at >= date!(2025 - 08 - 01), "{o:?}");
        assert!(o.valid_from <= o.observed_at, "{o:?}");
        assert!(o.valid_until.is_none_or(|u| u > o.valid_from), "{o:?}");
        if let ObservationValue::Money(t) = o.value {
            assert!(t.0 >= 0);
        }
        if let ObservationValue::Count(c) = o.value {
            assert!(c >= 0);
        }
    }
    // Nearly the whole catalogue is in use.
    assert!(keys.len() >= 27, "{keys:?}");
}

#[test]
fn a_territory_filter_keeps_families_in_its_subtree() {
    for code in ["630000000", "194000000", "111010000", "751210000", "103230000"] {
        let root: Kato = code.parse().unwrap();
        let sample = generate(GeneratorConfig { region: Some(root), ..config(2_000, 4) });
        assert_eq!(sample.families.len(), 2_000);
        for f in &sample.families {
            assert!(root.contains(f.address.territory), "{} outside {root}", f.address.territory);
            let t = territory::bundled().get(f.address.territory).unwrap();
            assert_eq!(t.settlement_type, f.settlement_type);
        }
    }
}

#[test]
fn regions_follow_population_and_most_families_are_urban() {
    let sample = country();
    let regions = territory::bundled_regions();
    let total_population: u64 = regions.iter().map(|r| r.population).sum();
    let mut counts: HashMap<u32, usize> = HashMap::new();
    for f in &sample.families {
        *counts.entry(f.address.territory.ab()).or_default() += 1;
    }
    let n = sample.families.len() as f64;
    for r in regions {
        let want = r.population as f64 / total_population as f64;
        let got = counts.get(&r.code.ab()).copied().unwrap_or(0) as f64 / n;
        assert!((got - want).abs() < want * 0.12, "region {}: {got:.4} vs {want:.4}", r.code);
    }
    let urban = sample.families.iter().filter(|f| f.settlement_type.is_urban()).count() as f64 / n;
    println!("urban families: {:.1} %", urban * 100.0);
    assert!((0.55..0.70).contains(&urban), "{urban}");
    // Every place is a leaf below region level: a place to live.
    let tree = territory::bundled();
    for f in sample.families.iter().take(5_000) {
        assert!(tree.children(f.address.territory).next().is_none());
        assert!(f.address.street.is_some() && f.address.house.is_some());
    }
}

#[test]
fn names_patronymics_and_surnames_follow_the_father() {
    let sample = country();
    let persons: HashMap<_, _> = sample.persons.iter().map(|p| (p.id, p)).collect();
    let mut by_family: HashMap<i64, Vec<&Membership>> = HashMap::new();
    for m in &sample.memberships {
        by_family.entry(m.family.0).or_default().push(m);
    }
    let (mut checked, mut kazakh_style) = (0, 0);
    for members in by_family.values() {
        // The father of the children: the male head or spouse of a couple with children.
        let parents: Vec<&Person> = members
            .iter()
            .filter(|m| matches!(m.role, Role::Head | Role::Spouse))
            .map(|m| persons[&m.person])
            .collect();
        let Some(father) = parents.iter().find(|p| p.sex == Sex::Male) else { continue };
        for m in members.iter().filter(|m| m.role == Role::Child) {
            let child = persons[&m.person];
            assert_eq!(child.name.last, surname_for(&father.name.last, child.sex));
            let Some(p) = &child.name.patronymic else { continue };
            let russian = russian_patronymic(&father.name.first, child.sex);
            let kazakh = kazakh_patronymic(&father.name.first, child.sex);
            assert!(*p == russian || *p == kazakh, "{p} from {}", father.name.first);
            kazakh_style += usize::from(*p == kazakh);
            checked += 1;
        }
    }
    assert!(checked > 50_000, "{checked}");
    let share = kazakh_style as f64 / checked as f64;
    assert!((0.1..0.3).contains(&share), "Kazakh-style share {share}");
    let kazakh_letters = "әғқңөұүһіӘҒҚҢӨҰҮҺІ";
    let with_letters = sample
        .persons
        .iter()
        .filter(|p| p.name.first.contains(|c| kazakh_letters.contains(c)))
        .count();
    assert!(with_letters > sample.persons.len() / 5);
}

#[test]
fn ages_fit_roles() {
    let sample = country();
    let persons: HashMap<_, _> = sample.persons.iter().map(|p| (p.id, p)).collect();
    let mut by_family: HashMap<i64, Vec<&Membership>> = HashMap::new();
    for m in &sample.memberships {
        by_family.entry(m.family.0).or_default().push(m);
    }
    assert_eq!(by_family.len(), sample.families.len());
    let years = |older: Date, younger: Date| age_on(older, younger);
    for members in by_family.values() {
        let heads: Vec<_> =
            members.iter().filter(|m| m.role == Role::Head && current(m, &persons)).collect();
        assert_eq!(heads.len(), 1, "{members:?}");
        let head = persons[&heads[0].person];
        assert!(head.age_on(AS_OF) >= 18);
        for m in members {
            let p = persons[&m.person];
            assert!(p.birth_date < AS_OF && m.from >= p.birth_date && m.from <= AS_OF);
            assert!(m.until.is_none_or(|u| u > m.from && u <= AS_OF));
            if let Some(death) = p.death_date {
                assert!(death > p.birth_date && death <= AS_OF);
                assert_eq!(m.until, Some(death), "a deceased member's membership ends");
            }
            match m.role {
                Role::Spouse => {
                    assert!(years(p.birth_date, m.from) >= 18, "spouse married under 18");
                    assert!(years(head.birth_date, m.from) >= 18 || head.sex == p.sex);
                }
                Role::Child => {
                    let gap = years(head.birth_date, p.birth_date);
                    let limit = if head.sex == Sex::Female { 45 } else { 56 };
                    assert!((18..=limit).contains(&gap), "head {gap} years older than child");
                }
                Role::Parent => {
                    let gap = years(p.birth_date, head.birth_date);
                    assert!((18..=56).contains(&gap), "parent {gap} years older than head");
                }
                Role::Head | Role::Other => {}
            }
        }
    }
    // Employment agrees with age and sex.
    for o in sample.observations.iter().filter(|o| o.indicator.as_str() == "employment.status") {
        let p = persons[&o.person.unwrap()];
        let age = p.age_on(AS_OF);
        let pension_age = if p.sex == Sex::Male { 63 } else { 61 };
        let ObservationValue::Code(status) = &o.value else { panic!("{o:?}") };
        match status.as_str() {
            "retired" => assert!(age >= pension_age, "retired at {age}"),
            "student" => assert!((18..=22).contains(&age), "student at {age}"),
            "childcare_leave" => assert_eq!(p.sex, Sex::Female),
            _ => assert!(age >= 18),
        }
    }
}

#[test]
fn rates_are_realistic_and_poverty_is_where_it_should_be() {
    let sample = country();
    let persons: HashMap<_, _> = sample.persons.iter().map(|p| (p.id, p)).collect();
    let living: Vec<_> = sample.memberships.iter().filter(|m| current(m, &persons)).collect();
    let disabled = living.iter().filter(|m| persons[&m.person].disability.is_some()).count() as f64;
    let disability = disabled / living.len() as f64;
    assert!((0.03..0.046).contains(&disability), "disability {disability}");

    let flag_share = |key: &str| {
        let (t, n) = sample
            .observations
            .iter()
            .filter(|o| o.indicator.as_str() == key)
            .fold((0usize, 0usize), |(t, n), o| {
                (t + usize::from(o.value == ObservationValue::Flag(true)), n + 1)
            });
        t as f64 / n as f64
    };
    let within = |key: &str, lo: f64, hi: f64| {
        let s = flag_share(key);
        assert!((lo..hi).contains(&s), "{key}: {s}");
    };
    within("health.clinic_attached", 0.95, 0.99);
    within("education.kindergarten_attached", 0.78, 0.90);
    within("education.school_attached", 0.975, 0.995);
    within("debt.overdue_90_days", 0.07, 0.13);
    let families = sample.families.len() as f64;
    let violence = sample
        .observations
        .iter()
        .filter(|o| o.indicator.as_str() == "police.domestic_violence_report")
        .count() as f64
        / families;
    assert!((0.003..0.008).contains(&violence), "domestic violence {violence}");

    // Per-capita income against the ПМ, and where the poor live.
    let pm = subsistence_minimum(AS_OF, None).unwrap().0 as f64;
    let mut income: HashMap<i64, f64> = HashMap::new();
    for o in &sample.observations {
        if o.indicator.as_str().starts_with("income.")
            && let ObservationValue::Money(t) = o.value
        {
            *income.entry(o.family.0).or_default() += t.0 as f64;
        }
    }
    let mut size: HashMap<i64, f64> = HashMap::new();
    for m in &living {
        *size.entry(m.family.0).or_default() += 1.0;
    }
    let per_capita = |f: i64| income.get(&f).copied().unwrap_or(0.0) / size[&f] / pm;
    let bands = sample.families.iter().fold([0.0f64; 3], |mut b, f| {
        let pc = per_capita(f.id.0);
        b[if pc < 1.0 {
            0
        } else if pc < 4.0 {
            1
        } else {
            2
        }] += 1.0 / families;
        b
    });
    println!("per capita below ПМ {:.3}, 1–4 ПМ {:.3}, 4+ ПМ {:.3}", bands[0], bands[1], bands[2]);
    assert!((0.08..0.25).contains(&bands[0]), "{bands:?}");
    assert!(bands[1] > 0.55, "{bands:?}");
    assert!((0.03..0.25).contains(&bands[2]), "{bands:?}");
    let poor_share = |pred: &dyn Fn(&shanyraq_domain::Family) -> bool| {
        let fs: Vec<_> = sample.families.iter().filter(|f| pred(f)).collect();
        fs.iter().filter(|f| per_capita(f.id.0) < 1.0).count() as f64 / fs.len() as f64
    };
    let rural_south = poor_share(&|f| {
        !f.settlement_type.is_urban() && [61, 31, 43].contains(&f.address.territory.ab())
    });
    let capital = poor_share(&|f| f.address.territory.ab() == 71);
    assert!(rural_south > 2.0 * capital, "rural south {rural_south}, Astana {capital}");
}
