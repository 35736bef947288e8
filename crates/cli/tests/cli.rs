//! The `shanyraq` binary as a data steward or operator uses it: exit codes, messages, and the
//! schema rule (migrate only on request, never a newer schema).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn shanyraq(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shanyraq"))
        .args(args)
        .env_remove("SHANYRAQ_DB")
        .env_remove("SHANYRAQ_PASSWORD")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run shanyraq")
}

/// Runs with `input` written to standard input.
fn shanyraq_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shanyraq"))
        .args(args)
        .env_remove("SHANYRAQ_DB")
        .env_remove("SHANYRAQ_PASSWORD")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run shanyraq");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// Runs with the password in `SHANYRAQ_PASSWORD`.
fn shanyraq_password(args: &[&str], password: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shanyraq"))
        .args(args)
        .env_remove("SHANYRAQ_DB")
        .env("SHANYRAQ_PASSWORD", password)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run shanyraq")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh directory that is removed when the test ends.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("shanyraq-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn db(&self, file: &str) -> String {
        format!("sqlite:{}", self.0.join(file).display())
    }
    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn iin_lines_and_exit_status() {
    let ok = shanyraq(&["iin", "791028302728", "061211600012"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert_eq!(
        stdout(&ok),
        "791028302728 valid: born 28.10.1979, male\n061211600012 valid: born 11.12.2006, female\n"
    );
    let bad = shanyraq(&["iin", "791028302728", "791028302729", "12345"]);
    assert_eq!(bad.status.code(), Some(1));
    let out = stdout(&bad);
    assert!(out.contains("791028302729 invalid: check digit expected 8, found 9"), "{out}");
    assert!(out.contains("12345 invalid: an IIN has 12 digits, this has 5"), "{out}");
}

#[test]
fn unusable_database_urls_say_why() {
    let scheme = shanyraq(&["--db", "mysql://localhost/x", "migrate"]);
    assert_ne!(scheme.status.code(), Some(0));
    assert!(
        stderr(&scheme).contains("unknown database URL scheme \"mysql\""),
        "{}",
        stderr(&scheme)
    );

    let missing_dir = shanyraq(&["--db", "sqlite:/nonexistent-dir/x/shanyraq.db", "migrate"]);
    assert_eq!(missing_dir.status.code(), Some(2));
    assert!(stderr(&missing_dir).contains("no such file or directory"), "{}", stderr(&missing_dir));

    let refused = shanyraq(&["--db", "postgres://postgres@127.0.0.1:1/x", "migrate"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("connection refused"), "{}", stderr(&refused));
    assert!(!stderr(&refused).contains("secret"));

    let dir = TempDir::new("notdb");
    std::fs::write(dir.path("junk.db"), b"this is not a database file, just text, long enough")
        .unwrap();
    let junk = shanyraq(&["--db", &dir.db("junk.db"), "migrate"]);
    assert_eq!(junk.status.code(), Some(2));
    assert!(stderr(&junk).contains("not a database"), "{}", stderr(&junk));
}

#[test]
fn schema_moves_only_on_migrate_and_newer_is_refused() {
    let dir = TempDir::new("schema");
    let db = dir.db("s.db");

    // Nothing to generate into before `migrate`, and no file made by asking.
    for args in [&["generate", "--families", "5"][..], &["bench", "generate", "--families", "5"]] {
        let mut full = vec!["--db", db.as_str()];
        full.extend(args);
        let early = shanyraq(&full);
        assert_eq!(early.status.code(), Some(2), "{args:?}");
        assert!(stderr(&early).contains("no such file or directory"), "{}", stderr(&early));
        assert!(!dir.path("s.db").exists(), "{args:?} created the database");
    }

    let first = shanyraq(&["--db", &db, "migrate"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(stdout(&first).contains("schema migrated from version 0 to"), "{}", stdout(&first));
    assert!(stdout(&first).contains("KATO-11-2025@2026-07-17 loaded"), "{}", stdout(&first));
    let again = shanyraq(&["--db", &db, "migrate"]);
    assert!(stdout(&again).contains("schema already at version"), "{}", stdout(&again));
    assert!(!stdout(&again).contains("loaded"));

    // A schema from the future: serve and migrate both refuse and change nothing.
    bump_schema(&dir.path("s.db"));
    for args in [vec!["migrate"], vec!["serve", "--addr", "127.0.0.1:0"]] {
        let mut full = vec!["--db", db.as_str()];
        full.extend(args);
        let o = shanyraq(&full);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("newer than this program knows"), "{}", stderr(&o));
    }
}

/// `serve` on a path with no database fails and leaves nothing behind: a mistyped path must not
/// turn into an empty database.
#[test]
fn serve_on_a_missing_file_creates_nothing() {
    let dir = TempDir::new("typo");
    let o = shanyraq(&["--db", &dir.db("typo.db"), "serve", "--addr", "127.0.0.1:0"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("cannot open database") && err.contains("no such file or directory"),
        "{err}"
    );
    let left: Vec<_> = std::fs::read_dir(&dir.0).unwrap().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// An existing database without the schema (here an empty one, made without `migrate`): every
/// command but `migrate` says to run it, and none writes to the file.
#[test]
fn an_unmigrated_database_asks_for_migrate_and_is_left_alone() {
    let dir = TempDir::new("unmigrated");
    let path = dir.path("empty.db");
    // What any SQLite program leaves: a database of no tables, no bytes yet.
    drop(rusqlite::Connection::open(&path).unwrap());
    let db = dir.db("empty.db");
    let commands: [&[&str]; 3] = [
        &["generate", "--families", "5"],
        &["bench", "generate", "--families", "5"],
        &["serve", "--addr", "127.0.0.1:0"],
    ];
    for args in commands {
        let mut full = vec!["--db", db.as_str()];
        full.extend(args);
        let o = shanyraq(&full);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains("run `shanyraq migrate` first"), "{args:?}: {}", stderr(&o));
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 0, "{args:?} wrote to the file");
    }
    // `migrate` is what sets it up.
    let o = shanyraq(&["--db", &db, "migrate"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("schema migrated from version 0 to"), "{}", stdout(&o));
}

fn bump_schema(path: &Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute(
        "INSERT INTO schema_migrations (version, name, applied_at) \
         SELECT max(version) + 1, 'from the future', '2030-01-01T00:00:00Z' FROM schema_migrations",
        [],
    )
    .unwrap();
}

/// Every row of the population tables, in key order, as text.
fn dump(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut rows = Vec::new();
    for table in ["persons", "families", "memberships", "observations"] {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2, 3")).unwrap();
        let n = stmt.column_count();
        let mut q = stmt.query([]).unwrap();
        while let Some(r) = q.next().unwrap() {
            let cells: Vec<String> =
                (0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect();
            rows.push(format!("{table}|{}", cells.join("|")));
        }
    }
    rows
}

#[test]
fn same_seed_same_database_content() {
    let dir = TempDir::new("determinism");
    let mut dumps = Vec::new();
    for (file, chunk) in [("a.db", "2000"), ("b.db", "7")] {
        let db = dir.db(file);
        assert_eq!(shanyraq(&["--db", &db, "migrate"]).status.code(), Some(0));
        let o = shanyraq(&[
            "--db",
            &db,
            "generate",
            "--families",
            "120",
            "--seed",
            "42",
            "--as-of",
            "2026-11-30",
            "--region",
            "113800000",
            "--chunk",
            chunk,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(stdout(&o).contains("generated 120 families"), "{}", stdout(&o));
        dumps.push(dump(&dir.path(file)));
    }
    assert!(dumps[0].len() > 120 * 20, "expected a population, got {} rows", dumps[0].len());
    assert!(dumps[0] == dumps[1], "same seed and as-of date must give identical rows");

    // Another seed gives another population.
    let db = dir.db("c.db");
    shanyraq(&["--db", &db, "migrate"]);
    shanyraq(&[
        "--db",
        &db,
        "generate",
        "--families",
        "120",
        "--seed",
        "43",
        "--as-of",
        "2026-11-30",
        "--region",
        "113800000",
    ]);
    assert!(dump(&dir.path("c.db")) != dumps[0]);
}

#[test]
fn generate_rejects_unknown_territory() {
    let dir = TempDir::new("region");
    let db = dir.db("r.db");
    shanyraq(&["--db", &db, "migrate"]);
    let o = shanyraq(&["--db", &db, "generate", "--families", "5", "--region", "999999999"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("999999999"), "{}", stderr(&o));
    let bad = shanyraq(&["--db", &db, "generate", "--families", "5", "--region", "12345"]);
    assert_ne!(bad.status.code(), Some(0));
    assert!(stderr(&bad).contains("a KATO code has 9 digits, this has 5"), "{}", stderr(&bad));
}

#[test]
fn a_second_generate_into_the_same_database_adds_to_it() {
    let dir = TempDir::new("twice");
    let db = dir.db("t.db");
    assert_eq!(shanyraq(&["--db", &db, "migrate"]).status.code(), Some(0));
    // The same seed twice: the same people, who must still get IINs of their own.
    for batch in ["1", "2"] {
        let o = shanyraq(&[
            "--db",
            &db,
            "generate",
            "--families",
            "200",
            "--seed",
            "42",
            "--region",
            "113800000",
        ]);
        assert_eq!(o.status.code(), Some(0), "run {batch}: {}", stderr(&o));
        assert!(stdout(&o).contains(&format!("(batch {batch})")), "{}", stdout(&o));
    }
    let conn = rusqlite::Connection::open(dir.path("t.db")).unwrap();
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(count("SELECT count(*) FROM families"), 400);
    assert_eq!(count("SELECT count(DISTINCT batch_id) FROM observations"), 2);
    // Both runs' people have IINs (the unique index holds them apart).
    let iins = count("SELECT count(iin) FROM persons");
    assert!(iins > 1_000, "{iins} IINs");
}

#[test]
fn generate_feeds_writes_the_files_of_the_generated_population() {
    let dir = TempDir::new("feeds");
    let out = dir.path("feeds");
    let out_text = out.display().to_string();
    let o = shanyraq(&["generate-feeds", "--families", "50", "--seed", "3", "--out", &out_text]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let summary = stdout(&o);
    assert!(summary.starts_with("wrote 9 feed files,"), "{summary}");
    assert!(summary.contains("faults (10 per mille of rows): bad_check_digit"), "{summary}");
    for feed in ["income", "employment", "health", "education", "disability", "debts", "property"] {
        let file = format!("{feed}.csv");
        assert!(summary.contains(&format!("  {file}")), "{summary}");
        assert!(std::fs::metadata(out.join(&file)).unwrap().len() > 100, "{file}");
    }
    assert!(!out.join("civil_registry.csv").exists());

    // Files are written side by side, chunk by chunk; the same arguments give the same bytes.
    let again = dir.path("again");
    let again_text = again.display().to_string();
    let o = shanyraq(&["generate-feeds", "--families", "50", "--seed", "3", "--out", &again_text]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let files: Vec<PathBuf> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 9);
    for file in files {
        let second = std::fs::read(again.join(file.file_name().unwrap())).unwrap();
        assert!(std::fs::read(&file).unwrap() == second, "{}", file.display());
    }

    // The same arguments into a database: every IIN in the income feed is a person there.
    let db = dir.db("t.db");
    assert_eq!(shanyraq(&["--db", &db, "migrate"]).status.code(), Some(0));
    let g = shanyraq(&["--db", &db, "generate", "--families", "50", "--seed", "3"]);
    assert_eq!(g.status.code(), Some(0), "{}", stderr(&g));
    let conn = rusqlite::Connection::open(dir.path("t.db")).unwrap();
    let mut stmt = conn.prepare("SELECT iin FROM persons WHERE iin IS NOT NULL").unwrap();
    let iins: std::collections::BTreeSet<String> =
        stmt.query_map([], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap).collect();
    let income = std::fs::read_to_string(out.join("income.csv")).unwrap();
    let named: Vec<&str> = income
        .lines()
        .skip(1)
        .filter_map(|l| l.split([',', ';']).next())
        .map(str::trim)
        .filter(|iin| iin.len() == 12)
        .collect();
    assert!(!named.is_empty());
    let known = named.iter().filter(|iin| iins.contains(**iin)).count();
    // Only the lines spoiled with a bad check digit name nobody.
    assert!(known * 100 >= named.len() * 95, "{known} of {}", named.len());

    let bad = shanyraq(&[
        "generate-feeds",
        "--families",
        "5",
        "--out",
        &out_text,
        "--feeds",
        "civil_registry",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("cannot be generated"), "{}", stderr(&bad));
}

/// The number after `label` on a line of a summary.
fn count(summary: &str, label: &str) -> u64 {
    let line = summary
        .lines()
        .find(|l| l.trim_start().starts_with(label))
        .unwrap_or_else(|| panic!("no {label:?} in {summary}"));
    let rest = line.trim_start()[label.len()..].trim_start();
    rest.split_whitespace().next().unwrap().parse().unwrap_or_else(|_| panic!("{line}"))
}

/// A run of 12 digits: a whole IIN.
fn has_full_iin(text: &str) -> bool {
    let mut run = 0;
    for c in text.chars() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        if run >= 12 {
            return true;
        }
    }
    false
}

#[test]
fn import_dry_run_checks_a_generated_feed_and_reports_without_personal_data() {
    let dir = TempDir::new("import");
    for (faults, out) in [("10", "dirty"), ("0", "clean")] {
        let out = dir.path(out);
        let out_text = out.display().to_string();
        let g = shanyraq(&[
            "generate-feeds",
            "--families",
            "200",
            "--seed",
            "5",
            "--out",
            &out_text,
            "--feeds",
            "income",
            "--faults-per-mille",
            faults,
        ]);
        assert_eq!(g.status.code(), Some(0), "{}", stderr(&g));
        let rows = count(&stdout(&g), "income.csv");
        let file = out.join("income.csv");
        let o = shanyraq(&["import", "--source", "income", file.to_str().unwrap(), "--dry-run"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let s = stdout(&o);
        let [read, accepted, duplicates, matching, rejected] =
            ["rows read", "accepted", "duplicates ignored", "kept for matching", "rejected"]
                .map(|label| count(&s, label));
        assert_eq!(read, rows, "{s}");
        assert_eq!(accepted + duplicates + matching + rejected, rows, "{s}");
        if faults == "0" {
            assert_eq!(rejected, 0, "{s}");
        } else {
            assert!(rejected > 0, "{s}");
        }

        let report_path = out.join("income.csv.report.csv");
        assert!(s.contains(&format!("report: {}", report_path.display())), "{s}");
        let report = std::fs::read_to_string(&report_path).unwrap();
        assert!(report.starts_with("\u{feff}line,verdict,column,value,code,"), "{report}");
        assert!(!has_full_iin(&report), "{report}");
        // No name from the feed appears whole: names are masked to their first letter.
        let feed = std::fs::read_to_string(&file).unwrap();
        let delimiter = if feed.lines().next().unwrap().contains(';') { ';' } else { ',' };
        for line in feed.lines().skip(1) {
            for name in line.split(delimiter).skip(1).take(2) {
                let name = name.trim().trim_matches('"');
                if name.chars().count() > 1 {
                    assert!(!report.contains(name), "{name} in {report}");
                }
            }
        }
    }
    let feed = dir.path("clean").join("income.csv");
    let feed = feed.to_str().unwrap();

    // Into a database holding the population the feed was written for: all accepted; the
    // same file again changes nothing; the batch is listed.
    let db = dir.db("s.db");
    for args in [&["migrate"][..], &["generate", "--families", "200", "--seed", "5"]] {
        let o = shanyraq(&[&["--db", db.as_str()][..], args].concat());
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let import = |extra: &[&str]| {
        let args = [&["--db", db.as_str(), "import", "--source", "income", feed][..], extra];
        shanyraq(&args.concat())
    };
    let o = import(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.contains("imported ") && s.contains("batch 2"), "{s}");
    let rows = count(&s, "rows read");
    // People the generator left without a valid IIN are kept for matching.
    let (accepted, matching) = (count(&s, "accepted"), count(&s, "kept for matching"));
    assert!(rows > 100 && accepted + matching == rows && matching < rows / 20, "{s}");
    let o = import(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("was imported before as batch 2; nothing changed"),
        "{}",
        stdout(&o)
    );
    let listed = shanyraq(&["--db", db.as_str(), "batches"]);
    let table = stdout(&listed);
    assert!(
        table.lines().nth(1).is_some_and(|l| l.contains("income") && l.contains("complete")),
        "{table}"
    );
    assert!(table.contains("synthetic"), "{table}");

    let unknown = shanyraq(&["import", "--source", "weather", feed, "--dry-run"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("import.unknown_source"), "{}", stderr(&unknown));

    let empty = dir.path("empty.csv");
    std::fs::write(&empty, b"").unwrap();
    let o = shanyraq(&["import", "--source", "income", empty.to_str().unwrap(), "--dry-run"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("empty"), "{}", stderr(&o));

    let report = dir.path("r.csv");
    let o = shanyraq(&[
        "import",
        "--source",
        "income",
        feed,
        "--dry-run",
        "--report",
        report.to_str().unwrap(),
        "--as-of",
        "2026-06-01",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(report.exists());
}

#[test]
fn assess_methodology_stats_and_offers_from_the_command_line() {
    let dir = TempDir::new("assess");
    let db = dir.db("s.db");
    assert!(shanyraq(&["--db", &db, "migrate"]).status.success());
    let generated =
        shanyraq(&["--db", &db, "generate", "--families", "300", "--region", "113800000"]);
    assert!(generated.status.success(), "{}", stderr(&generated));

    // A bad file is refused with file, line and key, and nothing is installed.
    let bad = dir.path("bad.toml");
    let text = shanyraq_default_methodology().replacen("C = -30", "C = 900", 1);
    std::fs::write(&bad, &text).unwrap();
    let refused = shanyraq(&["--db", &db, "methodology", "install", bad.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    let line = text[..text.find("C = 900").unwrap()].matches('\n').count() + 1;
    let expected = format!("{}:{line}: cutoffs.C: cut-offs must fall", bad.display());
    assert!(stderr(&refused).contains(&expected), "{}", stderr(&refused));
    let listed = shanyraq(&["--db", &db, "methodology", "list"]);
    assert!(stdout(&listed).contains("no methodology installed"), "{}", stdout(&listed));

    // The first assessment installs the default and assesses every family.
    let all = shanyraq(&["--db", &db, "assess", "--all", "--json", "--on", "2026-11-30"]);
    assert!(all.status.success(), "{}", stderr(&all));
    let summary: serde_json::Value = serde_json::from_slice(&all.stdout).unwrap();
    assert_eq!(summary["families"], 300);
    assert_eq!(summary["changed"], 300);
    let by_level: u64 =
        summary["levels"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(by_level, 300);
    assert!(stderr(&all).contains("installed the default"), "{}", stderr(&all));
    assert!(stdout(&shanyraq(&["--db", &db, "methodology", "list"])).contains("* ckc-2023-r1"));

    let changed = shanyraq(&["--db", &db, "assess", "--changed"]);
    assert!(stdout(&changed).starts_with("assessed 0 families"), "{}", stdout(&changed));

    // Counts by district add up to every family; movements need both ends of the period.
    let stats = shanyraq(&["--db", &db, "stats", "levels", "--territory", "113800000", "--json"]);
    assert!(stats.status.success(), "{}", stderr(&stats));
    let v: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    let total: u64 =
        v["counts"].as_array().unwrap().iter().map(|c| c["families"].as_u64().unwrap()).sum();
    assert_eq!(total, 300);
    let half = shanyraq(&[
        "--db",
        &db,
        "stats",
        "levels",
        "--territory",
        "113800000",
        "--from",
        "2026-01-01",
    ]);
    assert_eq!(half.status.code(), Some(2));

    // Offers go to the file once.
    let outbox = dir.path("outbox.jsonl");
    let delivered = shanyraq(&["--db", &db, "offers", "deliver", "--to", outbox.to_str().unwrap()]);
    assert!(delivered.status.success(), "{}", stderr(&delivered));
    let lines = std::fs::read_to_string(&outbox).unwrap().lines().count();
    assert_eq!(summary["offers"].as_u64().unwrap() as usize, lines);
    let again = shanyraq(&["--db", &db, "offers", "deliver", "--to", outbox.to_str().unwrap()]);
    assert!(stdout(&again).starts_with("0 messages"), "{}", stdout(&again));
}

fn shanyraq_default_methodology() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/methodology/ckc-2023-reconstruction.toml");
    std::fs::read_to_string(root).unwrap()
}

#[test]
fn audit_verify_reports_the_chain_and_checks_anchors() {
    let dir = TempDir::new("audit");
    let db = dir.db("s.db");
    assert!(shanyraq(&["--db", &db, "migrate"]).status.success());
    let ok = shanyraq(&["--db", &db, "audit", "verify"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert!(stdout(&ok).starts_with("audit chain holds: 0 entries"), "{}", stdout(&ok));

    // An anchor the (empty) chain never reaches: it was cut off.
    let anchors = dir.path("anchors.txt");
    std::fs::write(&anchors, format!("# kept elsewhere\n5 {}\n", "ab".repeat(32))).unwrap();
    let cut = shanyraq(&["--db", &db, "audit", "verify", "--anchors", anchors.to_str().unwrap()]);
    assert_eq!(cut.status.code(), Some(1));
    assert!(stdout(&cut).contains("BROKEN at entry 1"), "{}", stdout(&cut));
    assert!(stdout(&cut).contains("[audit.truncated]"), "{}", stdout(&cut));

    std::fs::write(&anchors, "5 not-a-hash\n").unwrap();
    let bad = shanyraq(&["--db", &db, "audit", "verify", "--anchors", anchors.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("line 1"), "{}", stderr(&bad));
}

#[test]
fn user_add_grant_list_revoke_round_trip() {
    let dir = TempDir::new("users");
    let db = dir.db("u.db");
    assert!(shanyraq(&["--db", &db, "migrate"]).status.success());
    let user = |args: &[&str]| {
        let mut full = vec!["--db", db.as_str(), "user"];
        full.extend(args);
        let o = shanyraq(&full);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        stdout(&o)
    };

    // The password from the environment, or from one line of standard input.
    let args = ["--db", &db, "user", "add", "Aigerim.K", "--name", "Айгерим Касымова"];
    let added = shanyraq_password(&args, "жылқы мен түйе 7");
    assert_eq!(added.status.code(), Some(0), "{}", stderr(&added));
    assert_eq!(stdout(&added), "account 1 created: aigerim.k (staff)\n");
    let args = ["--db", &db, "user", "add", "marat", "--name", "Marat"];
    let added = shanyraq_stdin(&args, "a long enough pass phrase\n");
    assert_eq!(added.status.code(), Some(0), "{}", stderr(&added));
    assert!(stdout(&added).contains("marat (staff)"), "{}", stdout(&added));
    let args = ["--db", &db, "user", "add", "791028302728", "--name", "Иван Петров"];
    let citizen = shanyraq_password(
        &[&args[..], &["--citizen", "--iin", "791028302728"]].concat(),
        "citizen pass 1",
    );
    assert_eq!(citizen.status.code(), Some(0), "{}", stderr(&citizen));

    let role = ["--role", "social_worker", "--agency", "social", "--territory", "113800000"];
    let grant = [&["grant", "aigerim.k"][..], &role].concat();
    assert_eq!(user(&grant), "granted role social_worker/social@113800000 to aigerim.k\n");
    assert!(user(&grant).starts_with("unchanged: aigerim.k already holds"));
    assert_eq!(
        user(&["grant", "aigerim.k", "--category", "violence"]),
        "granted category violence to aigerim.k\n"
    );
    user(&["grant", "aigerim.k", "--category", "child_protection"]);
    user(&[
        "grant",
        "marat",
        "--role",
        "analyst",
        "--agency",
        "ministry",
        "--territory",
        "110000000",
    ]);

    let list = user(&["list"]);
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 4, "{list}");
    assert!(lines[0].starts_with("LOGIN"), "{list}");
    let words = |l: &str| l.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(words(lines[1])[..3], ["791028302728", "citizen", "Иван"], "{list}");
    assert_eq!(
        words(lines[2]),
        [
            "aigerim.k",
            "staff",
            "Айгерим",
            "Касымова",
            "no",
            "social_worker/social@113800000",
            "violence,child_protection"
        ],
        "{list}"
    );
    assert_eq!(words(lines[3])[3..], ["no", "analyst/ministry@110000000", "-"], "{list}");

    // Revoking, twice.
    let revoke = [&["revoke", "aigerim.k"][..], &role].concat();
    assert_eq!(user(&revoke), "revoked role social_worker/social@113800000 from aigerim.k\n");
    assert!(user(&revoke).starts_with("unchanged: aigerim.k does not hold"));
    assert!(!user(&["list"]).contains("social_worker/"));

    // A new password, and signing out.
    let passwd =
        shanyraq_stdin(&["--db", &db, "user", "passwd", "aigerim.k"], "түйе мен жылқы 8\n");
    assert_eq!(passwd.status.code(), Some(0), "{}", stderr(&passwd));
    assert!(stdout(&passwd).contains("password of aigerim.k changed"), "{}", stdout(&passwd));
    assert_eq!(user(&["sign-out", "aigerim.k"]), "0 sessions of aigerim.k ended\n");
    let unknown = shanyraq(&["--db", &db, "user", "sign-out", "nobody"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("account nobody not found"), "{}", stderr(&unknown));
}

#[test]
fn user_commands_refuse_bad_input_with_the_reason() {
    let dir = TempDir::new("users-bad");
    let db = dir.db("u.db");
    assert!(shanyraq(&["--db", &db, "migrate"]).status.success());
    let add = ["--db", &db, "user", "add", "aigerim", "--name", "Aigerim"];

    // Weak passwords: too short, too common, the login itself, or none at all.
    for (password, reason) in [
        ("short pass", "invalid password: the password is shorter than 12 characters"),
        ("password1234", "invalid password: the password is one of the most common passwords"),
        ("AigerimAigerim", ""),
    ] {
        let o = shanyraq_stdin(&add, &format!("{password}\n"));
        if reason.is_empty() {
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            continue;
        }
        assert_eq!(o.status.code(), Some(2), "{password}");
        assert!(stderr(&o).contains(reason), "{password}: {}", stderr(&o));
    }
    let same = shanyraq_password(&["--db", &db, "user", "passwd", "aigerim"], "AIGERIM");
    assert_eq!(same.status.code(), Some(2));
    assert!(
        stderr(&same).contains("invalid password: the password is shorter"),
        "{}",
        stderr(&same)
    );
    let none = shanyraq(&["--db", &db, "user", "add", "marat", "--name", "Marat"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(stderr(&none).contains("SHANYRAQ_PASSWORD"), "{}", stderr(&none));
    let list = stdout(&shanyraq(&["--db", &db, "user", "list"]));
    assert_eq!(list.lines().count(), 2, "only the good account was created: {list}");

    // Unknown role or category, malformed agency or KATO, a territory nobody knows.
    let grant = |extra: &[&str]| {
        let o = shanyraq(&[&["--db", db.as_str(), "user", "grant", "aigerim"][..], extra].concat());
        assert_eq!(o.status.code(), Some(2), "{extra:?}");
        stderr(&o)
    };
    let err = grant(&["--role", "root", "--agency", "social", "--territory", "113800000"]);
    assert!(err.contains("invalid value 'root' for '--role <ROLE>': unknown role `root`"), "{err}");
    assert!(err.contains("social_worker"), "the known roles are listed: {err}");
    let err = grant(&["--category", "secret"]);
    assert!(err.contains("for '--category <CATEGORY>': unknown category `secret`"), "{err}");
    let err = grant(&["--role", "analyst", "--agency", "Ministry", "--territory", "113800000"]);
    assert!(err.contains("for '--agency <AGENCY>': \"Ministry\" is not an agency code"), "{err}");
    let err = grant(&["--role", "analyst", "--agency", "ministry", "--territory", "1138"]);
    assert!(err.contains("for '--territory <TERRITORY>': \"1138\" is not a KATO code"), "{err}");
    let err = grant(&["--role", "analyst", "--agency", "ministry", "--territory", "119999000"]);
    assert!(err.contains("invalid --territory: 119999000 is not a territory"), "{err}");
    let err = grant(&["--role", "analyst"]);
    assert!(err.contains("--agency") && err.contains("--territory"), "{err}");
    let err = grant(&["--role", "citizen", "--agency", "social", "--territory", "113800000"]);
    assert!(err.contains("invalid role: citizens hold no staff role"), "{err}");
    let list = stdout(&shanyraq(&["--db", &db, "user", "list"]));
    let words: Vec<&str> = list.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(words, ["aigerim", "staff", "Aigerim", "no", "-", "-"], "nothing was granted");
}

/// Runs the demo on a small population until it serves, and returns what it printed.
fn demo_until_served(db: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shanyraq"))
        .args(["--db", db, "demo", "--families", "30", "--addr", "127.0.0.1:0"])
        .args(["--reassess-every", "0"])
        .env_remove("SHANYRAQ_DB")
        .env_remove("SHANYRAQ_OUTBOX_FILE")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run shanyraq demo");
    let mut out = String::new();
    for line in std::io::BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        out.push_str(&line);
        out.push('\n');
        if line.contains("is running at") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    out
}

#[test]
fn demo_creates_its_accounts_once_and_prints_them() {
    let dir = TempDir::new("demo");
    let db = dir.db("demo.db");
    let first = demo_until_served(&db);
    assert!(first.contains("is running at"), "{first}");
    assert!(first.contains("Demonstration accounts (12 created now, 0 already there)"), "{first}");
    assert!(first.contains("never use them with real data"), "{first}");
    let row = |out: &str, login: &str| {
        out.lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .find(|w| w.get(w.len().saturating_sub(2)) == Some(&login))
            .map(|w| (w[0].to_owned(), w[w.len() - 1].to_owned()))
    };
    for role in ["social_worker", "supervisor", "analyst", "data_steward", "administrator"] {
        let password = format!("{role}-demo-pass");
        assert_eq!(row(&first, role), Some((role.to_owned(), password)), "{first}");
    }
    let citizen = first.lines().find(|l| l.starts_with("citizen (family ")).expect("a citizen");
    let iin = citizen.split_whitespace().rev().nth(1).unwrap();
    assert!(iin.len() == 12 && iin.bytes().all(|b| b.is_ascii_digit()), "{citizen}");
    assert!(citizen.ends_with(&format!("{iin}-demo-pass")), "{citizen}");

    // The district holds the families, the analyst sees the region, the second social worker
    // another district of it.
    let list = stdout(&shanyraq(&["--db", &db, "user", "list"]));
    assert_eq!(list.lines().count(), 13, "{list}");
    for (login, grant, categories) in [
        ("supervisor", "supervisor/social@113800000", "violence,child_protection"),
        ("analyst", "analyst/ministry@110000000", "-"),
        ("health_specialist", "health_specialist/health@113800000", "health,disability"),
        ("police_specialist", "police_specialist/police@113800000", "violence"),
        ("social_worker", "social_worker/social@113800000", "violence,child_protection"),
    ] {
        let line = list.lines().find(|l| l.starts_with(&format!("{login} "))).unwrap();
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[words.len() - 2..], [grant, categories], "{list}");
    }
    let other = list.lines().find(|l| l.starts_with("social_worker_2 ")).unwrap();
    assert!(other.contains("social_worker/social@11") && !other.contains("@113800000"), "{other}");

    // Again on the same database: nothing new.
    let second = demo_until_served(&db);
    assert!(second.contains("(0 created now, 12 already there)"), "{second}");
    assert_eq!(stdout(&shanyraq(&["--db", &db, "user", "list"])), list);
}
