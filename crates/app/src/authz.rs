//! Authorisation and audit: every use case that touches personal data asks [`Guard::check`] once,
//! which applies the domain's policy and writes exactly one audit entry for the decision.
//!
//! Reads are answered only after their audit entry is committed (fail closed); writes carry
//! their entry into the store's own transaction, so that a change and its record stand or fall
//! together.

pub mod break_glass;
mod context;
pub mod families;
mod guard;
mod sink;

pub use context::{AccessContext, Purpose};
pub use families::{AccessLogEntry, FamilyCard, TerritoryCounts};
pub use guard::{Guard, Subject};
pub use sink::AuditSink;
