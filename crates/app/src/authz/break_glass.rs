//! Break-glass: a staff member opens one family outside their scope, with a reason, for a
//! limited time; a supervisor reviews every such access afterwards.

use std::sync::Arc;

use shanyraq_domain::FamilyId;
use shanyraq_domain::access::{Role, policy};
use shanyraq_domain::audit::Outcome;
use shanyraq_store::{BreakGlassRecord, NewBreakGlass, Store};
use time::Duration;

use super::context::{AccessContext, Purpose};
use super::guard::{Guard, Subject, denied};
use crate::error::AppError;

/// The longest a break-glass access lasts.
pub const MAX_BREAK_GLASS: Duration = Duration::hours(4);

fn account_of(ctx: &AccessContext) -> Option<i64> {
    ctx.principal.actor.strip_prefix("account:")?.parse().ok()
}

/// Opens a break-glass access to `family` for `minutes` (at most four hours) with `reason`.
pub async fn open(
    store: &Arc<dyn Store>,
    guard: &Guard,
    ctx: &AccessContext,
    family: FamilyId,
    reason: &Purpose,
    minutes: i64,
) -> Result<BreakGlassRecord, AppError> {
    let Some(account) = account_of(ctx).filter(|_| policy::may_break_glass(&ctx.principal)) else {
        let rec =
            guard.record(ctx, "family.break_glass", Subject::Family(family), Outcome::Denied, None);
        guard.write(rec).await?;
        return Err(denied(shanyraq_domain::access::Denial::NoRole));
    };
    if store.family(family).await?.is_none() {
        let rec =
            guard.record(ctx, "family.break_glass", Subject::Family(family), Outcome::Denied, None);
        guard.write(rec).await?;
        return Err(denied(shanyraq_domain::access::Denial::OutOfScope));
    }
    let length = Duration::minutes(minutes.max(1)).min(MAX_BREAK_GLASS);
    let now = guard.now();
    let ctx = ctx.clone().with_purpose(Some(reason.clone()));
    let rec =
        guard.record(&ctx, "family.break_glass", Subject::Family(family), Outcome::Allowed, None);
    let new = NewBreakGlass {
        account,
        family,
        reason: reason.as_str().to_owned(),
        opened_at: now,
        until: now + length,
    };
    Ok(store.open_break_glass(&new, &rec).await?)
}

/// Break-glass accesses waiting for review, oldest first; for supervisors.
pub async fn unreviewed(
    store: &Arc<dyn Store>,
    guard: &Guard,
    ctx: &AccessContext,
    limit: u32,
) -> Result<Vec<BreakGlassRecord>, AppError> {
    supervisor(guard, ctx, "break_glass.list", "break_glass:*").await?;
    Ok(store.unreviewed_break_glass(limit).await?)
}

/// Records a supervisor's review of one access; `false` if it was reviewed already.
pub async fn review(
    store: &Arc<dyn Store>,
    guard: &Guard,
    ctx: &AccessContext,
    id: i64,
    note: &Purpose,
) -> Result<bool, AppError> {
    let subject = format!("break_glass:{id}");
    supervisor(guard, ctx, "break_glass.review", &subject).await?;
    let reviewer = account_of(ctx).ok_or(AppError::Denied { reason: "access.no_role" })?;
    let ctx = ctx.clone().with_purpose(Some(note.clone()));
    let rec =
        guard.record(&ctx, "break_glass.review", Subject::Key(&subject), Outcome::Allowed, None);
    match store.review_break_glass(id, reviewer, guard.now(), note.as_str(), &rec).await {
        Err(shanyraq_store::StoreError::NotFound(_)) => {
            Err(AppError::NotFound { what: "break_glass", id: id.to_string() })
        }
        other => Ok(other?),
    }
}

/// Lets supervisors through; records anyone else's attempt as a denial.
async fn supervisor(
    guard: &Guard,
    ctx: &AccessContext,
    action: &str,
    subject: &str,
) -> Result<(), AppError> {
    if ctx.principal.has_role(Role::Supervisor) {
        return Ok(());
    }
    guard.write(guard.record(ctx, action, Subject::Key(subject), Outcome::Denied, None)).await?;
    Err(AppError::Denied { reason: "access.no_role" })
}
