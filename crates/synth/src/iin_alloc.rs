//! IINs that never repeat within a run nor between the runs into one database, and the data
//! errors the configuration asks for.
//!
//! An IIN under the older structure is `YYMMDD` + century/sex digit + four-digit serial + check
//! digit. Two people with different birth dates or sexes differ in the first seven digits, so
//! uniqueness only has to hold among people sharing a birth date and sex — a *bucket*. Each
//! bucket orders its serials as `s_k = (offset + 7919 · k) mod 10000` for `k = 0 … 9999`: 7919
//! is prime and shares no factor with 10,000, so distinct `k` give distinct serials. The offset
//! is a hash of the bucket alone, so serials look scattered rather than counting from 0000.
//!
//! **Runs.** The generator reads no database, yet a second run into the same one must not repeat
//! the first run's IINs. So the counters are split between runs by the run's import batch: run
//! `r = (batch − 1) mod 10` draws only `k ∈ [1000·r, 1000·r + 999]`. The blocks are disjoint,
//! so runs with batches 1 to 10 — whatever their seeds — never share a serial. Within its block a
//! run takes the counters in a seeded order `k = 1000·r + (a + b·j) mod 1000` for `j = 0, 1, 2,
//! …`, with `a` and `b` (`b` coprime to 1000) hashed from the seed and the bucket; so the seed
//! still decides which IINs a run hands out, but never outside its block. A serial whose eleven
//! digits have no check digit (both passes give 10) is skipped, as the state would.
//!
//! **Limits.** A run can issue about 990 IINs per bucket (its 1,000 counters less about one serial
//! in 121, which has no check digit). Nationally there are about 550 births per sex per day; the busiest
//! bucket of a 6.2 M-family run held 885 people. A bucket that ran out would leave further people
//! of that birth date and sex without an IIN (a missing-IIN record) rather than repeat one. The
//! eleventh run (batch 11) reuses the first run's block: its IINs would collide with batch 1's,
//! and the store's unique index would refuse the chunk rather than store a duplicate. Batch ids
//! also advance for imports other than synthetic runs, so it is the batch ids, not the number of
//! runs, that decide: synthetic runs whose batches differ modulo 10 never collide.
//!
//! A structure-mismatch IIN is drawn from the run's block of the wrong date's or sex's bucket,
//! and a wrong-check-digit text from a serial drawn from the person's own (which is then never
//! issued). So neither can collide with anybody's IIN in any of the ten runs: a wrong text's
//! first eleven digits belong to a serial nobody is issued, and with its check digit wrong it
//! cannot equal a valid IIN anyway.

use shanyraq_domain::{BatchId, Iin, Sex};
use time::{Date, Month};

use crate::config::DataErrorRates;
use crate::rng::{Rng, mix64};

/// First and last birth years a bucket exists for: the years the century digits 3–6 encode.
const FIRST_YEAR: i32 = 1900;
const LAST_YEAR: i32 = 2099;
const SERIALS: u32 = 10_000;
const STRIDE: u32 = 7_919;
/// Runs into one database that get serials of their own.
pub const RUNS: u32 = 10;
/// Counters per run and bucket.
const BLOCK: u32 = SERIALS / RUNS;
/// Key of the bucket offsets; fixed, so that every run orders a bucket's serials the same way.
const OFFSET_KEY: u64 = 0x4949_4E4F_4646_5345;
/// Last digits of the numbers coprime to 1000.
const UNIT_ENDINGS: [u32; 4] = [1, 3, 7, 9];

/// Per-bucket counters of serials handed out.
#[derive(Debug, Clone)]
pub struct IinAllocator {
    seed: u64,
    /// Which block of counters this run draws from, `0 … RUNS − 1`.
    run: u32,
    first_day: i32,
    /// Counters used in the run's block, indexed by `(day − first_day) · 2 + sex`.
    used: Vec<u16>,
}

/// What a person's IIN fields end up as. `as_reported` is only kept when the reported text is not
/// a valid IIN, as [`shanyraq_domain::Person`] documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedIin {
    pub iin: Option<Iin>,
    pub as_reported: Option<String>,
}

/// The run index of import batch `batch`: `(batch − 1) mod RUNS`, so batch 1 is run 0.
pub fn run_of(batch: BatchId) -> u32 {
    // rem_euclid first, so that no batch id can overflow the subtraction.
    let r = (batch.0.rem_euclid(i64::from(RUNS)) + i64::from(RUNS) - 1) % i64::from(RUNS);
    u32::try_from(r).unwrap_or(0)
}

impl IinAllocator {
    /// An allocator for the run writing import batch `batch` with `seed`.
    pub fn new(seed: u64, batch: BatchId) -> IinAllocator {
        let first =
            Date::from_calendar_date(FIRST_YEAR, Month::January, 1).map(Date::to_julian_day);
        let last =
            Date::from_calendar_date(LAST_YEAR, Month::December, 31).map(Date::to_julian_day);
        let (first, last) = match (first, last) {
            (Ok(f), Ok(l)) => (f, l),
            _ => (0, -1),
        };
        let days = usize::try_from(last - first + 1).unwrap_or(0);
        IinAllocator {
            seed: mix64(seed ^ 0x4949_4E00),
            run: run_of(batch),
            first_day: first,
            used: vec![0; days * 2],
        }
    }

    fn bucket(&self, birth: Date, sex: Sex) -> Option<usize> {
        let day = usize::try_from(birth.to_julian_day() - self.first_day).ok()?;
        let index = day * 2 + usize::from(sex == Sex::Female);
        (index < self.used.len()).then_some(index)
    }

    /// The next unused valid IIN for `birth` and `sex`, or `None` when the run's block of the
    /// bucket is exhausted or the date has no century digit.
    pub fn next(&mut self, birth: Date, sex: Sex) -> Option<Iin> {
        let bucket = self.bucket(birth, sex)?;
        let offset = (mix64(OFFSET_KEY ^ bucket as u64) % u64::from(SERIALS)) as u32;
        let order = mix64(self.seed ^ bucket as u64);
        let a = (order % u64::from(BLOCK)) as u32;
        let b = UNIT_ENDINGS[((order >> 32) % 4) as usize] + 10 * ((order >> 40) % 100) as u32;
        let base = self.run * BLOCK;
        let mut j = u32::from(self.used[bucket]);
        while j < BLOCK {
            let k = base + (a + b * j) % BLOCK;
            j += 1;
            let serial = (offset + STRIDE * k) % SERIALS;
            if let Some(iin) = Iin::from_structure(birth, sex, serial as u16) {
                self.used[bucket] = j as u16;
                return Some(iin);
            }
        }
        self.used[bucket] = BLOCK as u16;
        None
    }

    /// The IIN fields of a person, with the configured share of data errors.
    pub fn issue(
        &mut self,
        rng: &mut Rng,
        birth: Date,
        sex: Sex,
        rates: &DataErrorRates,
    ) -> IssuedIin {
        let wrong = u64::from(rates.wrong_check_digit_per_mille);
        let mismatch = wrong + u64::from(rates.structure_mismatch_per_mille);
        let missing = mismatch + u64::from(rates.missing_iin_per_mille);
        let r = rng.below(1000);
        if r < wrong {
            let Some(iin) = self.next(birth, sex) else { return IssuedIin::none() };
            let mut text = iin.to_string();
            let digits = iin.digits();
            let bad = (digits[11] + 1 + rng.below(9) as u8) % 10;
            text.pop();
            text.push(char::from(b'0' + bad));
            IssuedIin { iin: None, as_reported: Some(text) }
        } else if r < mismatch {
            let (date, sex) = mismatched(rng, birth, sex);
            IssuedIin { iin: self.next(date, sex), as_reported: None }
        } else if r < missing {
            IssuedIin::none()
        } else {
            IssuedIin { iin: self.next(birth, sex), as_reported: None }
        }
    }
}

impl IssuedIin {
    fn none() -> IssuedIin {
        IssuedIin { iin: None, as_reported: None }
    }
}

/// A birth date and sex that differ from the true ones the way clerks get them wrong: the wrong
/// sex digit (30 %), day and month transposed where both can be months (else a neighbouring
/// day), or a neighbouring day. Never equal to the truth.
fn mismatched(rng: &mut Rng, birth: Date, sex: Sex) -> (Date, Sex) {
    let r = rng.below(10);
    if r < 3 {
        let other = if sex == Sex::Male { Sex::Female } else { Sex::Male };
        return (birth, other);
    }
    if r < 6 {
        let (day, month) = (birth.day(), u8::from(birth.month()));
        if day != month
            && let Ok(m) = Month::try_from(day)
            && let Ok(swapped) = Date::from_calendar_date(birth.year(), m, month)
        {
            return (swapped, sex);
        }
    }
    let step = if rng.below(2) == 0 { 1 } else { -1 };
    let shifted = Date::from_julian_day(birth.to_julian_day() + step).unwrap_or(birth);
    (shifted, sex)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use time::macros::date;

    /// Every IIN `alloc` hands out for one bucket until it runs out, checking each one's
    /// structure.
    fn drain(alloc: &mut IinAllocator, birth: Date, sex: Sex) -> Vec<Iin> {
        let mut out = Vec::new();
        while let Some(iin) = alloc.next(birth, sex) {
            let s = iin.structure().unwrap();
            assert_eq!((s.birth_date, s.sex), (birth, sex));
            out.push(iin);
        }
        out
    }

    #[test]
    fn run_index_follows_the_batch() {
        let runs: Vec<u32> = [1, 2, 10, 11, 12, 20, 21, 0, -1].map(|b| run_of(BatchId(b))).into();
        assert_eq!(runs, [0, 1, 9, 0, 1, 9, 0, 9, 8]);
        assert!(run_of(BatchId(i64::MIN)) < RUNS && run_of(BatchId(i64::MAX)) < RUNS);
    }

    #[test]
    fn ten_runs_share_no_iin_of_a_bucket_whatever_their_seeds() {
        let birth = date!(1985 - 03 - 08);
        let mut seen = HashSet::new();
        for batch in 1..=i64::from(RUNS) {
            let mut alloc = IinAllocator::new(batch as u64 * 7_777, BatchId(batch));
            let run = drain(&mut alloc, birth, Sex::Female);
            // A block of 1,000 counters, about one serial in 121 unissuable.
            assert!((980..=1_000).contains(&run.len()), "batch {batch}: {}", run.len());
            for iin in run {
                assert!(seen.insert(iin), "batch {batch} repeats {iin}");
            }
            assert_eq!(alloc.next(birth, Sex::Female), None);
            // Other buckets are unaffected.
            assert!(alloc.next(birth, Sex::Male).is_some());
        }
        // Together the ten runs use up the whole serial space.
        assert!((9_800..10_000).contains(&seen.len()), "{}", seen.len());
    }

    #[test]
    fn the_seed_orders_a_run_and_the_eleventh_batch_wraps() {
        let birth = date!(2001 - 11 - 30);
        let run = |seed: u64, batch: i64| {
            drain(&mut IinAllocator::new(seed, BatchId(batch)), birth, Sex::Male)
        };
        let first = run(1, 1);
        // Another seed: the same block in another order.
        let other = run(2, 1);
        assert_ne!(first[..20], other[..20]);
        let as_set = |v: &[Iin]| v.iter().copied().collect::<HashSet<Iin>>();
        assert_eq!(as_set(&first), as_set(&other));
        // Batch 11 is run 0 again: the documented limit.
        assert_eq!(run(1, 11), first);
        assert!(as_set(&run(1, 2)).is_disjoint(&as_set(&first)));
    }

    #[test]
    fn mismatches_differ_from_the_truth() {
        let mut rng = Rng::from_key(5);
        for birth in [date!(1990 - 01 - 01), date!(1977 - 05 - 12), date!(2010 - 12 - 31)] {
            for _ in 0..200 {
                let (d, s) = mismatched(&mut rng, birth, Sex::Male);
                assert!(d != birth || s != Sex::Male);
            }
        }
    }

    #[test]
    fn wrong_check_digit_text_does_not_parse() {
        let mut alloc = IinAllocator::new(2, BatchId(1));
        let mut rng = Rng::from_key(2);
        let rates = DataErrorRates {
            wrong_check_digit_per_mille: 1000,
            structure_mismatch_per_mille: 0,
            missing_iin_per_mille: 0,
        };
        for _ in 0..500 {
            let issued = alloc.issue(&mut rng, date!(1999 - 09 - 09), Sex::Male, &rates);
            assert_eq!(issued.iin, None);
            let text = issued.as_reported.unwrap();
            assert_eq!(text.len(), 12);
            let err = text.parse::<Iin>().unwrap_err();
            assert_eq!(err.code(), "iin.check_digit", "{text}");
        }
    }
}
