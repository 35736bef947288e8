//! Application layer of Shanyraq: use cases that combine the domain and the store.
//!
//! The web layer and the command line call these; they never reach a store backend directly.
//! This crate knows nothing of HTTP.

pub mod accounts;
pub mod assess;
pub mod audit;
pub mod authz;
pub mod clock;
pub mod database;
pub mod error;
pub mod generate;
pub mod import;
pub mod services;

pub use clock::{Clock, KAZAKHSTAN_UTC_OFFSET};
pub use database::Access;
pub use error::AppError;
pub use services::Services;
