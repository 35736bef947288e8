//! Row validation: a row's text fields in, an accepted, to-be-matched or rejected row out, with
//! reasons a data steward can act on.
//!
//! Built for throughput (a dry run aims at a million rows a second): a row's values are read into
//! a stack array, nothing is looked up by name per row, and only refused values and accepted facts
//! allocate.

mod field;
pub mod mask;
pub mod messages;

use shanyraq_domain::{Iin, IndicatorKey, Kato, ObservationValue, TerritoryTree};
use time::Date;

use crate::schema::{ColumnType, FeedSchema, HeaderMap, IndicatorMapping, MAX_COLUMNS};
use field::{Parsed, Refusal};
pub use mask::{mask, mask_birth_date};
pub use messages::{Lang, render};

/// Every code row validation can report, as problem or warning.
pub static CODES: &[&str] = &[
    "required.missing",
    "identity.missing",
    "iin.length",
    "iin.non_digit",
    "iin.check_digit",
    "iin.unissuable",
    "iin.birth_date_mismatch",
    "iin.century_digit",
    "iin.impossible_date",
    "kato.length",
    "kato.non_digit",
    "kato.no_region",
    "kato.unknown",
    "date.format",
    "date.nonexistent",
    "date.future",
    "date.before_other",
    "money.not_a_number",
    "money.rounded",
    "money.too_large",
    "money.ambiguous_separator",
    "count.not_a_number",
    "range.below_min",
    "range.above_max",
    "flag.invalid",
    "code.unknown",
    "name.invalid",
];

/// Codes of the report lines that are not a field's problem: records the reader refused
/// ([`messages::record_problem`]), rows kept for matching and rows repeated within a file.
pub static RECORD_CODES: &[&str] = &[
    "record.invalid_utf8",
    "record.unterminated_quote",
    "record.field_count",
    "record.field_too_long",
    "record.too_many_fields",
    "record.invalid_json",
    "record.not_an_object",
    "record.nested_value",
    "record.unknown_key",
    "record.duplicate_key",
    "row.needs_matching",
    "row.unknown_person",
    "row.no_family",
    "row.out_of_territory",
    "row.duplicate",
];

/// Codes the header mapping reports (file-level errors and warnings).
pub static HEADER_CODES: &[&str] =
    &["header.missing_columns", "header.duplicate_column", "header.unknown_column"];

/// Something wrong with one field of a row; values are masked for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The schema column's key.
    pub column: String,
    pub value_masked: String,
    pub code: &'static str,
    /// Arguments of the message, by name.
    pub args: Vec<(&'static str, String)>,
}

impl Problem {
    pub fn message(&self, lang: Lang) -> String {
        render(self.code, lang, &self.args)
    }
}

/// A fact a row states, to become an observation once its person is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub indicator: IndicatorKey,
    pub value: ObservationValue,
    pub valid_from: Date,
    /// Exclusive: the day after the period's last day.
    pub valid_until: Option<Date>,
}

/// What a person without a usable IIN is matched on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchingKeys {
    pub last_name: String,
    pub first_name: String,
    pub birth_date: Date,
    pub kato: Kato,
}

/// The verdict on one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Valid, and its person is named by IIN.
    Accepted {
        line: u64,
        iin: Iin,
        /// See [`Validator::row_key`].
        key: String,
        facts: Vec<Fact>,
        warnings: Vec<Problem>,
    },
    /// Valid, but without a usable IIN: kept until the person is matched on the keys. An invalid
    /// IIN, if any, is among the warnings.
    NeedsMatching {
        line: u64,
        keys: MatchingKeys,
        /// See [`Validator::row_key`].
        key: String,
        facts: Vec<Fact>,
        warnings: Vec<Problem>,
    },
    Rejected {
        line: u64,
        problems: Vec<Problem>,
        warnings: Vec<Problem>,
    },
}

impl Outcome {
    pub fn line(&self) -> u64 {
        match self {
            Outcome::Accepted { line, .. }
            | Outcome::NeedsMatching { line, .. }
            | Outcome::Rejected { line, .. } => *line,
        }
    }

    pub fn warnings(&self) -> &[Problem] {
        match self {
            Outcome::Accepted { warnings, .. }
            | Outcome::NeedsMatching { warnings, .. }
            | Outcome::Rejected { warnings, .. } => warnings,
        }
    }
}

/// Validates the rows of one feed against its schema, the territory tree and a reference date.
#[derive(Debug)]
pub struct Validator<'a> {
    schema: &'a FeedSchema,
    tree: &'a TerritoryTree,
    as_of: Date,
    /// For each schema column, its position among a row's fields.
    positions: Vec<Option<usize>>,
}

impl<'a> Validator<'a> {
    /// Rows come with their fields in the schema's column order; see [`Validator::with_header`].
    /// `as_of` is "today" for the rule that birth dates and events are not in the future.
    pub fn new(schema: &'a FeedSchema, tree: &'a TerritoryTree, as_of: Date) -> Self {
        let positions = (0..schema.columns.len()).map(Some).collect();
        Validator { schema, tree, as_of, positions }
    }

    /// Rows come with their fields in the file's order, as mapped by
    /// [`FeedSchema::map_header`].
    pub fn with_header(mut self, header: &HeaderMap) -> Self {
        self.positions.clone_from(&header.positions);
        self.positions.resize(self.schema.columns.len(), None);
        self
    }

    pub fn schema(&self) -> &'a FeedSchema {
        self.schema
    }

    /// The verdict on the row at `line` (1-based, for the report).
    pub fn validate<S: AsRef<str>>(&self, line: u64, fields: &[S]) -> Outcome {
        let schema = self.schema;
        let identity = schema.identity;
        let mut parsed = [Parsed::Empty; MAX_COLUMNS];
        let mut problems = Vec::new();
        let mut warnings = Vec::new();
        let mut iin_problem = None;

        for (i, column) in schema.columns.iter().enumerate().take(MAX_COLUMNS) {
            let text = self.field(fields, i);
            if text.is_empty() {
                if column.required && i != identity.iin {
                    problems.push(self.problem(i, text, ("required.missing", vec![])));
                }
                continue;
            }
            match field::parse_with_warning(&column.ty, text)
                .and_then(|(v, warning)| Ok((self.check(i, v)?, warning)))
            {
                Ok((value, warning)) => {
                    parsed[i] = value;
                    warnings.extend(warning.map(|w| self.problem(i, text, w)));
                }
                Err(refusal) => {
                    parsed[i] = Parsed::Invalid;
                    let problem = self.problem(i, text, refusal);
                    if i == identity.iin {
                        iin_problem = Some(problem);
                    } else {
                        problems.push(problem);
                    }
                }
            }
        }
        self.check_order(fields, &mut parsed, &mut problems);

        let birth_date = identity.birth_date.and_then(|i| date(parsed[i]));
        let who =
            if let Parsed::Iin(iin) = parsed[identity.iin] {
                if let Some(recorded) = birth_date {
                    self.structure_warnings(fields, iin, recorded, &mut warnings);
                }
                Some(Ok(iin))
            } else if let Some(keys) = self.matching_keys(fields, &parsed) {
                warnings.extend(iin_problem);
                Some(Err(keys))
            } else {
                problems.push(iin_problem.unwrap_or_else(|| {
                    self.problem(identity.iin, "", ("identity.missing", vec![]))
                }));
                None
            };

        let valid_from = date(parsed[schema.period_start]);
        let (Some(who), Some(valid_from), true) = (who, valid_from, problems.is_empty()) else {
            if problems.is_empty() {
                problems.push(self.problem(schema.period_start, "", ("required.missing", vec![])));
            }
            return Outcome::Rejected { line, problems, warnings };
        };
        let valid_until = schema.period_end.and_then(|i| date(parsed[i])).and_then(Date::next_day);
        let facts = self.facts(&parsed, valid_from, valid_until);
        let key = self.row_key(fields, &parsed);
        match who {
            Ok(iin) => Outcome::Accepted { line, iin, key, facts, warnings },
            Err(keys) => Outcome::NeedsMatching { line, keys, key, facts, warnings },
        }
    }

    /// The row's natural key without its person: the canonical values of the schema's
    /// natural-key columns other than the IIN, joined by `|` — dates in ISO form, codes as the
    /// schema spells them, text trimmed — so that `01.02.2026` and `2026-02-01`, or `WAGE` and
    /// `wage`, name the same row. With the person (IIN or matching keys) it identifies a row
    /// across deliveries.
    fn row_key<S: AsRef<str>>(&self, fields: &[S], parsed: &[Parsed; MAX_COLUMNS]) -> String {
        use std::fmt::Write;
        let mut key = String::new();
        for (n, &i) in
            self.schema.natural_key.iter().filter(|&&i| i != self.schema.identity.iin).enumerate()
        {
            if n > 0 {
                key.push('|');
            }
            let Some(value) = parsed.get(i) else { continue };
            let _ = match *value {
                Parsed::Date(d) => {
                    shanyraq_domain::dates::write_iso(&mut key, d);
                    Ok(())
                }
                Parsed::Money(t) => write!(key, "{}", t.amount()),
                Parsed::Count(n) => write!(key, "{n}"),
                Parsed::Flag(b) => write!(key, "{}", u8::from(b)),
                Parsed::Kato(k) => write!(key, "{k}"),
                Parsed::Iin(iin) => write!(key, "{iin}"),
                Parsed::Code(c) => match self.schema.columns.get(i).map(|c| &c.ty) {
                    Some(ColumnType::Code(codes)) => {
                        write!(key, "{}", codes.get(c).map_or("", String::as_str))
                    }
                    _ => Ok(()),
                },
                Parsed::Text => write!(key, "{}", self.field(fields, i).replace('|', "¦")),
                Parsed::Empty | Parsed::Invalid => Ok(()),
            };
        }
        key
    }

    fn field<'f, S: AsRef<str>>(&self, fields: &'f [S], column: usize) -> &'f str {
        self.positions
            .get(column)
            .copied()
            .flatten()
            .and_then(|p| fields.get(p))
            .map_or("", |s| s.as_ref().trim())
    }

    fn problem(&self, column: usize, text: &str, (code, args): Refusal) -> Problem {
        let (key, value_masked) = match self.schema.columns.get(column) {
            // A birth date next to an IIN's last four digits gives most of the IIN away.
            Some(c) if Some(column) == self.schema.identity.birth_date => {
                (c.key.clone(), mask_birth_date(text))
            }
            Some(c) => (c.key.clone(), mask(&c.ty, self.schema.sensitive, text)),
            None => (String::new(), String::new()),
        };
        Problem { column: key, value_masked, code, args }
    }

    /// Rules beyond the type: ranges, dates not in the future, territories that exist.
    fn check(&self, column: usize, value: Parsed) -> Result<Parsed, Refusal> {
        let Some(def) = self.schema.columns.get(column) else { return Ok(value) };
        let number = match value {
            Parsed::Money(t) => Some(t.amount()),
            Parsed::Count(n) => Some(n),
            _ => None,
        };
        if let Some(n) = number {
            if let Some(min) = def.range.min.filter(|min| n < *min) {
                return Err(("range.below_min", vec![("min", min.to_string())]));
            }
            if let Some(max) = def.range.max.filter(|max| n > *max) {
                return Err(("range.above_max", vec![("max", max.to_string())]));
            }
        }
        match value {
            Parsed::Date(d) if def.not_future && d > self.as_of => {
                Err(("date.future", vec![("as_of", shanyraq_domain::dates::iso(self.as_of))]))
            }
            Parsed::Kato(k) if self.tree.get(k).is_none() => Err(("kato.unknown", vec![])),
            other => Ok(other),
        }
    }

    /// Dates that may not precede another (death after birth, period end after start).
    fn check_order<S: AsRef<str>>(
        &self,
        fields: &[S],
        parsed: &mut [Parsed; MAX_COLUMNS],
        problems: &mut Vec<Problem>,
    ) {
        for (i, column) in self.schema.columns.iter().enumerate().take(MAX_COLUMNS) {
            let Some(other) = column.not_before else { continue };
            if let (Some(d), Some(before)) =
                (date(parsed[i]), parsed.get(other).and_then(|p| date(*p)))
                && d < before
            {
                parsed[i] = Parsed::Invalid;
                let other_key = self.schema.columns.get(other).map_or("", |c| c.key.as_str());
                problems.push(self.problem(
                    i,
                    self.field(fields, i),
                    ("date.before_other", vec![("other", other_key.to_owned())]),
                ));
            }
        }
    }

    fn structure_warnings<S: AsRef<str>>(
        &self,
        fields: &[S],
        iin: Iin,
        recorded: Date,
        warnings: &mut Vec<Problem>,
    ) {
        use shanyraq_domain::iin::{IinMismatch, IinStructureWarning};
        let column = self.schema.identity.iin;
        for mismatch in iin.mismatches(Some(recorded), None) {
            let args = match &mismatch {
                // No dates in the message: the IIN's date is its first six digits.
                IinMismatch::BirthDate { .. } => vec![],
                IinMismatch::Structure(IinStructureWarning::CenturyDigitOutOfRange { digit }) => {
                    vec![("digit", digit.to_string())]
                }
                _ => vec![],
            };
            warnings.push(self.problem(
                column,
                self.field(fields, column),
                (mismatch.code(), args),
            ));
        }
    }

    fn matching_keys<S: AsRef<str>>(
        &self,
        fields: &[S],
        parsed: &[Parsed; MAX_COLUMNS],
    ) -> Option<MatchingKeys> {
        let m = self.schema.identity.matching?;
        let text = |i: usize| (parsed[i] == Parsed::Text).then(|| self.field(fields, i).to_owned());
        let kato = match parsed[m.kato] {
            Parsed::Kato(k) => k,
            _ => return None,
        };
        Some(MatchingKeys {
            birth_date: date(parsed[m.birth_date])?,
            kato,
            last_name: text(m.last_name)?,
            first_name: text(m.first_name)?,
        })
    }

    fn facts(
        &self,
        parsed: &[Parsed; MAX_COLUMNS],
        valid_from: Date,
        valid_until: Option<Date>,
    ) -> Vec<Fact> {
        let mut facts = Vec::with_capacity(self.schema.indicators.len());
        for mapping in &self.schema.indicators {
            let (column, indicator) = match mapping {
                IndicatorMapping::Fixed { column, indicator } => (*column, *indicator),
                IndicatorMapping::ByCode { column, by, indicators } => {
                    let Parsed::Code(code) = parsed[*by] else { continue };
                    let Some(indicator) = indicators.get(code) else { continue };
                    (*column, *indicator)
                }
            };
            if let Some(value) = self.value(column, parsed[column]) {
                facts.push(Fact { indicator, value, valid_from, valid_until });
            }
        }
        facts
    }

    fn value(&self, column: usize, parsed: Parsed) -> Option<ObservationValue> {
        Some(match parsed {
            Parsed::Money(t) => ObservationValue::Money(t),
            Parsed::Count(n) => ObservationValue::Count(n),
            Parsed::Flag(b) => ObservationValue::Flag(b),
            Parsed::Date(d) => ObservationValue::Date(d),
            Parsed::Code(i) => match &self.schema.columns.get(column)?.ty {
                ColumnType::Code(codes) => ObservationValue::Code(codes.get(i)?.clone()),
                _ => return None,
            },
            _ => return None,
        })
    }
}

fn date(p: Parsed) -> Option<Date> {
    match p {
        Parsed::Date(d) => Some(d),
        _ => None,
    }
}
