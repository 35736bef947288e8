//! What the store exchanges with the feed importer: batch records with their outcome, the rows of
//! one chunk, report lines and rows kept for matching.
//!
//! A feed batch is written chunk by chunk, each chunk in one transaction together with the
//! batch's counters and its resume point (`rows_read`), so that an import killed at any moment is
//! resumed from the last committed chunk and ends in the state an uninterrupted one would reach.

use serde::{Deserialize, Serialize};
use shanyraq_domain::{BatchId, FamilyId, ImportBatch, Kato, Observation, PersonId, Source};
use time::{Date, OffsetDateTime};

/// Where a batch stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchStatus {
    /// Being written, or interrupted: running the same import again resumes it.
    Running,
    Complete,
    /// Could not be processed; everything it wrote was taken back.
    Failed,
}

impl BatchStatus {
    pub const ALL: [BatchStatus; 3] =
        [BatchStatus::Running, BatchStatus::Complete, BatchStatus::Failed];

    pub fn code(self) -> &'static str {
        match self {
            BatchStatus::Running => "running",
            BatchStatus::Complete => "complete",
            BatchStatus::Failed => "failed",
        }
    }

    pub fn from_code(code: &str) -> Option<BatchStatus> {
        BatchStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A batch's row counts. Every data row of a file is counted once in exactly one of
/// `accepted`, `duplicates`, `pending` and `rejected`, which add up to `rows_read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BatchCounts {
    /// Data rows processed and committed; also where an interrupted import resumes.
    pub rows_read: i64,
    /// Valid rows that stored something: new facts, or corrections of stored ones.
    pub accepted: i64,
    /// Valid rows whose every fact was already stored with the same value.
    pub duplicates: i64,
    /// Valid rows kept for matching: no usable IIN, or an IIN of nobody known yet.
    pub pending: i64,
    /// Rows refused by validation or by the reader.
    pub rejected: i64,
    /// Accepted rows that replaced at least one earlier value (kept in history); a subset of
    /// `accepted`.
    pub superseded: i64,
    /// Warning lines in the report.
    pub warnings: i64,
}

/// A batch as listed: the generic record plus its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRecord {
    #[serde(flatten)]
    pub batch: ImportBatch,
    /// The agency the feed comes from; `None` for generator batches.
    pub source: Option<Source>,
    /// SHA-256 of the file, lowercase hex; `None` for generator batches.
    pub fingerprint: Option<String>,
    pub status: BatchStatus,
    pub counts: BatchCounts,
    /// When the batch last committed a chunk or changed status.
    pub updated_at: OffsetDateTime,
    /// Why a failed batch failed: the stable code of the error.
    pub error_code: Option<String>,
}

/// A feed batch about to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFeedBatch {
    /// The feed schema's name, e.g. `income`.
    pub feed: String,
    pub source: Source,
    /// The file's name, without its directories.
    pub label: String,
    pub fingerprint: String,
    pub started_at: OffsetDateTime,
}

/// The kind of a report line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueVerdict {
    Rejected,
    Warning,
    /// The reader refused the record (bad encoding, a wrong number of fields).
    RecordError,
    NeedsMatching,
}

impl IssueVerdict {
    pub const ALL: [IssueVerdict; 4] = [
        IssueVerdict::Rejected,
        IssueVerdict::Warning,
        IssueVerdict::RecordError,
        IssueVerdict::NeedsMatching,
    ];

    pub fn code(self) -> &'static str {
        match self {
            IssueVerdict::Rejected => "rejected",
            IssueVerdict::Warning => "warning",
            IssueVerdict::RecordError => "record_error",
            IssueVerdict::NeedsMatching => "needs_matching",
        }
    }

    pub fn from_code(code: &str) -> Option<IssueVerdict> {
        IssueVerdict::ALL.into_iter().find(|v| v.code() == code)
    }
}

/// One line of a batch's report. Stored with the chunk it belongs to, so that the report of a
/// resumed import is the report of an uninterrupted one; messages are rendered from `code` and
/// `args` when the report is read, in whatever language the reader wants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportIssue {
    /// The file line the record starts on; 1 is the header.
    pub line: u64,
    /// Order among the issues of one line, from 0.
    pub seq: u32,
    pub verdict: IssueVerdict,
    /// The schema column's key, or empty.
    pub column: String,
    /// The value as the report may show it (masked by the validator).
    pub value_masked: String,
    pub code: String,
    /// The message's arguments, by name, in order.
    pub args: Vec<(String, String)>,
}

/// Where a page of report lines resumes: after this (line, seq).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct IssueCursor {
    pub line: u64,
    pub seq: u32,
}

/// A person found by IIN, and the family they belong to on the day asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResolvedPerson {
    pub person: PersonId,
    /// The family of the membership valid on the day; `None` if there is none that day.
    pub family: Option<FamilyId>,
}

/// One fact of a valid row, with the key that makes importing it idempotent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedFact {
    /// Unique among current facts: the feed, the person the row names, the indicator and the
    /// values of the feed's natural-key columns, e.g. `income|p42|income.wage|2026-01-01|wage`.
    /// A stored current fact with the same key and the same value makes this one a duplicate;
    /// with another value, this one supersedes it.
    pub natural_key: String,
    /// `observation.batch` is the chunk's batch.
    pub observation: Observation,
}

/// A valid row whose person and family are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRow {
    pub line: u64,
    pub facts: Vec<FeedFact>,
    /// How many report lines the row has already (its warnings): the `seq` its repeat note
    /// takes, if it gets one.
    pub issues_before: u32,
}

/// The warning a row gets when a fact of it has the natural key of a fact an earlier row of the
/// same batch stored: the row repeats an earlier row of the file. The store adds it, because
/// only the store knows what the batch stored before, also after an interruption; so the
/// importer keeps no set of the keys it has seen, and its memory does not grow with the file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RepeatNote {
    /// The natural-key columns, as the report line's column.
    pub column: String,
    pub code: String,
    pub args: Vec<(String, String)>,
}

impl RepeatNote {
    /// The report line of the row at `line` that already has `seq` lines.
    pub fn issue(&self, line: u64, seq: u32) -> ImportIssue {
        ImportIssue {
            line,
            seq,
            verdict: IssueVerdict::Warning,
            column: self.column.clone(),
            value_masked: String::new(),
            code: self.code.clone(),
            args: self.args.clone(),
        }
    }
}

/// Why a valid row waits for matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PendingReason {
    /// No usable IIN; the row has name, birth date and territory to match on.
    NoIin,
    /// A valid IIN that names nobody stored yet.
    UnknownPerson,
    /// The person is known but belongs to no family on the day.
    NoFamily,
}

impl PendingReason {
    pub const ALL: [PendingReason; 3] =
        [PendingReason::NoIin, PendingReason::UnknownPerson, PendingReason::NoFamily];

    pub fn code(self) -> &'static str {
        match self {
            PendingReason::NoIin => "no_iin",
            PendingReason::UnknownPerson => "unknown_person",
            PendingReason::NoFamily => "no_family",
        }
    }

    pub fn from_code(code: &str) -> Option<PendingReason> {
        PendingReason::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// A fact of a pending row: what becomes an observation once the person is matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingFact {
    pub indicator: String,
    pub value_num: Option<i64>,
    pub value_text: Option<String>,
    #[serde(with = "iso_date")]
    pub valid_from: Date,
    #[serde(with = "iso_date::option")]
    pub valid_until: Option<Date>,
    /// The natural key without the person: feed, indicator and key values.
    pub key: String,
}

/// A valid row kept until its person is matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingRow {
    pub line: u64,
    pub reason: PendingReason,
    /// The IIN as the row gave it (valid for `UnknownPerson` and `NoFamily`), if any.
    pub iin: Option<String>,
    pub last_name: Option<String>,
    pub first_name: Option<String>,
    pub birth_date: Option<Date>,
    pub kato: Option<Kato>,
    pub facts: Vec<PendingFact>,
}

/// What the importer counted in one chunk by itself; the store adds what only it can tell
/// (duplicates and corrections of stored facts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChunkCounts {
    /// Data rows in the chunk.
    pub rows_read: i64,
    /// Rows refused by validation or the reader.
    pub rejected: i64,
    /// Warning lines among the chunk's issues.
    pub warnings: i64,
}

/// A slice of a feed file written in one transaction: its valid rows, pending rows, report
/// lines and counters, and the batch's new resume point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedChunk {
    pub batch: BatchId,
    /// The batch's `rows_read` before this chunk. The write is refused with
    /// [`crate::StoreError::Conflict`] and changes nothing if the stored value differs: another
    /// process is importing the same batch.
    pub rows_before: i64,
    pub counts: ChunkCounts,
    /// Valid rows with known people, in file order. A later row's fact with the key of an
    /// earlier one in the same chunk is compared with it as if it had been stored first.
    pub rows: Vec<FeedRow>,
    pub pending: Vec<PendingRow>,
    pub issues: Vec<ImportIssue>,
    /// What a row that repeats an earlier row of the batch is told.
    pub repeat_note: RepeatNote,
    /// Becomes the batch's `updated_at`.
    pub written_at: OffsetDateTime,
}

/// What the store decided for a chunk's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChunkOutcome {
    /// Rows that stored something.
    pub accepted: i64,
    /// Rows whose every fact was already stored with the same value.
    pub duplicates: i64,
    /// Accepted rows that replaced an earlier value.
    pub superseded: i64,
    /// Rows given the chunk's repeat note (counted among the batch's warnings too).
    pub repeats: i64,
    /// Facts written.
    pub facts_stored: i64,
}

/// A page of batches, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchPageRequest {
    /// Batches with a smaller id than this one.
    pub before: Option<BatchId>,
    /// Backends clamp it to `1..=`[`BatchPageRequest::MAX_LIMIT`].
    pub limit: u32,
}

impl BatchPageRequest {
    pub const MAX_LIMIT: u32 = 500;

    pub fn effective_limit(&self) -> u32 {
        self.limit.clamp(1, Self::MAX_LIMIT)
    }
}

/// A report line's arguments as stored: a JSON array of `[name, value]` pairs.
pub fn encode_issue_args(args: &[(String, String)]) -> String {
    serde_json::to_string(args).unwrap_or_else(|_| "[]".to_owned())
}

/// Reads [`encode_issue_args`]'s text back.
pub fn decode_issue_args(text: &str) -> Result<Vec<(String, String)>, crate::StoreError> {
    serde_json::from_str(text)
        .map_err(|e| crate::StoreError::Corrupt(format!("import_issues.args: {e}")))
}

/// A pending row's facts as stored: a JSON array of [`PendingFact`].
pub fn encode_pending_facts(facts: &[PendingFact]) -> String {
    serde_json::to_string(facts).unwrap_or_else(|_| "[]".to_owned())
}

/// Reads [`encode_pending_facts`]'s text back.
pub fn decode_pending_facts(text: &str) -> Result<Vec<PendingFact>, crate::StoreError> {
    serde_json::from_str(text)
        .map_err(|e| crate::StoreError::Corrupt(format!("pending_rows.facts: {e}")))
}

/// Dates in stored JSON as ISO 8601 text (`2026-01-31`).
mod iso_date {
    use serde::{Deserialize, Deserializer, Serializer};
    use shanyraq_domain::dates::{iso, parse_iso};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&iso(*d))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        parse_iso(&text).map_err(serde::de::Error::custom)
    }

    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => s.serialize_some(&iso(*d)),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|text| parse_iso(&text).map_err(serde::de::Error::custom))
                .transpose()
        }
    }
}
