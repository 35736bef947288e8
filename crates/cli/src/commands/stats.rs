//! `shanyraq stats levels`: families by level and territory, and movements between levels.

use anyhow::{Context, bail};
use shanyraq_app::{Services, database};
use shanyraq_domain::KatoLevel;
use shanyraq_domain::assessment::Level;
use shanyraq_store::DbUrl;

use crate::cli::StatsLevelsArgs;

pub async fn levels(db: &DbUrl, args: StatsLevelsArgs) -> anyhow::Result<()> {
    let depth = match args.by.as_str() {
        "region" => KatoLevel::Region,
        "district" => KatoLevel::District,
        "okrug" => KatoLevel::Okrug,
        "settlement" => KatoLevel::Settlement,
        other => bail!("--by {other:?}: use region, district, okrug or settlement"),
    };
    let services = Services::new(database::open_current(db).await?);
    let counts = services.level_counts(args.territory, depth).await.context("counting")?;
    let movements = match (args.from, args.to) {
        (Some(from), Some(to)) => {
            Some(services.level_movements(args.territory, from, to).await.context("movements")?)
        }
        _ => None,
    };
    if args.json {
        let v = serde_json::json!({ "counts": counts, "movements": movements });
        println!("{}", serde_json::to_string_pretty(&v).context("encoding")?);
        return Ok(());
    }
    println!(
        "{:<10} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9}",
        "territory", "A", "B", "C", "D", "E", "total"
    );
    let mut rows: Vec<(u32, [u64; 5])> = Vec::new();
    for c in &counts {
        let code = c.territory.as_u32();
        if rows.last().is_none_or(|(t, _)| *t != code) {
            rows.push((code, [0; 5]));
        }
        if let Some((_, n)) = rows.last_mut() {
            n[c.level as usize] += c.families;
        }
    }
    let mut total = [0u64; 5];
    for (code, n) in &rows {
        println!(
            "{:<10} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9}",
            format!("{code:09}"),
            n[0],
            n[1],
            n[2],
            n[3],
            n[4],
            n.iter().sum::<u64>()
        );
        for (t, x) in total.iter_mut().zip(n) {
            *t += x;
        }
    }
    println!(
        "{:<10} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9}",
        "all",
        total[0],
        total[1],
        total[2],
        total[3],
        total[4],
        total.iter().sum::<u64>()
    );
    if let Some(movements) = movements {
        println!("\nmovements between levels:");
        for m in movements {
            let from = m.from.map_or("-", Level::letter);
            println!("  {from} → {}: {}", m.to.letter(), m.families);
        }
    }
    Ok(())
}
