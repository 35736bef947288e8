//! `shanyraq generate`: a deterministic synthetic population.

use std::sync::Arc;

use anyhow::Context;
use shanyraq_app::database;
use shanyraq_app::generate::{GenerateReport, GenerateRequest, generate};
use shanyraq_store::{DbUrl, Store};
use shanyraq_synth::DataErrorRates;

use crate::cli::GenerateArgs;

pub async fn run(db: &DbUrl, args: GenerateArgs) -> anyhow::Result<()> {
    let store = database::open_current(db).await?;
    let report = generate_into(&store, &args).await?;
    print_report(&report);
    Ok(())
}

/// The request the arguments describe.
pub fn request(args: &GenerateArgs) -> GenerateRequest {
    let defaults = DataErrorRates::default();
    GenerateRequest {
        families: args.population.families,
        seed: args.population.seed,
        region: args.population.region,
        as_of: args.population.as_of_or_default(),
        errors: DataErrorRates {
            wrong_check_digit_per_mille: args
                .wrong_check_digit_per_mille
                .unwrap_or(defaults.wrong_check_digit_per_mille),
            structure_mismatch_per_mille: args
                .structure_mismatch_per_mille
                .unwrap_or(defaults.structure_mismatch_per_mille),
            missing_iin_per_mille: args
                .missing_iin_per_mille
                .unwrap_or(defaults.missing_iin_per_mille),
        },
        chunk_families: args.chunk.max(1),
    }
}

pub async fn generate_into(
    store: &Arc<dyn Store>,
    args: &GenerateArgs,
) -> anyhow::Result<GenerateReport> {
    let request = request(args);
    let step = (args.population.families / 10).max(1);
    let mut next_report = step;
    generate(store, &request, |w| {
        if w.families >= next_report {
            eprintln!("… {} of {} families", w.families, args.population.families);
            next_report += step;
        }
    })
    .await
    .context("generating the population")
}

pub fn print_report(report: &GenerateReport) {
    let w = report.written;
    println!(
        "generated {} families, {} persons, {} memberships, {} observations in {:.1} s (batch {})",
        w.families,
        w.persons,
        w.memberships,
        w.observations,
        report.elapsed.as_secs_f64(),
        report.batch
    );
}
