//! `shanyraq migrate`: the only command, with `demo`, that moves a schema forward.

use anyhow::Context;
use shanyraq_app::database::{self, Access};
use shanyraq_store::DbUrl;

pub async fn run(db: &DbUrl) -> anyhow::Result<()> {
    // Creates a missing SQLite file: migrating is how a database is set up.
    let store = database::connect(db, Access::CreateIfMissing).await?;
    let report =
        database::migrate(store.as_ref()).await.with_context(|| format!("migrating {db}"))?;
    if report.schema.from == report.schema.to {
        println!("{db}: schema already at version {}", report.schema.to);
    } else {
        println!(
            "{db}: schema migrated from version {} to {}",
            report.schema.from, report.schema.to
        );
    }
    if let Some(version) = report.territories_loaded {
        println!("{db}: territory classifier {version} loaded");
    }
    Ok(())
}
