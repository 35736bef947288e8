//! Writing rows with faults, and the ledger of what each spoiled line must get.

use std::collections::BTreeMap;
use std::io::{self, Write};

use shanyraq_domain::{Kato, TerritoryTree};
use shanyraq_synth::rng::{Rng, mix64};

use super::Options;
use super::rows::{Cell, Row};
use super::style::Style;
use crate::schema::{ColumnType, FeedSchema};

/// A fault real exports have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FaultKind {
    /// The IIN's last digit changed so that the check digit fails: kept for matching.
    BadCheckDigit,
    /// A well-formed KATO code the territory tree does not have: rejected.
    UnknownKato,
    /// Day and month of the birth date swapped, only where the day is above 12, so that the
    /// result is an impossible date: rejected. (A swap that gives another real date cannot be
    /// told from a true one, so it is not written.)
    SwappedDayMonth,
    /// Money written with a decimal comma (`50851,00`) in a comma-delimited file, quoted as it
    /// must be: still accepted.
    DecimalComma,
    /// Spaces around the IIN: accepted, since fields are trimmed.
    StrayWhitespace,
    /// A row written twice: both accepted by validation; the import's natural key drops one.
    DuplicatedRow,
    /// The last line cut in the middle of a field, without a line end: a record error
    /// (too few fields, or a quote never closed).
    TruncatedLastLine,
}

impl FaultKind {
    pub const ALL: [FaultKind; 7] = [
        FaultKind::BadCheckDigit,
        FaultKind::UnknownKato,
        FaultKind::SwappedDayMonth,
        FaultKind::DecimalComma,
        FaultKind::StrayWhitespace,
        FaultKind::DuplicatedRow,
        FaultKind::TruncatedLastLine,
    ];

    /// Stable name for summaries.
    pub fn code(self) -> &'static str {
        match self {
            FaultKind::BadCheckDigit => "bad_check_digit",
            FaultKind::UnknownKato => "unknown_kato",
            FaultKind::SwappedDayMonth => "swapped_day_month",
            FaultKind::DecimalComma => "decimal_comma",
            FaultKind::StrayWhitespace => "stray_whitespace",
            FaultKind::DuplicatedRow => "duplicated_row",
            FaultKind::TruncatedLastLine => "truncated_last_line",
        }
    }

    /// What reading and validating the spoiled line must give.
    pub fn verdict(self) -> Verdict {
        match self {
            FaultKind::BadCheckDigit => Verdict::NeedsMatching,
            FaultKind::UnknownKato | FaultKind::SwappedDayMonth => Verdict::Rejected,
            FaultKind::DecimalComma | FaultKind::StrayWhitespace | FaultKind::DuplicatedRow => {
                Verdict::Accepted
            }
            FaultKind::TruncatedLastLine => Verdict::RecordError,
        }
    }
}

/// The outcome a line must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    Accepted,
    NeedsMatching,
    Rejected,
    /// The reader refuses the record before validation.
    RecordError,
}

/// A line that is not a plain accepted row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// 1-based physical line (the header is line 1).
    pub line: u64,
    /// `None` for a row whose person has no valid IIN in the registry (kept for matching).
    pub fault: Option<FaultKind>,
    pub expected: Verdict,
}

/// What one file holds: rows written and every line that is not a plain accepted row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ledger {
    pub feed: String,
    pub style: Style,
    /// Data records written, duplicates and a truncated last line included.
    pub rows: u64,
    pub entries: Vec<Entry>,
}

impl Ledger {
    /// Faults written, by kind.
    pub fn faults(&self) -> BTreeMap<FaultKind, u64> {
        let mut counts = BTreeMap::new();
        for kind in self.entries.iter().filter_map(|e| e.fault) {
            *counts.entry(kind).or_insert(0) += 1;
        }
        counts
    }

    /// How many lines must get each verdict.
    pub fn expected(&self) -> BTreeMap<Verdict, u64> {
        let mut counts = BTreeMap::new();
        let mut other = 0;
        for e in &self.entries {
            *counts.entry(e.expected).or_insert(0) += 1;
            other += 1;
        }
        *counts.entry(Verdict::Accepted).or_insert(0) += self.rows - other;
        counts
    }

    /// The verdict line `line` must get.
    pub fn verdict(&self, line: u64) -> Verdict {
        self.entries.iter().find(|e| e.line == line).map_or(Verdict::Accepted, |e| e.expected)
    }
}

/// Writes the header and `rows` in `style`, spoiling rows at `options.faults_per_mille`.
pub(crate) fn write(
    schema: &FeedSchema,
    rows: &[Row],
    tree: &TerritoryTree,
    options: &Options,
    style: &Style,
    out: &mut impl Write,
) -> io::Result<Ledger> {
    let feed_key = schema.name.bytes().fold(options.seed, |h, b| mix64(h ^ u64::from(b)));
    let mut rng = Rng::from_key(feed_key);
    let delimiter = char::from(style.delimiter).to_string();
    let newline = style.newline();
    if style.bom {
        out.write_all(b"\xEF\xBB\xBF")?;
    }
    let header: Vec<String> = schema
        .columns
        .iter()
        .map(|c| {
            style.quote(match options.header_lang {
                super::HeaderLang::Kk => &c.headers.kk,
                super::HeaderLang::Ru => &c.headers.ru,
                super::HeaderLang::En => &c.headers.en,
            })
        })
        .collect();
    write!(out, "{}{newline}", header.join(&delimiter))?;

    let truncate =
        options.faults_per_mille > 0 && rows.len() >= 2 && mix64(feed_key).is_multiple_of(2);
    let mut ledger =
        Ledger { feed: schema.name.clone(), style: *style, rows: 0, entries: Vec::new() };
    let mut line = 1u64;
    for (k, row) in rows.iter().enumerate() {
        let mut texts: Vec<String> =
            row.cells.iter().map(|c| style.text(c, options.header_lang)).collect();
        let last = k + 1 == rows.len();
        let base = if row.iin.is_some() { None } else { Some(Verdict::NeedsMatching) };
        let mut fault = None;
        if last && truncate {
            fault = Some(FaultKind::TruncatedLastLine);
        } else if row.iin.is_some() && rng.per_mille(u32::from(options.faults_per_mille)) {
            let kinds = applicable(schema, row, style);
            let kind = kinds[rng.below(kinds.len() as u64) as usize];
            spoil(kind, schema, row, tree, &mut texts);
            fault = Some(kind);
        }
        let mut fields: Vec<String> = texts.iter().map(|t| style.quote(t)).collect();
        if fault == Some(FaultKind::StrayWhitespace)
            && let Some(i) = schema.column("iin")
        {
            fields[i] = format!("  {} ", fields[i]);
        }
        line += 1;
        ledger.rows += 1;
        if fault == Some(FaultKind::TruncatedLastLine) {
            out.write_all(truncated(&fields, &delimiter).as_bytes())?;
            ledger.entries.push(Entry { line, fault, expected: Verdict::RecordError });
            break;
        }
        let text = fields.join(&delimiter);
        write!(out, "{text}{newline}")?;
        match (fault, base) {
            (Some(FaultKind::DuplicatedRow), _) => {
                write!(out, "{text}{newline}")?;
                line += 1;
                ledger.rows += 1;
                ledger.entries.push(Entry { line, fault, expected: Verdict::Accepted });
            }
            (Some(kind), _) => ledger.entries.push(Entry { line, fault, expected: kind.verdict() }),
            (None, Some(expected)) => ledger.entries.push(Entry { line, fault: None, expected }),
            (None, None) => {}
        }
    }
    Ok(ledger)
}

/// The faults that fit a row; whitespace and duplicates always do.
fn applicable(schema: &FeedSchema, row: &Row, style: &Style) -> Vec<FaultKind> {
    let mut kinds =
        vec![FaultKind::BadCheckDigit, FaultKind::StrayWhitespace, FaultKind::DuplicatedRow];
    if row.kato.is_some() && schema.column("kato").is_some() {
        kinds.push(FaultKind::UnknownKato);
    }
    if let Some(Cell::Date(d)) = schema.column("birth_date").map(|i| &row.cells[i])
        && d.day() > 12
    {
        kinds.push(FaultKind::SwappedDayMonth);
    }
    if !style.locale_ru() && money_column(schema, row).is_some() {
        kinds.push(FaultKind::DecimalComma);
    }
    kinds
}

fn money_column(schema: &FeedSchema, row: &Row) -> Option<usize> {
    schema
        .columns
        .iter()
        .zip(&row.cells)
        .position(|(c, cell)| c.ty == ColumnType::Money && matches!(cell, Cell::Money(_)))
}

/// Spoils the texts of one row (before quoting).
fn spoil(
    kind: FaultKind,
    schema: &FeedSchema,
    row: &Row,
    tree: &TerritoryTree,
    texts: &mut [String],
) {
    match kind {
        FaultKind::BadCheckDigit => {
            if let (Some(i), Some(iin)) = (schema.column("iin"), row.iin) {
                texts[i] = bad_check_digit(&iin.to_string());
            }
        }
        FaultKind::UnknownKato => {
            if let (Some(i), Some(kato)) = (schema.column("kato"), row.kato) {
                texts[i] = unknown_kato(kato, tree);
            }
        }
        FaultKind::SwappedDayMonth => {
            if let Some(i) = schema.column("birth_date")
                && let Cell::Date(d) = &row.cells[i]
            {
                let (day, month, year) = (d.day(), u8::from(d.month()), d.year());
                texts[i] = if texts[i].contains('.') {
                    format!("{month:02}.{day:02}.{year:04}")
                } else {
                    format!("{year:04}-{day:02}-{month:02}")
                };
            }
        }
        FaultKind::DecimalComma => {
            if let Some(i) = money_column(schema, row) {
                texts[i] = format!("{},00", texts[i]);
            }
        }
        FaultKind::StrayWhitespace | FaultKind::DuplicatedRow | FaultKind::TruncatedLastLine => {}
    }
}

/// The same IIN with a last digit that fails the check.
fn bad_check_digit(iin: &str) -> String {
    let (head, last) = iin.split_at(iin.len().saturating_sub(1));
    let digit = last.bytes().next().map_or(0, |b| b.wrapping_sub(b'0'));
    for step in 1..10u8 {
        let candidate = format!("{head}{}", (digit + step) % 10);
        if candidate.parse::<shanyraq_domain::Iin>().is_err() {
            return candidate;
        }
    }
    format!("{head}x")
}

/// A well-formed code in the same region that the tree does not list.
fn unknown_kato(kato: Kato, tree: &TerritoryTree) -> String {
    let region = kato.as_u32() / 10_000_000;
    (0..1000u32)
        .filter_map(|i| Kato::from_u32(region * 10_000_000 + 9_999_999 - i).ok())
        .find(|k| tree.get(*k).is_none())
        .map_or_else(|| "999999999".to_owned(), |k| k.to_string())
}

/// The line cut halfway through its middle field, on a character boundary.
fn truncated(fields: &[String], delimiter: &str) -> String {
    let j = fields.len() / 2;
    let mut text = fields[..j].iter().map(|f| format!("{f}{delimiter}")).collect::<String>();
    let field = &fields[j];
    let mut cut = field.len() / 2;
    while !field.is_char_boundary(cut) {
        cut -= 1;
    }
    text.push_str(&field[..cut]);
    text
}
