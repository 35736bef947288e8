//! Referential checks for the fast bulk path, done per chunk and set-wise instead of per row.
//!
//! With triggers off (see [`crate::population`]) PostgreSQL no longer checks the foreign keys of
//! the rows a `COPY` writes, so the chunk is checked here first, with the same outcome: every
//! family, person and batch a membership or observation names is either in the chunk or stored,
//! or the write is refused as a conflict. Referenced rows that are already stored are locked
//! `FOR KEY SHARE`, as the foreign-key triggers would, so that nobody deletes them before commit.

use shanyraq_domain::PersonId;
use shanyraq_store::{PopulationChunk, StoreError, StoreResult};
use sqlx::PgConnection;

use crate::error::fail;

/// Keys a chunk refers to without carrying the rows, sorted and without repeats.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Outside {
    pub(crate) families: Vec<i64>,
    pub(crate) persons: Vec<i64>,
    pub(crate) batches: Vec<i64>,
}

fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort_unstable();
    v.dedup();
    v
}

/// Collects `id` unless the chunk carries it; consecutive repeats (an observation run of one
/// family) cost one comparison.
#[derive(Debug)]
struct Collector<'a> {
    inside: &'a [i64],
    last: Option<i64>,
    outside: Vec<i64>,
}

impl<'a> Collector<'a> {
    fn new(inside: &'a [i64]) -> Collector<'a> {
        Collector { inside, last: None, outside: Vec::new() }
    }

    fn see(&mut self, id: i64) {
        if self.last == Some(id) {
            return;
        }
        self.last = Some(id);
        if self.inside.binary_search(&id).is_err() {
            self.outside.push(id);
        }
    }
}

/// What `chunk` refers to outside itself.
pub(crate) fn outside(chunk: &PopulationChunk) -> Outside {
    let families = sorted(chunk.families.iter().map(|f| f.id.0).collect());
    let persons = sorted(chunk.persons.iter().map(|p| p.id.0).collect());
    let mut fam = Collector::new(&families);
    let mut per = Collector::new(&persons);
    let mut batches = Vec::new();
    let mut last_batch = None;
    for m in &chunk.memberships {
        fam.see(m.family.0);
        per.see(m.person.0);
    }
    for o in &chunk.observations {
        fam.see(o.family.0);
        if let Some(PersonId(p)) = o.person {
            per.see(p);
        }
        if last_batch != Some(o.batch) {
            last_batch = Some(o.batch);
            batches.push(o.batch.0);
        }
    }
    Outside {
        families: sorted(fam.outside),
        persons: sorted(per.outside),
        batches: sorted(batches),
    }
}

/// Locks the stored rows of `ids` in one table, or names the first one that is not stored.
pub(crate) async fn lock_stored(
    conn: &mut PgConnection,
    sql: &'static str,
    ids: &[i64],
    what: &str,
) -> StoreResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let found: Vec<i64> = sqlx::query_scalar(sql)
        .bind(ids)
        .fetch_all(&mut *conn)
        .await
        .map_err(fail("checking references"))?;
    if found.len() == ids.len() {
        return Ok(());
    }
    let found = sorted(found);
    let missing = ids.iter().find(|id| found.binary_search(id).is_err()).copied().unwrap_or(0);
    Err(StoreError::Conflict(format!(
        "the chunk refers to {what} {missing}, which is neither in it nor stored"
    )))
}

/// Checks and locks everything `chunk` refers to outside itself.
pub(crate) async fn check(conn: &mut PgConnection, chunk: &PopulationChunk) -> StoreResult<()> {
    let out = outside(chunk);
    lock_stored(
        conn,
        "SELECT id FROM families WHERE id = ANY($1) FOR KEY SHARE",
        &out.families,
        "family",
    )
    .await?;
    lock_stored(
        conn,
        "SELECT id FROM persons WHERE id = ANY($1) FOR KEY SHARE",
        &out.persons,
        "person",
    )
    .await?;
    lock_stored(
        conn,
        "SELECT id FROM import_batches WHERE id = ANY($1) FOR KEY SHARE",
        &out.batches,
        "import batch",
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use shanyraq_domain::{
        Address, BatchId, Family, FamilyId, IndicatorKey, Kato, Membership, Observation,
        ObservationValue, Person, PersonName, Role, SettlementType, Sex, Source,
    };
    use time::macros::date;

    fn person(id: i64) -> Person {
        Person {
            id: PersonId(id),
            iin: None,
            iin_as_reported: None,
            name: PersonName { last: "A".into(), first: "B".into(), patronymic: None },
            birth_date: date!(1990 - 01 - 01),
            sex: Sex::Female,
            language: None,
            phone: None,
            disability: None,
            death_date: None,
        }
    }

    fn family(id: i64) -> Family {
        Family {
            id: FamilyId(id),
            address: Address {
                territory: Kato::from_u32(113_220_100).unwrap(),
                street: None,
                house: None,
                flat: None,
            },
            settlement_type: SettlementType::DistrictCentre,
            registered_on: date!(2020 - 01 - 01),
        }
    }

    fn member(family: i64, person: i64) -> Membership {
        Membership {
            family: FamilyId(family),
            person: PersonId(person),
            role: Role::Head,
            from: date!(2020 - 01 - 01),
            until: None,
        }
    }

    fn observation(family: i64, person: Option<i64>, batch: i64) -> Observation {
        Observation {
            family: FamilyId(family),
            person: person.map(PersonId),
            indicator: IndicatorKey::named("housing.rooms").unwrap(),
            value: ObservationValue::Count(2),
            source: Source::Property,
            observed_at: date!(2026 - 01 - 01),
            valid_from: date!(2026 - 01 - 01),
            valid_until: None,
            batch: BatchId(batch),
        }
    }

    #[test]
    fn a_self_contained_chunk_refers_only_to_its_batches() {
        let chunk = PopulationChunk {
            persons: vec![person(2), person(1)],
            families: vec![family(10)],
            memberships: vec![member(10, 1), member(10, 2)],
            observations: vec![
                observation(10, None, 1),
                observation(10, Some(2), 1),
                observation(10, Some(1), 3),
                observation(10, None, 1),
            ],
        };
        assert_eq!(
            outside(&chunk),
            Outside { families: vec![], persons: vec![], batches: vec![1, 3] }
        );
    }

    #[test]
    fn references_to_rows_elsewhere_are_collected_once() {
        let chunk = PopulationChunk {
            persons: vec![person(1)],
            families: vec![family(10)],
            memberships: vec![member(10, 1), member(7, 1), member(10, 5), member(7, 5)],
            observations: vec![
                observation(8, Some(5), 1),
                observation(10, Some(6), 1),
                observation(8, None, 2),
                observation(7, Some(1), 1),
            ],
        };
        assert_eq!(
            outside(&chunk),
            Outside { families: vec![7, 8], persons: vec![5, 6], batches: vec![1, 2] }
        );
    }
}
