//! Assessing families (DESIGN §3.3): installed methodology versions, the figures of the day, the
//! batch and incremental runs that store results, level history and events, and the stored
//! results read back with their explanations.

mod detail;
mod figures;
mod medians;
mod methodologies;
pub mod offers;
mod run;
mod view;

pub use detail::{decode_detail, encode_detail};
pub use figures::FiguresBook;
pub use medians::compute_medians;
pub use methodologies::{InstallOutcome, Methodologies, ensure_default, install};
pub use run::{AssessOptions, AssessSummary, assess_all, assess_changed, assess_families};
pub use view::{AssessmentView, view};
