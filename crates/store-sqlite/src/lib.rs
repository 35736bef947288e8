//! SQLite backend of the store port: the embedded default. One file in WAL mode, foreign keys
//! on, every write a `BEGIN IMMEDIATE` transaction on a single writer connection, reads on a
//! small pool of reader connections that never wait for the writer.
//!
//! This crate knows nothing of HTTP or of the application's use cases: it implements
//! [`shanyraq_store::Store`] and nothing more.

mod bulk;
mod codec;
mod conn;
mod decode;
mod error;
mod migrate;
mod pool;
mod read;
mod schema;
mod store;
mod write;

pub use store::SqliteStore;
