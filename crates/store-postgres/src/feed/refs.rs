//! What a chunk's facts refer to, checked and locked as the foreign-key triggers would when the
//! bulk path has them off ([`crate::bulk`]).
//!
//! The check need not wait for the chunk's decisions: every family and person a fact names is
//! checked (a duplicate names ones a stored fact already holds), so it runs in a transaction of
//! its own on a second connection while the chunk's transaction looks up and writes, and it keeps
//! its locks until the chunk has committed. A deleter of a locked row waits until then, and then
//! finds it referenced. The check runs in the chunk's own transaction when the pool has no
//! connection to spare.

use shanyraq_store::{FeedChunk, StoreResult};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};

use crate::error::fail;
use crate::references::lock_stored;

/// The families and persons a chunk's facts name, sorted, without repeats.
pub(crate) struct References {
    families: Vec<i64>,
    persons: Vec<i64>,
}

impl References {
    pub(crate) fn of(chunk: &FeedChunk) -> References {
        let facts = || chunk.rows.iter().flat_map(|r| r.facts.iter().map(|f| &f.observation));
        let sorted = |mut ids: Vec<i64>| {
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        References {
            families: sorted(facts().map(|o| o.family.0).collect()),
            persons: sorted(facts().filter_map(|o| o.person.map(|p| p.0)).collect()),
        }
    }
}

/// Checks and locks `refs` as the foreign-key triggers would, for as long as `conn`'s
/// transaction lasts.
pub(crate) async fn lock(conn: &mut PgConnection, refs: &References) -> StoreResult<()> {
    lock_stored(
        conn,
        "SELECT id FROM families WHERE id = ANY($1) FOR KEY SHARE",
        &refs.families,
        "family",
    )
    .await?;
    lock_stored(
        conn,
        "SELECT id FROM persons WHERE id = ANY($1) FOR KEY SHARE",
        &refs.persons,
        "person",
    )
    .await
}

/// A transaction on a second connection, if the pool has one to spare: an idle one, or room for
/// a new one. Never waits for another task to give one back, so that writers holding every
/// connection cannot wait on each other.
pub(crate) async fn second_transaction(
    pool: &PgPool,
) -> StoreResult<Option<Transaction<'static, Postgres>>> {
    if let Some(tx) = pool.try_begin().await.map_err(fail("checking references"))? {
        return Ok(Some(tx));
    }
    if pool.size() < pool.options().get_max_connections() {
        return pool.begin().await.map(Some).map_err(fail("checking references"));
    }
    Ok(None)
}
