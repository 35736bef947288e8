//! `shanyraq bench …`: measurements that print figures (never asserted in tests).

use shanyraq_app::database;
use shanyraq_store::DbUrl;

use crate::cli::GenerateArgs;
use crate::commands::generate;
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
