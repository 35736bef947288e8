//! The store port of Shanyraq: the traits the application needs from a database, the records
//! they exchange, and (feature `contract`) the behaviour tests every backend must pass.
//!
//! This crate knows nothing of any SQL engine.

pub mod accounts;
pub mod assessment;
pub mod audit;
pub mod error;
pub mod feed;
pub mod grants;
pub mod offers;
pub mod port;
pub mod records;
pub mod tokens;
pub mod url;

#[cfg(feature = "contract")]
pub mod contract;

pub use accounts::*;
pub use assessment::*;
pub use audit::AuditStore;
pub use error::{OpenFailure, StoreError, StoreResult};
pub use feed::*;
pub use grants::{AccountGrants, GrantCache};
pub use offers::*;
pub use port::{BatchStore, FeedStore, PopulationStore, SchemaStore, Store, TerritoryStore};
pub use records::*;
pub use tokens::*;
pub use url::{DbUrl, DbUrlError};
