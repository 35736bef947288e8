//! JSON Lines: one object per line. The columns are the keys of the first object, and, for a
//! file that can be read twice, every other key the file uses ([`scan_keys`]); a key missing
//! from an object reads as an empty field, a key that is not a column is a record error.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Read;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::format::strip_bom;
use super::input::Input;
use super::{FileError, Header, RawRecord, ReadError, ReadOptions, RecordError, SNIFF_BYTES};

/// An object with its keys in file order (serde_json's map would sort them).
struct Ordered(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    out.push(entry);
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Reads physical lines and turns them into records.
#[derive(Debug)]
pub(crate) struct JsonlReader<R> {
    input: Input<R>,
    max_line: usize,
    /// Line number of the next line to read.
    next_line: u64,
    buf: Vec<u8>,
    columns: HashMap<String, usize>,
    seen: Vec<bool>,
    /// The first object, read to learn the header and still to be returned as a record.
    first: Option<(u64, Ordered)>,
}

impl fmt::Debug for Ordered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Ordered").field(&self.0.len()).finish()
    }
}

fn parse(line: u64, bytes: &[u8]) -> Result<Ordered, RecordError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Err(match serde_json::from_slice::<Value>(bytes) {
            Ok(_) => RecordError::NotAnObject { line },
            Err(e) => RecordError::InvalidJson { line, message: e.to_string() },
        });
    }
    serde_json::from_slice::<Ordered>(bytes)
        .map_err(|e| RecordError::InvalidJson { line, message: e.to_string() })
}

impl<R: Read> JsonlReader<R> {
    /// Reads up to the first object, whose keys become the header.
    pub(crate) fn open(
        input: Input<R>,
        options: &ReadOptions,
    ) -> Result<(Self, Header), FileError> {
        let mut reader = Self {
            input,
            max_line: options.max_line_bytes,
            next_line: 1,
            buf: Vec::new(),
            columns: HashMap::new(),
            seen: Vec::new(),
            first: None,
        };
        let Some(line) = reader.next_nonblank()? else {
            return Err(FileError::Empty);
        };
        let first = parse(line, &reader.buf)
            .map_err(|e| FileError::BadHeader { line, reason: e.to_string() })?;
        let names: Vec<String> = first.0.iter().map(|(k, _)| k.trim().to_owned()).collect();
        if names.iter().all(String::is_empty) {
            return Err(FileError::NoHeader);
        }
        reader.columns = names.iter().enumerate().map(|(i, n)| (n.clone(), i)).collect();
        reader.seen = vec![false; names.len()];
        reader.first = Some((line, first));
        Ok((reader, Header { names }))
    }

    /// Reads the next line that is not blank into `buf`; its line number, or `None` at the end.
    fn next_nonblank(&mut self) -> Result<Option<u64>, FileError> {
        loop {
            let line = self.next_line;
            if !self.read_line()? {
                return Ok(None);
            }
            if self.buf.iter().any(|b| !b.is_ascii_whitespace()) {
                return Ok(Some(line));
            }
        }
    }

    /// Reads one physical line without its newline; `false` at end of input.
    fn read_line(&mut self) -> Result<bool, FileError> {
        self.buf.clear();
        let mut any = false;
        while self.input.refill()? {
            any = true;
            let chunk = self.input.available();
            let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
                Some(p) => (p, true),
                None => (chunk.len(), false),
            };
            if self.buf.len() + take > self.max_line {
                return Err(FileError::LineTooLong { line: self.next_line, limit: self.max_line });
            }
            self.buf.extend_from_slice(&chunk[..take]);
            self.input.consume(take + usize::from(done));
            if done {
                break;
            }
        }
        self.next_line += 1;
        Ok(any)
    }

    /// Makes `key` a column, after those already known, unless it is one or `limit` are known.
    pub(crate) fn add_column(&mut self, header: &mut Header, key: String, limit: usize) {
        if self.columns.len() < limit && !self.columns.contains_key(&key) {
            self.columns.insert(key.clone(), self.seen.len());
            self.seen.push(false);
            header.names.push(key);
        }
    }

    /// The next object into `rec`; `widths[p]`, when given, is the number of digits that a
    /// whole number in field `p` is left-padded to.
    pub(crate) fn read_into(
        &mut self,
        rec: &mut RawRecord,
        widths: &[Option<usize>],
    ) -> Result<bool, ReadError> {
        let (line, object) = match self.first.take() {
            Some(first) => first,
            None => {
                let Some(line) = self.next_nonblank()? else {
                    return Ok(false);
                };
                (line, parse(line, &self.buf)?)
            }
        };
        rec.line = line;
        rec.resize(self.seen.len());
        self.seen.iter_mut().for_each(|s| *s = false);
        for (key, value) in &object.0 {
            let Some(&i) = self.columns.get(key.trim()) else {
                return Err(RecordError::UnknownKey { line, key: key.clone() }.into());
            };
            if std::mem::replace(&mut self.seen[i], true) {
                return Err(RecordError::DuplicateKey { line, key: key.clone() }.into());
            }
            let field = &mut rec.fields[i];
            match value {
                Value::String(s) => field.push_str(s.trim()),
                Value::Number(n) => {
                    field.push_str(&n.to_string());
                    if n.is_u64()
                        && let Some(&Some(width)) = widths.get(i)
                    {
                        super::pad_digits(field, width);
                    }
                }
                Value::Bool(b) => field.push_str(if *b { "true" } else { "false" }),
                Value::Null => {}
                Value::Array(_) | Value::Object(_) => {
                    return Err(RecordError::NestedValue { line, key: key.clone() }.into());
                }
            }
        }
        Ok(true)
    }
}

/// Every key the objects of a JSON Lines stream use, trimmed, in order of first use: the first
/// pass of [`open_path`](super::open_path). Only the names are kept, at most
/// [`ReadOptions::max_fields`] of them, none longer than [`ReadOptions::max_field_bytes`]. Lines
/// that are not valid JSON objects add nothing (the second pass reports them); a line longer than
/// [`ReadOptions::max_line_bytes`] ends the scan, as it ends the second pass.
pub(crate) fn scan_keys<R: Read>(
    reader: R,
    options: &ReadOptions,
) -> Result<Vec<String>, FileError> {
    let mut input = Input::new(reader);
    input.fill_to(SNIFF_BYTES)?;
    let bom = input.available().len() - strip_bom(input.available()).len();
    input.consume(bom);
    let mut lines = JsonlReader {
        input,
        max_line: options.max_line_bytes,
        next_line: 1,
        buf: Vec::new(),
        columns: HashMap::new(),
        seen: Vec::new(),
        first: None,
    };
    let mut keys = KeySet {
        known: HashSet::new(),
        order: Vec::new(),
        pending: Vec::new(),
        limit: options.max_fields,
        max_key: options.max_field_bytes,
    };
    while keys.order.len() < keys.limit {
        match lines.next_nonblank() {
            Ok(Some(_)) => {}
            Ok(None) | Err(FileError::LineTooLong { .. }) => break,
            Err(e) => return Err(e),
        }
        let mut de = serde_json::Deserializer::from_slice(&lines.buf);
        let valid = NewKeys(&mut keys).deserialize(&mut de).and_then(|()| de.end()).is_ok();
        keys.end_line(valid);
    }
    Ok(keys.order)
}

/// The keys found so far.
struct KeySet {
    /// Every key in `order` and `pending`, so that a lookup costs one hash.
    known: HashSet<String>,
    order: Vec<String>,
    /// New keys of the line being read, kept only if the whole line is a valid object.
    pending: Vec<String>,
    limit: usize,
    max_key: usize,
}

impl KeySet {
    fn note(&mut self, key: &str) {
        let key = key.trim();
        let room = self.known.len() < self.limit;
        if room && !key.is_empty() && key.len() <= self.max_key && !self.known.contains(key) {
            self.known.insert(key.to_owned());
            self.pending.push(key.to_owned());
        }
    }

    fn end_line(&mut self, valid: bool) {
        if valid {
            self.order.append(&mut self.pending);
        } else {
            for key in self.pending.drain(..) {
                self.known.remove(&key);
            }
        }
    }
}

/// Reads one object, noting the keys it has that are not known yet and skipping the values.
struct NewKeys<'k>(&'k mut KeySet);

impl<'de> DeserializeSeed<'de> for NewKeys<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for NewKeys<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key_seed(Key(&mut *self.0))?.is_some() {
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
}

/// One key, looked up without allocating unless it is new.
struct Key<'k>(&'k mut KeySet);

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for Key<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<(), E> {
        self.0.note(key);
        Ok(())
    }
}
