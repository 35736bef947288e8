//! Imports into a real (SQLite) database: facts with provenance, exactly once, corrections kept
//! as history, rows kept for matching, failures taken back, and the dry run's report.

use std::path::Path;

use shanyraq_app::import::{DryRunOptions, ImportOptions, Run, dry_run};
use shanyraq_app::{Clock, Services};
use shanyraq_domain::{IndicatorKey, ObservationValue, Tenge};
use shanyraq_store::{BatchStatus, IssueVerdict, PendingReason, Store};
use time::macros::datetime;

use crate::common::{HEADER, Known, as_of, income_row, populated, report_rows, write};

fn services(store: &std::sync::Arc<dyn Store>) -> Services {
    Services::new(store.clone()).with_clock(Clock::Fixed(datetime!(2026-07-20 09:00 UTC)))
}

async fn import(
    services: &Services,
    path: &Path,
    options: &ImportOptions,
) -> Result<shanyraq_app::import::ImportSummary, shanyraq_app::AppError> {
    services.import_feed(path, "income", Some(as_of()), options).await
}

/// The latest wage of `who` on their family card: (value, batch, line).
async fn wage(store: &dyn Store, who: &Known) -> Option<(ObservationValue, i64, Option<u64>)> {
    let card = store.family(who.family).await.unwrap().unwrap();
    let wage = IndicatorKey::named("income.wage").unwrap();
    card.latest_observations
        .into_iter()
        .filter(|o| o.observation.indicator == wage && o.observation.person == Some(who.person))
        .filter(|o| o.observation.batch.0 > 1)
        .map(|o| (o.observation.value, o.observation.batch.0, o.line))
        .next_back()
}

/// A valid IIN nobody in the database has.
fn stranger(known: &[Known]) -> shanyraq_domain::Iin {
    let iin: shanyraq_domain::Iin = "850217401239".parse().unwrap();
    assert!(known.iter().all(|k| k.iin != iin));
    iin
}

#[tokio::test]
async fn valid_rows_become_facts_with_provenance_and_the_rest_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (store, known) = populated(dir.path(), 40).await;
    let [a, b, c] = [known[0], known[3], known[6]];
    let stranger = stranger(&known);
    let lines = [
        HEADER.to_owned(),
        income_row(&a, "2026-05-01", "wage", 120_000),
        income_row(&b, "2026-05-01", "wage", 95_000),
        income_row(&c, "2026-05-01", "pension", 80_000),
        income_row(&a, "2026-05-01", "wage", -1),
        format!("{stranger},Тестов,Тест,1985-02-17,113800000,2026-05-01,,wage,1"),
        ",Тестов,Тест,1985-02-17,113800000,2026-05-01,,wage,1".to_owned(),
        income_row(&b, "01.05.2026", "WAGE", 95_000),
    ];
    let path = write(dir.path(), "income.csv", lines.join("\n").as_bytes());
    let before = store.stats().await.unwrap();
    let services = services(&store);

    let s = import(&services, &path, &ImportOptions::default()).await.unwrap();
    assert_eq!(s.run, Run::Imported);
    let n = s.counts;
    assert_eq!(n.rows_read, 7);
    assert_eq!((n.accepted, n.duplicates, n.pending, n.rejected), (3, 1, 2, 1));
    assert_eq!(n.superseded, 0);
    let batch = s.batch.clone().unwrap();
    assert_eq!(batch.status, BatchStatus::Complete);
    assert_eq!(batch.batch.label, "income.csv");
    assert_eq!(batch.fingerprint.as_deref().map(str::len), Some(64));

    let after = store.stats().await.unwrap();
    assert_eq!(after.observations, before.observations + 3);
    let (value, batch_id, line) = wage(&*store, &a).await.unwrap();
    assert_eq!(value, ObservationValue::Money(Tenge(120_000)));
    assert_eq!((batch_id, line), (batch.batch.id.0, Some(2)));

    let mut families = vec![a.family, b.family, c.family];
    families.sort();
    families.dedup();
    assert_eq!(store.changed_families(batch.batch.id).await.unwrap(), families);

    let pending = store.pending_rows(batch.batch.id).await.unwrap();
    let reasons: Vec<_> = pending.iter().map(|p| (p.line, p.reason)).collect();
    assert_eq!(reasons, [(6, PendingReason::UnknownPerson), (7, PendingReason::NoIin)]);
    assert_eq!(pending[1].last_name.as_deref(), Some("Тестов"));

    let report = report_rows(&s.report);
    let got: Vec<[&str; 3]> = report.iter().map(|r| [0, 1, 4].map(|i| r[i].as_str())).collect();
    assert_eq!(
        got,
        [
            ["5", "rejected", "range.below_min"],
            ["6", "needs_matching", "row.unknown_person"],
            ["7", "needs_matching", "row.needs_matching"],
            ["8", "warning", "row.duplicate"],
        ]
    );
    assert_eq!(report[1][3], format!("******{}", &stranger.to_string()[8..]));
    let stored = store.batch_issues(batch.batch.id, None, 100).await.unwrap();
    assert_eq!(stored.len(), 4);
    assert_eq!(stored[0].verdict, IssueVerdict::Rejected);
}

#[tokio::test]
async fn the_same_file_twice_changes_nothing_and_a_correction_supersedes() {
    let dir = tempfile::tempdir().unwrap();
    let (store, known) = populated(dir.path(), 40).await;
    let [a, b] = [known[0], known[3]];
    let first = [
        HEADER.to_owned(),
        income_row(&a, "2026-05-01", "wage", 120_000),
        income_row(&b, "2026-05-01", "wage", 95_000),
    ];
    let path = write(dir.path(), "may.csv", first.join("\n").as_bytes());
    let services = services(&store);
    let s1 = import(&services, &path, &ImportOptions::default()).await.unwrap();
    let batch1 = s1.batch.unwrap().batch.id;
    let stats = store.stats().await.unwrap();

    // The same bytes under another name: found by fingerprint, nothing written.
    let again = write(dir.path(), "may-again.csv", first.join("\n").as_bytes());
    let s2 = import(&services, &again, &ImportOptions::default()).await.unwrap();
    assert_eq!(s2.run, Run::AlreadyImported);
    assert_eq!(s2.batch.unwrap().batch.id, batch1);
    assert_eq!(store.stats().await.unwrap(), stats);

    // A corrected delivery: a's wage changes, b's is the same, c is new.
    let c = known[6];
    let corrected = [
        HEADER.to_owned(),
        income_row(&a, "2026-05-01", "wage", 125_000),
        income_row(&b, "2026-05-01", "wage", 95_000),
        income_row(&c, "2026-05-01", "wage", 70_000),
    ];
    let path = write(dir.path(), "may-corrected.csv", corrected.join("\n").as_bytes());
    let s3 = import(&services, &path, &ImportOptions::default()).await.unwrap();
    let cnt = s3.counts;
    assert_eq!((cnt.accepted, cnt.superseded, cnt.duplicates), (2, 1, 1));
    let batch3 = s3.batch.unwrap().batch.id;
    assert_ne!(batch3, batch1);
    let (value, batch_id, line) = wage(&*store, &a).await.unwrap();
    assert_eq!(
        (value, batch_id, line),
        (ObservationValue::Money(Tenge(125_000)), batch3.0, Some(2))
    );
    // The corrected value stays as history: one more row, not a replaced one.
    assert_eq!(store.stats().await.unwrap().observations, stats.observations + 2);
    let mut changed = vec![a.family, c.family];
    changed.sort();
    changed.dedup();
    assert_eq!(store.changed_families(batch3).await.unwrap(), changed);

    let listed = services.batches(None, 10).await.unwrap();
    let ids: Vec<i64> = listed.iter().map(|b| b.batch.id.0).collect();
    assert_eq!(ids, [batch3.0, batch1.0, 1], "newest first, the generator's batch last");
}

#[tokio::test]
async fn a_file_fault_midway_fails_the_batch_and_takes_back_what_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let (store, known) = populated(dir.path(), 40).await;
    let rows: Vec<String> =
        known.iter().take(5).map(|k| income_row(k, "2026-06-01", "wage", 50_000)).collect();
    let text = format!("{HEADER}\n{}\n{}\n", rows.join("\n"), "9".repeat(4096));
    let path = write(dir.path(), "june.csv", text.as_bytes());
    let before = store.stats().await.unwrap();
    let mut options = ImportOptions { chunk_rows: 2, ..ImportOptions::default() };
    options.read.max_line_bytes = 1024;
    let services = services(&store);

    let e = import(&services, &path, &options).await.unwrap_err();
    assert_eq!(e.code(), "line_too_long");
    assert_eq!(store.stats().await.unwrap().observations, before.observations);
    let listed = services.batches(None, 10).await.unwrap();
    let failed = &listed[0];
    assert_eq!(failed.status, BatchStatus::Failed);
    assert_eq!(failed.error_code.as_deref(), Some("line_too_long"));
    assert_eq!(failed.counts, shanyraq_store::BatchCounts::default());
    assert!(store.changed_families(failed.batch.id).await.unwrap().is_empty());
    assert!(!dir.path().join("june.csv.report.csv").exists());

    // The same file with a higher limit: the failed batch is restarted under its id.
    options.read.max_line_bytes = 1 << 20;
    let s = import(&services, &path, &options).await.unwrap();
    assert_eq!(s.batch.unwrap().batch.id, failed.batch.id);
    assert_eq!((s.counts.accepted, s.counts.rejected), (5, 1));
}

/// A generated feed with its faults: the import's report is the dry run's, line for line, and
/// the counts agree.
#[tokio::test]
async fn a_generated_feed_imports_with_the_report_of_its_dry_run() {
    use shanyraq_domain::territory;
    use shanyraq_feeds::schema::bundled_schema;
    use shanyraq_feeds::synthetic::{self, HeaderLang, Options, Population};
    use shanyraq_synth::{Generator, GeneratorConfig};

    let dir = tempfile::tempdir().unwrap();
    let (store, _) = populated(dir.path(), 60).await;
    let mut config = GeneratorConfig::new(60, 7, as_of());
    config.region = Some("113800000".parse().unwrap());
    let population = Population::collect(Generator::for_empty_database(config).unwrap());
    let schema = bundled_schema("income").unwrap();
    let options = Options { seed: 7, header_lang: HeaderLang::Ru, faults_per_mille: 80, months: 1 };
    let mut bytes = Vec::new();
    synthetic::render(&schema, &population, territory::bundled(), &options, &mut bytes).unwrap();
    let path = write(dir.path(), "income.csv", &bytes);

    let dry_report = dir.path().join("dry.csv");
    let dry_options = DryRunOptions { report: Some(dry_report.clone()), ..Default::default() };
    let dry = dry_run(&path, "income", as_of(), &dry_options).unwrap();
    let options = ImportOptions { chunk_rows: 37, ..ImportOptions::default() };
    let s = import(&services(&store), &path, &options).await.unwrap();
    assert_eq!(std::fs::read(&s.report).unwrap(), std::fs::read(&dry_report).unwrap());
    assert_eq!(s.counts.rows_read, dry.counts.rows_read);
    assert_eq!(s.counts.rejected, dry.counts.rejected);
    assert_eq!(s.counts.pending, dry.counts.pending);
    assert_eq!(
        s.counts.accepted + s.counts.duplicates,
        dry.counts.accepted + dry.counts.duplicates
    );
    assert!(s.counts.accepted > 50, "{:?}", s.counts);
}
