#!/usr/bin/env python3
"""Export what the well-being assessment reads from a Shanyraq SQLite database to Parquet.

    python3 bench/duckdb/export.py --db data/shanyraq.db --out /tmp/shanyraq-export

Writes, in the output directory:

    families.parquet      id, territory_code, settlement_type
    persons.parquet       id, birth_date, disability, death_date
    memberships.parquet   family_id, person_id, valid_from, valid_until
    observations.parquet  id, family_id, person_id, indicator, value_num, value_text,
                          observed_at, valid_from, valid_until
                          (current facts only: superseded_by IS NULL)

No names, IINs, addresses or phone numbers leave the database. The database is opened read-only.
Each table is streamed from SQLite into a CSV file (by the `sqlite3` command-line shell when it is
installed, about twice as fast, else by Python's sqlite3 a batch at a time) and converted to
Parquet by DuckDB while the next table is read, so memory stays flat whatever the size (a million
families, twenty million facts). The CSV files are removed once converted.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

# Each table: the SQLite table, an optional WHERE, and its columns with their DuckDB types.
# Text columns travel with a one-character prefix (see `select_sql`).
TABLES: dict[str, tuple[str, str, dict[str, str]]] = {
    "families": (
        "families",
        "",
        {"id": "BIGINT", "territory_code": "BIGINT", "settlement_type": "VARCHAR"},
    ),
    "persons": (
        "persons",
        "",
        {"id": "BIGINT", "birth_date": "DATE", "disability": "VARCHAR", "death_date": "DATE"},
    ),
    "memberships": (
        "memberships",
        "",
        {"family_id": "BIGINT", "person_id": "BIGINT", "valid_from": "DATE", "valid_until": "DATE"},
    ),
    "observations": (
        "observations",
        # Current facts only: a corrected fact stays as history, superseded by its batch.
        "superseded_by IS NULL",
        {
            "id": "BIGINT",
            "family_id": "BIGINT",
            "person_id": "BIGINT",
            "indicator": "VARCHAR",
            "value_num": "BIGINT",
            "value_text": "VARCHAR",
            "observed_at": "DATE",
            "valid_from": "DATE",
            "valid_until": "DATE",
        },
    ),
}

# The stored results of the Rust engine, for the cross-check (not needed by the SQL itself).
ASSESSMENTS: tuple[str, str, dict[str, str]] = (
    "assessments",
    "",
    {
        "family_id": "BIGINT",
        "total": "BIGINT",
        "score_level": "VARCHAR",
        "level": "VARCHAR",
        "assessed_on": "DATE",
        "methodology": "VARCHAR",
    },
)

BATCH_ROWS = 50_000


def sqlite_path(db: str) -> Path:
    """Accepts a file path or the application's `sqlite:PATH` / `sqlite://PATH` form."""
    for prefix in ("sqlite://", "sqlite:"):
        if db.startswith(prefix):
            db = db[len(prefix):]
            break
    path = Path(db.split("?", 1)[0])
    if not path.is_file():
        raise SystemExit(f"no SQLite database at {path}")
    return path


def open_read_only(db: str) -> sqlite3.Connection:
    uri = sqlite_path(db).resolve().as_uri() + "?mode=ro"
    con = sqlite3.connect(uri, uri=True)
    # A large page cache helps the table scans; nothing is written.
    con.execute("PRAGMA cache_size = -262144")
    return con


def select_sql(table: str, where: str, types: dict[str, str]) -> str:
    """The SELECT that reads a table for the CSV: text columns with a one-character prefix, so
    that an empty text stays distinct from NULL (an empty field) on the way through."""
    cols = ", ".join(f"'=' || {c} AS {c}" if t == "VARCHAR" else c for c, t in types.items())
    return f"SELECT {cols} FROM {table}" + (f" WHERE {where}" if where else "")


def dump_python(con: sqlite3.Connection, query: str, header: list[str], csv_path: Path) -> None:
    """Writes the rows of `query` to `csv_path`, a batch at a time."""
    cur = con.execute(query)
    with open(csv_path, "w", newline="", encoding="utf-8", buffering=1 << 20) as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        while True:
            batch = cur.fetchmany(BATCH_ROWS)
            if not batch:
                break
            w.writerows(batch)


def dump_shell(shell: str, db: Path, query: str, csv_path: Path) -> None:
    """The same with the `sqlite3` command-line shell, which writes CSV about twice as fast.
    Read-only, and without any personal settings file (`-init /dev/null`)."""
    with open(csv_path, "wb") as f:
        subprocess.run(
            [shell, "-init", os.devnull, "-readonly", "-batch", "-bail", "-csv", "-header",
             str(db), query],
            stdout=f,
            stderr=subprocess.PIPE,
            check=True,
        )


def to_parquet(duck: duckdb.DuckDBPyConnection, types: dict[str, str], csv_path: Path,
               parquet_path: Path) -> int:
    """Converts a dumped CSV to Parquet, strips the text prefixes, removes the CSV; returns the
    number of rows."""
    columns = ", ".join(f"'{c}': '{t}'" for c, t in types.items())
    unwrap = ", ".join(f"substr({c}, 2) AS {c}" if t == "VARCHAR" else c for c, t in types.items())
    rows = duck.execute(
        f"""COPY (SELECT {unwrap} FROM read_csv('{sql_text(csv_path)}', header = true,
                  columns = {{{columns}}}, delim = ',', quote = '"', escape = '"',
                  nullstr = '', dateformat = '%Y-%m-%d'))
            TO '{sql_text(parquet_path)}' (FORMAT parquet, COMPRESSION zstd)"""
    ).fetchall()[0][0]
    csv_path.unlink()
    return int(rows)


def sql_text(path: Path) -> str:
    """A path as the inside of an SQL string literal."""
    return path.as_posix().replace("'", "''")


def find_shell(reader: str) -> str | None:
    """The sqlite3 shell to dump with, or None for Python's sqlite3."""
    if reader == "python":
        return None
    shell = shutil.which("sqlite3")
    if shell is None and reader == "shell":
        raise SystemExit("--reader shell: no sqlite3 command on PATH")
    return shell


def export(db: str, out: Path, tables: dict[str, tuple[str, str, dict[str, str]]] | None = None,
           quiet: bool = False, reader: str = "auto") -> dict[str, int]:
    """Exports `tables` (default: the assessment's inputs, TABLES) of `db` into `out`. Returns
    the row count of each table.

    Each table is dumped to CSV by `reader` (`shell`: the sqlite3 command, `python`: Python's
    sqlite3, `auto`: the shell when there is one) and converted to Parquet by DuckDB on another
    thread while the next table is dumped."""
    out.mkdir(parents=True, exist_ok=True)
    path = sqlite_path(db)
    shell = find_shell(reader)
    con = open_read_only(db)
    duck = duckdb.connect()
    duck.execute("SET enable_progress_bar = false")
    duck.execute("SET preserve_insertion_order = false")
    counts: dict[str, int] = {}
    tables = dict(TABLES) if tables is None else tables
    if not quiet:
        print(f"  reading with {shell or 'python sqlite3 ' + sqlite3.sqlite_version}", flush=True)

    def convert(name: str, types: dict[str, str], csv_path: Path, started: float,
                dumped: float) -> None:
        counts[name] = to_parquet(duck.cursor(), types, csv_path, out / f"{name}.parquet")
        if not quiet:
            print(f"  {name:<13} {counts[name]:>12,} rows  dumped in {dumped:6.2f} s,"
                  f" Parquet after {time.perf_counter() - started:6.2f} s", flush=True)

    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = []
            for name, (table, where, types) in tables.items():
                started = time.perf_counter()
                csv_path = out / f"{name}.csv"
                query = select_sql(table, where, types)
                if shell:
                    dump_shell(shell, path, query, csv_path)
                else:
                    dump_python(con, query, list(types), csv_path)
                dumped = time.perf_counter() - started
                pending.append(pool.submit(convert, name, types, csv_path, started, dumped))
            for f in pending:
                f.result()
    except subprocess.CalledProcessError as e:
        raise SystemExit(f"sqlite3: {e.stderr.decode(errors='replace').strip()}") from None
    finally:
        con.close()
        duck.close()
    return counts


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", required=True, help="SQLite file (or sqlite:PATH)")
    p.add_argument("--out", required=True, type=Path, help="directory for the Parquet files")
    p.add_argument(
        "--assessments", action="store_true", help="also export the stored assessments"
    )
    p.add_argument(
        "--reader", choices=["auto", "shell", "python"], default="auto",
        help="dump with the sqlite3 command (shell), Python's sqlite3, or the shell if present",
    )
    args = p.parse_args()
    started = time.perf_counter()
    tables = dict(TABLES)
    if args.assessments:
        tables["assessments"] = ASSESSMENTS
    counts = export(args.db, args.out, tables, reader=args.reader)
    elapsed = time.perf_counter() - started
    size = sum(f.stat().st_size for f in args.out.glob("*.parquet"))
    print(
        f"export: {counts.get('families', 0):,} families, {counts.get('observations', 0):,} facts"
        f" in {elapsed:.2f} s ({size / 1e6:,.1f} MB of Parquet in {args.out})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
