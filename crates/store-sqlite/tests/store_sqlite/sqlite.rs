//! Behaviour only the SQLite backend has: opening files, the migration log, pragmas, and what
//! happens to values that do not read back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::os::unix::fs::PermissionsExt;

use crate::common::{TempDir, TempStore};
use rusqlite::Connection;
use shanyraq_store::contract::fixtures::{self, BATCH_MAIN, F_SERIKBAYEV};
use shanyraq_store::{NextIds, OpenFailure, PopulationStore, SchemaStore, Store, StoreError};
use shanyraq_store_sqlite::SqliteStore;

fn open_failure(path: &std::path::Path) -> OpenFailure {
    match SqliteStore::open(path) {
        Err(StoreError::Open { target, reason }) => {
            assert_eq!(target, path.display().to_string());
            reason
        }
        other => panic!("expected an open error for {}, got {other:?}", path.display()),
    }
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
    assert_eq!(open_failure(&path), OpenFailure::NotFound);
    assert!(!dir.path().join("no-such-dir").exists());
}

#[test]
fn a_read_only_directory_is_permission_denied() {
    let dir = TempDir::new("readonly");
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores directory permissions; there the check cannot be made.
    if !ignores_permissions(&ro) {
        assert_eq!(open_failure(&ro.join("x.db")), OpenFailure::PermissionDenied);
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
    drop(SqliteStore::open(&path).unwrap());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    if !ignores_permissions(&ro) {
        assert_eq!(open_failure(&path), OpenFailure::PermissionDenied);
    }
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_writable_file_in_a_read_only_directory_is_permission_denied() {
    let dir = TempDir::new("rodir-file");
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let path = sub.join("x.db");
    drop(SqliteStore::open(&path).unwrap());
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
    assert_eq!(open_failure(&path), OpenFailure::NotADatabase);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "the file is left alone");
}

#[test]
fn a_directory_is_not_a_database_file() {
    let dir = TempDir::new("isdir");
    assert!(matches!(open_failure(dir.path()), OpenFailure::Other(m) if m.contains("directory")));
}

#[test]
fn opening_creates_an_empty_file_in_wal_mode() {
    let dir = TempDir::new("create");
    let path = dir.path().join("new.db");
    let store = SqliteStore::open(&path).unwrap();
    assert!(path.is_file());
    let raw = Connection::open(&path).unwrap();
    let mode: String = raw.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
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
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    raw.execute("UPDATE persons SET birth_date = '1987-05-17' WHERE id = 2", []).unwrap();
    raw.execute("UPDATE observations SET indicator = 'income.lottery' WHERE id = 1", []).unwrap();
    let err = store.family(F_SERIKBAYEV).await.unwrap_err();
    assert!(matches!(&err, StoreError::Corrupt(m) if m.contains("indicator")), "{err:?}");
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
    let store = SqliteStore::open(&path).unwrap();
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
