//! Unit tests of the whole generator on the small hand-made tree.

use shanyraq_domain::{BatchId, Role};
use shanyraq_store::{NextIds, PopulationChunk};
use time::macros::date;

use crate::{DataErrorRates, Generator, GeneratorConfig, SynthError, testkit};

fn run(config: GeneratorConfig) -> Vec<PopulationChunk> {
    let tree = testkit::tree();
    let regions = testkit::regions();
    Generator::new(config, &tree, &regions, NextIds::FIRST, BatchId(1)).unwrap().collect()
}

fn config(families: u64) -> GeneratorConfig {
    GeneratorConfig::new(families, 7, date!(2026 - 03 - 01))
}

#[test]
fn zero_families_yield_nothing() {
    assert!(run(config(0)).is_empty());
}

#[test]
fn chunks_have_the_configured_size() {
    let chunks = run(GeneratorConfig { chunk_families: 40, ..config(100) });
    let sizes: Vec<usize> = chunks.iter().map(|c| c.families.len()).collect();
    assert_eq!(sizes, vec![40, 40, 20]);
    let ids: Vec<i64> = chunks.iter().flat_map(|c| c.families.iter().map(|f| f.id.0)).collect();
    assert_eq!(ids, (1..=100).collect::<Vec<_>>());
    let persons: Vec<i64> = chunks.iter().flat_map(|c| c.persons.iter().map(|p| p.id.0)).collect();
    assert_eq!(persons, (1..=persons.len() as i64).collect::<Vec<_>>());
    for c in &chunks {
        assert!(c.memberships.iter().filter(|m| m.role == Role::Head).count() >= c.families.len());
    }
}

#[test]
fn bad_configurations_are_refused() {
    let tree = testkit::tree();
    let regions = testkit::regions();
    let new = |c: GeneratorConfig| {
        Generator::new(c, &tree, &regions, NextIds::FIRST, BatchId(1)).map(|_| ()).unwrap_err()
    };
    let too_many = DataErrorRates {
        wrong_check_digit_per_mille: 600,
        structure_mismatch_per_mille: 300,
        missing_iin_per_mille: 200,
    };
    assert_eq!(
        new(GeneratorConfig { errors: too_many, ..config(1) }).code(),
        "synth.error_rates_too_high"
    );
    assert_eq!(new(GeneratorConfig { chunk_families: 0, ..config(1) }), SynthError::ZeroChunkSize);
    assert_eq!(
        new(GeneratorConfig { as_of: date!(2023 - 06 - 30), ..config(1) }).code(),
        "synth.no_mrp"
    );
    assert_eq!(
        new(GeneratorConfig { as_of: date!(2100 - 01 - 01), ..config(1) }).code(),
        "synth.as_of_out_of_range"
    );
    assert_eq!(
        new(GeneratorConfig { families: u64::MAX, ..config(1) }).code(),
        "synth.id_overflow"
    );
    let region = Some("119900000".parse().unwrap());
    assert_eq!(new(GeneratorConfig { region, ..config(1) }).code(), "synth.unknown_territory");
    let empty = Some("150000000".parse().unwrap());
    assert_eq!(
        new(GeneratorConfig { region: empty, ..config(1) }).code(),
        "synth.no_place_to_live"
    );
    // A valid configuration with zero families still checks its region.
    assert_eq!(
        new(GeneratorConfig { region: empty, ..config(0) }).code(),
        "synth.no_place_to_live"
    );
}

#[test]
fn next_ids_follow_the_output() {
    let tree = testkit::tree();
    let regions = testkit::regions();
    let start = NextIds {
        person: shanyraq_domain::PersonId(1000),
        family: shanyraq_domain::FamilyId(50),
        batch: BatchId(3),
    };
    let mut g = Generator::new(config(10), &tree, &regions, start, BatchId(2)).unwrap();
    let chunk = g.next().unwrap();
    assert!(g.next().is_none());
    let after = g.next_ids();
    assert_eq!(after.family.0, 60);
    assert_eq!(after.person.0, 1000 + chunk.persons.len() as i64);
    assert_eq!(after.batch, BatchId(3));
    assert_eq!(chunk.families[0].id.0, 50);
    assert!(chunk.observations.iter().all(|o| o.batch == BatchId(2)));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

    /// Any seed, any chunk size: the same families, persons and facts.
    #[test]
    fn chunking_never_changes_the_output(seed in proptest::prelude::any::<u64>(), families in 0u64..60, chunk in 1usize..25) {
        let flat = |chunks: Vec<PopulationChunk>| {
            let mut all = PopulationChunk::default();
            for c in chunks {
                all.persons.extend(c.persons);
                all.families.extend(c.families);
                all.memberships.extend(c.memberships);
                all.observations.extend(c.observations);
            }
            all
        };
        let base = GeneratorConfig::new(families, seed, date!(2025 - 07 - 15));
        let one = flat(run(GeneratorConfig { chunk_families: 1_000, ..base.clone() }));
        let many = flat(run(GeneratorConfig { chunk_families: chunk, ..base }));
        proptest::prop_assert_eq!(one.families.len() as u64, families);
        proptest::prop_assert_eq!(one, many);
    }
}
