//! Dated constants as data: the subsistence minimum (ПМ) by date and region, and the monthly
//! calculation index (МРП) by date. Loaded from `data/constants/` (format in its README).
//!
//! Each figure is a row with the date it takes effect, so a rule evaluated on any date finds the
//! figure that applied then, and a new year's figure is a one-line change to a data file.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use time::Date;

use crate::dates::parse_iso;
use crate::kato::{Kato, KatoLevel};
use crate::money::Tenge;

const SUBSISTENCE_MINIMUM_CSV: &str =
    include_str!("../../../data/constants/subsistence_minimum.csv");
const MRP_CSV: &str = include_str!("../../../data/constants/mrp.csv");

const SUBSISTENCE_MINIMUM_HEADER: &str = "effective_from,region,amount_tenge,source_note";
const MRP_HEADER: &str = "effective_from,amount_tenge,source_note";

/// One subsistence-minimum figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubsistenceMinimumRow {
    pub effective_from: Date,
    /// The region (`AB0000000`) it is set for; `None` for the national figure.
    pub region: Option<Kato>,
    /// Per capita per month.
    pub amount: Tenge,
    /// Where the figure comes from.
    pub source_note: String,
}

/// One МРП figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MrpRow {
    pub effective_from: Date,
    pub amount: Tenge,
    pub source_note: String,
}

/// Why a constants file does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConstantsError {
    #[error("line {line}: {message}")]
    Csv { line: u64, message: String },
    #[error("line 1: the header is {found:?}, expected {expected:?}")]
    Header { found: String, expected: &'static str },
    #[error("line {line}: effective_from {text:?} is not a date of the form YYYY-MM-DD")]
    Date { line: u64, text: String },
    #[error("line {line}: region {text:?} is not the 9-digit KATO code of a region: {reason}")]
    Region { line: u64, text: String, reason: String },
    #[error("line {line}: amount_tenge {text:?} is not a positive whole number of tenge")]
    Amount { line: u64, text: String },
    #[error("line {line}: source_note is empty; every figure needs its source")]
    NoSource { line: u64 },
    #[error("line {line}: the same date and region as line {first_line}")]
    Duplicate { line: u64, first_line: u64 },
}

impl ConstantsError {
    /// Stable code for translation and reports.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Csv { .. } => "constants.csv",
            Self::Header { .. } => "constants.header",
            Self::Date { .. } => "constants.date",
            Self::Region { .. } => "constants.region",
            Self::Amount { .. } => "constants.amount",
            Self::NoSource { .. } => "constants.no_source",
            Self::Duplicate { .. } => "constants.duplicate",
        }
    }
}

/// The subsistence minimum per capita per month on `on`, for `region` (any territory code; its
/// region is used) or nationally when `None`.
///
/// Of the rows in force on that date — the latest national row and the latest row for the
/// region — the later one applies, and on the same date the regional one. So a regional figure
/// lasts until the next figure for the region or the nation. `None` before the first figure.
pub fn subsistence_minimum(on: Date, region: Option<Kato>) -> Option<Tenge> {
    subsistence_minimum_in(subsistence_minimum_rows(), on, region)
}

/// The МРП on `on`; `None` before the first figure.
pub fn mrp(on: Date) -> Option<Tenge> {
    mrp_rows()
        .iter()
        .filter(|r| r.effective_from <= on)
        .max_by_key(|r| r.effective_from)
        .map(|r| r.amount)
}

/// The bundled subsistence-minimum rows, sorted by date then region. The tests prove the bundled
/// file parses, so the empty fallback is unreachable in a tested build.
pub fn subsistence_minimum_rows() -> &'static [SubsistenceMinimumRow] {
    static ROWS: OnceLock<Vec<SubsistenceMinimumRow>> = OnceLock::new();
    ROWS.get_or_init(|| parse_subsistence_minimum(SUBSISTENCE_MINIMUM_CSV).unwrap_or_default())
}

/// The bundled МРП rows, sorted by date.
pub fn mrp_rows() -> &'static [MrpRow] {
    static ROWS: OnceLock<Vec<MrpRow>> = OnceLock::new();
    ROWS.get_or_init(|| parse_mrp(MRP_CSV).unwrap_or_default())
}

/// The rule of [`subsistence_minimum`] over any rows.
pub fn subsistence_minimum_in(
    rows: &[SubsistenceMinimumRow],
    on: Date,
    region: Option<Kato>,
) -> Option<Tenge> {
    let region = region.map(Kato::region);
    rows.iter()
        .filter(|r| r.effective_from <= on && (r.region.is_none() || r.region == region))
        .max_by_key(|r| (r.effective_from, r.region.is_some()))
        .map(|r| r.amount)
}

/// Parses `subsistence_minimum.csv`.
pub fn parse_subsistence_minimum(text: &str) -> Result<Vec<SubsistenceMinimumRow>, ConstantsError> {
    let mut rows = Vec::new();
    let mut seen = BTreeMap::new();
    for_each_record(text, SUBSISTENCE_MINIMUM_HEADER, |line, fields| {
        let [date, region, amount, note] = fields else {
            return Err(field_count(line, fields, SUBSISTENCE_MINIMUM_HEADER));
        };
        let effective_from = date_field(line, date)?;
        let region = match *region {
            "" => None,
            text => Some(region_field(line, text)?),
        };
        let amount = amount_field(line, amount)?;
        let source_note = note_field(line, note)?;
        if let Some(first_line) = seen.insert((effective_from, region), line) {
            return Err(ConstantsError::Duplicate { line, first_line });
        }
        rows.push(SubsistenceMinimumRow { effective_from, region, amount, source_note });
        Ok(())
    })?;
    rows.sort_by_key(|r| (r.effective_from, r.region));
    Ok(rows)
}

/// Parses `mrp.csv`.
pub fn parse_mrp(text: &str) -> Result<Vec<MrpRow>, ConstantsError> {
    let mut rows = Vec::new();
    let mut seen = BTreeMap::new();
    for_each_record(text, MRP_HEADER, |line, fields| {
        let [date, amount, note] = fields else {
            return Err(field_count(line, fields, MRP_HEADER));
        };
        let effective_from = date_field(line, date)?;
        let amount = amount_field(line, amount)?;
        let source_note = note_field(line, note)?;
        if let Some(first_line) = seen.insert(effective_from, line) {
            return Err(ConstantsError::Duplicate { line, first_line });
        }
        rows.push(MrpRow { effective_from, amount, source_note });
        Ok(())
    })?;
    rows.sort_by_key(|r| r.effective_from);
    Ok(rows)
}

/// Checks the header (comma-separated names) field by field, then calls `row` with each record's
/// line and trimmed fields (as many as the header has: the reader refuses other lengths).
fn for_each_record(
    text: &str,
    header: &'static str,
    mut row: impl FnMut(u64, &[&str]) -> Result<(), ConstantsError>,
) -> Result<(), ConstantsError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
    let found = reader.headers().map_err(csv_error)?;
    // Compared as a list, not joined: a quoted "a,b" must not pass for the two fields a and b.
    if found.iter().ne(header.split(',')) {
        let found = found.iter().collect::<Vec<_>>().join(",");
        return Err(ConstantsError::Header { found, expected: header });
    }
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, csv::Position::line);
        let fields: Vec<&str> = record.iter().map(str::trim).collect();
        row(line, &fields)?;
    }
    Ok(())
}

/// A record with another number of fields than the header; the reader prevents it, and this
/// keeps it an error rather than a panic should that change.
fn field_count(line: u64, fields: &[&str], header: &str) -> ConstantsError {
    ConstantsError::Csv {
        line,
        message: format!("{} fields, expected {}", fields.len(), header.split(',').count()),
    }
}

fn csv_error(error: csv::Error) -> ConstantsError {
    let line = error.position().map_or(0, csv::Position::line);
    ConstantsError::Csv { line, message: error.to_string() }
}

fn date_field(line: u64, text: &str) -> Result<Date, ConstantsError> {
    parse_iso(text).map_err(|_| ConstantsError::Date { line, text: text.to_owned() })
}

fn region_field(line: u64, text: &str) -> Result<Kato, ConstantsError> {
    let bad = |reason: String| ConstantsError::Region { line, text: text.to_owned(), reason };
    let code: Kato = text.parse().map_err(|e: crate::kato::KatoError| bad(e.to_string()))?;
    if code.level() != KatoLevel::Region {
        return Err(bad(format!("it is a level-{} code", code.level().number())));
    }
    Ok(code)
}

fn amount_field(line: u64, text: &str) -> Result<Tenge, ConstantsError> {
    match text.parse::<i64>() {
        Ok(v) if v > 0 && text.bytes().all(|b| b.is_ascii_digit()) => Ok(Tenge(v)),
        _ => Err(ConstantsError::Amount { line, text: text.to_owned() }),
    }
}

fn note_field(line: u64, text: &str) -> Result<String, ConstantsError> {
    if text.is_empty() { Err(ConstantsError::NoSource { line }) } else { Ok(text.to_owned()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn k(s: &str) -> Kato {
        s.parse().unwrap()
    }

    #[test]
    fn bundled_files_parse() {
        let pm = parse_subsistence_minimum(SUBSISTENCE_MINIMUM_CSV).unwrap();
        assert_eq!(pm.len(), 3);
        assert!(pm.iter().all(|r| r.region.is_none()));
        assert_eq!(parse_mrp(MRP_CSV).unwrap().len(), 3);
        assert_eq!(subsistence_minimum_rows(), pm.as_slice());
    }

    #[test]
    fn national_figures_by_date() {
        assert_eq!(subsistence_minimum(date!(2023 - 12 - 31), None), None);
        assert_eq!(subsistence_minimum(date!(2024 - 01 - 01), None), Some(Tenge(43_407)));
        assert_eq!(subsistence_minimum(date!(2025 - 06 - 30), None), Some(Tenge(46_228)));
        assert_eq!(subsistence_minimum(date!(2026 - 11 - 30), None), Some(Tenge(50_851)));
        // No regional figures are recorded: a region gets the national one.
        assert_eq!(
            subsistence_minimum(date!(2026 - 11 - 30), Some(k("751210000"))),
            Some(Tenge(50_851))
        );
        assert_eq!(mrp(date!(2023 - 12 - 31)), None);
        assert_eq!(mrp(date!(2024 - 12 - 31)), Some(Tenge(3_692)));
        assert_eq!(mrp(date!(2025 - 01 - 01)), Some(Tenge(3_932)));
        assert_eq!(mrp(date!(2026 - 02 - 01)), Some(Tenge(4_325)));
    }

    #[test]
    fn regional_row_beats_national_until_a_later_figure() {
        let rows = parse_subsistence_minimum(
            "effective_from,region,amount_tenge,source_note\n\
             2026-01-01,,100,national\n\
             2026-01-01,750000000,120,Almaty Q1\n\
             2026-04-01,750000000,125,Almaty Q2\n\
             2027-01-01,,110,national next year\n",
        )
        .unwrap();
        let almaty = Some(k("751210000"));
        let astana = Some(k("711110000"));
        assert_eq!(subsistence_minimum_in(&rows, date!(2026 - 01 - 01), almaty), Some(Tenge(120)));
        assert_eq!(subsistence_minimum_in(&rows, date!(2026 - 05 - 01), almaty), Some(Tenge(125)));
        assert_eq!(subsistence_minimum_in(&rows, date!(2026 - 05 - 01), astana), Some(Tenge(100)));
        assert_eq!(subsistence_minimum_in(&rows, date!(2026 - 05 - 01), None), Some(Tenge(100)));
        assert_eq!(subsistence_minimum_in(&rows, date!(2027 - 02 - 01), almaty), Some(Tenge(110)));
    }

    #[test]
    fn bad_rows_name_their_line() {
        let pm = |body: &str| {
            parse_subsistence_minimum(&format!(
                "{SUBSISTENCE_MINIMUM_HEADER}\n2024-01-01,,1,ok\n{body}\n"
            ))
        };
        assert!(matches!(pm("2024-13-01,,5,x"), Err(ConstantsError::Date { line: 3, .. })));
        assert!(matches!(
            pm("2024-02-01,751210000,5,x"),
            Err(ConstantsError::Region { line: 3, .. })
        ));
        assert!(matches!(pm("2024-02-01,7512,5,x"), Err(ConstantsError::Region { line: 3, .. })));
        assert!(matches!(pm("2024-02-01,,0,x"), Err(ConstantsError::Amount { line: 3, .. })));
        assert!(matches!(pm("2024-02-01,,50 851,x"), Err(ConstantsError::Amount { line: 3, .. })));
        assert!(matches!(pm("2024-02-01,,5,"), Err(ConstantsError::NoSource { line: 3 })));
        assert_eq!(
            pm("2024-01-01,,7,again"),
            Err(ConstantsError::Duplicate { line: 3, first_line: 2 })
        );
        assert!(matches!(pm("2024-02-01,,5"), Err(ConstantsError::Csv { line: 3, .. })));
        let err = parse_mrp("date,amount\n").unwrap_err();
        assert_eq!(err.code(), "constants.header");
        assert!(matches!(
            parse_mrp(&format!("{MRP_HEADER}\n2024-01-01,-5,x\n")),
            Err(ConstantsError::Amount { line: 2, .. })
        ));
    }

    #[test]
    fn a_quoted_header_field_with_a_comma_is_not_two_fields() {
        // Joined with commas this header reads like the real one, but it has three fields, and
        // so do its records.
        let pm = parse_subsistence_minimum(
            "\"effective_from,region\",amount_tenge,source_note\n2024-01-01,,5\n",
        );
        assert!(matches!(pm, Err(ConstantsError::Header { .. })), "{pm:?}");
        let mrp = parse_mrp("\"effective_from,amount_tenge\",source_note\n2024-01-01,5\n");
        assert!(matches!(mrp, Err(ConstantsError::Header { .. })), "{mrp:?}");
    }
}
