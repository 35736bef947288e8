//! Integration tokens: how an agency's system uploads feed files. A token is shown once when
//! issued and kept only as its SHA-256; it names the sources it may import and the territory
//! whose families its files may touch; it expires and can be revoked.

use std::sync::Arc;

use shanyraq_domain::Kato;
use shanyraq_domain::audit::Outcome;
use shanyraq_store::{NewToken, Store, StoreError, TokenRecord};
use time::Duration;

use super::secrets::Secret;
use crate::authz::{AccessContext, Guard, Subject};
use crate::clock::Clock;
use crate::error::AppError;

/// The longest a token may live.
pub const MAX_TOKEN_DAYS: i64 = 366;

/// Why a presented token is refused. One code for all, so a caller learns nothing.
fn refused() -> AppError {
    AppError::Denied { reason: "token.invalid" }
}

/// Issuing, listing, revoking and checking tokens. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Tokens {
    store: Arc<dyn Store>,
    guard: Guard,
    clock: Clock,
}

impl Tokens {
    pub fn new(store: Arc<dyn Store>, guard: Guard, clock: Clock) -> Tokens {
        Tokens { store, guard, clock }
    }

    /// Issues a token for `sources` over `territory` for `days`; the secret is returned once.
    pub async fn issue(
        &self,
        ctx: &AccessContext,
        name: &str,
        sources: &[String],
        territory: Kato,
        days: i64,
    ) -> Result<(TokenRecord, Secret), AppError> {
        super::admin::require_admin(&self.guard, ctx, "token.issue").await?;
        let name = name.trim();
        let name_ok = (1..=64).contains(&name.len())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !name_ok {
            return Err(AppError::InvalidInput {
                field: "name",
                code: "token.name",
                reason: "1 to 64 letters, digits and - _ .".into(),
            });
        }
        if sources.is_empty() {
            return Err(AppError::InvalidInput {
                field: "sources",
                code: "token.sources",
                reason: "name at least one feed source".into(),
            });
        }
        if !(1..=MAX_TOKEN_DAYS).contains(&days) {
            return Err(AppError::InvalidInput {
                field: "days",
                code: "token.days",
                reason: format!("a token lives 1 to {MAX_TOKEN_DAYS} days"),
            });
        }
        let mut sources = sources.to_vec();
        sources.sort();
        sources.dedup();
        let secret = Secret::generate()?;
        let now = self.clock.now();
        let record = self
            .store
            .create_token(&NewToken {
                name: name.to_owned(),
                secret_hash: secret.digest(),
                sources,
                territory,
                created_at: now,
                expires_at: now + Duration::days(days),
            })
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => AppError::InvalidInput {
                    field: "name",
                    code: "token.taken",
                    reason: "a token with this name exists".into(),
                },
                e => e.into(),
            })?;
        let subject = format!("token:{}", record.id);
        let rec =
            self.guard.record(ctx, "token.issue", Subject::Key(&subject), Outcome::Allowed, None);
        self.guard.write(rec).await?;
        Ok((record, secret))
    }

    pub async fn list(&self, ctx: &AccessContext) -> Result<Vec<TokenRecord>, AppError> {
        super::admin::require_admin(&self.guard, ctx, "token.list").await?;
        Ok(self.store.list_tokens().await?)
    }

    /// Revokes a token by name; `false` if it was revoked already.
    pub async fn revoke(&self, ctx: &AccessContext, name: &str) -> Result<bool, AppError> {
        super::admin::require_admin(&self.guard, ctx, "token.revoke").await?;
        let changed = match self.store.revoke_token(name, self.clock.now()).await {
            Err(StoreError::NotFound(_)) => {
                return Err(AppError::NotFound { what: "token", id: name.to_owned() });
            }
            other => other?,
        };
        let rec =
            self.guard.record(ctx, "token.revoke", Subject::Key("token:*"), Outcome::Allowed, None);
        self.guard.write(rec).await?;
        Ok(changed)
    }

    /// The token behind a presented secret, if it is live and may import `source`. A refusal is
    /// audited and says nothing about why.
    pub async fn authenticate(
        &self,
        presented: &str,
        source: &str,
        request_id: &str,
    ) -> Result<TokenRecord, AppError> {
        let now = self.clock.now();
        let found = match Secret::from_client(presented) {
            Some(s) => self.store.token_by_hash(&s.digest()).await?,
            None => None,
        };
        let live = found.filter(|t| {
            t.revoked_at.is_none() && t.expires_at > now && t.sources.iter().any(|s| s == source)
        });
        let actor =
            live.as_ref().map_or_else(|| "anonymous".to_owned(), |t| format!("token:{}", t.id));
        let ctx = AccessContext::new(shanyraq_domain::access::Principal::nobody(actor), request_id);
        let outcome = if live.is_some() { Outcome::Allowed } else { Outcome::Denied };
        let subject = format!("feed:{source}");
        let rec = self.guard.record(&ctx, "feed.upload", Subject::Key(&subject), outcome, None);
        self.guard.write(rec).await?;
        let token = live.ok_or_else(refused)?;
        self.store.touch_token(token.id, now).await?;
        Ok(token)
    }
}
