//! A fresh PostgreSQL database per test, on the server named by `SHANYRAQ_TEST_POSTGRES_URL`
//! (default `postgres://postgres@127.0.0.1:5432/postgres`).
//!
//! When that server cannot be reached the tests skip with one line on stderr saying how to enable
//! them, unless `SHANYRAQ_REQUIRE_POSTGRES=1` (CI sets it): then they fail, naming the URL.
//! Each database is dropped when its [`TestDb`] is; databases that earlier, interrupted runs left
//! behind are dropped once they are an hour old and nobody is connected to them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, Once};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use shanyraq_store::url::redact_password;
use shanyraq_store_postgres::PostgresStore;
use sqlx::{Connection, PgConnection};

pub const URL_VAR: &str = "SHANYRAQ_TEST_POSTGRES_URL";
pub const REQUIRE_VAR: &str = "SHANYRAQ_REQUIRE_POSTGRES";
pub const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Prefix of every test database; nothing else is ever dropped.
const PREFIX: &str = "shanyraq_test_";
/// Age after which a left-over test database is dropped.
const STALE_AFTER: Duration = Duration::from_secs(3600);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The server the tests use: the URL of a database to connect to for creating and dropping.
pub fn server_url() -> String {
    std::env::var(URL_VAR).ok().filter(|u| !u.trim().is_empty()).unwrap_or(DEFAULT_URL.into())
}

/// `url` with its database replaced by `database`; the query string, if any, is kept.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let (scheme, rest) = base.split_once("://").unwrap_or(("postgres", base));
    let authority = rest.split_once('/').map_or(rest, |(a, _)| a);
    match query {
        Some(q) => format!("{scheme}://{authority}/{database}?{q}"),
        None => format!("{scheme}://{authority}/{database}"),
    }
}

/// `url` with its user and password replaced.
pub fn with_user(url: &str, user: &str, password: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let (authority, tail) = rest.split_once('/').map_or((rest, ""), |(a, t)| (a, t));
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    format!("{scheme}://{user}:{password}@{host}/{tail}")
}

/// A database of its own for one test, dropped with this value, with the roles made for it.
#[derive(Debug)]
pub struct TestDb {
    name: String,
    url: String,
    server: String,
    roles: Mutex<Vec<String>>,
}

impl TestDb {
    /// Creates a fresh, empty database, or `None` when the tests are to be skipped.
    pub async fn create() -> Option<TestDb> {
        let server = server_url();
        let mut admin = admin_connection(&server).await?;
        drop_stale_databases(&mut admin).await;
        let name = unique_name();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("creating test database {name}: {e}"));
        let _ = admin.close().await;
        let url = with_database(&server, &name);
        Some(TestDb { name, url, server, roles: Mutex::default() })
    }

    /// The URL of this database, for connections of a test's own.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A store on this database, not migrated.
    pub async fn store(&self) -> PostgresStore {
        PostgresStore::connect(&self.url).await.expect("connecting to the test database")
    }

    /// A store on this database, migrated to the current schema.
    pub async fn migrated_store(&self) -> PostgresStore {
        use shanyraq_store::SchemaStore;
        let store = self.store().await;
        store.migrate().await.expect("migrating the test database");
        store
    }
}

impl TestDb {
    /// A URL for a new role that may read and write the tables that exist now, and is no
    /// superuser. Call it after migrating.
    pub async fn unprivileged_url(&self) -> String {
        let role = format!("{}_user", self.name);
        let password = "shanyraq-test";
        let mut conn = PgConnection::connect(&self.url).await.expect("connecting as admin");
        let sql = format!(
            "CREATE ROLE \"{role}\" LOGIN PASSWORD '{password}';
             GRANT USAGE ON SCHEMA public TO \"{role}\";
             GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \"{role}\";
             GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO \"{role}\";"
        );
        self.roles.lock().unwrap().push(role.clone());
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await.expect("creating a role");
        let _ = conn.close().await;
        with_user(&self.url, &role, password)
    }
}

impl Drop for TestDb {
    /// Drops the database from a thread of its own: `Drop` cannot wait on the test's runtime.
    fn drop(&mut self) {
        let server = self.server.clone();
        let name = self.name.clone();
        let roles = std::mem::take(&mut *self.roles.lock().unwrap_or_else(|e| e.into_inner()));
        let dropped = std::thread::spawn(move || {
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&server).await.ok()?;
                let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                let mut done = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut admin).await;
                for role in roles {
                    let sql = format!("DROP ROLE IF EXISTS \"{role}\"");
                    let dropped = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut admin).await;
                    done = done.and(dropped);
                }
                let _ = admin.close().await;
                done.ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(_))) {
            let _ = writeln!(
                std::io::stderr(),
                "could not drop test database {}; a later run drops it",
                self.name
            );
        }
    }
}

/// `shanyraq_test_<unix seconds>_<pid>_<n>`: unique across parallel processes, and its age can be
/// read off the name.
fn unique_name() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{PREFIX}{secs}_{}_{n}", std::process::id())
}

/// The creation time a test database's name records.
fn created_at(name: &str) -> Option<u64> {
    name.strip_prefix(PREFIX)?.split('_').next()?.parse().ok()
}

/// Drops test databases (and their roles) an hour old or older; one attempt per process.
/// `DROP DATABASE` without `FORCE` fails on a database someone is connected to, and `DROP ROLE`
/// on a role that still has privileges somewhere: those are left alone.
async fn drop_stale_databases(admin: &mut PgConnection) {
    static ONCE: Once = Once::new();
    let mut first = false;
    ONCE.call_once(|| first = true);
    if !first {
        return;
    }
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname::text FROM pg_database WHERE starts_with(datname, $1)")
            .bind(PREFIX)
            .fetch_all(&mut *admin)
            .await
            .unwrap_or_default();
    let roles: Vec<String> =
        sqlx::query_scalar("SELECT rolname::text FROM pg_roles WHERE starts_with(rolname, $1)")
            .bind(PREFIX)
            .fetch_all(&mut *admin)
            .await
            .unwrap_or_default();
    let stale = |name: &str| {
        created_at(name).is_some_and(|t| now.saturating_sub(t) >= STALE_AFTER.as_secs())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    };
    for name in names.iter().filter(|n| stale(n)) {
        let sql = format!("DROP DATABASE IF EXISTS \"{name}\"");
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut *admin).await;
    }
    for role in roles.iter().filter(|n| stale(n)) {
        let sql = format!("DROP ROLE IF EXISTS \"{role}\"");
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut *admin).await;
    }
}

/// A connection to the server, or `None` (after saying so once) when the tests are to be skipped.
async fn admin_connection(server: &str) -> Option<PgConnection> {
    let reason = match tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect(server)).await {
        Ok(Ok(conn)) => return Some(conn),
        Ok(Err(e)) => e.to_string(),
        Err(_) => format!("no answer within {} s", CONNECT_TIMEOUT.as_secs()),
    };
    let shown = redact_password(server);
    if std::env::var(REQUIRE_VAR).is_ok_and(|v| v.trim() == "1") {
        panic!(
            "PostgreSQL at {shown} is unreachable ({reason}), and {REQUIRE_VAR}=1 requires it: \
             start PostgreSQL or point {URL_VAR} at a running server"
        );
    }
    static SAID: Once = Once::new();
    SAID.call_once(|| {
        // Straight to the process's stderr, past the test harness's capture, so it is seen.
        let _ = writeln!(
            std::io::stderr(),
            "PostgreSQL tests skipped: no server at {shown} ({reason}). To run them, start \
             PostgreSQL or set {URL_VAR}; set {REQUIRE_VAR}=1 to make its absence a failure."
        );
    });
    None
}

/// A store on a database of its own; the database goes when this value does.
#[derive(Debug)]
pub struct TestStore {
    // Declared first so that the pool closes before the database is dropped.
    store: PostgresStore,
    _db: TestDb,
}

impl TestStore {
    /// A store on `db`, not migrated.
    pub async fn on(db: TestDb) -> TestStore {
        TestStore { store: db.store().await, _db: db }
    }
}

impl std::ops::Deref for TestStore {
    type Target = PostgresStore;
    fn deref(&self) -> &PostgresStore {
        &self.store
    }
}

/// Whether the store's role is a superuser (who may take the bulk path that checks references
/// itself).
pub async fn is_superuser(store: &shanyraq_store_postgres::PostgresStore) -> bool {
    sqlx::query_scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        .fetch_one(store.pool())
        .await
        .unwrap()
}
