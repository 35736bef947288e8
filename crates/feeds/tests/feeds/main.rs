//! The feeds crate's integration tests, one binary: readers, declared sources and validation,
//! synthetic feeds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod read;
mod synthetic;
mod validate;
