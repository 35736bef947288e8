//! IINs that never repeat within a run, and the data errors the configuration asks for.
//!
//! An IIN under the older structure is `YYMMDD` + century/sex digit + four-digit serial + check
//! digit. Two people with different birth dates or sexes differ in the first seven digits, so
//! uniqueness only has to hold among people sharing a birth date and sex — a *bucket*. Each
//! bucket hands out serials in the order `s_k = (offset + 7919 · k) mod 10000` for
//! `k = 0, 1, 2, …`: 7919 is prime and shares no factor with 10,000, so the first 10,000 values
//! of `k` visit every serial exactly once. A serial whose eleven digits have no check digit
//! (both passes give 10) is skipped, as the state would. The offset is a hash of the seed and the
//! bucket, so serials look scattered rather than counting from 0000.
//!
//! So every IIN of a run is distinct as long as no bucket needs more than its ~9,900 issuable
//! serials. Nationally there are about 550 births per sex per day; even 20 M people over 80 years
//! put about 350 in an average bucket. A bucket that ran out would leave further people of
//! that birth date and sex without an IIN (a missing-IIN record) rather than repeat one.
//!
//! A structure-mismatch IIN is drawn from the bucket of the wrong date or sex, and a
//! wrong-check-digit text from a serial drawn from the person's own bucket (which is then never
//! issued), so neither can collide with anybody's IIN either.

use shanyraq_domain::{Iin, Sex};
use time::{Date, Month};

use crate::config::DataErrorRates;
use crate::rng::{Rng, mix64};

/// First and last birth years a bucket exists for: the years the century digits 3–6 encode.
const FIRST_YEAR: i32 = 1900;
const LAST_YEAR: i32 = 2099;
const SERIALS: u32 = 10_000;
const STRIDE: u32 = 7_919;

/// Per-bucket counters of serials handed out.
#[derive(Debug, Clone)]
pub struct IinAllocator {
    seed: u64,
    first_day: i32,
    /// Indexed by `(day − first_day) · 2 + sex`.
    used: Vec<u16>,
}

/// What a person's IIN fields end up as. `as_reported` is only kept when the reported text is not
/// a valid IIN, as [`shanyraq_domain::Person`] documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedIin {
    pub iin: Option<Iin>,
    pub as_reported: Option<String>,
}

impl IinAllocator {
    pub fn new(seed: u64) -> IinAllocator {
        let first =
            Date::from_calendar_date(FIRST_YEAR, Month::January, 1).map(Date::to_julian_day);
        let last =
            Date::from_calendar_date(LAST_YEAR, Month::December, 31).map(Date::to_julian_day);
        let (first, last) = match (first, last) {
            (Ok(f), Ok(l)) => (f, l),
            _ => (0, -1),
        };
        let days = usize::try_from(last - first + 1).unwrap_or(0);
        IinAllocator { seed: mix64(seed ^ 0x4949_4E00), first_day: first, used: vec![0; days * 2] }
    }

    fn bucket(&self, birth: Date, sex: Sex) -> Option<usize> {
        let day = usize::try_from(birth.to_julian_day() - self.first_day).ok()?;
        let index = day * 2 + usize::from(sex == Sex::Female);
        (index < self.used.len()).then_some(index)
    }

    /// The next unused valid IIN for `birth` and `sex`, or `None` when the bucket is exhausted
    /// or the date has no century digit.
    pub fn next(&mut self, birth: Date, sex: Sex) -> Option<Iin> {
        let bucket = self.bucket(birth, sex)?;
        let offset = (mix64(self.seed ^ bucket as u64) % u64::from(SERIALS)) as u32;
        let mut k = u32::from(self.used[bucket]);
        while k < SERIALS {
            let serial = (offset + STRIDE * k) % SERIALS;
            k += 1;
            if let Some(iin) = Iin::from_structure(birth, sex, serial as u16) {
                self.used[bucket] = k as u16;
                return Some(iin);
            }
        }
        self.used[bucket] = SERIALS as u16;
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

    #[test]
    fn one_bucket_never_repeats_until_exhausted() {
        let mut alloc = IinAllocator::new(1);
        let mut seen = HashSet::new();
        let birth = date!(1985 - 03 - 08);
        while let Some(iin) = alloc.next(birth, Sex::Female) {
            assert!(seen.insert(iin), "repeated {iin}");
            let s = iin.structure().unwrap();
            assert_eq!((s.birth_date, s.sex), (birth, Sex::Female));
        }
        // About one serial in 121 is unissuable.
        assert!((9_800..10_000).contains(&seen.len()), "{}", seen.len());
        assert_eq!(alloc.next(birth, Sex::Female), None);
        // Other buckets are unaffected.
        assert!(alloc.next(birth, Sex::Male).is_some());
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
        let mut alloc = IinAllocator::new(2);
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
