//! PostgreSQL backend of the store port: the production database.
//!
//! One pool per process; every write that must be all-or-nothing runs in one transaction. Large
//! loads go through `COPY … FROM STDIN (FORMAT binary)`, which is PostgreSQL's fastest way in.
//! Migrations are plain SQL files compiled into the binary and applied by an own runner that
//! mirrors the SQLite backend's (same `schema_migrations` table, same version numbers).
//!
//! This crate knows nothing of HTTP or of the application's use cases.

mod accounts;
mod assessment;
mod audit;
mod baseline;
mod batch;
mod bulk;
mod connect;
mod copy;
mod decode;
mod error;
mod feed;
pub mod migrations;
mod offers;
mod population;
mod read;
mod references;
mod schema;
mod territory;
mod tokens;

use std::sync::Arc;

use sqlx::PgPool;

pub use migrations::{MIGRATIONS, Migration};

/// The PostgreSQL store. Cheap to clone: it is a handle on a connection pool.
#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
    /// The URL with any password replaced, for messages.
    target: String,
    /// How bulk writes check foreign keys, shared by the clones.
    bulk: Arc<bulk::BulkPath>,
    /// The last audit entry known to be committed, for appends in one statement.
    audit_head: Arc<audit::KnownHead>,
    /// Accounts' grants by privilege epoch, so that resuming a session reads them only after
    /// they changed.
    grants: Arc<shanyraq_store::GrantCache>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore").field("target", &self.target).finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// The pool, for tools and tests that need SQL the port does not offer.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Where this store is connected, without the password.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// How bulk writes check foreign keys: `Some(true)` when the store checks a chunk's
    /// references itself with PostgreSQL's per-row triggers off (the fast path, for roles that
    /// may set `session_replication_role`), `Some(false)` when the triggers check them, `None`
    /// before the first bulk write.
    pub fn bulk_checks_references_itself(&self) -> Option<bool> {
        self.bulk.triggers_off()
    }

    /// Closes every connection of the pool and waits until they are closed.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
