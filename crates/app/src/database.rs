//! Opening a database by URL, and the rule for when its schema may move.
//!
//! Opening never migrates. `serve` and `generate` need the schema at exactly the version this
//! build knows; only `migrate` (and `demo`, which is migrate + generate + serve) moves an older
//! schema forward, all steps in one transaction; a newer schema is always refused.

use std::sync::Arc;

use shanyraq_domain::territory;
use shanyraq_store::{DbUrl, MigrationOutcome, Store, StoreError};
use shanyraq_store_postgres::PostgresStore;
use shanyraq_store_sqlite::SqliteStore;

use crate::error::AppError;

/// Connects to the database at `url` without looking at its schema.
pub async fn connect(url: &DbUrl) -> Result<Arc<dyn Store>, AppError> {
    let store: Arc<dyn Store> = match url {
        DbUrl::Sqlite(path) => Arc::new(SqliteStore::open(path)?),
        DbUrl::Postgres(conn) => Arc::new(PostgresStore::connect(conn).await?),
    };
    Ok(store)
}

/// Connects and checks that the schema is exactly the one this build knows.
pub async fn open_current(url: &DbUrl) -> Result<Arc<dyn Store>, AppError> {
    let store = connect(url).await?;
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
