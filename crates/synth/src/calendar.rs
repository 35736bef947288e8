//! Date arithmetic on whole years and days, exact on the calendar, so that ages computed with
//! [`shanyraq_domain::person::age_on`] come out as intended.

use time::{Date, Month};

use crate::rng::Rng;

/// `date` moved by `years` calendar years; 29 February becomes 28 February in a common year.
pub fn add_years(date: Date, years: i32) -> Date {
    let year = date.year() + years;
    Date::from_calendar_date(year, date.month(), date.day())
        .or_else(|_| Date::from_calendar_date(year, date.month(), 28))
        .unwrap_or(date)
}

/// `date` moved by `days` days (saturating at the ends of the supported range).
pub fn add_days(date: Date, days: i64) -> Date {
    let jd = i64::from(date.to_julian_day()) + days;
    i32::try_from(jd).ok().and_then(|jd| Date::from_julian_day(jd).ok()).unwrap_or(date)
}

/// Days from `a` to `b` (negative when `b` is earlier).
pub fn days_between(a: Date, b: Date) -> i64 {
    i64::from(b.to_julian_day()) - i64::from(a.to_julian_day())
}

/// A birth date that makes someone exactly `age` whole years old on `on`.
pub fn birth_for_age(rng: &mut Rng, on: Date, age: i32) -> Date {
    add_days(add_years(on, -age), -rng.range(1, 364))
}

/// A date uniformly in `lo..=hi` (`lo` when the range is empty).
pub fn between(rng: &mut Rng, lo: Date, hi: Date) -> Date {
    let span = days_between(lo, hi);
    if span <= 0 { lo } else { add_days(lo, rng.range(0, span)) }
}

/// The first day of `date`'s month.
pub fn first_of_month(date: Date) -> Date {
    date.replace_day(1).unwrap_or(date)
}

/// 1 September that began the school year `date` is in (June–August belong to the year ending).
pub fn school_year_start(date: Date) -> Date {
    let year = if u8::from(date.month()) >= 9 { date.year() } else { date.year() - 1 };
    Date::from_calendar_date(year, Month::September, 1).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shanyraq_domain::person::age_on;
    use time::macros::date;

    #[test]
    fn birth_for_age_gives_that_age() {
        let mut rng = Rng::from_key(1);
        for on in [date!(2026 - 03 - 01), date!(2024 - 02 - 29), date!(2025 - 12 - 31)] {
            for age in [0, 1, 17, 18, 61, 63, 90] {
                for _ in 0..200 {
                    let b = birth_for_age(&mut rng, on, age);
                    assert_eq!(age_on(b, on), age, "{b} on {on}");
                    assert!(b < on);
                }
            }
        }
    }

    #[test]
    fn calendar_steps() {
        assert_eq!(add_years(date!(2024 - 02 - 29), 1), date!(2025 - 02 - 28));
        assert_eq!(add_days(date!(2025 - 12 - 31), 1), date!(2026 - 01 - 01));
        assert_eq!(days_between(date!(2026 - 01 - 01), date!(2026 - 01 - 31)), 30);
        assert_eq!(school_year_start(date!(2026 - 08 - 31)), date!(2025 - 09 - 01));
        assert_eq!(school_year_start(date!(2026 - 09 - 01)), date!(2026 - 09 - 01));
        assert_eq!(first_of_month(date!(2026 - 11 - 30)), date!(2026 - 11 - 01));
    }
}
