//! SQLite backend of the store port: the embedded default. One file in WAL mode, foreign keys
//! on, every write a `BEGIN IMMEDIATE` transaction on a single writer connection, reads on a
//! small pool of reader connections that never wait for the writer.
//!
//! Two write paths carry volume. Population chunks (the generator) go in with cached 64-row
//! `INSERT`s (module `bulk`). Feed chunks go fact by fact through one cached
//! `INSERT … ON CONFLICT (natural_key) … DO NOTHING`, reading the stored fact only when its key
//! is taken, so that loading a file twice stores nothing twice (module `feed` has the details
//! and what a fact costs).
//!
//! Assessments carry volume too: a batch assessment reads every family a page at a time, each
//! page a handful of range scans merged in memory, and writes its results with the same
//! multi-row statements (module `assessment`).
//!
//! This crate knows nothing of HTTP or of the application's use cases: it implements
//! [`shanyraq_store::Store`] and nothing more.

mod accounts;
mod assessment;
mod audit;
pub mod baseline;
mod bulk;
mod checkpoint;
mod codec;
mod conn;
mod decode;
mod error;
mod feed;
mod migrate;
mod offers;
mod pool;
mod read;
mod rows;
mod schema;
mod store;
#[cfg(test)]
mod testkit;
mod tokens;
mod write;

pub use store::SqliteStore;
