//! The population side of the port: bulk writes (see [`crate::population`]) and the reads the
//! family card, the IIN lookup and territory listings need, each in a few indexed queries. A read
//! of several statements runs in one `REPEATABLE READ, READ ONLY` transaction, so that it sees one
//! snapshot even while a load commits between its statements.

use async_trait::async_trait;
use shanyraq_domain::{BatchId, Family, FamilyId, Iin, Kato, PersonId, PersonName, SettlementType};
use shanyraq_store::{
    FamilyCursor, FamilyPage, FamilyRecord, FamilySummary, Member, NextIds, PageRequest,
    PersonRecord, PopulationChunk, PopulationStore, StoreError, StoreResult, StoreStats,
    StoredObservation,
};
use sqlx::PgConnection;
use sqlx::postgres::PgRow;

use crate::PostgresStore;
use crate::decode::{self, At, get};
use crate::error::fail;
use crate::population;

const FAMILY: &str = "SELECT id, territory_code, street, house, flat, settlement_type, \
    registered_on FROM families WHERE id = $1";

/// Members with their person rows, in membership order.
const MEMBERS: &str = "SELECT m.family_id, m.person_id, m.role, m.valid_from, m.valid_until,
        p.id, p.iin, p.iin_as_reported, p.last_name, p.first_name, p.patronymic, p.birth_date,
        p.sex, p.language, p.phone, p.disability, p.death_date
    FROM memberships m JOIN persons p ON p.id = m.person_id
    WHERE m.family_id = $1
    ORDER BY m.valid_from, m.person_id";

/// The latest current observation per (indicator, subject): newest `observed_at`, then newest
/// key; superseded ones are history. The caller sorts the result: text order depends on the
/// database's collation.
const LATEST_OBSERVATIONS: &str = "SELECT DISTINCT ON (indicator, person_id)
        id, family_id, person_id, indicator, value_num, value_text, source, observed_at,
        valid_from, valid_until, batch_id, line
    FROM observations
    WHERE family_id = $1 AND superseded_by IS NULL
    ORDER BY indicator, person_id, observed_at DESC, id DESC";

const PERSON_BY_IIN: &str = "SELECT id, iin, iin_as_reported, last_name, first_name, patronymic, \
    birth_date, sex, language, phone, disability, death_date FROM persons WHERE iin = $1";

const MEMBERSHIPS_OF_PERSON: &str = "SELECT family_id, person_id, role, valid_from, valid_until \
    FROM memberships WHERE person_id = $1 ORDER BY valid_from, family_id";

/// A page of families in a code range after a (territory, id) cursor, with the current head and
/// the number of current members. A membership is current when it holds on `$6`
/// ([`shanyraq_domain::Membership::holds_on`]: `until` is exclusive). Keyset paging on
/// `families_territory_idx`.
const FAMILY_PAGE: &str = "SELECT f.id, f.territory_code, f.settlement_type,
        h.last_name, h.first_name, h.patronymic,
        (SELECT count(*) FROM memberships c
         WHERE c.family_id = f.id AND c.valid_from <= $6
           AND (c.valid_until IS NULL OR $6 < c.valid_until)) AS member_count
    FROM families f
    LEFT JOIN LATERAL (
        SELECT p.last_name, p.first_name, p.patronymic
        FROM memberships m JOIN persons p ON p.id = m.person_id
        WHERE m.family_id = f.id AND m.role = 'head' AND m.valid_from <= $6
          AND (m.valid_until IS NULL OR $6 < m.valid_until)
        ORDER BY m.person_id
        LIMIT 1
    ) h ON true
    WHERE f.territory_code BETWEEN $1 AND $2 AND (f.territory_code, f.id) > ($3, $4)
    ORDER BY f.territory_code, f.id
    LIMIT $5";

const COUNT_IN_TERRITORY: &str =
    "SELECT count(*) FROM families WHERE territory_code BETWEEN $1 AND $2";

/// A KATO code or bound as an `INTEGER`; codes are at most 999 999 999.
pub(crate) fn int(code: u32) -> i32 {
    i32::try_from(code).unwrap_or(i32::MAX)
}

fn count(row: &PgRow, column: &'static str) -> StoreResult<u64> {
    let n: i64 = get(row, column)?;
    u64::try_from(n).map_err(|_| StoreError::Corrupt(format!("{column} is {n}")))
}

/// Opens a transaction in which every statement sees the snapshot the first one took.
pub(crate) const SNAPSHOT: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";

fn summary(row: &PgRow) -> StoreResult<FamilySummary> {
    let at = At::new(row, "families", "id");
    let last: Option<String> = get(row, "last_name")?;
    let head = match last {
        Some(last) => Some(PersonName {
            last,
            first: get(row, "first_name")?,
            patronymic: get(row, "patronymic")?,
        }),
        None => None,
    };
    let settlement: String = get(row, "settlement_type")?;
    Ok(FamilySummary {
        id: FamilyId(get(row, "id")?),
        territory: decode::kato(at, "territory_code")?,
        settlement_type: SettlementType::from_code(&settlement)
            .ok_or_else(|| at.corrupt("settlement_type", "not a known code"))?,
        head,
        member_count: u32::try_from(count(row, "member_count")?).unwrap_or(u32::MAX),
    })
}

#[async_trait]
impl PopulationStore for PostgresStore {
    async fn next_ids(&self) -> StoreResult<NextIds> {
        let row = sqlx::query(population::NEXT_IDS)
            .fetch_one(&self.pool)
            .await
            .map_err(fail("reading the next keys"))?;
        Ok(NextIds {
            person: PersonId(get(&row, "person")?),
            family: FamilyId(get(&row, "family")?),
            batch: BatchId(get(&row, "batch")?),
        })
    }

    async fn insert_population(&self, chunk: &PopulationChunk) -> StoreResult<()> {
        population::write_chunk(&self.pool, &self.bulk, chunk).await
    }

    async fn family(&self, id: FamilyId) -> StoreResult<Option<FamilyRecord>> {
        let mut tx = self.pool.begin_with(SNAPSHOT).await.map_err(fail("starting a read"))?;
        let record = read_family(&mut tx, id).await?;
        tx.commit().await.map_err(fail("ending a read"))?;
        Ok(record)
    }

    async fn person_by_iin(&self, iin: Iin) -> StoreResult<Option<PersonRecord>> {
        let mut tx = self.pool.begin_with(SNAPSHOT).await.map_err(fail("starting a read"))?;
        let record = read_person(&mut tx, iin).await?;
        tx.commit().await.map_err(fail("ending a read"))?;
        Ok(record)
    }

    async fn families_in_territory(
        &self,
        root: Kato,
        page: PageRequest,
    ) -> StoreResult<FamilyPage> {
        let (lo, hi) = root.subtree_range();
        let (after_code, after_id) =
            page.after.map_or((i32::MIN, i64::MIN), |c| (int(c.territory.as_u32()), c.id.0));
        let limit = page.effective_limit();
        let rows = sqlx::query(FAMILY_PAGE)
            .bind(int(lo))
            .bind(int(hi))
            .bind(after_code)
            .bind(after_id)
            .bind(i64::from(limit) + 1)
            .bind(page.on)
            .fetch_all(&self.pool)
            .await
            .map_err(fail("listing families"))?;
        let mut items = rows.iter().map(summary).collect::<StoreResult<Vec<_>>>()?;
        let more = items.len() > limit as usize;
        items.truncate(limit as usize);
        let next = if more {
            items.last().map(|f| FamilyCursor { territory: f.territory, id: f.id })
        } else {
            None
        };
        Ok(FamilyPage { items, next })
    }

    async fn count_families_in_territory(&self, root: Kato) -> StoreResult<u64> {
        let (lo, hi) = root.subtree_range();
        let n: i64 = sqlx::query_scalar(COUNT_IN_TERRITORY)
            .bind(int(lo))
            .bind(int(hi))
            .fetch_one(&self.pool)
            .await
            .map_err(fail("counting families"))?;
        u64::try_from(n).map_err(|_| StoreError::Corrupt(format!("count is {n}")))
    }

    async fn family_territories(&self, ids: &[FamilyId]) -> StoreResult<Vec<(FamilyId, Kato)>> {
        let ids: Vec<i64> = ids.iter().map(|f| f.0).collect();
        let rows: Vec<(i64, i32)> = sqlx::query_as(
            "SELECT id, territory_code FROM families WHERE id = ANY($1) ORDER BY id",
        )
        .bind(&ids)
        .fetch_all(&self.pool)
        .await
        .map_err(fail("reading families' territories"))?;
        rows.into_iter()
            .map(|(id, code)| {
                u32::try_from(code)
                    .ok()
                    .and_then(|c| Kato::from_u32(c).ok())
                    .map(|k| (FamilyId(id), k))
                    .ok_or_else(|| {
                        StoreError::Corrupt(format!("families.territory_code of family {id}"))
                    })
            })
            .collect()
    }

    async fn stats(&self) -> StoreResult<StoreStats> {
        let row = sqlx::query(population::STATS)
            .fetch_one(&self.pool)
            .await
            .map_err(fail("counting rows"))?;
        Ok(StoreStats {
            families: count(&row, "families")?,
            persons: count(&row, "persons")?,
            memberships: count(&row, "memberships")?,
            observations: count(&row, "observations")?,
            batches: count(&row, "batches")?,
            territories: count(&row, "territories")?,
        })
    }

    async fn refresh_statistics(&self) -> StoreResult<()> {
        sqlx::raw_sql(
            "ANALYZE territories, import_batches, persons, families, memberships, observations, \
             family_changes, import_issues, pending_rows",
        )
        .execute(&self.pool)
        .await
        .map_err(fail("refreshing statistics"))?;
        Ok(())
    }
}

/// The family card's statements, inside the caller's snapshot.
pub(crate) async fn read_family(
    conn: &mut PgConnection,
    id: FamilyId,
) -> StoreResult<Option<FamilyRecord>> {
    let Some(row) = sqlx::query(FAMILY)
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(fail("reading a family"))?
    else {
        return Ok(None);
    };
    Ok(Some(family_with_facts(conn, decode::family(&row)?).await?))
}

/// The rest of the family card after its row: members and latest facts, inside the caller's
/// snapshot.
pub(crate) async fn family_with_facts(
    conn: &mut PgConnection,
    family: Family,
) -> StoreResult<FamilyRecord> {
    let id = family.id;
    let members = sqlx::query(MEMBERS)
        .bind(id.0)
        .fetch_all(&mut *conn)
        .await
        .map_err(fail("reading members"))?
        .iter()
        .map(|r| Ok(Member { person: decode::person(r)?, membership: decode::membership(r)? }))
        .collect::<StoreResult<Vec<_>>>()?;
    let mut latest_observations = sqlx::query(LATEST_OBSERVATIONS)
        .bind(id.0)
        .fetch_all(&mut *conn)
        .await
        .map_err(fail("reading observations"))?
        .iter()
        .map(decode::observation)
        .collect::<StoreResult<Vec<_>>>()?;
    // By indicator key as bytes, household facts (no person) first.
    latest_observations.sort_by(|a, b| {
        let key = |s: &StoredObservation| (s.observation.indicator.as_str(), s.observation.person);
        key(a).cmp(&key(b))
    });
    Ok(FamilyRecord { family, members, latest_observations })
}

/// The IIN lookup's statements, inside the caller's snapshot.
async fn read_person(conn: &mut PgConnection, iin: Iin) -> StoreResult<Option<PersonRecord>> {
    let Some(row) = sqlx::query(PERSON_BY_IIN)
        .bind(iin.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(fail("reading a person"))?
    else {
        return Ok(None);
    };
    let person = decode::person(&row)?;
    let memberships = sqlx::query(MEMBERSHIPS_OF_PERSON)
        .bind(person.id.0)
        .fetch_all(&mut *conn)
        .await
        .map_err(fail("reading memberships"))?
        .iter()
        .map(decode::membership)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Some(PersonRecord { person, memberships }))
}
