//! What a batch left behind (report lines, pending rows, changed families) and the person lookup
//! an import resolves each chunk's IINs with.

use shanyraq_domain::{BatchId, FamilyId, Iin, PersonId};
use shanyraq_store::{ImportIssue, IssueCursor, PendingRow, ResolvedPerson, StoreResult};
use sqlx::PgPool;
use time::Date;

use super::{decode, encode};
use crate::error::fail;

/// Most report lines one page returns.
const MAX_ISSUES: u32 = 10_000;

const ISSUES: &str = "SELECT line, seq, verdict, column_key, value_masked, code, args
    FROM import_issues
    WHERE batch_id = $1 AND (line, seq) > ($2, $3)
    ORDER BY line, seq
    LIMIT $4";

const PENDING: &str = "SELECT line, reason, iin, last_name, first_name, birth_date,
        territory_code, facts
    FROM pending_rows WHERE batch_id = $1 ORDER BY line";

const CHANGED: &str = "SELECT family_id FROM family_changes WHERE batch_id = $1 ORDER BY family_id";

/// Each asked IIN's position and person, with every membership of theirs that holds on `$2`
/// ([`shanyraq_domain::Membership::holds_on`]: `until` is exclusive); the caller picks one. A
/// plain join costs a fifth less than a `LATERAL … LIMIT 1` per person, whose sort runs per row.
const RESOLVE: &str = "SELECT asked.position, p.id AS person_id, m.family_id, m.valid_from
    FROM unnest($1::text[]) WITH ORDINALITY AS asked (iin, position)
    JOIN persons p ON p.iin = asked.iin
    LEFT JOIN memberships m ON m.person_id = p.id AND m.valid_from <= $2
        AND (m.valid_until IS NULL OR $2 < m.valid_until)";

pub(crate) async fn issues(
    pool: &PgPool,
    id: BatchId,
    after: Option<IssueCursor>,
    limit: u32,
) -> StoreResult<Vec<ImportIssue>> {
    let (line, seq) =
        after.map_or((i64::MIN, i32::MIN), |c| (encode::line(c.line), encode::seq(c.seq)));
    sqlx::query(ISSUES)
        .bind(id.0)
        .bind(line)
        .bind(seq)
        .bind(i64::from(limit.clamp(1, MAX_ISSUES)))
        .fetch_all(pool)
        .await
        .map_err(fail("reading report lines"))?
        .iter()
        .map(decode::issue)
        .collect()
}

pub(crate) async fn pending(pool: &PgPool, id: BatchId) -> StoreResult<Vec<PendingRow>> {
    sqlx::query(PENDING)
        .bind(id.0)
        .fetch_all(pool)
        .await
        .map_err(fail("reading pending rows"))?
        .iter()
        .map(decode::pending_row)
        .collect()
}

pub(crate) async fn changed_families(pool: &PgPool, id: BatchId) -> StoreResult<Vec<FamilyId>> {
    let ids: Vec<i64> = sqlx::query_scalar(CHANGED)
        .bind(id.0)
        .fetch_all(pool)
        .await
        .map_err(fail("reading changed families"))?;
    Ok(ids.into_iter().map(FamilyId).collect())
}

pub(crate) async fn resolve_persons(
    pool: &PgPool,
    iins: &[Iin],
    on: Date,
) -> StoreResult<Vec<Option<ResolvedPerson>>> {
    let mut resolved: Vec<Option<(ResolvedPerson, Option<Date>)>> = vec![None; iins.len()];
    if iins.is_empty() {
        return Ok(Vec::new());
    }
    let asked: Vec<String> = iins.iter().map(Iin::to_string).collect();
    let rows: Vec<(i64, i64, Option<i64>, Option<Date>)> = sqlx::query_as(RESOLVE)
        .bind(&asked)
        .bind(on)
        .fetch_all(pool)
        .await
        .map_err(fail("resolving persons"))?;
    for (position, person, family, from) in rows {
        // Positions count from 1, as ORDINALITY does.
        let Some(slot) = usize::try_from(position - 1).ok().and_then(|i| resolved.get_mut(i))
        else {
            continue;
        };
        let candidate =
            (ResolvedPerson { person: PersonId(person), family: family.map(FamilyId) }, from);
        if slot.as_ref().is_none_or(|held| better(&candidate, held)) {
            *slot = Some(candidate);
        }
    }
    Ok(resolved.into_iter().map(|r| r.map(|(person, _)| person)).collect())
}

/// Of two memberships holding on the day, the one that began last, then the lower family id; a
/// membership over none.
fn better(
    candidate: &(ResolvedPerson, Option<Date>),
    held: &(ResolvedPerson, Option<Date>),
) -> bool {
    let key = |(p, from): &(ResolvedPerson, Option<Date>)| {
        (p.family.is_some(), *from, std::cmp::Reverse(p.family.map(|f| f.0)))
    };
    key(candidate) > key(held)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn held(family: Option<i64>, from: Option<Date>) -> (ResolvedPerson, Option<Date>) {
        (ResolvedPerson { person: PersonId(1), family: family.map(FamilyId) }, from)
    }

    #[test]
    fn the_membership_that_began_last_wins_then_the_lower_family() {
        let early = held(Some(5), Some(date!(2020 - 01 - 01)));
        let late = held(Some(9), Some(date!(2024 - 01 - 01)));
        let late_lower = held(Some(3), Some(date!(2024 - 01 - 01)));
        assert!(better(&late, &early) && !better(&early, &late));
        assert!(better(&late_lower, &late) && !better(&late, &late_lower));
        assert!(better(&early, &held(None, None)) && !better(&held(None, None), &early));
    }
}
