//! The date that counts as "today": the instant from a clock, seen at the country's UTC offset.
//!
//! Whether a membership is current depends on the day, and the day depends on the time zone: a
//! server keeping UTC would still be on yesterday from midnight to 05:00 in Kazakhstan. So the
//! application, not the store and not the web layer, decides the day, from one clock and one
//! configured offset.

use time::macros::offset;
use time::{Date, OffsetDateTime, UtcOffset};

/// Kazakhstan's offset from UTC. Since 1 March 2024 the whole country keeps one time zone,
/// UTC+5 (before then the east, Astana and Almaty included, kept UTC+6), with no daylight saving
/// time since 2005; a fixed offset is therefore exact for every date the platform shows as
/// "today".
pub const KAZAKHSTAN_UTC_OFFSET: UtcOffset = offset!(+5);

/// Where the current instant comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// The system clock.
    #[default]
    System,
    /// Always this instant: for tests and reproducible demonstrations.
    Fixed(OffsetDateTime),
}

impl Clock {
    pub fn now(&self) -> OffsetDateTime {
        match self {
            Clock::System => OffsetDateTime::now_utc(),
            Clock::Fixed(at) => *at,
        }
    }
}

/// The calendar date of `instant` at `offset`.
pub fn date_at(instant: OffsetDateTime, offset: UtcOffset) -> Date {
    // Out of range only beyond the year ±9999, which no clock shows.
    instant.checked_to_offset(offset).unwrap_or(instant).date()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn the_day_turns_at_local_midnight() {
        let before = datetime!(2026-01-14 18:59:59 UTC);
        let after = datetime!(2026-01-14 19:00:00 UTC);
        assert_eq!(date_at(before, KAZAKHSTAN_UTC_OFFSET), date!(2026 - 01 - 14));
        assert_eq!(date_at(after, KAZAKHSTAN_UTC_OFFSET), date!(2026 - 01 - 15));
        assert_eq!(date_at(after, UtcOffset::UTC), date!(2026 - 01 - 14));
        assert_eq!(
            date_at(datetime!(2026-01-15 04:59 +05:00), UtcOffset::UTC),
            date!(2026 - 01 - 14)
        );
    }

    #[test]
    fn a_fixed_clock_stands_still() {
        let at = datetime!(2026-03-01 12:00 UTC);
        assert_eq!(Clock::Fixed(at).now(), at);
        assert_eq!(Clock::default(), Clock::System);
    }
}
