//! `shanyraq import`: for now only `--dry-run`, which checks a feed file and writes the
//! rejected-row report without touching the database.

use std::process::ExitCode;

use shanyraq_app::clock::date_at;
use shanyraq_app::import::{DryRunOptions, ImportSummary, dry_run};
use shanyraq_app::{Clock, KAZAKHSTAN_UTC_OFFSET};

use crate::cli::ImportArgs;

/// Exit status 0 when the file was processed, even with rejected rows; 2 when it could not be.
pub fn run(args: &ImportArgs) -> ExitCode {
    if !args.dry_run {
        eprintln!(
            "error: writing imports to the database is not available yet; \
             run with --dry-run to check the file and get its report"
        );
        return ExitCode::from(2);
    }
    let as_of = args.as_of.unwrap_or_else(|| date_at(Clock::System.now(), KAZAKHSTAN_UTC_OFFSET));
    let options = DryRunOptions { report: args.report.clone(), ..DryRunOptions::default() };
    match dry_run(&args.file, &args.source, as_of, &options) {
        Ok(summary) => {
            print_summary(&args.file, &summary);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error [{}]: {e}", e.code());
            ExitCode::from(2)
        }
    }
}

fn print_summary(file: &std::path::Path, s: &ImportSummary) {
    println!("dry run of {} as {} (nothing written)", file.display(), s.source);
    println!("  rows read       {:>10}", s.rows_read);
    println!("  accepted        {:>10}", s.accepted);
    println!("  needs matching  {:>10}", s.needs_matching);
    println!("  rejected        {:>10}", s.rejected);
    println!("  record errors   {:>10}", s.record_errors);
    println!("  warnings        {:>10}", s.warnings);
    println!("  duplicates      {:>10}  (an import keeps one of each)", s.duplicates);
    println!("  elapsed         {:>10.3} s", s.elapsed.as_secs_f64());
    println!("  rows/s          {:>10.0}", s.rows_per_second());
    println!("report: {} ({} lines)", s.report.display(), s.report_lines);
}
