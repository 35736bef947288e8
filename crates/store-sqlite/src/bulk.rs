//! Multi-row `INSERT … VALUES (…), (…), …` with cached statements: one statement execution per
//! group of rows instead of per row, which halves the engine's per-row work on bulk loads.
//! Parameters are bound in place, so a row costs no allocation.

use rusqlite::{Statement, Transaction};
use shanyraq_store::StoreResult;

use crate::error::write_error;

/// Rows per statement: large enough to spread the statement's fixed cost, small enough to stay
/// far below SQLite's parameter limit (32,766) for the widest table.
pub(crate) const ROWS_PER_STATEMENT: usize = 64;

/// A table and the columns a bulk insert fills, in parameter order.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target {
    pub(crate) table: &'static str,
    pub(crate) columns: &'static [&'static str],
    /// Rows whose key is already stored are skipped (`INSERT OR IGNORE`) instead of failing
    /// the statement.
    pub(crate) skip_stored: bool,
}

impl Target {
    /// `INSERT INTO table (…) VALUES (?1, …), (…)` for `rows` rows.
    pub(crate) fn sql(&self, rows: usize) -> String {
        self.sql_then(rows, "")
    }

    /// [`Target::sql`] followed by `tail`: an `ON CONFLICT …` clause.
    pub(crate) fn sql_then(&self, rows: usize, tail: &str) -> String {
        let width = self.columns.len();
        let verb = if self.skip_stored { "INSERT OR IGNORE" } else { "INSERT" };
        let mut sql = format!("{verb} INTO {} ({}) VALUES ", self.table, self.columns.join(", "));
        for r in 0..rows {
            if r > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..width {
                if c > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("?{}", r * width + c + 1));
            }
            sql.push(')');
        }
        sql.push_str(tail);
        sql
    }
}

/// Inserts `items` in groups of [`ROWS_PER_STATEMENT`], the remainder row by row, in the order
/// given (observation ids follow it). `bind` binds one row's values from the parameter it is
/// given on; `what` names the rows of a failed group for the error.
pub(crate) fn insert_all<T>(
    tx: &Transaction<'_>,
    target: Target,
    items: &[T],
    bind: impl Fn(&mut Statement<'_>, usize, &T) -> rusqlite::Result<()>,
    what: impl Fn(&[T]) -> String,
) -> StoreResult<()> {
    insert_all_then(tx, target, "", items, bind, what)
}

/// [`insert_all`] with every statement followed by `tail`: an `ON CONFLICT …` clause (an
/// upsert, say).
pub(crate) fn insert_all_then<T>(
    tx: &Transaction<'_>,
    target: Target,
    tail: &str,
    items: &[T],
    bind: impl Fn(&mut Statement<'_>, usize, &T) -> rusqlite::Result<()>,
    what: impl Fn(&[T]) -> String,
) -> StoreResult<()> {
    let width = target.columns.len();
    let mut groups = items.chunks_exact(ROWS_PER_STATEMENT);
    if groups.len() > 0 {
        let mut st = tx
            .prepare_cached(&target.sql_then(ROWS_PER_STATEMENT, tail))
            .map_err(|e| write_error(e, || target.table.to_owned()))?;
        for group in groups.by_ref() {
            run(&mut st, group, width, &bind).map_err(|e| write_error(e, || what(group)))?;
        }
    }
    let rest = groups.remainder();
    if !rest.is_empty() {
        let mut st = tx
            .prepare_cached(&target.sql_then(1, tail))
            .map_err(|e| write_error(e, || target.table.to_owned()))?;
        for row in rest.chunks(1) {
            run(&mut st, row, width, &bind).map_err(|e| write_error(e, || what(row)))?;
        }
    }
    Ok(())
}

fn run<T>(
    st: &mut Statement<'_>,
    rows: &[T],
    width: usize,
    bind: &impl Fn(&mut Statement<'_>, usize, &T) -> rusqlite::Result<()>,
) -> rusqlite::Result<()> {
    for (i, row) in rows.iter().enumerate() {
        bind(st, i * width + 1, row)?;
    }
    st.raw_execute().map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_numbers_parameters_row_by_row() {
        let t = Target { table: "t", columns: &["a", "b"], skip_stored: false };
        assert_eq!(t.sql(1), "INSERT INTO t (a, b) VALUES (?1, ?2)");
        assert_eq!(t.sql(2), "INSERT INTO t (a, b) VALUES (?1, ?2), (?3, ?4)");
        let ignoring = Target { skip_stored: true, ..t };
        assert_eq!(ignoring.sql(1), "INSERT OR IGNORE INTO t (a, b) VALUES (?1, ?2)");
        assert_eq!(
            t.sql_then(1, " ON CONFLICT (a) DO NOTHING"),
            "INSERT INTO t (a, b) VALUES (?1, ?2) ON CONFLICT (a) DO NOTHING"
        );
    }
}
