//! One module per subcommand.

pub mod batches;
pub mod bench;
pub mod demo;
pub mod generate;
pub mod generate_feeds;
pub mod iin;
pub mod import;
pub mod migrate;
pub mod serve;
