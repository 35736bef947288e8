//! The grants of accounts, kept by the backends between requests so that resuming a session
//! reads the session and its account's own row but not, each time, every role grant.
//!
//! What makes this safe with several application servers on one database: every change to an
//! account's grants raises its privilege epoch in the same transaction (the contract tests
//! check it), and grants are only taken from here for the epoch the database shows now. A
//! server that missed a change sees a newer epoch and reads the grants again.

use std::collections::HashMap;
use std::sync::Mutex;

use shanyraq_domain::access::{CategorySet, RoleGrant};

/// Accounts whose grants are kept; past this the cache starts over, which costs one read per
/// account.
const CAPACITY: usize = 10_000;

/// An account's grants as of one privilege epoch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountGrants {
    pub epoch: i64,
    /// In (role, agency, territory) order.
    pub roles: Vec<RoleGrant>,
    pub categories: CategorySet,
}

/// The last grants read per account.
#[derive(Debug, Default)]
pub struct GrantCache {
    by_account: Mutex<HashMap<i64, AccountGrants>>,
}

impl GrantCache {
    /// The grants of `account` at `epoch`, if they are kept.
    pub fn get(&self, account: i64, epoch: i64) -> Option<AccountGrants> {
        let kept = self.by_account.lock().ok()?;
        kept.get(&account).filter(|g| g.epoch == epoch).cloned()
    }

    /// Keeps `grants`, unless newer ones of the account are kept already (epochs only grow, so
    /// a slower reader never puts back what a faster one replaced).
    pub fn put(&self, account: i64, grants: AccountGrants) {
        let Ok(mut kept) = self.by_account.lock() else { return };
        if kept.get(&account).is_some_and(|g| g.epoch > grants.epoch) {
            return;
        }
        if kept.len() >= CAPACITY && !kept.contains_key(&account) {
            kept.clear();
        }
        kept.insert(account, grants);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shanyraq_domain::Kato;
    use shanyraq_domain::access::{AgencyCode, Category, Role};

    fn grants(epoch: i64) -> AccountGrants {
        let Some(agency) = AgencyCode::parse("social") else { panic!("agency code") };
        let Ok(territory) = "750000000".parse::<Kato>() else { panic!("kato") };
        AccountGrants {
            epoch,
            roles: vec![RoleGrant { role: Role::SocialWorker, agency, territory }],
            categories: CategorySet::default().with(Category::Health),
        }
    }

    #[test]
    fn grants_are_given_only_for_the_epoch_they_were_read_at() {
        let cache = GrantCache::default();
        assert_eq!(cache.get(1, 3), None);
        cache.put(1, grants(3));
        assert_eq!(cache.get(1, 3), Some(grants(3)));
        assert_eq!(cache.get(1, 4), None, "a grant changed since: read again");
        assert_eq!(cache.get(2, 3), None, "another account");
        cache.put(1, grants(4));
        assert_eq!(cache.get(1, 3), None);
        assert_eq!(cache.get(1, 4), Some(grants(4)));
    }

    #[test]
    fn older_grants_never_replace_newer_ones() {
        let cache = GrantCache::default();
        cache.put(1, grants(5));
        cache.put(1, grants(4));
        assert_eq!(cache.get(1, 5), Some(grants(5)));
        assert_eq!(cache.get(1, 4), None);
    }

    #[test]
    fn a_full_cache_starts_over_and_keeps_working() {
        let cache = GrantCache::default();
        for account in 0..CAPACITY as i64 {
            cache.put(account, grants(1));
        }
        assert_eq!(cache.get(0, 1), Some(grants(1)));
        cache.put(-1, grants(1));
        assert_eq!(cache.get(0, 1), None);
        assert_eq!(cache.get(-1, 1), Some(grants(1)));
    }
}
