//! Rows repeated within one file, found by their natural key.
//!
//! Only a 64-bit hash of each key is kept (8 bytes a row plus the set's overhead, about 80 MB at
//! five million rows), so memory stays bounded for the file sizes agencies deliver. Two
//! different keys share a hash with a probability of about n²/2⁶⁵ — under one in a million at
//! five million rows — and the only effect would be one row reported as a duplicate in a dry run.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, DefaultHasher, Hash, Hasher};

use shanyraq_feeds::validate::Outcome;

/// Remembers the natural keys of the valid rows seen so far.
#[derive(Debug, Default)]
pub(crate) struct Duplicates {
    seen: HashSet<u64, BuildHasherDefault<PassThrough>>,
}

impl Duplicates {
    /// Whether a valid row with the same person and the same canonical key came before: the
    /// person is the IIN, or for a row kept for matching its name, birth date and territory.
    /// Keys are compared as the validator canonicalised them, so `01.02.2026` and
    /// `2026-02-01` are the same period. Rejected rows are never duplicates.
    pub(crate) fn seen_before(&mut self, outcome: &Outcome) -> bool {
        let mut hasher = DefaultHasher::new();
        match outcome {
            Outcome::Accepted { iin, key, .. } => {
                0u8.hash(&mut hasher);
                iin.hash(&mut hasher);
                key.hash(&mut hasher);
            }
            Outcome::NeedsMatching { keys, key, .. } => {
                1u8.hash(&mut hasher);
                keys.last_name.hash(&mut hasher);
                keys.first_name.hash(&mut hasher);
                keys.birth_date.hash(&mut hasher);
                keys.kato.hash(&mut hasher);
                key.hash(&mut hasher);
            }
            Outcome::Rejected { .. } => return false,
        }
        !self.seen.insert(hasher.finish())
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
