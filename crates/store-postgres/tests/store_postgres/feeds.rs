//! What only the PostgreSQL backend does with feeds: a chunk whose sampled keys are all new but
//! another key is stored, importers running at the same time, and the path where PostgreSQL's own
//! triggers check references. The shared behaviour is in the contract suite.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use shanyraq_domain::{
    Address, BatchId, Family, FamilyId, ImportBatch, IndicatorKey, Kato, Membership, Observation,
    ObservationValue, Person, PersonId, PersonName, Role, SettlementType, Sex, Source, Tenge,
};
use shanyraq_store::{
    BatchStatus, BatchStore, ChunkCounts, ChunkOutcome, FeedChunk, FeedFact, FeedRow, FeedStore,
    NewFeedBatch, PopulationChunk, PopulationStore, RepeatNote, SchemaStore, StoreError,
};
use shanyraq_store_postgres::PostgresStore;
use sqlx::{Connection, PgConnection};
use time::macros::{date, datetime};

use crate::common::TestDb;

/// Persons 1..=n, each the head of a family with the same id, loaded by generator batch 1.
async fn population(store: &PostgresStore, n: i64) {
    store
        .create_batch(&ImportBatch {
            id: BatchId(1),
            feed: "synthetic".into(),
            label: "feed tests".into(),
            started_at: datetime!(2026-03-01 08:00:00 UTC),
            finished_at: None,
            rows_accepted: 0,
            rows_rejected: 0,
        })
        .await
        .unwrap();
    let mut chunk = PopulationChunk::default();
    for id in 1..=n {
        chunk.persons.push(Person {
            id: PersonId(id),
            iin: None,
            iin_as_reported: None,
            name: PersonName {
                last: "Сейітов".into(), first: "Ерлан".into(), patronymic: None
            },
            birth_date: date!(1980 - 01 - 01),
            sex: Sex::Male,
            language: None,
            phone: None,
            disability: None,
            death_date: None,
        });
        chunk.families.push(Family {
            id: FamilyId(id),
            address: Address {
                territory: Kato::from_u32(113_220_100).unwrap(),
                street: None,
                house: None,
                flat: None,
            },
            settlement_type: SettlementType::DistrictCentre,
            registered_on: date!(2020 - 01 - 01),
        });
        chunk.memberships.push(Membership {
            family: FamilyId(id),
            person: PersonId(id),
            role: Role::Head,
            from: date!(2020 - 01 - 01),
            until: None,
        });
    }
    store.insert_population(&chunk).await.unwrap();
}

async fn start(store: &PostgresStore, fingerprint: &str) -> BatchId {
    let new = NewFeedBatch {
        feed: "income".into(),
        source: Source::Tax,
        label: format!("{fingerprint}.csv"),
        fingerprint: fingerprint.into(),
        started_at: datetime!(2026-03-02 10:00:00 UTC),
    };
    store.start_feed_batch(&new, &[]).await.unwrap().batch.id
}

/// A wage of person (and family) `id` under `key`.
fn wage(key: String, id: i64, amount: i64) -> FeedFact {
    FeedFact {
        natural_key: key,
        observation: Observation {
            family: FamilyId(id),
            person: Some(PersonId(id)),
            indicator: IndicatorKey::named("income.wage").unwrap(),
            value: ObservationValue::Money(Tenge(amount)),
            source: Source::Tax,
            observed_at: date!(2026 - 03 - 01),
            valid_from: date!(2026 - 02 - 01),
            valid_until: None,
            batch: BatchId(0),
        },
    }
}

/// A chunk of `batch` from its start, one fact a row, lines from 2.
fn chunk(batch: BatchId, facts: Vec<FeedFact>) -> FeedChunk {
    let rows: Vec<FeedRow> = facts
        .into_iter()
        .enumerate()
        .map(|(i, mut fact)| {
            fact.observation.batch = batch;
            FeedRow { line: i as u64 + 2, facts: vec![fact], issues_before: 0 }
        })
        .collect();
    FeedChunk {
        batch,
        rows_before: 0,
        counts: ChunkCounts { rows_read: rows.len() as i64, rejected: 0, warnings: 0 },
        rows,
        pending: vec![],
        issues: vec![],
        repeat_note: RepeatNote::default(),
        written_at: datetime!(2026-03-02 10:01:00 UTC),
    }
}

/// (current facts, all facts) stored under natural keys.
async fn keyed_facts(store: &PostgresStore) -> (i64, i64) {
    sqlx::query_as(
        "SELECT count(*) FILTER (WHERE superseded_by IS NULL), count(*)
         FROM observations WHERE natural_key IS NOT NULL",
    )
    .fetch_one(store.pool())
    .await
    .unwrap()
}

/// A chunk is first written as if none of its keys were stored when none of a sample is. Here
/// the one stored key is one the sample cannot pick (the second in order of a thousand): the
/// index refuses the first attempt and the chunk is decided again with every key looked up.
#[tokio::test]
async fn a_stored_key_the_sample_missed_is_still_found() {
    let Some(db) = TestDb::create().await else { return };
    let store = db.migrated_store().await;
    population(&store, 3).await;
    let key = |n: usize| format!("income|k{n:04}");

    let a = start(&store, "a").await;
    let first = chunk(a, vec![wage(key(1), 1, 100_000), wage(key(2), 2, 200_000)]);
    store.write_feed_chunk(first).await.unwrap();
    store.complete_feed_batch(a, 2, datetime!(2026-03-02 10:02:00 UTC)).await.unwrap();

    let b = start(&store, "b").await;
    let mut facts: Vec<FeedFact> = (0..=1000)
        .filter(|n| *n != 1 && *n != 2)
        .map(|n| wage(key(n), 3, 1_000 + n as i64))
        .collect();
    // Key 1 corrected, key 2 repeated; both after the new ones in the file.
    facts.push(wage(key(1), 1, 110_000));
    facts.push(wage(key(2), 2, 200_000));
    let second = chunk(b, facts);
    let outcome = store.write_feed_chunk(second).await.unwrap();
    assert_eq!(
        outcome,
        ChunkOutcome {
            accepted: 1000,
            duplicates: 1,
            superseded: 1,
            repeats: 0,
            facts_stored: 1000
        }
    );
    let record = store.batch_record(b).await.unwrap().unwrap();
    assert_eq!(
        (record.counts.rows_read, record.counts.accepted, record.counts.duplicates),
        (1001, 1000, 1)
    );
    assert_eq!(record.counts.superseded, 1);
    assert_eq!(keyed_facts(&store).await, (1001, 1002), "one current fact per key");
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT line FROM observations WHERE batch_id = $1 ORDER BY id")
            .bind(b.0)
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert_eq!(ids, (2..=1001).collect::<Vec<i64>>(), "ids follow the file");
    let corrected: (i64, Option<i64>) = sqlx::query_as(
        "SELECT value_num, superseded_by FROM observations WHERE batch_id = $1 AND natural_key = $2",
    )
    .bind(a.0)
    .bind(key(1))
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(corrected, (100_000, Some(b.0)), "the corrected fact stays as history");
}

/// Waits until `n` sessions of this database other than `observer` wait for a lock. Polls, and
/// gives up (failing the test) only after a long while: the waiting itself is what is tested.
async fn until_sessions_wait(observer: &mut PgConnection, n: i64) {
    for _ in 0..6_000 {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'
               AND pid <> pg_backend_pid()",
        )
        .fetch_one(&mut *observer)
        .await
        .unwrap();
        if waiting >= n {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the writers never waited for the lock the test holds");
}

/// Two importers of one batch at its same resume point: one writes, the other is told the batch
/// moved on, whichever comes first.
#[tokio::test]
async fn two_importers_of_one_batch_do_not_both_write() {
    let Some(db) = TestDb::create().await else { return };
    let store = db.migrated_store().await;
    population(&store, 40).await;
    let id = start(&store, "twice").await;
    let facts = (1..=40).map(|n| wage(format!("income|p{n}"), n, 1_000 * n)).collect();
    let c = chunk(id, facts);
    let other = PostgresStore::connect(db.url()).await.unwrap();
    let (a, b) = tokio::join!(store.write_feed_chunk(c.clone()), other.write_feed_chunk(c));
    let results = [a, b];
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    assert!(
        results.iter().any(|r| matches!(r, Err(StoreError::Conflict(_)))),
        "the other is a conflict: {results:?}"
    );
    let record = store.batch_record(id).await.unwrap().unwrap();
    assert_eq!((record.counts.rows_read, record.counts.accepted), (40, 40));
    assert_eq!(keyed_facts(&store).await, (40, 40));
}

/// Two batches of one feed bringing the same new facts at the same moment: they take turns, so
/// the facts are stored once and the later batch finds them all duplicates. The test holds the
/// observations table until both wait, so that their decisions would overlap if they could.
#[tokio::test]
async fn batches_of_one_feed_take_turns_on_their_keys() {
    let Some(db) = TestDb::create().await else { return };
    let store = db.migrated_store().await;
    population(&store, 50).await;
    let (a, b) = (start(&store, "a").await, start(&store, "b").await);
    let facts = || (1..=50).map(|n| wage(format!("income|p{n}"), n, 1_000 * n)).collect();
    let (ca, cb) = (chunk(a, facts()), chunk(b, facts()));

    let mut holder = PgConnection::connect(db.url()).await.unwrap();
    let mut observer = PgConnection::connect(db.url()).await.unwrap();
    let mut held = holder.begin().await.unwrap();
    sqlx::query("LOCK TABLE observations IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *held)
        .await
        .unwrap();
    let writers = {
        let (sa, sb) = (store.clone(), PostgresStore::connect(db.url()).await.unwrap());
        tokio::spawn(async move { tokio::join!(sa.write_feed_chunk(ca), sb.write_feed_chunk(cb)) })
    };
    until_sessions_wait(&mut observer, 2).await;
    held.rollback().await.unwrap();
    let (ra, rb) = writers.await.unwrap();
    let mut outcomes = [ra.unwrap(), rb.unwrap()];
    outcomes.sort_by_key(|o| o.facts_stored);
    assert_eq!(
        outcomes,
        [
            ChunkOutcome {
                accepted: 0,
                duplicates: 50,
                superseded: 0,
                repeats: 0,
                facts_stored: 0
            },
            ChunkOutcome {
                accepted: 50,
                duplicates: 0,
                superseded: 0,
                repeats: 0,
                facts_stored: 50
            },
        ]
    );
    assert_eq!(keyed_facts(&store).await, (50, 50));
}

/// Without the privilege to turn the foreign-key triggers off, feed batches start, write, refuse
/// a fact of an unknown family and fail exactly as on the fast path.
#[tokio::test]
async fn without_the_privilege_postgresql_checks_feed_references() {
    let Some(db) = TestDb::create().await else { return };
    let admin = db.migrated_store().await;
    population(&admin, 5).await;
    let store = PostgresStore::connect(&db.unprivileged_url().await).await.unwrap();
    let id = start(&store, "plain").await;
    let mut stranger = wage("income|p9".into(), 5, 1);
    stranger.observation.family = FamilyId(99);
    let bad = chunk(id, vec![wage("income|p1".into(), 1, 100), stranger]);
    let err = store.write_feed_chunk(bad).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "a fact of an unknown family: {err:?}");
    assert_eq!(store.bulk_checks_references_itself(), Some(false));
    assert_eq!(keyed_facts(&store).await, (0, 0));

    let good = chunk(id, (1..=5).map(|n| wage(format!("income|p{n}"), n, 100 * n)).collect());
    let outcome = store.write_feed_chunk(good).await.unwrap();
    assert_eq!(outcome.facts_stored, 5);
    assert_eq!(store.changed_families(id).await.unwrap().len(), 5);
    store
        .fail_feed_batch(id, "import.cancelled", datetime!(2026-03-02 11:00:00 UTC))
        .await
        .unwrap();
    let record = store.batch_record(id).await.unwrap().unwrap();
    assert_eq!(record.status, BatchStatus::Failed);
    assert_eq!(keyed_facts(&store).await, (0, 0));
    assert_eq!(store.schema_version().await.unwrap(), admin.supported_schema_version());
}

/// On the fast path the references are checked on a second connection while the chunk is
/// written; when the pool has none to spare, in the chunk's own transaction, with the same
/// outcome.
#[tokio::test]
async fn with_no_connection_to_spare_references_are_checked_in_the_chunk() {
    let Some(db) = TestDb::create().await else { return };
    let store = db.migrated_store().await;
    population(&store, 5).await;
    let id = start(&store, "busy").await;
    let max = store.pool().options().get_max_connections();
    let mut held = Vec::new();
    for _ in 1..max {
        held.push(store.pool().acquire().await.unwrap());
    }
    assert_eq!(store.pool().size(), max - 1, "room for one, for the chunk itself");

    let mut stranger = wage("income|p9".into(), 5, 1);
    stranger.observation.person = Some(PersonId(99));
    let bad = chunk(id, vec![wage("income|p1".into(), 1, 100), stranger]);
    let err = store.write_feed_chunk(bad).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "a fact of an unknown person: {err:?}");
    let good = chunk(id, (1..=5).map(|n| wage(format!("income|p{n}"), n, 100 * n)).collect());
    assert_eq!(store.write_feed_chunk(good).await.unwrap().facts_stored, 5);
    assert_eq!(store.pool().size(), max, "no connection was added");
    drop(held);
    assert_eq!(keyed_facts(&store).await, (5, 5));
}
