#!/usr/bin/env python3
"""Fill a migrated, empty Shanyraq SQLite database with random families full of edge cases.

    shanyraq --db sqlite:edge.db migrate
    python3 bench/duckdb/edge_cases.py --db edge.db --on 2026-11-30 --seed 1
    shanyraq --db sqlite:edge.db assess --all --on 2026-11-30
    python3 bench/duckdb/crosscheck.py --db edge.db --on 2026-11-30

The generator makes tidy families; these are not. Around the day `--on` there are members who
die, are born, join or leave on the day or the day after; a person listed twice in one family;
29 February birthdays; ages 3, 6, 7, 17, 18 and 63 on the day; facts observed or taking effect
after the day, ending on the day, superseded, tied on both dates, about people who are not
members, with an unknown disability code or a negative amount; household facts given twice or
about a member; regions with and without a stored median for the previous quarter (stored
medians that do not follow from the facts, so that the cross-check warns about them, and the
per-region poverty lines differ). Values are chosen near the methodology's band bounds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, str(Path(__file__).resolve().parent))

import crosscheck  # noqa: E402  (the sibling module)
import export  # noqa: E402

SETTLEMENTS = ["capital", "republican_city", "oblast_city", "district_centre", "rural_okrug",
               "rural_settlement"]
REGIONS = [110000000, 190000000, 750000000]
INCOMES = ["income.wage", "income.self_employment", "income.pension", "income.benefit",
           "income.alimony"]
FLAGS = ["employment.able_bodied", "health.clinic_attached", "health.insured",
         "education.kindergarten_attached", "education.school_attached", "debt.overdue_90_days"]
CODES = {
    "employment.status": ["employed", "self_employed", "unemployed_registered", "unemployed",
                          "student", "retired", "childcare_leave", "unable_to_work"],
    "disability.group": ["group1", "group2", "group3", "child", "unknown_code"],
}
HOUSEHOLD = ["housing.area_m2", "property.real_estate_count", "property.vehicle_count",
             "property.agri_machinery_count", "property.land_ha", "property.livestock_heads",
             "benefits.targeted_assistance"]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", required=True, help="a migrated SQLite file without families")
    p.add_argument("--on", type=dt.date.fromisoformat, default=dt.date(2026, 11, 30))
    p.add_argument("--families", type=int, default=3000)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    on: dt.date = args.on
    rng = random.Random(args.seed)
    day = dt.timedelta(days=1)

    con = sqlite3.connect(export.sqlite_path(args.db))
    if con.execute("SELECT count(*) FROM families").fetchone()[0]:
        raise SystemExit("the database already has families; use a new one")
    batch = con.execute(
        "INSERT INTO import_batches (feed, label, started_at, finished_at, rows_accepted,"
        " rows_rejected) VALUES ('edge_cases', 'edge cases', ?, ?, 0, 0)",
        [f"{on}T00:00:00Z", f"{on}T00:00:00Z"],
    ).lastrowid

    def iso(d: dt.date | None) -> str | None:
        return d.isoformat() if d else None

    def between(a: dt.date, b: dt.date) -> dt.date:
        return a + dt.timedelta(days=rng.randrange((b - a).days + 1))

    facts: list[tuple] = []

    def fact(family: int, person: int | None, indicator: str, num: int | None = None,
             text: str | None = None, superseded: bool = False) -> None:
        observed = between(on - dt.timedelta(days=700), on + dt.timedelta(days=30)) \
            if rng.random() < 0.9 else on
        valid_from = between(on - dt.timedelta(days=1000), observed) \
            if rng.random() < 0.8 else on
        valid_until = None if rng.random() < 0.8 else \
            between(on - dt.timedelta(days=180), on + dt.timedelta(days=180))
        if rng.random() < 0.03:
            valid_until = on
        facts.append((family, person, indicator, num, text, "field_visit", iso(observed),
                      iso(valid_from), iso(valid_until), batch, batch if superseded else None))

    ages_on_the_day = [3, 6, 7, 17, 18, 63, 0]
    person = con.execute("SELECT coalesce(max(id), 0) FROM persons").fetchone()[0]
    for family in range(1, args.families + 1):
        territory = rng.choice(REGIONS) + rng.randrange(1_000_000)
        con.execute(
            "INSERT INTO families (id, territory_code, settlement_type, registered_on)"
            " VALUES (?, ?, ?, ?)",
            [family, territory, rng.choice(SETTLEMENTS), iso(on - dt.timedelta(days=3000))],
        )
        members = []
        for _ in range(rng.choice([0, 1, 1, 2, 3, 4, 5, 6])):
            person += 1
            kind = rng.random()
            if kind < 0.3:
                born = between(on - dt.timedelta(days=18 * 366), on - dt.timedelta(days=3 * 365))
            elif kind < 0.4:
                age = rng.choice(ages_on_the_day)
                anniversary = dt.date(on.year - age, on.month, min(on.day, 28))
                if on.day > 28:
                    anniversary += dt.timedelta(days=on.day - 28)  # 29, 30 or 31: clamped
                born = anniversary + rng.choice([dt.timedelta(0), day, -day])
                born = min(born, on + day)
            elif kind < 0.43:
                born = dt.date(rng.choice([2012, 2016, 2020]), 2, 29)
            else:
                born = between(dt.date(on.year - 85, 1, 1), dt.date(on.year - 18, 1, 1))
            disability = rng.choice([None] * 8 + ["group1", "group2", "group3", "child"])
            death = None if rng.random() < 0.95 else rng.choice([on, on - day, on + day])
            con.execute(
                "INSERT INTO persons (id, last_name, first_name, birth_date, sex, disability,"
                " death_date) VALUES (?, 'Test', 'Test', ?, ?, ?, ?)",
                [person, iso(born), rng.choice(["male", "female"]), disability, iso(death)],
            )
            start = on - dt.timedelta(days=2000)
            if rng.random() < 0.1:
                start = rng.choice([on, on + day])
            until = None if rng.random() < 0.9 else rng.choice([on, on + day, on - 300 * day])
            con.execute("INSERT INTO memberships VALUES (?, ?, 'other', ?, ?)",
                        [family, person, iso(start), iso(until)])
            if rng.random() < 0.05:  # the same person listed again, from earlier
                con.execute("INSERT INTO memberships VALUES (?, ?, 'other', ?, NULL)",
                            [family, person, iso(start - 400 * day)])
            members.append(person)
        stranger = [10_000_000 + family] if rng.random() < 0.1 else []
        for who in members + stranger:
            for _ in range(rng.choice([0, 1, 2, 3])):
                fact(family, who, rng.choice(INCOMES),
                     rng.choice([0, 10000, 12712, 12713, 50851, 50852, 120000, 250000, -5000]))
            for f in FLAGS:
                for _ in range(rng.choice([0, 0, 1, 1, 2])):
                    fact(family, who, f, rng.choice([0, 1]))
            for code, values in CODES.items():
                for _ in range(rng.choice([0, 1, 2])):
                    fact(family, who, code, text=rng.choice(values))
            if rng.random() < 0.5:
                fact(family, who, "education.absence_days", rng.choice([0, 5, 29, 30, 45]))
            if rng.random() < 0.1:
                fact(family, who, "income.wage", 999_999_999, superseded=True)
        for f in HOUSEHOLD:
            for _ in range(rng.choice([0, 1, 1, 2])):
                fact(family, None, f, rng.choice([0, 1, 2, 5, 6, 7, 12, 18, 20, 21, 31, 60, -3]))
        for _ in range(rng.choice([0, 1, 2])):
            fact(family, None, "housing.tenure", text=rng.choice(["own", "rent", "none", "social"]))
        if rng.random() < 0.05:
            fact(family, None, "police.domestic_violence_report", rng.choice([0, 1]))
        if members and rng.random() < 0.05:  # a household indicator reported about a member
            fact(family, members[0], "housing.area_m2", 200)
    con.executemany(
        "INSERT INTO observations (family_id, person_id, indicator, value_num, value_text,"
        " source, observed_at, valid_from, valid_until, batch_id, superseded_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        facts,
    )
    quarter_end = crosscheck.previous_quarter_end(on)
    for region in REGIONS[:2]:
        con.execute(
            "INSERT OR REPLACE INTO region_medians VALUES (?, ?, ?, 1)",
            [iso(quarter_end), region, rng.choice([60000, 120000, 150000])],
        )
    con.commit()
    print(f"{args.families:,} families, {person:,} persons, {len(facts):,} facts;"
          f" medians stored for {quarter_end} in {len(REGIONS) - 1} of {len(REGIONS)} regions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
