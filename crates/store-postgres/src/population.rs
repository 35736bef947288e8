//! Writing people, families, memberships and observations: one transaction per chunk, each table
//! through binary `COPY`. A duplicate key or IIN fails the `COPY` (SQLSTATE 23505), the
//! transaction rolls back, and the caller gets [`shanyraq_store::StoreError::Conflict`].
//!
//! Foreign keys: PostgreSQL checks them with one trigger call per row and key, which costs three
//! quarters of a load's time (about 110,000 instead of 500,000 rows/s). When the role may, a
//! chunk's transaction turns those triggers off ([`crate::bulk`]) and [`crate::references`]
//! checks the chunk's references set-wise instead, with the same outcome. A trigger added to
//! these tables later would be skipped on the fast path too: reconsider this when adding one.

use shanyraq_domain::{Family, Membership, Observation, ObservationValue, Person};

use shanyraq_store::{PopulationChunk, StoreResult};
use sqlx::{PgConnection, PgPool};

use crate::bulk::{self, BulkPath, BulkTransaction};
use crate::copy::{BinaryRows, copy_rows};
use crate::error::fail;
use crate::references;

const COPY_PERSONS: &str = "COPY persons (id, iin, iin_as_reported, last_name, first_name, \
    patronymic, birth_date, sex, language, phone, disability, death_date) \
    FROM STDIN (FORMAT binary)";
const COPY_FAMILIES: &str = "COPY families (id, territory_code, street, house, flat, \
    settlement_type, registered_on) FROM STDIN (FORMAT binary)";
const COPY_MEMBERSHIPS: &str = "COPY memberships (family_id, person_id, role, valid_from, \
    valid_until) FROM STDIN (FORMAT binary)";
const COPY_OBSERVATIONS: &str = "COPY observations (family_id, person_id, indicator, value_num, \
    value_text, source, observed_at, valid_from, valid_until, batch_id) \
    FROM STDIN (FORMAT binary)";

fn encode_person(out: &mut BinaryRows, p: &Person) {
    out.row(12);
    out.i64(p.id.0);
    match &p.iin {
        Some(iin) => out.text_bytes(&iin.digits().map(|d| b'0' + d)),
        None => out.null(),
    }
    out.opt_text(p.iin_as_reported.as_deref());
    out.text(&p.name.last);
    out.text(&p.name.first);
    out.opt_text(p.name.patronymic.as_deref());
    out.date(p.birth_date);
    out.text(p.sex.code());
    out.opt_text(p.language.map(|l| l.code()));
    out.opt_text(p.phone.as_deref());
    out.opt_text(p.disability.map(|d| d.code()));
    out.opt_date(p.death_date);
}

fn encode_family(out: &mut BinaryRows, f: &Family) {
    out.row(7);
    out.i64(f.id.0);
    out.i32(i32::try_from(f.address.territory.as_u32()).unwrap_or(i32::MAX));
    out.opt_text(f.address.street.as_deref());
    out.opt_text(f.address.house.as_deref());
    out.opt_text(f.address.flat.as_deref());
    out.text(f.settlement_type.code());
    out.date(f.registered_on);
}

fn encode_membership(out: &mut BinaryRows, m: &Membership) {
    out.row(5);
    out.i64(m.family.0);
    out.i64(m.person.0);
    out.text(m.role.code());
    out.date(m.from);
    out.opt_date(m.until);
}

/// The two value columns, as [`ObservationValue::to_columns`] defines them, without allocating
/// for the common kinds.
fn encode_value(out: &mut BinaryRows, value: &ObservationValue) {
    match value {
        ObservationValue::Money(t) => {
            out.i64(t.0);
            out.null();
        }
        ObservationValue::Count(n) => {
            out.i64(*n);
            out.null();
        }
        ObservationValue::Flag(b) => {
            out.i64(i64::from(*b));
            out.null();
        }
        ObservationValue::Code(c) => {
            out.null();
            out.text(c);
        }
        ObservationValue::Date(_) => {
            let (num, text) = value.to_columns();
            out.opt_i64(num);
            out.opt_text(text.as_deref());
        }
    }
}

fn encode_observation(out: &mut BinaryRows, o: &Observation) {
    out.row(10);
    out.i64(o.family.0);
    out.opt_i64(o.person.map(|p| p.0));
    out.text(o.indicator.as_str());
    encode_value(out, &o.value);
    out.text(o.source.code());
    out.date(o.observed_at);
    out.date(o.valid_from);
    out.opt_date(o.valid_until);
    out.i64(o.batch.0);
}

/// Writes `chunk` inside the caller's transaction, parents before children.
pub(crate) async fn copy_chunk(
    conn: &mut PgConnection,
    chunk: &PopulationChunk,
) -> StoreResult<()> {
    copy_rows(conn, "writing persons", COPY_PERSONS, &chunk.persons, encode_person).await?;
    copy_rows(conn, "writing families", COPY_FAMILIES, &chunk.families, encode_family).await?;
    copy_rows(conn, "writing memberships", COPY_MEMBERSHIPS, &chunk.memberships, encode_membership)
        .await?;
    copy_rows(
        conn,
        "writing observations",
        COPY_OBSERVATIONS,
        &chunk.observations,
        encode_observation,
    )
    .await?;
    Ok(())
}

/// `next_ids`: one past the largest key of each table.
pub(crate) const NEXT_IDS: &str = "SELECT
    (SELECT coalesce(max(id), 0) + 1 FROM persons) AS person,
    (SELECT coalesce(max(id), 0) + 1 FROM families) AS family,
    (SELECT coalesce(max(id), 0) + 1 FROM import_batches) AS batch";

/// `stats`: row counts of every table.
pub(crate) const STATS: &str = "SELECT
    (SELECT count(*) FROM families) AS families,
    (SELECT count(*) FROM persons) AS persons,
    (SELECT count(*) FROM memberships) AS memberships,
    (SELECT count(*) FROM observations) AS observations,
    (SELECT count(*) FROM import_batches) AS batches,
    (SELECT count(*) FROM territories) AS territories";

/// Writes `chunk` in one transaction, on the bulk path ([`crate::bulk`]).
pub(crate) async fn write_chunk(
    pool: &PgPool,
    path: &BulkPath,
    chunk: &PopulationChunk,
) -> StoreResult<()> {
    if chunk.is_empty() {
        return Ok(());
    }
    let BulkTransaction { mut tx, triggers_off } =
        bulk::begin(pool, path, "starting a population write").await?;
    if triggers_off {
        references::check(&mut tx, chunk).await?;
    }
    copy_chunk(&mut tx, chunk).await?;
    tx.commit().await.map_err(fail("committing a population write"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use shanyraq_domain::Tenge;
    use time::macros::date;

    /// What `encode_value` writes must be what `to_columns` says, for every kind.
    #[test]
    fn value_columns_agree_with_the_domain() {
        for value in [
            ObservationValue::Money(Tenge(85_000)),
            ObservationValue::Count(-3),
            ObservationValue::Flag(true),
            ObservationValue::Flag(false),
            ObservationValue::Code("own".into()),
            ObservationValue::Date(date!(2026 - 11 - 30)),
        ] {
            let mut fast = BinaryRows::new();
            encode_value(&mut fast, &value);
            let mut reference = BinaryRows::new();
            let (num, text) = value.to_columns();
            reference.opt_i64(num);
            reference.opt_text(text.as_deref());
            assert_eq!(fast, reference, "{value:?}");
        }
    }
}
