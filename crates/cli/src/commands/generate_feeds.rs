//! `shanyraq generate-feeds`: agency feed files for the population `shanyraq generate` makes
//! from the same arguments, with a share of the faults real exports have.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, bail};
use shanyraq_domain::territory;
use shanyraq_feeds::schema::bundled_schema;
use shanyraq_feeds::synthetic::{self, DERIVABLE, FaultKind, Ledger, Options, Population};
use shanyraq_synth::{DataErrorRates, Generator, GeneratorConfig};

use crate::cli::GenerateFeedsArgs;

pub fn run(args: &GenerateFeedsArgs) -> anyhow::Result<()> {
    let feeds = chosen_feeds(&args.feeds)?;
    let as_of = args.population.as_of_or_default();
    let tree = territory::bundled();
    // As `shanyraq generate` into an empty database: the first keys, batch 1, default IIN
    // error rates — so the IINs are the same.
    let mut config = GeneratorConfig::new(args.population.families, args.population.seed, as_of);
    config.region = args.population.region;
    config.errors = DataErrorRates::default();
    let generator = Generator::for_empty_database(config).context("preparing the generator")?;
    let population = Population::collect(generator);
    let options = Options {
        seed: args.population.seed,
        header_lang: args.header_lang,
        faults_per_mille: args.faults_per_mille,
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let mut ledgers = Vec::with_capacity(feeds.len());
    for name in feeds {
        let schema = bundled_schema(name).with_context(|| format!("schema {name}"))?;
        let path = args.out.join(format!("{name}.csv"));
        let file = File::create(&path).with_context(|| format!("creating {}", path.display()))?;
        let mut out = BufWriter::new(file);
        let ledger = synthetic::render(&schema, &population, tree, &options, &mut out)
            .and_then(|l| out.flush().map(|()| l))
            .with_context(|| format!("writing {}", path.display()))?;
        ledgers.push((path, ledger));
    }
    print_summary(args, &ledgers);
    Ok(())
}

/// The feeds asked for, in the declared order; all derivable ones when none are named.
fn chosen_feeds(asked: &[String]) -> anyhow::Result<Vec<&'static str>> {
    for name in asked {
        if !DERIVABLE.contains(&name.as_str()) {
            bail!(
                "{name:?} cannot be generated: the feeds derived from the population are {}",
                DERIVABLE.join(", ")
            );
        }
    }
    Ok(DERIVABLE
        .iter()
        .copied()
        .filter(|n| asked.is_empty() || asked.iter().any(|a| a == n))
        .collect())
}

fn print_summary(args: &GenerateFeedsArgs, ledgers: &[(PathBuf, Ledger)]) {
    let rows: u64 = ledgers.iter().map(|(_, l)| l.rows).sum();
    println!(
        "wrote {} feed files, {rows} rows, for {} families (seed {}) to {}",
        ledgers.len(),
        args.population.families,
        args.population.seed,
        args.out.display()
    );
    let mut totals = [0u64; FaultKind::ALL.len()];
    for (path, ledger) in ledgers {
        let style = ledger.style;
        let faults: u64 = ledger.faults().values().sum();
        println!(
            "  {:<16} {:>8} rows  delimiter {:?}{}{}  faults {faults}",
            path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            ledger.rows,
            char::from(style.delimiter),
            if style.bom { ", BOM" } else { "" },
            if style.crlf { ", CRLF" } else { ", LF" },
        );
        for (kind, n) in ledger.faults() {
            if let Some(i) = FaultKind::ALL.iter().position(|k| *k == kind) {
                totals[i] += n;
            }
        }
    }
    let faults: Vec<String> =
        FaultKind::ALL.iter().zip(totals).map(|(k, n)| format!("{} {n}", k.code())).collect();
    println!("faults ({} per mille of rows): {}", args.faults_per_mille, faults.join(", "));
}
