#!/usr/bin/env python3
"""Cross-check the Rust assessment engine against the methodology written as DuckDB SQL.

    python3 bench/duckdb/crosscheck.py --db data/shanyraq.db --on 2026-11-30 [--out DIR]

Exports the database (export.py), assesses every family on the day with methodology.sql, reads
the results the Rust engine stored in the `assessments` table of the same database and compares
them family by family. Exit status 0 when every family agrees, 1 when any disagrees or is missing
on one side, 2 when the check cannot run.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import shutil
import sqlite3
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, str(HERE))

import export  # noqa: E402  (the sibling module)

DEFAULT_CONSTANTS = ROOT / "data" / "constants" / "subsistence_minimum.csv"
DEFAULT_METHODOLOGY = ROOT / "data" / "methodology" / "ckc-2023-reconstruction.toml"
LEVELS = "ABCDE"

# The methodology variable each SQL column holds (for showing rule by rule where sides differ).
VAR_COLUMNS = {
    "income.per_capita": "income_per_capita",
    "debt.all_adults_overdue": "all_adults_overdue",
    "property.vehicles": "vehicles",
    "property.real_estate": "real_estate",
    "employment.no_able_bodied": "no_able_bodied",
    "employment.working_members": "working_members",
    "employment.registered_unemployed": "registered_unemployed",
    "benefits.targeted_assistance": "targeted_assistance",
    "disability.adults_group_1_2": "adults_group_1_2",
    "disability.children": "children_disability",
    "health.unattached_members": "unattached_members",
    "health.uninsured_members": "uninsured_members",
    "education.school_age_not_attached": "school_age_not_attached",
    "education.preschool_not_attached": "preschool_not_attached",
    "housing.none": "homeless",
    "housing.area_per_capita": "area_per_capita",
    "settlement.rural": "rural",
    "property.livestock_heads": "livestock",
    "property.land_ha": "land_ha",
    "property.agri_machinery": "machinery",
    "police.domestic_violence": "domestic_violence",
    "education.max_absence_days": "max_absence_days",
    "members": "members",
    "poverty_line": "poverty_line",
    "pm": "pm",
}


# The median per-capita income of each region's families with members, from `result`: the
# middle value, or the mean of the two middle values rounded down (poverty::median).
MEDIANS_SQL = """
    WITH x AS (
        SELECT region_code, income_per_capita::HUGEINT AS v,
               row_number() OVER (PARTITION BY region_code ORDER BY income_per_capita) AS i,
               count(*) OVER (PARTITION BY region_code) AS n
        FROM result
        WHERE members > 0
    )
    SELECT region_code,
           CASE WHEN any_value(n) % 2 = 1 THEN max(v) FILTER (WHERE i = (n + 1) // 2)
                ELSE floor((max(v) FILTER (WHERE i = n // 2)
                            + max(v) FILTER (WHERE i = n // 2 + 1)) / 2)
           END::BIGINT AS median
    FROM x
    GROUP BY region_code
"""


# ── Figures ─────────────────────────────────────────────────────────────────────────────────


def share(amount: int, numerator: int, denominator: int) -> int:
    """amount × numerator ÷ denominator, rounded half away from zero (Tenge::share)."""
    n = amount * numerator
    sign = -1 if (n < 0) != (denominator < 0) else 1
    q, r = divmod(abs(n), abs(denominator))
    if 2 * r >= abs(denominator):
        q += 1
    return sign * q


def poverty_line(median: int | None, pm: int) -> int:
    """max(35 % of the region's median, 70 % of ПМ); 70 % of ПМ without a median."""
    from_pm = share(pm, 70, 100)
    return from_pm if median is None else max(share(median, 35, 100), from_pm)


def previous_quarter_end(on: dt.date) -> dt.date:
    """The last day of the quarter before the one `on` falls in."""
    start = dt.date(on.year, (on.month - 1) // 3 * 3 + 1, 1)
    return start - dt.timedelta(days=1)


def subsistence_minimum(rows: list[tuple[dt.date, int | None, int]], on: dt.date,
                        region: int | None) -> int | None:
    """ПМ on `on` for `region` (None: national): of the national and the region's figures in
    force, the later; on the same date the regional one."""
    best = None
    for effective_from, r, amount in rows:
        if effective_from <= on and (r is None or r == region):
            key = (effective_from, r is not None)
            if best is None or key > best[0]:
                best = (key, amount)
    return None if best is None else best[1]


def read_constants(path: Path) -> list[tuple[dt.date, int | None, int]]:
    with open(path, newline="", encoding="utf-8") as f:
        return [
            (
                dt.date.fromisoformat(row["effective_from"].strip()),
                int(row["region"]) if row["region"].strip() else None,
                int(row["amount_tenge"]),
            )
            for row in csv.DictReader(f)
        ]


# ── Helpers ─────────────────────────────────────────────────────────────────────────────────


def fail(message: str) -> None:
    print(f"crosscheck: {message}", file=sys.stderr)
    sys.exit(2)


def level_counts(duck: duckdb.DuckDBPyConnection, table: str) -> dict[str, int]:
    rows = duck.execute(f"SELECT level, count(*) FROM {table} GROUP BY level").fetchall()
    return {level: n for level, n in rows}


def run_sql(duck: duckdb.DuckDBPyConnection, script: str, out: Path, on: dt.date, pm: int,
            line: int, figures_csv: Path) -> None:
    duck.execute("SET VARIABLE data_dir = ?", [out.as_posix()])
    duck.execute("SET VARIABLE on_date = ?::DATE", [on.isoformat()])
    duck.execute("SET VARIABLE pm = ?::BIGINT", [pm])
    duck.execute("SET VARIABLE poverty_line = ?::BIGINT", [line])
    duck.execute("SET VARIABLE figures_csv = ?", [figures_csv.as_posix()])
    duck.execute(script)


def rule_keys(db: sqlite3.Connection, version: str) -> tuple[list[str], list[str]]:
    """The rule and override keys of an installed methodology version, in file order (the
    indexes its stored details use)."""
    row = db.execute("SELECT source FROM methodologies WHERE version = ?", [version]).fetchone()
    text = row[0] if row else DEFAULT_METHODOLOGY.read_text(encoding="utf-8")
    m = tomllib.loads(text)
    return [r["key"] for r in m.get("rule", [])], [o["key"] for o in m.get("override", [])]


def explain(db: sqlite3.Connection, duck: duckdb.DuckDBPyConnection, family: int,
            keys: dict[str, tuple[list[str], list[str]]]) -> list[str]:
    """Rule by rule, where the two sides give different points or read different values."""
    row = db.execute(
        "SELECT methodology, detail FROM assessments WHERE family_id = ?", [family]
    ).fetchone()
    sql = duck.execute("SELECT * FROM result WHERE family_id = ?", [family]).fetchone()
    if row is None or sql is None:
        return []
    cols = [d[0] for d in duck.description]
    mine = dict(zip(cols, sql))
    version, detail = row
    if version not in keys:
        keys[version] = rule_keys(db, version)
    rules, overrides = keys[version]
    try:
        d = json.loads(detail)
    except json.JSONDecodeError:
        return ["      (the stored detail is not JSON)"]
    theirs = {}
    for rule, _band, points, values in d.get("c", []):
        key = rules[rule] if rule < len(rules) else f"rule[{rule}]"
        theirs[key] = (points, dict(values))
    lines = []
    for key in rules:
        col = "p_" + key.replace(".", "_")
        my_points = mine.get(col)
        my_value = mine.get(VAR_COLUMNS.get(key, ""), "?")
        if isinstance(my_value, bool):
            my_value = int(my_value)
        their_points, their_values = theirs.get(key, (None, {}))
        their_value = their_values.get(key)
        if my_points != their_points or (their_value is not None and their_value != my_value):
            lines.append(
                f"      {key}: rust {their_points} points (value {their_value}),"
                f" sql {my_points} points (value {my_value})"
            )
    fired = {overrides[o[0]] if o[0] < len(overrides) else f"override[{o[0]}]"
             for o in d.get("o", [])}
    mine_fired = {k for k in overrides if mine.get("o_" + k)}
    if fired != mine_fired:
        lines.append(f"      overrides: rust {sorted(fired)}, sql {sorted(mine_fired)}")
    return lines


# ── Main ────────────────────────────────────────────────────────────────────────────────────


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", required=True, help="SQLite file (or sqlite:PATH)")
    p.add_argument("--on", required=True, type=dt.date.fromisoformat,
                   help="the day assessed, YYYY-MM-DD")
    p.add_argument("--out", type=Path,
                   help="keep the exported files and results here (default: a temporary "
                        "directory, removed afterwards)")
    p.add_argument("--constants", type=Path, default=DEFAULT_CONSTANTS,
                   help="subsistence_minimum.csv (default: the bundled one)")
    p.add_argument("--threads", type=int, help="DuckDB threads (default: all cores)")
    p.add_argument("--memory-limit",
                   help="DuckDB memory limit, e.g. 2GB (default: DuckDB's, 80 %% of RAM);"
                        " beyond it DuckDB spills to disk")
    p.add_argument("--reader", choices=["auto", "shell", "python"], default="auto",
                   help="export with the sqlite3 command (shell), Python's sqlite3, or the"
                        " shell when it is installed (auto, the default)")
    p.add_argument("--show", type=int, default=10, help="disagreeing families to show")
    p.add_argument("--no-medians", action="store_true",
                   help="do not recompute the stored medians behind the poverty line")
    args = p.parse_args()

    on: dt.date = args.on
    out: Path = args.out or Path(tempfile.mkdtemp(prefix="shanyraq-crosscheck-"))
    keep = args.out is not None
    try:
        return check(args, on, out)
    finally:
        if not keep:
            shutil.rmtree(out, ignore_errors=True)


def check(args: argparse.Namespace, on: dt.date, out: Path) -> int:
    db = export.open_read_only(args.db)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "assessments" not in tables:
        fail("the database has no assessments table; migrate and assess it first")

    # 1. Export.
    print(f"export of {args.db} to {out}")
    started = time.perf_counter()
    counts = export.export(args.db, out, reader=args.reader)
    export_s = time.perf_counter() - started
    families = counts["families"]
    print(f"export: {families:,} families, {counts['persons']:,} persons,"
          f" {counts['memberships']:,} memberships, {counts['observations']:,} current facts"
          f" in {export_s:.2f} s")

    # 2. The figures of the day.
    rows = read_constants(args.constants)
    pm = subsistence_minimum(rows, on, None)
    if pm is None:
        fail(f"no national ПМ is known for {on} in {args.constants}")
    quarter_end = previous_quarter_end(on)
    medians = dict(db.execute(
        "SELECT region_code, median FROM region_medians WHERE on_date = ?",
        [quarter_end.isoformat()],
    ).fetchall()) if "region_medians" in tables else {}
    duck = duckdb.connect()
    duck.execute("SET enable_progress_bar = false")
    if args.threads:
        duck.execute(f"SET threads = {int(args.threads)}")
    if args.memory_limit:
        duck.execute("SET memory_limit = ?", [args.memory_limit])
    regions = [r[0] for r in duck.execute(
        "SELECT DISTINCT territory_code // 10000000 * 10000000 FROM read_parquet(?) ORDER BY 1",
        [(out / "families.parquet").as_posix()],
    ).fetchall()]
    figures_csv = out / "region_figures.csv"
    with open(figures_csv, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["region_code", "pm", "poverty_line"])
        for region in sorted(set(regions) | set(medians)):
            region_pm = subsistence_minimum(rows, on, region)
            w.writerow([region, region_pm, poverty_line(medians.get(region), region_pm)])
    default_line = poverty_line(None, pm)
    print(f"figures on {on}: ПМ {pm}; poverty line 70 % of ПМ = {default_line}"
          + (f", or 35 % of the median of {quarter_end} where higher"
             f" ({len(medians)} region(s) with a median)" if medians
             else f" (no medians stored for {quarter_end})"))

    script = (HERE / "methodology.sql").read_text(encoding="utf-8")

    # 2b. The stored medians, recomputed: the same profile on the quarter's last day.
    if medians and not args.no_medians:
        started = time.perf_counter()
        run_sql(duck, script, out, quarter_end, pm, default_line, figures_csv)
        computed = dict(duck.execute(MEDIANS_SQL).fetchall())
        both = set(medians) | set(computed)
        wrong = sorted(r for r in both if medians.get(r) != computed.get(r))
        print(f"medians of {quarter_end} recomputed in {time.perf_counter() - started:.2f} s:"
              f" {len(both) - len(wrong)} of {len(both)} region(s) agree with region_medians")
        if wrong:
            print("warning: the stored medians differ from the facts as they are now (facts"
                  " loaded since they were computed, or a fault); the families are still"
                  " compared with the lines from the stored medians, as the engine used them")
        for r in wrong[: args.show]:
            print(f"  region {r}: stored {medians.get(r)}, sql {computed.get(r)}")

    # 3. The methodology in SQL.
    started = time.perf_counter()
    run_sql(duck, script, out, on, pm, default_line, figures_csv)
    sql_s = time.perf_counter() - started
    assessed = duck.execute("SELECT count(*) FROM result").fetchone()[0]
    rate = assessed / sql_s if sql_s > 0 else float("inf")
    print(f"duckdb {duckdb.__version__}: {assessed:,} families assessed in {sql_s:.2f} s"
          f" ({rate:,.0f} families/s)")
    if args.out:
        duck.execute(f"COPY result TO '{export.sql_text(out / 'result.parquet')}' (FORMAT parquet)")

    # 4. The Rust results.
    started = time.perf_counter()
    export.export(args.db, out, {"assessments": export.ASSESSMENTS}, quiet=True,
                  reader=args.reader)
    duck.execute("CREATE TABLE rust AS SELECT * FROM read_parquet(?)",
                 [(out / "assessments.parquet").as_posix()])
    print(f"read the stored results in {time.perf_counter() - started:.2f} s")
    versions = duck.execute(
        "SELECT methodology, count(*) FROM rust GROUP BY 1 ORDER BY 2 DESC").fetchall()
    days = duck.execute(
        "SELECT assessed_on, count(*) FROM rust GROUP BY 1 ORDER BY 2 DESC").fetchall()
    print("rust: methodology " + ", ".join(f"{v} ({n:,})" for v, n in versions)
          + "; assessed on " + ", ".join(f"{d} ({n:,})" for d, n in days[:5]))
    if any(v != "ckc-2023-r1" for v, _ in versions):
        print("warning: methodology.sql is the default methodology ckc-2023-r1;"
              " families assessed by another version will disagree")

    # 5. Compare.
    sql_levels = level_counts(duck, "result")
    rust_levels = level_counts(duck, "rust")
    print()
    print(f"level  {'sql':>11} {'rust':>11}")
    for level in LEVELS:
        print(f"  {level:<3}  {sql_levels.get(level, 0):>11,} {rust_levels.get(level, 0):>11,}")
    print(f"  all  {sum(sql_levels.values()):>11,} {sum(rust_levels.values()):>11,}")

    duck.execute("""
        CREATE TABLE cmp AS
        SELECT
            coalesce(s.family_id, r.family_id) AS family_id,
            s.total AS sql_total, s.score_level AS sql_score_level, s.level AS sql_level,
            r.total AS rust_total, r.score_level AS rust_score_level, r.level AS rust_level,
            r.assessed_on,
            CASE
                WHEN r.family_id IS NULL THEN 'not assessed by rust'
                WHEN s.family_id IS NULL THEN 'not a family in the export'
                WHEN r.assessed_on <> getvariable('on_date') THEN 'rust assessed on another day'
                WHEN s.total <> r.total OR s.level <> r.level OR s.score_level <> r.score_level
                    THEN 'different result'
            END AS problem
        FROM result s
        FULL OUTER JOIN rust r ON r.family_id = s.family_id
    """)
    problems = duck.execute(
        "SELECT problem, count(*) FROM cmp WHERE problem IS NOT NULL GROUP BY 1 ORDER BY 1"
    ).fetchall()
    bad = sum(n for _, n in problems)
    agree = duck.execute("SELECT count(*) FROM cmp WHERE problem IS NULL").fetchone()[0]
    print()
    print(f"agree: {agree:,} families; disagree or missing: {bad:,}")
    for problem, n in problems:
        print(f"  {problem}: {n:,}")
    if bad:
        print()
        print(f"first {min(args.show, bad)} by family id:")
        keys: dict[str, tuple[list[str], list[str]]] = {}
        for row in duck.execute(
            "SELECT * FROM cmp WHERE problem IS NOT NULL ORDER BY family_id LIMIT ?",
            [args.show],
        ).fetchall():
            fid, st, ssl, sl, rt, rsl, rl, day, problem = row
            print(f"  family {fid}: sql total {st} level {sl} (score {ssl});"
                  f" rust total {rt} level {rl} (score {rsl}, on {day}) — {problem}")
            for line in explain(db, duck, fid, keys):
                print(line)
    print()
    print(f"timings: export {export_s:.2f} s, duckdb {sql_s:.2f} s for {families:,} families")
    db.close()
    duck.close()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
