//! Rows repeated within one file, found by their natural key, for the dry run (an import asks
//! the store, which knows what the batch stored).
//!
//! Only a 64-bit hash of each key is kept (8 bytes a row plus the set's overhead), and at most
//! [`REMEMBERED_MAX`] of them, so memory stays bounded whatever the file: past that many keys
//! the dry run still finds repeats of the keys it remembers, and says that it stopped
//! remembering. Two different keys share a hash with a probability of about n²/2⁶⁵ — under one
//! in a million at five million rows — and the only effect would be one row reported as a
//! duplicate in a dry run.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, DefaultHasher, Hash, Hasher};

use shanyraq_feeds::validate::Outcome;

/// How many keys a dry run remembers: about 100 MB.
pub(crate) const REMEMBERED_MAX: usize = 8_000_000;

/// Remembers the natural keys of the valid rows seen so far.
#[derive(Debug)]
pub(crate) struct Duplicates {
    seen: HashSet<u64, BuildHasherDefault<PassThrough>>,
    max: usize,
    /// Keys not remembered because the set was full.
    forgotten: u64,
}

impl Default for Duplicates {
    fn default() -> Self {
        Duplicates::remembering(REMEMBERED_MAX)
    }
}

impl Duplicates {
    /// A set that remembers at most `max` keys.
    pub(crate) fn remembering(max: usize) -> Self {
        Duplicates { seen: HashSet::default(), max, forgotten: 0 }
    }

    /// The key of a row accepted with an IIN: its IIN and canonical key, hashed. Keys are
    /// compared as the validator canonicalised them, so `01.02.2026` and `2026-02-01` are the
    /// same period. Rows to be matched and rejected rows have none, and are never duplicates
    /// here: an import finds a matched row's repeats when it is matched.
    pub(crate) fn key_of(outcome: &Outcome) -> Option<u64> {
        let Outcome::Accepted { iin, key, .. } = outcome else { return None };
        let mut hasher = DefaultHasher::new();
        iin.hash(&mut hasher);
        key.hash(&mut hasher);
        Some(hasher.finish())
    }

    /// Whether a row with this key (see [`Duplicates::key_of`]) came before.
    pub(crate) fn seen_before(&mut self, key: u64) -> bool {
        if self.seen.contains(&key) {
            return true;
        }
        if self.seen.len() < self.max {
            self.seen.insert(key);
        } else {
            self.forgotten += 1;
        }
        false
    }

    /// How many keys were not remembered because the set was full: repeats of those were not
    /// found.
    pub(crate) fn forgotten(&self) -> u64 {
        self.forgotten
    }
}

/// The set's keys are already hashes: use them as they are.
#[derive(Debug, Default)]
pub(crate) struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shanyraq_domain::{Iin, Sex};
    use shanyraq_feeds::validate::Outcome;

    fn key(key: &str) -> u64 {
        Duplicates::key_of(&accepted(key)).unwrap()
    }

    fn accepted(key: &str) -> Outcome {
        let birth = time::macros::date!(1985 - 02 - 17);
        let iin = (4000..4100)
            .find_map(|serial| Iin::from_structure(birth, Sex::Female, serial))
            .unwrap();
        Outcome::Accepted {
            line: 2,
            iin,
            key: key.to_owned(),
            facts: Vec::new(),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn a_repeated_person_and_key_is_seen_before() {
        let mut d = Duplicates::default();
        assert!(!d.seen_before(key("2026-01-01|wage")));
        assert!(!d.seen_before(key("2026-02-01|wage")));
        assert!(d.seen_before(key("2026-01-01|wage")));
        assert_eq!(d.forgotten(), 0);
    }

    #[test]
    fn a_full_set_still_finds_what_it_remembers_and_counts_what_it_forgot() {
        let mut d = Duplicates::remembering(1);
        assert!(!d.seen_before(key("a")));
        assert!(!d.seen_before(key("b")));
        assert!(!d.seen_before(key("b")));
        assert!(d.seen_before(key("a")));
        assert_eq!(d.forgotten(), 2);
    }
}
