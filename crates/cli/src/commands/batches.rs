//! `shanyraq batches`: import batches with their outcome, newest first.

use anyhow::Context;
use shanyraq_app::{Services, database};
use shanyraq_store::{BatchRecord, DbUrl};

use crate::cli::BatchesArgs;

pub async fn run(db: &DbUrl, args: &BatchesArgs) -> anyhow::Result<()> {
    let store = database::open_current(db).await?;
    let batches =
        Services::new(store).batches(None, args.limit).await.context("listing the batches")?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&batches).context("encoding")?);
        return Ok(());
    }
    println!(
        "{:>6}  {:<14} {:<9} {:<20} {:>9} {:>9} {:>10} {:>9} {:>9} {:>9} {:>9}  file",
        "batch",
        "feed",
        "status",
        "started (UTC)",
        "read",
        "accepted",
        "superseded",
        "dupl.",
        "matching",
        "rejected",
        "warnings"
    );
    for b in &batches {
        println!("{}", line(b));
    }
    if batches.is_empty() {
        println!("(no batches)");
    }
    Ok(())
}

fn line(b: &BatchRecord) -> String {
    let c = &b.counts;
    let started = b.batch.started_at;
    let started = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        started.year(),
        u8::from(started.month()),
        started.day(),
        started.hour(),
        started.minute(),
        started.second()
    );
    let status = match &b.error_code {
        Some(code) => format!("{} ({code})", b.status.code()),
        None => b.status.code().to_owned(),
    };
    format!(
        "{:>6}  {:<14} {:<9} {:<20} {:>9} {:>9} {:>10} {:>9} {:>9} {:>9} {:>9}  {}",
        b.batch.id.0,
        b.batch.feed,
        status,
        started,
        c.rows_read,
        c.accepted,
        c.superseded,
        c.duplicates,
        c.pending,
        c.rejected,
        c.warnings,
        b.batch.label
    )
}
