//! `shanyraq bench …`: measurements that print figures (never asserted in tests).

use std::time::{Duration, Instant};

use anyhow::Context;
use shanyraq_app::database;
use shanyraq_feeds::synthetic::HeaderLang;
use shanyraq_store::DbUrl;

use crate::cli::{BenchImportArgs, GenerateArgs, GenerateFeedsArgs};
use crate::commands::{generate, generate_feeds};
use crate::rss::peak_rss_bytes;

/// Generates `args.families` families into a migrated database and prints rates and peak
/// memory. Like `generate`, it neither creates a database nor moves its schema: run
/// `shanyraq migrate` first.
pub async fn generate(db: &DbUrl, args: GenerateArgs) -> anyhow::Result<()> {
    let store = database::open_current(db).await?;
    let report = generate::generate_into(&store, &args).await?;
    generate::print_report(&report);
    let secs = report.elapsed.as_secs_f64().max(f64::EPSILON);
    let w = report.written;
    let rate = |n: u64| n as f64 / secs;
    println!("backend:         {:?}", store.backend());
    println!("elapsed:         {secs:.2} s");
    println!("families/s:      {:.0}", rate(w.families));
    println!("persons/s:       {:.0}", rate(w.persons));
    println!("observations/s:  {:.0}", rate(w.observations));
    println!(
        "rows/s (all):    {:.0}",
        rate(w.families + w.persons + w.memberships + w.observations)
    );
    println!(
        "writer idle:     {:.2} s (waiting for the generator)",
        report.writer_waited.as_secs_f64()
    );
    match peak_rss_bytes() {
        Some(b) => println!("peak RSS:        {:.1} MiB", b as f64 / 1_048_576.0),
        None => println!("peak RSS:        not reported by this system"),
    }
    if let DbUrl::Sqlite(path) = db
        && let Ok(meta) = std::fs::metadata(path)
    {
        println!("database file:   {:.2} GiB", meta.len() as f64 / 1_073_741_824.0);
    }
    Ok(())
}

/// Generates a population into an empty migrated database, writes its income feed, then measures
/// on the same file: the dry run, the import (rows/s and peak memory), and the engine's own bulk
/// loader into a bare table (`sqlite3 .import`, or PostgreSQL `COPY`).
pub async fn import(db: &DbUrl, args: BenchImportArgs) -> anyhow::Result<()> {
    let store = database::open_current(db).await?;
    if store.stats().await?.families > 0 {
        anyhow::bail!("bench import needs an empty migrated database (run `shanyraq migrate`)");
    }
    let work = match &args.work {
        Some(dir) => dir.clone(),
        None => std::env::temp_dir().join(format!("shanyraq-bench-import-{}", std::process::id())),
    };
    std::fs::create_dir_all(&work).with_context(|| format!("creating {}", work.display()))?;

    let population = GenerateArgs {
        population: args.population.clone(),
        wrong_check_digit_per_mille: None,
        structure_mismatch_per_mille: None,
        missing_iin_per_mille: None,
        chunk: 2_000,
    };
    let generated = generate::generate_into(&store, &population).await?;
    let backend = store.backend();
    // The children are the only ones with the database open while they are timed.
    drop(store);
    println!(
        "population:      {} families in {:.1} s",
        generated.written.families,
        generated.elapsed.as_secs_f64()
    );
    let feeds = GenerateFeedsArgs {
        population: args.population.clone(),
        out: work.clone(),
        header_lang: HeaderLang::Ru,
        faults_per_mille: args.faults_per_mille,
        months: args.months,
        feeds: vec!["income".to_owned()],
    };
    let started = Instant::now();
    generate_feeds::run(&feeds)?;
    let file = work.join("income.csv");
    let bytes = std::fs::metadata(&file)?.len();
    println!(
        "feed written:    {} ({:.0} MiB) in {:.1} s",
        file.display(),
        mib(bytes),
        secs(started)
    );
    let (delimiter, columns) = header_shape(&file)?;
    let as_of = args.population.as_of_or_default();

    // The dry run and the import run as child processes, so that each one's rate and peak
    // memory are its own, not the generator's. Each timed run starts with what the runs before
    // it wrote on disk, not still being written back while it runs.
    settle();
    let dry = run_import(db, &file, &["--dry-run", "--as-of", &iso(as_of)], &work, "dry")?;
    let mut extra = vec!["--as-of".to_owned(), iso(as_of)];
    if let Some(rows) = args.chunk_rows {
        extra.extend(["--chunk-rows".to_owned(), rows.to_string()]);
    }
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    settle();
    let imported = run_import(db, &file, &extra, &work, "import")?;
    settle();

    let (engine, baseline) = match db {
        DbUrl::Sqlite(_) => {
            let scratch = work.join("baseline.db");
            let (elapsed, rows) = shanyraq_store_sqlite::baseline::sqlite3_import(
                &args.sqlite3,
                &file,
                columns,
                delimiter,
                &scratch,
            )
            .with_context(|| format!("running {} .import", args.sqlite3.display()))?;
            ("sqlite3 .import into a bare table", (elapsed, rows))
        }
        DbUrl::Postgres(conn) => {
            let pg = shanyraq_store_postgres::PostgresStore::connect(conn).await?;
            ("COPY into a bare table", pg.copy_csv_baseline(&file, columns, delimiter).await?)
        }
    };

    let rate = |rows: u64, d: Duration| rows as f64 / d.as_secs_f64().max(f64::EPSILON);
    let baseline_rate = rate(baseline.1, baseline.0);
    println!("backend:         {backend:?}");
    println!("rows:            {} ({columns} columns, delimiter {delimiter:?})", imported.rows);
    for (name, run) in [("dry run:", &dry), ("import:", &imported)] {
        println!(
            "{name:<16} {:>8.2} s  {:>10.0} rows/s  peak RSS {:>6.1} MiB",
            run.elapsed, run.rows_per_second, run.peak_mib
        );
    }
    println!(
        "engine's loader: {:>8.2} s  {:>10.0} rows/s  ({engine}, {} rows)",
        baseline.0.as_secs_f64(),
        baseline_rate,
        baseline.1
    );
    println!(
        "import / loader: {:>8.1} %",
        100.0 * imported.rows_per_second / baseline_rate.max(f64::EPSILON)
    );
    println!("import summary:\n{}", imported.summary);
    if args.work.is_none() {
        let _ = std::fs::remove_dir_all(&work);
    }
    Ok(())
}

/// Flushes to disk what earlier steps left in the operating system's cache (`sync`), so that its
/// write-back does not compete with the next timed run. Best effort: a benchmark without it is
/// only noisier.
fn settle() {
    if let Err(e) = std::process::Command::new("sync").status() {
        tracing::debug!(error = %e, "no sync before a timed run");
    }
}

/// The header's delimiter and number of columns.
fn header_shape(file: &std::path::Path) -> anyhow::Result<(char, usize)> {
    use std::io::BufRead;
    let mut line = String::new();
    std::io::BufReader::new(std::fs::File::open(file)?).read_line(&mut line)?;
    let delimiter = [';', '\t', ','].into_iter().find(|d| line.contains(*d)).unwrap_or(',');
    Ok((delimiter, line.trim_end().split(delimiter).count()))
}

/// What a child `shanyraq import` printed about itself.
struct ChildRun {
    rows: u64,
    elapsed: f64,
    rows_per_second: f64,
    peak_mib: f64,
    summary: String,
}

/// Runs `shanyraq import --source income FILE` with `extra` arguments as a child process (the
/// database URL passed in the environment, so that no password shows in a process list) and
/// reads its figures from its summary.
fn run_import(
    db: &DbUrl,
    file: &std::path::Path,
    extra: &[&str],
    work: &std::path::Path,
    name: &str,
) -> anyhow::Result<ChildRun> {
    let exe = std::env::current_exe().context("finding this program")?;
    let url = match db {
        DbUrl::Sqlite(path) => format!("sqlite:{}", path.display()),
        DbUrl::Postgres(url) => url.clone(),
    };
    let report = work.join(format!("{name}.report.csv"));
    let out = std::process::Command::new(exe)
        .env("SHANYRAQ_DB", url)
        .args(["import", "--source", "income"])
        .arg(file)
        .arg("--report")
        .arg(&report)
        .args(extra)
        .output()
        .context("running shanyraq import")?;
    let summary = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        anyhow::bail!("{name} failed: {}{}", summary, String::from_utf8_lossy(&out.stderr));
    }
    let figure = |label: &str| -> f64 {
        summary
            .lines()
            .find_map(|l| l.trim_start().strip_prefix(label))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(f64::NAN)
    };
    Ok(ChildRun {
        rows: figure("rows read") as u64,
        elapsed: figure("elapsed"),
        rows_per_second: figure("rows/s"),
        peak_mib: figure("peak memory"),
        summary,
    })
}

fn iso(d: time::Date) -> String {
    shanyraq_domain::dates::iso(d)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1_048_576.0
}

fn secs(started: Instant) -> f64 {
    started.elapsed().as_secs_f64()
}
