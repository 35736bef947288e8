//! The poverty line for targeted social assistance (АСП) as set from 2025: the greater of 35 %
//! of the median per-capita income of the previous quarter in the region and 70 % of the
//! regional subsistence minimum.

use time::{Date, Month};

use crate::money::Tenge;

/// Share of the median per-capita income, in per cent.
pub const MEDIAN_SHARE_PERCENT: i64 = 35;
/// Share of the subsistence minimum, in per cent.
pub const PM_SHARE_PERCENT: i64 = 70;

/// The poverty line from the region's median per-capita income of the previous quarter (if the
/// data gives one) and the regional ПМ.
pub fn poverty_line(median_per_capita: Option<Tenge>, pm: Tenge) -> Tenge {
    let from_pm = pm.share(PM_SHARE_PERCENT, 100);
    match median_per_capita {
        Some(m) => m.share(MEDIAN_SHARE_PERCENT, 100).max(from_pm),
        None => from_pm,
    }
}

/// The median of `values` (sorted in place): the middle value, or the mean of the two middle
/// values rounded down; `None` when there are none.
pub fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        let (a, b) = (i128::from(values[n / 2 - 1]), i128::from(values[n / 2]));
        i64::try_from((a + b).div_euclid(2)).unwrap_or(i64::MAX)
    })
}

/// The first day of the quarter that `on` falls in.
pub fn quarter_start(on: Date) -> Date {
    let month = match on.month() as u8 {
        1..=3 => Month::January,
        4..=6 => Month::April,
        7..=9 => Month::July,
        _ => Month::October,
    };
    Date::from_calendar_date(on.year(), month, 1).unwrap_or(on)
}

/// The last day of the quarter before the one `on` falls in: the day whose incomes set the
/// median for assessments made on `on`.
pub fn previous_quarter_end(on: Date) -> Date {
    quarter_start(on).previous_day().unwrap_or(on)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_line_is_the_greater_of_the_two_shares() {
        // 70 % of 50 851 = 35 595.7 → 35 596; 35 % of 80 000 = 28 000.
        assert_eq!(poverty_line(Some(Tenge(80_000)), Tenge(50_851)), Tenge(35_596));
        // 35 % of 120 000 = 42 000 > 35 596.
        assert_eq!(poverty_line(Some(Tenge(120_000)), Tenge(50_851)), Tenge(42_000));
        assert_eq!(poverty_line(None, Tenge(50_851)), Tenge(35_596));
    }

    #[test]
    fn medians_and_quarters() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5, 1, 3]), Some(3));
        assert_eq!(median(&mut [4, 1, 3, 2]), Some(2));
        assert_eq!(previous_quarter_end(date!(2026 - 11 - 30)), date!(2026 - 09 - 30));
        assert_eq!(previous_quarter_end(date!(2026 - 01 - 01)), date!(2025 - 12 - 31));
        assert_eq!(quarter_start(date!(2026 - 06 - 30)), date!(2026 - 04 - 01));
    }
}
