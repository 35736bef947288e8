//! The store contract, run against SQLite files in the temp directory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::fresh_store;

shanyraq_store::store_contract_tests!(fresh_store());
