//! Writing feed facts one at a time: each is stored when no current fact has its natural key,
//! otherwise compared with that fact and either skipped (a duplicate) or stored after marking the
//! old one superseded. Facts written earlier in the same transaction count as stored.

use std::sync::LazyLock;

use rusqlite::types::ValueRef;
use rusqlite::{CachedStatement, Connection, Row, Statement};
use shanyraq_domain::{BatchId, Observation};
use shanyraq_store::{FeedFact, StoreError, StoreResult};

use super::read::line_number;
use crate::bulk::{ROWS_PER_STATEMENT, Target};
use crate::codec::{DateText, opt_date};
use crate::error::{store_error, write_error};
use crate::write::{bind_observation, value_columns};

const OBSERVATIONS: Target = Target {
    table: "observations",
    columns: &[
        "family_id",
        "person_id",
        "indicator",
        "value_num",
        "value_text",
        "source",
        "observed_at",
        "valid_from",
        "valid_until",
        "batch_id",
        "line",
        "natural_key",
    ],
    skip_stored: false,
};
/// The partial unique index both keeps one current fact per key and is the conflict target.
const UNLESS_CURRENT: &str =
    " ON CONFLICT (natural_key) WHERE natural_key IS NOT NULL AND superseded_by IS NULL DO NOTHING";

/// Stores one fact unless a current fact holds its natural key.
static INSERT: LazyLock<String> = LazyLock::new(|| OBSERVATIONS.sql(1) + UNLESS_CURRENT);
/// Stores a group of [`GROUP`] facts, each unless a current fact holds its key.
static INSERT_GROUP: LazyLock<String> = LazyLock::new(|| OBSERVATIONS.sql(GROUP) + UNLESS_CURRENT);

/// Facts a group insert writes: most facts of a feed are new, and one statement for many of
/// them spares the engine most of its per-statement work.
pub(crate) const GROUP: usize = ROWS_PER_STATEMENT;
/// The current fact with a natural key, in the columns that decide whether a fact repeats it.
const CURRENT: &str = "SELECT id, family_id, person_id, value_num, value_text, valid_from, \
    valid_until, batch_id, line FROM observations WHERE natural_key = ?1 AND superseded_by IS NULL";
const SUPERSEDE: &str = "UPDATE observations SET superseded_by = ?1 WHERE id = ?2";

/// What became of one fact. `repeat` when the current fact with its key was stored by the
/// same batch: an earlier row of the file had the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Written {
    /// No current fact had its key.
    New,
    /// The current fact with its key has the same family, person, value and validity.
    Duplicate { repeat: bool },
    /// It replaced the current fact with its key, which stays as history.
    Correction { repeat: bool },
}

/// The cached statements of the fact path, prepared once per chunk.
pub(crate) struct FactWriter<'c> {
    batch: BatchId,
    insert: CachedStatement<'c>,
    insert_group: CachedStatement<'c>,
    current: CachedStatement<'c>,
    supersede: CachedStatement<'c>,
}

impl<'c> FactWriter<'c> {
    pub(crate) fn new(conn: &'c Connection, batch: BatchId) -> StoreResult<FactWriter<'c>> {
        let prepare = |sql: &str| conn.prepare_cached(sql).map_err(store_error);
        Ok(FactWriter {
            batch,
            insert: prepare(&INSERT)?,
            insert_group: prepare(&INSERT_GROUP)?,
            current: prepare(CURRENT)?,
            supersede: prepare(SUPERSEDE)?,
        })
    }

    /// Writes the fact of file line `line` as this batch's.
    pub(crate) fn write(&mut self, line: u64, fact: &FeedFact) -> StoreResult<Written> {
        let failed = |e| write_error(e, || format!("the fact at line {line}"));
        if self.insert(line, fact).map_err(failed)? {
            return Ok(Written::New);
        }
        let (replaced, repeat) = {
            let mut rows = self.current.query([fact.natural_key.as_str()]).map_err(store_error)?;
            let Some(row) = rows.next().map_err(store_error)? else {
                return Err(StoreError::Backend(format!(
                    "the fact at line {line} conflicted with no current fact"
                )));
            };
            let repeat = row.get::<_, i64>(7).map_err(store_error)? == self.batch.0;
            (differing(row, &fact.observation).map_err(store_error)?, repeat)
        };
        let Some(replaced) = replaced else { return Ok(Written::Duplicate { repeat }) };
        self.supersede.execute((self.batch.0, replaced)).map_err(failed)?;
        if self.insert(line, fact).map_err(failed)? {
            Ok(Written::Correction { repeat })
        } else {
            Err(StoreError::Backend(format!(
                "the fact at line {line} conflicted again after its natural key was freed"
            )))
        }
    }

    /// Runs the insert; `false` when a current fact holds the key and nothing was
    /// written.
    fn insert(&mut self, line: u64, fact: &FeedFact) -> rusqlite::Result<bool> {
        bind(&mut self.insert, 1, line, fact)?;
        Ok(self.insert.raw_execute()? == 1)
    }

    /// Inserts [`GROUP`] facts (file line, fact) in one statement, each unless a current fact
    /// holds its key; returns how many were stored. When fewer than all, the caller finds out
    /// which with [`FactWriter::stored_here`] and writes the others with [`FactWriter::write`].
    pub(crate) fn insert_group(&mut self, facts: &[(u64, &FeedFact)]) -> StoreResult<usize> {
        debug_assert_eq!(facts.len(), GROUP);
        let width = OBSERVATIONS.columns.len();
        let run = |st: &mut Statement<'_>| {
            for (i, (line, fact)) in facts.iter().enumerate() {
                bind(st, i * width + 1, *line, fact)?;
            }
            st.raw_execute()
        };
        run(&mut self.insert_group).map_err(|e| {
            let first = facts.first().map_or(0, |f| f.0);
            write_error(e, || format!("the facts from line {first}"))
        })
    }

    /// Whether the current fact with the key of `fact` is the one this batch stored for file
    /// line `line`: whether a group insert stored it.
    pub(crate) fn stored_here(&mut self, line: u64, fact: &FeedFact) -> StoreResult<bool> {
        let mut rows = self.current.query([fact.natural_key.as_str()]).map_err(store_error)?;
        let Some(row) = rows.next().map_err(store_error)? else { return Ok(false) };
        let batch: i64 = row.get(7).map_err(store_error)?;
        let stored_line: Option<i64> = row.get(8).map_err(store_error)?;
        Ok(batch == self.batch.0 && stored_line == Some(line_number(line)))
    }
}

/// Binds one fact's columns in [`OBSERVATIONS`] order from parameter `at` on, without
/// allocating: the observation's (its batch is the chunk's), then the line and the key.
fn bind(st: &mut Statement<'_>, at: usize, line: u64, fact: &FeedFact) -> rusqlite::Result<()> {
    bind_observation(st, at, &fact.observation)?;
    st.raw_bind_parameter(at + 10, line_number(line))?;
    st.raw_bind_parameter(at + 11, fact.natural_key.as_str())
}

/// The stored row's id (from [`CURRENT`]) when it says something else than `o`; `None` when
/// `o` repeats it.
fn differing(row: &Row<'_>, o: &Observation) -> rusqlite::Result<Option<i64>> {
    let (num, text) = value_columns(&o.value);
    let same = integer_is(row.get_ref(1)?, Some(o.family.0))
        && integer_is(row.get_ref(2)?, o.person.map(|p| p.0))
        && integer_is(row.get_ref(3)?, num)
        && text_is(row.get_ref(4)?, text.as_ref().map(|t| t.bytes()))
        && text_is(row.get_ref(5)?, Some(DateText::new(o.valid_from).bytes()))
        && text_is(row.get_ref(6)?, opt_date(o.valid_until).as_ref().map(DateText::bytes));
    if same { Ok(None) } else { row.get(0).map(Some) }
}

fn integer_is(stored: ValueRef<'_>, wanted: Option<i64>) -> bool {
    match (stored, wanted) {
        (ValueRef::Null, None) => true,
        (ValueRef::Integer(a), Some(b)) => a == b,
        _ => false,
    }
}

fn text_is(stored: ValueRef<'_>, wanted: Option<&[u8]>) -> bool {
    match (stored, wanted) {
        (ValueRef::Null, None) => true,
        (ValueRef::Text(a), Some(b)) => a == b,
        _ => false,
    }
}
