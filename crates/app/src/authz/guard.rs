//! The one check: apply the policy, write the audit entry, answer.

use std::sync::Arc;

use shanyraq_domain::access::{self, Action, Allowed, Denial, FamilyTarget};
use shanyraq_domain::audit::{AuditRecord, Outcome};
use shanyraq_store::Store;
use time::OffsetDateTime;

use super::context::AccessContext;
use super::sink::AuditSink;
use crate::clock::Clock;
use crate::error::AppError;

/// Decides and records. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Guard {
    sink: AuditSink,
    clock: Clock,
}

/// What the decision was about, for the audit entry.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    Family(shanyraq_domain::FamilyId),
    /// A territory, for listings, counts and exports.
    Territory(shanyraq_domain::Kato),
    /// Anything else, already a key (`offer:12`, `person:search`).
    Key(&'a str),
}

impl Subject<'_> {
    fn key(&self) -> String {
        match self {
            Subject::Family(id) => format!("family:{id}"),
            Subject::Territory(k) => format!("territory:{k}"),
            Subject::Key(k) => (*k).to_owned(),
        }
    }
}

impl Guard {
    pub fn new(store: Arc<dyn Store>, clock: Clock) -> Guard {
        Guard { sink: AuditSink::new(store), clock }
    }

    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// The audit entry for `action` (`family.read`, …) on `subject` with `outcome`.
    pub fn record(
        &self,
        ctx: &AccessContext,
        action: &str,
        subject: Subject<'_>,
        outcome: Outcome,
        grant: Option<usize>,
    ) -> AuditRecord {
        AuditRecord {
            at: self.clock.now(),
            actor: ctx.principal.actor.clone(),
            on_behalf_of: ctx.on_behalf_of.clone(),
            action: action.to_owned(),
            subject: Some(subject.key()),
            purpose: ctx.purpose.as_ref().map(|p| p.as_str().to_owned()),
            outcome,
            request_id: ctx.request_id.clone(),
            capacity: ctx.capacity(grant),
        }
    }

    /// Writes `record` and waits for its commit.
    pub async fn write(&self, record: AuditRecord) -> Result<(), AppError> {
        self.sink.write(record).await
    }

    /// Decides `action` on one family for a read-like use case and records the decision.
    /// `target` is `None` when the family does not exist: that is recorded and answered like a
    /// denial, so that nobody learns which ids exist outside their scope.
    pub async fn check_family(
        &self,
        ctx: &AccessContext,
        action: Action,
        id: shanyraq_domain::FamilyId,
        target: Option<&FamilyTarget>,
    ) -> Result<Allowed, AppError> {
        let decision = self.decide_family(ctx, action, target);
        let (outcome, grant) = match &decision {
            Ok(a) => (Outcome::Allowed, a.grant),
            Err(_) => (Outcome::Denied, None),
        };
        let name = format!("family.{}", action.code());
        self.write(self.record(ctx, &name, Subject::Family(id), outcome, grant)).await?;
        decision
    }

    /// The decision alone, for writes that carry their audit entry into their own transaction.
    pub fn decide_family(
        &self,
        ctx: &AccessContext,
        action: Action,
        target: Option<&FamilyTarget>,
    ) -> Result<Allowed, AppError> {
        let Some(target) = target else { return Err(denied(Denial::OutOfScope)) };
        let allowed =
            access::decide(&ctx.principal, action, target, self.clock.now()).map_err(denied)?;
        if allowed.needs_purpose && ctx.purpose.is_none() {
            return Err(AppError::PurposeRequired);
        }
        Ok(allowed)
    }
}

pub(crate) fn denied(d: Denial) -> AppError {
    AppError::Denied { reason: d.code() }
}
