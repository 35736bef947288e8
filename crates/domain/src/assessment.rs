//! Well-being assessment (DESIGN §3.3): a family's facts on a day become a profile, a
//! methodology (data, versioned by the day it takes effect) turns the profile into points and a
//! level A–E with hard overrides, and every point can be explained in plain words.
//!
//! Pure: no I/O, no clock. The application reads facts, figures and methodology files and
//! stores the results.

pub mod engine;
pub mod explain;
pub mod expr;
pub mod level;
pub mod load;
pub mod measures;
pub mod methodology;
pub mod poverty;
pub mod profile;
pub mod texts;
pub mod vars;

pub use engine::{Applied, Assessment, Contribution, Quoted, Trigger, assess};
pub use explain::{Audience, Explanation, Line, LineKind, explain, without_hidden};
pub use level::Level;
pub use load::{MethodologyError, Problem, parse_methodology};
pub use measures::{Catalogue, DEFAULT_MEASURES, DEFAULT_MEASURES_FILE, Measure, parse_measures};
pub use methodology::{Band, Cutoffs, Domain, Methodology, Override, Rule, RuleKind, Scale};
pub use poverty::{median, poverty_line};
pub use profile::{FactInput, FamilyInput, Figures, MemberInput, Profile};
pub use texts::{Lang, Texts};
pub use vars::{Unit, Var, Variables};

/// The default methodology shipped with the project: a reconstruction of the published
/// structure of the ЦКС method (DESIGN §3.3), labelled as such.
pub const DEFAULT_METHODOLOGY: &str =
    include_str!("../../../data/methodology/ckc-2023-reconstruction.toml");

/// The file name the default methodology is reported under.
pub const DEFAULT_METHODOLOGY_FILE: &str = "data/methodology/ckc-2023-reconstruction.toml";
