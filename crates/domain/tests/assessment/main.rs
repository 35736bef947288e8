//! The well-being assessment: the default methodology, golden families computed by hand,
//! properties of the engine, versioning, and methodology files that must be refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bad_files;
mod common;
mod golden;
mod measures;
mod properties;
mod versions;
