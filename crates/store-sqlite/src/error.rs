//! Translation of SQLite errors into the store's errors.

use rusqlite::ErrorCode;
use rusqlite::ffi;
use shanyraq_store::{OpenFailure, StoreError};

/// Any SQLite error outside opening: constraint violations on keys are conflicts, the rest is a
/// backend failure.
pub(crate) fn store_error(e: rusqlite::Error) -> StoreError {
    if let Some(msg) = conflict_message(&e) {
        return StoreError::Conflict(msg);
    }
    StoreError::Backend(e.to_string())
}

/// Like [`store_error`], naming the row being written in a conflict.
pub(crate) fn write_error(e: rusqlite::Error, row: impl FnOnce() -> String) -> StoreError {
    match conflict_message(&e) {
        Some(msg) => StoreError::Conflict(format!("{}: {msg}", row())),
        None => StoreError::Backend(e.to_string()),
    }
}

/// The message of a unique, primary-key or foreign-key violation.
fn conflict_message(e: &rusqlite::Error) -> Option<String> {
    let rusqlite::Error::SqliteFailure(f, msg) = e else { return None };
    let keyed = matches!(
        f.extended_code,
        ffi::SQLITE_CONSTRAINT_UNIQUE
            | ffi::SQLITE_CONSTRAINT_PRIMARYKEY
            | ffi::SQLITE_CONSTRAINT_ROWID
            | ffi::SQLITE_CONSTRAINT_FOREIGNKEY
    );
    keyed.then(|| msg.clone().unwrap_or_else(|| f.to_string()))
}

/// Why SQLite would not open or set up a database file.
pub(crate) fn open_failure(e: &rusqlite::Error) -> OpenFailure {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => OpenFailure::NotADatabase,
        Some(ErrorCode::PermissionDenied | ErrorCode::ReadOnly) => OpenFailure::PermissionDenied,
        Some(ErrorCode::CannotOpen) => OpenFailure::Other(format!("cannot open the file: {e}")),
        _ => OpenFailure::Other(e.to_string()),
    }
}

/// Why the file system would not let us open or create the file.
pub(crate) fn io_failure(e: &std::io::Error) -> OpenFailure {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => OpenFailure::NotFound,
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => {
            OpenFailure::PermissionDenied
        }
        _ => OpenFailure::Other(e.to_string()),
    }
}

/// Stored data that does not read back as a domain value.
pub(crate) fn corrupt(
    table: &str,
    key: impl std::fmt::Display,
    column: &str,
    why: impl std::fmt::Display,
) -> StoreError {
    StoreError::Corrupt(format!("{table} {key}, column {column}: {why}"))
}

/// A blocking task that did not finish (it panicked or the runtime is shutting down).
pub(crate) fn join_error(e: tokio::task::JoinError) -> StoreError {
    StoreError::Backend(format!("a database task did not finish: {e}"))
}
