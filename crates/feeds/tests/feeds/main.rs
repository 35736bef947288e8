//! The feeds crate's integration tests, one binary: readers, declared sources and validation,
//! files as exporters write them, synthetic feeds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod exports;
mod read;
mod synthetic;
mod validate;
