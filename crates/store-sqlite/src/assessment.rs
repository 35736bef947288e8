//! Assessments: installed methodology versions, the families a batch assessment reads, the
//! results it writes, the change feed's progress, the poverty-line medians and the aggregates by
//! territory.
//!
//! # The two paths that carry volume
//!
//! A full assessment reads every family once ([`inputs_after`]) and writes a result for each
//! ([`write_chunk`]). A page of families costs a handful of statements, none per family: the
//! families by id, then their memberships with the persons, their facts and their current
//! assessments, each selected by the page's range of family ids (the memberships' primary key,
//! `observations_family_idx`, the assessments' key) and merged in Rust; facts that lie together
//! in the table are read by scanning it over their ids (module `inputs` has the details).
//! Results go in with the crate's multi-row cached statements (`bulk`), the current assessments
//! as one upsert per group of rows. Measured on the development machine (2 cores, shared): a
//! page of 10,000 families with twenty facts each in about 0.13 s of CPU; 1,000,000
//! assessments with as many history entries (and 200,000 events) written in chunks of 10,000 in
//! about 6.5 s, 5 s of it CPU.

mod decode;
mod inputs;
mod read;
mod write;

pub(crate) use inputs::{inputs_after, inputs_for};
pub(crate) use read::{
    assessment, level_counts, level_events, level_history, level_movements, methodologies,
    region_medians, unassessed_change_batches,
};
pub(crate) use write::{
    install_methodology, mark_changes_assessed, store_region_medians, write_chunk,
};

/// Rows a page of inputs or events holds at most.
pub(crate) const MAX_PAGE: u32 = 10_000;

/// A set of ids as a JSON array, for `IN (SELECT value FROM json_each(?))`: one statement for
/// any number of ids.
pub(crate) fn id_list(ids: impl IntoIterator<Item = i64>) -> String {
    use std::fmt::Write;
    let mut out = String::from("[");
    for (i, id) in ids.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{id}");
    }
    out.push(']');
    out
}
