//! Reading rows back into domain values. A value that does not read back (a date that is not a
//! date, an unknown code, a broken IIN) is `StoreError::Corrupt`, naming the table, row and
//! column, never the value: it may be personal data, and error messages reach logs.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use rusqlite::Row;
use rusqlite::types::ValueRef;
use shanyraq_domain::indicators::ValueKind;
use shanyraq_domain::{
    Address, BatchId, Disability, Family, FamilyId, Iin, IndicatorKey, Kato, KatoLevel, Language,
    Membership, Observation, ObservationId, ObservationValue, Person, PersonId, PersonName, Role,
    SettlementType, Sex, Source, Territory,
};
use shanyraq_store::{StoreError, StoreResult, StoredObservation};
use time::{Date, OffsetDateTime};

use crate::codec::{parse_date, parse_timestamp};
use crate::error::{corrupt, store_error};

// What is wrong with a value, in words that do not repeat it.
const NOT_INTEGER: &str = "not an integer";
const NOT_TEXT: &str = "not text";
const NOT_DATE: &str = "not a date of the form YYYY-MM-DD";
const UNKNOWN_CODE: &str = "not a known code";
const NOT_KATO: &str = "not a KATO code";
const NOT_IIN: &str = "not a valid IIN";
const NOT_OF_KIND: &str = "not a value of the indicator's kind";
const NOT_COUNT: &str = "not a non-negative integer";
const NOT_TIMESTAMP: &str = "not an RFC 3339 timestamp";

/// The cells of one row, with what is needed to say which row a bad value is in.
pub(crate) struct Cells<'r, 's> {
    row: &'r Row<'s>,
    table: &'static str,
    key: i64,
}

impl<'r, 's> Cells<'r, 's> {
    /// Cells of `row` from `table`, whose key is in column `key_column`.
    pub(crate) fn new(row: &'r Row<'s>, table: &'static str, key_column: usize) -> Self {
        let key = row.get_ref(key_column).ok().and_then(|v| v.as_i64().ok()).unwrap_or(0);
        Cells { row, table, key }
    }

    /// The row's key, as read when the cells were made (0 if it was not an integer).
    pub(crate) fn key(&self) -> i64 {
        self.key
    }

    pub(crate) fn bad(&self, column: &str, why: &'static str) -> StoreError {
        corrupt(self.table, self.key, column, why)
    }

    fn value(&self, idx: usize) -> StoreResult<ValueRef<'r>> {
        self.row.get_ref(idx).map_err(store_error)
    }

    pub(crate) fn i64(&self, idx: usize, column: &str) -> StoreResult<i64> {
        self.value(idx)?.as_i64().map_err(|_| self.bad(column, NOT_INTEGER))
    }

    pub(crate) fn opt_i64(&self, idx: usize, column: &str) -> StoreResult<Option<i64>> {
        self.value(idx)?.as_i64_or_null().map_err(|_| self.bad(column, NOT_INTEGER))
    }

    pub(crate) fn opt_u64(&self, idx: usize, column: &str) -> StoreResult<Option<u64>> {
        self.opt_i64(idx, column)?
            .map(|n| u64::try_from(n).map_err(|_| self.bad(column, NOT_COUNT)))
            .transpose()
    }

    pub(crate) fn u64(&self, idx: usize, column: &str) -> StoreResult<u64> {
        u64::try_from(self.i64(idx, column)?).map_err(|_| self.bad(column, NOT_COUNT))
    }

    pub(crate) fn str(&self, idx: usize, column: &str) -> StoreResult<&'r str> {
        self.value(idx)?.as_str().map_err(|_| self.bad(column, NOT_TEXT))
    }

    pub(crate) fn opt_str(&self, idx: usize, column: &str) -> StoreResult<Option<&'r str>> {
        self.value(idx)?.as_str_or_null().map_err(|_| self.bad(column, NOT_TEXT))
    }

    pub(crate) fn string(&self, idx: usize, column: &str) -> StoreResult<String> {
        self.str(idx, column).map(str::to_owned)
    }

    pub(crate) fn opt_string(&self, idx: usize, column: &str) -> StoreResult<Option<String>> {
        self.opt_str(idx, column).map(|s| s.map(str::to_owned))
    }

    pub(crate) fn date(&self, idx: usize, column: &str) -> StoreResult<Date> {
        match self.value(idx)? {
            ValueRef::Text(text) => parse_date(text).ok_or_else(|| self.bad(column, NOT_DATE)),
            _ => Err(self.bad(column, NOT_TEXT)),
        }
    }

    pub(crate) fn opt_date(&self, idx: usize, column: &str) -> StoreResult<Option<Date>> {
        match self.value(idx)? {
            ValueRef::Null => Ok(None),
            ValueRef::Text(text) => {
                parse_date(text).map(Some).ok_or_else(|| self.bad(column, NOT_DATE))
            }
            _ => Err(self.bad(column, NOT_TEXT)),
        }
    }

    pub(crate) fn timestamp(&self, idx: usize, column: &str) -> StoreResult<OffsetDateTime> {
        parse_timestamp(self.str(idx, column)?).map_err(|_| self.bad(column, NOT_TIMESTAMP))
    }

    pub(crate) fn opt_timestamp(
        &self,
        idx: usize,
        column: &str,
    ) -> StoreResult<Option<OffsetDateTime>> {
        match self.opt_str(idx, column)? {
            Some(text) => {
                parse_timestamp(text).map(Some).map_err(|_| self.bad(column, NOT_TIMESTAMP))
            }
            None => Ok(None),
        }
    }

    pub(crate) fn code<T>(
        &self,
        idx: usize,
        column: &str,
        from_code: fn(&str) -> Option<T>,
    ) -> StoreResult<T> {
        let text = self.str(idx, column)?;
        from_code(text).ok_or_else(|| self.bad(column, UNKNOWN_CODE))
    }

    pub(crate) fn opt_code<T>(
        &self,
        idx: usize,
        column: &str,
        from_code: fn(&str) -> Option<T>,
    ) -> StoreResult<Option<T>> {
        match self.opt_str(idx, column)? {
            Some(text) => from_code(text).map(Some).ok_or_else(|| self.bad(column, UNKNOWN_CODE)),
            None => Ok(None),
        }
    }

    pub(crate) fn kato(&self, idx: usize, column: &str) -> StoreResult<Kato> {
        let n = self.i64(idx, column)?;
        u32::try_from(n)
            .ok()
            .and_then(|n| Kato::from_u32(n).ok())
            .ok_or_else(|| self.bad(column, NOT_KATO))
    }

    pub(crate) fn opt_kato(&self, idx: usize, column: &str) -> StoreResult<Option<Kato>> {
        match self.opt_i64(idx, column)? {
            Some(_) => self.kato(idx, column).map(Some),
            None => Ok(None),
        }
    }
}

/// Columns of `persons` (alias `p`) in the order [`person`] reads them.
pub(crate) const PERSON_COLUMNS: &str = "p.id, p.iin, p.iin_as_reported, p.last_name, \
    p.first_name, p.patronymic, p.birth_date, p.sex, p.language, p.phone, p.disability, \
    p.death_date";

/// A person from the twelve [`PERSON_COLUMNS`] starting at column `at`.
pub(crate) fn person(row: &Row<'_>, at: usize) -> StoreResult<Person> {
    let c = Cells::new(row, "person", at);
    let iin = match c.opt_str(at + 1, "iin")? {
        Some(text) => Some(text.parse::<Iin>().map_err(|_| c.bad("iin", NOT_IIN))?),
        None => None,
    };
    Ok(Person {
        id: PersonId(c.i64(at, "id")?),
        iin,
        iin_as_reported: c.opt_string(at + 2, "iin_as_reported")?,
        name: PersonName {
            last: c.string(at + 3, "last_name")?,
            first: c.string(at + 4, "first_name")?,
            patronymic: c.opt_string(at + 5, "patronymic")?,
        },
        birth_date: c.date(at + 6, "birth_date")?,
        sex: c.code(at + 7, "sex", Sex::from_code)?,
        language: c.opt_code(at + 8, "language", Language::from_code)?,
        phone: c.opt_string(at + 9, "phone")?,
        disability: c.opt_code(at + 10, "disability", Disability::from_code)?,
        death_date: c.opt_date(at + 11, "death_date")?,
    })
}

/// Columns of `memberships` (alias `m`) in the order [`membership`] reads them.
pub(crate) const MEMBERSHIP_COLUMNS: &str =
    "m.family_id, m.person_id, m.role, m.valid_from, m.valid_until";

/// A membership from the five [`MEMBERSHIP_COLUMNS`] starting at column `at`.
pub(crate) fn membership(row: &Row<'_>, at: usize) -> StoreResult<Membership> {
    let c = Cells::new(row, "membership of family", at);
    Ok(Membership {
        family: FamilyId(c.i64(at, "family_id")?),
        person: PersonId(c.i64(at + 1, "person_id")?),
        role: c.code(at + 2, "role", Role::from_code)?,
        from: c.date(at + 3, "valid_from")?,
        until: c.opt_date(at + 4, "valid_until")?,
    })
}

/// Columns of `families` in the order [`family`] reads them.
pub(crate) const FAMILY_COLUMNS: &str =
    "id, territory_code, street, house, flat, settlement_type, registered_on";

pub(crate) fn family(row: &Row<'_>) -> StoreResult<Family> {
    let c = Cells::new(row, "family", 0);
    Ok(Family {
        id: FamilyId(c.i64(0, "id")?),
        address: Address {
            territory: c.kato(1, "territory_code")?,
            street: c.opt_string(2, "street")?,
            house: c.opt_string(3, "house")?,
            flat: c.opt_string(4, "flat")?,
        },
        settlement_type: c.code(5, "settlement_type", SettlementType::from_code)?,
        registered_on: c.date(6, "registered_on")?,
    })
}

/// Columns of `observations` in the order [`observation`] reads them.
pub(crate) const OBSERVATION_COLUMNS: &str = "id, family_id, person_id, indicator, value_num, \
    value_text, source, observed_at, valid_from, valid_until, batch_id, line";

/// FNV-1a: the catalogue's keys are short and trusted, and a batch read looks up millions.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Every indicator of the catalogue by its key's bytes: reading a key is a hash lookup, not a
/// walk through the catalogue.
static INDICATOR_BY_KEY: LazyLock<
    HashMap<&'static [u8], IndicatorKey, BuildHasherDefault<KeyHasher>>,
> = LazyLock::new(|| IndicatorKey::all().map(|k| (k.as_str().as_bytes(), k)).collect());

impl Cells<'_, '_> {
    /// The indicator key in column `idx`.
    pub(crate) fn indicator(&self, idx: usize, column: &str) -> StoreResult<IndicatorKey> {
        match self.value(idx)? {
            ValueRef::Text(key) => {
                INDICATOR_BY_KEY.get(key).copied().ok_or_else(|| self.bad(column, UNKNOWN_CODE))
            }
            _ => Err(self.bad(column, NOT_TEXT)),
        }
    }

    /// The value of an `indicator` fact from its number and text columns at `num` and `num + 1`
    /// (`value_num`, `value_text`). Only the column the indicator's kind reads is read:
    /// [`ObservationValue::from_columns`] ignores the other.
    pub(crate) fn fact_value(
        &self,
        indicator: IndicatorKey,
        num: usize,
    ) -> StoreResult<ObservationValue> {
        let (num, text) = match indicator.kind() {
            ValueKind::Money | ValueKind::Count | ValueKind::Flag => {
                (self.opt_i64(num, "value_num")?, None)
            }
            ValueKind::Code | ValueKind::Date => (None, self.opt_str(num + 1, "value_text")?),
        };
        ObservationValue::from_columns(indicator, num, text)
            .map_err(|_| self.bad("value_num/value_text", NOT_OF_KIND))
    }
}

pub(crate) fn observation(row: &Row<'_>) -> StoreResult<StoredObservation> {
    let c = Cells::new(row, "observation", 0);
    let indicator = c.indicator(3, "indicator")?;
    let value = c.fact_value(indicator, 4)?;
    Ok(StoredObservation {
        id: ObservationId(c.i64(0, "id")?),
        observation: Observation {
            family: FamilyId(c.i64(1, "family_id")?),
            person: c.opt_i64(2, "person_id")?.map(PersonId),
            indicator,
            value,
            source: c.code(6, "source", Source::from_code)?,
            observed_at: c.date(7, "observed_at")?,
            valid_from: c.date(8, "valid_from")?,
            valid_until: c.opt_date(9, "valid_until")?,
            batch: BatchId(c.i64(10, "batch_id")?),
        },
        line: c.opt_u64(11, "line")?,
    })
}

/// Columns of `territories` in the order [`territory`] reads them.
pub(crate) const TERRITORY_COLUMNS: &str =
    "code, parent_code, level, name_kk, name_ru, name_en, settlement_type";

pub(crate) fn territory(row: &Row<'_>) -> StoreResult<Territory> {
    let c = Cells::new(row, "territory", 0);
    let level = match c.i64(2, "level")? {
        1 => KatoLevel::Region,
        2 => KatoLevel::District,
        3 => KatoLevel::Okrug,
        4 => KatoLevel::Settlement,
        _ => return Err(c.bad("level", "not a level 1–4")),
    };
    Ok(Territory {
        code: c.kato(0, "code")?,
        parent: c.opt_kato(1, "parent_code")?,
        level,
        name_kk: c.string(3, "name_kk")?,
        name_ru: c.string(4, "name_ru")?,
        name_en: c.opt_string(5, "name_en")?,
        settlement_type: c.code(6, "settlement_type", SettlementType::from_code)?,
    })
}
