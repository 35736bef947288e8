//! What an assessment reads of a family: its territory, every membership (past ones too) with
//! the person's dates, disability and language, every current fact, and its current assessment.
//!
//! A page takes a handful of statements in one read transaction, never one per family: the
//! families; then the memberships joined with persons, the facts and the assessments of those
//! families, each selected by the page's range of family ids (a page is every family between its
//! first and last id) or, for a given set, by one `IN (SELECT value FROM json_each(?))`. Rows are
//! dealt to their family by id (they come grouped by family, so the family of the previous row
//! is tried first) and put in order in Rust: members by (from, person id), facts by observation
//! id.
//!
//! Facts are most of the work (about twenty a family). Looked up through
//! `observations_family_idx`, each costs a descent of the table's B-tree; a page's facts mostly
//! lie together in the table (a population is loaded family by family), so their ids are read
//! from the index alone and the table is scanned over each run of them instead ([`GAP`],
//! [`MIN_SCAN`]). On the development machine this reads a page of 10,000 families with twenty
//! facts each in about 0.13 s of CPU, against 0.18 s through the index.

use std::sync::LazyLock;

use rusqlite::{Connection, Row, ToSql};
use shanyraq_domain::assessment::{FactInput, FamilyInput, MemberInput};
use shanyraq_domain::{Disability, FamilyId, Language, PersonId, Role, SettlementType};
use shanyraq_store::{AssessmentInput, PreviousAssessment, StoreResult};

use super::decode::{PREVIOUS_COLUMNS, previous};
use super::{MAX_PAGE, id_list};
use crate::decode::Cells;
use crate::error::store_error;

const FAMILIES_AFTER: &str = "SELECT id, territory_code, settlement_type FROM families \
    WHERE id > ?1 ORDER BY id LIMIT ?2";
const FAMILIES_IN: &str = "SELECT id, territory_code, settlement_type FROM families \
    WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY id";

const MEMBERS: &str = "SELECT m.family_id, m.person_id, m.role, m.valid_from, m.valid_until, \
    p.birth_date, p.disability, p.death_date, p.language \
    FROM memberships m JOIN persons p ON p.id = m.person_id";
/// The columns [`fact`] reads.
const FACT_COLUMNS: &str = "family_id, id, person_id, indicator, value_num, value_text, \
    observed_at, valid_from, valid_until";
static FACTS: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {FACT_COLUMNS} FROM observations"));
/// The ids of every fact of a range of families, current or not, from the index alone.
const FACT_IDS: &str = "SELECT family_id, id FROM observations WHERE family_id BETWEEN ?1 AND ?2";
/// The current facts of a range of families among a range of observation ids: a scan of the
/// table itself, without a lookup per row.
static FACTS_AMONG_IDS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {FACT_COLUMNS} FROM observations NOT INDEXED WHERE id BETWEEN ?3 AND ?4 \
         AND family_id BETWEEN ?1 AND ?2 AND superseded_by IS NULL ORDER BY id"
    )
});
/// Rows of other families (or superseded ones) a scan passes over between two facts of the
/// page rather than start another scan: a row passed over costs about what one looked up
/// through the index does, and a statement many of them.
const GAP: i64 = 64;
/// Below this many facts per scan on average (the page's facts are spread over the table, as
/// facts that feeds corrected are), the page's facts are looked up through the index instead.
const MIN_SCAN: usize = 16;

/// Which families' rows a detail statement reads.
enum Selection {
    /// Every family with an id in `first..=last`.
    Range(i64, i64),
    /// The families of a JSON array of ids.
    Set(String),
}

impl Selection {
    /// `sql` (a statement without a `WHERE`) restricted to the selection on `column`, with
    /// `extra` (`AND …`) added.
    fn sql(&self, sql: &str, column: &str, extra: &str) -> String {
        match self {
            Selection::Range(..) => format!("{sql} WHERE {column} BETWEEN ?1 AND ?2{extra}"),
            Selection::Set(_) => {
                format!("{sql} WHERE {column} IN (SELECT value FROM json_each(?1)){extra}")
            }
        }
    }

    fn params(&self) -> Vec<&dyn ToSql> {
        match self {
            Selection::Range(first, last) => vec![first as &dyn ToSql, last as &dyn ToSql],
            Selection::Set(json) => vec![json as &dyn ToSql],
        }
    }
}

/// Families with id greater than `after`, in id order, at most `limit` (clamped to
/// `1..=`[`MAX_PAGE`]), with everything their assessment reads.
pub(crate) fn inputs_after(
    conn: &Connection,
    after: Option<FamilyId>,
    limit: u32,
) -> StoreResult<Vec<AssessmentInput>> {
    let tx = conn.unchecked_transaction().map_err(store_error)?;
    let limit = limit.clamp(1, MAX_PAGE);
    let after = after.map_or(i64::MIN, |f| f.0);
    let families = {
        let mut st = tx.prepare_cached(FAMILIES_AFTER).map_err(store_error)?;
        let rows = st.query((after, limit)).map_err(store_error)?;
        families(rows, limit as usize)?
    };
    let (Some(first), Some(last)) = (families.first(), families.last()) else {
        return Ok(Vec::new());
    };
    let selection = Selection::Range(first.family.0, last.family.0);
    complete(&tx, families, &selection)
}

/// The same for the families of `ids` that exist, in id order, each once.
pub(crate) fn inputs_for(conn: &Connection, ids: &[FamilyId]) -> StoreResult<Vec<AssessmentInput>> {
    let mut ids: Vec<i64> = ids.iter().map(|f| f.0).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let tx = conn.unchecked_transaction().map_err(store_error)?;
    let selection = Selection::Set(id_list(ids.iter().copied()));
    let families = {
        let mut st = tx.prepare_cached(FAMILIES_IN).map_err(store_error)?;
        let rows = st.query(selection.params().as_slice()).map_err(store_error)?;
        families(rows, ids.len())?
    };
    if families.is_empty() {
        return Ok(Vec::new());
    }
    complete(&tx, families, &selection)
}

fn families(mut rows: rusqlite::Rows<'_>, expected: usize) -> StoreResult<Vec<FamilyInput>> {
    let mut out = Vec::with_capacity(expected);
    while let Some(row) = rows.next().map_err(store_error)? {
        let c = Cells::new(row, "family", 0);
        out.push(FamilyInput {
            family: FamilyId(c.i64(0, "id")?),
            territory: c.kato(1, "territory_code")?,
            settlement: c.code(2, "settlement_type", SettlementType::from_code)?,
            members: Vec::new(),
            facts: Vec::new(),
        });
    }
    Ok(out)
}

/// Finds the family of each row among the page's (sorted) ids.
struct Dealer<'a> {
    ids: &'a [i64],
    last: usize,
}

impl<'a> Dealer<'a> {
    fn new(ids: &'a [i64]) -> Dealer<'a> {
        Dealer { ids, last: 0 }
    }

    /// The index of `family` in the page; `None` for a family outside it (a set read never
    /// meets one; a range read neither, as the page is every family of its range).
    fn find(&mut self, family: i64) -> Option<usize> {
        if self.ids.get(self.last) == Some(&family) {
            return Some(self.last);
        }
        let i = self.ids.binary_search(&family).ok()?;
        self.last = i;
        Some(i)
    }
}

/// Adds the members, facts and current assessment of each family of the page.
fn complete(
    conn: &Connection,
    mut families: Vec<FamilyInput>,
    selection: &Selection,
) -> StoreResult<Vec<AssessmentInput>> {
    let ids: Vec<i64> = families.iter().map(|f| f.family.0).collect();
    let params = selection.params();

    {
        let mut st =
            conn.prepare_cached(&selection.sql(MEMBERS, "m.family_id", "")).map_err(store_error)?;
        let mut rows = st.query(params.as_slice()).map_err(store_error)?;
        let mut dealer = Dealer::new(&ids);
        while let Some(row) = rows.next().map_err(store_error)? {
            let c = Cells::new(row, "member of family", 0);
            let Some(i) = dealer.find(c.i64(0, "family_id")?) else { continue };
            families[i].members.push(MemberInput {
                person: PersonId(c.i64(1, "person_id")?),
                role: c.code(2, "role", Role::from_code)?,
                from: c.date(3, "valid_from")?,
                until: c.opt_date(4, "valid_until")?,
                birth_date: c.date(5, "birth_date")?,
                disability: c.opt_code(6, "disability", Disability::from_code)?,
                death_date: c.opt_date(7, "death_date")?,
                language: c.opt_code(8, "language", Language::from_code)?,
            });
        }
    }
    for f in &mut families {
        f.members.sort_unstable_by_key(|m| (m.from, m.person));
    }

    match selection {
        Selection::Range(first, last) => {
            facts_of_range(conn, &mut families, *first, *last, &ids)?;
        }
        Selection::Set(_) => put_facts(&mut families, facts_by_index(conn, selection, &ids)?),
    }

    let mut previous_of: Vec<Option<PreviousAssessment>> = families.iter().map(|_| None).collect();
    {
        let sql =
            selection.sql(&format!("SELECT {PREVIOUS_COLUMNS} FROM assessments"), "family_id", "");
        let mut st = conn.prepare_cached(&sql).map_err(store_error)?;
        let mut rows = st.query(params.as_slice()).map_err(store_error)?;
        let mut dealer = Dealer::new(&ids);
        while let Some(row) = rows.next().map_err(store_error)? {
            let (family, p) = previous(row)?;
            if let Some(i) = dealer.find(family.0) {
                previous_of[i] = Some(p);
            }
        }
    }
    Ok(families
        .into_iter()
        .zip(previous_of)
        .map(|(family, previous)| AssessmentInput { family, previous })
        .collect())
}

/// Facts as read: (the family's place in the page, observation id, fact).
type Staged = Vec<(usize, i64, FactInput)>;

/// A fact from the [`FACT_COLUMNS`], with its family's place in the page.
fn fact(row: &Row<'_>, dealer: &mut Dealer<'_>) -> StoreResult<Option<(usize, i64, FactInput)>> {
    let c = Cells::new(row, "observation", 1);
    let Some(i) = dealer.find(c.i64(0, "family_id")?) else { return Ok(None) };
    let indicator = c.indicator(3, "indicator")?;
    let fact = FactInput {
        person: c.opt_i64(2, "person_id")?.map(PersonId),
        indicator,
        value: c.fact_value(indicator, 4)?,
        observed_at: c.date(6, "observed_at")?,
        valid_from: c.date(7, "valid_from")?,
        valid_until: c.opt_date(8, "valid_until")?,
    };
    Ok(Some((i, c.key(), fact)))
}

/// The current facts of the families of a set (or of a range, when they are spread over the
/// table), looked up through `observations_family_idx`.
fn facts_by_index(conn: &Connection, selection: &Selection, ids: &[i64]) -> StoreResult<Staged> {
    let sql = selection.sql(&FACTS, "family_id", " AND superseded_by IS NULL");
    let mut st = conn.prepare_cached(&sql).map_err(store_error)?;
    let mut rows = st.query(selection.params().as_slice()).map_err(store_error)?;
    let mut dealer = Dealer::new(ids);
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(store_error)? {
        out.extend(fact(row, &mut dealer)?);
    }
    Ok(out)
}

/// Gives the families `first..=last` (all of `families`) their current facts. Their
/// observation ids come from the index alone; where they lie close together (as a generated
/// population's, or any that was loaded family by family) the table is scanned over each run of
/// them, which spares a B-tree descent per fact and gives each family its facts already in id
/// order; spread out, they are looked up through the index. Returns the number of scans (0 when
/// the index was used).
fn facts_of_range(
    conn: &Connection,
    families: &mut [FamilyInput],
    first: i64,
    last: i64,
    ids: &[i64],
) -> StoreResult<usize> {
    let mut fact_ids: Vec<i64> = Vec::new();
    let mut counts = vec![0usize; families.len()];
    {
        let mut st = conn.prepare_cached(FACT_IDS).map_err(store_error)?;
        let mut rows = st.query((first, last)).map_err(store_error)?;
        let mut dealer = Dealer::new(ids);
        while let Some(row) = rows.next().map_err(store_error)? {
            let c = Cells::new(row, "observation", 1);
            if let Some(i) = dealer.find(c.i64(0, "family_id")?) {
                counts[i] += 1;
                fact_ids.push(c.key());
            }
        }
    }
    fact_ids.sort_unstable();
    let scans = runs(&fact_ids);
    if scans.len() * MIN_SCAN > fact_ids.len() {
        put_facts(families, facts_by_index(conn, &Selection::Range(first, last), ids)?);
        return Ok(0);
    }
    let count = scans.len();
    for (family, n) in families.iter_mut().zip(counts) {
        family.facts.reserve_exact(n);
    }
    let mut st = conn.prepare_cached(&FACTS_AMONG_IDS).map_err(store_error)?;
    let mut dealer = Dealer::new(ids);
    // Runs in id order, each scanned in id order: every family's facts come in id order.
    for (from, to) in scans {
        let mut rows = st.query((first, last, from, to)).map_err(store_error)?;
        while let Some(row) = rows.next().map_err(store_error)? {
            if let Some((i, _, fact)) = fact(row, &mut dealer)? {
                families[i].facts.push(fact);
            }
        }
    }
    Ok(count)
}

/// Sorted ids cut into runs no two of whose neighbours are more than [`GAP`] apart.
fn runs(sorted: &[i64]) -> Vec<(i64, i64)> {
    let mut out = Vec::new();
    let mut iter = sorted.iter().copied();
    let Some(start) = iter.next() else { return out };
    let (mut from, mut to) = (start, start);
    for id in iter {
        if id - to > GAP {
            out.push((from, to));
            from = id;
        }
        to = id;
    }
    out.push((from, to));
    out
}

/// Gives each family its facts in observation id order.
fn put_facts(families: &mut [FamilyInput], staged: Staged) {
    let mut counts = vec![0usize; families.len()];
    for (i, _, _) in &staged {
        counts[*i] += 1;
    }
    let mut by_family: Vec<Vec<(i64, FactInput)>> =
        counts.into_iter().map(Vec::with_capacity).collect();
    for (i, id, fact) in staged {
        by_family[i].push((id, fact));
    }
    for (family, mut facts) in families.iter_mut().zip(by_family) {
        facts.sort_unstable_by_key(|(id, _)| *id);
        family.facts = facts.into_iter().map(|(_, fact)| fact).collect();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use shanyraq_domain::{IndicatorKey, Observation, ObservationValue};
    use shanyraq_store::contract::fixtures::BATCH_MAIN;
    use shanyraq_store::{PopulationChunk, StoreError};
    use time::macros::date;

    use super::*;
    use crate::write;

    use crate::testkit::{counting_statements, database};

    /// Adds a household fact to each of `families`, stored after everything else (as a feed's
    /// facts are), and marks every fifth stored fact superseded.
    fn scatter(conn: &mut Connection, families: impl Iterator<Item = i64>) {
        let indicator = IndicatorKey::named("property.vehicle_count").unwrap();
        let observations = families
            .map(|f| Observation {
                family: FamilyId(f),
                person: None,
                indicator,
                value: ObservationValue::Count(f % 4),
                source: indicator.def().source,
                observed_at: date!(2026 - 03 - 05),
                valid_from: date!(2026 - 03 - 05),
                valid_until: None,
                batch: BATCH_MAIN,
            })
            .collect();
        let chunk = PopulationChunk { observations, ..PopulationChunk::default() };
        write::insert_population(conn, &chunk).unwrap();
        conn.execute("UPDATE observations SET superseded_by = 1 WHERE id % 5 = 0", []).unwrap();
    }

    /// The families `first..=last` with their facts read both ways: (by scans, the number of
    /// scans), (through the index).
    fn both_ways(
        conn: &Connection,
        first: i64,
        last: i64,
    ) -> ((Vec<FamilyInput>, usize), Vec<FamilyInput>) {
        let read = || {
            let mut st = conn.prepare(FAMILIES_AFTER).unwrap();
            let rows = st.query((first - 1, last - first + 1)).unwrap();
            families(rows, 0).unwrap()
        };
        let mut scanned = read();
        let ids: Vec<i64> = scanned.iter().map(|f| f.family.0).collect();
        let scans = facts_of_range(conn, &mut scanned, first, last, &ids).unwrap();
        let mut indexed = read();
        put_facts(
            &mut indexed,
            facts_by_index(conn, &Selection::Range(first, last), &ids).unwrap(),
        );
        ((scanned, scans), indexed)
    }

    /// Current facts of a family straight from the table, in id order.
    fn current_facts(conn: &Connection, family: i64) -> Vec<i64> {
        let mut st = conn
            .prepare(
                "SELECT id FROM observations WHERE family_id = ?1 AND superseded_by IS NULL \
                 ORDER BY id",
            )
            .unwrap();
        st.query_map([family], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    }

    #[test]
    fn runs_break_at_wide_gaps() {
        assert_eq!(runs(&[]), vec![]);
        assert_eq!(runs(&[5]), vec![(5, 5)]);
        assert_eq!(
            runs(&[1, 2, 3, 3 + GAP, 4 + 2 * GAP + 1]),
            vec![(1, 3 + GAP), (4 + 2 * GAP + 1, 4 + 2 * GAP + 1)]
        );
    }

    #[test]
    fn scans_and_the_index_read_the_same_facts_in_id_order() {
        let mut conn = database(500);
        // Dense: one scan for the whole range.
        let ((scanned, scans), indexed) = both_ways(&conn, 1, 400);
        assert_eq!(scans, 1);
        assert_eq!(scanned, indexed);
        // Every tenth family gets a fact stored far from its others (after other families'),
        // and some facts are superseded: more scans, the same facts.
        scatter(&mut conn, 401..=500);
        scatter(&mut conn, (1..=400).step_by(10));
        for (first, last) in [(1, 400), (1, 1), (11, 11), (37, 251), (399, 400)] {
            let ((scanned, scans), indexed) = both_ways(&conn, first, last);
            assert_eq!(scanned, indexed, "families {first} to {last}");
            if last - first > 10 {
                assert!(scans > 1, "families {first} to {last} were scanned: {scans}");
            }
            for f in &scanned {
                assert_eq!(f.facts.len(), current_facts(&conn, f.family.0).len());
            }
        }
        let ((scanned, _), _) = both_ways(&conn, 11, 11);
        assert_eq!(
            scanned[0].facts.last().map(|f| f.observed_at),
            Some(date!(2026 - 03 - 05)),
            "the fact stored last comes last"
        );
        // A page with few facts per scan is read through the index.
        conn.execute("DELETE FROM observations WHERE family_id = 7", []).unwrap();
        scatter(&mut conn, [7, 7, 7].into_iter());
        let ((scanned, scans), indexed) = both_ways(&conn, 7, 7);
        assert_eq!(scans, 0);
        assert_eq!(scanned, indexed);
    }

    /// The statements a page of `limit` families took on a traced connection.
    fn traced_page(conn: &Connection, limit: u32) -> (Vec<AssessmentInput>, usize) {
        counting_statements(conn, || inputs_after(conn, None, limit).unwrap())
    }

    #[test]
    fn a_page_takes_the_same_statements_whatever_its_size() {
        let conn = database(600);
        let (small, few) = traced_page(&conn, 1);
        let (large, many) = traced_page(&conn, 600);
        assert_eq!((small.len(), large.len()), (1, 600));
        assert!(large.iter().all(|i| !i.family.members.is_empty() && !i.family.facts.is_empty()));
        assert_eq!(few, many, "statements for a page of 1 and of 600");
        assert!(many <= 8, "{many} statements");
    }

    /// The plan SQLite makes for `sql`, one line per step.
    fn plan(conn: &Connection, sql: &str, params: &[&dyn ToSql]) -> String {
        let mut st = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = st.query_map(params, |r| r.get::<_, String>(3)).unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn reads_use_the_keys_and_the_family_index() {
        let conn = database(50);
        let range = Selection::Range(1, 50);
        let set = Selection::Set(id_list([3, 9]));
        let ids = plan(&conn, FACT_IDS, &[&1, &50]);
        assert!(ids.contains("COVERING INDEX observations_family_idx"), "{ids}");
        let scan = plan(&conn, &FACTS_AMONG_IDS, &[&1, &50, &1, &500]);
        assert!(scan.contains("INTEGER PRIMARY KEY"), "{scan}");
        assert!(!scan.contains("TEMP B-TREE"), "scanned in id order: {scan}");
        for s in [&range, &set] {
            let sql = s.sql(&FACTS, "family_id", " AND superseded_by IS NULL");
            let facts = plan(&conn, &sql, &s.params());
            assert!(facts.contains("INDEX observations_family_idx"), "{facts}");
            let members = plan(&conn, &s.sql(MEMBERS, "m.family_id", ""), &s.params());
            assert!(members.contains("m USING PRIMARY KEY"), "{members}");
            assert!(members.contains("p USING INTEGER PRIMARY KEY"), "{members}");
            let sql =
                s.sql(&format!("SELECT {PREVIOUS_COLUMNS} FROM assessments"), "family_id", "");
            let previous = plan(&conn, &sql, &s.params());
            assert!(previous.contains("INTEGER PRIMARY KEY"), "{previous}");
        }
    }

    #[test]
    fn a_value_that_does_not_read_back_is_corrupt_without_the_value() {
        let conn = database(5);
        let wage: i64 = conn
            .query_row(
                "SELECT id FROM observations WHERE family_id = 2 AND indicator = 'income.wage' \
                 LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        conn.execute(
            "UPDATE observations SET value_num = NULL, value_text = 'x7x' WHERE id = ?1",
            [wage],
        )
        .unwrap();
        for err in [
            inputs_after(&conn, None, 10).unwrap_err(),
            inputs_for(&conn, &[FamilyId(2)]).unwrap_err(),
        ] {
            assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
            let message = err.to_string();
            assert!(message.contains(&format!("observation {wage}")), "{message}");
            assert!(!message.contains("x7x"), "{message}");
        }
        assert_eq!(inputs_for(&conn, &[FamilyId(1), FamilyId(3)]).unwrap().len(), 2);
        conn.execute("UPDATE persons SET birth_date = '1970-02-30' WHERE id = 1", []).unwrap();
        let err = inputs_for(&conn, &[FamilyId(1)]).unwrap_err();
        assert!(matches!(err, StoreError::Corrupt(ref m) if m.contains("birth_date")), "{err:?}");
        assert!(!err.to_string().contains("1970"), "{err}");
    }
}
