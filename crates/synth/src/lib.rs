//! A deterministic synthetic population: families, people and facts living in the real
//! territories of Kazakhstan.
//!
//! The crate is pure: no I/O, no clock, no threads. It yields [`PopulationChunk`]s that the
//! application writes to a store.
//!
//! ```no_run
//! use shanyraq_domain::{BatchId, territory};
//! use shanyraq_store::NextIds;
//! use shanyraq_synth::{Generator, GeneratorConfig};
//! use time::macros::date;
//!
//! let config = GeneratorConfig::new(10_000, 42, date!(2026 - 03 - 01));
//! let generator = Generator::new(
//!     config,
//!     territory::bundled(),
//!     territory::bundled_regions(),
//!     NextIds::FIRST,
//!     BatchId(1),
//! )?;
//! for chunk in generator {
//!     // store.insert_population(&chunk) …
//!     # let _ = chunk;
//! }
//! # Ok::<(), shanyraq_synth::SynthError>(())
//! ```
//!
//! # Guarantees
//!
//! - **Deterministic.** The same [`GeneratorConfig`] (apart from `chunk_families`), the same
//!   start ids and the same batch give the same chunks' contents, byte for byte, whatever the
//!   chunk size; so a seed and as-of date into an empty database (batch 1) always give the same
//!   rows. Family `i` draws only from its own stream, seeded from `(seed, i)` by the crate's own
//!   SplitMix64 and xoshiro256** ([`rng`]), and keys are assigned in family order. No
//!   dependency's random numbers or `libm` are used, so an upgrade cannot change the data.
//! - **Unique IINs** within a run, even at national scale, and between runs into one database
//!   whose batches differ modulo 10, without reading the database: the batch picks the run's
//!   own block of serials (see [`iin_alloc`]). Valid IINs agree with the person's birth date and
//!   sex except the configured structure-mismatch share.
//! - **Only catalogue indicators**, each with its declared value kind, codes and source.
//!
//! # Realism
//!
//! Where families live is in [`geography`], regional differences in [`profile`], family shapes
//! and ages in [`household`], names in [`names`], addresses in [`address`], and the facts with
//! all their rates in [`facts`]. Each module documents its figures.
//!
//! Two examples help check it: `cargo run --release -p shanyraq-synth --example summary` prints
//! the shares of a sample (shapes, incomes against the ПМ, rates of facts), and `--example
//! throughput` measures pure generation speed.

pub mod address;
pub mod calendar;
mod config;
mod error;
pub mod facts;
mod generator;
pub mod geography;
pub mod household;
pub mod iin_alloc;
mod keys;
pub mod names;
pub mod profile;
pub mod rng;

#[cfg(test)]
mod testkit;
#[cfg(test)]
mod tests;

pub use config::{DEFAULT_CHUNK_FAMILIES, DataErrorRates, GeneratorConfig};
pub use error::SynthError;
pub use generator::Generator;
pub use shanyraq_store::PopulationChunk;
