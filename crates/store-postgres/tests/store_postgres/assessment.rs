//! What only the PostgreSQL backend has around assessments and offers: both ways of checking a
//! result chunk's references, an input page read in one snapshot, persons read by key when their
//! keys are scattered, damaged values named without their text, and concurrent offer writers.
//! The shared behaviour is in `contract.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::backend::until_a_read_waits_for_a_lock;
use crate::common::{TestDb, is_superuser};
use shanyraq_domain::assessment::{Level, MemberInput, Trigger};
use shanyraq_domain::{Family, FamilyId, Membership, ObservationValue, PersonId, Role, Tenge};
use shanyraq_store::contract::expected_input;
use shanyraq_store::contract::fixtures::*;
use shanyraq_store::{
    AssessmentChunk, AssessmentStore, BatchStore, HistoryEntry, LevelEvent, LevelEventKind,
    OfferStore, PopulationChunk, PopulationStore, SchemaStore, StoreError, StoredAssessment,
};
use shanyraq_store_postgres::PostgresStore;
use sqlx::{Connection, PgConnection};
use time::macros::{date, datetime};

/// Migrates, stores the fixture batches and sample population, installs the fixture
/// methodology.
async fn loaded(store: &PostgresStore) -> PopulationChunk {
    store.migrate().await.unwrap();
    for b in batches() {
        store.create_batch(&b).await.unwrap();
    }
    let sample = sample();
    store.insert_population(&sample).await.unwrap();
    store.install_methodology(&methodology(METHODOLOGY, date!(2023 - 01 - 01))).await.unwrap();
    sample
}

fn assessment(family: FamilyId, seq: i64) -> StoredAssessment {
    StoredAssessment {
        family,
        seq,
        assessed_on: date!(2026 - 03 - 10),
        methodology: METHODOLOGY.into(),
        total: 45,
        score_level: Level::C,
        level: Level::C,
        trigger: Trigger::Full,
        detail: "{}".into(),
    }
}

fn history(family: FamilyId, seq: i64) -> HistoryEntry {
    let a = assessment(family, seq);
    HistoryEntry {
        family,
        seq,
        assessed_on: a.assessed_on,
        methodology: a.methodology,
        total: a.total,
        level: a.level,
        trigger: a.trigger,
    }
}

fn event(family: FamilyId) -> LevelEvent {
    LevelEvent {
        family,
        kind: LevelEventKind::EnteredCrisis,
        level: Level::D,
        previous: None,
        occurred_on: date!(2026 - 03 - 10),
        methodology: METHODOLOGY.into(),
    }
}

fn results(families: &[FamilyId]) -> AssessmentChunk {
    AssessmentChunk {
        assessments: families.iter().map(|&f| assessment(f, 1)).collect(),
        history: families.iter().map(|&f| history(f, 1)).collect(),
        events: vec![],
    }
}

/// A chunk naming a family or methodology that is not stored is a conflict and writes nothing,
/// whichever way references are checked; afterwards the store still writes.
async fn dangling_references_write_nothing(store: &PostgresStore) {
    store.write_assessments(results(&[F_SERIKBAYEV])).await.unwrap();
    let unknown = FamilyId(99);

    let mut no_family = results(&[F_ERLAN]);
    no_family.assessments.push(assessment(unknown, 1));
    let mut no_history_family = results(&[F_ERLAN]);
    no_history_family.history.push(history(unknown, 1));
    let mut no_event_family = results(&[F_ERLAN]);
    no_event_family.events.push(event(unknown));
    let mut no_methodology = results(&[F_ERLAN]);
    no_methodology.history[0].methodology = "not-installed".into();
    let mut no_event_methodology = results(&[F_ERLAN]);
    no_event_methodology.events.push(LevelEvent { methodology: "gone".into(), ..event(F_ERLAN) });
    for (what, chunk) in [
        ("assessment of an unknown family", no_family),
        ("history of an unknown family", no_history_family),
        ("event of an unknown family", no_event_family),
        ("history of an unknown methodology", no_methodology),
        ("event of an unknown methodology", no_event_methodology),
    ] {
        let err = store.write_assessments(chunk).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{what}: {err:?}");
        assert_eq!(store.assessment(F_ERLAN).await.unwrap(), None, "{what}");
        assert!(store.level_history(F_ERLAN).await.unwrap().is_empty(), "{what}");
        assert!(store.level_events(None, 10).await.unwrap().is_empty(), "{what}");
    }
    let mut good = results(&[F_ERLAN, F_PETROV]);
    good.events.push(event(F_ERLAN));
    store.write_assessments(good).await.unwrap();
    assert_eq!(store.assessment(F_PETROV).await.unwrap(), Some(assessment(F_PETROV, 1)));
    assert_eq!(store.level_events(None, 10).await.unwrap().len(), 1);
}

#[tokio::test]
async fn result_chunks_check_their_references_on_the_fast_path() {
    let Some(db) = TestDb::create().await else { return };
    let store = db.store().await;
    loaded(&store).await;
    dangling_references_write_nothing(&store).await;
    if is_superuser(&store).await {
        assert_eq!(store.bulk_checks_references_itself(), Some(true), "the fast path");
    }
}

#[tokio::test]
async fn without_the_privilege_postgresql_checks_result_references() {
    let Some(db) = TestDb::create().await else { return };
    let admin = db.store().await;
    loaded(&admin).await;
    let store = PostgresStore::connect(&db.unprivileged_url().await).await.unwrap();
    dangling_references_write_nothing(&store).await;
    assert_eq!(store.bulk_checks_references_itself(), Some(false));
}

/// A page of inputs is read in several statements. A writer holds the facts while the page is
/// read, adds a fact and commits before the page's facts are read: the page still shows the
/// facts of its snapshot.
#[tokio::test]
async fn an_input_page_is_one_snapshot() {
    let Some(db) = TestDb::create().await else { return };
    let store = db.store().await;
    let sample = loaded(&store).await;
    let mut writer = PgConnection::connect(db.url()).await.unwrap();
    let mut observer = PgConnection::connect(db.url()).await.unwrap();
    let mut tx = writer.begin().await.unwrap();
    sqlx::query("LOCK TABLE observations IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await
        .unwrap();
    let reader = {
        let store = store.clone();
        tokio::spawn(async move { store.assessment_inputs(None, 100).await })
    };
    until_a_read_waits_for_a_lock(&mut observer).await;
    sqlx::query(
        "INSERT INTO observations
             (family_id, person_id, indicator, value_num, source, observed_at, valid_from, batch_id)
         VALUES (1, 1, 'income.wage', 999000, 'tax', '2026-06-01', '2026-06-01', 1)",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let page = reader.await.unwrap().unwrap();
    assert_eq!(page[0].family, expected_input(&sample, F_SERIKBAYEV), "a fact from after it");
    let later = store.assessment_inputs_for(&[F_SERIKBAYEV]).await.unwrap();
    let wage = ObservationValue::Money(Tenge(999_000));
    assert_eq!(later[0].family.facts.last().map(|f| &f.value), Some(&wage));
}

/// Members whose keys lie far apart are read by key, and come out as those of a run of keys do.
#[tokio::test]
async fn persons_with_scattered_keys_are_members_too() {
    let Some(db) = TestDb::create().await else { return };
    let store = db.store().await;
    let sample = loaded(&store).await;
    let far = PersonId(50_000_000);
    let family = FamilyId(7);
    let template = sample.persons.iter().find(|p| p.id == P_AIGUL).unwrap();
    let chunk = PopulationChunk {
        persons: vec![shanyraq_domain::Person { id: far, iin: None, ..template.clone() }],
        families: vec![Family { id: family, ..sample.families[0].clone() }],
        memberships: [(far, Role::Head), (P_ARMAN, Role::Other)]
            .into_iter()
            .map(|(person, role)| Membership {
                family,
                person,
                role,
                from: date!(2026 - 01 - 01),
                until: None,
            })
            .collect(),
        observations: vec![],
    };
    store.insert_population(&chunk).await.unwrap();
    let arman = sample.persons.iter().find(|p| p.id == P_ARMAN).unwrap();
    let member = |p: &shanyraq_domain::Person, role| MemberInput {
        person: p.id,
        role,
        birth_date: p.birth_date,
        disability: p.disability,
        death_date: p.death_date,
        language: p.language,
        from: date!(2026 - 01 - 01),
        until: None,
    };
    let expected = vec![member(arman, Role::Other), member(&chunk.persons[0], Role::Head)];
    let by_id = store.assessment_inputs_for(&[family, F_SERIKBAYEV]).await.unwrap();
    assert_eq!(by_id[1].family.members, expected);
    assert_eq!(by_id[0].family, expected_input(&sample, F_SERIKBAYEV));
    let page = store.assessment_inputs(None, 100).await.unwrap();
    assert_eq!(page.len(), 7);
    assert_eq!(page[6].family.members, expected);
    assert_eq!(page[0].family, expected_input(&sample, F_SERIKBAYEV));
}

/// A stored code or indicator the domain does not know is `Corrupt`, naming table, key and
/// column, never the text.
#[tokio::test]
async fn damaged_inputs_are_corrupt_without_their_text() {
    let Some(db) = TestDb::create().await else { return };
    let store = db.store().await;
    loaded(&store).await;
    sqlx::query("UPDATE persons SET disability = 'secret-group' WHERE id = 6")
        .execute(store.pool())
        .await
        .unwrap();
    let err = store.assessment_inputs(None, 100).await.unwrap_err();
    let message = format!("{err} {err:?}");
    assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
    assert!(message.contains("persons id=6, column disability"), "{message}");
    assert!(!message.contains("secret"), "{message}");
    sqlx::raw_sql(
        "UPDATE persons SET disability = NULL WHERE id = 6;
         UPDATE observations SET indicator = 'secret.key'
         WHERE id = (SELECT min(id) FROM observations WHERE family_id = 2)",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let err = store.assessment_inputs_for(&[F_ERLAN]).await.unwrap_err();
    let message = format!("{err} {err:?}");
    assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
    assert!(message.contains("column indicator"), "{message}");
    assert!(!message.contains("secret"), "{message}");
    assert!(store.assessment_inputs_for(&[F_SERIKBAYEV]).await.is_ok());
}

/// Two writers offering the same measure to the same person at once make one offer between
/// them, and neither fails.
#[tokio::test]
async fn concurrent_offers_of_a_measure_make_one() {
    let Some(db) = TestDb::create().await else { return };
    let store = db.store().await;
    loaded(&store).await;
    let offer = new_offer(F_SERIKBAYEV, P_ARMAN, "housing.rent_help", date!(2026 - 03 - 31));
    let at = datetime!(2026-03-01 10:00:00 UTC);
    let writers: Vec<_> = (0..4)
        .map(|_| {
            let (store, offer) = (store.clone(), offer.clone());
            tokio::spawn(async move { store.create_offers(&[offer], at).await })
        })
        .collect();
    let mut written = 0;
    for w in writers {
        written += w.await.unwrap().unwrap().len();
    }
    assert_eq!(written, 1);
    assert_eq!(store.family_offers(F_SERIKBAYEV).await.unwrap().len(), 1);
    assert_eq!(store.undelivered_messages(10).await.unwrap().len(), 1);
}
