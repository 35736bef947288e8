//! The JSON shape of a family's access log: who opened the family's data, in what capacity,
//! when, why, and whether it was allowed.

use serde::Serialize;
use shanyraq_domain::audit::Outcome;
use utoipa::ToSchema;

string_enum!(
    /// Whether the access was allowed or refused.
    OutcomeView from Outcome { Allowed, Denied }
);

/// One access to the family's data.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccessLogEntryView {
    /// The entry's number in the service's audit chain; pages follow it downwards.
    #[schema(example = 1042)]
    pub seq: u64,
    /// When, RFC 3339 in UTC.
    #[schema(example = "2026-11-30T09:05:00Z")]
    pub at: String,
    /// What was done, as a code: `family.read`, `family.update`, `family.list`,
    /// `family.search`, `family.count`, `family.export`, `family.audit_read`,
    /// `family.break_glass`, …
    #[schema(example = "family.read")]
    pub action: String,
    /// What was done, in words in the request's language.
    #[schema(example = "opened the card")]
    pub action_text: String,
    /// The role the person acted in (`social_worker`, `school_specialist`, `supervisor`, …);
    /// `null` for the family itself and for the service's own jobs.
    #[schema(example = "social_worker")]
    pub role: Option<String>,
    /// The role in words.
    #[schema(example = "Social worker")]
    pub role_text: Option<String>,
    /// The organisation the person acted for (`social`, `education`, `health`, `police`,
    /// `labour`, `akimat`, …); `null` where `role` is.
    #[schema(example = "social")]
    pub agency: Option<String>,
    /// The organisation in words; its code where no words are known for it.
    #[schema(example = "Social protection")]
    pub agency_text: Option<String>,
    /// Whether a member of the family did it, from their own account.
    pub by_family: bool,
    /// The staff member's name, only where the deployment's law lets families see it;
    /// otherwise `null`.
    pub name: Option<String>,
    /// The purpose the person stated, as they wrote it; `null` when none was stated.
    #[schema(example = "Home visit planned for 12 March")]
    pub purpose: Option<String>,
    pub outcome: OutcomeView,
}

/// A page of the access log, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccessLogPage {
    pub items: Vec<AccessLogEntryView>,
    /// Pass as `before` to get the next (older) page; `null` on the last page.
    #[schema(example = 1001)]
    pub next_before: Option<u64>,
    /// The page size used.
    pub limit: u32,
}
