//! Domain core of Shanyraq: value types that parse (IIN, KATO, money, dates), families, people,
//! facts and the territory tree.
//!
//! This crate knows nothing of SQL, HTTP or files: it takes text and gives values. Reference data
//! it needs (the KATO classifier, dated constants) is compiled in with `include_str!`.

pub mod access;
pub mod assessment;
pub mod audit;
pub mod constants;
pub mod dates;
pub mod family;
pub mod ids;
pub mod iin;
pub mod indicators;
pub mod kato;
pub mod money;
pub mod observation;
pub mod person;
pub mod territory;

pub use family::{Address, Family, Membership, Role};
pub use ids::{BatchId, FamilyId, ObservationId, PersonId};
pub use iin::{Iin, IinError};
pub use kato::{Kato, KatoError, KatoLevel};
pub use money::Tenge;
pub use observation::{ImportBatch, IndicatorKey, Observation, ObservationValue, Source};
pub use person::{Disability, Language, Person, PersonName, Sex};
pub use territory::{SettlementType, Territory, TerritoryTree, TreeVersion};
