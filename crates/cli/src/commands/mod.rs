//! One module per subcommand.

pub mod assess;
pub mod audit;
pub mod batches;
pub mod bench;
pub mod bench_access;
pub mod bench_assess;
pub mod bench_audit;
pub mod demo;
pub mod demo_accounts;
pub mod generate;
pub mod generate_feeds;
pub mod iin;
pub mod import;
pub mod methodology;
pub mod migrate;
pub mod offers;
pub mod serve;
pub mod stats;
pub mod token;
pub mod user;
