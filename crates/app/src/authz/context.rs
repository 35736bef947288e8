//! Who acts, for whom, why, in which request.

use shanyraq_domain::access::{Principal, Role, RoleGrant};

use crate::error::AppError;

/// The longest purpose kept; a longer one is refused rather than cut.
const MAX_PURPOSE: usize = 500;

/// Why a user opens sensitive data, in their words: non-empty after trimming, at most 500
/// characters, one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purpose(String);

impl Purpose {
    pub fn parse(text: &str) -> Result<Purpose, AppError> {
        let t = text.trim();
        let problem = if t.is_empty() {
            Some(("access.purpose_empty", "a purpose is required and may not be empty"))
        } else if t.chars().count() > MAX_PURPOSE {
            Some(("access.purpose_long", "a purpose is at most 500 characters"))
        } else if t.chars().any(char::is_control) {
            Some(("access.purpose_control", "a purpose is one line of text"))
        } else {
            None
        };
        match problem {
            Some((code, reason)) => {
                Err(AppError::InvalidInput { field: "purpose", code, reason: reason.into() })
            }
            None => Ok(Purpose(t.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The request's side of every decision and audit entry.
#[derive(Debug, Clone)]
pub struct AccessContext {
    pub principal: Principal,
    /// The citizen a staff member acts for (`citizen:<account id>`), if any.
    pub on_behalf_of: Option<String>,
    pub purpose: Option<Purpose>,
    /// Joins the audit entry with the request's logs.
    pub request_id: String,
}

impl AccessContext {
    pub fn new(principal: Principal, request_id: impl Into<String>) -> AccessContext {
        AccessContext {
            principal,
            on_behalf_of: None,
            purpose: None,
            request_id: request_id.into(),
        }
    }

    /// The command line or a background job, acting with the database's own rights. Recorded as
    /// `system:<name>`; the policy grants it nothing, so it only reaches use cases made for it.
    pub fn system(name: &str, request_id: impl Into<String>) -> AccessContext {
        AccessContext::new(Principal::nobody(format!("system:{name}")), request_id)
    }

    #[must_use]
    pub fn with_purpose(mut self, purpose: Option<Purpose>) -> AccessContext {
        self.purpose = purpose;
        self
    }

    #[must_use]
    pub fn on_behalf_of(mut self, citizen: impl Into<String>) -> AccessContext {
        self.on_behalf_of = Some(citizen.into());
        self
    }

    /// The capacity written into audit entries: the role grant that made the action possible
    /// (else the account's first), as `role/agency`; `None` for a citizen or an account without
    /// roles.
    pub fn capacity(&self, grant: Option<usize>) -> Option<String> {
        let roles = &self.principal.roles;
        let g: &RoleGrant = grant.and_then(|i| roles.get(i)).or_else(|| roles.first())?;
        (g.role != Role::Citizen).then(|| format!("{}/{}", g.role, g.agency))
    }
}
