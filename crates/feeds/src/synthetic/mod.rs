//! Synthetic feed files: the facts of a generated population written as the agencies would
//! export them, with a chosen share of the faults real exports have.
//!
//! Pure: rows go to any [`std::io::Write`]; no files, no clock. The same population, seed and
//! [`Options`] give the same bytes, whether the population is rendered whole ([`render`]) or
//! chunk by chunk as the generator yields it ([`FeedWriter`], whose memory does not grow with
//! the population). Every fault written is entered in the file's [`Ledger`]
//! with the verdict it must get from the reader and the [`crate::validate::Validator`], so
//! tests can check the importer against it exactly.

mod faults;
mod rows;
mod style;

use std::io::{self, Write};

use shanyraq_domain::TerritoryTree;

use crate::schema::FeedSchema;
use faults::FaultWriter;
pub use faults::{Entry, FaultKind, Ledger, Verdict};
pub use rows::Population;
use rows::RowMaker;
pub use style::{HeaderLang, Style};

/// The declared feeds a population's observations fill. `civil_registry` is not among them:
/// its events (births, deaths, marriages) are not observations of the population.
pub const DERIVABLE: &[&str] = &[
    "income",
    "employment",
    "health",
    "education",
    "disability",
    "debts",
    "property",
    "benefits",
    "police",
];

/// How to write the feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Picks each file's style and the rows that get faults.
    pub seed: u64,
    pub header_lang: HeaderLang,
    /// Share of data rows given a fault; 0 writes clean files.
    pub faults_per_mille: u16,
    /// Monthly feeds (income, benefits): how many months each row is delivered for, the month
    /// of its period and the ones before it, each as its own row. 1 (or 0) writes one row.
    pub months: u16,
}

/// Writes the feed of `schema` for `population` into `out`: the header in the chosen language
/// and one row per person (or family) and period. Returns what was written and spoiled.
pub fn render(
    schema: &FeedSchema,
    population: &Population,
    tree: &TerritoryTree,
    options: &Options,
    out: &mut impl Write,
) -> io::Result<Ledger> {
    let mut writer = FeedWriter::new(schema, tree, options, out)?;
    writer.append(population)?;
    Ok(writer.finish()?.1)
}

/// Writes one feed file part by part, so that a population of any size can be written with the
/// memory of one part: the bytes and the ledger are those [`render`] gives for the whole
/// population.
///
/// The parts must be the generator's chunks in the order it yields them (each
/// [`Population::from_chunk`]), or any split of a run into whole families in key order.
pub struct FeedWriter<'a, W: Write> {
    rows: RowMaker<'a>,
    faults: FaultWriter<'a>,
    out: W,
}

impl<W: Write> std::fmt::Debug for FeedWriter<'_, W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedWriter")
            .field("feed", &self.faults.ledger().feed)
            .field("rows", &self.faults.ledger().rows)
            .finish_non_exhaustive()
    }
}

impl<'a, W: Write> FeedWriter<'a, W> {
    /// Starts the file: writes its byte-order mark (if its style has one) and header.
    pub fn new(
        schema: &'a FeedSchema,
        tree: &'a TerritoryTree,
        options: &Options,
        mut out: W,
    ) -> io::Result<FeedWriter<'a, W>> {
        let style = Style::for_feed(options.seed, &schema.name);
        let faults = FaultWriter::start(schema, tree, options, style, &mut out)?;
        Ok(FeedWriter { rows: RowMaker::new(schema, options.seed, options.months), faults, out })
    }

    /// Keeps only the counts in the ledger, not one entry per spoiled or unmatched line, whose
    /// number grows with the file.
    pub fn without_entries(mut self) -> FeedWriter<'a, W> {
        self.faults.forget_entries();
        self
    }

    /// Writes the rows of the next part of the population (the last one is held back until the
    /// next part or [`FeedWriter::finish`], since only the file's last line may be cut short).
    pub fn append(&mut self, part: &Population) -> io::Result<()> {
        let rows = self.rows.rows(part);
        self.faults.push(rows, &mut self.out)
    }

    /// Writes the last row and gives back the output (not flushed) and the file's ledger.
    pub fn finish(mut self) -> io::Result<(W, Ledger)> {
        let ledger = self.faults.finish(&mut self.out)?;
        Ok((self.out, ledger))
    }
}
