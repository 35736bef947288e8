//! Where families live: every place of the territory tree a person can live in, with a weight.
//!
//! A place is a leaf of the tree below region level: a village, a town, a city district, or a
//! rural okrug with no villages of its own. Weights:
//!
//! 1. Regions get families in proportion to [`RegionInfo::population`] (with a territory filter,
//!    only the filtered region's places remain).
//! 2. Within a region, [`RegionProfile::urban`] of its families live in urban places and the rest
//!    in rural ones; of the urban share, [`RegionProfile::centre`] lives in the region's centre
//!    (found by name: `г.<centre>` or `<centre> қ.`). Republican cities are all centre.
//!    A pool with no places in the (filtered) subtree gives its share to the others.
//! 3. Within a pool, places share by kind: any part of the centre 1 (equal); other cities of
//!    oblast significance 4, district towns 1; villages (`с.`, `а.`, `аул`) 1, settlements
//!    (`п.`) 1.5, stations (`ст.`) 0.3, rural okrugs without villages 1, and the many minor
//!    places of the classifier (winter pastures, sidings, farms, plots) 0.02.

use shanyraq_domain::territory::RegionInfo;
use shanyraq_domain::{Kato, KatoLevel, SettlementType, Territory, TerritoryTree};

use crate::error::SynthError;
use crate::profile::{RegionProfile, profile};
use crate::rng::Rng;

/// Which pool of its region a place is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    /// The region's centre (all of a republican city).
    Centre,
    /// Another town or city.
    Town,
    Rural,
}

/// A place families can live in.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    pub code: Kato,
    pub settlement_type: SettlementType,
    pub kind: PlaceKind,
    /// Index into [`Geography::regions`].
    pub region: usize,
}

/// A region that has places.
#[derive(Debug, Clone)]
pub struct RegionPlaces {
    pub code: Kato,
    pub profile: &'static RegionProfile,
}

/// The places of a run and how to draw one.
#[derive(Debug, Clone)]
pub struct Geography {
    pub regions: Vec<RegionPlaces>,
    pub places: Vec<Place>,
    /// Running totals of the integer weights, for a binary search.
    cumulative: Vec<u64>,
}

/// Relative weight of a rural place from the marker in its Russian name.
fn rural_weight(t: &Territory) -> f64 {
    if t.settlement_type == SettlementType::RuralOkrug {
        return 1.0;
    }
    let name = t.name_ru.trim_start();
    if name.starts_with("с.") || name.starts_with("а.") || name.starts_with("аул") {
        1.0
    } else if name.starts_with("п.") {
        1.5
    } else if name.starts_with("ст.") {
        0.3
    } else {
        0.02
    }
}

fn is_centre_name(t: &Territory, info: &RegionInfo) -> bool {
    let ru = t.name_ru.trim();
    let kk = t.name_kk.trim();
    ru.strip_prefix("г.").is_some_and(|rest| rest.trim_start() == info.centre_ru)
        || kk.strip_suffix(" қ.").is_some_and(|rest| rest.trim_end() == info.centre_kk)
}

impl Geography {
    /// The places of the whole tree, or of `filter`'s subtree.
    pub fn build(
        tree: &TerritoryTree,
        infos: &[RegionInfo],
        filter: Option<Kato>,
    ) -> Result<Geography, SynthError> {
        let region_codes: Vec<Kato> = match filter {
            Some(code) => {
                let t = tree.get(code).ok_or(SynthError::UnknownTerritory { code })?;
                vec![t.code.region()]
            }
            None => tree.regions().map(|t| t.code).collect(),
        };
        let mut geography =
            Geography { regions: Vec::new(), places: Vec::new(), cumulative: Vec::new() };
        let mut weights: Vec<f64> = Vec::new();
        for region in region_codes {
            let leaves: Vec<&Territory> = tree
                .subtree(region)
                .filter(|t| t.level != KatoLevel::Region && tree.children(t.code).next().is_none())
                .filter(|t| filter.is_none_or(|f| f.contains(t.code)))
                .collect();
            if leaves.is_empty() {
                continue;
            }
            let info = infos
                .iter()
                .find(|i| i.code == region)
                .ok_or(SynthError::MissingRegionInfo { region })?;
            let profile = profile(region.ab());
            let centre = if info.republican_city {
                Some(region)
            } else {
                tree.subtree(region)
                    .filter(|t| t.level != KatoLevel::Region && t.settlement_type.is_urban())
                    .find(|t| is_centre_name(t, info))
                    .map(|t| t.code)
            };
            let region_index = geography.regions.len();
            geography.regions.push(RegionPlaces { code: region, profile });

            let first = geography.places.len();
            let mut local = Vec::with_capacity(leaves.len());
            let mut totals = [0.0f64; 3];
            for t in leaves {
                let (kind, w) = if centre.is_some_and(|c| c.contains(t.code)) {
                    (PlaceKind::Centre, 1.0)
                } else if t.settlement_type.is_urban() {
                    let w = if t.settlement_type == SettlementType::OblastCity { 4.0 } else { 1.0 };
                    (PlaceKind::Town, w)
                } else {
                    (PlaceKind::Rural, rural_weight(t))
                };
                totals[kind as usize] += w;
                local.push(w);
                geography.places.push(Place {
                    code: t.code,
                    settlement_type: t.settlement_type,
                    kind,
                    region: region_index,
                });
            }
            let shares = [
                profile.urban * profile.centre,
                profile.urban * (1.0 - profile.centre),
                1.0 - profile.urban,
            ];
            let present: f64 = (0..3).filter(|&k| totals[k] > 0.0).map(|k| shares[k]).sum::<f64>();
            let region_weight = info.population.max(1) as f64;
            for (place, w) in geography.places[first..].iter().zip(local) {
                let k = place.kind as usize;
                let pool_share = if present > 0.0 {
                    shares[k] / present
                } else {
                    // Every present pool has share 0 (e.g. only villages in a city region):
                    // share equally between the present pools.
                    1.0 / (0..3).filter(|&k| totals[k] > 0.0).count() as f64
                };
                weights.push(region_weight * pool_share * w / totals[k]);
            }
        }
        let total: f64 = weights.iter().sum();
        if geography.places.is_empty() || total <= 0.0 {
            return Err(SynthError::NoPlaceToLive { code: filter });
        }
        // Integer weights summing to about 2^52: exact, platform-independent sampling.
        let scale = (1u64 << 52) as f64 / total;
        let mut running = 0u64;
        for w in weights {
            running += ((w * scale) as u64).max(1);
            geography.cumulative.push(running);
        }
        Ok(geography)
    }

    /// Draws a place with the weights above.
    pub fn sample(&self, rng: &mut Rng) -> &Place {
        let total = self.cumulative.last().copied().unwrap_or(0);
        let r = rng.below(total);
        let i = self.cumulative.partition_point(|&c| c <= r);
        &self.places[i.min(self.places.len() - 1)]
    }

    /// The probability of drawing place `i`.
    pub fn probability(&self, i: usize) -> f64 {
        let total = self.cumulative.last().copied().unwrap_or(0) as f64;
        let before = if i == 0 { 0 } else { self.cumulative[i - 1] };
        (self.cumulative[i] - before) as f64 / total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit;

    #[test]
    fn places_are_leaves_with_pools() {
        let tree = testkit::tree();
        let g = Geography::build(&tree, &testkit::regions(), None).unwrap();
        assert!(g.places.iter().all(|p| tree.children(p.code).next().is_none()));
        let share = |kind: PlaceKind, ab: u32| -> f64 {
            (0..g.places.len())
                .filter(|&i| g.places[i].kind == kind && g.places[i].code.ab() == ab)
                .map(|i| g.probability(i))
                .sum()
        };
        // Region 11 (Akmola profile: urban 50 %, centre 40 % of urban) and the city 71.
        let r11 =
            share(PlaceKind::Centre, 11) + share(PlaceKind::Town, 11) + share(PlaceKind::Rural, 11);
        let r71 = share(PlaceKind::Centre, 71);
        assert!((r11 - 2.0 / 3.0).abs() < 1e-9, "{r11}");
        assert!((r71 - 1.0 / 3.0).abs() < 1e-9, "{r71}");
        assert!((share(PlaceKind::Centre, 11) / r11 - 0.2).abs() < 1e-9);
        assert!((share(PlaceKind::Rural, 11) / r11 - 0.5).abs() < 1e-9);
    }

    #[test]
    fn a_filter_keeps_only_its_subtree() {
        let tree = testkit::tree();
        let district: Kato = "113200000".parse().unwrap();
        let g = Geography::build(&tree, &testkit::regions(), Some(district)).unwrap();
        assert!(!g.places.is_empty());
        assert!(g.places.iter().all(|p| district.contains(p.code)));
        let mut rng = Rng::from_key(1);
        for _ in 0..1000 {
            assert!(district.contains(g.sample(&mut rng).code));
        }
    }

    #[test]
    fn errors_name_the_territory() {
        let tree = testkit::tree();
        let unknown: Kato = "119900000".parse().unwrap();
        let err = Geography::build(&tree, &testkit::regions(), Some(unknown)).unwrap_err();
        assert_eq!(err, SynthError::UnknownTerritory { code: unknown });
        assert_eq!(err.code(), "synth.unknown_territory");
        let empty: Kato = "150000000".parse().unwrap();
        let err = Geography::build(&tree, &testkit::regions(), Some(empty)).unwrap_err();
        assert_eq!(err.code(), "synth.no_place_to_live");
        let err = Geography::build(&tree, &testkit::regions()[..1], None).unwrap_err();
        assert_eq!(err.code(), "synth.missing_region_info");
    }
}
