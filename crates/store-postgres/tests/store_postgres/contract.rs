//! The store contract suite against PostgreSQL: every test on a fresh, empty database of its own
//! (see `common`), skipped with a message or failed when there is no server, as `common` says.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

/// A future of a fresh [`common::TestStore`] for the suite's factory; when PostgreSQL is absent
/// (and not required) it returns from the calling test, which then passes as skipped.
macro_rules! fresh_store_or_skip {
    () => {
        match common::TestDb::create().await {
            Some(db) => common::TestStore::on(db),
            None => return,
        }
    };
}

shanyraq_store::store_contract_tests!(fresh_store_or_skip!());
