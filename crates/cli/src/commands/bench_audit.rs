//! `shanyraq bench audit`: appends synthetic audit entries (no personal data: codes and keys
//! only) in batches, then times `audit verify` over the whole chain.

use std::time::Instant;

use shanyraq_app::{Services, database};
use shanyraq_domain::audit::{AuditRecord, Outcome};
use shanyraq_store::DbUrl;
use time::OffsetDateTime;

pub async fn run(db: &DbUrl, events: u64) -> anyhow::Result<()> {
    let store = database::open_current(db).await?;
    let at = OffsetDateTime::now_utc();
    let started = Instant::now();
    let mut written = 0u64;
    while written < events {
        let n = (events - written).min(5_000);
        let batch: Vec<AuditRecord> = (written..written + n)
            .map(|i| AuditRecord {
                at,
                actor: format!("bench:{}", i % 50),
                on_behalf_of: None,
                action: "family.read".into(),
                subject: Some(format!("family:{}", i % 1_000_000 + 1)),
                purpose: i.is_multiple_of(10).then(|| "home visit".to_owned()),
                outcome: if i.is_multiple_of(97) { Outcome::Denied } else { Outcome::Allowed },
                request_id: format!("bench-{i}"),
                capacity: None,
            })
            .collect();
        store.append_audit(&batch).await?;
        written += n;
    }
    let secs = started.elapsed().as_secs_f64();
    println!("appended:  {written} entries in {secs:.2} s ({:.0}/s)", written as f64 / secs);
    let r = Services::new(store).verify_audit(&[]).await?;
    let secs = r.elapsed.as_secs_f64();
    println!(
        "verified:  {} entries in {secs:.2} s ({:.0} entries/s){}",
        r.entries,
        r.entries as f64 / secs,
        r.broken.map(|b| format!(" — BROKEN: {b}")).unwrap_or_default()
    );
    match crate::rss::peak_rss_bytes() {
        Some(b) => println!("peak RSS:  {:.0} MiB", b as f64 / 1_048_576.0),
        None => println!("peak RSS:  not reported"),
    }
    Ok(())
}
