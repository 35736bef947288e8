//! Schema migrations: SQL files compiled in, applied by a runner that mirrors the SQLite
//! backend's. Version `n` is the `n`-th file; `schema_migrations` records what was applied.
//!
//! All pending migrations run in one transaction under a transaction-scoped advisory lock, so two
//! servers migrating the same database at once serialise and the second finds nothing to do, and
//! a failure leaves the schema where it was.

use async_trait::async_trait;
use shanyraq_store::{
    Backend, MigrationOutcome, SchemaShape, SchemaStore, StoreError, StoreResult,
};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

use crate::PostgresStore;
use crate::error::fail;

/// One migration: its version (1, 2, … without gaps), a short name and the SQL.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration this build knows, in order.
pub static MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sql: include_str!("../migrations/0001_foundation.sql"),
    },
    Migration { version: 2, name: "feeds", sql: include_str!("../migrations/0002_feeds.sql") },
    Migration {
        version: 3,
        name: "assessment",
        sql: include_str!("../migrations/0003_assessment.sql"),
    },
    Migration { version: 4, name: "audit", sql: include_str!("../migrations/0004_audit.sql") },
    Migration {
        version: 5,
        name: "accounts",
        sql: include_str!("../migrations/0005_accounts.sql"),
    },
];

/// Key of the advisory lock that serialises migrations: "shanyraq" in ASCII.
const MIGRATION_LOCK: i64 = 0x7368_616e_7972_6171;

const CREATE_MIGRATIONS_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER     NOT NULL PRIMARY KEY,
    name       TEXT        NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL
)";

/// The newest version in `migrations`.
fn newest(migrations: &[Migration]) -> u32 {
    migrations.last().map_or(0, |m| m.version)
}

/// The version the database is at: 0 when `schema_migrations` does not exist.
async fn current_version(conn: &mut PgConnection) -> StoreResult<u32> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('schema_migrations') IS NOT NULL")
        .fetch_one(&mut *conn)
        .await
        .map_err(fail("reading the schema version"))?;
    if !exists {
        return Ok(0);
    }
    let version: Option<i32> = sqlx::query_scalar("SELECT max(version) FROM schema_migrations")
        .fetch_one(&mut *conn)
        .await
        .map_err(fail("reading the schema version"))?;
    u32::try_from(version.unwrap_or(0))
        .map_err(|_| StoreError::Corrupt(format!("schema version {version:?} is negative")))
}

impl PostgresStore {
    /// Applies the pending ones of `migrations` (versions 1, 2, … in order) in one transaction.
    /// The store's [`SchemaStore::migrate`] applies [`MIGRATIONS`]; this entry exists so that
    /// tools and tests can run a different list through the same runner.
    pub async fn apply_migrations(
        &self,
        migrations: &[Migration],
    ) -> StoreResult<MigrationOutcome> {
        check_sequence(migrations)?;
        apply(&self.pool, migrations).await
    }
}

/// Versions must be 1, 2, 3 … so that "the last applied" says everything.
fn check_sequence(migrations: &[Migration]) -> StoreResult<()> {
    for (i, m) in migrations.iter().enumerate() {
        if usize::try_from(m.version).ok() != Some(i + 1) {
            return Err(StoreError::Backend(format!(
                "migration {:?} has version {}, expected {}",
                m.name,
                m.version,
                i + 1
            )));
        }
    }
    Ok(())
}

async fn apply(pool: &PgPool, migrations: &[Migration]) -> StoreResult<MigrationOutcome> {
    let supported = newest(migrations);
    let mut tx = pool.begin().await.map_err(fail("starting the migration"))?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *tx)
        .await
        .map_err(fail("waiting for the migration lock"))?;
    sqlx::raw_sql(CREATE_MIGRATIONS_TABLE)
        .execute(&mut *tx)
        .await
        .map_err(fail("creating schema_migrations"))?;
    let from = current_version(&mut tx).await?;
    if from > supported {
        return Err(StoreError::SchemaTooNew { found: from, supported });
    }
    for m in migrations.iter().filter(|m| m.version > from) {
        sqlx::raw_sql(m.sql).execute(&mut *tx).await.map_err(|e| {
            crate::error::store_error(&format!("migration {} ({})", m.version, m.name), e)
        })?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(i32::try_from(m.version).unwrap_or(i32::MAX))
        .bind(m.name)
        .bind(OffsetDateTime::now_utc())
        .execute(&mut *tx)
        .await
        .map_err(fail("recording a migration"))?;
        tracing::info!(version = m.version, name = m.name, "applied migration");
    }
    tx.commit().await.map_err(fail("committing the migration"))?;
    Ok(MigrationOutcome { from, to: supported.max(from) })
}

#[async_trait]
impl SchemaStore for PostgresStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    fn supported_schema_version(&self) -> u32 {
        newest(MIGRATIONS)
    }

    async fn schema_version(&self) -> StoreResult<u32> {
        let mut conn = self.pool.acquire().await.map_err(fail("connecting"))?;
        current_version(&mut conn).await
    }

    async fn migrate(&self) -> StoreResult<MigrationOutcome> {
        apply(&self.pool, MIGRATIONS).await
    }

    async fn describe_schema(&self) -> StoreResult<SchemaShape> {
        crate::schema::describe(&self.pool).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_migrations_are_numbered_from_one_without_gaps() {
        check_sequence(MIGRATIONS).unwrap();
        assert!(newest(MIGRATIONS) >= 1);
    }

    #[test]
    fn a_gap_is_refused() {
        let list = [Migration { version: 2, name: "x", sql: "" }];
        assert!(check_sequence(&list).is_err());
    }
}
