//! Integration tokens for agency systems, and one-time sign-in codes for citizens.
//!
//! Neither secret is stored: a token as the SHA-256 (hex) of its value, a code as the SHA-256
//! (hex) of the code with its challenge's salt.

use async_trait::async_trait;
use shanyraq_domain::{Kato, PersonId};
use time::OffsetDateTime;

use crate::error::StoreResult;

/// A token to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    /// Unique: what the administrator calls it (`police-akmola-2026`).
    pub name: String,
    pub secret_hash: String,
    /// The feed sources it may import, in order, each once.
    pub sources: Vec<String>,
    /// The territory subtree whose families its files may touch.
    pub territory: Kato,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// A stored token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub id: i64,
    pub name: String,
    pub secret_hash: String,
    pub sources: Vec<String>,
    pub territory: Kato,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
    pub last_used_at: Option<OffsetDateTime>,
}

/// A one-time code to send, with the message that carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChallenge {
    pub account: i64,
    pub code_hash: String,
    pub salt: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// The person the message goes to (the citizen).
    pub person: PersonId,
    /// Where it goes (a phone number), if known; delivery looks it up otherwise.
    pub address: Option<String>,
    pub language: String,
    /// The message text, with the code in it.
    pub body: String,
}

/// A stored one-time code challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeRecord {
    pub id: i64,
    pub account: i64,
    pub code_hash: String,
    pub salt: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// Wrong codes entered so far.
    pub attempts: u32,
    pub used_at: Option<OffsetDateTime>,
}

/// Tokens and one-time codes.
#[async_trait]
pub trait TokenStore: Send + Sync {
    /// `Conflict` when the name (or the hash) is taken.
    async fn create_token(&self, new: &NewToken) -> StoreResult<TokenRecord>;
    async fn token_by_hash(&self, secret_hash: &str) -> StoreResult<Option<TokenRecord>>;
    /// Every token, in name order.
    async fn list_tokens(&self) -> StoreResult<Vec<TokenRecord>>;
    /// Revokes a token; `false` if it was revoked already. `NotFound` for an unknown name.
    async fn revoke_token(&self, name: &str, at: OffsetDateTime) -> StoreResult<bool>;
    /// Records a use.
    async fn touch_token(&self, id: i64, at: OffsetDateTime) -> StoreResult<()>;

    /// Stores a challenge and queues its message in the outbox (channel `sms`, no offer), in one
    /// transaction.
    async fn create_challenge(&self, new: &NewChallenge) -> StoreResult<ChallengeRecord>;
    async fn challenge(&self, id: i64) -> StoreResult<Option<ChallengeRecord>>;
    /// Counts one wrong code; the attempts after it.
    async fn record_challenge_attempt(&self, id: i64) -> StoreResult<u32>;
    /// Marks a challenge used; `false` if it was used already (a code works once).
    async fn use_challenge(&self, id: i64, at: OffsetDateTime) -> StoreResult<bool>;
}

/// A token's sources as stored: a JSON array of strings.
pub fn encode_sources(sources: &[String]) -> String {
    serde_json::to_string(sources).unwrap_or_else(|_| "[]".to_owned())
}

/// Reads [`encode_sources`]'s text back.
pub fn decode_sources(text: &str) -> Result<Vec<String>, crate::StoreError> {
    serde_json::from_str(text)
        .map_err(|e| crate::StoreError::Corrupt(format!("integration_tokens.sources: {e}")))
}
