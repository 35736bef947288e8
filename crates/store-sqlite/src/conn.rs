//! Opening connections: checks that give a clear reason when a file cannot be used, and the
//! pragmas every connection runs with.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use shanyraq_store::{OpenFailure, StoreError, StoreResult};

use crate::error::{io_failure, open_failure};

/// How long a connection waits for a lock held by another process before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Page cache per connection, in KiB (negative `cache_size`): the writer keeps the upper levels
/// and right edges of the indexes a bulk load touches; readers need less, the OS caches the file.
const WRITER_CACHE_KIB: i64 = 64 * 1024;
const READER_CACHE_KIB: i64 = 32 * 1024;
/// Memory-mapped reads, per connection. Every mapped page a connection touches counts in the
/// process's resident set, once per connection: none for the writer, so that a bulk load stays
/// well inside its memory budget; a modest window for readers, which copy less with it.
const WRITER_MMAP_BYTES: i64 = 0;
const READER_MMAP_BYTES: i64 = 0;
/// A checkpointing connection copies pages, it keeps few.
const CHECKPOINTER_CACHE_KIB: i64 = 2 * 1024;
/// The writer checkpoints the log into the file itself once it holds this many pages (128 MiB
/// with 4 KiB pages). Normally the checkpointing thread (`checkpoint`) copies the log long
/// before; while a bulk load commits without pause the log cannot start over, and this bounds
/// it. Readers and the checkpointer never checkpoint on their own.
const WAL_AUTOCHECKPOINT_PAGES: i64 = 32_768;
/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 64;

/// Which connection a pragma set is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Writer,
    Reader,
    Checkpointer,
}

/// Whether opening may create the database file and set it up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// The file must exist; nothing on disk is changed (no file created, no journal mode set).
    Existing,
    /// A missing file (not a missing directory) is created, and the database is put in WAL mode.
    CreateIfMissing,
}

fn open_error(path: &Path, reason: OpenFailure) -> StoreError {
    StoreError::Open { target: path.display().to_string(), reason }
}

/// Makes sure the file exists (creating it, but not its directory, for
/// [`Access::CreateIfMissing`]) and is ours to read and write, so that the error says what the
/// file system said. Opening for reading and writing without `create` changes nothing on disk.
pub(crate) fn check_file(path: &Path, access: Access) -> StoreResult<()> {
    if path.is_dir() {
        return Err(open_error(path, OpenFailure::Other("this is a directory, not a file".into())));
    }
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(access == Access::CreateIfMissing)
        .truncate(false)
        .open(path)
        .map(drop)
        .map_err(|e| open_error(path, io_failure(&e)))
}

/// Why SQLite would not open `path`: its own error, made precise by the file system's answer
/// to the same access (SQLite does not hand out the operating system's error number).
fn sqlite_open_error(path: &Path, e: &rusqlite::Error) -> StoreError {
    let os = std::fs::OpenOptions::new().read(true).write(true).open(path).err();
    open_error(path, open_failure(e, os.as_ref()))
}

/// Opens one connection and applies the pragmas. Reading the journal mode is the first access
/// to the file, so a file that is not a database fails here. Only [`Access::CreateIfMissing`]
/// sets WAL mode (it is stored in the file); [`Access::Existing`] takes the file as it is.
pub(crate) fn open_connection(path: &Path, role: Role, access: Access) -> StoreResult<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if access == Access::CreateIfMissing {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags).map_err(|e| sqlite_open_error(path, &e))?;
    configure(&conn, role).map_err(|e| sqlite_open_error(path, &e))?;
    if access == Access::CreateIfMissing {
        // journal_mode returns a row.
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .map_err(|e| sqlite_open_error(path, &e))?;
    }
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .map_err(|e| sqlite_open_error(path, &e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        if access == Access::CreateIfMissing {
            return Err(open_error(
                path,
                OpenFailure::Other(format!(
                    "the file system does not allow WAL (journal mode {mode})"
                )),
            ));
        }
        // Readers then wait for a committing writer; `migrate` puts the file in WAL mode.
        if role == Role::Writer {
            tracing::warn!(
                journal_mode = %mode,
                "the database is not in WAL mode; run `shanyraq migrate` to switch it"
            );
        }
    }
    Ok(conn)
}

fn configure(conn: &Connection, role: Role) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let (cache, mmap) = match role {
        Role::Writer => (WRITER_CACHE_KIB, WRITER_MMAP_BYTES),
        Role::Reader => (READER_CACHE_KIB, READER_MMAP_BYTES),
        Role::Checkpointer => (CHECKPOINTER_CACHE_KIB, 0),
    };
    // Connection settings only: none of these is stored in the file.
    conn.execute_batch(&format!(
        "PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA cache_size = -{cache};
         PRAGMA mmap_size = {mmap};
         PRAGMA temp_store = MEMORY;
         PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES};"
    ))?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(())
}
