//! Measures pure generation speed on one core (no store): families/s, persons/s,
//! observations/s.
//!
//! `cargo run --release -p shanyraq-synth --example throughput -- [FAMILIES] [CHUNK]`

use std::time::Instant;

use shanyraq_domain::{BatchId, territory};
use shanyraq_store::NextIds;
use shanyraq_synth::{Generator, GeneratorConfig};
use time::macros::date;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let families: u64 = args.next().map_or(Ok(1_000_000), |a| a.parse())?;
    let chunk: usize = args.next().map_or(Ok(2_000), |a| a.parse())?;
    let tree = territory::bundled();
    let regions = territory::bundled_regions();
    let started = Instant::now();
    let config = GeneratorConfig {
        chunk_families: chunk,
        ..GeneratorConfig::new(families, 1, date!(2026 - 03 - 01))
    };
    let generator = Generator::new(config, tree, regions, NextIds::FIRST, BatchId(1))?;
    let setup = started.elapsed();
    let (mut persons, mut observations) = (0usize, 0usize);
    for c in generator {
        persons += c.persons.len();
        observations += c.observations.len();
    }
    let secs = (started.elapsed() - setup).as_secs_f64();
    println!(
        "{families} families in {secs:.2} s (setup {:.0} ms): {:.0} families/s, {:.0} persons/s, {:.0} observations/s ({:.1} per family)",
        setup.as_secs_f64() * 1000.0,
        families as f64 / secs,
        persons as f64 / secs,
        observations as f64 / secs,
        observations as f64 / families as f64,
    );
    Ok(())
}
