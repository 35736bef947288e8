//! The generator's own pseudo-random numbers, so that no dependency upgrade can change the data.
//!
//! - [`SplitMix64`] (Steele, Lea, Flood 2014) turns a 64-bit key into a well-mixed stream; it only
//!   seeds.
//! - [`Rng`] is xoshiro256** 1.0 (Blackman, Vigna 2018), seeded with four SplitMix64 outputs.
//! - Each family `i` of a run gets its own `Rng` from `family_key(seed, i)`, so a family's data
//!   depends only on the seed and its index, never on chunking or on what came before.
//!
//! Everything here is integer arithmetic or IEEE-754 `+ − × ÷` and `sqrt` (exactly rounded on
//! every platform); [`exp`] is a local polynomial instead of the platform's `libm`, so the same
//! seed gives the same values on every machine.

/// SplitMix64: a 64-bit counter passed through a bijective mixer.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 output function: a bijection of `u64` with good avalanche.
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        mix64(self.state)
    }
}

/// The key of family `index` in a run with `seed`. Mixing the index before combining it with the
/// mixed seed keeps neighbouring families' SplitMix64 streams from overlapping.
pub fn family_key(seed: u64, index: u64) -> u64 {
    mix64(mix64(seed ^ 0x5348_414E_5952_4151) ^ mix64(index.wrapping_add(GOLDEN_GAMMA)))
}

/// xoshiro256**: small, fast, and good enough for simulation (not for secrets).
#[derive(Debug, Clone)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// Seeds the four words from SplitMix64, as the xoshiro authors recommend. SplitMix64 never
    /// yields four zero words in a row, so the state is never all zero.
    pub fn from_key(key: u64) -> Rng {
        let mut sm = SplitMix64::new(key);
        Rng { s: [sm.next_u64(), sm.next_u64(), sm.next_u64(), sm.next_u64()] }
    }

    /// The generator of family `index` in a run with `seed`.
    pub fn for_family(seed: u64, index: u64) -> Rng {
        Rng::from_key(family_key(seed, index))
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the tiny bias for huge `n` does not matter
    /// here, and it keeps one draw per call). `n == 0` gives 0.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi` (`hi < lo` gives `lo`).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = hi.abs_diff(lo).saturating_add(1);
        lo.wrapping_add_unsigned(self.below(span))
    }

    /// Uniform in `[0, 1)` with 53 bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// `true` with probability `p` (clamped to `[0, 1]`).
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// `true` with probability `per_mille / 1000`.
    pub fn per_mille(&mut self, per_mille: u32) -> bool {
        self.below(1000) < u64::from(per_mille)
    }

    /// An approximately standard normal value from one draw: the sum of six 10-bit uniforms,
    /// centred and scaled (Irwin–Hall). Tails stop at ±4.2 σ, which suits incomes and areas.
    pub fn normal(&mut self) -> f64 {
        let mut x = self.next_u64();
        let mut sum = 0u64;
        for _ in 0..6 {
            sum += x & 0x3FF;
            x >>= 10;
        }
        // Each part is uniform on 0..1024: mean 511.5, variance (1024² − 1) / 12.
        let mean = 6.0 * 511.5;
        let sd = (6.0 * (1024.0 * 1024.0 - 1.0) / 12.0f64).sqrt();
        (sum as f64 - mean) / sd
    }

    /// An index drawn with the given integer weights; 0 when all weights are 0.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
        let mut r = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            let w = u64::from(*w);
            if r < w {
                return i;
            }
            r -= w;
        }
        0
    }

    /// One element of a non-empty slice, uniformly; `None` for an empty one.
    pub fn pick<'s, T>(&mut self, items: &'s [T]) -> Option<&'s T> {
        items.get(self.below(items.len() as u64) as usize)
    }
}

/// `e^x`, computed with `+ − × ÷` only, so that it is the same on every platform.
/// Range reduction to `|r| ≤ ln2 / 2`, then a degree-13 Taylor polynomial (relative error below
/// 1e-15 there), then scaling by `2^k` through the exponent bits. Clamped to `[-700, 700]`.
pub fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    let x = x.clamp(-700.0, 700.0);
    const LN2_HI: f64 = 0.693_147_180_369_123_8;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    let k = (x * std::f64::consts::LOG2_E).round();
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 1..=13 {
        term = term * r / f64::from(n);
        sum += term;
    }
    // k is within ±1010 after the clamp, so the biased exponent stays in 13..=2033.
    let biased = (k as i64 + 1023) as u64;
    sum * f64::from_bits(biased << 52)
}

/// The logistic function `1 / (1 + e^−x)`.
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + exp(-x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_matches_reference_vector() {
        // Reference outputs of SplitMix64 seeded with 1234567 (from the public C implementation).
        let mut sm = SplitMix64::new(1_234_567);
        assert_eq!(sm.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(sm.next_u64(), 3_203_168_211_198_807_973);
        assert_eq!(sm.next_u64(), 9_817_491_932_198_370_423);
    }

    #[test]
    fn xoshiro_matches_reference_vector() {
        // xoshiro256** from state {1, 2, 3, 4}: the first outputs of the reference C code.
        let mut rng = Rng { s: [1, 2, 3, 4] };
        let got: Vec<u64> = (0..4).map(|_| rng.next_u64()).collect();
        assert_eq!(got, vec![11_520, 0, 1_509_978_240, 1_215_971_899_390_074_240]);
    }

    #[test]
    fn families_get_distinct_streams() {
        let a = Rng::for_family(7, 0).next_u64();
        let b = Rng::for_family(7, 1).next_u64();
        let c = Rng::for_family(8, 0).next_u64();
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, Rng::for_family(7, 0).next_u64());
    }

    #[test]
    fn below_and_range_stay_in_bounds() {
        let mut rng = Rng::from_key(1);
        for _ in 0..10_000 {
            assert!(rng.below(7) < 7);
            let v = rng.range(-3, 3);
            assert!((-3..=3).contains(&v));
        }
        assert_eq!(rng.below(0), 0);
        assert_eq!(rng.range(5, 5), 5);
    }

    #[test]
    fn normal_has_unit_spread() {
        let mut rng = Rng::from_key(42);
        let n = 100_000;
        let xs: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.02, "mean {mean}");
        assert!((var - 1.0).abs() < 0.03, "variance {var}");
    }

    #[test]
    fn exp_agrees_with_libm() {
        for i in -200..=200 {
            let x = f64::from(i) * 0.173;
            let rel = (exp(x) - x.exp()).abs() / x.exp();
            assert!(rel < 1e-13, "exp({x}): {} vs {}", exp(x), x.exp());
        }
        assert_eq!(exp(0.0), 1.0);
        assert!((sigmoid(0.0) - 0.5).abs() < 1e-15);
    }

    #[test]
    fn weighted_follows_weights() {
        let mut rng = Rng::from_key(3);
        let mut counts = [0u32; 3];
        for _ in 0..30_000 {
            counts[rng.weighted(&[1, 0, 2])] += 1;
        }
        assert_eq!(counts[1], 0);
        assert!((9_000..11_000).contains(&counts[0]), "{counts:?}");
        assert_eq!(rng.weighted(&[0, 0]), 0);
    }
}
