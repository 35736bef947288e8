//! Integration tokens for agency systems and one-time sign-in challenges for citizens. Writes
//! are `BEGIN IMMEDIATE` transactions on the writer connection; reads run on a reader.
//!
//! Times are written as fixed-width UTC text cut to the microsecond
//! ([`sortable_timestamp_text`]), so that expiry and revocation compare in SQL as times. A
//! token's sources are kept as a JSON array of strings, in the order given.
//!
//! A challenge's message goes into the outbox in the transaction that stores the challenge, with
//! its `created_at` written as the offers' messages are.

use std::sync::LazyLock;

use rusqlite::{Connection, OptionalExtension, Row};
use shanyraq_store::{
    ChallengeRecord, NewChallenge, NewToken, StoreError, StoreResult, TokenRecord,
};
use time::OffsetDateTime;

use crate::decode::Cells;
use crate::error::{store_error, write_error};
use crate::rows::{exists, first, instant};
use crate::write::{immediate, timestamp};

const NOT_SOURCES: &str = "not a JSON array of strings";
const NOT_COUNT: &str = "not a non-negative integer";

/// Columns of `integration_tokens` in the order [`token_row`] reads them.
const TOKEN_COLUMNS: &str = "id, name, secret_hash, sources, territory, created_at, expires_at, \
    revoked_at, last_used_at";
/// Columns of `sign_in_challenges` in the order [`challenge_row`] reads them.
const CHALLENGE_COLUMNS: &str =
    "id, account_id, code_hash, salt, created_at, expires_at, attempts, used_at";

const INSERT_TOKEN: &str = "INSERT INTO integration_tokens (name, secret_hash, sources, \
    territory, created_at, expires_at, revoked_at, last_used_at) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, NULL)";
static TOKEN_BY_ID: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {TOKEN_COLUMNS} FROM integration_tokens WHERE id = ?1"));
static TOKEN_BY_HASH: LazyLock<String> = LazyLock::new(|| {
    format!("SELECT {TOKEN_COLUMNS} FROM integration_tokens WHERE secret_hash = ?1")
});
static ALL_TOKENS: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {TOKEN_COLUMNS} FROM integration_tokens ORDER BY name"));
const REVOKE_TOKEN: &str =
    "UPDATE integration_tokens SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL";
const TOKEN_NAMED: &str = "SELECT 1 FROM integration_tokens WHERE name = ?1";
const TOUCH_TOKEN: &str = "UPDATE integration_tokens SET last_used_at = ?2 WHERE id = ?1";

const INSERT_CHALLENGE: &str = "INSERT INTO sign_in_challenges (account_id, code_hash, salt, \
    created_at, expires_at, attempts, used_at) VALUES (?1, ?2, ?3, ?4, ?5, 0, NULL)";
const INSERT_MESSAGE: &str = "INSERT INTO outbox (person_id, offer_id, channel, address, \
    language, body, created_at, delivered_at) VALUES (?1, NULL, 'sms', ?2, ?3, ?4, ?5, NULL)";
static CHALLENGE_BY_ID: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {CHALLENGE_COLUMNS} FROM sign_in_challenges WHERE id = ?1"));
const COUNT_ATTEMPT: &str =
    "UPDATE sign_in_challenges SET attempts = attempts + 1 WHERE id = ?1 RETURNING attempts";
const USE_CHALLENGE: &str =
    "UPDATE sign_in_challenges SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL";
const CHALLENGE_EXISTS: &str = "SELECT 1 FROM sign_in_challenges WHERE id = ?1";

// ---------------------------------------------------------------------------------------------
// Decoding.

fn token_row(row: &Row<'_>) -> StoreResult<TokenRecord> {
    let c = Cells::new(row, "integration token", 0);
    Ok(TokenRecord {
        id: c.i64(0, "id")?,
        name: c.string(1, "name")?,
        secret_hash: c.string(2, "secret_hash")?,
        sources: shanyraq_store::decode_sources(c.str(3, "sources")?)
            .ok()
            .ok_or_else(|| c.bad("sources", NOT_SOURCES))?,
        territory: c.kato(4, "territory")?,
        created_at: c.timestamp(5, "created_at")?,
        expires_at: c.timestamp(6, "expires_at")?,
        revoked_at: c.opt_timestamp(7, "revoked_at")?,
        last_used_at: c.opt_timestamp(8, "last_used_at")?,
    })
}

fn challenge_row(row: &Row<'_>) -> StoreResult<ChallengeRecord> {
    let c = Cells::new(row, "sign-in challenge", 0);
    Ok(ChallengeRecord {
        id: c.i64(0, "id")?,
        account: c.i64(1, "account_id")?,
        code_hash: c.string(2, "code_hash")?,
        salt: c.string(3, "salt")?,
        created_at: c.timestamp(4, "created_at")?,
        expires_at: c.timestamp(5, "expires_at")?,
        attempts: u32::try_from(c.i64(6, "attempts")?).map_err(|_| c.bad("attempts", NOT_COUNT))?,
        used_at: c.opt_timestamp(7, "used_at")?,
    })
}

// ---------------------------------------------------------------------------------------------
// Tokens.

pub(crate) fn create_token(conn: &mut Connection, new: &NewToken) -> StoreResult<TokenRecord> {
    let (created, expires) = (instant(new.created_at)?, instant(new.expires_at)?);
    let sources = shanyraq_store::encode_sources(&new.sources);
    let tx = immediate(conn)?;
    tx.prepare_cached(INSERT_TOKEN)
        .and_then(|mut st| {
            st.execute((
                &new.name,
                &new.secret_hash,
                &sources,
                new.territory.as_u32(),
                &created,
                &expires,
            ))
        })
        // The constraint's message names the column (`integration_tokens.name`), not the value.
        .map_err(|e| write_error(e, || "a new integration token".to_owned()))?;
    let id = tx.last_insert_rowid();
    let record = first(&tx, &TOKEN_BY_ID, [id], token_row)?.ok_or_else(|| {
        StoreError::Backend(format!("integration token {id} vanished while created"))
    })?;
    tx.commit().map_err(store_error)?;
    Ok(record)
}

pub(crate) fn token_by_hash(conn: &Connection, hash: &str) -> StoreResult<Option<TokenRecord>> {
    first(conn, &TOKEN_BY_HASH, [hash], token_row)
}

/// Every token, by name as bytes (SQLite's default collation).
pub(crate) fn list_tokens(conn: &Connection) -> StoreResult<Vec<TokenRecord>> {
    let mut st = conn.prepare_cached(&ALL_TOKENS).map_err(store_error)?;
    let mut rows = st.query(()).map_err(store_error)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(store_error)? {
        out.push(token_row(row)?);
    }
    Ok(out)
}

pub(crate) fn revoke_token(
    conn: &mut Connection,
    name: &str,
    at: OffsetDateTime,
) -> StoreResult<bool> {
    let at = instant(at)?;
    let tx = immediate(conn)?;
    let changed = tx
        .prepare_cached(REVOKE_TOKEN)
        .and_then(|mut st| st.execute((name, &at)))
        .map_err(store_error)?;
    if changed == 0 {
        return if exists(&tx, TOKEN_NAMED, [name])? {
            Ok(false)
        } else {
            Err(StoreError::NotFound(format!("integration token {name}")))
        };
    }
    tx.commit().map_err(store_error)?;
    Ok(true)
}

pub(crate) fn touch_token(conn: &mut Connection, id: i64, at: OffsetDateTime) -> StoreResult<()> {
    let at = instant(at)?;
    let tx = immediate(conn)?;
    let changed = tx
        .prepare_cached(TOUCH_TOKEN)
        .and_then(|mut st| st.execute((id, &at)))
        .map_err(store_error)?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("integration token {id}")));
    }
    tx.commit().map_err(store_error)
}

// ---------------------------------------------------------------------------------------------
// Sign-in challenges.

/// Stores the challenge and queues its message, in one transaction.
pub(crate) fn create_challenge(
    conn: &mut Connection,
    new: &NewChallenge,
) -> StoreResult<ChallengeRecord> {
    let (created, expires) = (instant(new.created_at)?, instant(new.expires_at)?);
    let queued = timestamp(new.created_at)?;
    let tx = immediate(conn)?;
    tx.prepare_cached(INSERT_CHALLENGE)
        .and_then(|mut st| st.execute((new.account, &new.code_hash, &new.salt, &created, &expires)))
        .map_err(|e| {
            write_error(e, || format!("a sign-in challenge of account {}", new.account))
        })?;
    let id = tx.last_insert_rowid();
    tx.prepare_cached(INSERT_MESSAGE)
        .and_then(|mut st| {
            st.execute((new.person.0, &new.address, &new.language, &new.body, &queued))
        })
        .map_err(|e| write_error(e, || format!("the message of sign-in challenge {id}")))?;
    let record = first(&tx, &CHALLENGE_BY_ID, [id], challenge_row)?.ok_or_else(|| {
        StoreError::Backend(format!("sign-in challenge {id} vanished while created"))
    })?;
    tx.commit().map_err(store_error)?;
    Ok(record)
}

pub(crate) fn challenge(conn: &Connection, id: i64) -> StoreResult<Option<ChallengeRecord>> {
    first(conn, &CHALLENGE_BY_ID, [id], challenge_row)
}

/// Counts one wrong code; the attempts after it.
pub(crate) fn record_challenge_attempt(conn: &mut Connection, id: i64) -> StoreResult<u32> {
    let tx = immediate(conn)?;
    let attempts: Option<i64> = tx
        .prepare_cached(COUNT_ATTEMPT)
        .and_then(|mut st| st.query_row([id], |r| r.get(0)).optional())
        .map_err(store_error)?;
    let Some(attempts) = attempts else {
        return Err(StoreError::NotFound(format!("sign-in challenge {id}")));
    };
    tx.commit().map_err(store_error)?;
    u32::try_from(attempts).map_err(|_| {
        StoreError::Corrupt(format!("sign-in challenge {id}, column attempts: {NOT_COUNT}"))
    })
}

/// Marks a challenge used; `false` (nothing written) when it was used before.
pub(crate) fn use_challenge(
    conn: &mut Connection,
    id: i64,
    at: OffsetDateTime,
) -> StoreResult<bool> {
    let at = instant(at)?;
    let tx = immediate(conn)?;
    let changed = tx
        .prepare_cached(USE_CHALLENGE)
        .and_then(|mut st| st.execute((id, &at)))
        .map_err(store_error)?;
    if changed == 0 {
        return if exists(&tx, CHALLENGE_EXISTS, [id])? {
            Ok(false)
        } else {
            Err(StoreError::NotFound(format!("sign-in challenge {id}")))
        };
    }
    tx.commit().map_err(store_error)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_sources_that_do_not_read_are_corrupt() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::migrate::run(&mut conn, crate::migrate::MIGRATIONS).unwrap();
        conn.execute(
            "INSERT INTO integration_tokens (name, secret_hash, sources, territory, created_at, \
             expires_at) VALUES ('police', 'ab12', 'tax,police', 110000000, \
             '2026-03-01T09:00:00.000000Z', '2027-03-01T09:00:00.000000Z')",
            (),
        )
        .unwrap();
        let err = token_by_hash(&conn, "ab12").unwrap_err();
        match err {
            StoreError::Corrupt(m) => {
                assert!(m.contains("sources") && !m.contains("tax,police"), "{m}");
            }
            other => panic!("expected Corrupt, got {other:?}"),
        }
        assert!(matches!(list_tokens(&conn), Err(StoreError::Corrupt(_))));
    }
}
