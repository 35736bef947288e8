//! `shanyraq bench assess`: the assessment's figures on one database — the pure engine on
//! families already in memory, a full run from the store with results written (as a child
//! process, for its own peak memory), a second full run that changes nothing, and the latency
//! of re-assessing one family.

use std::time::{Duration, Instant};

use anyhow::Context;
use shanyraq_app::assess::{FiguresBook, Methodologies};
use shanyraq_app::{Services, database};
use shanyraq_domain::FamilyId;
use shanyraq_domain::assessment::{Profile, Trigger, assess, poverty};
use shanyraq_store::{AssessmentInput, DbUrl};

use crate::cli::{BenchAssessArgs, GenerateArgs};
use crate::commands::generate;

pub async fn run(db: &DbUrl, args: BenchAssessArgs) -> anyhow::Result<()> {
    let store = database::open_current(db).await?;
    if store.stats().await?.families == 0 {
        let Some(families) = args.families else {
            anyhow::bail!("the database is empty: give --families to generate a population");
        };
        let population = GenerateArgs {
            population: crate::cli::PopulationArgs {
                families,
                seed: args.seed,
                region: None,
                as_of: None,
            },
            wrong_check_digit_per_mille: None,
            structure_mismatch_per_mille: None,
            missing_iin_per_mille: None,
            chunk: 2_000,
        };
        let report = generate::generate_into(&store, &population).await?;
        println!(
            "population:        {} families generated in {:.1} s",
            report.written.families,
            report.elapsed.as_secs_f64()
        );
    }
    let services = Services::new(store.clone());
    services.ensure_methodology().await?;
    let on = args.on.unwrap_or_else(|| services.today());
    let stats = store.stats().await?;
    println!("backend:           {:?}", store.backend());
    println!("families:          {} ({} facts)", stats.families, stats.observations);

    // The poverty-line medians, once per quarter.
    let quarter_end = poverty::previous_quarter_end(on);
    let started = Instant::now();
    let medians = match store.region_medians(quarter_end).await? {
        Some(m) => m,
        None => {
            let m = shanyraq_app::assess::compute_medians(&store, quarter_end).await?;
            println!(
                "medians:           computed for {} regions in {:.2} s (once per quarter)",
                m.len(),
                started.elapsed().as_secs_f64()
            );
            m
        }
    };

    // The pure engine, on one core, over families already in memory.
    let methodologies = Methodologies::load(&store).await?;
    let m = methodologies.in_force(on)?.clone();
    let mut inputs: Vec<AssessmentInput> = Vec::new();
    let mut after = None;
    while inputs.len() < args.engine_families {
        let page = store.assessment_inputs(after, 5_000).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.family.family);
        inputs.extend(page);
    }
    inputs.truncate(args.engine_families);
    let mut book = FiguresBook::new(on, &medians)?;
    let figures: Vec<_> = inputs.iter().map(|i| book.for_territory(i.family.territory)).collect();
    let profiles: Vec<Profile> =
        inputs.iter().zip(&figures).map(|(i, f)| Profile::compute(&i.family, on, *f)).collect();
    let (rounds, elapsed) = repeat(Duration::from_secs(2), || {
        let mut sum = 0i64;
        for (i, f) in inputs.iter().zip(&figures) {
            let p = Profile::compute(&i.family, on, *f);
            sum = sum.wrapping_add(assess(&p, &m).total);
        }
        std::hint::black_box(sum);
    });
    let n = (inputs.len() * rounds) as f64;
    println!(
        "engine (profile + rules), one core: {:.0} families/s ({} families × {rounds} rounds)",
        n / elapsed.as_secs_f64(),
        inputs.len()
    );
    let (rounds, elapsed) = repeat(Duration::from_secs(2), || {
        let mut sum = 0i64;
        for p in &profiles {
            sum = sum.wrapping_add(assess(p, &m).total);
        }
        std::hint::black_box(sum);
    });
    println!(
        "engine (rules on profiles), one core: {:.0} families/s",
        (profiles.len() * rounds) as f64 / elapsed.as_secs_f64()
    );
    drop((inputs, profiles, figures));

    // Full runs from the store, results written, as child processes.
    let on_arg = shanyraq_domain::dates::iso(on);
    settle();
    let first = child_assess(db, &on_arg)?;
    println!("full run:          {first}");
    settle();
    let second = child_assess(db, &on_arg)?;
    println!("full run again:    {second} (results unchanged: no history rows)");

    // One family re-assessed: read its facts, assess, store.
    let total = stats.families.max(1) as i64;
    let mut latencies = Vec::with_capacity(args.incremental);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..args.incremental {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let id = FamilyId(1 + (x % total as u64) as i64);
        let started = Instant::now();
        services.assess_families(&[id], Trigger::Facts).await?;
        latencies.push(started.elapsed());
    }
    latencies.sort_unstable();
    let q = |p: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * p).round() as usize)
            .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "one family re-assessed and stored ({} samples): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        latencies.len(),
        q(0.5),
        q(0.99),
        q(1.0)
    );
    Ok(())
}

/// Runs `f` until `at_least` has passed; the number of rounds and the time they took.
fn repeat(at_least: Duration, mut f: impl FnMut()) -> (usize, Duration) {
    let started = Instant::now();
    let mut rounds = 0;
    while rounds == 0 || started.elapsed() < at_least {
        f();
        rounds += 1;
    }
    (rounds, started.elapsed())
}

fn settle() {
    let _ = std::process::Command::new("sync").status();
}

/// Runs `shanyraq assess --all --json` as a child and summarises what it printed.
fn child_assess(db: &DbUrl, on: &str) -> anyhow::Result<String> {
    let exe = std::env::current_exe().context("finding this program")?;
    let url = match db {
        DbUrl::Sqlite(path) => format!("sqlite:{}", path.display()),
        DbUrl::Postgres(url) => url.clone(),
    };
    let out = std::process::Command::new(exe)
        .env("SHANYRAQ_DB", url)
        .args(["assess", "--all", "--json", "--on", on])
        .output()
        .context("running shanyraq assess")?;
    if !out.status.success() {
        anyhow::bail!("assess failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("reading the assessment's summary")?;
    Ok(format!(
        "{} families in {:.2} s = {:.0} families/s; peak RSS {:.0} MiB; changed {}, events {}, offers {}; levels {}",
        v["families"],
        v["seconds"].as_f64().unwrap_or(f64::NAN),
        v["families_per_second"].as_f64().unwrap_or(f64::NAN),
        v["peak_rss_mib"].as_f64().unwrap_or(f64::NAN),
        v["changed"],
        v["events"],
        v["offers"],
        v["levels"]
    ))
}
