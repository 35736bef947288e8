//! The transaction of a bulk write, with PostgreSQL's per-row foreign-key triggers off when the
//! role may turn them off (ADR 0009).
//!
//! PostgreSQL checks a foreign key with one trigger call per written row and key, which costs
//! most of a bulk load's time. When the role may set `session_replication_role` (a superuser, or
//! on PostgreSQL 15+ a role granted `SET` on it), a bulk transaction sets it to `replica`, which
//! turns ordinary triggers off for that transaction only, and the writer checks the references of
//! what it writes set-wise instead ([`crate::references`]), with the same outcome. Otherwise the
//! triggers do it, slower. Unique indexes, `NOT NULL` and `CHECK` constraints are enforced either
//! way. A trigger added later to a table written this way would be skipped on the fast path too:
//! reconsider this when adding one.

use std::sync::atomic::{AtomicU8, Ordering};

use shanyraq_store::StoreResult;
use sqlx::{PgPool, Postgres, Transaction};

use crate::error::{fail, store_error};

/// SQLSTATE insufficient_privilege.
const INSUFFICIENT_PRIVILEGE: &str = "42501";

/// Which way this store's bulk writes check foreign keys, learnt on the first write.
#[derive(Debug)]
pub(crate) struct BulkPath(AtomicU8);

impl Default for BulkPath {
    fn default() -> BulkPath {
        BulkPath(AtomicU8::new(UNKNOWN))
    }
}

const UNKNOWN: u8 = 0;
const TRIGGERS_OFF: u8 = 1;
const TRIGGERS_ON: u8 = 2;

impl BulkPath {
    /// `Some(true)` when writes check references themselves with triggers off, `Some(false)`
    /// when the role may not turn them off, `None` before the first write.
    pub(crate) fn triggers_off(&self) -> Option<bool> {
        match self.0.load(Ordering::Relaxed) {
            TRIGGERS_OFF => Some(true),
            TRIGGERS_ON => Some(false),
            _ => None,
        }
    }
}

/// A bulk write's transaction.
pub(crate) struct BulkTransaction {
    pub(crate) tx: Transaction<'static, Postgres>,
    /// Whether the triggers are off, so that the writer must check references itself.
    pub(crate) triggers_off: bool,
}

/// Begins a bulk write, with the triggers off if the role may turn them off; `what` names the
/// write in messages.
pub(crate) async fn begin(
    pool: &PgPool,
    path: &BulkPath,
    what: &'static str,
) -> StoreResult<BulkTransaction> {
    let mut tx = pool.begin().await.map_err(fail(what))?;
    if path.0.load(Ordering::Relaxed) == TRIGGERS_ON {
        return Ok(BulkTransaction { tx, triggers_off: false });
    }
    match sqlx::raw_sql("SET LOCAL session_replication_role = replica").execute(&mut *tx).await {
        Ok(_) => {
            path.0.store(TRIGGERS_OFF, Ordering::Relaxed);
            Ok(BulkTransaction { tx, triggers_off: true })
        }
        Err(e)
            if e.as_database_error().and_then(|d| d.code()).as_deref()
                == Some(INSUFFICIENT_PRIVILEGE) =>
        {
            tracing::info!(
                "bulk writes check foreign keys row by row: this role may not set \
                 session_replication_role"
            );
            path.0.store(TRIGGERS_ON, Ordering::Relaxed);
            // The failed SET aborted the transaction; start again.
            tx.rollback().await.map_err(fail(what))?;
            let tx = pool.begin().await.map_err(fail(what))?;
            Ok(BulkTransaction { tx, triggers_off: false })
        }
        Err(e) => Err(store_error(what, e)),
    }
}
