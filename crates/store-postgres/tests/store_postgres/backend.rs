//! What only the PostgreSQL backend has: connection errors, the migration runner and its lock,
//! the binary COPY path. The shared behaviour is in `contract.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, TestDb, is_superuser, server_url, with_database};
use shanyraq_domain::{
    Address, BatchId, Family, FamilyId, Iin, ImportBatch, IndicatorKey, Kato, Membership,
    Observation, ObservationValue, Person, PersonId, PersonName, Role, SettlementType, Sex, Source,
    Tenge,
};
use shanyraq_store::{
    BatchStore, OpenFailure, PopulationChunk, PopulationStore, SchemaStore, StoreError,
};
use shanyraq_store_postgres::{MIGRATIONS, Migration, PostgresStore};
use sqlx::{Connection, PgConnection};
use time::macros::{date, datetime};

fn open_failure(err: StoreError) -> (String, OpenFailure) {
    match err {
        StoreError::Open { target, reason } => (target, reason),
        other => panic!("expected an open error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_closed_port_is_connection_refused() {
    let err = PostgresStore::connect("postgres://app:s3cret@127.0.0.1:1/shanyraq")
        .await
        .expect_err("nothing listens on port 1");
    assert!(!err.to_string().contains("s3cret"), "{err}");
    let (target, reason) = open_failure(err);
    assert_eq!(target, "postgres://app:***@127.0.0.1:1/shanyraq");
    assert_eq!(reason, OpenFailure::ConnectionRefused);
}

#[tokio::test]
async fn an_unknown_database_is_named_as_such() {
    // Only meaningful with a server; the test database proves one is there.
    let Some(_db) = TestDb::create().await else { return };
    let url = with_database(&server_url(), "shanyraq_no_such_database_8f3a1c");
    let (_, reason) = open_failure(PostgresStore::connect(&url).await.unwrap_err());
    assert_eq!(reason, OpenFailure::NoSuchDatabase);
}

/// The server here trusts local connections, so a wrong password cannot be provoked; an unknown
/// role fails authentication with the same SQLSTATE class (28000) and takes the same path.
#[tokio::test]
async fn an_unknown_role_fails_authentication() {
    let Some(_db) = TestDb::create().await else { return };
    let server = server_url();
    let (scheme, rest) = server.split_once("://").unwrap();
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let url = format!("{scheme}://shanyraq_no_such_role:pw@{host}");
    let (target, reason) = open_failure(PostgresStore::connect(&url).await.unwrap_err());
    assert_eq!(reason, OpenFailure::AuthenticationFailed);
    assert!(target.contains("shanyraq_no_such_role:***@"), "{target}");
}

#[tokio::test]
async fn an_empty_database_is_at_version_zero_and_migrates_once() {
    let Some(db) = TestDb::create().await else { return };
    let store = db.store().await;
    assert_eq!(store.schema_version().await.unwrap(), 0);
    let supported = store.supported_schema_version();
    assert_eq!(supported, MIGRATIONS.len() as u32);
    let first = store.migrate().await.unwrap();
    assert_eq!((first.from, first.to), (0, supported));
    assert_eq!(store.schema_version().await.unwrap(), supported);
    let again = store.migrate().await.unwrap();
    assert_eq!((again.from, again.to), (supported, supported));
}

#[tokio::test]
async fn connections_the_server_closed_while_idle_are_replaced() {
    let Some(db) = TestDb::create().await else { return };
    let store = db.migrated_store().await;
    // Several pooled connections, all used now.
    let reads = (0..4).map(|_| store.schema_version());
    for v in futures::future::join_all(reads).await {
        assert_eq!(v.unwrap(), MIGRATIONS.len() as u32);
    }
    // The server ends every session of the store (a restart, a proxy's idle timeout).
    let mut admin = PgConnection::connect(db.url()).await.unwrap();
    let ended: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()) AS t",
    )
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert!(ended >= 1, "the store held no connection");
    let _ = admin.close().await;
    // Idle past the threshold: each connection is checked before use and a dead one replaced,
    // so no request sees the closed connections.
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    let reads = (0..4).map(|_| store.schema_version());
    for v in futures::future::join_all(reads).await {
        assert_eq!(v.unwrap(), MIGRATIONS.len() as u32);
    }
}

/// Two application servers on one database: a grant changed through one shows in the next
/// session the other resumes, although each keeps grants between reads.
#[tokio::test]
async fn grants_changed_through_another_server_show_in_the_next_resumed_session() {
    use shanyraq_domain::access::{AgencyCode, Category, CategorySet, Role, RoleGrant};
    use shanyraq_store::AccountStore;

    let Some(db) = TestDb::create().await else { return };
    let first = db.migrated_store().await;
    let second = db.store().await;
    let at = datetime!(2026-03-01 09:00 UTC);
    let a = shanyraq_store::contract::staff_with_session(&first, "dana", "s-1", at).await;
    let resumed =
        || async { first.session_with_account("s-1", at).await.unwrap().unwrap().account };
    assert!(resumed().await.roles.is_empty());

    let g = RoleGrant {
        role: Role::SocialWorker,
        agency: AgencyCode::parse("social").unwrap(),
        territory: "750000000".parse().unwrap(),
    };
    assert!(second.grant_role(a, &g).await.unwrap());
    assert!(second.grant_category(a, Category::Violence).await.unwrap());
    let after = resumed().await;
    let violence = CategorySet::EMPTY.with(Category::Violence);
    assert_eq!(
        (after.roles, after.categories, after.privilege_epoch),
        (vec![g.clone()], violence, 2)
    );
    assert!(second.revoke_role(a, &g).await.unwrap());
    assert!(resumed().await.roles.is_empty());
}

#[tokio::test]
async fn a_newer_schema_is_refused() {
    let Some(db) = TestDb::create().await else { return };
    let store = db.migrated_store().await;
    sqlx::query(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', now())",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let err = store.migrate().await.unwrap_err();
    assert!(
        matches!(err, StoreError::SchemaTooNew { found: 99, supported } if supported == MIGRATIONS.len() as u32),
        "{err:?}"
    );
    assert_eq!(store.schema_version().await.unwrap(), 99);
}

#[tokio::test]
async fn two_servers_migrating_at_once_take_turns() {
    let Some(db) = TestDb::create().await else { return };
    let (a, b) = (db.store().await, db.store().await);
    let (ra, rb) = tokio::join!(a.migrate(), b.migrate());
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    let supported = a.supported_schema_version();
    let mut froms = [ra.from, rb.from];
    froms.sort_unstable();
    assert_eq!(froms, [0, supported], "exactly one of them applied the migrations");
    assert_eq!((ra.to, rb.to), (supported, supported));
    let recorded: i64 = sqlx::query_scalar("SELECT count(*) FROM schema_migrations")
        .fetch_one(a.pool())
        .await
        .unwrap();
    assert_eq!(recorded, i64::from(supported));
}

#[tokio::test]
async fn a_failing_migration_leaves_the_schema_where_it_was() {
    let Some(db) = TestDb::create().await else { return };
    let store = db.store().await;
    let list = [
        Migration { version: 1, name: "good", sql: "CREATE TABLE good (id INTEGER)" },
        Migration { version: 2, name: "bad", sql: "CREATE TABLE bad (id NO_SUCH_TYPE)" },
    ];
    let err = store.apply_migrations(&list).await.unwrap_err();
    assert!(err.to_string().contains("migration 2 (bad)"), "{err}");
    assert_eq!(store.schema_version().await.unwrap(), 0);
    let good: Option<String> = sqlx::query_scalar("SELECT to_regclass('good')::text")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(good, None, "the first migration was rolled back with the second");
}

#[tokio::test]
async fn migration_lists_must_be_numbered_from_one() {
    let Some(db) = TestDb::create().await else { return };
    let store = db.store().await;
    let list = [Migration { version: 2, name: "skips one", sql: "SELECT 1" }];
    assert!(store.apply_migrations(&list).await.is_err());
    assert_eq!(store.schema_version().await.unwrap(), 0);
}

fn batch(id: i64) -> ImportBatch {
    ImportBatch {
        id: BatchId(id),
        feed: "synthetic".into(),
        label: "backend test".into(),
        started_at: datetime!(2026-03-01 10:00:00 UTC),
        finished_at: None,
        rows_accepted: 0,
        rows_rejected: 0,
    }
}

fn arman_iin() -> Iin {
    Iin::from_structure(date!(1985 - 01 - 01), Sex::Male, 7).expect("serial 7 has a check digit")
}

fn person(id: i64, last: &str) -> Person {
    Person {
        id: PersonId(id),
        iin: (id == 1).then(arman_iin),
        iin_as_reported: None,
        name: PersonName { last: last.into(), first: "Арман".into(), patronymic: None },
        birth_date: date!(1985 - 01 - 01),
        sex: Sex::Male,
        language: None,
        phone: None,
        disability: None,
        death_date: None,
    }
}

fn family(id: i64, street: Option<&str>) -> Family {
    Family {
        id: FamilyId(id),
        address: Address {
            territory: Kato::from_u32(113_220_100).unwrap(),
            street: street.map(str::to_owned),
            house: Some("1".into()),
            flat: None,
        },
        settlement_type: SettlementType::DistrictCentre,
        registered_on: date!(2004 - 08 - 20),
    }
}

fn chunk(person_id: i64, family_id: i64, last: &str, street: Option<&str>) -> PopulationChunk {
    PopulationChunk {
        persons: vec![person(person_id, last)],
        families: vec![family(family_id, street)],
        memberships: vec![Membership {
            family: FamilyId(family_id),
            person: PersonId(person_id),
            role: Role::Head,
            from: date!(2004 - 08 - 20),
            until: None,
        }],
        observations: vec![Observation {
            family: FamilyId(family_id),
            person: Some(PersonId(person_id)),
            indicator: IndicatorKey::named("income.wage").unwrap(),
            value: ObservationValue::Money(Tenge(250_000)),
            source: Source::Tax,
            observed_at: date!(2026 - 01 - 10),
            valid_from: date!(2026 - 01 - 01),
            valid_until: None,
            batch: BatchId(1),
        }],
    }
}

#[tokio::test]
async fn text_that_copy_text_format_would_escape_comes_back_unchanged() {
    let Some(db) = TestDb::create().await else { return };
    let store = db.migrated_store().await;
    store.create_batch(&batch(1)).await.unwrap();
    let awkward = "tab\there\nnewline\r\\N back\\slash \\. Ә ғ қ ң ө ұ ү һ і 🏠 \u{7f}";
    store.insert_population(&chunk(1, 1, awkward, Some("\\N"))).await.unwrap();
    let record = store.family(FamilyId(1)).await.unwrap().expect("family 1 is stored");
    assert_eq!(record.family.address.street.as_deref(), Some("\\N"), "not read as NULL");
    assert_eq!(record.members.len(), 1);
    assert_eq!(record.members[0].person.name.last, awkward);
    assert_eq!(record.members[0].person, person(1, awkward));
    assert_eq!(record.latest_observations.len(), 1);
}

/// Duplicates and dangling references fail the whole chunk, whichever way the store checks
/// references; afterwards the store still writes.
async fn conflicts_leave_nothing_behind(store: &PostgresStore) {
    store.insert_population(&chunk(1, 1, "Бірінші", None)).await.unwrap();
    let before = store.stats().await.unwrap();

    // Person 1 again, with new family 2: the persons COPY fails, nothing of the chunk stays.
    let err = store.insert_population(&chunk(1, 2, "Қайта", None)).await.unwrap_err();
    assert_eq!(err.code(), "store.conflict", "{err:?}");
    // A new person with the IIN person 1 holds.
    let mut same_iin = chunk(2, 3, "Басқа", None);
    same_iin.persons[0].iin = Some(arman_iin());
    let err = store.insert_population(&same_iin).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(ref m) if m.contains("persons_iin_key")), "{err:?}");
    // The server's DETAIL would say `Key (iin)=(…) already exists`: the IIN stays out.
    let message = format!("{err} {err:?}");
    assert!(!message.contains(&arman_iin().to_string()), "the IIN is in the message: {message}");
    // References to a family, a person and a batch that are not stored.
    let mut no_family = chunk(4, 4, "Жоқ", None);
    no_family.observations[0].family = FamilyId(99);
    let mut no_member = chunk(5, 5, "Жоқ", None);
    no_member.memberships[0].person = PersonId(98);
    let mut no_subject = chunk(6, 6, "Жоқ", None);
    no_subject.observations[0].person = Some(PersonId(97));
    let mut no_batch = chunk(7, 7, "Жоқ", None);
    no_batch.observations[0].batch = BatchId(96);
    for (what, bad) in
        [("family", no_family), ("member", no_member), ("subject", no_subject), ("batch", no_batch)]
    {
        let err = store.insert_population(&bad).await.unwrap_err();
        assert_eq!(err.code(), "store.conflict", "missing {what}: {err:?}");
    }

    assert_eq!(store.stats().await.unwrap(), before);
    for id in 2..=7 {
        assert!(store.family(FamilyId(id)).await.unwrap().is_none(), "family {id}");
    }
    // References to rows stored earlier are fine; the connections survived the failed COPYs.
    let mut later = chunk(8, 8, "Кейін", None);
    later.memberships[0].family = FamilyId(1);
    later.observations[0].family = FamilyId(1);
    store.insert_population(&later).await.unwrap();
    assert_eq!(store.stats().await.unwrap().persons, before.persons + 1);
    assert_eq!(store.family(FamilyId(1)).await.unwrap().unwrap().members.len(), 2);
}

#[tokio::test]
async fn a_conflicting_chunk_leaves_nothing_behind() {
    let Some(db) = TestDb::create().await else { return };
    let store = db.migrated_store().await;
    store.create_batch(&batch(1)).await.unwrap();
    assert_eq!(store.bulk_checks_references_itself(), None);
    conflicts_leave_nothing_behind(&store).await;
    if is_superuser(&store).await {
        assert_eq!(store.bulk_checks_references_itself(), Some(true), "the fast path");
    }
}

#[tokio::test]
async fn without_the_privilege_postgresql_checks_references() {
    let Some(db) = TestDb::create().await else { return };
    let admin = db.migrated_store().await;
    admin.create_batch(&batch(1)).await.unwrap();
    let store = PostgresStore::connect(&db.unprivileged_url().await).await.unwrap();
    conflicts_leave_nothing_behind(&store).await;
    assert_eq!(store.bulk_checks_references_itself(), Some(false));
}

#[tokio::test]
async fn schema_migrations_is_not_part_of_the_described_schema() {
    let Some(db) = TestDb::create().await else { return };
    let store = db.migrated_store().await;
    let shape = store.describe_schema().await.unwrap();
    assert!(!shape.tables.contains_key("schema_migrations"));
    let persons = &shape.tables["persons"];
    assert_eq!(persons[0].name, "id");
    assert_eq!(persons[0].type_class, "integer");
    assert!(!persons[0].nullable);
    assert_eq!(shape.indexes["persons_iin_key"].columns, ["iin"]);
    assert!(shape.indexes["persons_iin_key"].unique);
    assert_eq!(shape.indexes["families_territory_idx"].columns, ["territory_code", "id"]);
    assert!(!shape.indexes["families_territory_idx"].unique);
    assert_eq!(shape.primary_keys["memberships"], ["family_id", "person_id", "valid_from"]);
    assert!(!shape.indexes.keys().any(|k| k.ends_with("_pkey")), "{:?}", shape.indexes.keys());
}

#[test]
fn user_is_replaced_in_urls() {
    assert_eq!(
        common::with_user("postgres://postgres@h:5432/db", "u", "p"),
        "postgres://u:p@h:5432/db"
    );
    assert_eq!(common::with_user("postgres://a:b@h/db?x=1", "u", "p"), "postgres://u:p@h/db?x=1");
}

#[test]
fn database_is_replaced_in_urls() {
    assert_eq!(with_database("postgres://u@h:5432/postgres", "x"), "postgres://u@h:5432/x");
    assert_eq!(
        with_database("postgres://u:p@h/postgres?sslmode=disable", "x"),
        "postgres://u:p@h/x?sslmode=disable"
    );
    assert_eq!(with_database("postgresql://h", "x"), "postgresql://h/x");
}

/// Waits until a session of this database other than `observer` waits for a lock. Polls, and
/// gives up (failing the test) only after a long while: the waiting itself is what is tested.
pub async fn until_a_read_waits_for_a_lock(observer: &mut PgConnection) {
    for _ in 0..6_000 {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'
               AND pid <> pg_backend_pid()",
        )
        .fetch_one(&mut *observer)
        .await
        .unwrap();
        if waiting > 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the read never waited for the table the test holds");
}

/// The family card reads the family, its members and its observations in three statements. A
/// writer holds the observations table while the card is read, adds a newer wage and commits
/// before the card's last statement may run: the card still shows the wage of its snapshot.
#[tokio::test]
async fn a_family_card_is_one_snapshot() {
    let Some(db) = TestDb::create().await else { return };
    let store = db.migrated_store().await;
    store.create_batch(&batch(1)).await.unwrap();
    store.insert_population(&chunk(1, 1, "Бірінші", None)).await.unwrap();
    let mut writer = PgConnection::connect(db.url()).await.unwrap();
    let mut observer = PgConnection::connect(db.url()).await.unwrap();
    let mut tx = writer.begin().await.unwrap();
    sqlx::query("LOCK TABLE observations IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await
        .unwrap();
    let reader = {
        let store = store.clone();
        tokio::spawn(async move { store.family(FamilyId(1)).await })
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
    let record = reader.await.unwrap().unwrap().expect("family 1 is stored");
    let wages: Vec<&ObservationValue> =
        record.latest_observations.iter().map(|s| &s.observation.value).collect();
    assert_eq!(wages, [&ObservationValue::Money(Tenge(250_000))], "a fact from after the snapshot");
    // Afterwards the new fact is there.
    let later = store.family(FamilyId(1)).await.unwrap().unwrap();
    assert_eq!(
        later.latest_observations[0].observation.value,
        ObservationValue::Money(Tenge(999_000))
    );
}

/// The same for the IIN lookup: a membership committed between its two statements is not seen.
#[tokio::test]
async fn a_person_lookup_is_one_snapshot() {
    let Some(db) = TestDb::create().await else { return };
    let store = db.migrated_store().await;
    store.create_batch(&batch(1)).await.unwrap();
    store.insert_population(&chunk(1, 1, "Бірінші", None)).await.unwrap();
    let mut writer = PgConnection::connect(db.url()).await.unwrap();
    let mut observer = PgConnection::connect(db.url()).await.unwrap();
    let mut tx = writer.begin().await.unwrap();
    sqlx::query("LOCK TABLE memberships IN ACCESS EXCLUSIVE MODE").execute(&mut *tx).await.unwrap();
    let reader = {
        let store = store.clone();
        tokio::spawn(async move { store.person_by_iin(arman_iin()).await })
    };
    until_a_read_waits_for_a_lock(&mut observer).await;
    sqlx::raw_sql(
        "INSERT INTO families (id, territory_code, settlement_type, registered_on)
             VALUES (2, 113220100, 'district_centre', '2026-06-01');
         INSERT INTO memberships (family_id, person_id, role, valid_from)
             VALUES (2, 1, 'head', '2026-06-01');",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let record = reader.await.unwrap().unwrap().expect("person 1 is stored");
    let families: Vec<FamilyId> = record.memberships.iter().map(|m| m.family).collect();
    assert_eq!(families, [FamilyId(1)], "a membership from after the snapshot");
    let later = store.person_by_iin(arman_iin()).await.unwrap().unwrap();
    assert_eq!(later.memberships.len(), 2);
}

/// A stored IIN that is not one is reported by table, key and column, without its digits.
#[tokio::test]
async fn a_broken_iin_is_corrupt_without_its_digits() {
    let Some(db) = TestDb::create().await else { return };
    let store = db.migrated_store().await;
    store.create_batch(&batch(1)).await.unwrap();
    store.insert_population(&chunk(1, 1, "Бірінші", None)).await.unwrap();
    let good = arman_iin().to_string();
    let last = good.chars().last().unwrap().to_digit(10).unwrap();
    let broken = format!("{}{}", &good[..11], (last + 1) % 10);
    sqlx::query("UPDATE persons SET iin = $1 WHERE id = 1")
        .bind(&broken)
        .execute(store.pool())
        .await
        .unwrap();
    let err = store.family(FamilyId(1)).await.unwrap_err();
    let message = format!("{err} {err:?}");
    assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
    assert!(message.contains("persons id=1, column iin"), "{message}");
    assert!(!message.contains(&broken), "the stored value is in the message: {message}");
}
