//! How long sessions live and what a signed-in request carries.

use shanyraq_domain::access::Principal;
use shanyraq_store::AccountRecord;
use time::Duration;

use super::secrets::Secret;

/// Timeouts and throttling. The defaults follow OWASP ASVS 5.0 for sensitive data: 30 minutes
/// idle, 12 hours in all, and sign-in refused for 15 minutes after 5 failures for one account or
/// 20 from one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub absolute: Duration,
    /// Activity is written at most this often, so that reading pages does not write each time.
    pub touch_every: Duration,
    pub throttle_window: Duration,
    pub max_failures_per_account: u32,
    pub max_failures_per_address: u32,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle: Duration::minutes(30),
            absolute: Duration::hours(12),
            touch_every: Duration::minutes(1),
            throttle_window: Duration::minutes(15),
            max_failures_per_account: 5,
            max_failures_per_address: 20,
        }
    }
}

/// A signed-in request: the account, what the policy needs, and the session's secrets.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub account: AccountRecord,
    pub principal: Principal,
    /// The cookie's value; new at sign-in and whenever the session was rotated.
    pub cookie: Secret,
    /// Set when the session id changed in this request (privileges changed): the cookie must
    /// be sent again.
    pub rotated: bool,
    /// What state-changing forms must carry back.
    pub csrf_token: String,
}
