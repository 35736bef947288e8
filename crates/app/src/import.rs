//! Importing agency feeds. For now the dry run: a file is streamed, its header mapped and every
//! row validated without writing anything, and each row that is not plainly accepted gets a line
//! in a report a data steward can act on.

mod dedup;
mod dry_run;
mod report;

pub use dry_run::{DryRunOptions, ImportSummary, default_report_path, dry_run};
pub use report::REPORT_COLUMNS;
