//! A fixed-size read buffer the text readers scan in place, so memory does not grow with
//! the file.

use std::io::{self, Read};

/// Size of the read buffer; also the most [`Input::fill_to`] can make available.
pub(crate) const BUFFER_BYTES: usize = 64 * 1024;

/// Buffered bytes of `reader` not yet consumed are `buf[pos..end]`.
#[derive(Debug)]
pub(crate) struct Input<R> {
    reader: R,
    buf: Box<[u8]>,
    pos: usize,
    end: usize,
    eof: bool,
}

impl<R: Read> Input<R> {
    pub(crate) fn new(reader: R) -> Self {
        Self { reader, buf: vec![0; BUFFER_BYTES].into_boxed_slice(), pos: 0, end: 0, eof: false }
    }

    /// The buffered, unconsumed bytes.
    pub(crate) fn available(&self) -> &[u8] {
        &self.buf[self.pos..self.end]
    }

    /// Marks `n` buffered bytes as consumed.
    pub(crate) fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.end);
    }

    /// Reads until at least `n` bytes (at most the buffer size) are buffered or the input ends.
    pub(crate) fn fill_to(&mut self, n: usize) -> io::Result<()> {
        let n = n.min(self.buf.len());
        if self.end - self.pos >= n {
            return Ok(());
        }
        self.buf.copy_within(self.pos..self.end, 0);
        self.end -= self.pos;
        self.pos = 0;
        while self.end < n && !self.eof {
            self.read_once()?;
        }
        Ok(())
    }

    /// Refills an exhausted buffer; `false` at end of input.
    pub(crate) fn refill(&mut self) -> io::Result<bool> {
        if self.pos < self.end {
            return Ok(true);
        }
        self.pos = 0;
        self.end = 0;
        while self.end == 0 && !self.eof {
            self.read_once()?;
        }
        Ok(self.end > 0)
    }

    fn read_once(&mut self) -> io::Result<()> {
        match self.reader.read(&mut self.buf[self.end..]) {
            Ok(0) => self.eof = true,
            Ok(k) => self.end += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
        Ok(())
    }

    /// Reads everything left, failing once more than `limit` bytes would be held.
    pub(crate) fn read_all(mut self, limit: usize) -> io::Result<Option<Vec<u8>>> {
        let mut all = self.available().to_vec();
        let room = (limit + 1).saturating_sub(all.len()) as u64;
        (&mut self.reader).take(room).read_to_end(&mut all)?;
        Ok((all.len() <= limit).then_some(all))
    }
}
