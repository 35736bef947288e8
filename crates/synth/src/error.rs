//! Why a generator cannot be built. Generating itself cannot fail once it is built.

use shanyraq_domain::Kato;
use time::Date;

/// What is wrong with a [`crate::GeneratorConfig`] or the reference data it is used with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SynthError {
    #[error("territory {code} is not in the territory tree")]
    UnknownTerritory { code: Kato },
    #[error("no place to live in {}: the subtree has no settlement, town or city district", .code.map_or_else(|| "the tree".to_owned(), |c| c.to_string()))]
    NoPlaceToLive { code: Option<Kato> },
    #[error("region {region} has places to live but no population figure (region information)")]
    MissingRegionInfo { region: Kato },
    #[error("no subsistence minimum (ПМ) is known for {as_of} in region {region}")]
    NoSubsistenceMinimum { as_of: Date, region: Kato },
    #[error("no МРП is known for {as_of}")]
    NoMrp { as_of: Date },
    #[error("as-of date {as_of} is outside 2000-01-01…2099-12-31, where birth dates can form IINs")]
    AsOfOutOfRange { as_of: Date },
    #[error("data error rates add up to {total} per mille; at most 1000 can be")]
    ErrorRatesTooHigh { total: u32 },
    #[error("chunk size is 0; a chunk needs at least one family")]
    ZeroChunkSize,
    #[error("{families} families from the given start ids would overflow the 64-bit keys")]
    IdOverflow { families: u64 },
    #[error("indicator {key:?} is not in the catalogue")]
    UnknownIndicator { key: &'static str },
}

impl SynthError {
    /// Stable code for translation and reports.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownTerritory { .. } => "synth.unknown_territory",
            Self::NoPlaceToLive { .. } => "synth.no_place_to_live",
            Self::MissingRegionInfo { .. } => "synth.missing_region_info",
            Self::NoSubsistenceMinimum { .. } => "synth.no_subsistence_minimum",
            Self::NoMrp { .. } => "synth.no_mrp",
            Self::AsOfOutOfRange { .. } => "synth.as_of_out_of_range",
            Self::ErrorRatesTooHigh { .. } => "synth.error_rates_too_high",
            Self::ZeroChunkSize => "synth.zero_chunk_size",
            Self::IdOverflow { .. } => "synth.id_overflow",
            Self::UnknownIndicator { .. } => "synth.unknown_indicator",
        }
    }
}
