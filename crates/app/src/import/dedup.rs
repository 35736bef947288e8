//! Rows repeated within one file, found by their natural key.
//!
//! Only a 64-bit hash of each key is kept (8 bytes a row plus the set's overhead, about 80 MB at
//! five million rows), so memory stays bounded for the file sizes agencies deliver. Two
//! different keys share a hash with a probability of about n²/2⁶⁵ — under one in a million at
//! five million rows — and the only effect would be one row reported as a duplicate in a dry run.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, DefaultHasher, Hasher};

use shanyraq_feeds::schema::{FeedSchema, HeaderMap};

/// Remembers the natural keys seen so far.
#[derive(Debug)]
pub(crate) struct Duplicates {
    /// File positions of the natural-key columns.
    key: Vec<Option<usize>>,
    /// File positions of the matching columns, added to the key of a row without a usable IIN
    /// (otherwise every such row of a period would share the key "no IIN").
    matching: Vec<Option<usize>>,
    /// The key columns, for the report.
    columns: String,
    seen: HashSet<u64, BuildHasherDefault<PassThrough>>,
}

impl Duplicates {
    pub(crate) fn new(schema: &FeedSchema, header: &HeaderMap) -> Self {
        let at = |i: usize| header.positions.get(i).copied().flatten();
        let matching = schema.identity.matching.map_or_else(Vec::new, |m| {
            [m.last_name, m.first_name, m.birth_date, m.kato].into_iter().map(at).collect()
        });
        let columns = schema
            .natural_key
            .iter()
            .filter_map(|&i| schema.columns.get(i).map(|c| c.key.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        Duplicates {
            key: schema.natural_key.iter().map(|&i| at(i)).collect(),
            matching,
            columns,
            seen: HashSet::default(),
        }
    }

    /// The natural-key columns, comma-separated.
    pub(crate) fn columns(&self) -> &str {
        &self.columns
    }

    /// Whether a row with the same key came before; `needs_matching` rows add the matching
    /// columns to their key.
    pub(crate) fn seen_before<S: AsRef<str>>(
        &mut self,
        fields: &[S],
        needs_matching: bool,
    ) -> bool {
        let mut hasher = DefaultHasher::new();
        let extra: &[Option<usize>] = if needs_matching { &self.matching } else { &[] };
        for position in self.key.iter().chain(extra) {
            match position.and_then(|p| fields.get(p)) {
                Some(field) => {
                    hasher.write(field.as_ref().trim().as_bytes());
                    hasher.write_u8(0xff); // not in UTF-8: separates fields
                }
                None => hasher.write_u8(0xfe),
            }
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
