//! Feed imports: the dry run on small files, and imports into a real database — exactly once,
//! corrections kept as history, failures taken back, the report the same as the dry run's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod dry_run;
mod load;
