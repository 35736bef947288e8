//! Integration tokens for agency systems and one-time sign-in challenges for citizens, on
//! PostgreSQL.
//!
//! A token's sources are kept as a JSON array of strings (a `TEXT` column, as in SQLite), in the
//! order given. A challenge and its message in the outbox are written in one transaction.

use async_trait::async_trait;
use shanyraq_store::{
    ChallengeRecord, NewChallenge, NewToken, StoreError, StoreResult, TokenRecord, TokenStore,
};
use sqlx::postgres::PgRow;
use time::OffsetDateTime;

use crate::PostgresStore;
use crate::decode::{At, get, kato};
use crate::error::fail;
use crate::read::int;

const NOT_SOURCES: &str = "not a JSON array of strings";
const NOT_COUNT: &str = "not a non-negative integer";

/// The columns [`token`] reads, for `SELECT` and `RETURNING` lists.
macro_rules! token_columns {
    () => {
        "id, name, secret_hash, sources, territory, created_at, expires_at, revoked_at, \
         last_used_at"
    };
}

/// The columns [`challenge`] reads, for `SELECT` and `RETURNING` lists.
macro_rules! challenge_columns {
    () => {
        "id, account_id, code_hash, salt, created_at, expires_at, attempts, used_at"
    };
}

const CREATE_TOKEN: &str = concat!(
    "INSERT INTO integration_tokens
        (name, secret_hash, sources, territory, created_at, expires_at)
    VALUES ($1, $2, $3, $4, $5, $6)
    RETURNING ",
    token_columns!()
);

const TOKEN_BY_HASH: &str =
    concat!("SELECT ", token_columns!(), " FROM integration_tokens WHERE secret_hash = $1");

/// In byte order, as SQLite sorts, whatever the database's collation.
const TOKENS: &str =
    concat!("SELECT ", token_columns!(), " FROM integration_tokens ORDER BY name COLLATE \"C\"");

/// Revokes the token named `$1` unless it was revoked before; returns (token exists, revoked
/// now).
const REVOKE_TOKEN: &str = "WITH token AS (
        SELECT id FROM integration_tokens WHERE name = $1
    ), revoked AS (
        UPDATE integration_tokens SET revoked_at = $2
        WHERE id IN (SELECT id FROM token) AND revoked_at IS NULL
        RETURNING id
    )
    SELECT EXISTS (SELECT 1 FROM token) AS found, EXISTS (SELECT 1 FROM revoked) AS changed";

const TOUCH_TOKEN: &str = "UPDATE integration_tokens SET last_used_at = $2 WHERE id = $1";

const CREATE_CHALLENGE: &str = concat!(
    "INSERT INTO sign_in_challenges (account_id, code_hash, salt, created_at, expires_at)
    VALUES ($1, $2, $3, $4, $5)
    RETURNING ",
    challenge_columns!()
);

const QUEUE_MESSAGE: &str = "INSERT INTO outbox
        (person_id, offer_id, channel, address, language, body, created_at)
    VALUES ($1, NULL, 'sms', $2, $3, $4, $5)";

const CHALLENGE: &str =
    concat!("SELECT ", challenge_columns!(), " FROM sign_in_challenges WHERE id = $1");

const COUNT_ATTEMPT: &str =
    "UPDATE sign_in_challenges SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts";

/// Marks challenge `$1` used unless it was used before; returns (challenge exists, used now).
const USE_CHALLENGE: &str = "WITH challenge AS (
        SELECT id FROM sign_in_challenges WHERE id = $1
    ), used AS (
        UPDATE sign_in_challenges SET used_at = $2
        WHERE id IN (SELECT id FROM challenge) AND used_at IS NULL
        RETURNING id
    )
    SELECT EXISTS (SELECT 1 FROM challenge) AS found, EXISTS (SELECT 1 FROM used) AS changed";

// ---------------------------------------------------------------------------------------------
// Decoding.

fn token(row: &PgRow) -> StoreResult<TokenRecord> {
    let at = At::new(row, "integration_tokens", "id");
    let sources: String = get(row, "sources")?;
    Ok(TokenRecord {
        id: get(row, "id")?,
        name: get(row, "name")?,
        secret_hash: get(row, "secret_hash")?,
        sources: shanyraq_store::decode_sources(&sources)
            .ok()
            .ok_or_else(|| at.corrupt("sources", NOT_SOURCES))?,
        territory: kato(at, "territory")?,
        created_at: get(row, "created_at")?,
        expires_at: get(row, "expires_at")?,
        revoked_at: get(row, "revoked_at")?,
        last_used_at: get(row, "last_used_at")?,
    })
}

fn challenge(row: &PgRow) -> StoreResult<ChallengeRecord> {
    let at = At::new(row, "sign_in_challenges", "id");
    let attempts: i32 = get(row, "attempts")?;
    Ok(ChallengeRecord {
        id: get(row, "id")?,
        account: get(row, "account_id")?,
        code_hash: get(row, "code_hash")?,
        salt: get(row, "salt")?,
        created_at: get(row, "created_at")?,
        expires_at: get(row, "expires_at")?,
        attempts: u32::try_from(attempts).map_err(|_| at.corrupt("attempts", NOT_COUNT))?,
        used_at: get(row, "used_at")?,
    })
}

#[async_trait]
impl TokenStore for PostgresStore {
    async fn create_token(&self, new: &NewToken) -> StoreResult<TokenRecord> {
        // A name or hash taken is a unique violation, whose message names the constraint
        // (`integration_tokens_name_key`), not the value.
        let row = sqlx::query(CREATE_TOKEN)
            .bind(&new.name)
            .bind(&new.secret_hash)
            .bind(shanyraq_store::encode_sources(&new.sources))
            .bind(int(new.territory.as_u32()))
            .bind(new.created_at)
            .bind(new.expires_at)
            .fetch_one(&self.pool)
            .await
            .map_err(fail("creating an integration token"))?;
        token(&row)
    }

    async fn token_by_hash(&self, secret_hash: &str) -> StoreResult<Option<TokenRecord>> {
        let row = sqlx::query(TOKEN_BY_HASH)
            .bind(secret_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(fail("reading an integration token"))?;
        row.as_ref().map(token).transpose()
    }

    async fn list_tokens(&self) -> StoreResult<Vec<TokenRecord>> {
        sqlx::query(TOKENS)
            .fetch_all(&self.pool)
            .await
            .map_err(fail("listing integration tokens"))?
            .iter()
            .map(token)
            .collect()
    }

    async fn revoke_token(&self, name: &str, at: OffsetDateTime) -> StoreResult<bool> {
        let row = sqlx::query(REVOKE_TOKEN)
            .bind(name)
            .bind(at)
            .fetch_one(&self.pool)
            .await
            .map_err(fail("revoking an integration token"))?;
        let found: bool = get(&row, "found")?;
        if !found {
            return Err(StoreError::NotFound(format!("integration token {name}")));
        }
        get(&row, "changed")
    }

    async fn touch_token(&self, id: i64, at: OffsetDateTime) -> StoreResult<()> {
        let done = sqlx::query(TOUCH_TOKEN)
            .bind(id)
            .bind(at)
            .execute(&self.pool)
            .await
            .map_err(fail("recording the use of an integration token"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("integration token {id}")));
        }
        Ok(())
    }

    async fn create_challenge(&self, new: &NewChallenge) -> StoreResult<ChallengeRecord> {
        let mut tx = self.pool.begin().await.map_err(fail("starting a sign-in challenge"))?;
        let row = sqlx::query(CREATE_CHALLENGE)
            .bind(new.account)
            .bind(&new.code_hash)
            .bind(&new.salt)
            .bind(new.created_at)
            .bind(new.expires_at)
            .fetch_one(&mut *tx)
            .await
            .map_err(fail("creating a sign-in challenge"))?;
        let created = challenge(&row)?;
        sqlx::query(QUEUE_MESSAGE)
            .bind(new.person.0)
            .bind(new.address.as_deref())
            .bind(&new.language)
            .bind(&new.body)
            .bind(new.created_at)
            .execute(&mut *tx)
            .await
            .map_err(fail("queueing the message of a sign-in challenge"))?;
        tx.commit().await.map_err(fail("committing a sign-in challenge"))?;
        Ok(created)
    }

    async fn challenge(&self, id: i64) -> StoreResult<Option<ChallengeRecord>> {
        let row = sqlx::query(CHALLENGE)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(fail("reading a sign-in challenge"))?;
        row.as_ref().map(challenge).transpose()
    }

    async fn record_challenge_attempt(&self, id: i64) -> StoreResult<u32> {
        let attempts: Option<i32> = sqlx::query_scalar(COUNT_ATTEMPT)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(fail("counting a sign-in attempt"))?;
        let attempts =
            attempts.ok_or_else(|| StoreError::NotFound(format!("sign-in challenge {id}")))?;
        u32::try_from(attempts).map_err(|_| {
            StoreError::Corrupt(format!("sign_in_challenges id={id}, column attempts: {NOT_COUNT}"))
        })
    }

    async fn use_challenge(&self, id: i64, at: OffsetDateTime) -> StoreResult<bool> {
        let row = sqlx::query(USE_CHALLENGE)
            .bind(id)
            .bind(at)
            .fetch_one(&self.pool)
            .await
            .map_err(fail("using a sign-in challenge"))?;
        let found: bool = get(&row, "found")?;
        if !found {
            return Err(StoreError::NotFound(format!("sign-in challenge {id}")));
        }
        get(&row, "changed")
    }
}
