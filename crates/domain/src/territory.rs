//! The territory tree: KATO territories with names, versioned.
//!
//! The bundled tree is KATO НК РК 11-2025, state of 17.07.2026, shipped in `data/kato/` with its
//! provenance (see `docs/adr/0003-bundled-kato-classifier.md`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::kato::{Kato, KatoLevel};

mod legacy_font;
mod load;
mod settlement;

#[cfg(test)]
mod bundled_tests;

pub use legacy_font::{fix_legacy_font, has_legacy_letters};
pub use load::{
    BUNDLED_VERSION_ID, RegionInfo, bundled, bundled_regions, bundled_version, parse_regions,
    parse_tree,
};

/// What kind of place a territory is; drives urban/rural rules (e.g. the rural-settlement points
/// of the assessment). For the bundled classifier it is derived from the names and the tree (rules
/// in `territory/settlement.rs`); an administrative area (region, district) has its seat's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettlementType {
    /// Astana.
    Capital,
    /// Almaty, Shymkent.
    RepublicanCity,
    /// A city of oblast significance (a city administration, Г.А.).
    OblastCity,
    /// A town of district significance or a district centre.
    DistrictCentre,
    /// A rural okrug (сельский округ) as a whole.
    RuralOkrug,
    /// A village (село, аул, посёлок, станция …).
    RuralSettlement,
}

impl SettlementType {
    pub fn code(self) -> &'static str {
        match self {
            SettlementType::Capital => "capital",
            SettlementType::RepublicanCity => "republican_city",
            SettlementType::OblastCity => "oblast_city",
            SettlementType::DistrictCentre => "district_centre",
            SettlementType::RuralOkrug => "rural_okrug",
            SettlementType::RuralSettlement => "rural_settlement",
        }
    }
    pub fn from_code(code: &str) -> Option<SettlementType> {
        [
            SettlementType::Capital,
            SettlementType::RepublicanCity,
            SettlementType::OblastCity,
            SettlementType::DistrictCentre,
            SettlementType::RuralOkrug,
            SettlementType::RuralSettlement,
        ]
        .into_iter()
        .find(|t| t.code() == code)
    }
    pub fn is_urban(self) -> bool {
        !matches!(self, SettlementType::RuralOkrug | SettlementType::RuralSettlement)
    }
}

/// Which classifier a tree is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TreeVersion {
    /// e.g. `KATO-11-2025@2026-07-17`.
    pub id: String,
    /// The state of the classifier this tree reproduces.
    pub as_of: Date,
}

/// One territory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Territory {
    pub code: Kato,
    pub parent: Option<Kato>,
    pub level: KatoLevel,
    pub name_kk: String,
    pub name_ru: String,
    /// Only regions have English names in the sources.
    pub name_en: Option<String>,
    pub settlement_type: SettlementType,
}

/// A whole classifier as a tree.
#[derive(Debug, Clone)]
pub struct TerritoryTree {
    pub version: TreeVersion,
    nodes: BTreeMap<Kato, Territory>,
    children: BTreeMap<Kato, Vec<Kato>>,
}

impl TerritoryTree {
    /// Builds a tree from territories; every parent must be present and above its child.
    pub fn from_territories(
        version: TreeVersion,
        territories: Vec<Territory>,
    ) -> Result<TerritoryTree, TreeError> {
        let mut nodes = BTreeMap::new();
        for t in territories {
            let code = t.code;
            if nodes.insert(code, t).is_some() {
                return Err(TreeError::Duplicate { code });
            }
        }
        let mut children: BTreeMap<Kato, Vec<Kato>> = BTreeMap::new();
        for t in nodes.values() {
            if let Some(p) = t.parent {
                let parent =
                    nodes.get(&p).ok_or(TreeError::MissingParent { code: t.code, parent: p })?;
                if parent.level >= t.level || !p.contains(t.code) {
                    return Err(TreeError::BadParent { code: t.code, parent: p });
                }
                children.entry(p).or_default().push(t.code);
            } else if t.level != KatoLevel::Region {
                return Err(TreeError::MissingParent { code: t.code, parent: t.code.region() });
            }
        }
        Ok(TerritoryTree { version, nodes, children })
    }

    pub fn get(&self, code: Kato) -> Option<&Territory> {
        self.nodes.get(&code)
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// All territories in code order.
    pub fn iter(&self) -> impl Iterator<Item = &Territory> {
        self.nodes.values()
    }

    /// Direct children in code order.
    pub fn children(&self, code: Kato) -> impl Iterator<Item = &Territory> {
        self.children.get(&code).into_iter().flatten().filter_map(|c| self.nodes.get(c))
    }

    /// The path from the region down to `code`, inclusive.
    pub fn ancestry(&self, code: Kato) -> Vec<&Territory> {
        let mut path = Vec::new();
        let mut next = self.nodes.get(&code);
        while let Some(t) = next {
            path.push(t);
            next = t.parent.and_then(|p| self.nodes.get(&p));
        }
        path.reverse();
        path
    }

    /// Every territory in `code`'s subtree, itself included, in code order.
    pub fn subtree(&self, code: Kato) -> impl Iterator<Item = &Territory> {
        let (lo, hi) = code.subtree_range();
        let lo = Kato::from_u32(lo).ok();
        let hi = Kato::from_u32(hi).ok();
        lo.zip(hi).into_iter().flat_map(|(lo, hi)| self.nodes.range(lo..=hi).map(|(_, t)| t))
    }

    /// The regions (level 1).
    pub fn regions(&self) -> impl Iterator<Item = &Territory> {
        self.nodes.values().filter(|t| t.level == KatoLevel::Region)
    }
}

/// Why territories do not form a tree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    #[error("territory {code} appears twice")]
    Duplicate { code: Kato },
    #[error("territory {code} names parent {parent}, which is not in the tree")]
    MissingParent { code: Kato, parent: Kato },
    #[error("territory {code} names parent {parent}, which is not above it")]
    BadParent { code: Kato, parent: Kato },
    #[error("line {line}: {reason}")]
    Csv { line: u64, reason: String },
}

impl TreeError {
    /// Stable code for translation and reports.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Duplicate { .. } => "territory.duplicate",
            Self::MissingParent { .. } => "territory.missing_parent",
            Self::BadParent { .. } => "territory.bad_parent",
            Self::Csv { .. } => "territory.csv",
        }
    }
}
