//! Reading schema files and checking them against the indicator catalogue.

use std::collections::BTreeMap;

use serde::Deserialize;
use shanyraq_domain::indicators::{Subject, ValueKind};
use shanyraq_domain::{IndicatorKey, Source};

use super::{
    ColumnDef, ColumnType, FeedSchema, Headers, Identity, IndicatorMapping, MAX_COLUMNS,
    MatchingColumns, Range, keys,
};

/// The schemas shipped with the crate: file name and text.
pub static BUNDLED: &[(&str, &str)] = &[
    ("income.toml", include_str!("../../../../data/feeds/income.toml")),
    ("employment.toml", include_str!("../../../../data/feeds/employment.toml")),
    ("health.toml", include_str!("../../../../data/feeds/health.toml")),
    ("education.toml", include_str!("../../../../data/feeds/education.toml")),
    ("disability.toml", include_str!("../../../../data/feeds/disability.toml")),
    ("police.toml", include_str!("../../../../data/feeds/police.toml")),
    ("property.toml", include_str!("../../../../data/feeds/property.toml")),
    ("debts.toml", include_str!("../../../../data/feeds/debts.toml")),
    ("benefits.toml", include_str!("../../../../data/feeds/benefits.toml")),
    ("civil_registry.toml", include_str!("../../../../data/feeds/civil_registry.toml")),
];

/// Why a schema file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    #[error("{file}: {message}")]
    Syntax { file: String, message: String },
    #[error("no feed is declared with the name {0:?}")]
    UnknownFeed(String),
    #[error("{schema}: column {column:?} is declared twice")]
    DuplicateColumn { schema: String, column: String },
    #[error("{schema}: header {header:?} names two columns")]
    DuplicateHeader { schema: String, header: String },
    #[error("{schema}: {context} names column {column:?}, which is not declared")]
    UnknownColumn { schema: String, column: String, context: &'static str },
    #[error("{schema}: column {column:?} must be of type {expected}")]
    ColumnType { schema: String, column: String, expected: &'static str },
    #[error("{schema}: {reason}")]
    Invalid { schema: String, reason: String },
    #[error("{schema}: {indicator:?} is not an indicator of the catalogue")]
    UnknownIndicator { schema: String, indicator: String },
    #[error("{schema}: column {column:?} cannot feed indicator {indicator}: {reason}")]
    Mapping { schema: String, column: String, indicator: String, reason: String },
}

impl SchemaError {
    /// Stable code for reports.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Syntax { .. } => "schema.syntax",
            Self::UnknownFeed(_) => "schema.unknown_feed",
            Self::DuplicateColumn { .. } => "schema.duplicate_column",
            Self::DuplicateHeader { .. } => "schema.duplicate_header",
            Self::UnknownColumn { .. } => "schema.unknown_column",
            Self::ColumnType { .. } => "schema.column_type",
            Self::Invalid { .. } => "schema.invalid",
            Self::UnknownIndicator { .. } => "schema.unknown_indicator",
            Self::Mapping { .. } => "schema.mapping",
        }
    }
}

/// Every bundled schema, checked.
pub fn bundled() -> Result<Vec<FeedSchema>, SchemaError> {
    BUNDLED.iter().map(|(file, text)| parse_schema(file, text)).collect()
}

/// The bundled schema named `name` (e.g. `income`).
pub fn bundled_schema(name: &str) -> Result<FeedSchema, SchemaError> {
    let (file, text) = BUNDLED
        .iter()
        .find(|(file, _)| file.strip_suffix(".toml") == Some(name))
        .ok_or_else(|| SchemaError::UnknownFeed(name.to_owned()))?;
    parse_schema(file, text)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchema {
    name: String,
    description: String,
    source: Source,
    subject: Subject,
    #[serde(default)]
    sensitive: bool,
    period_start: String,
    period_end: Option<String>,
    natural_key: Vec<String>,
    columns: Vec<RawColumn>,
    #[serde(default)]
    indicators: Vec<RawMapping>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumn {
    key: String,
    kk: String,
    ru: String,
    en: String,
    #[serde(rename = "type")]
    ty: RawType,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    values: Vec<String>,
    min: Option<i64>,
    max: Option<i64>,
    #[serde(default)]
    not_future: bool,
    not_before: Option<String>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum RawType {
    Iin,
    Kato,
    Date,
    Money,
    Count,
    Flag,
    Code,
    Text,
    Name,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    column: String,
    indicator: Option<String>,
    by: Option<String>,
    #[serde(default)]
    map: BTreeMap<String, String>,
}

/// Parses and checks one schema file: every name it uses is declared, every indicator exists
/// in the catalogue and fits the column's type.
pub fn parse_schema(file: &str, text: &str) -> Result<FeedSchema, SchemaError> {
    let raw: RawSchema = toml::from_str(text)
        .map_err(|e| SchemaError::Syntax { file: file.to_owned(), message: e.to_string() })?;
    let schema = raw.name.clone();
    let invalid = |reason: String| SchemaError::Invalid { schema: schema.clone(), reason };
    if raw.columns.len() > MAX_COLUMNS {
        return Err(invalid(format!("more than {MAX_COLUMNS} columns")));
    }
    let find = |key: &str, context: &'static str| {
        raw.columns.iter().position(|c| c.key == key).ok_or_else(|| SchemaError::UnknownColumn {
            schema: schema.clone(),
            column: key.to_owned(),
            context,
        })
    };
    check_names(&schema, &raw.columns)?;

    let mut columns = Vec::with_capacity(raw.columns.len());
    for c in &raw.columns {
        let ty = column_type(&schema, c)?;
        let numeric = matches!(ty, ColumnType::Money | ColumnType::Count);
        if !numeric && (c.min.is_some() || c.max.is_some()) {
            return Err(invalid(format!("column {:?}: min/max only on money and count", c.key)));
        }
        let is_date = ty == ColumnType::Date;
        if !is_date && (c.not_future || c.not_before.is_some()) {
            return Err(invalid(format!("column {:?}: date rules on a non-date", c.key)));
        }
        let not_before = match &c.not_before {
            Some(other) => {
                let i = find(other, "not_before")?;
                expect_type(&schema, &raw.columns[i], RawType::Date, "date")?;
                Some(i)
            }
            None => None,
        };
        columns.push(ColumnDef {
            key: c.key.clone(),
            headers: Headers { kk: c.kk.clone(), ru: c.ru.clone(), en: c.en.clone() },
            ty,
            required: c.required,
            range: Range { min: c.min, max: c.max },
            not_future: c.not_future,
            not_before,
        });
    }

    let identity = identity(&schema, &raw.columns, &find)?;
    let period_start = find(&raw.period_start, "period_start")?;
    expect_type(&schema, &raw.columns[period_start], RawType::Date, "date")?;
    if !raw.columns[period_start].required {
        return Err(invalid("the period_start column must be required".into()));
    }
    let period_end = match &raw.period_end {
        Some(key) => {
            let i = find(key, "period_end")?;
            expect_type(&schema, &raw.columns[i], RawType::Date, "date")?;
            Some(i)
        }
        None => None,
    };
    let natural_key =
        raw.natural_key.iter().map(|k| find(k, "natural_key")).collect::<Result<Vec<_>, _>>()?;
    if natural_key.is_empty() {
        return Err(invalid("natural_key is empty".into()));
    }
    let indicators = raw
        .indicators
        .iter()
        .map(|m| mapping(&schema, &columns, m, &find))
        .collect::<Result<Vec<_>, _>>()?;

    Ok(FeedSchema {
        name: raw.name,
        description: raw.description,
        source: raw.source,
        subject: raw.subject,
        sensitive: raw.sensitive,
        columns,
        indicators,
        natural_key,
        identity,
        period_start,
        period_end,
    })
}

/// Keys are unique, and no header name (case-insensitive) belongs to two columns.
fn check_names(schema: &str, columns: &[RawColumn]) -> Result<(), SchemaError> {
    let mut headers: BTreeMap<String, &str> = BTreeMap::new();
    for (i, c) in columns.iter().enumerate() {
        if columns[..i].iter().any(|o| o.key == c.key) {
            return Err(SchemaError::DuplicateColumn {
                schema: schema.to_owned(),
                column: c.key.clone(),
            });
        }
        for h in [&c.kk, &c.ru, &c.en] {
            let norm = super::header::normalize(h);
            if norm.is_empty() {
                return Err(SchemaError::Invalid {
                    schema: schema.to_owned(),
                    reason: format!("column {:?} has an empty header", c.key),
                });
            }
            if let Some(owner) = headers.insert(norm, &c.key)
                && owner != c.key
            {
                return Err(SchemaError::DuplicateHeader {
                    schema: schema.to_owned(),
                    header: h.clone(),
                });
            }
        }
    }
    Ok(())
}

fn column_type(schema: &str, c: &RawColumn) -> Result<ColumnType, SchemaError> {
    if (c.ty == RawType::Code) == c.values.is_empty() {
        return Err(SchemaError::Invalid {
            schema: schema.to_owned(),
            reason: format!("column {:?}: values are given for code columns, and only them", c.key),
        });
    }
    Ok(match c.ty {
        RawType::Iin => ColumnType::Iin,
        RawType::Kato => ColumnType::Kato,
        RawType::Date => ColumnType::Date,
        RawType::Money => ColumnType::Money,
        RawType::Count => ColumnType::Count,
        RawType::Flag => ColumnType::Flag,
        RawType::Code => ColumnType::Code(c.values.clone()),
        RawType::Text => ColumnType::Text,
        RawType::Name => ColumnType::Name,
    })
}

fn expect_type(
    schema: &str,
    c: &RawColumn,
    ty: RawType,
    expected: &'static str,
) -> Result<(), SchemaError> {
    if c.ty == ty {
        Ok(())
    } else {
        Err(SchemaError::ColumnType { schema: schema.to_owned(), column: c.key.clone(), expected })
    }
}

/// The IIN column is mandatory; matching needs all four of its columns.
fn identity(
    schema: &str,
    columns: &[RawColumn],
    find: &dyn Fn(&str, &'static str) -> Result<usize, SchemaError>,
) -> Result<Identity, SchemaError> {
    let iin = find(keys::IIN, "identity")?;
    expect_type(schema, &columns[iin], RawType::Iin, "iin")?;
    let optional = |key: &str, ty: RawType, name: &'static str| -> Result<_, SchemaError> {
        match columns.iter().position(|c| c.key == key) {
            Some(i) => expect_type(schema, &columns[i], ty, name).map(|()| Some(i)),
            None => Ok(None),
        }
    };
    let last_name = optional(keys::LAST_NAME, RawType::Name, "name")?;
    let first_name = optional(keys::FIRST_NAME, RawType::Name, "name")?;
    let birth_date = optional(keys::BIRTH_DATE, RawType::Date, "date")?;
    let kato = optional(keys::KATO, RawType::Kato, "kato")?;
    let matching = match (last_name, first_name, birth_date, kato) {
        (Some(last_name), Some(first_name), Some(birth_date), Some(kato)) => {
            Some(MatchingColumns { last_name, first_name, birth_date, kato })
        }
        _ => None,
    };
    Ok(Identity { iin, matching, birth_date })
}

fn mapping(
    schema: &str,
    columns: &[ColumnDef],
    m: &RawMapping,
    find: &dyn Fn(&str, &'static str) -> Result<usize, SchemaError>,
) -> Result<IndicatorMapping, SchemaError> {
    let column = find(&m.column, "indicators.column")?;
    let key = |name: &str| {
        name.parse::<IndicatorKey>().map_err(|_| SchemaError::UnknownIndicator {
            schema: schema.to_owned(),
            indicator: name.to_owned(),
        })
    };
    match (&m.indicator, &m.by) {
        (Some(indicator), None) if m.map.is_empty() => {
            let indicator = key(indicator)?;
            fits(schema, &columns[column], indicator)?;
            Ok(IndicatorMapping::Fixed { column, indicator })
        }
        (None, Some(by_key)) => {
            let by = find(by_key, "indicators.by")?;
            let ColumnType::Code(codes) = &columns[by].ty else {
                return Err(SchemaError::ColumnType {
                    schema: schema.to_owned(),
                    column: by_key.clone(),
                    expected: "code",
                });
            };
            if let Some(extra) = m.map.keys().find(|k| !codes.contains(k)) {
                return Err(SchemaError::Invalid {
                    schema: schema.to_owned(),
                    reason: format!("indicators.map names {extra:?}, not a code of {by_key:?}"),
                });
            }
            let mut indicators = Vec::with_capacity(codes.len());
            for code in codes {
                let name = m.map.get(code).ok_or_else(|| SchemaError::Invalid {
                    schema: schema.to_owned(),
                    reason: format!("indicators.map has no indicator for code {code:?}"),
                })?;
                let indicator = key(name)?;
                fits(schema, &columns[column], indicator)?;
                indicators.push(indicator);
            }
            Ok(IndicatorMapping::ByCode { column, by, indicators })
        }
        _ => Err(SchemaError::Invalid {
            schema: schema.to_owned(),
            reason: format!(
                "mapping of {:?}: give either `indicator` or `by` with `map`",
                m.column
            ),
        }),
    }
}

/// The column's values are of the indicator's kind; a code column's codes are the indicator's.
fn fits(schema: &str, column: &ColumnDef, indicator: IndicatorKey) -> Result<(), SchemaError> {
    let fail = |reason: String| SchemaError::Mapping {
        schema: schema.to_owned(),
        column: column.key.clone(),
        indicator: indicator.as_str().to_owned(),
        reason,
    };
    let kind = match &column.ty {
        ColumnType::Money => ValueKind::Money,
        ColumnType::Count => ValueKind::Count,
        ColumnType::Flag => ValueKind::Flag,
        ColumnType::Date => ValueKind::Date,
        ColumnType::Code(codes) => {
            if let Some(c) = codes.iter().find(|c| !indicator.def().codes.contains(&c.as_str())) {
                return Err(fail(format!("code {c:?} is not one of the indicator's")));
            }
            ValueKind::Code
        }
        other => return Err(fail(format!("a {} column feeds no indicator", other.code()))),
    };
    if kind == indicator.kind() {
        Ok(())
    } else {
        Err(fail(format!("the column is {kind:?}, the indicator {:?}", indicator.kind())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
name = "t"
description = "test"
source = "tax"
subject = "person"
period_start = "d"
natural_key = ["iin"]
[[columns]]
key = "iin"
kk = "ЖСН"
ru = "ИИН"
en = "IIN"
type = "iin"
[[columns]]
key = "d"
kk = "Күн"
ru = "Дата"
en = "Date"
type = "date"
required = true
[[columns]]
key = "n"
kk = "Сан"
ru = "Число"
en = "Number"
type = "count"
"#;

    #[test]
    fn minimal_schema_loads() {
        let s = parse_schema("t.toml", MINIMAL).unwrap();
        assert_eq!(s.columns.len(), 3);
        assert_eq!(s.identity.matching, None);
    }

    #[test]
    fn unknown_indicator_is_refused() {
        let text = format!("{MINIMAL}[[indicators]]\ncolumn = \"n\"\nindicator = \"no.such\"\n");
        assert_eq!(parse_schema("t.toml", &text).unwrap_err().code(), "schema.unknown_indicator");
    }

    #[test]
    fn kind_mismatch_is_refused() {
        let text =
            format!("{MINIMAL}[[indicators]]\ncolumn = \"n\"\nindicator = \"income.wage\"\n");
        assert_eq!(parse_schema("t.toml", &text).unwrap_err().code(), "schema.mapping");
    }

    #[test]
    fn undeclared_column_is_refused() {
        let text = MINIMAL.replace("natural_key = [\"iin\"]", "natural_key = [\"x\"]");
        assert_eq!(parse_schema("t.toml", &text).unwrap_err().code(), "schema.unknown_column");
    }

    #[test]
    fn header_shared_by_two_columns_is_refused() {
        let text = MINIMAL.replace("en = \"Number\"", "en = \"date\"");
        assert_eq!(parse_schema("t.toml", &text).unwrap_err().code(), "schema.duplicate_header");
    }

    #[test]
    fn syntax_errors_name_the_file() {
        let e = parse_schema("broken.toml", "name = ").unwrap_err();
        assert_eq!(e.code(), "schema.syntax");
        assert!(e.to_string().starts_with("broken.toml:"), "{e}");
    }
}
