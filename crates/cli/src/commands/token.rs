//! `shanyraq token issue|list|revoke`: integration tokens for agency systems, administered from
//! the command line (as `system:cli`).

use shanyraq_app::{Services, database};
use shanyraq_domain::dates::iso;
use shanyraq_store::{DbUrl, TokenRecord};

use crate::cli::TokenCommand;
use crate::commands::user::cli_context;

pub async fn run(db: &DbUrl, command: TokenCommand) -> anyhow::Result<()> {
    let services = Services::new(database::open_current(db).await?);
    let ctx = cli_context();
    let tokens = services.tokens();
    match command {
        TokenCommand::Issue { name, sources, territory, days } => {
            let (t, secret) = tokens.issue(&ctx, &name, &sources, territory, days).await?;
            println!(
                "token {} issued for {} over {}, until {}",
                t.name,
                t.sources.join(", "),
                t.territory,
                iso(t.expires_at.date())
            );
            println!("{}", secret.expose());
            eprintln!(
                "This is the only time the token is shown: store it in the agency system now."
            );
        }
        TokenCommand::List => print(&tokens.list(&ctx).await?),
        TokenCommand::Revoke { name } => {
            let changed = tokens.revoke(&ctx, &name).await?;
            println!(
                "{}",
                if changed {
                    format!("revoked {name}")
                } else {
                    format!("unchanged: {name} was revoked already")
                }
            );
        }
    }
    Ok(())
}

fn print(tokens: &[TokenRecord]) {
    println!(
        "{:<28} {:<24} {:<10} {:<11} {:<8} last used",
        "name", "sources", "territory", "expires", "revoked"
    );
    for t in tokens {
        println!(
            "{:<28} {:<24} {:<10} {:<11} {:<8} {}",
            t.name,
            t.sources.join(","),
            t.territory.to_string(),
            iso(t.expires_at.date()),
            if t.revoked_at.is_some() { "yes" } else { "no" },
            t.last_used_at.map_or_else(|| "never".to_owned(), |d| iso(d.date())),
        );
    }
}
