//! Accounts, their grants, sessions, failed sign-ins and break-glass accesses.
//!
//! Secrets never reach the store in the clear: passwords arrive as argon2id hashes, session ids
//! as SHA-256 digests (hex) of the cookie value, so a copy of the database opens no session.

use async_trait::async_trait;
use shanyraq_domain::access::{Category, CategorySet, RoleGrant};
use shanyraq_domain::audit::AuditRecord;
use shanyraq_domain::{FamilyId, Iin};
use time::OffsetDateTime;

use crate::error::StoreResult;
use crate::records::FamilyRecord;

/// Staff sign in with a login; citizens with their IIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountKind {
    Staff,
    Citizen,
}

impl AccountKind {
    pub fn code(self) -> &'static str {
        match self {
            AccountKind::Staff => "staff",
            AccountKind::Citizen => "citizen",
        }
    }

    pub fn from_code(code: &str) -> Option<AccountKind> {
        [AccountKind::Staff, AccountKind::Citizen].into_iter().find(|k| k.code() == code)
    }
}

/// An account to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    /// Unique, lowercase: a staff login, or a citizen's IIN.
    pub login: String,
    pub kind: AccountKind,
    /// The name shown to colleagues and, where the law allows, to citizens.
    pub display_name: String,
    /// An argon2id PHC string.
    pub password_hash: String,
    /// A citizen's IIN (equal to the login); `None` for staff.
    pub iin: Option<Iin>,
    pub created_at: OffsetDateTime,
}

/// A stored account with everything it is granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    pub id: i64,
    pub login: String,
    pub kind: AccountKind,
    pub display_name: String,
    pub password_hash: String,
    pub iin: Option<Iin>,
    pub created_at: OffsetDateTime,
    pub disabled_at: Option<OffsetDateTime>,
    /// Grows by one on every grant or revocation, so sessions opened before notice the change.
    pub privilege_epoch: i64,
    /// In (role, agency, territory) order.
    pub roles: Vec<RoleGrant>,
    pub categories: CategorySet,
}

/// A session to store. The id is the SHA-256 (hex) of the cookie's secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub id_hash: String,
    pub account: i64,
    pub created_at: OffsetDateTime,
    /// The account's privilege epoch when the session was opened or last rotated.
    pub privilege_epoch: i64,
    /// The token every state-changing form must carry back.
    pub csrf_token: String,
}

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id_hash: String,
    pub account: i64,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub privilege_epoch: i64,
    pub csrf_token: String,
}

/// A session with what resuming it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumedSession {
    pub session: SessionRecord,
    pub account: AccountRecord,
    /// Open at the time asked; empty for citizens.
    pub break_glass: Vec<BreakGlassRecord>,
}

/// A break-glass access to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBreakGlass {
    pub account: i64,
    pub family: FamilyId,
    pub reason: String,
    pub opened_at: OffsetDateTime,
    pub until: OffsetDateTime,
}

/// A stored break-glass access and its review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakGlassRecord {
    pub id: i64,
    pub account: i64,
    pub family: FamilyId,
    pub reason: String,
    pub opened_at: OffsetDateTime,
    pub until: OffsetDateTime,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<OffsetDateTime>,
    pub review_note: Option<String>,
}

/// Accounts and what hangs off them.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Creates an account with no grants. `Conflict` when the login (or IIN) is taken.
    async fn create_account(&self, new: &NewAccount) -> StoreResult<AccountRecord>;
    async fn account(&self, id: i64) -> StoreResult<Option<AccountRecord>>;
    async fn account_by_login(&self, login: &str) -> StoreResult<Option<AccountRecord>>;
    /// Every account, in login order.
    async fn list_accounts(&self) -> StoreResult<Vec<AccountRecord>>;
    /// Replaces the password hash. `NotFound` for an unknown account.
    async fn set_password(&self, account: i64, password_hash: &str) -> StoreResult<()>;
    /// Disables (`Some`) or re-enables (`None`) an account; disabling also ends its sessions.
    async fn set_disabled(&self, account: i64, at: Option<OffsetDateTime>) -> StoreResult<()>;

    /// Adds a role grant; `false` if the account already held it. Raises the privilege epoch
    /// when something changed. `NotFound` for an unknown account.
    async fn grant_role(&self, account: i64, grant: &RoleGrant) -> StoreResult<bool>;
    /// Removes a role grant; `false` if the account did not hold it.
    async fn revoke_role(&self, account: i64, grant: &RoleGrant) -> StoreResult<bool>;
    async fn grant_category(&self, account: i64, category: Category) -> StoreResult<bool>;
    async fn revoke_category(&self, account: i64, category: Category) -> StoreResult<bool>;

    async fn create_session(&self, new: &NewSession) -> StoreResult<()>;
    /// What every signed-in request needs, read together (in one round trip where the engine
    /// allows): the session, its account, and for staff the break-glass accesses open at `now`.
    async fn session_with_account(
        &self,
        id_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<ResumedSession>> {
        let Some(session) = self.session(id_hash).await? else { return Ok(None) };
        let Some(account) = self.account(session.account).await? else { return Ok(None) };
        let break_glass = match account.kind {
            AccountKind::Staff => self.active_break_glass(account.id, now).await?,
            AccountKind::Citizen => Vec::new(),
        };
        Ok(Some(ResumedSession { session, account, break_glass }))
    }
    /// The session as [`AccountStore::session_with_account`] reads it and, when there is one,
    /// the family's card, in one read (one connection and one snapshot): the card route needs
    /// both for every request, and reading them apart costs a second trip to the database.
    async fn session_with_family(
        &self,
        id_hash: &str,
        now: OffsetDateTime,
        family: FamilyId,
    ) -> StoreResult<Option<(ResumedSession, Option<FamilyRecord>)>>;
    async fn session(&self, id_hash: &str) -> StoreResult<Option<SessionRecord>>;
    /// Records activity on a session; `false` if it no longer exists.
    async fn touch_session(&self, id_hash: &str, at: OffsetDateTime) -> StoreResult<bool>;
    /// Replaces session `old` with `new` in one transaction (a new id at a privilege change);
    /// `false`, and nothing stored, if `old` no longer exists.
    async fn rotate_session(&self, old: &str, new: &NewSession) -> StoreResult<bool>;
    /// Ends one session; `false` if it did not exist.
    async fn delete_session(&self, id_hash: &str) -> StoreResult<bool>;
    /// Ends every session of an account (sign-out everywhere); how many there were.
    async fn delete_account_sessions(&self, account: i64) -> StoreResult<u64>;
    /// Ends sessions idle since before `idle_before` or opened before `opened_before`.
    async fn purge_sessions(
        &self,
        idle_before: OffsetDateTime,
        opened_before: OffsetDateTime,
    ) -> StoreResult<u64>;

    /// Records one failed sign-in under each key (an account's, an address's).
    async fn record_login_failure(&self, keys: &[String], at: OffsetDateTime) -> StoreResult<()>;
    /// Failed sign-ins under `key` at or after `since`.
    async fn login_failures_since(&self, key: &str, since: OffsetDateTime) -> StoreResult<u32>;
    /// Forgets the failures under `key` (after a successful sign-in).
    async fn clear_login_failures(&self, key: &str) -> StoreResult<()>;
    /// Forgets failures older than `before`.
    async fn purge_login_failures(&self, before: OffsetDateTime) -> StoreResult<u64>;

    /// Opens a break-glass access and writes its audit entry in the same transaction.
    async fn open_break_glass(
        &self,
        new: &NewBreakGlass,
        audit: &AuditRecord,
    ) -> StoreResult<BreakGlassRecord>;
    /// The break-glass accesses of `account` still open at `now`.
    async fn active_break_glass(
        &self,
        account: i64,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<BreakGlassRecord>>;
    /// Accesses not yet reviewed, oldest first, at most `limit`.
    async fn unreviewed_break_glass(&self, limit: u32) -> StoreResult<Vec<BreakGlassRecord>>;
    /// Records a supervisor's review and its audit entry in one transaction; `false` if it was
    /// already reviewed (nothing is written then). `NotFound` for an unknown id.
    async fn review_break_glass(
        &self,
        id: i64,
        reviewer: i64,
        at: OffsetDateTime,
        note: &str,
        audit: &AuditRecord,
    ) -> StoreResult<bool>;
}
