//! `shanyraq offers expire|deliver|answer|list`.

use std::io::Write;

use anyhow::Context;
use shanyraq_app::{Services, database};
use shanyraq_domain::FamilyId;
use shanyraq_domain::dates::dotted;
use shanyraq_store::DbUrl;

use crate::cli::OffersCommand;

pub async fn run(db: &DbUrl, command: OffersCommand) -> anyhow::Result<()> {
    let services = Services::new(database::open_current(db).await?);
    match command {
        OffersCommand::Expire => {
            let expired = services.expire_offers().await.context("expiring offers")?;
            println!("{} offers expired; a follow-up task was opened for each", expired.len());
        }
        OffersCommand::Deliver { to } => {
            let n = deliver_to_file(&services, &to).await?;
            println!("{n} messages written to {}", to.display());
        }
        OffersCommand::Answer { id, accept, decline } => {
            let o = services.answer_offer(id, accept && !decline).await?;
            println!("offer {} ({}): {}", o.id, o.measure, o.state.code());
        }
        OffersCommand::List { family } => {
            for o in services.family_offers(FamilyId(family)).await? {
                println!(
                    "{:>8}  {:<28} {:<9} sent {}  answer by {}",
                    o.id,
                    o.measure,
                    o.state.code(),
                    dotted(o.created_on),
                    dotted(o.expires_on)
                );
            }
        }
    }
    Ok(())
}

/// Appends every undelivered message to `path` (JSON Lines) and marks it delivered. A message
/// is marked only after its batch is written, so a failure delivers it again rather than never.
pub async fn deliver_to_file(services: &Services, path: &std::path::Path) -> anyhow::Result<usize> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("opening {}", path.display()))?;
    let mut out = std::io::LineWriter::new(file);
    let n = services
        .deliver_messages(|m| {
            let line = serde_json::to_string(m).map_err(std::io::Error::other)?;
            writeln!(out, "{line}")
        })
        .await?;
    out.flush().context("writing the messages")?;
    Ok(n)
}
