//! Behaviour only the SQLite backend has: opening files, the migration log, pragmas, and what
//! happens to values that do not read back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::common::{TempDir, TempStore};
use rusqlite::Connection;
use shanyraq_store::contract::fixtures::{self, BATCH_MAIN, F_SERIKBAYEV};
use shanyraq_store::{
    NextIds, OpenFailure, PopulationStore, SchemaStore, Store, StoreError, StoreResult,
};
use shanyraq_store_sqlite::SqliteStore;

type Opener = fn(&Path) -> StoreResult<SqliteStore>;

/// Both ways of opening, named for messages.
const OPENERS: [(&str, Opener); 2] =
    [("open", SqliteStore::open), ("create_or_open", SqliteStore::create_or_open)];

fn failure_of(open: Opener, path: &Path) -> OpenFailure {
    match open(path) {
        Err(StoreError::Open { target, reason }) => {
            assert_eq!(target, path.display().to_string());
            reason
        }
        other => panic!("expected an open error for {}, got {other:?}", path.display()),
    }
}

fn open_failure(path: &Path) -> OpenFailure {
    failure_of(SqliteStore::open, path)
}

/// The files in `dir`, by name.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

async fn loaded(store: &dyn Store) {
    store.migrate().await.unwrap();
    store.replace_territories(&fixtures::tree()).await.unwrap();
    for b in fixtures::batches() {
        store.create_batch(&b).await.unwrap();
    }
    store.insert_population(&fixtures::sample()).await.unwrap();
}

#[test]
fn a_missing_directory_is_not_found_and_not_created() {
    let dir = TempDir::new("missing");
    let path = dir.path().join("no-such-dir").join("x.db");
    for (how, open) in OPENERS {
        assert_eq!(failure_of(open, &path), OpenFailure::NotFound, "{how}");
        assert!(!dir.path().join("no-such-dir").exists(), "{how}");
    }
}

#[test]
fn open_does_not_create_a_missing_file() {
    let dir = TempDir::new("nofile");
    let path = dir.path().join("typo.db");
    assert_eq!(open_failure(&path), OpenFailure::NotFound);
    assert!(listing(dir.path()).is_empty(), "left behind: {:?}", listing(dir.path()));
}

#[tokio::test]
async fn open_changes_nothing_on_disk() {
    let dir = TempDir::new("untouched");
    let path = dir.path().join("empty.db");
    // An empty database as any SQLite program leaves it: no bytes, rollback journal.
    drop(Connection::open(&path).unwrap());
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 0);
    drop(store);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 0, "the file was written to");
    assert_eq!(listing(dir.path()), ["empty.db"]);
    let raw = Connection::open(&path).unwrap();
    let mode: String = raw.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "delete", "opening switched the journal mode");
}

#[test]
fn a_read_only_directory_is_permission_denied() {
    let dir = TempDir::new("readonly");
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores directory permissions; there the check cannot be made (the mapping itself is
    // tested in the crate's unit tests).
    if !ignores_permissions(&ro) {
        let failure = failure_of(SqliteStore::create_or_open, &ro.join("x.db"));
        assert_eq!(failure, OpenFailure::PermissionDenied);
    }
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Whether this process ignores file permissions (root does); then permission checks are skipped.
fn ignores_permissions(dir: &std::path::Path) -> bool {
    let probe = dir.join("probe");
    let privileged = std::fs::write(&probe, b"").is_ok();
    if privileged {
        let _ = std::fs::remove_file(&probe);
        eprintln!("running with privileges that ignore permissions: skipping the assertion");
    }
    privileged
}

#[test]
fn a_read_only_file_is_permission_denied() {
    let dir = TempDir::new("rofile");
    let path = dir.path().join("ro.db");
    drop(SqliteStore::create_or_open(&path).unwrap());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    if !ignores_permissions(&ro) {
        for (how, open) in OPENERS {
            assert_eq!(failure_of(open, &path), OpenFailure::PermissionDenied, "{how}");
        }
    }
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_writable_file_in_a_read_only_directory_is_permission_denied() {
    let dir = TempDir::new("rodir-file");
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let path = sub.join("x.db");
    drop(SqliteStore::create_or_open(&path).unwrap());
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o555)).unwrap();
    if !ignores_permissions(&sub) {
        // The write-ahead log cannot be created next to it.
        assert_eq!(open_failure(&path), OpenFailure::PermissionDenied);
    }
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_file_that_is_not_a_database_is_refused() {
    let dir = TempDir::new("notadb");
    let path = dir.path().join("notes.db");
    let text = "This is a text file, not a database.\n".repeat(40);
    std::fs::write(&path, &text).unwrap();
    for (how, open) in OPENERS {
        assert_eq!(failure_of(open, &path), OpenFailure::NotADatabase, "{how}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "{how} left the file alone");
    }
}

#[test]
fn a_directory_is_not_a_database_file() {
    let dir = TempDir::new("isdir");
    for (how, open) in OPENERS {
        let failure = failure_of(open, dir.path());
        assert!(matches!(&failure, OpenFailure::Other(m) if m.contains("directory")), "{how}");
    }
}

#[test]
fn create_or_open_creates_an_empty_file_in_wal_mode() {
    let dir = TempDir::new("create");
    let path = dir.path().join("new.db");
    let store = SqliteStore::create_or_open(&path).unwrap();
    assert!(path.is_file());
    let raw = Connection::open(&path).unwrap();
    let mode: String = raw.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    drop(store);
    drop(raw);
    // Later opens find it as it was left.
    let store = SqliteStore::open(&path).unwrap();
    drop(store);
}

#[tokio::test]
async fn a_schema_newer_than_the_program_is_refused() {
    let store = TempStore::new();
    store.migrate().await.unwrap();
    let supported = store.supported_schema_version();
    let raw = Connection::open(store.path()).unwrap();
    raw.execute(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, 'future', '2030-01-01T00:00:00Z')",
        [supported + 5],
    )
    .unwrap();
    let err = store.migrate().await.unwrap_err();
    match &err {
        StoreError::SchemaTooNew { found, supported: s } => {
            assert_eq!((*found, *s), (supported + 5, supported));
        }
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
    assert_eq!(err.code(), "store.schema_too_new");
    assert_eq!(store.schema_version().await.unwrap(), supported + 5);
}

#[tokio::test]
async fn foreign_keys_are_enforced() {
    let store = TempStore::new();
    loaded(&*store).await;
    let before = store.stats().await.unwrap();
    let next = store.next_ids().await.unwrap();
    let mut chunk = fixtures::generated(next, 2, BATCH_MAIN, &fixtures::places());
    // A membership of a person nobody stored.
    chunk.memberships.push(shanyraq_domain::Membership {
        person: shanyraq_domain::PersonId(next.person.0 + 1_000),
        ..chunk.memberships[0].clone()
    });
    let err = store.insert_population(&chunk).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(ref m) if m.contains("FOREIGN KEY")), "{err:?}");
    assert_eq!(store.stats().await.unwrap(), before);
    let mut chunk = fixtures::generated(next, 2, shanyraq_domain::BatchId(77), &fixtures::places());
    chunk.persons.clear();
    chunk.memberships.clear();
    chunk.observations.truncate(1);
    chunk.observations[0].person = None;
    let err = store.insert_population(&chunk).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "an unknown batch: {err:?}");
}

#[tokio::test]
async fn a_value_that_does_not_read_back_is_corrupt() {
    let store = TempStore::new();
    loaded(&*store).await;
    let raw = Connection::open(store.path()).unwrap();
    raw.execute("UPDATE persons SET birth_date = '1985-13-45' WHERE id = 2", []).unwrap();
    let err = store.family(F_SERIKBAYEV).await.unwrap_err();
    match &err {
        StoreError::Corrupt(m) => {
            assert!(m.contains("person 2") && m.contains("birth_date"), "{m}");
            assert!(!m.contains("1985-13-45"), "the stored value is in the message: {m}");
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    raw.execute("UPDATE persons SET birth_date = '1987-05-17' WHERE id = 2", []).unwrap();
    raw.execute("UPDATE observations SET indicator = 'income.lottery' WHERE id = 1", []).unwrap();
    let err = store.family(F_SERIKBAYEV).await.unwrap_err();
    assert!(matches!(&err, StoreError::Corrupt(m) if m.contains("indicator")), "{err:?}");
    assert!(!err.to_string().contains("lottery"), "{err}");
}

/// A stored IIN that is not one is named by table, row and column; its digits stay out of the
/// message, which may be logged.
#[tokio::test]
async fn a_broken_iin_is_corrupt_without_its_digits() {
    let store = TempStore::new();
    loaded(&*store).await;
    let raw = Connection::open(store.path()).unwrap();
    let iin: String =
        raw.query_row("SELECT iin FROM persons WHERE id = 2", [], |r| r.get(0)).unwrap();
    let last = iin.chars().last().unwrap().to_digit(10).unwrap();
    let broken = format!("{}{}", &iin[..11], (last + 1) % 10);
    raw.execute("UPDATE persons SET iin = ?1 WHERE id = 2", [&broken]).unwrap();
    let err = store.family(F_SERIKBAYEV).await.unwrap_err();
    let m = format!("{err} {err:?}");
    assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
    assert!(m.contains("person 2") && m.contains("column iin"), "{m}");
    assert!(!m.contains(&broken) && !m.contains(&iin), "the IIN is in the message: {m}");
}

#[tokio::test]
async fn reads_do_not_wait_for_a_writer() {
    let store = TempStore::new();
    loaded(&*store).await;
    let before = store.stats().await.unwrap();
    let mut other = Connection::open(store.path()).unwrap();
    let tx = other.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).unwrap();
    tx.execute("DELETE FROM observations", []).unwrap();
    // While another connection holds the write lock with uncommitted changes, reads go on and
    // see the last committed state.
    assert_eq!(store.stats().await.unwrap(), before);
    assert!(store.family(F_SERIKBAYEV).await.unwrap().is_some());
    tx.rollback().unwrap();
}

#[tokio::test]
async fn data_survives_reopening() {
    let dir = TempDir::new("reopen");
    let path = dir.path().join("keep.db");
    let store = SqliteStore::create_or_open(&path).unwrap();
    loaded(&store).await;
    let stats = store.stats().await.unwrap();
    let family = store.family(F_SERIKBAYEV).await.unwrap();
    drop(store);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.schema_version().await.unwrap(), store.supported_schema_version());
    assert_eq!(store.stats().await.unwrap(), stats);
    assert_eq!(store.family(F_SERIKBAYEV).await.unwrap(), family);
    assert_ne!(store.next_ids().await.unwrap(), NextIds::FIRST);
}
