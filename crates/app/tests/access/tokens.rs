//! Integration tokens: shown once, kept as a hash, scoped to sources and a territory, expiring
//! and revocable; an upload with one imports only rows of families inside its territory.

use std::sync::Arc;

use shanyraq_app::import::Spool;
use shanyraq_app::{AppError, Clock, Services};
use shanyraq_domain::audit::Outcome;
use shanyraq_domain::{FamilyId, Kato};
use shanyraq_store::Store;
use time::Duration;

use super::common::{HEADER, Known, as_of, income_row, populated};
use super::noon;
use shanyraq_app::authz::AccessContext;

fn system() -> AccessContext {
    AccessContext::system("test", "setup")
}

fn spool(text: &str) -> Spool {
    let mut s = Spool::create(Some("wages.csv")).unwrap();
    s.write(text.as_bytes()).unwrap();
    s
}

async fn territory_of(store: &Arc<dyn Store>, family: FamilyId) -> Kato {
    store.family(family).await.unwrap().unwrap().family.address.territory
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_import_only_families_inside_the_tokens_territory() {
    let dir = tempfile::tempdir().unwrap();
    let (store, known) = populated(dir.path(), 40).await;
    let s = Services::new(store.clone()).with_clock(Clock::Fixed(noon()));
    // Two people whose families live in different settlements of the district.
    let inside: &Known = &known[0];
    let home = territory_of(&store, inside.family).await;
    let mut outside = None;
    for k in &known {
        if territory_of(&store, k.family).await != home {
            outside = Some(k);
            break;
        }
    }
    let outside = outside.expect("a family in another settlement");
    let (token, secret) =
        s.tokens().issue(&system(), "tax-atbasar", &["income".to_owned()], home, 30).await.unwrap();
    assert_eq!(token.secret_hash, secret.digest(), "only the hash is kept");
    assert_ne!(token.secret_hash, secret.expose());

    let period = shanyraq_domain::dates::iso(as_of().replace_day(1).unwrap());
    let csv = format!(
        "{HEADER}\n{}\n{}\n",
        income_row(inside, &period, "wage", 250_000),
        income_row(outside, &period, "wage", 260_000)
    );
    let summary = s.upload_feed(secret.expose(), "income", spool(&csv), "r1").await.unwrap();
    assert_eq!((summary.counts.rows_read, summary.counts.accepted), (2, 1));
    assert_eq!(summary.counts.rejected, 1, "the family outside the territory is refused");
    let batch = summary.batch.unwrap().batch.id;
    let lines = store.batch_issues(batch, None, 100).await.unwrap();
    assert!(lines.iter().any(|l| l.code == "row.out_of_territory" && l.line == 3), "{lines:?}");
    let wage = |f: FamilyId| {
        let store = store.clone();
        async move {
            store.family(f).await.unwrap().unwrap().latest_observations.iter().any(|o| {
                o.observation.indicator.as_str() == "income.wage" && o.observation.batch == batch
            })
        }
    };
    assert!(wage(inside.family).await);
    assert!(!wage(outside.family).await);
    let head = store.audit_head().await.unwrap().unwrap();
    assert_eq!(head.record.action, "feed.upload");
    assert_eq!(head.record.actor, format!("token:{}", token.id));

    // Another source, a wrong token, a revoked one and an expired one are all refused alike.
    let refused =
        |r: Result<_, AppError>| matches!(r, Err(AppError::Denied { reason: "token.invalid" }));
    assert!(refused(s.upload_feed(secret.expose(), "police", spool(&csv), "r2").await));
    assert!(refused(s.upload_feed(&"0".repeat(64), "income", spool(&csv), "r3").await));
    assert!(refused(s.upload_feed("not a token", "income", spool(&csv), "r4").await));
    let later = Services::new(store.clone()).with_clock(Clock::Fixed(noon() + Duration::days(31)));
    assert!(refused(later.upload_feed(secret.expose(), "income", spool(&csv), "r5").await));
    assert!(s.tokens().revoke(&system(), "tax-atbasar").await.unwrap());
    assert!(!s.tokens().revoke(&system(), "tax-atbasar").await.unwrap());
    assert!(refused(s.upload_feed(secret.expose(), "income", spool(&csv), "r6").await));
    let head = store.audit_head().await.unwrap().unwrap();
    assert_eq!(
        (head.record.action.as_str(), head.record.outcome),
        ("feed.upload", Outcome::Denied)
    );
    let listed = s.tokens().list(&system()).await.unwrap();
    assert!(listed[0].revoked_at.is_some() && listed[0].last_used_at.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_issued_by_administrators_with_sane_limits() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = populated(dir.path(), 5).await;
    let s = Services::new(store).with_clock(Clock::Fixed(noon()));
    let district: Kato = "113800000".parse().unwrap();
    let income = ["income".to_owned()];
    let staff = AccessContext::new(shanyraq_domain::access::Principal::nobody("account:7"), "r");
    assert!(matches!(
        s.tokens().issue(&staff, "t", &income, district, 30).await,
        Err(AppError::Denied { .. })
    ));
    for (name, sources, days, code) in [
        ("bad name!", &income[..], 30, "token.name"),
        ("t", &[][..], 30, "token.sources"),
        ("t", &income[..], 0, "token.days"),
        ("t", &income[..], 400, "token.days"),
    ] {
        match s.tokens().issue(&system(), name, sources, district, days).await {
            Err(AppError::InvalidInput { code: c, .. }) => assert_eq!(c, code),
            other => panic!("{name} {days}: {other:?}"),
        }
    }
    s.tokens().issue(&system(), "t", &income, district, 30).await.unwrap();
    match s.tokens().issue(&system(), "t", &income, district, 30).await {
        Err(AppError::InvalidInput { code: "token.taken", .. }) => {}
        other => panic!("{other:?}"),
    }
}
