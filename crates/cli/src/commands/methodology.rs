//! `shanyraq methodology install|check|list`.

use anyhow::Context;
use shanyraq_app::{Services, database};
use shanyraq_domain::assessment::parse_methodology;
use shanyraq_domain::dates::dotted;
use shanyraq_store::DbUrl;

use crate::cli::MethodologyCommand;

pub async fn run(db: &DbUrl, command: MethodologyCommand) -> anyhow::Result<()> {
    match command {
        MethodologyCommand::Check { file } => {
            let (name, text) = read(&file)?;
            let m = parse_methodology(&name, &text)?;
            println!(
                "{name}: version {} in force from {}: {} domains, {} rules, {} overrides — valid",
                m.version,
                dotted(m.effective_from),
                m.domains.len(),
                m.rules.len(),
                m.overrides.len()
            );
            Ok(())
        }
        MethodologyCommand::Install { file } => {
            let (name, text) = read(&file)?;
            let services = Services::new(database::open_current(db).await?);
            let (outcome, summary) = services.install_methodology(&name, &text).await?;
            if outcome.new {
                println!(
                    "installed version {} (in force from {})",
                    outcome.version,
                    dotted(outcome.effective_from)
                );
            } else {
                println!("version {} was already installed with this text", outcome.version);
            }
            if let Some(s) = summary {
                println!("it is in force today, so every family was re-assessed:");
                crate::commands::assess::print(&s, false)?;
            }
            Ok(())
        }
        MethodologyCommand::List => {
            let services = Services::new(database::open_current(db).await?);
            let ms = services.methodologies().await?;
            if ms.all().next().is_none() {
                println!("(no methodology installed; `shanyraq assess` installs the default)");
            }
            let today = services.today();
            let in_force = ms.in_force(today).ok().map(|m| m.version.clone());
            for m in ms.all() {
                let mark = if Some(&m.version) == in_force.as_ref() { "*" } else { " " };
                let kind = if m.reconstruction { "reconstruction" } else { "official" };
                println!(
                    "{mark} {:<20} from {}  {:<14} {}",
                    m.version,
                    dotted(m.effective_from),
                    kind,
                    m.title.en
                );
            }
            Ok(())
        }
    }
}

fn read(file: &std::path::Path) -> anyhow::Result<(String, String)> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    Ok((file.display().to_string(), text))
}
