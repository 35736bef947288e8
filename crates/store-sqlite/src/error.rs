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

/// Why SQLite would not open or set up a database file. `os` is the file system's answer to the
/// same access, when it refused it: SQLite says only "cannot open" (`SQLITE_CANTOPEN`), and the
/// operating system's error (`EACCES`, `ENOENT`) says why.
pub(crate) fn open_failure(e: &rusqlite::Error, os: Option<&std::io::Error>) -> OpenFailure {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => OpenFailure::NotADatabase,
        Some(ErrorCode::PermissionDenied | ErrorCode::ReadOnly) => OpenFailure::PermissionDenied,
        Some(ErrorCode::CannotOpen) => match os.map(io_failure) {
            Some(known @ (OpenFailure::PermissionDenied | OpenFailure::NotFound)) => known,
            _ => OpenFailure::Other(format!("cannot open the file: {e}")),
        },
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

/// Stored data that does not read back as a domain value. The message names the table, the row
/// key and the column, and says what is wrong in general terms: never the stored value, which
/// may be personal data and ends up in logs.
pub(crate) fn corrupt(
    table: &str,
    key: impl std::fmt::Display,
    column: &str,
    why: &'static str,
) -> StoreError {
    StoreError::Corrupt(format!("{table} {key}, column {column}: {why}"))
}

/// A blocking task that did not finish (it panicked or the runtime is shutting down).
pub(crate) fn join_error(e: tokio::task::JoinError) -> StoreError {
    StoreError::Backend(format!("a database task did not finish: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;

    fn sqlite_error(code: i32) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(ffi::Error::new(code), None)
    }

    #[test]
    fn file_system_refusals_are_named() {
        let denied = io::Error::from(io::ErrorKind::PermissionDenied);
        assert_eq!(io_failure(&denied), OpenFailure::PermissionDenied);
        let read_only_fs = io::Error::from(io::ErrorKind::ReadOnlyFilesystem);
        assert_eq!(io_failure(&read_only_fs), OpenFailure::PermissionDenied);
        assert_eq!(io_failure(&io::Error::from(io::ErrorKind::NotFound)), OpenFailure::NotFound);
        #[cfg(unix)]
        {
            // EACCES and ENOENT as the kernel reports them.
            assert_eq!(
                io_failure(&io::Error::from_raw_os_error(13)),
                OpenFailure::PermissionDenied
            );
            assert_eq!(io_failure(&io::Error::from_raw_os_error(2)), OpenFailure::NotFound);
        }
        assert!(matches!(io_failure(&io::Error::other("disk on fire")), OpenFailure::Other(_)));
    }

    #[test]
    fn cannot_open_takes_its_reason_from_the_file_system() {
        let cantopen = sqlite_error(ffi::SQLITE_CANTOPEN);
        let denied = io::Error::from(io::ErrorKind::PermissionDenied);
        assert_eq!(open_failure(&cantopen, Some(&denied)), OpenFailure::PermissionDenied);
        #[cfg(unix)]
        assert_eq!(
            open_failure(&cantopen, Some(&io::Error::from_raw_os_error(13))),
            OpenFailure::PermissionDenied,
            "EACCES"
        );
        let missing = io::Error::from(io::ErrorKind::NotFound);
        assert_eq!(open_failure(&cantopen, Some(&missing)), OpenFailure::NotFound);
        assert!(
            matches!(open_failure(&cantopen, None), OpenFailure::Other(m) if m.contains("cannot open"))
        );
    }

    #[test]
    fn sqlite_refusals_are_named() {
        // SQLITE_READONLY_DIRECTORY: the WAL files cannot be created next to the database.
        let readonly_directory = ffi::SQLITE_READONLY | (6 << 8);
        for code in [ffi::SQLITE_READONLY, ffi::SQLITE_PERM, readonly_directory] {
            assert_eq!(
                open_failure(&sqlite_error(code), None),
                OpenFailure::PermissionDenied,
                "{code}"
            );
        }
        assert_eq!(
            open_failure(&sqlite_error(ffi::SQLITE_NOTADB), None),
            OpenFailure::NotADatabase
        );
        // A file that is not a database stays that, whatever the file system says.
        let denied = io::Error::from(io::ErrorKind::PermissionDenied);
        assert_eq!(
            open_failure(&sqlite_error(ffi::SQLITE_NOTADB), Some(&denied)),
            OpenFailure::NotADatabase
        );
    }

    #[test]
    fn corrupt_messages_name_the_place_not_the_value() {
        let e = corrupt("person", 7, "iin", "not a valid IIN");
        assert_eq!(
            e.to_string(),
            "stored data cannot be read: person 7, column iin: not a valid IIN"
        );
    }
}
