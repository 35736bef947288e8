//! Rows back into domain values. A value the domain refuses (an unknown code, a malformed IIN)
//! means the stored data is damaged: [`StoreError::Corrupt`], naming the column and the value.

use shanyraq_domain::{
    Address, BatchId, Disability, Family, FamilyId, ImportBatch, IndicatorKey, Kato, KatoLevel,
    Language, Membership, Observation, ObservationId, ObservationValue, Person, PersonId,
    PersonName, Role, SettlementType, Sex, Source, Territory,
};
use shanyraq_store::{StoreError, StoreResult, StoredObservation};
use sqlx::postgres::PgRow;
use sqlx::{Decode, Postgres, Row, Type};

use crate::error::store_error;

/// A column's value, or an error naming the column.
pub(crate) fn get<'r, T>(row: &'r PgRow, column: &'static str) -> StoreResult<T>
where
    T: Decode<'r, Postgres> + Type<Postgres>,
{
    row.try_get(column).map_err(|e| store_error(column, e))
}

fn corrupt(column: &str, value: impl std::fmt::Debug) -> StoreError {
    StoreError::Corrupt(format!("column {column} holds {value:?}"))
}

/// A code column through the domain's `from_code`.
fn code<T>(
    row: &PgRow,
    column: &'static str,
    from_code: impl Fn(&str) -> Option<T>,
) -> StoreResult<T> {
    let text: String = get(row, column)?;
    from_code(&text).ok_or_else(|| corrupt(column, text))
}

fn opt_code<T>(
    row: &PgRow,
    column: &'static str,
    from_code: impl Fn(&str) -> Option<T>,
) -> StoreResult<Option<T>> {
    let text: Option<String> = get(row, column)?;
    text.map(|t| from_code(&t).ok_or_else(|| corrupt(column, t))).transpose()
}

pub(crate) fn kato(row: &PgRow, column: &'static str) -> StoreResult<Kato> {
    let n: i32 = get(row, column)?;
    u32::try_from(n).ok().and_then(|v| Kato::from_u32(v).ok()).ok_or_else(|| corrupt(column, n))
}

fn opt_kato(row: &PgRow, column: &'static str) -> StoreResult<Option<Kato>> {
    let n: Option<i32> = get(row, column)?;
    n.map(|n| {
        u32::try_from(n).ok().and_then(|v| Kato::from_u32(v).ok()).ok_or_else(|| corrupt(column, n))
    })
    .transpose()
}

fn level(row: &PgRow) -> StoreResult<KatoLevel> {
    let n: i32 = get(row, "level")?;
    match n {
        1 => Ok(KatoLevel::Region),
        2 => Ok(KatoLevel::District),
        3 => Ok(KatoLevel::Okrug),
        4 => Ok(KatoLevel::Settlement),
        other => Err(corrupt("level", other)),
    }
}

pub(crate) fn territory(row: &PgRow) -> StoreResult<Territory> {
    Ok(Territory {
        code: kato(row, "code")?,
        parent: opt_kato(row, "parent_code")?,
        level: level(row)?,
        name_kk: get(row, "name_kk")?,
        name_ru: get(row, "name_ru")?,
        name_en: get(row, "name_en")?,
        settlement_type: code(row, "settlement_type", SettlementType::from_code)?,
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
    let iin: Option<String> = get(row, "iin")?;
    Ok(Person {
        id: PersonId(get(row, "id")?),
        iin: iin.map(|t| t.parse().map_err(|_| corrupt("iin", t))).transpose()?,
        iin_as_reported: get(row, "iin_as_reported")?,
        name: PersonName {
            last: get(row, "last_name")?,
            first: get(row, "first_name")?,
            patronymic: get(row, "patronymic")?,
        },
        birth_date: get(row, "birth_date")?,
        sex: code(row, "sex", Sex::from_code)?,
        language: opt_code(row, "language", Language::from_code)?,
        phone: get(row, "phone")?,
        disability: opt_code(row, "disability", Disability::from_code)?,
        death_date: get(row, "death_date")?,
    })
}

pub(crate) fn family(row: &PgRow) -> StoreResult<Family> {
    Ok(Family {
        id: FamilyId(get(row, "id")?),
        address: Address {
            territory: kato(row, "territory_code")?,
            street: get(row, "street")?,
            house: get(row, "house")?,
            flat: get(row, "flat")?,
        },
        settlement_type: code(row, "settlement_type", SettlementType::from_code)?,
        registered_on: get(row, "registered_on")?,
    })
}

pub(crate) fn membership(row: &PgRow) -> StoreResult<Membership> {
    Ok(Membership {
        family: FamilyId(get(row, "family_id")?),
        person: PersonId(get(row, "person_id")?),
        role: code(row, "role", Role::from_code)?,
        from: get(row, "valid_from")?,
        until: get(row, "valid_until")?,
    })
}

pub(crate) fn observation(row: &PgRow) -> StoreResult<StoredObservation> {
    let indicator_text: String = get(row, "indicator")?;
    let indicator: IndicatorKey =
        indicator_text.parse().map_err(|_| corrupt("indicator", &indicator_text))?;
    let num: Option<i64> = get(row, "value_num")?;
    let text: Option<String> = get(row, "value_text")?;
    let value = ObservationValue::from_columns(indicator, num, text.as_deref())
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let person: Option<i64> = get(row, "person_id")?;
    Ok(StoredObservation {
        id: ObservationId(get(row, "id")?),
        observation: Observation {
            family: FamilyId(get(row, "family_id")?),
            person: person.map(PersonId),
            indicator,
            value,
            source: code(row, "source", Source::from_code)?,
            observed_at: get(row, "observed_at")?,
            valid_from: get(row, "valid_from")?,
            valid_until: get(row, "valid_until")?,
            batch: BatchId(get(row, "batch_id")?),
        },
    })
}
