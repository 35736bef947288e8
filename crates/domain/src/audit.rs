//! The audit record: every read and write of personal data leaves one entry, and entries form an
//! append-only hash chain. Each entry's hash is SHA-256 over the previous entry's hash and the
//! entry's canonical encoding, so changing a byte of an entry, deleting one or swapping two
//! breaks the chain at the first entry affected.
//!
//! A chain re-computed after cutting entries out (or off the end) is consistent with itself; it
//! is caught by anchors — (seq, hash) pairs of the chain copied somewhere the database's users
//! cannot write (a log, a printed report, another system). [`verify`] checks the entries against
//! any anchors it is given.
//!
//! Pure: the store keeps the entries, the application writes them; this module only encodes,
//! chains and checks.

use std::fmt;

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// A SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChainHash(pub [u8; 32]);

impl ChainHash {
    /// The hash before the first entry.
    pub const GENESIS: ChainHash = ChainHash([0; 32]);

    /// Lowercase hexadecimal, as stored and printed.
    pub fn to_hex(&self) -> String {
        use std::fmt::Write;
        self.0.iter().fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    }

    /// Reads 64 hexadecimal digits.
    pub fn from_hex(text: &str) -> Option<ChainHash> {
        let bytes = text.as_bytes();
        if bytes.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, pair) in bytes.chunks(2).enumerate() {
            let s = std::str::from_utf8(pair).ok()?;
            out[i] = u8::from_str_radix(s, 16).ok()?;
        }
        Some(ChainHash(out))
    }
}

impl fmt::Debug for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChainHash({})", self.to_hex())
    }
}

/// Whether the action was allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Allowed,
    Denied,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Denied => "denied",
        }
    }
}

/// What an entry records. Texts are codes and identifiers, never personal data: the subject is
/// named by its key (`family:123`), not by a name or an IIN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// When, in UTC; kept to the microsecond (what both databases store).
    pub at: OffsetDateTime,
    /// Who acted: an account key.
    pub actor: String,
    /// The citizen a staff member acted for, if any.
    pub on_behalf_of: Option<String>,
    /// What was done, e.g. `family.read`.
    pub action: String,
    /// What it was done to, e.g. `family:123`.
    pub subject: Option<String>,
    /// Why, as the user stated it (sensitive records ask).
    pub purpose: Option<String>,
    pub outcome: Outcome,
    /// The request it happened in, to join with other logs.
    pub request_id: String,
    /// The role and agency the actor acted in (`social_worker/social`), for the citizen's
    /// "who looked at my data"; `None` for system jobs and citizens.
    pub capacity: Option<String>,
}

/// An entry of the chain: its number (1, 2, …), the record, and the hash that seals it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: u64,
    pub record: AuditRecord,
    pub hash: ChainHash,
}

/// The format of [`canonical`]; a new format gets a new number.
const FORMAT: u8 = 1;

/// The entry's canonical bytes: the format number, the sequence number, the time in
/// microseconds since 1970, then every field in a fixed order, texts as their length (4 bytes)
/// and UTF-8 bytes, absent texts as a 0 tag and present ones as a 1 tag before them. One record
/// has one encoding, and no two records share one.
pub fn canonical(seq: u64, r: &AuditRecord) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    out.push(FORMAT);
    out.extend_from_slice(&seq.to_be_bytes());
    let micros = r.at.unix_timestamp_nanos().div_euclid(1_000);
    out.extend_from_slice(&(micros as i64).to_be_bytes());
    text(&mut out, &r.actor);
    opt_text(&mut out, r.on_behalf_of.as_deref());
    text(&mut out, &r.action);
    opt_text(&mut out, r.subject.as_deref());
    opt_text(&mut out, r.purpose.as_deref());
    text(&mut out, r.outcome.code());
    text(&mut out, &r.request_id);
    // Added after the first entries were written: absent adds nothing, so those keep their
    // hashes; as the last field with a tag and a length it stays unambiguous.
    if let Some(capacity) = &r.capacity {
        out.push(1);
        text(&mut out, capacity);
    }
    out
}

fn text(out: &mut Vec<u8>, s: &str) {
    let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&s.as_bytes()[..len as usize]);
}

fn opt_text(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => out.push(0),
        Some(s) => {
            out.push(1);
            text(out, s);
        }
    }
}

/// The hash sealing entry `seq` after `previous`.
pub fn chain_hash(previous: &ChainHash, seq: u64, r: &AuditRecord) -> ChainHash {
    let mut h = Sha256::new();
    h.update(previous.0);
    h.update(canonical(seq, r));
    ChainHash(h.finalize().into())
}

/// The next entry after `previous` (`None`: the chain is empty).
pub fn seal(previous: Option<&AuditEntry>, record: AuditRecord) -> AuditEntry {
    let (seq, prev) = previous.map_or((1, ChainHash::GENESIS), |p| (p.seq + 1, p.hash));
    let hash = chain_hash(&prev, seq, &record);
    AuditEntry { seq, record, hash }
}

/// A (seq, hash) pair of the chain kept outside the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor {
    pub seq: u64,
    pub hash: ChainHash,
}

/// Why a chain does not verify, at the first entry affected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("entry {found} follows entry {previous}: entries are missing or out of order")]
    Gap { previous: u64, found: u64 },
    #[error("entry {seq} does not match its hash: it was changed, or the entry before it was")]
    Hash { seq: u64 },
    #[error(
        "entry {seq} differs from the anchor kept outside the database: the chain was rewritten"
    )]
    Anchor { seq: u64 },
    #[error(
        "the chain ends at entry {last}, before the anchor at entry {anchor}: entries were cut off"
    )]
    Truncated { last: u64, anchor: u64 },
}

impl ChainBreak {
    /// The first entry affected.
    pub fn seq(&self) -> u64 {
        match self {
            ChainBreak::Gap { found, .. } => *found,
            ChainBreak::Hash { seq } | ChainBreak::Anchor { seq } => *seq,
            ChainBreak::Truncated { last, .. } => last + 1,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ChainBreak::Gap { .. } => "audit.gap",
            ChainBreak::Hash { .. } => "audit.hash",
            ChainBreak::Anchor { .. } => "audit.anchor",
            ChainBreak::Truncated { .. } => "audit.truncated",
        }
    }
}

/// Checks entries streamed in seq order, one at a time, so that a chain of any length verifies
/// in constant memory.
#[derive(Debug, Clone)]
pub struct Verifier<'a> {
    previous: Option<(u64, ChainHash)>,
    anchors: &'a [Anchor],
    next_anchor: usize,
    checked: u64,
}

impl<'a> Verifier<'a> {
    /// A verifier for a chain from its first entry; `anchors` sorted by seq.
    pub fn new(anchors: &'a [Anchor]) -> Verifier<'a> {
        Verifier { previous: None, anchors, next_anchor: 0, checked: 0 }
    }

    /// Checks the next entry.
    pub fn check(&mut self, e: &AuditEntry) -> Result<(), ChainBreak> {
        let (prev_seq, prev_hash) = self.previous.unwrap_or((0, ChainHash::GENESIS));
        if e.seq != prev_seq + 1 {
            return Err(ChainBreak::Gap { previous: prev_seq, found: e.seq });
        }
        if chain_hash(&prev_hash, e.seq, &e.record) != e.hash {
            return Err(ChainBreak::Hash { seq: e.seq });
        }
        while let Some(a) = self.anchors.get(self.next_anchor).filter(|a| a.seq <= e.seq) {
            if a.seq == e.seq && a.hash != e.hash {
                return Err(ChainBreak::Anchor { seq: e.seq });
            }
            self.next_anchor += 1;
        }
        self.previous = Some((e.seq, e.hash));
        self.checked += 1;
        Ok(())
    }

    /// Ends the check: every anchor must have been reached. Returns the entries checked.
    pub fn finish(self) -> Result<u64, ChainBreak> {
        let last = self.previous.map_or(0, |(s, _)| s);
        match self.anchors.get(self.next_anchor) {
            Some(a) => Err(ChainBreak::Truncated { last, anchor: a.seq }),
            None => Ok(self.checked),
        }
    }
}

/// Checks a whole chain held in memory.
pub fn verify(entries: &[AuditEntry], anchors: &[Anchor]) -> Result<u64, ChainBreak> {
    let mut v = Verifier::new(anchors);
    for e in entries {
        v.check(e)?;
    }
    v.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn record(i: u64) -> AuditRecord {
        AuditRecord {
            at: datetime!(2026-11-30 09:00 UTC) + time::Duration::seconds(i as i64),
            actor: format!("user:{}", i % 3),
            on_behalf_of: i.is_multiple_of(5).then(|| "citizen:9".to_owned()),
            action: "family.read".into(),
            subject: Some(format!("family:{i}")),
            purpose: i.is_multiple_of(2).then(|| "home visit".to_owned()),
            outcome: if i.is_multiple_of(7) { Outcome::Denied } else { Outcome::Allowed },
            request_id: format!("req-{i}"),
            capacity: i.is_multiple_of(3).then(|| "supervisor/social".to_owned()),
        }
    }

    fn chain(n: u64) -> Vec<AuditEntry> {
        let mut out: Vec<AuditEntry> = Vec::new();
        for i in 1..=n {
            let e = seal(out.last(), record(i));
            out.push(e);
        }
        out
    }

    /// Re-seals entries from `from` on, as someone with write access but no anchor would.
    fn rechain(entries: &mut [AuditEntry], from: usize) {
        for i in from..entries.len() {
            let (prev_seq, prev) = if i == 0 {
                (0, ChainHash::GENESIS)
            } else {
                (entries[i - 1].seq, entries[i - 1].hash)
            };
            entries[i].seq = prev_seq + 1;
            entries[i].hash = chain_hash(&prev, entries[i].seq, &entries[i].record);
        }
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let c = chain(50);
        assert_eq!(verify(&c, &[]), Ok(50));
        let anchors = [Anchor { seq: 20, hash: c[19].hash }, Anchor { seq: 50, hash: c[49].hash }];
        assert_eq!(verify(&c, &anchors), Ok(50));
        assert_eq!(verify(&[], &[]), Ok(0));
    }

    #[test]
    fn a_changed_byte_is_found_at_its_entry() {
        let mut c = chain(30);
        c[11].record.purpose = Some("home visiT".into());
        assert_eq!(verify(&c, &[]), Err(ChainBreak::Hash { seq: 12 }));
        let mut c = chain(30);
        assert_eq!(c[6].record.outcome, Outcome::Denied);
        c[6].record.outcome = Outcome::Allowed;
        assert_eq!(verify(&c, &[]).map_err(|e| e.seq()), Err(7));
        let mut c = chain(30);
        c[2].hash.0[0] ^= 1;
        assert_eq!(verify(&c, &[]), Err(ChainBreak::Hash { seq: 3 }));
    }

    #[test]
    fn a_deleted_or_swapped_entry_is_found() {
        let mut c = chain(30);
        c.remove(9);
        assert_eq!(verify(&c, &[]), Err(ChainBreak::Gap { previous: 9, found: 11 }));
        let mut c = chain(30);
        c.swap(14, 15);
        assert_eq!(verify(&c, &[]).map_err(|e| e.seq()), Err(16));
    }

    #[test]
    fn a_rechained_chain_is_caught_by_its_anchors() {
        let original = chain(40);
        let anchors = [
            Anchor { seq: 10, hash: original[9].hash },
            Anchor { seq: 40, hash: original[39].hash },
        ];
        // An entry cut out of the middle and the rest re-sealed: consistent with itself…
        let mut c = original.clone();
        c.remove(24);
        rechain(&mut c, 24);
        assert_eq!(verify(&c, &[]), Ok(39));
        // …but not with the anchors: it ends before the last one.
        assert_eq!(verify(&c, &anchors), Err(ChainBreak::Truncated { last: 39, anchor: 40 }));
        // A changed entry re-sealed: the first anchor after it differs.
        let mut c = original.clone();
        c[5].record.actor = "user:evil".into();
        rechain(&mut c, 5);
        assert_eq!(verify(&c, &anchors), Err(ChainBreak::Anchor { seq: 10 }));
        // The tail cut off.
        let c = &original[..30];
        assert_eq!(verify(c, &anchors).map_err(|e| e.seq()), Err(31));
    }

    proptest::proptest! {
        /// Any change to any text of any entry is found at that entry.
        #[test]
        fn any_changed_text_is_found_at_its_entry(
            n in 1u64..40, at in proptest::prelude::any::<proptest::sample::Index>(),
            field in 0usize..4, extra in "[a-zA-Zа-яәғқңөұүһі0-9 ]{1,8}",
        ) {
            let mut c = chain(n);
            let i = at.index(c.len());
            let r = &mut c[i].record;
            match field {
                0 => r.actor.push_str(&extra),
                1 => r.action.push_str(&extra),
                2 => r.request_id.insert_str(0, &extra),
                _ => r.subject = Some(extra.clone()),
            }
            let unchanged =
                field == 3 && r.subject.as_deref() == Some(format!("family:{}", i + 1).as_str());
            let broken = verify(&c, &[]);
            if unchanged {
                proptest::prop_assert!(broken.is_ok());
            } else {
                proptest::prop_assert_eq!(broken, Err(ChainBreak::Hash { seq: i as u64 + 1 }));
            }
        }
    }

    #[test]
    fn encodings_differ_when_records_differ() {
        let a = record(2);
        let mut b = a.clone();
        // Moving text between two fields must change the encoding.
        b.actor = "user:2family.read".into();
        b.action = String::new();
        assert_ne!(canonical(2, &a), canonical(2, &b));
        let mut c = a.clone();
        c.on_behalf_of = Some(String::new());
        assert_ne!(canonical(2, &a), canonical(2, &c));
        assert_eq!(ChainHash::from_hex(&chain(1)[0].hash.to_hex()), Some(chain(1)[0].hash));
        assert_eq!(ChainHash::from_hex("zz"), None);
    }
}
