//! Agency feed batches: starting, writing chunk by chunk, completing or failing a batch, and
//! reading batches, report lines, pending rows and the change feed back.
//!
//! # The write path
//!
//! A chunk is one `BEGIN IMMEDIATE` transaction on the writer connection. It first claims the
//! batch with one `UPDATE … WHERE status = 'running' AND rows_read = ?`, so that a second import
//! of the same batch is refused before anything is written. Each fact then costs one execution of
//! a cached `INSERT … ON CONFLICT (natural_key) … DO NOTHING`, bound in place without allocating:
//! a new fact is stored in that one step, and only when a current fact holds its natural key is
//! that fact read (through the partial unique index) and compared, to skip a duplicate or mark
//! it superseded and insert again. Changed families are collected, sorted and written once per
//! chunk; pending rows and report lines go in with multi-row statements.
//!
//! What a fact costs, measured on two cores with 600,000 generated families stored (5 M new
//! one-fact rows in chunks of 20,000): about 4 µs of CPU per row on the writer, three quarters
//! of it SQLite maintaining the table and its two indexes (the natural key's is text), the rest
//! mostly committing and checkpointing; resolving a person costs about 1.6 µs on a reader.
//! Writing 64 new facts per statement inside a savepoint (undone and written one by one when a
//! key is taken) saved only about 4 %, and a larger writer cache (192 instead of 128 MiB) about
//! 2 %, so neither is done.

mod batch;
mod chunk;
mod decode;
mod facts;
mod read;
mod rows;

pub(crate) use batch::{complete, fail, start};
pub(crate) use chunk::write_chunk;
pub(crate) use read::{
    batch_issues, batch_record, by_fingerprint, changed_families, list_batches, pending_rows,
    resolve_persons,
};
