//! `shanyraq generate-feeds`: agency feed files for the population `shanyraq generate` makes
//! from the same arguments, with a share of the faults real exports have.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::sync_channel;

use anyhow::{Context, anyhow, bail};
use shanyraq_domain::territory;
use shanyraq_feeds::schema::{FeedSchema, bundled_schema};
use shanyraq_feeds::synthetic::{DERIVABLE, FaultKind, FeedWriter, Ledger, Options, Population};
use shanyraq_synth::{DataErrorRates, Generator, GeneratorConfig};

use crate::cli::GenerateFeedsArgs;

/// Chunks generated ahead of each file's writing: enough to keep every thread busy, few enough
/// that memory stays that of a handful of chunks whatever the number of families.
const CHUNKS_AHEAD: usize = 2;

/// Bytes buffered per file between writes.
const FILE_BUFFER: usize = 1 << 18;

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
    let options = Options {
        seed: args.population.seed,
        header_lang: args.header_lang,
        faults_per_mille: args.faults_per_mille,
        months: args.months,
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let schemas = feeds
        .iter()
        .map(|name| bundled_schema(name).with_context(|| format!("schema {name}")))
        .collect::<anyhow::Result<Vec<FeedSchema>>>()?;
    let mut files = Vec::with_capacity(schemas.len());
    for schema in &schemas {
        let path = args.out.join(format!("{}.csv", schema.name));
        let file = File::create(&path).with_context(|| format!("creating {}", path.display()))?;
        let out = BufWriter::with_capacity(FILE_BUFFER, file);
        let writer = FeedWriter::new(schema, tree, &options, out)
            .with_context(|| format!("writing {}", path.display()))?
            .without_entries();
        files.push((path, writer));
    }

    // The generator runs on its own thread and hands each chunk to every file's thread through
    // a short queue; a chunk is dropped once every file has it, so memory does not grow with
    // the number of families. The files are written side by side.
    let ledgers = std::thread::scope(|scope| {
        let mut queues = Vec::with_capacity(files.len());
        let mut writing = Vec::with_capacity(files.len());
        for (path, mut writer) in files {
            let (tx, rx) = sync_channel::<Arc<Population>>(CHUNKS_AHEAD);
            queues.push(tx);
            writing.push(scope.spawn(move || {
                let written = rx
                    .into_iter()
                    .try_for_each(|part| writer.append(&part))
                    .and_then(|()| writer.finish())
                    .and_then(|(mut out, ledger)| out.flush().map(|()| ledger));
                // A failed file stops taking chunks, which stops the generator.
                written.with_context(|| format!("writing {}", path.display())).map(|l| (path, l))
            }));
        }
        scope.spawn(move || {
            for chunk in generator {
                let part = Arc::new(Population::from_chunk(chunk));
                if queues.iter().any(|q| q.send(Arc::clone(&part)).is_err()) {
                    break;
                }
            }
        });
        writing
            .into_iter()
            .map(|file| file.join().unwrap_or_else(|_| Err(anyhow!("a feed writer stopped"))))
            .collect::<anyhow::Result<Vec<(PathBuf, Ledger)>>>()
    })?;
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
