//! The PostgreSQL backend's integration tests, in one binary: the shared store contract, what only
//! this backend has, and its schema's parity with SQLite's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod assessment;
mod audit;
mod audited;
mod backend;
mod common;
mod contract;
mod feeds;
mod schema_parity;
