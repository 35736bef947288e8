//! Schema migrations: SQL files compiled in, applied by a small runner that records each in
//! `schema_migrations`. All pending steps run in one transaction: a database is never left
//! half-way between versions.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use shanyraq_store::{MigrationOutcome, StoreError, StoreResult};
use time::OffsetDateTime;

use crate::codec::timestamp_text;
use crate::error::store_error;

/// One step of the schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Migration {
    pub(crate) version: u32,
    pub(crate) name: &'static str,
    pub(crate) sql: &'static str,
}

/// Every migration this build knows, in order; versions are 1, 2, 3 …
pub(crate) const MIGRATIONS: &[Migration] = &[
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

/// The newest schema version this build knows.
pub(crate) fn supported_version() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

const CREATE_LOG: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at TEXT    NOT NULL
)";

/// The version the database is at; 0 when no migration ever ran.
pub(crate) fn current_version(conn: &Connection) -> StoreResult<u32> {
    let has_log: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(store_error)?;
    if has_log.is_none() {
        return Ok(0);
    }
    let v: i64 = conn
        .query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| r.get(0))
        .map_err(store_error)?;
    u32::try_from(v).map_err(|_| {
        StoreError::Corrupt(format!("schema_migrations holds version {v}, not a schema version"))
    })
}

/// Applies every migration of `steps` newer than the database, in one `BEGIN IMMEDIATE`
/// transaction; refuses a database newer than the last step.
pub(crate) fn run(conn: &mut Connection, steps: &[Migration]) -> StoreResult<MigrationOutcome> {
    let supported = steps.last().map_or(0, |m| m.version);
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(store_error)?;
    tx.execute_batch(CREATE_LOG).map_err(store_error)?;
    let from = current_version(&tx)?;
    if from > supported {
        return Err(StoreError::SchemaTooNew { found: from, supported });
    }
    let now = timestamp_text(OffsetDateTime::now_utc())
        .map_err(|e| StoreError::Backend(format!("cannot format the time: {e}")))?;
    for m in steps.iter().filter(|m| m.version > from) {
        tx.execute_batch(m.sql).map_err(|e| {
            StoreError::Backend(format!("migration {} ({}) failed: {e}", m.version, m.name))
        })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            (m.version, m.name, &now),
        )
        .map_err(store_error)?;
        tracing::info!(version = m.version, name = m.name, "applied migration");
    }
    tx.commit().map_err(store_error)?;
    Ok(MigrationOutcome { from, to: supported.max(from) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions_are_consecutive(steps: &[Migration]) -> bool {
        steps.iter().enumerate().all(|(i, m)| m.version as usize == i + 1)
    }

    #[test]
    fn shipped_migrations_are_numbered_from_one() {
        assert!(versions_are_consecutive(MIGRATIONS));
        assert_eq!(supported_version(), MIGRATIONS.len() as u32);
    }

    #[test]
    fn a_failing_step_leaves_the_database_as_it_was() {
        let mut conn = Connection::open_in_memory().unwrap();
        let steps = [
            Migration { version: 1, name: "one", sql: "CREATE TABLE one (x INTEGER);" },
            Migration { version: 2, name: "two", sql: "CREATE TABLE two (x INTEGER); BROKEN;" },
        ];
        let err = run(&mut conn, &steps).unwrap_err();
        assert!(matches!(err, StoreError::Backend(ref m) if m.contains("migration 2")), "{err:?}");
        assert_eq!(current_version(&conn).unwrap(), 0);
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE name IN ('one', 'two')", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(tables, 0, "the first step was rolled back with the second");
        let out = run(&mut conn, &steps[..1]).unwrap();
        assert_eq!(out, MigrationOutcome { from: 0, to: 1 });
        let out = run(&mut conn, &steps[..1]).unwrap();
        assert_eq!(out, MigrationOutcome { from: 1, to: 1 });
    }
}
