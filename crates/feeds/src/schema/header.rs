//! Mapping a file's header row to a schema's columns.

use std::fmt;

use super::{FeedSchema, Headers};

/// Where each schema column is in a file, and what the file has that the schema does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderMap {
    /// For each schema column, its position in the file's fields.
    pub positions: Vec<Option<usize>>,
    /// Columns the schema does not declare; ignored.
    pub warnings: Vec<HeaderWarning>,
}

/// A header the schema does not know; the column is ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderWarning {
    /// 0-based position in the header.
    pub position: usize,
    pub name: String,
}

impl HeaderWarning {
    pub fn code(&self) -> &'static str {
        "header.unknown_column"
    }
}

/// Why a file's header cannot be read with a schema: the whole file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// Required columns are absent; each is named in kk, ru and en. The IIN column may be absent
    /// when last name, first name, birth date and KATO are there: its rows are then matched.
    #[error("missing required columns: {}", Names(.missing))]
    MissingColumns { missing: Vec<Headers> },
    #[error("column {column:?} appears twice, as {first:?} and {second:?}")]
    DuplicateColumn { column: String, first: String, second: String },
}

impl HeaderError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingColumns { .. } => "header.missing_columns",
            Self::DuplicateColumn { .. } => "header.duplicate_column",
        }
    }

    /// The missing columns in one language (0 kk, 1 ru, 2 en), comma-separated, for messages.
    pub fn missing_in(&self, language: usize) -> String {
        match self {
            Self::MissingColumns { missing } => missing
                .iter()
                .map(|h| h.all().get(language).copied().unwrap_or(&h.en))
                .collect::<Vec<_>>()
                .join(", "),
            Self::DuplicateColumn { .. } => String::new(),
        }
    }
}

struct Names<'a>(&'a [Headers]);

impl fmt::Display for Names<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, h) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{} / {} / {}", h.kk, h.ru, h.en)?;
        }
        Ok(())
    }
}

/// Trimmed (a byte-order mark too), lower-cased: how headers are compared.
pub(crate) fn normalize(name: &str) -> String {
    name.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}').to_lowercase()
}

pub(super) fn map<S: AsRef<str>>(
    schema: &FeedSchema,
    names: &[S],
) -> Result<HeaderMap, HeaderError> {
    let known: Vec<[String; 3]> =
        schema.columns.iter().map(|c| c.headers.all().map(normalize)).collect();
    let mut positions = vec![None; schema.columns.len()];
    let mut warnings = Vec::new();
    for (position, name) in names.iter().enumerate() {
        let name = name.as_ref();
        let norm = normalize(name);
        let Some(column) = known.iter().position(|k| k.contains(&norm)) else {
            warnings.push(HeaderWarning { position, name: name.trim().to_owned() });
            continue;
        };
        if let Some(first) = positions[column].replace(position) {
            return Err(HeaderError::DuplicateColumn {
                column: schema.columns[column].key.clone(),
                first: names[first].as_ref().trim().to_owned(),
                second: name.trim().to_owned(),
            });
        }
    }
    // Without an IIN column every row goes to matching, which needs all four matching columns;
    // with them the IIN column may be absent.
    let iin = schema.identity.iin;
    let matchable = schema.identity.matching.is_some_and(|m| {
        [m.last_name, m.first_name, m.birth_date, m.kato]
            .iter()
            .all(|&i| positions.get(i).is_some_and(Option::is_some))
    });
    let missing: Vec<Headers> = schema
        .columns
        .iter()
        .zip(&positions)
        .enumerate()
        .filter(|(i, (c, p))| c.required && p.is_none() && !(*i == iin && matchable))
        .map(|(_, (c, _))| c.headers.clone())
        .collect();
    if missing.is_empty() {
        Ok(HeaderMap { positions, warnings })
    } else {
        Err(HeaderError::MissingColumns { missing })
    }
}
