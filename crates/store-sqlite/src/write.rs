//! Writes, each in one `BEGIN IMMEDIATE` transaction on the writer connection: the territory
//! tree, import batches and population chunks (the bulk path).

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, Statement, Transaction, TransactionBehavior};
use shanyraq_domain::{
    BatchId, Disability, Family, ImportBatch, Language, Membership, Observation, ObservationValue,
    Person, TerritoryTree,
};
use shanyraq_store::{PopulationChunk, StoreError, StoreResult};
use time::OffsetDateTime;

use crate::bulk::{Target, insert_all};
use crate::codec::{DateText, IinText, opt_date, timestamp_text};
use crate::error::{store_error, write_error};

/// A write transaction that takes the write lock up front, so that it never fails half-way
/// for lack of it.
pub(crate) fn immediate(conn: &mut Connection) -> StoreResult<Transaction<'_>> {
    conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(store_error)
}

pub(crate) fn timestamp(t: OffsetDateTime) -> StoreResult<String> {
    timestamp_text(t).map_err(|e| StoreError::Backend(format!("cannot format {t}: {e}")))
}

pub(crate) fn replace_territories(conn: &mut Connection, tree: &TerritoryTree) -> StoreResult<()> {
    let tx = immediate(conn)?;
    tx.execute_batch("DELETE FROM territories; DELETE FROM territory_versions;")
        .map_err(store_error)?;
    {
        let mut st = tx
            .prepare_cached(
                "INSERT INTO territories (code, parent_code, level, name_kk, name_ru, name_en, \
                 settlement_type) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .map_err(store_error)?;
        for t in tree.iter() {
            st.execute((
                t.code.as_u32(),
                t.parent.map(|p| p.as_u32()),
                t.level.number(),
                &t.name_kk,
                &t.name_ru,
                t.name_en.as_deref(),
                t.settlement_type.code(),
            ))
            .map_err(|e| write_error(e, || format!("territory {}", t.code)))?;
        }
    }
    tx.execute(
        "INSERT INTO territory_versions (id, as_of, loaded_at) VALUES (?1, ?2, ?3)",
        (
            &tree.version.id,
            DateText::new(tree.version.as_of),
            timestamp(OffsetDateTime::now_utc())?,
        ),
    )
    .map_err(store_error)?;
    tx.commit().map_err(store_error)
}

/// A generator batch: running until [`finish_batch`], with no source or fingerprint.
pub(crate) fn create_batch(conn: &mut Connection, b: &ImportBatch) -> StoreResult<()> {
    let finished = b.finished_at.map(timestamp).transpose()?;
    let tx = immediate(conn)?;
    tx.execute(
        "INSERT INTO import_batches (id, feed, label, started_at, finished_at, rows_accepted, \
         rows_rejected, status, rows_read, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'running', ?6 + ?7, COALESCE(?5, ?4))",
        (
            b.id.0,
            &b.feed,
            &b.label,
            timestamp(b.started_at)?,
            finished,
            b.rows_accepted,
            b.rows_rejected,
        ),
    )
    .map_err(|e| write_error(e, || format!("batch {}", b.id)))?;
    tx.commit().map_err(store_error)
}

/// Completes a generator batch: every row it read was accepted or rejected.
pub(crate) fn finish_batch(
    conn: &mut Connection,
    id: BatchId,
    finished_at: OffsetDateTime,
    accepted: i64,
    rejected: i64,
) -> StoreResult<()> {
    let finished = timestamp(finished_at)?;
    let tx = immediate(conn)?;
    let changed = tx
        .execute(
            "UPDATE import_batches SET status = 'complete', finished_at = ?2, updated_at = ?2, \
             rows_accepted = ?3, rows_rejected = ?4, rows_read = ?3 + ?4 WHERE id = ?1",
            (id.0, finished, accepted, rejected),
        )
        .map_err(store_error)?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("import batch {id}")));
    }
    tx.commit().map_err(store_error)
}

/// The text column of an observation value, borrowed or formatted on the stack.
pub(crate) enum ValueText<'a> {
    Code(&'a str),
    Date(DateText),
}

impl ValueText<'_> {
    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            ValueText::Code(s) => s.as_bytes(),
            ValueText::Date(d) => d.bytes(),
        }
    }
}

impl rusqlite::ToSql for ValueText<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        match self {
            ValueText::Code(s) => Ok(ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes()))),
            ValueText::Date(d) => d.to_sql(),
        }
    }
}

/// The two value columns, as [`ObservationValue::to_columns`] defines them, without allocating.
pub(crate) fn value_columns(v: &ObservationValue) -> (Option<i64>, Option<ValueText<'_>>) {
    match v {
        ObservationValue::Money(t) => (Some(t.0), None),
        ObservationValue::Count(n) => (Some(*n), None),
        ObservationValue::Flag(b) => (Some(i64::from(*b)), None),
        ObservationValue::Code(c) => (None, Some(ValueText::Code(c))),
        ObservationValue::Date(d) => (None, Some(ValueText::Date(DateText::new(*d)))),
    }
}

const FAMILIES: Target = Target {
    table: "families",
    skip_stored: false,
    columns: &[
        "id",
        "territory_code",
        "street",
        "house",
        "flat",
        "settlement_type",
        "registered_on",
    ],
};
const PERSONS: Target = Target {
    table: "persons",
    skip_stored: false,
    columns: &[
        "id",
        "iin",
        "iin_as_reported",
        "last_name",
        "first_name",
        "patronymic",
        "birth_date",
        "sex",
        "language",
        "phone",
        "disability",
        "death_date",
    ],
};
const MEMBERSHIPS: Target = Target {
    table: "memberships",
    skip_stored: false,
    columns: &["family_id", "person_id", "role", "valid_from", "valid_until"],
};
const OBSERVATIONS: Target = Target {
    table: "observations",
    skip_stored: false,
    columns: &[
        "family_id",
        "person_id",
        "indicator",
        "value_num",
        "value_text",
        "source",
        "observed_at",
        "valid_from",
        "valid_until",
        "batch_id",
    ],
};

fn bind_family(st: &mut Statement<'_>, at: usize, f: &Family) -> rusqlite::Result<()> {
    st.raw_bind_parameter(at, f.id.0)?;
    st.raw_bind_parameter(at + 1, f.address.territory.as_u32())?;
    st.raw_bind_parameter(at + 2, f.address.street.as_deref())?;
    st.raw_bind_parameter(at + 3, f.address.house.as_deref())?;
    st.raw_bind_parameter(at + 4, f.address.flat.as_deref())?;
    st.raw_bind_parameter(at + 5, f.settlement_type.code())?;
    st.raw_bind_parameter(at + 6, DateText::new(f.registered_on))
}

fn bind_person(st: &mut Statement<'_>, at: usize, p: &Person) -> rusqlite::Result<()> {
    st.raw_bind_parameter(at, p.id.0)?;
    st.raw_bind_parameter(at + 1, p.iin.as_ref().map(IinText::new))?;
    st.raw_bind_parameter(at + 2, p.iin_as_reported.as_deref())?;
    st.raw_bind_parameter(at + 3, p.name.last.as_str())?;
    st.raw_bind_parameter(at + 4, p.name.first.as_str())?;
    st.raw_bind_parameter(at + 5, p.name.patronymic.as_deref())?;
    st.raw_bind_parameter(at + 6, DateText::new(p.birth_date))?;
    st.raw_bind_parameter(at + 7, p.sex.code())?;
    st.raw_bind_parameter(at + 8, p.language.map(Language::code))?;
    st.raw_bind_parameter(at + 9, p.phone.as_deref())?;
    st.raw_bind_parameter(at + 10, p.disability.map(Disability::code))?;
    st.raw_bind_parameter(at + 11, opt_date(p.death_date))
}

fn bind_membership(st: &mut Statement<'_>, at: usize, m: &Membership) -> rusqlite::Result<()> {
    st.raw_bind_parameter(at, m.family.0)?;
    st.raw_bind_parameter(at + 1, m.person.0)?;
    st.raw_bind_parameter(at + 2, m.role.code())?;
    st.raw_bind_parameter(at + 3, DateText::new(m.from))?;
    st.raw_bind_parameter(at + 4, opt_date(m.until))
}

pub(crate) fn bind_observation(
    st: &mut Statement<'_>,
    at: usize,
    o: &Observation,
) -> rusqlite::Result<()> {
    let (num, text) = value_columns(&o.value);
    st.raw_bind_parameter(at, o.family.0)?;
    st.raw_bind_parameter(at + 1, o.person.map(|p| p.0))?;
    st.raw_bind_parameter(at + 2, o.indicator.as_str())?;
    st.raw_bind_parameter(at + 3, num)?;
    st.raw_bind_parameter(at + 4, text)?;
    st.raw_bind_parameter(at + 5, o.source.code())?;
    st.raw_bind_parameter(at + 6, DateText::new(o.observed_at))?;
    st.raw_bind_parameter(at + 7, DateText::new(o.valid_from))?;
    st.raw_bind_parameter(at + 8, opt_date(o.valid_until))?;
    st.raw_bind_parameter(at + 9, o.batch.0)
}

/// "families 7–70" for the rows of a failed statement.
fn span<T>(what: &str, rows: &[T], key: impl Fn(&T) -> String) -> String {
    match (rows.first(), rows.last()) {
        (Some(a), Some(b)) if rows.len() > 1 => format!("{what} {} to {}", key(a), key(b)),
        (Some(a), _) => format!("{what} {}", key(a)),
        _ => what.to_owned(),
    }
}

/// Writes a chunk in one transaction with multi-row cached statements; any failure rolls all of
/// it back. Observations get ids in the order they come.
pub(crate) fn insert_population(conn: &mut Connection, chunk: &PopulationChunk) -> StoreResult<()> {
    if chunk.is_empty() {
        return Ok(());
    }
    let tx = immediate(conn)?;
    insert_all(&tx, FAMILIES, &chunk.families, bind_family, |r| {
        span("family", r, |f| f.id.to_string())
    })?;
    insert_all(&tx, PERSONS, &chunk.persons, bind_person, |r| {
        span("person", r, |p| p.id.to_string())
    })?;
    insert_all(&tx, MEMBERSHIPS, &chunk.memberships, bind_membership, |r| {
        span("membership", r, |m| format!("({}, {})", m.family, m.person))
    })?;
    insert_all(&tx, OBSERVATIONS, &chunk.observations, bind_observation, |r| {
        span("observation of family", r, |o| o.family.to_string())
    })?;
    tx.commit().map_err(store_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::ToSql;
    use shanyraq_domain::Tenge;
    use time::macros::date;

    #[test]
    fn value_columns_agree_with_the_domain() {
        let values = [
            ObservationValue::Money(Tenge(250_000)),
            ObservationValue::Count(-3),
            ObservationValue::Flag(true),
            ObservationValue::Flag(false),
            ObservationValue::Code("own".into()),
            ObservationValue::Date(date!(2024 - 05 - 01)),
        ];
        for v in values {
            let (num, text) = value_columns(&v);
            let text = text.map(|t| match t {
                ValueText::Code(s) => s.to_owned(),
                ValueText::Date(d) => match d.to_sql().unwrap() {
                    ToSqlOutput::Borrowed(ValueRef::Text(b)) => {
                        String::from_utf8(b.to_vec()).unwrap()
                    }
                    other => panic!("{other:?}"),
                },
            });
            assert_eq!((num, text), v.to_columns(), "{v:?}");
        }
    }
}
