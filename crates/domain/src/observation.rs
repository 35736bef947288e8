//! Facts about families and people: indicator observations with their provenance.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::ids::{BatchId, FamilyId, PersonId};
use crate::indicators::{INDICATORS, IndicatorDef, Subject, ValueKind};
use crate::money::Tenge;

/// Who said it. Registry facts are read-only; field-visit facts are the specialist's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Tax,
    Labour,
    Health,
    Education,
    Police,
    Property,
    Benefits,
    CivilRegistry,
    SelfReported,
    FieldVisit,
}

impl Source {
    pub const ALL: [Source; 10] = [
        Source::Tax,
        Source::Labour,
        Source::Health,
        Source::Education,
        Source::Police,
        Source::Property,
        Source::Benefits,
        Source::CivilRegistry,
        Source::SelfReported,
        Source::FieldVisit,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Source::Tax => "tax",
            Source::Labour => "labour",
            Source::Health => "health",
            Source::Education => "education",
            Source::Police => "police",
            Source::Property => "property",
            Source::Benefits => "benefits",
            Source::CivilRegistry => "civil_registry",
            Source::SelfReported => "self_reported",
            Source::FieldVisit => "field_visit",
        }
    }

    pub fn from_code(code: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A key of the indicator catalogue ([`crate::indicators::INDICATORS`]). It exists only for
/// indicators the catalogue declares.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndicatorKey(&'static IndicatorDef);

/// The text names no indicator of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an indicator of the catalogue")]
pub struct UnknownIndicator(pub String);

impl IndicatorKey {
    pub fn def(self) -> &'static IndicatorDef {
        self.0
    }
    pub fn as_str(self) -> &'static str {
        self.0.key
    }
    pub fn kind(self) -> ValueKind {
        self.0.kind
    }
    pub fn subject(self) -> Subject {
        self.0.subject
    }
    /// The indicator's position in the catalogue, for tables indexed by indicator.
    pub fn ordinal(self) -> usize {
        // A key only ever points into `INDICATORS` (it is made from its entries).
        let base = INDICATORS.as_ptr().addr();
        (std::ptr::from_ref(self.0).addr() - base) / std::mem::size_of::<IndicatorDef>()
    }
    /// Every indicator of the catalogue.
    pub fn all() -> impl Iterator<Item = IndicatorKey> {
        INDICATORS.iter().map(IndicatorKey)
    }
    /// A key by name, for code that names catalogue entries it knows exist.
    pub fn named(key: &str) -> Result<IndicatorKey, UnknownIndicator> {
        key.parse()
    }
}

impl FromStr for IndicatorKey {
    type Err = UnknownIndicator;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        INDICATORS
            .iter()
            .find(|d| d.key == s)
            .map(IndicatorKey)
            .ok_or_else(|| UnknownIndicator(s.to_owned()))
    }
}

impl fmt::Debug for IndicatorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IndicatorKey({})", self.0.key)
    }
}

impl fmt::Display for IndicatorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.key)
    }
}

impl Serialize for IndicatorKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.key)
    }
}

impl<'de> Deserialize<'de> for IndicatorKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The value of an observation; its variant always matches the indicator's [`ValueKind`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ObservationValue {
    Money(Tenge),
    Count(i64),
    Flag(bool),
    /// A code from the indicator's enumeration, e.g. `own` for housing status.
    Code(String),
    Date(Date),
}

/// A stored value does not fit its indicator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("value does not fit indicator {indicator}: {reason}")]
pub struct ValueMismatch {
    pub indicator: &'static str,
    pub reason: String,
}

impl ObservationValue {
    pub fn kind(&self) -> ValueKind {
        match self {
            ObservationValue::Money(_) => ValueKind::Money,
            ObservationValue::Count(_) => ValueKind::Count,
            ObservationValue::Flag(_) => ValueKind::Flag,
            ObservationValue::Code(_) => ValueKind::Code,
            ObservationValue::Date(_) => ValueKind::Date,
        }
    }

    /// The two storage columns: a number for money, counts and flags, a text for codes and
    /// dates (ISO 8601).
    pub fn to_columns(&self) -> (Option<i64>, Option<String>) {
        match self {
            ObservationValue::Money(t) => (Some(t.0), None),
            ObservationValue::Count(n) => (Some(*n), None),
            ObservationValue::Flag(b) => (Some(i64::from(*b)), None),
            ObservationValue::Code(c) => (None, Some(c.clone())),
            ObservationValue::Date(d) => (None, Some(crate::dates::iso(*d))),
        }
    }

    /// Reads the storage columns back for `indicator`.
    pub fn from_columns(
        indicator: IndicatorKey,
        num: Option<i64>,
        text: Option<&str>,
    ) -> Result<ObservationValue, ValueMismatch> {
        let fail =
            |reason: &str| ValueMismatch { indicator: indicator.as_str(), reason: reason.into() };
        match (indicator.kind(), num, text) {
            (ValueKind::Money, Some(n), _) => Ok(ObservationValue::Money(Tenge(n))),
            (ValueKind::Count, Some(n), _) => Ok(ObservationValue::Count(n)),
            (ValueKind::Flag, Some(0), _) => Ok(ObservationValue::Flag(false)),
            (ValueKind::Flag, Some(1), _) => Ok(ObservationValue::Flag(true)),
            (ValueKind::Code, _, Some(t)) => Ok(ObservationValue::Code(t.to_owned())),
            (ValueKind::Date, _, Some(t)) => crate::dates::parse_iso(t)
                .map(ObservationValue::Date)
                .map_err(|_| fail("not an ISO date")),
            _ => Err(fail("missing or wrong column")),
        }
    }
}

/// A fact about a family or one of its members, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    pub family: FamilyId,
    /// The member it is about; `None` for facts about the household (housing, land).
    pub person: Option<PersonId>,
    pub indicator: IndicatorKey,
    pub value: ObservationValue,
    pub source: Source,
    pub observed_at: Date,
    pub valid_from: Date,
    /// `None` while the fact holds; exclusive.
    pub valid_until: Option<Date>,
    pub batch: BatchId,
}

/// One load of facts: a feed file, a generator run. Every observation points at one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportBatch {
    pub id: BatchId,
    /// The feed, e.g. `income`, `health`, or `synthetic` for the generator.
    pub feed: String,
    /// What was loaded: a file name, or the generator's parameters.
    pub label: String,
    pub started_at: OffsetDateTime,
    pub finished_at: Option<OffsetDateTime>,
    pub rows_accepted: i64,
    pub rows_rejected: i64,
}
