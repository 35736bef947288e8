//! What to generate.

use shanyraq_domain::Kato;
use time::Date;

use crate::error::SynthError;

/// Shares of persons whose IIN is wrong in a realistic way, per mille of all persons generated.
/// The three are exclusive: a person has at most one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataErrorRates {
    /// The source reported an IIN whose check digit is wrong: `iin` is `None` and
    /// `iin_as_reported` holds the wrong text.
    pub wrong_check_digit_per_mille: u16,
    /// A valid IIN whose birth date or sex disagrees with what is recorded for the person
    /// (a transposed day and month, a neighbouring day, the wrong sex digit).
    pub structure_mismatch_per_mille: u16,
    /// No IIN at all (`iin` and `iin_as_reported` both `None`).
    pub missing_iin_per_mille: u16,
}

impl Default for DataErrorRates {
    /// 0.5 %, 0.3 % and 0.5 %: small, as in a registry that is mostly clean.
    fn default() -> Self {
        DataErrorRates {
            wrong_check_digit_per_mille: 5,
            structure_mismatch_per_mille: 3,
            missing_iin_per_mille: 5,
        }
    }
}

impl DataErrorRates {
    /// No errors at all.
    pub const NONE: DataErrorRates = DataErrorRates {
        wrong_check_digit_per_mille: 0,
        structure_mismatch_per_mille: 0,
        missing_iin_per_mille: 0,
    };

    /// The sum of the three shares, per mille.
    pub fn total_per_mille(&self) -> u32 {
        u32::from(self.wrong_check_digit_per_mille)
            + u32::from(self.structure_mismatch_per_mille)
            + u32::from(self.missing_iin_per_mille)
    }

    pub(crate) fn validate(&self) -> Result<(), SynthError> {
        let total = self.total_per_mille();
        if total > 1000 { Err(SynthError::ErrorRatesTooHigh { total }) } else { Ok(()) }
    }
}

/// Families per chunk unless told otherwise: one write transaction's worth.
pub const DEFAULT_CHUNK_FAMILIES: usize = 2_000;

/// A generator run. With the same configuration, start ids and batch, the output is identical.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratorConfig {
    /// How many families to generate; 0 generates nothing.
    pub families: u64,
    pub seed: u64,
    /// Only in this territory's subtree (any level: region, district, okrug, settlement);
    /// `None` for the whole country, regions in proportion to their population.
    pub region: Option<Kato>,
    /// The population's "today": ages, validity periods and the ПМ are taken on this date. No
    /// clock is read.
    pub as_of: Date,
    pub errors: DataErrorRates,
    /// Families per chunk; the output does not depend on it.
    pub chunk_families: usize,
}

impl GeneratorConfig {
    /// `families` families for the whole country, default error rates and chunk size.
    pub fn new(families: u64, seed: u64, as_of: Date) -> GeneratorConfig {
        GeneratorConfig {
            families,
            seed,
            region: None,
            as_of,
            errors: DataErrorRates::default(),
            chunk_families: DEFAULT_CHUNK_FAMILIES,
        }
    }
}
