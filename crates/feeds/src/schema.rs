//! Declared sources: one schema per agency feed, kept as data in `data/feeds/*.toml` and compiled
//! in with `include_str!`.
//!
//! TOML rather than CSV because a schema is nested — columns with headers in three languages,
//! enumerations, ranges, and indicator mappings chosen by a code column. A flat table would need
//! several files per source or encoded cells; TOML keeps one reviewable file per source.

mod header;
mod load;

use shanyraq_domain::indicators::Subject;
use shanyraq_domain::{IndicatorKey, Source};

pub use header::{HeaderError, HeaderMap, HeaderWarning};
pub use load::{BUNDLED, SchemaError, bundled, bundled_schema, parse_schema};

/// Column keys with a fixed meaning: how a row names its person.
pub mod keys {
    pub const IIN: &str = "iin";
    pub const LAST_NAME: &str = "last_name";
    pub const FIRST_NAME: &str = "first_name";
    pub const BIRTH_DATE: &str = "birth_date";
    pub const KATO: &str = "kato";
}

/// Most columns a schema may declare; lets the validator keep a row's parsed values on the stack.
pub const MAX_COLUMNS: usize = 32;

/// One declared feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedSchema {
    /// e.g. `income`; what `--source` names.
    pub name: String,
    pub description: String,
    pub source: Source,
    /// Whom a row is about: a person, or the family of the person it names.
    pub subject: Subject,
    /// Values are masked in reports whatever their type (police data).
    pub sensitive: bool,
    pub columns: Vec<ColumnDef>,
    pub indicators: Vec<IndicatorMapping>,
    /// Indices into `columns` of the columns that identify a row, for exactly-once imports.
    pub natural_key: Vec<usize>,
    pub identity: Identity,
    /// Index of the date column a row's facts hold from.
    pub period_start: usize,
    /// Index of the date column with the last day (inclusive) a row's facts hold.
    pub period_end: Option<usize>,
}

/// One column of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnDef {
    pub key: String,
    pub headers: Headers,
    pub ty: ColumnType,
    /// The header must be present and the field non-empty (the IIN column's emptiness is the
    /// identity rule's, since such a row may still be matched).
    pub required: bool,
    pub range: Range,
    /// A date after the validator's `as_of` is refused (birth dates, events).
    pub not_future: bool,
    /// Index of a date column this date may not precede (death after birth, end after start).
    pub not_before: Option<usize>,
}

/// A column's names; a file may use any of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headers {
    pub kk: String,
    pub ru: String,
    pub en: String,
}

impl Headers {
    pub fn all(&self) -> [&str; 3] {
        [&self.kk, &self.ru, &self.en]
    }
}

/// What a field holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnType {
    Iin,
    Kato,
    /// `YYYY-MM-DD` or `DD.MM.YYYY`.
    Date,
    /// Whole tenge, as [`shanyraq_domain::Tenge`] reads it.
    Money,
    /// A whole number.
    Count,
    /// Yes or no: `1/0`, `true/false`, `yes/no`, `да/нет`, `иә/жоқ`.
    Flag,
    /// One of the listed codes.
    Code(Vec<String>),
    Text,
    /// A person's name; masked in reports.
    Name,
}

impl ColumnType {
    /// The number of digits of a fixed-width code (IIN 12, KATO 9): what a number that lost its
    /// leading zeros is padded back to (see [`FeedSchema::digit_widths`]).
    pub fn digits(&self) -> Option<usize> {
        match self {
            ColumnType::Iin => Some(12),
            ColumnType::Kato => Some(9),
            _ => None,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ColumnType::Iin => "iin",
            ColumnType::Kato => "kato",
            ColumnType::Date => "date",
            ColumnType::Money => "money",
            ColumnType::Count => "count",
            ColumnType::Flag => "flag",
            ColumnType::Code(_) => "code",
            ColumnType::Text => "text",
            ColumnType::Name => "name",
        }
    }
}

/// Inclusive bounds for money and count columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Range {
    pub min: Option<i64>,
    pub max: Option<i64>,
}

/// Which indicator a column's value becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndicatorMapping {
    /// The column always feeds one indicator.
    Fixed { column: usize, indicator: IndicatorKey },
    /// The indicator depends on the code in column `by` (income by source of income);
    /// `indicators[i]` is for the `by` column's `i`-th code.
    ByCode { column: usize, by: usize, indicators: Vec<IndicatorKey> },
}

/// How a row names its person: the IIN, or failing it the keys to match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity {
    pub iin: usize,
    /// Present when the schema has last name, first name, birth date and territory columns.
    pub matching: Option<MatchingColumns>,
    pub birth_date: Option<usize>,
}

/// Indices of the columns a person without a usable IIN is matched on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchingColumns {
    pub last_name: usize,
    pub first_name: usize,
    pub birth_date: usize,
    pub kato: usize,
}

impl FeedSchema {
    /// Index of the column with `key`.
    pub fn column(&self, key: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.key == key)
    }

    /// Maps a file's header names to this schema's columns.
    pub fn map_header<S: AsRef<str>>(&self, names: &[S]) -> Result<HeaderMap, HeaderError> {
        header::map(self, names)
    }

    /// For each field of a file mapped as `header`, the width of the code its column holds, for
    /// [`FeedReader::restore_leading_zeros`](crate::read::FeedReader::restore_leading_zeros):
    /// 12 where the file has an IIN column, 9 where it has a KATO column.
    pub fn digit_widths(&self, header: &HeaderMap) -> Vec<Option<usize>> {
        let mut widths = Vec::new();
        for (column, position) in self.columns.iter().zip(&header.positions) {
            if let (Some(width), Some(p)) = (column.ty.digits(), *position) {
                if widths.len() <= p {
                    widths.resize(p + 1, None);
                }
                widths[p] = Some(width);
            }
        }
        widths
    }
}
