//! What the crate's unit tests share: a small generated database in memory, and a count of the
//! statements a read takes (a page must take a fixed handful, never one per family).

#![allow(clippy::unwrap_used)]

use std::cell::Cell;

use rusqlite::Connection;
use rusqlite::trace::{TraceEvent, TraceEventCodes};
use shanyraq_store::NextIds;
use shanyraq_store::contract::fixtures::{self, BATCH_MAIN};

use crate::{migrate, write};

thread_local! {
    /// Statements started on this thread's traced connection.
    static STATEMENTS: Cell<usize> = const { Cell::new(0) };
}

fn count_statement(event: TraceEvent<'_>) {
    if let TraceEvent::Stmt(..) = event {
        STATEMENTS.with(|n| n.set(n.get() + 1));
    }
}

/// A migrated in-memory database holding `families` generated families.
pub(crate) fn database(families: usize) -> Connection {
    let mut conn = Connection::open_in_memory().unwrap();
    migrate::run(&mut conn, migrate::MIGRATIONS).unwrap();
    write::create_batch(&mut conn, &fixtures::batches()[0]).unwrap();
    let chunk = fixtures::generated(NextIds::FIRST, families, BATCH_MAIN, &fixtures::places());
    write::insert_population(&mut conn, &chunk).unwrap();
    conn
}

/// What `read` returns, and how many statements it started on `conn`.
pub(crate) fn counting_statements<T>(conn: &Connection, read: impl FnOnce() -> T) -> (T, usize) {
    conn.trace_v2(TraceEventCodes::SQLITE_TRACE_STMT, Some(count_statement));
    STATEMENTS.with(|n| n.set(0));
    let out = read();
    conn.trace_v2(TraceEventCodes::empty(), None);
    (out, STATEMENTS.with(Cell::get))
}
