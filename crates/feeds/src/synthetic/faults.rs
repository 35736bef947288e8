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
    /// The lines that are not plain accepted rows, in line order; empty when the writer was told
    /// not to keep them (see [`super::FeedWriter::without_entries`]). The counts below hold
    /// either way.
    pub entries: Vec<Entry>,
    /// Faults written, by kind.
    fault_counts: BTreeMap<FaultKind, u64>,
    /// Lines that are not plain accepted rows, by the verdict they must get.
    entry_verdicts: BTreeMap<Verdict, u64>,
}

impl Ledger {
    fn new(feed: &str, style: Style) -> Ledger {
        Ledger {
            feed: feed.to_owned(),
            style,
            rows: 0,
            entries: Vec::new(),
            fault_counts: BTreeMap::new(),
            entry_verdicts: BTreeMap::new(),
        }
    }

    /// Faults written, by kind.
    pub fn faults(&self) -> BTreeMap<FaultKind, u64> {
        self.fault_counts.clone()
    }

    /// How many lines must get each verdict.
    pub fn expected(&self) -> BTreeMap<Verdict, u64> {
        let mut counts = self.entry_verdicts.clone();
        let other: u64 = self.entry_verdicts.values().sum();
        *counts.entry(Verdict::Accepted).or_insert(0) += self.rows - other;
        counts
    }

    /// The verdict line `line` must get (from the entries kept).
    pub fn verdict(&self, line: u64) -> Verdict {
        self.entries.iter().find(|e| e.line == line).map_or(Verdict::Accepted, |e| e.expected)
    }

    fn enter(&mut self, entry: Entry, keep: bool) {
        if let Some(kind) = entry.fault {
            *self.fault_counts.entry(kind).or_insert(0) += 1;
        }
        *self.entry_verdicts.entry(entry.expected).or_insert(0) += 1;
        if keep {
            self.entries.push(entry);
        }
    }
}

/// Writes one file row by row, spoiling rows at `options.faults_per_mille`.
///
/// The last row is held back until the next one arrives or the file is finished, since only the
/// last line of a file may be cut short; rows can therefore come in any number of batches and the
/// bytes are those of one batch holding them all.
pub(crate) struct FaultWriter<'a> {
    schema: &'a FeedSchema,
    tree: &'a TerritoryTree,
    options: Options,
    style: Style,
    /// Draws which rows get faults, and which ones; one stream for the whole file.
    rng: Rng,
    /// The file is cut short if it ends up with at least two rows.
    truncate_if_two: bool,
    iin_column: Option<usize>,
    delimiter: char,
    /// Physical line of the last line written (the header is line 1).
    line: u64,
    /// Rows received, the held-back one included.
    received: u64,
    held: Option<Row<'static>>,
    keep_entries: bool,
    ledger: Ledger,
    /// Reused buffers: a row's texts before quoting, and its line.
    texts: Vec<String>,
    text_line: String,
}

impl<'a> FaultWriter<'a> {
    /// Writes the BOM (if the style has one) and the header in the chosen language.
    pub(crate) fn start(
        schema: &'a FeedSchema,
        tree: &'a TerritoryTree,
        options: &Options,
        style: Style,
        out: &mut impl Write,
    ) -> io::Result<FaultWriter<'a>> {
        let feed_key = schema.name.bytes().fold(options.seed, |h, b| mix64(h ^ u64::from(b)));
        let delimiter = char::from(style.delimiter);
        if style.bom {
            out.write_all(b"\xEF\xBB\xBF")?;
        }
        let mut header = String::new();
        for (i, c) in schema.columns.iter().enumerate() {
            if i > 0 {
                header.push(delimiter);
            }
            style.quote_into(
                match options.header_lang {
                    super::HeaderLang::Kk => &c.headers.kk,
                    super::HeaderLang::Ru => &c.headers.ru,
                    super::HeaderLang::En => &c.headers.en,
                },
                &mut header,
            );
        }
        header.push_str(style.newline());
        out.write_all(header.as_bytes())?;
        Ok(FaultWriter {
            schema,
            tree,
            options: *options,
            style,
            rng: Rng::from_key(feed_key),
            truncate_if_two: options.faults_per_mille > 0 && mix64(feed_key).is_multiple_of(2),
            iin_column: schema.column("iin"),
            delimiter,
            line: 1,
            received: 0,
            held: None,
            keep_entries: true,
            ledger: Ledger::new(&schema.name, style),
            texts: Vec::with_capacity(schema.columns.len()),
            text_line: String::with_capacity(256),
        })
    }

    /// The ledger so far (the row held back not yet in it).
    pub(crate) fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// Keep only counts in the ledger, not every entry.
    pub(crate) fn forget_entries(&mut self) {
        self.keep_entries = false;
        self.ledger.entries = Vec::new();
    }

    /// Writes the next rows, holding the last one back (a copy of it: the population its texts
    /// borrow from may be gone by the time it is written).
    pub(crate) fn push(&mut self, rows: Vec<Row<'_>>, out: &mut impl Write) -> io::Result<()> {
        let mut rows = rows.into_iter().peekable();
        while let Some(row) = rows.next() {
            self.received += 1;
            if let Some(previous) = self.held.take() {
                self.write_row(&previous, false, out)?;
            }
            if rows.peek().is_some() {
                self.write_row(&row, false, out)?;
            } else {
                self.held = Some(row.into_owned());
            }
        }
        Ok(())
    }

    /// Writes the row held back as the file's last, and returns the ledger.
    pub(crate) fn finish(mut self, out: &mut impl Write) -> io::Result<Ledger> {
        if let Some(last) = self.held.take() {
            let truncate = self.truncate_if_two && self.received >= 2;
            self.write_row(&last, truncate, out)?;
        }
        Ok(self.ledger)
    }

    fn write_row(&mut self, row: &Row<'_>, truncate: bool, out: &mut impl Write) -> io::Result<()> {
        let (schema, style, lang) = (self.schema, self.style, self.options.header_lang);
        self.texts.resize_with(row.cells.len(), String::new);
        for (text, cell) in self.texts.iter_mut().zip(&row.cells) {
            text.clear();
            style.text_into(cell, lang, text);
        }
        let base = if row.iin.is_some() { None } else { Some(Verdict::NeedsMatching) };
        let mut fault = None;
        if truncate {
            fault = Some(FaultKind::TruncatedLastLine);
        } else if row.iin.is_some() && self.rng.per_mille(u32::from(self.options.faults_per_mille))
        {
            let kinds = applicable(schema, row, &style);
            let kind = kinds[self.rng.below(kinds.len() as u64) as usize];
            spoil(kind, schema, row, self.tree, &mut self.texts);
            fault = Some(kind);
        }
        self.line += 1;
        self.ledger.rows += 1;
        if fault == Some(FaultKind::TruncatedLastLine) {
            let fields: Vec<String> = self.texts.iter().map(|t| style.quote(t)).collect();
            out.write_all(truncated(&fields, self.delimiter).as_bytes())?;
            let entry = Entry { line: self.line, fault, expected: Verdict::RecordError };
            self.ledger.enter(entry, self.keep_entries);
            return Ok(());
        }
        let stray = if fault == Some(FaultKind::StrayWhitespace) { self.iin_column } else { None };
        let line = &mut self.text_line;
        line.clear();
        for (i, (text, cell)) in self.texts.iter().zip(&row.cells).enumerate() {
            if i > 0 {
                line.push(self.delimiter);
            }
            if stray == Some(i) {
                line.push_str("  ");
                style.quote_into(text, line);
                line.push(' ');
            } else if fault.is_none() && !matches!(cell, Cell::Text(_)) {
                // Numbers, dates, codes and flags as the style writes them never need quotes.
                line.push_str(text);
            } else {
                style.quote_into(text, line);
            }
        }
        line.push_str(style.newline());
        out.write_all(line.as_bytes())?;
        let keep = self.keep_entries;
        match (fault, base) {
            (Some(FaultKind::DuplicatedRow), _) => {
                out.write_all(line.as_bytes())?;
                self.line += 1;
                self.ledger.rows += 1;
                let entry = Entry { line: self.line, fault, expected: Verdict::Accepted };
                self.ledger.enter(entry, keep);
            }
            (Some(kind), _) => {
                let entry = Entry { line: self.line, fault, expected: kind.verdict() };
                self.ledger.enter(entry, keep);
            }
            (None, Some(expected)) => {
                self.ledger.enter(Entry { line: self.line, fault: None, expected }, keep);
            }
            (None, None) => {}
        }
        Ok(())
    }
}

/// The faults that fit a row; whitespace and duplicates always do.
fn applicable(schema: &FeedSchema, row: &Row<'_>, style: &Style) -> Vec<FaultKind> {
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

fn money_column(schema: &FeedSchema, row: &Row<'_>) -> Option<usize> {
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
    row: &Row<'_>,
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
fn truncated(fields: &[String], delimiter: char) -> String {
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
