//! Application layer of Shanyraq: use cases that combine the domain and the store.
//!
//! The web layer and the command line call these; they never reach the store directly.

pub mod error;
pub mod services;

pub use error::AppError;
pub use services::Services;
