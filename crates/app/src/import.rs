//! Importing agency feeds. A file is streamed, its header mapped and every row validated; the
//! import writes valid rows as facts with their provenance exactly once (see [`load`]) and the
//! dry run writes nothing. Each row that is not plainly accepted gets a line in a report a data
//! steward can act on.

mod dedup;
mod dry_run;
mod fingerprint;
mod issues;
mod load;
mod report;
mod scan;
mod summary;
pub(crate) mod upload;

pub use dry_run::{DryRunOptions, dry_run};
pub use load::{ImportOptions, import};
pub use report::REPORT_COLUMNS;
pub use summary::{ImportSummary, Run, default_report_path};
pub use upload::Spool;
