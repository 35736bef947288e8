//! Families by level over a territory's subtree: counts by ancestor territory, and movements
//! between two days from the level history. Grouped in the database, ordered here (text order in
//! the database depends on its collation).

use shanyraq_domain::{Kato, KatoLevel};
use shanyraq_store::{LevelCount, Movement, StoreError, StoreResult};
use sqlx::PgPool;
use time::Date;

use super::decode::level_code;
use crate::decode::{NOT_KATO, UNKNOWN_CODE, corrupt, to_kato};
use crate::error::fail;
use crate::read::int;

/// Assessed families of the code range `$1..=$2` by the code with its parts below `$3` zeroed
/// (the ancestor at that depth, or the code itself when it lies above it) and level.
const LEVEL_COUNTS: &str = "SELECT f.territory_code / $3 * $3 AS territory, a.level,
        count(*) AS families
    FROM assessments a JOIN families f ON f.id = a.family_id
    WHERE f.territory_code BETWEEN $1 AND $2
    GROUP BY 1, 2";

/// Families of the code range `$1..=$2` by their level on `$3` and on `$4`: the level of their
/// latest history entry made on or before the day; families without one by `$4` are left out.
const MOVEMENTS: &str = "SELECT from_level, to_level, count(*) AS families
    FROM (
        SELECT (array_agg(h.level ORDER BY h.seq DESC) FILTER (WHERE h.assessed_on <= $3))[1]
                   AS from_level,
               (array_agg(h.level ORDER BY h.seq DESC) FILTER (WHERE h.assessed_on <= $4))[1]
                   AS to_level
        FROM level_history h JOIN families f ON f.id = h.family_id
        WHERE f.territory_code BETWEEN $1 AND $2 AND h.assessed_on <= greatest($3, $4)
        GROUP BY h.family_id
    ) AS levels
    WHERE to_level IS NOT NULL
    GROUP BY from_level, to_level";

/// What a code at `depth` keeps: the parts above it; lower parts are zeroed.
fn ancestor_divisor(depth: KatoLevel) -> i32 {
    match depth {
        KatoLevel::Region => 10_000_000,
        KatoLevel::District => 100_000,
        KatoLevel::Okrug => 1_000,
        KatoLevel::Settlement => 1,
    }
}

fn count(n: i64, table: &str, what: &str) -> StoreResult<u64> {
    u64::try_from(n).map_err(|_| StoreError::Corrupt(format!("{table}: {what} counted {n}")))
}

pub(crate) async fn level_counts(
    pool: &PgPool,
    root: Kato,
    depth: KatoLevel,
) -> StoreResult<Vec<LevelCount>> {
    let (lo, hi) = root.subtree_range();
    let rows: Vec<(i32, String, i64)> = sqlx::query_as(LEVEL_COUNTS)
        .bind(int(lo))
        .bind(int(hi))
        .bind(ancestor_divisor(depth))
        .fetch_all(pool)
        .await
        .map_err(fail("counting families by level"))?;
    let mut counts = rows
        .into_iter()
        .map(|(territory, level, families)| {
            let at = |column, why| corrupt("families", "territory_code", territory, column, why);
            Ok(LevelCount {
                territory: to_kato(territory).ok_or_else(|| at("territory_code", NOT_KATO))?,
                level: level_code(&level).ok_or_else(|| {
                    corrupt("assessments", "territory_code", territory, "level", UNKNOWN_CODE)
                })?,
                families: count(families, "assessments", "families")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    counts.sort_by_key(|c| (c.territory, c.level));
    Ok(counts)
}

pub(crate) async fn level_movements(
    pool: &PgPool,
    root: Kato,
    from: Date,
    to: Date,
) -> StoreResult<Vec<Movement>> {
    let (lo, hi) = root.subtree_range();
    let rows: Vec<(Option<String>, String, i64)> = sqlx::query_as(MOVEMENTS)
        .bind(int(lo))
        .bind(int(hi))
        .bind(from)
        .bind(to)
        .fetch_all(pool)
        .await
        .map_err(fail("counting level movements"))?;
    let bad = || StoreError::Corrupt(format!("level_history, column level: {UNKNOWN_CODE}"));
    let mut movements = rows
        .into_iter()
        .map(|(from, to, families)| {
            Ok(Movement {
                from: from.map(|l| level_code(&l).ok_or_else(bad)).transpose()?,
                to: level_code(&to).ok_or_else(bad)?,
                families: count(families, "level_history", "families")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    // `None` sorts first.
    movements.sort_by_key(|m| (m.from, m.to));
    Ok(movements)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_divisor_zeroes_the_parts_below_the_depth() {
        let code: i32 = 751_234_567;
        let at = |depth| code / ancestor_divisor(depth) * ancestor_divisor(depth);
        assert_eq!(at(KatoLevel::Region), 750_000_000);
        assert_eq!(at(KatoLevel::District), 751_200_000);
        assert_eq!(at(KatoLevel::Okrug), 751_234_000);
        assert_eq!(at(KatoLevel::Settlement), 751_234_567);
    }
}
