//! Assessing a real (SQLite) database: full runs, unchanged re-runs, the change feed, a new
//! methodology version, level events and offers that expire into tasks.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../import/common.rs"]
#[allow(dead_code)]
mod common;

use std::sync::Arc;

use shanyraq_app::{AppError, Clock, Services};
use shanyraq_domain::FamilyId;
use shanyraq_domain::assessment::{DEFAULT_METHODOLOGY, Level, Trigger};
use shanyraq_store::{LevelEventKind, OfferState, Store};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use common::{HEADER, as_of, income_row, populated, write};

/// Services whose "today" is the population's as-of day plus `days` (noon in Astana).
fn services(store: &Arc<dyn Store>, days: i64) -> Services {
    let noon = OffsetDateTime::new_utc(as_of(), time::Time::MIDNIGHT) + Duration::hours(7);
    Services::new(store.clone()).with_clock(Clock::Fixed(noon + Duration::days(days)))
}

async fn history_len(store: &Arc<dyn Store>, family: FamilyId) -> usize {
    store.level_history(family).await.unwrap().len()
}

#[tokio::test]
async fn a_full_run_stores_each_family_and_an_unchanged_rerun_adds_no_history() {
    let dir = tempfile::tempdir().unwrap();
    let (store, known) = populated(dir.path(), 400).await;
    let s = services(&store, 0);
    assert!(s.ensure_methodology().await.unwrap().is_some());
    assert!(s.ensure_methodology().await.unwrap().is_none(), "installed once");

    let first = s.assess_all(None, Trigger::Full, |_| {}).await.unwrap();
    assert_eq!((first.families, first.changed), (400, 400));
    assert_eq!(first.levels.values().sum::<u64>(), 400);
    assert!(first.computed_medians);
    let crisis = first.levels.iter().filter(|(l, _)| l.is_crisis()).map(|(_, n)| n).sum::<u64>();
    assert_eq!(first.events, crisis, "every family at D/E entered it");
    let family = known[0].family;
    assert_eq!(history_len(&store, family).await, 1);

    let again = s.assess_all(None, Trigger::Full, |_| {}).await.unwrap();
    assert_eq!((again.families, again.changed, again.events), (400, 0, 0));
    assert!(!again.computed_medians, "the quarter's medians are kept");
    assert_eq!(history_len(&store, family).await, 1);

    // The next day: nothing changed, so no history, but families still at D/E are reported.
    let next = services(&store, 1).assess_all(None, Trigger::Full, |_| {}).await.unwrap();
    assert_eq!((next.changed, next.events), (0, crisis));
    let events = store.level_events(None, 10_000).await.unwrap();
    let stays = events.iter().filter(|e| e.event.kind == LevelEventKind::StaysInCrisis).count();
    assert_eq!(stays as u64, crisis);
    assert!(events.iter().all(|e| e.event.level.is_crisis()));

    // The stored result explains itself with the version that made it.
    let view = s.assessment(family).await.unwrap().unwrap();
    assert_eq!(view.stored.methodology, "ckc-2023-r1");
    assert_eq!(
        view.assessment.contributions.iter().map(|c| c.points).sum::<i64>(),
        view.stored.total
    );
}

#[tokio::test]
async fn a_feed_that_changes_facts_reassesses_exactly_those_families() {
    let dir = tempfile::tempdir().unwrap();
    let (store, known) = populated(dir.path(), 200).await;
    let s = services(&store, 0);
    s.ensure_methodology().await.unwrap();
    s.assess_all(None, Trigger::Full, |_| {}).await.unwrap();
    assert_eq!(s.assess_changed().await.unwrap().families, 0, "nothing changed yet");

    // A very high wage for an adult of a family below the top income band (rule 0, band 6)
    // lifts the family's band.
    let mut who = None;
    for k in known.iter().filter(|k| k.birth_date.year() < 1990) {
        let a = store.assessment(k.family).await.unwrap().unwrap();
        if !a.detail.contains("[0,6,") {
            who = Some((k, a));
            break;
        }
    }
    let (who, before) = who.unwrap();
    let period = format!("{}-{:02}-01", as_of().year(), u8::from(as_of().month()));
    let csv = format!("{HEADER}\n{}\n", income_row(who, &period, "wage", 9_000_000));
    let path = write(dir.path(), "income.csv", csv.as_bytes());
    // Reported the next day: the latest observation counts.
    let next_day = as_of().next_day().unwrap();
    s.import_feed(&path, "income", Some(next_day), &Default::default()).await.unwrap();

    let changed = services(&store, 1).assess_changed().await.unwrap();
    assert_eq!((changed.families, changed.changed), (1, 1));
    let after = store.assessment(who.family).await.unwrap().unwrap();
    assert!(after.total > before.total, "{} → {}", before.total, after.total);
    assert!(after.level <= before.level);
    assert_eq!(after.trigger, Trigger::Facts);
    let history = store.level_history(who.family).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].trigger, Trigger::Facts);
    assert_eq!(s.assess_changed().await.unwrap().families, 0, "the batch is marked assessed");
}

#[tokio::test]
async fn a_new_methodology_in_force_reassesses_everyone_and_a_bad_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = populated(dir.path(), 150).await;
    let s = services(&store, 0);
    s.ensure_methodology().await.unwrap();
    s.assess_all(None, Trigger::Full, |_| {}).await.unwrap();

    let bad = DEFAULT_METHODOLOGY.replacen("C = -30", "C = 900", 1);
    match s.install_methodology("bad.toml", &bad).await {
        Err(AppError::Methodology(e)) => assert_eq!(e.code(), "methodology.cutoffs_order"),
        other => panic!("{other:?}"),
    }
    assert_eq!(s.methodologies().await.unwrap().all().count(), 1);

    let v2 = DEFAULT_METHODOLOGY
        .replace("version = \"ckc-2023-r1\"", "version = \"ckc-2025-test\"")
        .replace("effective_from = \"2023-07-01\"", "effective_from = \"2025-01-01\"")
        .replace("points = -70", "points = -400");
    let (outcome, summary) = s.install_methodology("v2.toml", &v2).await.unwrap();
    assert!(outcome.new);
    let summary = summary.expect("in force today: everyone re-assessed");
    assert_eq!(
        (summary.families, summary.methodologies.as_slice()),
        (150, ["ckc-2025-test".to_owned()].as_slice())
    );
    let family = FamilyId(1);
    let stored = store.assessment(family).await.unwrap().unwrap();
    assert_eq!(
        (stored.methodology.as_str(), stored.trigger),
        ("ckc-2025-test", Trigger::Methodology)
    );
    let (again, none) = s.install_methodology("v2.toml", &v2).await.unwrap();
    assert!(!again.new && none.is_none());
    let other_text = v2.replace("points = -400", "points = -401");
    assert!(
        s.install_methodology("v2b.toml", &other_text).await.is_err(),
        "a version never changes"
    );
}

#[tokio::test]
async fn offers_go_to_the_outbox_once_and_unanswered_ones_become_tasks() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = populated(dir.path(), 400).await;
    let s = services(&store, 0);
    s.ensure_methodology().await.unwrap();
    let first = s.assess_all(None, Trigger::Full, |_| {}).await.unwrap();
    assert!(first.offers > 0, "a district of 400 families has someone to offer help to");
    let mut delivered = Vec::new();
    let n = s
        .deliver_messages(|m| {
            delivered.push(m.clone());
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(n as u64, first.offers);
    assert!(delivered.iter().all(|m| m.offer.is_some() && !m.body.is_empty()));
    assert!(delivered.iter().all(|m| ["kk", "ru"].contains(&m.language.as_str())));
    assert_eq!(s.deliver_messages(|_| Ok(())).await.unwrap(), 0, "each message once");

    // A re-run offers nothing new.
    s.assess_all(None, Trigger::Full, |_| {}).await.unwrap();
    assert_eq!(s.deliver_messages(|_| Ok(())).await.unwrap(), 0);

    // One answer, the rest expire after the answer period into follow-up tasks.
    let offer = delivered[0].offer.unwrap();
    let accepted = s.answer_offer(offer, true).await.unwrap();
    assert_eq!(accepted.state, OfferState::Accepted);
    assert!(s.answer_offer(offer, false).await.is_err(), "answered once");
    assert!(s.expire_offers().await.unwrap().is_empty(), "not yet");
    let later = services(&store, shanyraq_app::assess::offers::ANSWER_DAYS + 1);
    let expired = later.expire_offers().await.unwrap();
    assert_eq!(expired.len(), delivered.len() - 1);
    let district = "113800000".parse().unwrap();
    let tasks = later.open_tasks(district, 10_000).await.unwrap();
    assert_eq!(tasks.len(), expired.len());
    assert!(tasks.iter().all(|t| t.kind == "offer_follow_up"));
    let _ = (Level::A, datetime!(2026-01-01 00:00 UTC));
}
