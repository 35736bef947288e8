//! Checkpoints on a thread of their own. A commit in WAL mode appends pages to the log; a
//! checkpoint copies them into the database file. Done by the writer at commit, as SQLite does
//! by default, that copying is about a tenth of a bulk load's writing time, all of it on the
//! writer's critical path; done here, by a second connection, it runs on another core while the
//! writer goes on. The writer still checkpoints itself when the log grows far past the usual
//! size (see `conn`), so the log stays bounded if this thread falls behind.

use std::sync::mpsc::{self, RecvTimeoutError, SyncSender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::Connection;

/// Least time between two checkpoints: the pages of commits that come faster are copied
/// together, and a page written by several of them is copied once.
const PAUSE: Duration = Duration::from_millis(200);

/// The checkpointing thread; stops when dropped, after the checkpoint it may be running.
#[derive(Debug)]
pub(crate) struct Checkpointer {
    wake: Option<SyncSender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread on `conn`, a connection of its own.
    pub(crate) fn start(conn: Connection) -> std::io::Result<Checkpointer> {
        let (wake, woken) = mpsc::sync_channel::<()>(1);
        let thread = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || run(&conn, &woken))?;
        Ok(Checkpointer { wake: Some(wake), thread: Some(thread) })
    }

    /// Says that the writer committed: a checkpoint follows soon.
    pub(crate) fn committed(&self) {
        if let Some(wake) = &self.wake {
            // Full means a wake-up is pending already.
            let _ = wake.try_send(());
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.wake.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(conn: &Connection, woken: &mpsc::Receiver<()>) {
    let mut last: Option<Instant> = None;
    while woken.recv().is_ok() {
        if let Some(until) = last.map(|at| at + PAUSE) {
            // Let commits gather, but leave at once when the store closes.
            loop {
                let now = Instant::now();
                if now >= until {
                    break;
                }
                match woken.recv_timeout(until - now) {
                    Ok(()) => {}
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
        }
        // Passive: copies what it can without waiting for the writer or for readers. A failure
        // leaves the log as it was, for the next checkpoint or the writer's own.
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::debug!(error = %e, "background checkpoint did not run");
        }
        last = Some(Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Polls `done` for up to a minute: the test waits for the thread, it does not time it.
    fn eventually(mut done: impl FnMut() -> bool) -> bool {
        let until = Instant::now() + Duration::from_secs(60);
        while Instant::now() < until {
            if done() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    #[test]
    fn a_commit_is_copied_into_the_file_by_the_thread_not_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let writer = Connection::open(&path).unwrap();
        writer
            .execute_batch(
                "CREATE TABLE t (v TEXT);
                 PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;",
            )
            .unwrap();
        let checkpointer = Checkpointer::start(Connection::open(&path).unwrap()).unwrap();
        let file_len = || std::fs::metadata(&path).unwrap().len();
        let before = file_len();
        writer
            .execute(
                "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
                 INSERT INTO t SELECT hex(randomblob(500)) FROM n",
                [],
            )
            .unwrap();
        assert_eq!(file_len(), before, "the writer itself does not checkpoint");
        checkpointer.committed();
        assert!(eventually(|| file_len() > before + 1_000_000), "the thread copied the pages");
        drop(checkpointer);
        let rows: i64 = writer.query_row("SELECT count(*) FROM t", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, 2000);
    }
}
