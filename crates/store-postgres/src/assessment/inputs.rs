//! What a batch assessment reads: a page of families (or the families asked for), then, each in
//! one statement over the page's key range (or its keys), their memberships, the persons of
//! those, their current facts and their current assessments, merged here. A page costs five
//! statements whatever its size, all in one snapshot, so that a load committing meanwhile is
//! seen whole or not at all.
//!
//! A page of 10,000 families carries some 250,000 facts. Read as a query's result rows they cost
//! the client more than the server spends producing them, so every statement is a binary
//! `COPY … TO STDOUT` ([`crate::copy::copy_out_rows`]), read field by field in place. `COPY`
//! takes no parameters: the statements carry their keys and limits as numbers written here.
//!
//! The persons are a statement of their own rather than a join: joining 40,000 memberships to
//! millions of persons, the planner prefers hashing the whole table to 40,000 index probes. The
//! persons of a page of families are mostly a run of consecutive keys (people are stored family
//! by family), so they are read as a key range when that range is not much larger than the
//! keys asked for, else by key.

use shanyraq_domain::assessment::{FactInput, FamilyInput, MemberInput};
use shanyraq_domain::{
    Disability, FamilyId, IndicatorKey, Language, ObservationValue, PersonId, Role, SettlementType,
};
use shanyraq_store::{AssessmentInput, PreviousAssessment, StoreError, StoreResult};
use sqlx::{PgConnection, PgPool};
use time::Date;

use super::decode::level_code;
use crate::copy::{Fields, bigint_array, copy_out_rows};
use crate::decode::{NOT_KATO, UNKNOWN_CODE, corrupt, to_kato};
use crate::error::fail;
use crate::read::SNAPSHOT;

/// The families' columns, for `COPY` statements.
const FAMILIES: &str = "SELECT id, territory_code, settlement_type FROM families";

/// Just-in-time compilation pays for long analytical queries; these are many short range reads,
/// whose cost estimates would still set it off.
const NO_JIT: &str = "SET LOCAL jit = off";

/// A key range is read instead of the keys when it is at most this many times as long …
const DENSE_FACTOR: i64 = 2;
/// … plus this many keys.
const DENSE_SLACK: i64 = 1_024;

/// Which rows a statement after the first reads: a condition on a key column.
enum Keys<'a> {
    /// Every key from the first to the last: a page is a contiguous run of families.
    Between(i64, i64),
    /// Exactly these.
    Any(&'a [i64]),
}

impl Keys<'_> {
    /// Every key from the first of `ids` (sorted) to the last.
    fn span(ids: &[i64]) -> Keys<'_> {
        match (ids.first(), ids.last()) {
            (Some(&first), Some(&last)) => Keys::Between(first, last),
            _ => Keys::Any(ids),
        }
    }

    /// For sorted, distinct `ids`: a range when they nearly fill it.
    fn of(ids: &[i64]) -> Keys<'_> {
        match (ids.first(), ids.last()) {
            (Some(&first), Some(&last))
                if last.saturating_sub(first)
                    <= DENSE_FACTOR
                        .saturating_mul(ids.len() as i64)
                        .saturating_add(DENSE_SLACK) =>
            {
                Keys::Between(first, last)
            }
            _ => Keys::Any(ids),
        }
    }

    /// The SQL condition on `column`; numbers only.
    fn condition(&self, column: &str) -> String {
        match self {
            Keys::Between(first, last) => format!("{column} BETWEEN {first} AND {last}"),
            Keys::Any(ids) => format!("{column} = ANY({})", bigint_array(ids)),
        }
    }
}

fn copy_statement(select: &str, keys: &Keys<'_>, column: &str, more: &str) -> String {
    format!("COPY ({select} WHERE {}{more}) TO STDOUT (FORMAT binary)", keys.condition(column))
}

/// The first `limit` families after `after`, with everything their assessment reads.
pub(crate) async fn page(
    pool: &PgPool,
    after: Option<FamilyId>,
    limit: i64,
) -> StoreResult<Vec<AssessmentInput>> {
    let after = after.map_or(String::new(), |f| format!(" WHERE id > {}", f.0));
    let sql =
        format!("COPY ({FAMILIES}{after} ORDER BY id LIMIT {limit}) TO STDOUT (FORMAT binary)");
    read(pool, &sql, Found::Contiguous).await
}

/// The families of `ids` that exist (each once), in id order, with everything their assessment
/// reads.
pub(crate) async fn of(pool: &PgPool, ids: &[FamilyId]) -> StoreResult<Vec<AssessmentInput>> {
    let mut asked: Vec<i64> = ids.iter().map(|f| f.0).collect();
    asked.sort_unstable();
    asked.dedup();
    if asked.is_empty() {
        return Ok(Vec::new());
    }
    let sql = copy_statement(FAMILIES, &Keys::Any(&asked), "id", "");
    read(pool, &sql, Found::Scattered).await
}

/// What the families a read found are.
#[derive(Debug, Clone, Copy)]
enum Found {
    /// Every family from the first to the last: a page.
    Contiguous,
    /// Some families, not necessarily consecutive.
    Scattered,
}

/// Reads the families `families` (a `COPY` of [`FAMILIES`]) gives and completes them, in one
/// snapshot.
async fn read(pool: &PgPool, families: &str, found: Found) -> StoreResult<Vec<AssessmentInput>> {
    let mut tx = pool.begin_with(SNAPSHOT).await.map_err(fail("starting a read"))?;
    sqlx::raw_sql(NO_JIT).execute(&mut *tx).await.map_err(fail("starting a read"))?;
    let mut page = Page::default();
    copy_out_rows(&mut tx, "reading families", families, |r| page.family(r)).await?;
    if page.ids.is_empty() {
        return Ok(Vec::new());
    }
    // The families arrive in id order, but nothing below relies on it.
    page.sort();
    let ids = page.ids.clone();
    let keys = match found {
        Found::Contiguous => Keys::span(&ids),
        Found::Scattered => Keys::Any(&ids),
    };
    let inputs = complete(&mut tx, page, &keys).await?;
    tx.commit().await.map_err(fail("ending a read"))?;
    Ok(inputs)
}

/// The page's families with their members, facts and current assessments; `keys` finds their
/// rows by family.
async fn complete(
    conn: &mut PgConnection,
    mut page: Page,
    keys: &Keys<'_>,
) -> StoreResult<Vec<AssessmentInput>> {
    let mut memberships: Vec<Membership> = Vec::new();
    let sql = copy_statement(
        "SELECT family_id, person_id, role, valid_from, valid_until FROM memberships",
        keys,
        "family_id",
        "",
    );
    copy_out_rows(conn, "reading memberships", &sql, |r| {
        let family = r.i64()?;
        let Some(slot) = page.slot(family) else { return Ok(()) };
        let person = r.i64()?;
        let role = r.text()?;
        memberships.push(Membership {
            slot,
            person,
            role: Role::from_code(role)
                .ok_or_else(|| corrupt("memberships", "person_id", person, "role", UNKNOWN_CODE))?,
            from: r.date()?,
            until: r.opt_date()?,
        });
        Ok(())
    })
    .await?;

    let mut wanted: Vec<i64> = memberships.iter().map(|m| m.person).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let persons = persons(conn, &wanted).await?;
    page.members(memberships, &persons)?;

    let sql = copy_statement(
        "SELECT family_id, id, person_id, indicator, value_num, value_text, observed_at, \
         valid_from, valid_until FROM observations",
        keys,
        "family_id",
        " AND superseded_by IS NULL",
    );
    copy_out_rows(conn, "reading facts", &sql, |r| page.fact(r)).await?;

    let sql = copy_statement(
        "SELECT family_id, seq, assessed_on, methodology, total, level FROM assessments",
        keys,
        "family_id",
        "",
    );
    copy_out_rows(conn, "reading assessments", &sql, |r| page.previous(r)).await?;
    Ok(page.finish())
}

/// A membership read, waiting for its person.
struct Membership {
    slot: usize,
    person: i64,
    role: Role,
    from: Date,
    until: Option<Date>,
}

/// What the assessment needs of a person.
struct PersonColumns {
    birth_date: Date,
    disability: Option<Disability>,
    death_date: Option<Date>,
    language: Option<Language>,
}

/// The persons of `wanted` (sorted, distinct), sorted by key.
async fn persons(
    conn: &mut PgConnection,
    wanted: &[i64],
) -> StoreResult<Vec<(i64, PersonColumns)>> {
    let mut out: Vec<(i64, PersonColumns)> = Vec::with_capacity(wanted.len());
    if wanted.is_empty() {
        return Ok(out);
    }
    let sql = copy_statement(
        "SELECT id, birth_date, disability, death_date, language FROM persons",
        &Keys::of(wanted),
        "id",
        "",
    );
    copy_out_rows(conn, "reading persons", &sql, |r| {
        let id = r.i64()?;
        if wanted.binary_search(&id).is_err() {
            return Ok(());
        }
        let bad = |column| corrupt("persons", "id", id, column, UNKNOWN_CODE);
        let birth_date = r.date()?;
        let disability = r
            .opt_text()?
            .map(|d| Disability::from_code(d).ok_or_else(|| bad("disability")))
            .transpose()?;
        let death_date = r.opt_date()?;
        let language = r
            .opt_text()?
            .map(|l| Language::from_code(l).ok_or_else(|| bad("language")))
            .transpose()?;
        out.push((id, PersonColumns { birth_date, disability, death_date, language }));
        Ok(())
    })
    .await?;
    if !out.is_sorted_by_key(|(id, _)| *id) {
        out.sort_unstable_by_key(|(id, _)| *id);
    }
    Ok(out)
}

/// A page being put together: the families in id order, and each one's facts with their keys
/// until they are sorted.
#[derive(Default)]
struct Page {
    ids: Vec<i64>,
    inputs: Vec<AssessmentInput>,
    facts: Vec<Vec<(i64, FactInput)>>,
}

impl Page {
    /// A row of `id, territory_code, settlement_type`.
    fn family(&mut self, r: &mut Fields<'_>) -> StoreResult<()> {
        let id = r.i64()?;
        let at = |column, why| corrupt("families", "id", id, column, why);
        let territory = to_kato(r.i32()?).ok_or_else(|| at("territory_code", NOT_KATO))?;
        let settlement = SettlementType::from_code(r.text()?)
            .ok_or_else(|| at("settlement_type", UNKNOWN_CODE))?;
        self.ids.push(id);
        self.inputs.push(AssessmentInput {
            family: FamilyInput {
                family: FamilyId(id),
                territory,
                settlement,
                members: Vec::new(),
                facts: Vec::new(),
            },
            previous: None,
        });
        self.facts.push(Vec::new());
        Ok(())
    }

    /// Puts the families in id order, should they have come otherwise.
    fn sort(&mut self) {
        if self.ids.is_sorted() {
            return;
        }
        self.inputs.sort_by_key(|i| i.family.family);
        self.ids.sort_unstable();
    }

    /// Where a family's rows go; `None` for a family outside the page (none is, in one snapshot).
    fn slot(&self, family: i64) -> Option<usize> {
        self.ids.binary_search(&family).ok()
    }

    /// Each membership with its person, every family's by (from, person id).
    fn members(
        &mut self,
        memberships: Vec<Membership>,
        persons: &[(i64, PersonColumns)],
    ) -> StoreResult<()> {
        for m in memberships {
            let p = match persons.binary_search_by_key(&m.person, |(id, _)| *id) {
                Ok(i) => &persons[i].1,
                Err(_) => {
                    return Err(StoreError::Corrupt(format!(
                        "memberships person_id={}: no such person",
                        m.person
                    )));
                }
            };
            self.inputs[m.slot].family.members.push(MemberInput {
                person: PersonId(m.person),
                role: m.role,
                birth_date: p.birth_date,
                disability: p.disability,
                death_date: p.death_date,
                language: p.language,
                from: m.from,
                until: m.until,
            });
        }
        for input in &mut self.inputs {
            input.family.members.sort_by_key(|m| (m.from, m.person));
        }
        Ok(())
    }

    /// A row of `family_id, id, person_id, indicator, value_num, value_text, observed_at,
    /// valid_from, valid_until`.
    fn fact(&mut self, r: &mut Fields<'_>) -> StoreResult<()> {
        let family = r.i64()?;
        let Some(slot) = self.slot(family) else { return Ok(()) };
        let id = r.i64()?;
        let at = |column, why| corrupt("observations", "id", id, column, why);
        let person = r.opt_i64()?;
        let indicator: IndicatorKey =
            r.text()?.parse().map_err(|_| at("indicator", UNKNOWN_CODE))?;
        let num = r.opt_i64()?;
        let text = r.opt_text()?;
        let value = ObservationValue::from_columns(indicator, num, text)
            .map_err(|_| at("value_num/value_text", "not a value of the indicator's kind"))?;
        let fact = FactInput {
            person: person.map(PersonId),
            indicator,
            value,
            observed_at: r.date()?,
            valid_from: r.date()?,
            valid_until: r.opt_date()?,
        };
        self.facts[slot].push((id, fact));
        Ok(())
    }

    /// A row of `family_id, seq, assessed_on, methodology, total, level`.
    fn previous(&mut self, r: &mut Fields<'_>) -> StoreResult<()> {
        let family = r.i64()?;
        let Some(slot) = self.slot(family) else { return Ok(()) };
        let seq = r.i64()?;
        let assessed_on = r.date()?;
        let methodology = r.text()?.to_owned();
        let total = r.i64()?;
        let level = level_code(r.text()?)
            .ok_or_else(|| corrupt("assessments", "family_id", family, "level", UNKNOWN_CODE))?;
        self.inputs[slot].previous =
            Some(PreviousAssessment { assessed_on, methodology, total, level, seq });
        Ok(())
    }

    /// The inputs, each family's facts in observation-key order.
    fn finish(self) -> Vec<AssessmentInput> {
        let Page { mut inputs, facts, .. } = self;
        for (input, mut facts) in inputs.iter_mut().zip(facts) {
            if !facts.is_sorted_by_key(|(id, _)| *id) {
                facts.sort_unstable_by_key(|(id, _)| *id);
            }
            input.family.facts = facts.into_iter().map(|(_, f)| f).collect();
        }
        inputs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearly_consecutive_keys_are_read_as_a_range() {
        let run: Vec<i64> = (100..200).collect();
        assert!(matches!(Keys::of(&run), Keys::Between(100, 199)));
        let sparse = [1, 5_000, 90_000];
        assert!(matches!(Keys::of(&sparse), Keys::Any(_)));
        assert_eq!(Keys::of(&sparse).condition("id"), "id = ANY('{1,5000,90000}'::bigint[])");
        assert_eq!(Keys::Between(3, 9).condition("family_id"), "family_id BETWEEN 3 AND 9");
    }
}
