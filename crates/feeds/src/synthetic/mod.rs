//! Synthetic feed files: the facts of a generated population written as the agencies would
//! export them, with a chosen share of the faults real exports have.
//!
//! Pure: rows go to any [`std::io::Write`]; no files, no clock. The same population, seed and
//! [`Options`] give the same bytes. Every fault written is entered in the file's [`Ledger`]
//! with the verdict it must get from the reader and the [`crate::validate::Validator`], so
//! tests can check the importer against it exactly.

mod faults;
mod rows;
mod style;

use std::io::{self, Write};

use shanyraq_domain::TerritoryTree;

use crate::schema::FeedSchema;
pub use faults::{Entry, FaultKind, Ledger, Verdict};
pub use rows::Population;
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
    let style = Style::for_feed(options.seed, &schema.name);
    let rows = rows::rows(schema, population, options.seed);
    faults::write(schema, &rows, tree, options, &style, out)
}
