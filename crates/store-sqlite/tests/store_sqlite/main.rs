//! The SQLite backend's integration tests, in one binary: the shared store contract and what only
//! this backend has.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod accounts;
mod atomic;
mod audit;
mod common;
mod contract;
mod sqlite;
