//! What differs between regions, as approximations of public figures (the 2021 census, the
//! Bureau of National Statistics' 2024 estimates): the urban share and how much of it lives in
//! the region's centre, the mix of peoples (more Russians in the north — 11, 35, 39, 55, 59, 63 —
//! more Uzbeks in 61 and 79, Uyghurs in 19, 33 and Almaty), a prosperity shift (oil regions and
//! the big cities up, the rural south down), a fertility index (0 in the north, 1 in Turkestan)
//! and how many Kazakh families prefer Kazakh. They shape a synthetic population; they are not
//! statistics. With these shares about 62 % of families live in towns and cities, as the census
//! has it for people.

/// One region's profile.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionProfile {
    /// The region's two-digit prefix (`AB`).
    pub ab: u32,
    /// Share of families living in towns and cities.
    pub urban: f64,
    /// Share of the urban families living in the region's centre.
    pub centre: f64,
    /// Per mille of families by people, in the order of [`crate::names::Ethnicity::ALL`]:
    /// Kazakh, Russian, Uzbek, Ukrainian, Uyghur, Tatar, German.
    pub ethnicity: [u32; 7],
    /// Shift of the family's latent prosperity (in standard deviations).
    pub prosperity: f64,
    /// 0 (few children) … 1 (many children).
    pub fertility: f64,
    /// Per mille of Kazakh families preferring Kazakh; street names follow the same share.
    pub kazakh_language: u32,
}

const fn p(
    ab: u32,
    urban: f64,
    centre: f64,
    ethnicity: [u32; 7],
    prosperity: f64,
    fertility: f64,
    kazakh_language: u32,
) -> RegionProfile {
    RegionProfile { ab, urban, centre, ethnicity, prosperity, fertility, kazakh_language }
}

/// Every region of KATO НК РК 11-2025.
pub static PROFILES: &[RegionProfile] = &[
    p(10, 0.66, 0.85, [760, 190, 0, 10, 0, 20, 10], -0.10, 0.35, 800),
    p(11, 0.50, 0.40, [520, 320, 0, 50, 0, 20, 40], -0.05, 0.15, 550),
    p(15, 0.70, 0.88, [870, 80, 0, 20, 0, 10, 10], 0.10, 0.45, 800),
    p(19, 0.25, 0.20, [700, 110, 10, 10, 120, 20, 10], -0.05, 0.55, 800),
    p(23, 0.55, 0.85, [930, 50, 0, 5, 0, 10, 0], 0.35, 0.65, 900),
    p(27, 0.54, 0.90, [800, 160, 0, 15, 0, 10, 5], 0.05, 0.35, 800),
    p(31, 0.42, 0.75, [770, 90, 20, 5, 10, 10, 10], -0.30, 0.70, 850),
    p(33, 0.40, 0.60, [700, 140, 0, 10, 90, 10, 10], -0.20, 0.55, 800),
    p(35, 0.85, 0.52, [570, 310, 0, 30, 0, 20, 30], 0.10, 0.15, 550),
    p(39, 0.60, 0.55, [440, 390, 0, 70, 0, 20, 40], 0.00, 0.05, 500),
    p(43, 0.45, 0.85, [960, 20, 5, 0, 0, 5, 0], -0.25, 0.80, 950),
    p(47, 0.55, 0.62, [920, 50, 5, 5, 0, 5, 0], 0.10, 0.80, 900),
    p(55, 0.72, 0.62, [540, 340, 0, 40, 0, 20, 30], 0.10, 0.05, 500),
    p(59, 0.46, 0.88, [370, 500, 0, 40, 0, 20, 30], -0.15, 0.00, 450),
    p(61, 0.23, 0.45, [760, 20, 190, 0, 0, 10, 0], -0.45, 1.00, 950),
    p(62, 0.80, 0.50, [850, 100, 0, 10, 0, 10, 10], 0.15, 0.40, 850),
    p(63, 0.66, 0.78, [580, 380, 0, 5, 0, 10, 10], 0.05, 0.05, 600),
    p(71, 1.00, 1.00, [800, 120, 10, 10, 5, 15, 5], 0.45, 0.45, 750),
    p(75, 1.00, 1.00, [600, 250, 10, 10, 60, 15, 5], 0.45, 0.20, 600),
    p(79, 1.00, 1.00, [670, 70, 200, 0, 0, 10, 0], -0.15, 0.80, 900),
];

/// For a region the table does not know (a future classifier): a mid-table profile.
pub static DEFAULT_PROFILE: RegionProfile =
    p(0, 0.55, 0.70, [700, 200, 20, 20, 20, 20, 20], 0.0, 0.4, 750);

/// The profile of the region with prefix `ab`.
pub fn profile(ab: u32) -> &'static RegionProfile {
    PROFILES.iter().find(|p| p.ab == ab).unwrap_or(&DEFAULT_PROFILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_sane() {
        for p in PROFILES {
            let sum: u32 = p.ethnicity.iter().sum();
            assert!((900..=1000).contains(&sum), "region {} sums to {sum}", p.ab);
            assert!((0.0..=1.0).contains(&p.urban) && (0.0..=1.0).contains(&p.centre));
        }
        // More Russians in the north, more Uzbeks in Turkestan and Shymkent.
        for north in [11, 39, 55, 59, 63, 35] {
            assert!(profile(north).ethnicity[1] >= 300, "{north}");
        }
        for south in [61, 79] {
            assert!(profile(south).ethnicity[2] >= 150, "{south}");
        }
        assert_eq!(profile(99).ab, 0);
    }
}
