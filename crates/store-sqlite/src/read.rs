//! Reads, each on a reader connection inside one read transaction, so that a record is one
//! snapshot even while a load commits.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use rusqlite::Connection;
use shanyraq_domain::{
    BatchId, FamilyId, Iin, ImportBatch, Kato, PersonId, PersonName, SettlementType, Territory,
    TreeVersion,
};
use shanyraq_store::{
    FamilyCursor, FamilyPage, FamilyRecord, FamilySummary, Member, NextIds, PageRequest,
    PersonRecord, StoreResult, StoreStats, StoredObservation,
};

use crate::codec::{DateText, IinText, parse_timestamp};
use crate::decode::{self, Cells};
use crate::error::{corrupt, store_error};

static FAMILY_BY_ID: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {} FROM families WHERE id = ?1", decode::FAMILY_COLUMNS));
static MEMBERS_OF_FAMILY: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {}, {} FROM memberships m JOIN persons p ON p.id = m.person_id \
         WHERE m.family_id = ?1 ORDER BY m.valid_from, m.person_id",
        decode::MEMBERSHIP_COLUMNS,
        decode::PERSON_COLUMNS
    )
});
/// Current facts only: a superseded one is history, replaced by a correction.
static OBSERVATIONS_OF_FAMILY: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {} FROM observations WHERE family_id = ?1 AND superseded_by IS NULL",
        decode::OBSERVATION_COLUMNS
    )
});
static PERSON_BY_IIN: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {} FROM persons p WHERE p.iin = ?1", decode::PERSON_COLUMNS));
static MEMBERSHIPS_OF_PERSON: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {} FROM memberships m WHERE m.person_id = ?1 ORDER BY m.valid_from, m.family_id",
        decode::MEMBERSHIP_COLUMNS
    )
});
static TERRITORY_BY_CODE: LazyLock<String> = LazyLock::new(|| {
    format!("SELECT {} FROM territories WHERE code = ?1", decode::TERRITORY_COLUMNS)
});
static TERRITORY_CHILDREN: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {} FROM territories WHERE parent_code = ?1 ORDER BY code",
        decode::TERRITORY_COLUMNS
    )
});

/// The family, its members (membership order) and the latest current observation per indicator
/// and subject, in (indicator, person) order with household facts first.
pub(crate) fn family(conn: &Connection, id: FamilyId) -> StoreResult<Option<FamilyRecord>> {
    let tx = conn.unchecked_transaction().map_err(store_error)?;
    family_in(&tx, id)
}

/// [`family`] on a connection already inside a read transaction.
pub(crate) fn family_in(tx: &Connection, id: FamilyId) -> StoreResult<Option<FamilyRecord>> {
    let family = {
        let mut st = tx.prepare_cached(&FAMILY_BY_ID).map_err(store_error)?;
        let mut rows = st.query([id.0]).map_err(store_error)?;
        match rows.next().map_err(store_error)? {
            Some(row) => decode::family(row)?,
            None => return Ok(None),
        }
    };
    let mut members = Vec::new();
    {
        let mut st = tx.prepare_cached(&MEMBERS_OF_FAMILY).map_err(store_error)?;
        let mut rows = st.query([id.0]).map_err(store_error)?;
        while let Some(row) = rows.next().map_err(store_error)? {
            members.push(Member {
                membership: decode::membership(row, 0)?,
                person: decode::person(row, 5)?,
            });
        }
    }
    let mut latest: BTreeMap<(&'static str, Option<PersonId>), StoredObservation> = BTreeMap::new();
    {
        let mut st = tx.prepare_cached(&OBSERVATIONS_OF_FAMILY).map_err(store_error)?;
        let mut rows = st.query([id.0]).map_err(store_error)?;
        while let Some(row) = rows.next().map_err(store_error)? {
            let o = decode::observation(row)?;
            let key = (o.observation.indicator.as_str(), o.observation.person);
            let newer = latest.get(&key).is_none_or(|best| {
                (o.observation.observed_at, o.id) > (best.observation.observed_at, best.id)
            });
            if newer {
                latest.insert(key, o);
            }
        }
    }
    Ok(Some(FamilyRecord { family, members, latest_observations: latest.into_values().collect() }))
}

pub(crate) fn person_by_iin(conn: &Connection, iin: Iin) -> StoreResult<Option<PersonRecord>> {
    let tx = conn.unchecked_transaction().map_err(store_error)?;
    let person = {
        let mut st = tx.prepare_cached(&PERSON_BY_IIN).map_err(store_error)?;
        let mut rows = st.query([IinText::new(&iin)]).map_err(store_error)?;
        match rows.next().map_err(store_error)? {
            Some(row) => decode::person(row, 0)?,
            None => return Ok(None),
        }
    };
    let mut memberships = Vec::new();
    {
        let mut st = tx.prepare_cached(&MEMBERSHIPS_OF_PERSON).map_err(store_error)?;
        let mut rows = st.query([person.id.0]).map_err(store_error)?;
        while let Some(row) = rows.next().map_err(store_error)? {
            memberships.push(decode::membership(row, 0)?);
        }
    }
    Ok(Some(PersonRecord { person, memberships }))
}

fn subtree(root: Kato) -> (i64, i64) {
    let (lo, hi) = root.subtree_range();
    (i64::from(lo), i64::from(hi))
}

/// A page of families in a code range after a (territory, id) cursor, with the current head and
/// the number of current members, in one statement: a range scan of `families_territory_idx`
/// from the cursor, and per family two lookups on the memberships' primary key (which starts with
/// `family_id`). Current: `valid_from <= ?6 < valid_until` ([`shanyraq_domain::Membership::holds_on`]);
/// ISO dates compare as text.
const FAMILY_PAGE: &str = "SELECT page.id, page.territory_code, page.settlement_type, \
        p.last_name, p.first_name, p.patronymic, page.member_count \
    FROM (SELECT f.id, f.territory_code, f.settlement_type, \
            (SELECT m.person_id FROM memberships m \
             WHERE m.family_id = f.id AND m.role = 'head' AND m.valid_from <= ?6 \
               AND (m.valid_until IS NULL OR m.valid_until > ?6) \
             ORDER BY m.person_id LIMIT 1) AS head_id, \
            (SELECT count(*) FROM memberships c \
             WHERE c.family_id = f.id AND c.valid_from <= ?6 \
               AND (c.valid_until IS NULL OR c.valid_until > ?6)) AS member_count \
          FROM families f \
          WHERE f.territory_code BETWEEN ?1 AND ?2 AND (f.territory_code, f.id) > (?3, ?4) \
          ORDER BY f.territory_code, f.id LIMIT ?5) page \
    LEFT JOIN persons p ON p.id = page.head_id \
    ORDER BY page.territory_code, page.id";

/// One page of the families under `root` in (territory, id) order, as of `page.on`; one row more
/// than the page is read to know whether more follow.
pub(crate) fn families_in_territory(
    conn: &Connection,
    root: Kato,
    page: PageRequest,
) -> StoreResult<FamilyPage> {
    let (lo, hi) = subtree(root);
    // Without a cursor, start before the first code of the subtree.
    let (after_code, after_id) = match page.after {
        Some(c) => (i64::from(c.territory.as_u32()), c.id.0),
        None => (lo - 1, i64::MAX),
    };
    let limit = page.effective_limit() as usize;
    let mut items = Vec::with_capacity(limit);
    let mut more = false;
    let mut st = conn.prepare_cached(FAMILY_PAGE).map_err(store_error)?;
    let on = DateText::new(page.on);
    let mut rows =
        st.query((lo, hi, after_code, after_id, limit as i64 + 1, on)).map_err(store_error)?;
    while let Some(row) = rows.next().map_err(store_error)? {
        if items.len() == limit {
            more = true;
            break;
        }
        let c = Cells::new(row, "family", 0);
        let head = match c.opt_string(3, "last_name")? {
            Some(last) => Some(PersonName {
                last,
                first: c.string(4, "first_name")?,
                patronymic: c.opt_string(5, "patronymic")?,
            }),
            None => None,
        };
        items.push(FamilySummary {
            id: FamilyId(c.i64(0, "id")?),
            territory: c.kato(1, "territory_code")?,
            settlement_type: c.code(2, "settlement_type", SettlementType::from_code)?,
            head,
            member_count: u32::try_from(c.i64(6, "member_count")?).unwrap_or(u32::MAX),
        });
    }
    let next = if more {
        items.last().map(|s| FamilyCursor { territory: s.territory, id: s.id })
    } else {
        None
    };
    Ok(FamilyPage { items, next })
}

pub(crate) fn count_families_in_territory(conn: &Connection, root: Kato) -> StoreResult<u64> {
    let (lo, hi) = subtree(root);
    let n: i64 = conn
        .prepare_cached("SELECT count(*) FROM families WHERE territory_code BETWEEN ?1 AND ?2")
        .and_then(|mut st| st.query_row((lo, hi), |r| r.get(0)))
        .map_err(store_error)?;
    Ok(n.unsigned_abs())
}

/// Ids per statement (one parameter each).
const IDS_PER_QUERY: usize = 500;

pub(crate) fn family_territories(
    conn: &Connection,
    ids: &[FamilyId],
) -> StoreResult<Vec<(FamilyId, Kato)>> {
    let mut wanted: Vec<i64> = ids.iter().map(|f| f.0).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut out = Vec::with_capacity(wanted.len());
    for part in wanted.chunks(IDS_PER_QUERY) {
        let marks = vec!["?"; part.len()].join(",");
        let sql =
            format!("SELECT id, territory_code FROM families WHERE id IN ({marks}) ORDER BY id");
        let mut st = conn.prepare_cached(&sql).map_err(store_error)?;
        let mut rows = st.query(rusqlite::params_from_iter(part)).map_err(store_error)?;
        while let Some(row) = rows.next().map_err(store_error)? {
            let id: i64 = row.get(0).map_err(store_error)?;
            let code: i64 = row.get(1).map_err(store_error)?;
            let kato =
                u32::try_from(code).ok().and_then(|c| Kato::from_u32(c).ok()).ok_or_else(|| {
                    shanyraq_store::StoreError::Corrupt(format!(
                        "families.territory_code of family {id}"
                    ))
                })?;
            out.push((FamilyId(id), kato));
        }
    }
    Ok(out)
}

pub(crate) fn stats(conn: &Connection) -> StoreResult<StoreStats> {
    let tx = conn.unchecked_transaction().map_err(store_error)?;
    let counts: [i64; 6] = tx
        .query_row(
            "SELECT (SELECT count(*) FROM families), (SELECT count(*) FROM persons), \
                    (SELECT count(*) FROM memberships), (SELECT count(*) FROM observations), \
                    (SELECT count(*) FROM import_batches), (SELECT count(*) FROM territories)",
            [],
            |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?]),
        )
        .map_err(store_error)?;
    let [families, persons, memberships, observations, batches, territories] =
        counts.map(i64::unsigned_abs);
    Ok(StoreStats { families, persons, memberships, observations, batches, territories })
}

pub(crate) fn next_ids(conn: &Connection) -> StoreResult<NextIds> {
    let (person, family, batch) = conn
        .query_row(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM persons) + 1, \
                    (SELECT COALESCE(MAX(id), 0) FROM families) + 1, \
                    (SELECT COALESCE(MAX(id), 0) FROM import_batches) + 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(store_error)?;
    Ok(NextIds { person: PersonId(person), family: FamilyId(family), batch: BatchId(batch) })
}

pub(crate) fn territory(conn: &Connection, code: Kato) -> StoreResult<Option<Territory>> {
    let mut st = conn.prepare_cached(&TERRITORY_BY_CODE).map_err(store_error)?;
    let mut rows = st.query([code.as_u32()]).map_err(store_error)?;
    rows.next().map_err(store_error)?.map(decode::territory).transpose()
}

pub(crate) fn territory_children(conn: &Connection, code: Kato) -> StoreResult<Vec<Territory>> {
    let mut st = conn.prepare_cached(&TERRITORY_CHILDREN).map_err(store_error)?;
    let mut rows = st.query([code.as_u32()]).map_err(store_error)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(store_error)? {
        out.push(decode::territory(row)?);
    }
    Ok(out)
}

pub(crate) fn territory_version(conn: &Connection) -> StoreResult<Option<TreeVersion>> {
    let mut st = conn
        .prepare_cached("SELECT id, as_of FROM territory_versions ORDER BY loaded_at DESC LIMIT 1")
        .map_err(store_error)?;
    let mut rows = st.query([]).map_err(store_error)?;
    let Some(row) = rows.next().map_err(store_error)? else { return Ok(None) };
    let c = Cells::new(row, "territory version", 0);
    Ok(Some(TreeVersion { id: c.string(0, "id")?, as_of: c.date(1, "as_of")? }))
}

pub(crate) fn batch(conn: &Connection, id: BatchId) -> StoreResult<Option<ImportBatch>> {
    let mut st = conn
        .prepare_cached(
            "SELECT id, feed, label, started_at, finished_at, rows_accepted, rows_rejected \
             FROM import_batches WHERE id = ?1",
        )
        .map_err(store_error)?;
    let mut rows = st.query([id.0]).map_err(store_error)?;
    let Some(row) = rows.next().map_err(store_error)? else { return Ok(None) };
    let c = Cells::new(row, "import batch", 0);
    let ts = |idx: usize, column: &str| -> StoreResult<Option<_>> {
        c.opt_str(idx, column)?
            .map(|t| {
                parse_timestamp(t)
                    .map_err(|_| corrupt("import batch", id, column, "not an RFC 3339 timestamp"))
            })
            .transpose()
    };
    let started_at =
        ts(3, "started_at")?.ok_or_else(|| corrupt("import batch", id, "started_at", "missing"))?;
    Ok(Some(ImportBatch {
        id,
        feed: c.string(1, "feed")?,
        label: c.string(2, "label")?,
        started_at,
        finished_at: ts(4, "finished_at")?,
        rows_accepted: c.i64(5, "rows_accepted")?,
        rows_rejected: c.i64(6, "rows_rejected")?,
    }))
}

#[cfg(test)]
mod tests {
    use shanyraq_store::contract::fixtures::{AKMOLA, LISTED_ON, kato};

    use super::*;

    use crate::testkit::{counting_statements, database};

    /// The page and the number of statements it took.
    fn traced_page(conn: &Connection, limit: u32) -> (FamilyPage, usize) {
        let request = PageRequest { after: None, limit, on: LISTED_ON };
        counting_statements(conn, || families_in_territory(conn, kato(AKMOLA), request).unwrap())
    }

    #[test]
    fn a_page_is_one_statement_whatever_its_size() {
        let conn = database(120);
        let (small, one) = traced_page(&conn, 1);
        let (large, many) = traced_page(&conn, 60);
        assert_eq!((small.items.len(), large.items.len()), (1, 60));
        assert!(large.items.iter().all(|s| s.member_count > 0 && s.head.is_some()));
        assert_eq!((one, many), (1, 1), "statements for a page of 1 and of 60");
    }

    #[test]
    fn the_page_size_is_capped() {
        let conn = database(PageRequest::MAX_LIMIT as usize * 2);
        let (page, _) = traced_page(&conn, u32::MAX);
        assert_eq!(page.items.len(), PageRequest::MAX_LIMIT as usize);
        assert!(page.items.capacity() <= PageRequest::MAX_LIMIT as usize + 1);
        assert!(page.next.is_some());
    }
}
