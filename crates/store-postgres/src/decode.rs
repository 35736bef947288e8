//! Rows back into domain values. A value the domain refuses (an unknown code, a malformed IIN)
//! means the stored data is damaged: [`StoreError::Corrupt`], naming the table, the row's key and
//! the column, never the value: it may be personal data, and error messages reach logs.

use shanyraq_domain::{
    Address, BatchId, Disability, Family, FamilyId, ImportBatch, IndicatorKey, Kato, KatoLevel,
    Language, Membership, Observation, ObservationId, ObservationValue, Person, PersonId,
    PersonName, Role, SettlementType, Sex, Source, Territory,
};
use shanyraq_store::{StoreError, StoreResult, StoredObservation};
use sqlx::postgres::PgRow;
use sqlx::{Decode, Postgres, Row, Type};

use crate::error::store_error;

// What is wrong with a value, in words that do not repeat it.
pub(crate) const UNKNOWN_CODE: &str = "not a known code";
pub(crate) const NOT_KATO: &str = "not a KATO code";
const NOT_IIN: &str = "not a valid IIN";

/// A column's value, or an error naming the column.
pub(crate) fn get<'r, T>(row: &'r PgRow, column: &'static str) -> StoreResult<T>
where
    T: Decode<'r, Postgres> + Type<Postgres>,
{
    row.try_get(column).map_err(|e| store_error(column, e))
}

/// The row a value is read from, to say where a bad value is: its table and key column.
#[derive(Clone, Copy)]
pub(crate) struct At<'r> {
    row: &'r PgRow,
    table: &'static str,
    key_column: &'static str,
}

impl<'r> At<'r> {
    pub(crate) fn new(row: &'r PgRow, table: &'static str, key_column: &'static str) -> At<'r> {
        At { row, table, key_column }
    }

    /// The row's key as text: keys are `BIGINT`, territory codes `INTEGER`.
    fn key(&self) -> String {
        if let Ok(k) = self.row.try_get::<i64, _>(self.key_column) {
            return k.to_string();
        }
        match self.row.try_get::<i32, _>(self.key_column) {
            Ok(k) => k.to_string(),
            Err(_) => "?".to_owned(),
        }
    }

    /// `table key, column c: why`.
    pub(crate) fn corrupt(&self, column: &str, why: &'static str) -> StoreError {
        corrupt(self.table, self.key_column, self.key(), column, why)
    }
}

/// `table key_column=key, column c: why`, for a value read without its [`PgRow`] at hand.
pub(crate) fn corrupt(
    table: &str,
    key_column: &str,
    key: impl std::fmt::Display,
    column: &str,
    why: &'static str,
) -> StoreError {
    StoreError::Corrupt(format!("{table} {key_column}={key}, column {column}: {why}"))
}

/// A code column through the domain's `from_code`.
pub(crate) fn code<T>(
    at: At<'_>,
    column: &'static str,
    from_code: impl Fn(&str) -> Option<T>,
) -> StoreResult<T> {
    let text: String = get(at.row, column)?;
    from_code(&text).ok_or_else(|| at.corrupt(column, UNKNOWN_CODE))
}

pub(crate) fn opt_code<T>(
    at: At<'_>,
    column: &'static str,
    from_code: impl Fn(&str) -> Option<T>,
) -> StoreResult<Option<T>> {
    let text: Option<String> = get(at.row, column)?;
    text.map(|t| from_code(&t).ok_or_else(|| at.corrupt(column, UNKNOWN_CODE))).transpose()
}

/// A stored `INTEGER` as a KATO code, if it is one.
pub(crate) fn to_kato(n: i32) -> Option<Kato> {
    u32::try_from(n).ok().and_then(|v| Kato::from_u32(v).ok())
}

pub(crate) fn kato(at: At<'_>, column: &'static str) -> StoreResult<Kato> {
    let n: i32 = get(at.row, column)?;
    to_kato(n).ok_or_else(|| at.corrupt(column, NOT_KATO))
}

pub(crate) fn opt_kato(at: At<'_>, column: &'static str) -> StoreResult<Option<Kato>> {
    let n: Option<i32> = get(at.row, column)?;
    n.map(|n| to_kato(n).ok_or_else(|| at.corrupt(column, NOT_KATO))).transpose()
}

fn level(at: At<'_>) -> StoreResult<KatoLevel> {
    let n: i32 = get(at.row, "level")?;
    match n {
        1 => Ok(KatoLevel::Region),
        2 => Ok(KatoLevel::District),
        3 => Ok(KatoLevel::Okrug),
        4 => Ok(KatoLevel::Settlement),
        _ => Err(at.corrupt("level", "not a level 1–4")),
    }
}

/// A file line number: never negative.
pub(crate) fn line_number(at: At<'_>, column: &str, n: i64) -> StoreResult<u64> {
    u64::try_from(n).map_err(|_| at.corrupt(column, "a negative line number"))
}

pub(crate) fn territory(row: &PgRow) -> StoreResult<Territory> {
    let at = At::new(row, "territories", "code");
    Ok(Territory {
        code: kato(at, "code")?,
        parent: opt_kato(at, "parent_code")?,
        level: level(at)?,
        name_kk: get(row, "name_kk")?,
        name_ru: get(row, "name_ru")?,
        name_en: get(row, "name_en")?,
        settlement_type: code(at, "settlement_type", SettlementType::from_code)?,
    })
}

pub(crate) fn batch(row: &PgRow) -> StoreResult<ImportBatch> {
    Ok(ImportBatch {
        id: BatchId(get(row, "id")?),
        feed: get(row, "feed")?,
        label: get(row, "label")?,
        started_at: get(row, "started_at")?,
        finished_at: get(row, "finished_at")?,
        rows_accepted: get(row, "rows_accepted")?,
        rows_rejected: get(row, "rows_rejected")?,
    })
}

/// A person from the columns of `persons` (its key as `id`).
pub(crate) fn person(row: &PgRow) -> StoreResult<Person> {
    let at = At::new(row, "persons", "id");
    let iin: Option<String> = get(row, "iin")?;
    Ok(Person {
        id: PersonId(get(row, "id")?),
        iin: iin.map(|t| t.parse().map_err(|_| at.corrupt("iin", NOT_IIN))).transpose()?,
        iin_as_reported: get(row, "iin_as_reported")?,
        name: PersonName {
            last: get(row, "last_name")?,
            first: get(row, "first_name")?,
            patronymic: get(row, "patronymic")?,
        },
        birth_date: get(row, "birth_date")?,
        sex: code(at, "sex", Sex::from_code)?,
        language: opt_code(at, "language", Language::from_code)?,
        phone: get(row, "phone")?,
        disability: opt_code(at, "disability", Disability::from_code)?,
        death_date: get(row, "death_date")?,
    })
}

/// The names a family's columns go by in a row.
struct FamilyColumns {
    id: &'static str,
    territory_code: &'static str,
    street: &'static str,
    house: &'static str,
    flat: &'static str,
    settlement_type: &'static str,
    registered_on: &'static str,
}

/// A row of `families` itself.
const FAMILY: FamilyColumns = FamilyColumns {
    id: "id",
    territory_code: "territory_code",
    street: "street",
    house: "house",
    flat: "flat",
    settlement_type: "settlement_type",
    registered_on: "registered_on",
};

/// A family joined to another table's row: the names of `joined_family_columns!`.
const JOINED_FAMILY: FamilyColumns = FamilyColumns {
    id: "f_id",
    territory_code: "f_territory_code",
    street: "f_street",
    house: "f_house",
    flat: "f_flat",
    settlement_type: "f_settlement_type",
    registered_on: "f_registered_on",
};

pub(crate) fn family(row: &PgRow) -> StoreResult<Family> {
    family_in(row, &FAMILY)
}

/// The family joined to `row` (`LEFT JOIN families f`, `joined_family_columns!`), if one was.
pub(crate) fn joined_family(row: &PgRow) -> StoreResult<Option<Family>> {
    let id: Option<i64> = get(row, JOINED_FAMILY.id)?;
    id.map(|_| family_in(row, &JOINED_FAMILY)).transpose()
}

fn family_in(row: &PgRow, c: &FamilyColumns) -> StoreResult<Family> {
    let at = At::new(row, "families", c.id);
    Ok(Family {
        id: FamilyId(get(row, c.id)?),
        address: Address {
            territory: kato(at, c.territory_code)?,
            street: get(row, c.street)?,
            house: get(row, c.house)?,
            flat: get(row, c.flat)?,
        },
        settlement_type: code(at, c.settlement_type, SettlementType::from_code)?,
        registered_on: get(row, c.registered_on)?,
    })
}

pub(crate) fn membership(row: &PgRow) -> StoreResult<Membership> {
    let at = At::new(row, "memberships", "person_id");
    Ok(Membership {
        family: FamilyId(get(row, "family_id")?),
        person: PersonId(get(row, "person_id")?),
        role: code(at, "role", Role::from_code)?,
        from: get(row, "valid_from")?,
        until: get(row, "valid_until")?,
    })
}

pub(crate) fn observation(row: &PgRow) -> StoreResult<StoredObservation> {
    let at = At::new(row, "observations", "id");
    let indicator_text: String = get(row, "indicator")?;
    let indicator: IndicatorKey =
        indicator_text.parse().map_err(|_| at.corrupt("indicator", UNKNOWN_CODE))?;
    let num: Option<i64> = get(row, "value_num")?;
    let text: Option<String> = get(row, "value_text")?;
    let value = ObservationValue::from_columns(indicator, num, text.as_deref())
        .map_err(|_| at.corrupt("value_num/value_text", "not a value of the indicator's kind"))?;
    let person: Option<i64> = get(row, "person_id")?;
    let line: Option<i64> = get(row, "line")?;
    Ok(StoredObservation {
        id: ObservationId(get(row, "id")?),
        observation: Observation {
            family: FamilyId(get(row, "family_id")?),
            person: person.map(PersonId),
            indicator,
            value,
            source: code(at, "source", Source::from_code)?,
            observed_at: get(row, "observed_at")?,
            valid_from: get(row, "valid_from")?,
            valid_until: get(row, "valid_until")?,
            batch: BatchId(get(row, "batch_id")?),
        },
        line: line.map(|n| line_number(at, "line", n)).transpose()?,
    })
}
