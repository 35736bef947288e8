//! Agency feeds: reading, declaring and validating the files other services export.
//!
//! This crate knows nothing of databases: it turns bytes into validated facts, and rows it cannot
//! accept into reasons a data steward can act on. Resolving people and writing is the
//! application's.

pub mod read;
pub mod schema;
pub mod synthetic;
pub mod validate;
