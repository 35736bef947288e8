//! Proactive offers of measures, the outbox of messages to people, and follow-up tasks for the
//! district when an offer goes unanswered.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use shanyraq_domain::audit::AuditRecord;
use shanyraq_domain::{FamilyId, Kato, PersonId};
use time::{Date, OffsetDateTime};

use crate::error::StoreResult;

/// Where an offer stands. `Sent` is the only state that can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferState {
    Sent,
    Accepted,
    Declined,
    Expired,
}

impl OfferState {
    pub const ALL: [OfferState; 4] =
        [OfferState::Sent, OfferState::Accepted, OfferState::Declined, OfferState::Expired];
    pub fn code(self) -> &'static str {
        match self {
            OfferState::Sent => "sent",
            OfferState::Accepted => "accepted",
            OfferState::Declined => "declined",
            OfferState::Expired => "expired",
        }
    }
    pub fn from_code(code: &str) -> Option<OfferState> {
        OfferState::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// An offer to make, with the message that carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOffer {
    pub family: FamilyId,
    /// Whom the message goes to.
    pub person: PersonId,
    /// The measure's key in the catalogue.
    pub measure: String,
    /// `kk` or `ru` (or `en`): the language of the message.
    pub language: String,
    pub created_on: Date,
    /// The last day an answer is awaited; the next day it expires.
    pub expires_on: Date,
    /// The message text, in `language`.
    pub message: String,
    /// Where the message goes: the person's phone, masked nowhere (the outbox is personal data).
    pub address: Option<String>,
}

/// A stored offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferRecord {
    pub id: i64,
    pub family: FamilyId,
    pub person: PersonId,
    pub measure: String,
    pub language: String,
    pub state: OfferState,
    pub created_on: Date,
    pub expires_on: Date,
    /// When it was accepted, declined or expired.
    pub closed_on: Option<Date>,
}

/// A message waiting for (or past) delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: i64,
    pub person: PersonId,
    pub offer: Option<i64>,
    /// `sms` for now.
    pub channel: String,
    pub address: Option<String>,
    pub language: String,
    pub body: String,
    pub created_at: OffsetDateTime,
    pub delivered_at: Option<OffsetDateTime>,
}

/// A task for the district: follow up an offer nobody answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskRecord {
    pub id: i64,
    /// `offer_follow_up`.
    pub kind: String,
    pub family: FamilyId,
    /// The family's territory, for routing to the district.
    pub territory: Kato,
    pub offer: Option<i64>,
    pub created_on: Date,
    /// `open` or `done`.
    pub status: String,
}

/// Offers, outbox, tasks.
#[async_trait]
pub trait OfferStore: Send + Sync {
    /// Writes each offer with its outbox message, in one transaction, skipping any offer whose
    /// person already has an offer of the same measure that is sent or accepted. Returns the
    /// offers written.
    async fn create_offers(
        &self,
        offers: &[NewOffer],
        at: OffsetDateTime,
    ) -> StoreResult<Vec<OfferRecord>>;

    /// The (person, measure) pairs among `families` with an offer that is sent or accepted.
    async fn live_offers(&self, families: &[FamilyId]) -> StoreResult<Vec<(PersonId, String)>>;

    /// The (person, measure) pairs among `families` that were ever offered, in any state: the
    /// application offers a measure to a person once; a declined or expired offer is a
    /// worker's to follow up, not a message to repeat.
    async fn offered(&self, families: &[FamilyId]) -> StoreResult<Vec<(PersonId, String)>>;

    /// Records the answer to a sent offer and appends `audit` to the audit chain in the same
    /// transaction: both or neither. An offer not in state sent is
    /// [`crate::StoreError::Conflict`]; an unknown one `NotFound`; nothing is written then.
    async fn answer_offer(
        &self,
        id: i64,
        accept: bool,
        on: Date,
        audit: &AuditRecord,
    ) -> StoreResult<OfferRecord>;

    /// Expires every sent offer whose `expires_on` is before `on` and opens a follow-up task
    /// for each, in one transaction. Returns the expired offers.
    async fn expire_offers(&self, on: Date) -> StoreResult<Vec<OfferRecord>>;

    async fn offer(&self, id: i64) -> StoreResult<Option<OfferRecord>>;

    /// A family's offers, newest first.
    async fn family_offers(&self, family: FamilyId) -> StoreResult<Vec<OfferRecord>>;

    /// Messages not yet delivered, in id order, at most `limit` (1..=10,000).
    async fn undelivered_messages(&self, limit: u32) -> StoreResult<Vec<OutboxMessage>>;

    async fn mark_delivered(&self, ids: &[i64], at: OffsetDateTime) -> StoreResult<()>;

    /// Open tasks in `root`'s subtree, oldest first, at most `limit` (1..=10,000).
    async fn open_tasks(&self, root: Kato, limit: u32) -> StoreResult<Vec<TaskRecord>>;
}
