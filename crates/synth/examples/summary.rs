//! Prints what a generated sample looks like: shapes, sizes, incomes against the ПМ, rates of
//! the main facts. For checking the generator's realism by eye.
//!
//! `cargo run --release -p shanyraq-synth --example summary -- [FAMILIES] [SEED] [REGION]`

use std::collections::{BTreeMap, HashMap};

use shanyraq_domain::constants::subsistence_minimum;
use shanyraq_domain::person::age_on;
use shanyraq_domain::{BatchId, Kato, ObservationValue, territory};
use shanyraq_store::NextIds;
use shanyraq_synth::{Generator, GeneratorConfig};
use time::macros::date;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let families: u64 = args.next().map_or(Ok(50_000), |a| a.parse())?;
    let seed: u64 = args.next().map_or(Ok(1), |a| a.parse())?;
    let region: Option<Kato> = args.next().map(|a| a.parse()).transpose()?;
    let as_of = date!(2026 - 03 - 01);
    let config = GeneratorConfig { region, ..GeneratorConfig::new(families, seed, as_of) };
    let generator = Generator::new(
        config,
        territory::bundled(),
        territory::bundled_regions(),
        NextIds::FIRST,
        BatchId(1),
    )?;
    let pm = subsistence_minimum(as_of, None).map_or(1, |t| t.0) as f64;

    let mut persons = 0usize;
    let mut observations = 0usize;
    let mut current_members = 0usize;
    let mut by_region: BTreeMap<u32, u64> = BTreeMap::new();
    let mut urban = 0u64;
    let mut bands = [0u64; 5]; // <0.7, 0.7–1, 1–2, 2–4, ≥4 ПМ per capita
    let mut counts: HashMap<&'static str, (u64, u64)> = HashMap::new(); // key → (true, total)
    let mut codes: HashMap<String, u64> = HashMap::new();
    let mut disabled = 0u64;
    let mut sizes: BTreeMap<usize, u64> = BTreeMap::new();
    let mut poor_by_size: BTreeMap<usize, u64> = BTreeMap::new();
    let mut no_one_works = 0u64;
    let mut kids_out_30 = 0u64;
    let mut sample_line = None;
    for chunk in generator {
        persons += chunk.persons.len();
        observations += chunk.observations.len();
        let dead: HashMap<_, _> =
            chunk.persons.iter().map(|p| (p.id, p.death_date.is_some())).collect();
        let mut members: HashMap<_, usize> = HashMap::new();
        for m in &chunk.memberships {
            if m.until.is_none() && !dead[&m.person] {
                *members.entry(m.family).or_default() += 1;
            }
        }
        for f in &chunk.families {
            *by_region.entry(f.address.territory.ab()).or_default() += 1;
            urban += u64::from(f.settlement_type.is_urban());
            let n = members.get(&f.id).copied().unwrap_or(1);
            current_members += n;
            *sizes.entry(n).or_default() += 1;
        }
        disabled += chunk.persons.iter().filter(|p| p.disability.is_some()).count() as u64;
        let mut income: HashMap<_, f64> = HashMap::new();
        let mut working: HashMap<_, bool> = HashMap::new();
        for o in &chunk.observations {
            let key = o.indicator.as_str();
            working.entry(o.family).or_insert(false);
            if key.starts_with("income.")
                && let ObservationValue::Money(t) = o.value
            {
                *income.entry(o.family).or_default() += t.0 as f64;
            }
            match &o.value {
                ObservationValue::Flag(b) => {
                    let e = counts.entry(key).or_default();
                    e.0 += u64::from(*b);
                    e.1 += 1;
                }
                ObservationValue::Code(c) => {
                    *codes.entry(format!("{key}={c}")).or_default() += 1;
                    if key == "employment.status" && (c == "employed" || c == "self_employed") {
                        working.insert(o.family, true);
                    }
                }
                ObservationValue::Count(c) if key == "education.absence_days" && *c >= 30 => {
                    kids_out_30 += 1
                }
                _ => {}
            }
        }
        no_one_works += working.values().filter(|w| !**w).count() as u64;
        for f in &chunk.families {
            let n = members.get(&f.id).copied().unwrap_or(1) as f64;
            let pc = income.get(&f.id).copied().unwrap_or(0.0) / n / pm;
            let band = match pc {
                x if x < 0.7 => 0,
                x if x < 1.0 => 1,
                x if x < 2.0 => 2,
                x if x < 4.0 => 3,
                _ => 4,
            };
            bands[band] += 1;
            if pc < 1.0 {
                *poor_by_size.entry(n as usize).or_default() += 1;
            }
        }
        if sample_line.is_none()
            && let Some(f) = chunk.families.iter().find(|f| members.get(&f.id).copied() >= Some(4))
        {
            let names: Vec<String> = chunk
                .memberships
                .iter()
                .filter(|m| m.family == f.id && m.until.is_none())
                .filter_map(|m| {
                    chunk.persons.iter().find(|p| p.id == m.person).map(|p| (m.role, p))
                })
                .map(|(r, p)| {
                    format!("{} ({}, {})", p.name.full(), r.code(), age_on(p.birth_date, as_of))
                })
                .collect();
            sample_line = Some(format!(
                "{} {}: {}; income {:.0} ₸/month",
                f.address.territory,
                f.address.street.clone().unwrap_or_default(),
                names.join(", "),
                income.get(&f.id).copied().unwrap_or(0.0)
            ));
        }
    }
    let fam = families.max(1) as f64;
    println!(
        "families {families}, persons {persons} ({:.2}/family, {:.2} current), observations {observations} ({:.1}/family)",
        persons as f64 / fam,
        current_members as f64 / fam,
        observations as f64 / fam
    );
    println!("urban families {:.1} %", 100.0 * urban as f64 / fam);
    println!(
        "per-capita income (ПМ): <0.7 {:.1} %, 0.7–1 {:.1} %, 1–2 {:.1} %, 2–4 {:.1} %, ≥4 {:.1} %",
        100.0 * bands[0] as f64 / fam,
        100.0 * bands[1] as f64 / fam,
        100.0 * bands[2] as f64 / fam,
        100.0 * bands[3] as f64 / fam,
        100.0 * bands[4] as f64 / fam
    );
    println!("below ПМ by household size: {poor_by_size:?}");
    println!("families where no one works {:.1} %", 100.0 * no_one_works as f64 / fam);
    println!(
        "disabled persons {:.2} % of all persons",
        100.0 * disabled as f64 / persons.max(1) as f64
    );
    println!("school children absent 30+ days: {kids_out_30}");
    println!("household sizes: {sizes:?}");
    let mut flags: Vec<_> = counts.into_iter().collect();
    flags.sort();
    for (k, (t, n)) in flags {
        println!("  {k}: {:.2} % true of {n}", 100.0 * t as f64 / n as f64);
    }
    let mut codes: Vec<_> = codes.into_iter().collect();
    codes.sort();
    for (k, n) in codes {
        println!("  {k}: {n}");
    }
    println!("by region: {by_region:?}");
    if let Some(line) = sample_line {
        println!("sample: {line}");
    }
    Ok(())
}
