//! JSON Lines: one object per line. The keys of the first object are the columns; a later
//! object with another key is a record error, a missing key reads as an empty field.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;

use serde::Deserialize;
use serde::de::{MapAccess, Visitor};
use serde_json::Value;

use super::input::Input;
use super::{FileError, Header, RawRecord, ReadError, ReadOptions, RecordError};

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

    pub(crate) fn read_into(&mut self, rec: &mut RawRecord) -> Result<bool, ReadError> {
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
                Value::Number(n) => field.push_str(&n.to_string()),
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
