//! The engine's own bulk loader, as the import benchmark's yardstick: the `sqlite3` shell's
//! `.import` of a CSV file into a bare table of text columns, in a scratch database, with the
//! same durability settings the store uses (WAL, `synchronous = FULL`).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Loads `csv` (a header row, then `columns` fields per row, separated by `delimiter`) into a
/// new table of the scratch database `scratch` with the `sqlite3` shell at `sqlite3`, and
/// returns the time taken and the rows in the table. The scratch file is removed first and
/// after.
pub fn sqlite3_import(
    sqlite3: &Path,
    csv: &Path,
    columns: usize,
    delimiter: char,
    scratch: &Path,
) -> std::io::Result<(Duration, u64)> {
    remove_scratch(scratch);
    let names: Vec<String> = (1..=columns).map(|i| format!("c{i} TEXT")).collect();
    let script = format!(
        "PRAGMA journal_mode = WAL;\n\
         PRAGMA synchronous = FULL;\n\
         CREATE TABLE bare ({});\n\
         .mode csv\n\
         .separator \"{delimiter}\"\n\
         .import --skip 1 \"{}\" bare\n\
         SELECT count(*) FROM bare;\n",
        names.join(", "),
        csv.display()
    );
    let started = Instant::now();
    let mut child = Command::new(sqlite3)
        .arg(scratch)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null()) // .import reports short rows there; they are loaded anyway
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(script.as_bytes())?;
    }
    let out = child.wait_with_output()?;
    let elapsed = started.elapsed();
    remove_scratch(scratch);
    if !out.status.success() {
        return Err(std::io::Error::other(format!("sqlite3 exited with {}", out.status)));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let rows = text.lines().rev().find_map(|l| l.trim().parse::<u64>().ok()).unwrap_or(0);
    Ok((elapsed, rows))
}

fn remove_scratch(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(name);
    }
}
