//! What the store keeps of assessments: installed methodology versions, each family's current
//! assessment and level history, the events other work consumes, the change feed's progress,
//! the poverty-line medians, and the aggregates by territory.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use shanyraq_domain::assessment::{FamilyInput, Level, Trigger};
use shanyraq_domain::{BatchId, FamilyId, Kato, KatoLevel, Tenge};
use time::{Date, OffsetDateTime};

use crate::error::StoreResult;

/// A methodology version as installed: its file, verbatim, so that every stored assessment
/// can be explained by the text that made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodologyRecord {
    pub version: String,
    pub effective_from: Date,
    pub file_name: String,
    pub source: String,
    pub installed_at: OffsetDateTime,
}

/// What an install did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Installed {
    /// The version is new.
    New,
    /// The same version with the same text was already installed; nothing changed.
    Unchanged,
}

/// A family's current assessment, as the next one is compared with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousAssessment {
    pub assessed_on: Date,
    pub methodology: String,
    pub total: i64,
    pub level: Level,
    /// The number of its latest level-history entry.
    pub seq: i64,
}

/// A family to assess, with its current assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentInput {
    pub family: FamilyInput,
    pub previous: Option<PreviousAssessment>,
}

/// A family's current assessment as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredAssessment {
    pub family: FamilyId,
    /// The number of the level-history entry that holds this result.
    pub seq: i64,
    pub assessed_on: Date,
    pub methodology: String,
    pub total: i64,
    pub score_level: Level,
    pub level: Level,
    pub trigger: Trigger,
    /// The contributions and overrides, as the application encodes them (JSON).
    pub detail: String,
}

/// One entry of a family's level history: written when the result changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub family: FamilyId,
    /// 1, 2, … per family.
    pub seq: i64,
    pub assessed_on: Date,
    pub methodology: String,
    pub total: i64,
    pub level: Level,
    pub trigger: Trigger,
}

/// What happened to a family's level that the inter-agency work must act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LevelEventKind {
    /// The family came to D or E from a better level (or from no assessment).
    EnteredCrisis,
    /// The family was at D or E and still is.
    StaysInCrisis,
}

impl LevelEventKind {
    pub fn code(self) -> &'static str {
        match self {
            LevelEventKind::EnteredCrisis => "entered_crisis",
            LevelEventKind::StaysInCrisis => "stays_in_crisis",
        }
    }
    pub fn from_code(code: &str) -> Option<LevelEventKind> {
        match code {
            "entered_crisis" => Some(LevelEventKind::EnteredCrisis),
            "stays_in_crisis" => Some(LevelEventKind::StaysInCrisis),
            _ => None,
        }
    }
}

/// A level event to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelEvent {
    pub family: FamilyId,
    pub kind: LevelEventKind,
    pub level: Level,
    pub previous: Option<Level>,
    pub occurred_on: Date,
    pub methodology: String,
}

/// A recorded level event; ids grow in the order events were written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredLevelEvent {
    pub id: i64,
    #[serde(flatten)]
    pub event: LevelEvent,
}

/// Results written in one transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssessmentChunk {
    /// Each family's new current assessment (replacing the stored one).
    pub assessments: Vec<StoredAssessment>,
    /// History entries to add: only for results that changed.
    pub history: Vec<HistoryEntry>,
    pub events: Vec<LevelEvent>,
}

/// Families at one level in one territory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelCount {
    pub territory: Kato,
    pub level: Level,
    pub families: u64,
}

/// Families that moved from one level to another between two days (`from: None`: not yet
/// assessed on the first day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Movement {
    pub from: Option<Level>,
    pub to: Level,
    pub families: u64,
}

/// The median per-capita income of a region's families on a day, for the poverty line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionMedian {
    /// The region (`AB0000000`).
    pub region: Kato,
    pub median: Tenge,
    /// How many families it was computed from.
    pub families: u64,
}

/// Assessments and what hangs on them.
#[async_trait]
pub trait AssessmentStore: Send + Sync {
    /// Installs a methodology version. The same version with other text is
    /// [`crate::StoreError::Conflict`]: an installed version never changes.
    async fn install_methodology(&self, m: &MethodologyRecord) -> StoreResult<Installed>;

    /// Every installed version, by `effective_from`, then version.
    async fn methodologies(&self) -> StoreResult<Vec<MethodologyRecord>>;

    /// Families with id greater than `after`, in id order, at most `limit` (clamped to
    /// 1..=10,000), with every membership (current and past) and every current fact (not
    /// superseded), and their current assessment.
    async fn assessment_inputs(
        &self,
        after: Option<FamilyId>,
        limit: u32,
    ) -> StoreResult<Vec<AssessmentInput>>;

    /// The same for the given families (unknown ids are left out), in id order.
    async fn assessment_inputs_for(&self, ids: &[FamilyId]) -> StoreResult<Vec<AssessmentInput>>;

    /// Writes a chunk of results in one transaction.
    async fn write_assessments(&self, chunk: AssessmentChunk) -> StoreResult<()>;

    async fn assessment(&self, family: FamilyId) -> StoreResult<Option<StoredAssessment>>;

    /// A family's level history, oldest first.
    async fn level_history(&self, family: FamilyId) -> StoreResult<Vec<HistoryEntry>>;

    /// Level events with id greater than `after`, in id order, at most `limit` (1..=10,000).
    async fn level_events(
        &self,
        after: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<StoredLevelEvent>>;

    /// Complete batches that changed families and whose changes are not yet assessed, in id
    /// order.
    async fn unassessed_change_batches(&self) -> StoreResult<Vec<BatchId>>;

    /// Records that the changes of `batches` are assessed.
    async fn mark_changes_assessed(
        &self,
        batches: &[BatchId],
        at: OffsetDateTime,
    ) -> StoreResult<()>;

    /// Families by level in `root`'s subtree, grouped by their territory's ancestor at `depth`
    /// (a region, a district …; a family whose territory is above `depth` is counted at its
    /// own code), by territory then level.
    async fn level_counts(&self, root: Kato, depth: KatoLevel) -> StoreResult<Vec<LevelCount>>;

    /// Families of `root`'s subtree by their level on `from` (their latest history entry made
    /// on or before it) and on `to`, for families assessed by `to`; by (from, to), `None`
    /// first.
    async fn level_movements(&self, root: Kato, from: Date, to: Date)
    -> StoreResult<Vec<Movement>>;

    /// The stored medians for a day, if they were computed.
    async fn region_medians(&self, on: Date) -> StoreResult<Option<Vec<RegionMedian>>>;

    /// Stores the medians for a day (replacing any).
    async fn store_region_medians(&self, on: Date, medians: &[RegionMedian]) -> StoreResult<()>;
}
