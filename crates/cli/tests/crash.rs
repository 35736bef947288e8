//! Crash safety of `shanyraq import`, for real: the process is killed with SIGKILL at random
//! moments, several times, then the same command is run again to the end; the database must
//! hold exactly what an uninterrupted import of the same file gives, and the report must be the
//! same. On SQLite always, and on PostgreSQL when a server is reachable (required when
//! `SHANYRAQ_REQUIRE_POSTGRES=1`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const FAMILIES: &str = "1000";
const SEED: &str = "11";
/// Small chunks: many commit points for a kill to fall between or into.
const CHUNK_ROWS: &str = "10";
const KILLS: usize = 6;

fn shanyraq(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shanyraq"))
        .args(args)
        .env("SHANYRAQ_DB", db)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run shanyraq")
}

fn ok(o: &Output) -> String {
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(0), "{out}\n{}", String::from_utf8_lossy(&o.stderr));
    out
}

/// A fresh directory removed when the test ends.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("shanyraq-crash-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A tiny deterministic generator for the kill delays; the seed is printed so that a failure
/// can be replayed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 =
            self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

/// Migrates `db` and generates the population the feed is written for.
fn populate(db: &str) {
    ok(&shanyraq(db, &["migrate"]));
    ok(&shanyraq(db, &["generate", "--families", FAMILIES, "--seed", SEED]));
}

/// The income feed of that population, with faults.
fn feed(dir: &Path) -> PathBuf {
    let out = dir.join("feeds");
    let out_text = out.to_str().unwrap();
    let args = [
        "generate-feeds",
        "--families",
        FAMILIES,
        "--seed",
        SEED,
        "--out",
        out_text,
        "--feeds",
        "income",
        "--faults-per-mille",
        "20",
    ];
    ok(&shanyraq("sqlite:unused.db", &args));
    out.join("income.csv")
}

fn import_args<'a>(file: &'a str, report: &'a str) -> [&'a str; 8] {
    ["import", "--source", "income", file, "--report", report, "--chunk-rows", CHUNK_ROWS]
}

/// The feed batch's status and resume point, as a probe reads them while an import runs.
type Probe<'a> = &'a dyn Fn() -> Option<(String, i64)>;

/// Kills the import `KILLS` times with SIGKILL, then runs it to the end. The first kill falls
/// at a random moment of start-up (opening, fingerprinting, starting the batch); each later one
/// a random few milliseconds after the run has committed a chunk of its own, so that it lands
/// inside the import, in or between transactions.
fn crash_then_finish(db: &str, file: &str, report: &str, probe: Probe<'_>, seed: u64) -> String {
    let mut rng = Lcg(seed);
    let mut killed_midway = 0;
    for round in 0..KILLS {
        let before = probe().map_or(0, |(_, rows)| rows);
        let mut child = Command::new(env!("CARGO_BIN_EXE_shanyraq"))
            .args(import_args(file, report))
            .env("SHANYRAQ_DB", db)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        if round == 0 {
            std::thread::sleep(Duration::from_millis(rng.below(60)));
        } else {
            let deadline = Instant::now() + Duration::from_secs(60);
            while child.try_wait().unwrap().is_none()
                && Instant::now() < deadline
                && probe().is_none_or(|(_, rows)| rows <= before)
            {
                std::thread::sleep(Duration::from_millis(2));
            }
            std::thread::sleep(Duration::from_millis(rng.below(25)));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        if probe().is_some_and(|(status, rows)| status == "running" && rows > 0) {
            killed_midway += 1;
        }
    }
    let out = ok(&shanyraq(db, &import_args(file, report)));
    eprintln!("seed {seed}: {killed_midway} of {KILLS} kills left the import half done\n{out}");
    assert!(killed_midway >= KILLS / 2, "seed {seed}: only {killed_midway} kills landed midway");
    assert!(out.contains("resumed after row"), "{out}");
    out
}

/// The state an import leaves, without what legitimately differs between runs (timestamps and
/// the surrogate keys of observations).
const STATE: &[(&str, &str)] = &[
    (
        "batches",
        "SELECT id, feed, label, status, source, fingerprint, rows_read, rows_accepted, \
         rows_duplicate, rows_pending, rows_rejected, rows_superseded, warnings, error_code \
         FROM import_batches ORDER BY id",
    ),
    (
        "observations",
        "SELECT family_id, person_id, indicator, value_num, value_text, source, observed_at, \
         valid_from, valid_until, batch_id, line, natural_key, superseded_by FROM observations \
         WHERE batch_id > 1 ORDER BY batch_id, line, indicator, natural_key",
    ),
    ("changes", "SELECT batch_id, family_id FROM family_changes ORDER BY 1, 2"),
    (
        "issues",
        "SELECT batch_id, line, seq, verdict, column_key, value_masked, code, args \
         FROM import_issues ORDER BY 1, 2, 3",
    ),
    (
        "pending",
        "SELECT batch_id, line, reason, iin, last_name, first_name, birth_date, territory_code, \
         facts FROM pending_rows ORDER BY 1, 2",
    ),
];

fn sqlite_state(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut rows = Vec::new();
    for (name, sql) in STATE {
        let mut stmt = conn.prepare(sql).unwrap();
        let n = stmt.column_count();
        let mut q = stmt.query([]).unwrap();
        while let Some(r) = q.next().unwrap() {
            let cells: Vec<String> = (0..n)
                .map(|i| match r.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Null => String::new(),
                    rusqlite::types::ValueRef::Integer(v) => v.to_string(),
                    rusqlite::types::ValueRef::Real(v) => v.to_string(),
                    rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    rusqlite::types::ValueRef::Blob(b) => format!("{b:?}"),
                })
                .collect();
            rows.push(format!("{name}|{}", cells.join("|")));
        }
    }
    rows
}

/// The feed batch (id 2, after the generator's) as the SQLite file shows it now.
fn sqlite_progress(path: &Path) -> Option<(String, i64)> {
    let conn = rusqlite::Connection::open(path).ok()?;
    conn.busy_timeout(Duration::from_secs(5)).ok()?;
    conn.query_row("SELECT status, rows_read FROM import_batches WHERE id = 2", [], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .ok()
}

fn assert_same(clean: &[String], crashed: &[String]) {
    assert!(clean.len() > 100, "the clean import wrote too little: {}", clean.len());
    assert_eq!(clean.len(), crashed.len(), "row counts differ");
    for (a, b) in clean.iter().zip(crashed) {
        assert_eq!(a, b);
    }
}

fn seed() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
}

#[test]
fn killed_imports_resume_to_the_state_of_a_clean_one_on_sqlite() {
    let dir = TempDir::new("sqlite");
    let file = feed(&dir.0);
    let file_text = file.to_str().unwrap();
    let (clean_db, crashed_db) = (dir.0.join("clean.db"), dir.0.join("crashed.db"));
    let clean_url = format!("sqlite:{}", clean_db.display());
    let crashed_url = format!("sqlite:{}", crashed_db.display());
    populate(&clean_url);
    populate(&crashed_url);

    let clean_report = dir.0.join("clean.report.csv");
    ok(&shanyraq(&clean_url, &import_args(file_text, clean_report.to_str().unwrap())));

    let crashed_report = dir.0.join("crashed.report.csv");
    let probe = || sqlite_progress(&crashed_db);
    let report = crashed_report.to_str().unwrap();
    let out = crash_then_finish(&crashed_url, file_text, report, &probe, seed());
    assert!(out.contains("batch 2"), "{out}");
    assert_same(&sqlite_state(&clean_db), &sqlite_state(&crashed_db));
    assert_eq!(std::fs::read(&clean_report).unwrap(), std::fs::read(&crashed_report).unwrap());
}

/// PostgreSQL at the URL the backend tests use; the test makes its own databases.
fn postgres_admin() -> Option<String> {
    let url = std::env::var("SHANYRAQ_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let reachable = Command::new("psql")
        .args([url.as_str(), "-Atc", "SELECT 1"])
        .output()
        .is_ok_and(|o| o.status.success());
    if reachable {
        return Some(url);
    }
    assert!(
        std::env::var("SHANYRAQ_REQUIRE_POSTGRES").as_deref() != Ok("1"),
        "PostgreSQL is required (SHANYRAQ_REQUIRE_POSTGRES=1) but {url} cannot be reached with psql"
    );
    eprintln!("skipped: no PostgreSQL at {url}");
    None
}

fn psql(url: &str, sql: &str) -> String {
    let o =
        Command::new("psql").args([url, "-v", "ON_ERROR_STOP=1", "-Atc", sql]).output().unwrap();
    assert!(o.status.success(), "{sql}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A database of its own, dropped at the end.
struct PgDatabase {
    admin: String,
    name: String,
    url: String,
}

impl PgDatabase {
    fn new(admin: &str, suffix: &str) -> PgDatabase {
        let name = format!("shanyraq_crash_{suffix}_{}", std::process::id());
        psql(admin, &format!("DROP DATABASE IF EXISTS {name}"));
        psql(admin, &format!("CREATE DATABASE {name}"));
        let base = admin.rsplit_once('/').map_or(admin, |(base, _)| base);
        PgDatabase { admin: admin.to_owned(), url: format!("{base}/{name}"), name }
    }

    fn progress(&self) -> Option<(String, i64)> {
        let sql = "SELECT status, rows_read FROM import_batches WHERE id = 2";
        let o = Command::new("psql").args([self.url.as_str(), "-Atc", sql]).output().ok()?;
        let text = String::from_utf8_lossy(&o.stdout);
        let (status, rows) = text.trim().split_once('|')?;
        Some((status.to_owned(), rows.parse().ok()?))
    }

    fn state(&self) -> Vec<String> {
        let mut rows = Vec::new();
        for (name, sql) in STATE {
            // Unaligned, `|`-separated, one line per row: the same text as the SQLite dump.
            let out = psql(&self.url, &format!("SELECT * FROM ({sql}) AS t"));
            rows.extend(out.lines().map(|l| format!("{name}|{l}")));
        }
        rows
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .args([
                self.admin.as_str(),
                "-Atc",
                &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            ])
            .output();
    }
}

#[test]
fn killed_imports_resume_to_the_state_of_a_clean_one_on_postgres() {
    let Some(admin) = postgres_admin() else { return };
    let dir = TempDir::new("postgres");
    let file = feed(&dir.0);
    let file_text = file.to_str().unwrap();
    let clean = PgDatabase::new(&admin, "clean");
    let crashed = PgDatabase::new(&admin, "killed");
    populate(&clean.url);
    populate(&crashed.url);

    let clean_report = dir.0.join("clean.report.csv");
    ok(&shanyraq(&clean.url, &import_args(file_text, clean_report.to_str().unwrap())));

    let crashed_report = dir.0.join("crashed.report.csv");
    let probe = || crashed.progress();
    let report = crashed_report.to_str().unwrap();
    let out = crash_then_finish(&crashed.url, file_text, report, &probe, seed());
    assert!(out.contains("batch 2"), "{out}");
    assert_same(&clean.state(), &crashed.state());
    assert_eq!(std::fs::read(&clean_report).unwrap(), std::fs::read(&crashed_report).unwrap());
}
