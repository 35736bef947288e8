//! `shanyraq audit verify|anchor`: the audit chain checked, and its head printed as an anchor.

use std::process::ExitCode;

use shanyraq_app::audit::{anchor_line, parse_anchors};
use shanyraq_app::{Services, database};
use shanyraq_store::DbUrl;

use crate::cli::AuditCommand;

/// Exit 0: the chain holds; 1: it is broken (the first broken entry is named); 2: the check
/// could not run.
pub async fn run(db: &DbUrl, command: &AuditCommand) -> ExitCode {
    match check(db, command).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

async fn check(db: &DbUrl, command: &AuditCommand) -> anyhow::Result<ExitCode> {
    let services = Services::new(database::open_current(db).await?);
    match command {
        AuditCommand::Anchor => {
            match services.audit_head().await? {
                Some(a) => println!("{}", anchor_line(&a)),
                None => eprintln!("the audit record is empty"),
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Verify { anchors } => {
            let anchors = match anchors {
                Some(path) => parse_anchors(&std::fs::read_to_string(path)?)?,
                None => Vec::new(),
            };
            let r = services.verify_audit(&anchors).await?;
            let secs = r.elapsed.as_secs_f64();
            let rate = if secs > 0.0 { r.entries as f64 / secs } else { 0.0 };
            match r.broken {
                None => {
                    println!(
                        "audit chain holds: {} entries verified in {secs:.2} s ({rate:.0} entries/s), {} anchors checked",
                        r.entries,
                        anchors.len()
                    );
                    if let Some(head) = r.head {
                        println!("head: {}", anchor_line(&head));
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Some(b) => {
                    println!("audit chain BROKEN at entry {}: {b} [{}]", b.seq(), b.code());
                    println!("{} entries before it verified", r.entries);
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}
