//! Signing in and resuming sessions. An unknown login and a wrong password get the same answer
//! after the same work (a hash is verified either way), and both count towards throttling.

use std::sync::Arc;

use shanyraq_domain::FamilyId;
use shanyraq_domain::access::{BreakGlass, Principal};
use shanyraq_domain::audit::Outcome;
use shanyraq_store::{
    AccountKind, AccountRecord, BreakGlassRecord, FamilyRecord, NewSession, ResumedSession,
    SessionRecord, Store,
};
use time::{Date, OffsetDateTime};

use super::passwords::PasswordHasher;
use super::secrets::Secret;
use super::sessions::{SessionPolicy, SignedIn};
use crate::authz::{AccessContext, Guard};
use crate::clock::Clock;
use crate::error::AppError;

/// Why signing in or resuming a session did not work. Messages say nothing an attacker could use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignInError {
    #[error("wrong sign-in name or password")]
    Failed,
    #[error("too many failed attempts; try again in {minutes} minutes")]
    Throttled { minutes: i64 },
    #[error("the session has ended; sign in again")]
    SessionExpired,
}

impl SignInError {
    pub fn code(self) -> &'static str {
        match self {
            SignInError::Failed => "auth.failed",
            SignInError::Throttled { .. } => "auth.throttled",
            SignInError::SessionExpired => "auth.session_expired",
        }
    }
}

/// Sign-in and sessions over one store. Cheap to clone.
#[derive(Debug, Clone)]
pub struct SignIn {
    store: Arc<dyn Store>,
    hasher: PasswordHasher,
    guard: Guard,
    clock: Clock,
    policy: SessionPolicy,
}

/// The key failures are counted under for an account.
fn account_key(login: &str) -> String {
    format!("account:{login}")
}

fn address_key(address: &str) -> String {
    format!("address:{address}")
}

/// Logins are compared without case and surrounding spaces.
pub fn normalize_login(login: &str) -> String {
    login.trim().to_lowercase()
}

impl SignIn {
    pub fn new(
        store: Arc<dyn Store>,
        hasher: PasswordHasher,
        guard: Guard,
        clock: Clock,
        policy: SessionPolicy,
    ) -> SignIn {
        SignIn { store, hasher, guard, clock, policy }
    }

    pub fn policy(&self) -> SessionPolicy {
        self.policy
    }

    /// Checks a login and password from `address` and opens a session. Staff only: citizens
    /// go on to a one-time code ([`crate::accounts::CitizenSignIn`]).
    pub async fn sign_in(
        &self,
        login: &str,
        password: &str,
        address: &str,
        request_id: &str,
        today: Date,
    ) -> Result<SignedIn, AppError> {
        let account =
            self.check_password(login, password, address, request_id, AccountKind::Staff).await?;
        self.open_session(&account, request_id, today).await
    }

    /// The first factor: `login` and `password` of an account of `kind`, under throttling. An
    /// unknown login, a wrong password, a disabled account and an account of the other kind all
    /// fail the same way after the same work, and count as failures.
    pub(crate) async fn check_password(
        &self,
        login: &str,
        password: &str,
        address: &str,
        request_id: &str,
        kind: AccountKind,
    ) -> Result<AccountRecord, AppError> {
        let login = normalize_login(login);
        let now = self.clock.now();
        let (by_account, by_address) = (account_key(&login), address_key(address));
        self.throttle(&by_account, &by_address, request_id).await?;
        let account = self.store.account_by_login(&login).await?;
        let usable = account.as_ref().filter(|a| a.disabled_at.is_none() && a.kind == kind);
        let phc = usable.map(|a| a.password_hash.as_str());
        let ok = self.hasher.verify(password, phc).await?;
        match usable.filter(|_| ok) {
            Some(a) => Ok(a.clone()),
            None => {
                self.store.record_login_failure(&[by_account, by_address], now).await?;
                let anonymous = AccessContext::new(Principal::nobody("anonymous"), request_id);
                self.audit(&anonymous, account.as_ref().map(|a| a.id), Outcome::Denied).await?;
                Err(SignInError::Failed.into())
            }
        }
    }

    /// Refuses when either key has too many recent failures.
    pub(crate) async fn throttle(
        &self,
        by_account: &str,
        by_address: &str,
        request_id: &str,
    ) -> Result<(), AppError> {
        let since = self.clock.now() - self.policy.throttle_window;
        let account_failures = self.store.login_failures_since(by_account, since).await?;
        let address_failures = self.store.login_failures_since(by_address, since).await?;
        if account_failures < self.policy.max_failures_per_account
            && address_failures < self.policy.max_failures_per_address
        {
            return Ok(());
        }
        let anonymous = AccessContext::new(Principal::nobody("anonymous"), request_id);
        self.audit(&anonymous, None, Outcome::Denied).await?;
        let minutes = self.policy.throttle_window.whole_minutes();
        Err(SignInError::Throttled { minutes }.into())
    }

    /// Counts a failure of a later factor (a wrong one-time code).
    pub(crate) async fn record_failure(
        &self,
        login: &str,
        address: &str,
        account: i64,
        request_id: &str,
    ) -> Result<(), AppError> {
        let keys = [account_key(login), address_key(address)];
        self.store.record_login_failure(&keys, self.clock.now()).await?;
        let anonymous = AccessContext::new(Principal::nobody("anonymous"), request_id);
        self.audit(&anonymous, Some(account), Outcome::Denied).await
    }

    /// Opens a session for an account whose identity is established — by password here, by a
    /// one-time code for citizens, or by an external identity provider (the seam for eGov's
    /// OpenID Connect sign-in). A new session id every time: nothing from before survives.
    pub async fn open_session(
        &self,
        account: &AccountRecord,
        request_id: &str,
        today: Date,
    ) -> Result<SignedIn, AppError> {
        self.store.clear_login_failures(&account_key(&account.login)).await?;
        let cookie = Secret::generate()?;
        let csrf_token = Secret::generate()?.expose().to_owned();
        let now = self.clock.now();
        self.store
            .create_session(&NewSession {
                id_hash: cookie.digest(),
                account: account.id,
                created_at: now,
                privilege_epoch: account.privilege_epoch,
                csrf_token: csrf_token.clone(),
            })
            .await?;
        let principal = self.principal(account, today, now).await?;
        let ctx = AccessContext::new(principal.clone(), request_id);
        self.audit(&ctx, Some(account.id), Outcome::Allowed).await?;
        Ok(SignedIn { account: account.clone(), principal, cookie, rotated: true, csrf_token })
    }

    pub(crate) fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub(crate) fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    async fn audit(
        &self,
        ctx: &AccessContext,
        account: Option<i64>,
        outcome: Outcome,
    ) -> Result<(), AppError> {
        let subject = account.map(|id| format!("account:{id}"));
        let mut rec = self.guard.record(
            ctx,
            "account.sign_in",
            crate::authz::Subject::Key(subject.as_deref().unwrap_or("account:unknown")),
            outcome,
            None,
        );
        rec.subject = subject;
        self.guard.write(rec).await
    }

    /// The session behind a cookie, checked against the timeouts; a new session id when the
    /// account's privileges changed since it was opened. A session that timed out is recorded
    /// as a denial.
    pub async fn resume(
        &self,
        cookie: &Secret,
        today: Date,
        request_id: &str,
    ) -> Result<SignedIn, AppError> {
        let now = self.clock.now();
        let found = self.store.session_with_account(&cookie.digest(), now).await?;
        self.resumed(found, cookie, now, today, request_id).await
    }

    /// [`SignIn::resume`], with the card of family `id` read in the same trip to the store (the
    /// card route needs both on every request). The card is what the store holds, before any
    /// decision: the caller decides what the signed-in user may see of it.
    pub async fn resume_with_family(
        &self,
        cookie: &Secret,
        today: Date,
        request_id: &str,
        id: FamilyId,
    ) -> Result<(SignedIn, Option<FamilyRecord>), AppError> {
        let now = self.clock.now();
        let found = self.store.session_with_family(&cookie.digest(), now, id).await?;
        let (found, card) = found.map_or((None, None), |(s, card)| (Some(s), card));
        let signed_in = self.resumed(found, cookie, now, today, request_id).await?;
        Ok((signed_in, card))
    }

    /// The rest of resuming a session the store found (or did not): the timeouts, a disabled
    /// account, a new session id after a change of privileges, and the principal.
    async fn resumed(
        &self,
        found: Option<ResumedSession>,
        cookie: &Secret,
        now: OffsetDateTime,
        today: Date,
        request_id: &str,
    ) -> Result<SignedIn, AppError> {
        let expired = || AppError::from(SignInError::SessionExpired);
        let Some(ResumedSession { session, account, break_glass }) = found else {
            return Err(expired());
        };
        let id_hash = &session.id_hash;
        if !self.live(&session, now) || account.disabled_at.is_some() {
            self.store.delete_session(id_hash).await?;
            let actor = Principal::nobody(format!("account:{}", account.id));
            let ctx = AccessContext::new(actor, request_id);
            let subject = format!("account:{}", account.id);
            let rec = self.guard.record(
                &ctx,
                "account.session_expired",
                crate::authz::Subject::Key(&subject),
                Outcome::Denied,
                None,
            );
            self.guard.write(rec).await?;
            return Err(expired());
        }
        let (cookie, rotated) = if account.privilege_epoch != session.privilege_epoch {
            let fresh = Secret::generate()?;
            let new = NewSession {
                id_hash: fresh.digest(),
                account: account.id,
                created_at: session.created_at,
                privilege_epoch: account.privilege_epoch,
                csrf_token: session.csrf_token.clone(),
            };
            if !self.store.rotate_session(id_hash, &new).await? {
                return Err(expired());
            }
            (fresh, true)
        } else {
            if now - session.last_seen_at >= self.policy.touch_every {
                self.store.touch_session(id_hash, now).await?;
            }
            (cookie.clone(), false)
        };
        let principal = principal_with(&self.store, &account, &break_glass, today).await?;
        Ok(SignedIn { account, principal, cookie, rotated, csrf_token: session.csrf_token })
    }

    fn live(&self, s: &SessionRecord, now: OffsetDateTime) -> bool {
        now - s.last_seen_at < self.policy.idle && now - s.created_at < self.policy.absolute
    }

    /// Ends the session behind `cookie`.
    pub async fn sign_out(&self, cookie: &Secret) -> Result<(), AppError> {
        self.store.delete_session(&cookie.digest()).await?;
        Ok(())
    }

    /// Ends every session of `account`; how many there were.
    pub async fn sign_out_everywhere(&self, account: i64) -> Result<u64, AppError> {
        Ok(self.store.delete_account_sessions(account).await?)
    }

    /// Forgets sessions past their timeouts and failures past the throttling window.
    pub async fn purge(&self) -> Result<u64, AppError> {
        let now = self.clock.now();
        let sessions =
            self.store.purge_sessions(now - self.policy.idle, now - self.policy.absolute).await?;
        let failures = self.store.purge_login_failures(now - self.policy.throttle_window).await?;
        Ok(sessions + failures)
    }

    /// What the policy needs about `account` now.
    pub async fn principal(
        &self,
        account: &AccountRecord,
        today: Date,
        now: OffsetDateTime,
    ) -> Result<Principal, AppError> {
        principal_of(&self.store, account, today, now).await
    }
}

/// The principal of `account`: its grants, its active break-glass accesses and, for a citizen,
/// the family they belong to on `today`.
pub async fn principal_of(
    store: &Arc<dyn Store>,
    account: &AccountRecord,
    today: Date,
    now: OffsetDateTime,
) -> Result<Principal, AppError> {
    let break_glass = match account.kind {
        AccountKind::Staff => store.active_break_glass(account.id, now).await?,
        AccountKind::Citizen => Vec::new(),
    };
    principal_with(store, account, &break_glass, today).await
}

/// The principal of `account` with its open break-glass accesses already read.
async fn principal_with(
    store: &Arc<dyn Store>,
    account: &AccountRecord,
    break_glass: &[BreakGlassRecord],
    today: Date,
) -> Result<Principal, AppError> {
    let own_family: Option<FamilyId> = match (account.kind, account.iin) {
        (AccountKind::Citizen, Some(iin)) => store
            .person_by_iin(iin)
            .await?
            .and_then(|p| p.memberships.into_iter().find(|m| m.holds_on(today)).map(|m| m.family)),
        _ => None,
    };
    let break_glass =
        break_glass.iter().map(|b| BreakGlass { family: b.family, until: b.until }).collect();
    Ok(Principal {
        actor: format!("account:{}", account.id),
        roles: account.roles.clone(),
        categories: account.categories,
        own_family,
        break_glass,
    })
}
