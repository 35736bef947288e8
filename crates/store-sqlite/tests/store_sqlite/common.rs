//! Temporary database files for tests: a fresh file per test, removed (with its WAL and
//! shared-memory files) when the guard drops.

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use shanyraq_store_sqlite::SqliteStore;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A directory of its own under the system temp dir, removed on drop.
#[derive(Debug)]
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir()
            .join(format!("shanyraq-sqlite-{label}-{}-{nanos}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create a temp dir");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A store on a fresh file; the file goes when the guard drops (the store first).
#[derive(Debug)]
pub struct TempStore {
    store: Option<SqliteStore>,
    _dir: TempDir,
}

impl TempStore {
    pub fn new() -> TempStore {
        let dir = TempDir::new("store");
        let store =
            SqliteStore::create_or_open(&dir.path().join("test.db")).expect("create a fresh store");
        TempStore { store: Some(store), _dir: dir }
    }
}

impl Deref for TempStore {
    type Target = SqliteStore;
    fn deref(&self) -> &SqliteStore {
        self.store.as_ref().expect("the store lives until drop")
    }
}

impl Drop for TempStore {
    fn drop(&mut self) {
        // Close every connection before the directory goes.
        self.store.take();
    }
}

pub async fn fresh_store() -> TempStore {
    TempStore::new()
}
