//! What a chunk writes besides facts: the families it changed, its pending rows and its report
//! lines, each with multi-row statements.

use rusqlite::{Statement, Transaction};
use shanyraq_domain::BatchId;
use shanyraq_store::{
    ImportIssue, PendingRow, StoreResult, encode_issue_args, encode_pending_facts,
};

use super::read::line_number;
use crate::bulk::{Target, insert_all};
use crate::codec::opt_date;

const CHANGES: Target =
    Target { table: "family_changes", columns: &["batch_id", "family_id"], skip_stored: true };
const ISSUES: Target = Target {
    table: "import_issues",
    columns: &["batch_id", "line", "seq", "verdict", "column_key", "value_masked", "code", "args"],
    skip_stored: false,
};
const PENDING: Target = Target {
    table: "pending_rows",
    columns: &[
        "batch_id",
        "line",
        "reason",
        "iin",
        "last_name",
        "first_name",
        "birth_date",
        "territory_code",
        "facts",
    ],
    skip_stored: false,
};

/// "lines 7 to 90" of the rows of a failed statement: line numbers, never values.
fn lines<T>(what: &str, rows: &[T], line: impl Fn(&T) -> u64) -> String {
    match (rows.first(), rows.last()) {
        (Some(a), Some(b)) if rows.len() > 1 => {
            format!("{what} at lines {} to {}", line(a), line(b))
        }
        (Some(a), _) => format!("{what} at line {}", line(a)),
        _ => what.to_owned(),
    }
}

/// Records that `batch` changed these families (sorted, without repeats, so that the key is
/// written in order); a family already recorded stays once.
pub(crate) fn insert_changes(
    tx: &Transaction<'_>,
    batch: BatchId,
    families: &[i64],
) -> StoreResult<()> {
    insert_all(
        tx,
        CHANGES,
        families,
        |st: &mut Statement<'_>, at, family: &i64| {
            st.raw_bind_parameter(at, batch.0)?;
            st.raw_bind_parameter(at + 1, *family)
        },
        |_| format!("families changed by batch {batch}"),
    )
}

pub(crate) fn insert_issues(
    tx: &Transaction<'_>,
    batch: BatchId,
    issues: &[ImportIssue],
) -> StoreResult<()> {
    insert_all(
        tx,
        ISSUES,
        issues,
        |st: &mut Statement<'_>, at, i: &ImportIssue| {
            st.raw_bind_parameter(at, batch.0)?;
            st.raw_bind_parameter(at + 1, line_number(i.line))?;
            st.raw_bind_parameter(at + 2, i.seq)?;
            st.raw_bind_parameter(at + 3, i.verdict.code())?;
            st.raw_bind_parameter(at + 4, i.column.as_str())?;
            st.raw_bind_parameter(at + 5, i.value_masked.as_str())?;
            st.raw_bind_parameter(at + 6, i.code.as_str())?;
            // Bound as a copy: the text need not outlive the call.
            st.raw_bind_parameter(at + 7, encode_issue_args(&i.args))
        },
        |rows| lines(&format!("report lines of batch {batch}"), rows, |i| i.line),
    )
}

pub(crate) fn insert_pending(
    tx: &Transaction<'_>,
    batch: BatchId,
    pending: &[PendingRow],
) -> StoreResult<()> {
    insert_all(
        tx,
        PENDING,
        pending,
        |st: &mut Statement<'_>, at, p: &PendingRow| {
            st.raw_bind_parameter(at, batch.0)?;
            st.raw_bind_parameter(at + 1, line_number(p.line))?;
            st.raw_bind_parameter(at + 2, p.reason.code())?;
            st.raw_bind_parameter(at + 3, p.iin.as_deref())?;
            st.raw_bind_parameter(at + 4, p.last_name.as_deref())?;
            st.raw_bind_parameter(at + 5, p.first_name.as_deref())?;
            st.raw_bind_parameter(at + 6, opt_date(p.birth_date))?;
            st.raw_bind_parameter(at + 7, p.kato.map(|k| k.as_u32()))?;
            st.raw_bind_parameter(at + 8, encode_pending_facts(&p.facts))
        },
        |rows| lines(&format!("pending rows of batch {batch}"), rows, |p| p.line),
    )
}
