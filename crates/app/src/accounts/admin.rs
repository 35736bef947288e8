//! Administering accounts: create, grant, revoke, list, reset a password. Only administrators
//! (or the command line, which runs with the database's own rights) may; every change is
//! audited, and a change of privileges makes every open session of the account take a new id.

use std::sync::Arc;

use shanyraq_domain::Iin;
use shanyraq_domain::access::{Category, Role, RoleGrant};
use shanyraq_domain::audit::Outcome;
use shanyraq_store::{AccountKind, AccountRecord, NewAccount, Store, StoreError};

use super::passwords::{PasswordHasher, check_password};
use super::signin::normalize_login;
use crate::authz::{AccessContext, Guard, Subject};
use crate::clock::Clock;
use crate::error::AppError;

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: String,
    pub kind: AccountKind,
    pub display_name: String,
    pub password: String,
    /// For a citizen: their IIN, which is also their login.
    pub iin: Option<Iin>,
}

/// The administrators' use cases. Cheap to clone.
#[derive(Debug, Clone)]
pub struct UserAdmin {
    store: Arc<dyn Store>,
    hasher: PasswordHasher,
    guard: Guard,
    clock: Clock,
}

/// The command line acts as `system:<name>`: whoever runs it already holds the database.
fn may_administer(ctx: &AccessContext) -> bool {
    ctx.principal.actor.starts_with("system:") || ctx.principal.has_role(Role::Administrator)
}

/// Lets administrators (and the command line) through; records anyone else's attempt.
pub(crate) async fn require_admin(
    guard: &Guard,
    ctx: &AccessContext,
    action: &str,
) -> Result<(), AppError> {
    if may_administer(ctx) {
        return Ok(());
    }
    guard
        .write(guard.record(ctx, action, Subject::Key("account:*"), Outcome::Denied, None))
        .await?;
    Err(AppError::Denied { reason: "access.no_role" })
}

fn bad_login(reason: &str) -> AppError {
    AppError::InvalidInput { field: "login", code: "account.login", reason: reason.into() }
}

impl UserAdmin {
    pub fn new(store: Arc<dyn Store>, hasher: PasswordHasher, guard: Guard, clock: Clock) -> Self {
        UserAdmin { store, hasher, guard, clock }
    }

    async fn audit(&self, ctx: &AccessContext, action: &str, account: i64) -> Result<(), AppError> {
        let subject = format!("account:{account}");
        let rec = self.guard.record(ctx, action, Subject::Key(&subject), Outcome::Allowed, None);
        self.guard.write(rec).await
    }

    pub async fn add(&self, ctx: &AccessContext, new: NewUser) -> Result<AccountRecord, AppError> {
        require_admin(&self.guard, ctx, "account.add").await?;
        let login = normalize_login(&new.login);
        let login_ok = (2..=64).contains(&login.chars().count())
            && login.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
        if !login_ok {
            return Err(bad_login("2 to 64 letters, digits and . _ - @ (no spaces)"));
        }
        match (new.kind, new.iin) {
            (AccountKind::Citizen, Some(iin)) if iin.to_string() == login => {}
            (AccountKind::Citizen, _) => {
                return Err(bad_login("a citizen signs in with their IIN"));
            }
            (AccountKind::Staff, Some(_)) => return Err(bad_login("staff accounts have no IIN")),
            (AccountKind::Staff, None) => {}
        }
        let name = new.display_name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(AppError::InvalidInput {
                field: "name",
                code: "account.name",
                reason: "a name of 1 to 200 characters".into(),
            });
        }
        check_password(new.kind, &login, &new.password)?;
        let password_hash = self.hasher.hash(&new.password).await?;
        let account = self
            .store
            .create_account(&NewAccount {
                login,
                kind: new.kind,
                display_name: name.to_owned(),
                password_hash,
                iin: new.iin,
                created_at: self.clock.now(),
            })
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => AppError::InvalidInput {
                    field: "login",
                    code: "account.taken",
                    reason: "an account with this sign-in name already exists".into(),
                },
                e => e.into(),
            })?;
        self.audit(ctx, "account.add", account.id).await?;
        Ok(account)
    }

    /// The account with this login.
    pub async fn find(&self, login: &str) -> Result<AccountRecord, AppError> {
        let login = normalize_login(login);
        self.store
            .account_by_login(&login)
            .await?
            .ok_or(AppError::NotFound { what: "account", id: login })
    }

    pub async fn list(&self, ctx: &AccessContext) -> Result<Vec<AccountRecord>, AppError> {
        require_admin(&self.guard, ctx, "account.list").await?;
        Ok(self.store.list_accounts().await?)
    }

    /// Grants a role; `false` if the account already held it.
    pub async fn grant(
        &self,
        ctx: &AccessContext,
        login: &str,
        grant: &RoleGrant,
    ) -> Result<bool, AppError> {
        require_admin(&self.guard, ctx, "account.grant").await?;
        let a = self.find(login).await?;
        let citizen_role = grant.role == Role::Citizen;
        if citizen_role != (a.kind == AccountKind::Citizen) {
            return Err(AppError::InvalidInput {
                field: "role",
                code: "account.role_kind",
                reason: "citizens hold no staff role, and staff not the citizen role".into(),
            });
        }
        let changed = self.store.grant_role(a.id, grant).await?;
        if changed {
            self.audit(ctx, "account.grant", a.id).await?;
        }
        Ok(changed)
    }

    pub async fn revoke(
        &self,
        ctx: &AccessContext,
        login: &str,
        grant: &RoleGrant,
    ) -> Result<bool, AppError> {
        require_admin(&self.guard, ctx, "account.revoke").await?;
        let a = self.find(login).await?;
        let changed = self.store.revoke_role(a.id, grant).await?;
        if changed {
            self.audit(ctx, "account.revoke", a.id).await?;
        }
        Ok(changed)
    }

    /// Grants (`true`) or revokes a sensitive category.
    pub async fn set_category(
        &self,
        ctx: &AccessContext,
        login: &str,
        category: Category,
        granted: bool,
    ) -> Result<bool, AppError> {
        let action = if granted { "account.grant" } else { "account.revoke" };
        require_admin(&self.guard, ctx, action).await?;
        let a = self.find(login).await?;
        let changed = if granted {
            self.store.grant_category(a.id, category).await?
        } else {
            self.store.revoke_category(a.id, category).await?
        };
        if changed {
            self.audit(ctx, action, a.id).await?;
        }
        Ok(changed)
    }

    /// Ends every session of the account (a lost device, a leaving employee); how many.
    pub async fn sign_out_everywhere(
        &self,
        ctx: &AccessContext,
        login: &str,
    ) -> Result<u64, AppError> {
        require_admin(&self.guard, ctx, "account.sign_out").await?;
        let a = self.find(login).await?;
        let n = self.store.delete_account_sessions(a.id).await?;
        self.audit(ctx, "account.sign_out", a.id).await?;
        Ok(n)
    }

    /// Sets a new password and ends every session of the account.
    pub async fn set_password(
        &self,
        ctx: &AccessContext,
        login: &str,
        password: &str,
    ) -> Result<(), AppError> {
        require_admin(&self.guard, ctx, "account.password").await?;
        let a = self.find(login).await?;
        check_password(a.kind, &a.login, password)?;
        let hash = self.hasher.hash(password).await?;
        self.store.set_password(a.id, &hash).await?;
        self.store.delete_account_sessions(a.id).await?;
        self.audit(ctx, "account.password", a.id).await
    }
}
