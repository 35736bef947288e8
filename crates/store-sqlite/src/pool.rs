//! A few reader connections shared by blocking tasks: a connection is `Send` but not `Sync`, so
//! each task borrows one exclusively and gives it back.

use std::sync::{Condvar, Mutex, MutexGuard};

use rusqlite::Connection;
use shanyraq_store::{StoreError, StoreResult};

#[derive(Debug)]
pub(crate) struct ReaderPool {
    idle: Mutex<Vec<Connection>>,
    returned: Condvar,
}

fn poisoned() -> StoreError {
    StoreError::Backend("a reader connection was lost to a panic".into())
}

/// Gives the connection back even when the work panics.
struct Lease<'a> {
    pool: &'a ReaderPool,
    conn: Option<Connection>,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let (Some(conn), Ok(mut idle)) = (self.conn.take(), self.pool.idle.lock()) {
            idle.push(conn);
            self.pool.returned.notify_one();
        }
    }
}

impl ReaderPool {
    pub(crate) fn new(conns: Vec<Connection>) -> ReaderPool {
        ReaderPool { idle: Mutex::new(conns), returned: Condvar::new() }
    }

    /// Runs `f` on an idle reader, waiting for one if all are busy. Blocking: call from a
    /// blocking task.
    pub(crate) fn with<T>(&self, f: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        let conn = {
            let mut idle: MutexGuard<'_, Vec<Connection>> =
                self.idle.lock().map_err(|_| poisoned())?;
            loop {
                if let Some(c) = idle.pop() {
                    break c;
                }
                idle = self.returned.wait(idle).map_err(|_| poisoned())?;
            }
        };
        let lease = Lease { pool: self, conn: Some(conn) };
        match &lease.conn {
            Some(c) => f(c),
            None => Err(poisoned()),
        }
    }
}
