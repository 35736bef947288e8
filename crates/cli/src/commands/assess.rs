//! `shanyraq assess`: assess every family, the changed ones, or some, and store the results.

use std::io::Write;

use anyhow::Context;
use shanyraq_app::assess::AssessSummary;
use shanyraq_app::{Services, database};
use shanyraq_domain::FamilyId;
use shanyraq_domain::assessment::Trigger;
use shanyraq_store::DbUrl;

use crate::cli::AssessArgs;

pub async fn run(db: &DbUrl, args: AssessArgs) -> anyhow::Result<()> {
    let store = database::open_current(db).await?;
    let services = Services::new(store);
    if let Some(installed) = services.ensure_methodology().await? {
        eprintln!(
            "no methodology was installed: installed the default, version {} (in force from {})",
            installed.version,
            shanyraq_domain::dates::dotted(installed.effective_from)
        );
    }
    let summary = if args.all {
        let mut last = 0;
        let s = services
            .assess_all(args.on, Trigger::Full, |n| {
                if n - last >= 100_000 {
                    last = n;
                    eprint!("\r{n} families assessed");
                    let _ = std::io::stderr().flush();
                }
            })
            .await
            .context("assessing every family")?;
        if last > 0 {
            eprintln!();
        }
        s
    } else if args.changed {
        services.assess_changed().await.context("assessing the changed families")?
    } else {
        let ids: Vec<FamilyId> = args.family.iter().map(|i| FamilyId(*i)).collect();
        services.assess_families(&ids, Trigger::Manual).await.context("assessing the families")?
    };
    print(&summary, args.json)
}

pub fn print(s: &AssessSummary, json: bool) -> anyhow::Result<()> {
    let secs = s.elapsed.as_secs_f64();
    let rate = if secs > 0.0 { s.families as f64 / secs } else { 0.0 };
    if json {
        let levels: serde_json::Map<String, serde_json::Value> =
            s.levels.iter().map(|(l, n)| (l.letter().to_owned(), (*n).into())).collect();
        let v = serde_json::json!({
            "families": s.families,
            "levels": levels,
            "changed": s.changed,
            "events": s.events,
            "methodologies": s.methodologies,
            "computed_medians": s.computed_medians,
            "offers": s.offers,
            "peak_rss_mib": crate::rss::peak_rss_bytes().map(|b| b as f64 / 1_048_576.0),
            "seconds": secs,
            "families_per_second": rate,
        });
        println!("{}", serde_json::to_string_pretty(&v).context("encoding")?);
        return Ok(());
    }
    println!(
        "assessed {} families in {:.2} s ({:.0} families/s) by {}",
        s.families,
        secs,
        rate,
        if s.methodologies.is_empty() { "-".to_owned() } else { s.methodologies.join(", ") }
    );
    let levels: Vec<String> = s.levels.iter().map(|(l, n)| format!("{l}: {n}")).collect();
    println!("levels: {}", if levels.is_empty() { "-".to_owned() } else { levels.join(", ") });
    println!(
        "changed results (history entries): {}; D/E events: {}; offers proposed: {}",
        s.changed, s.events, s.offers
    );
    if s.computed_medians {
        println!("computed the previous quarter's median incomes for the poverty line");
    }
    Ok(())
}
