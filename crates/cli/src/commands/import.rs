//! `shanyraq import`: loads an agency feed file into the database exactly once, or with
//! `--dry-run` checks it without touching the database; either way writes the report.

use std::process::ExitCode;

use shanyraq_app::clock::date_at;
use shanyraq_app::import::{DryRunOptions, ImportOptions, ImportSummary, Run, dry_run};
use shanyraq_app::{Clock, KAZAKHSTAN_UTC_OFFSET, Services, database};
use shanyraq_store::DbUrl;

use crate::cli::ImportArgs;

/// `--dry-run` needs no database and no runtime.
pub fn run_dry(args: &ImportArgs) -> ExitCode {
    let as_of = args.as_of.unwrap_or_else(|| date_at(Clock::System.now(), KAZAKHSTAN_UTC_OFFSET));
    let options = DryRunOptions { report: args.report.clone(), ..DryRunOptions::default() };
    finish(&args.file, dry_run(&args.file, &args.source, as_of, &options))
}

/// Exit status 0 when the file was processed, even with rejected rows; 2 when it could not be.
pub async fn run(db: &DbUrl, args: &ImportArgs) -> ExitCode {
    let store = match database::open_current(db).await {
        Ok(store) => store,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    let mut options = ImportOptions { report: args.report.clone(), ..ImportOptions::default() };
    if let Some(rows) = args.chunk_rows {
        options.chunk_rows = rows as usize;
    }
    let services = Services::new(store);
    let result = services.import_feed(&args.file, &args.source, args.as_of, &options).await;
    finish(&args.file, result)
}

fn finish(
    file: &std::path::Path,
    result: Result<ImportSummary, shanyraq_app::AppError>,
) -> ExitCode {
    match result {
        Ok(summary) => {
            print_summary(file, &summary);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error [{}]: {e}", e.code());
            ExitCode::from(2)
        }
    }
}

fn print_summary(file: &std::path::Path, s: &ImportSummary) {
    let batch = s.batch.as_ref().map(|b| b.batch.id.0);
    match (s.run, batch) {
        (Run::DryRun { .. }, _) => {
            println!("dry run of {} as {} (nothing written)", file.display(), s.source);
        }
        (Run::AlreadyImported, Some(id)) => println!(
            "{} was imported before as batch {id}; nothing changed. Its counts:",
            file.display()
        ),
        (Run::Resumed { from_row }, Some(id)) => println!(
            "imported {} as {}, batch {id}, resumed after row {from_row}",
            file.display(),
            s.source
        ),
        (_, id) => println!(
            "imported {} as {}, batch {}",
            file.display(),
            s.source,
            id.map_or_else(String::new, |id| id.to_string())
        ),
    }
    let c = &s.counts;
    println!("  rows read          {:>10}", c.rows_read);
    println!("  accepted           {:>10}", c.accepted);
    println!(
        "  superseded         {:>10}  (accepted rows that corrected a stored value)",
        c.superseded
    );
    println!("  duplicates ignored {:>10}", c.duplicates);
    println!("  kept for matching  {:>10}", c.pending);
    println!("  rejected           {:>10}", c.rejected);
    println!("  warnings           {:>10}", c.warnings);
    if let Run::DryRun { unchecked_for_repeats: n @ 1.. } = s.run {
        println!(
            "  not checked        {n:>10}  (for repeats: too many keys to remember; an import checks all)"
        );
    }
    println!("  elapsed            {:>10.3} s", s.elapsed.as_secs_f64());
    println!("  rows/s             {:>10.0}", s.rows_per_second());
    if let Some(bytes) = crate::rss::peak_rss_bytes() {
        println!("  peak memory        {:>10.1} MiB", bytes as f64 / 1_048_576.0);
    }
    println!("report: {} ({} lines)", s.report.display(), s.report_lines);
}
