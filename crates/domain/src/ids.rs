//! Surrogate keys. Integers: compact in every index, and assigned in a deterministic order by
//! the loaders (see `docs/adr/0004-integer-keys.md`).

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// A person known to the system.
    PersonId
);
id_type!(
    /// A family (household, отбасы).
    FamilyId
);
id_type!(
    /// One import batch: a feed file, a generator run, a field-visit sync.
    BatchId
);
id_type!(
    /// One indicator observation.
    ObservationId
);
