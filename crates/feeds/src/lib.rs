//! Agency feeds: reading, declaring and validating the files other services export.

pub mod read;
pub mod schema;
pub mod validate;
