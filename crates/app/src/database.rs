//! Opening a database by URL, and the rule for when its schema may move.
//!
//! Opening never migrates. `serve`, `generate` and `bench generate` need the schema at exactly the
//! version this build knows; only `migrate` (and `demo`, which is migrate + generate + serve)
//! moves an older schema forward, all steps in one transaction; a newer schema is always refused.
//! Likewise only those two may create a SQLite file: the others open an existing one and change
//! nothing on disk, so that a mistyped path fails instead of leaving an empty database behind.

use std::sync::Arc;

use shanyraq_domain::territory;
use shanyraq_store::{DbUrl, MigrationOutcome, Store, StoreError};
use shanyraq_store_postgres::PostgresStore;
use shanyraq_store_sqlite::SqliteStore;

use crate::error::AppError;

/// What a command may do to find its database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The database must exist; opening it changes nothing.
    Existing,
    /// A missing SQLite file is created (its directory must exist). For `migrate` and `demo`
    /// only. A PostgreSQL database is never created: it must exist either way.
    CreateIfMissing,
}

/// Connects to the database at `url` without looking at its schema.
pub async fn connect(url: &DbUrl, access: Access) -> Result<Arc<dyn Store>, AppError> {
    let store: Arc<dyn Store> = match (url, access) {
        (DbUrl::Sqlite(path), Access::Existing) => Arc::new(SqliteStore::open(path)?),
        (DbUrl::Sqlite(path), Access::CreateIfMissing) => {
            Arc::new(SqliteStore::create_or_open(path)?)
        }
        (DbUrl::Postgres(conn), _) => Arc::new(PostgresStore::connect(conn).await?),
    };
    Ok(store)
}

/// Connects to an existing database and checks that the schema is exactly the one this build
/// knows.
pub async fn open_current(url: &DbUrl) -> Result<Arc<dyn Store>, AppError> {
    let store = connect(url, Access::Existing).await?;
    ensure_current(store.as_ref()).await?;
    Ok(store)
}

/// Refuses a schema that is older (run `migrate`) or newer (use a newer build) than this build's.
pub async fn ensure_current(store: &dyn Store) -> Result<(), AppError> {
    let found = store.schema_version().await?;
    let supported = store.supported_schema_version();
    if found > supported {
        return Err(StoreError::SchemaTooNew { found, supported }.into());
    }
    if found < supported {
        return Err(StoreError::SchemaTooOld { found, required: supported }.into());
    }
    Ok(())
}

/// What `migrate` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrateReport {
    pub schema: MigrationOutcome,
    /// The territory tree version loaded by this run, when it was not already there.
    pub territories_loaded: Option<String>,
}

/// Brings the schema to this build's version and loads the bundled territory tree when the
/// stored one is a different version.
pub async fn migrate(store: &dyn Store) -> Result<MigrateReport, AppError> {
    let schema = store.migrate().await?;
    let bundled = territory::bundled();
    let stored = store.territory_version().await?;
    let territories_loaded = if stored.as_ref() == Some(&bundled.version) {
        None
    } else {
        store.replace_territories(bundled).await?;
        Some(bundled.version.id.clone())
    };
    Ok(MigrateReport { schema, territories_loaded })
}

#[cfg(test)]
mod tests {
    use super::*;
    use shanyraq_store::OpenFailure;

    fn temp_dir(label: &str) -> tempfile::TempDir {
        tempfile::Builder::new().prefix(&format!("shanyraq-app-{label}-")).tempdir().unwrap()
    }

    fn open_reason(result: Result<Arc<dyn Store>, AppError>) -> OpenFailure {
        match result {
            Err(AppError::Store(StoreError::Open { reason, .. })) => reason,
            Err(other) => panic!("expected an open error, got {other:?}"),
            Ok(store) => panic!("expected an open error, got {store:?}"),
        }
    }

    #[tokio::test]
    async fn only_create_if_missing_creates_a_file() {
        let dir = temp_dir("access");
        let url = DbUrl::Sqlite(dir.path().join("typo.db"));
        assert_eq!(open_reason(connect(&url, Access::Existing).await), OpenFailure::NotFound);
        assert_eq!(open_reason(open_current(&url).await), OpenFailure::NotFound);
        assert!(!dir.path().join("typo.db").exists(), "a failed open left a file behind");
        let store = connect(&url, Access::CreateIfMissing).await.unwrap();
        assert!(dir.path().join("typo.db").is_file());
        assert_eq!(store.schema_version().await.unwrap(), 0);
    }

    #[tokio::test]
    async fn open_current_wants_a_migrated_schema() {
        let dir = temp_dir("current");
        let url = DbUrl::Sqlite(dir.path().join("s.db"));
        let store = connect(&url, Access::CreateIfMissing).await.unwrap();
        let err = open_current(&url).await.unwrap_err();
        assert!(
            matches!(err, AppError::Store(StoreError::SchemaTooOld { found: 0, .. })),
            "{err:?}"
        );
        migrate(store.as_ref()).await.unwrap();
        drop(store);
        let store = open_current(&url).await.unwrap();
        assert_eq!(store.schema_version().await.unwrap(), store.supported_schema_version());
    }
}
