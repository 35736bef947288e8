//! A chunk's rows in the binary `COPY` format ([`crate::copy`]): new facts, pending rows and
//! report lines.

use shanyraq_store::{ImportIssue, PendingRow, encode_issue_args, encode_pending_facts};

use super::plan::NewFact;
use crate::copy::BinaryRows;

pub(crate) const COPY_OBSERVATIONS: &str = "COPY observations (family_id, person_id, indicator, \
    value_num, value_text, source, observed_at, valid_from, valid_until, batch_id, line, \
    natural_key, superseded_by) FROM STDIN (FORMAT binary)";

pub(crate) const COPY_PENDING_ROWS: &str = "COPY pending_rows (batch_id, line, reason, iin, \
    last_name, first_name, birth_date, territory_code, facts) FROM STDIN (FORMAT binary)";

pub(crate) const COPY_ISSUES: &str = "COPY import_issues (batch_id, line, seq, verdict, \
    column_key, value_masked, code, args) FROM STDIN (FORMAT binary)";

/// A file line as a `BIGINT`. No file has 2^63 lines; a larger number would only come from a bug,
/// and is stored as the largest, where the primary keys refuse a second one.
pub(crate) fn line(line: u64) -> i64 {
    i64::try_from(line).unwrap_or(i64::MAX)
}

/// An issue's order within its line as an `INTEGER`, capped the same way.
pub(crate) fn seq(seq: u32) -> i32 {
    i32::try_from(seq).unwrap_or(i32::MAX)
}

/// A KATO code as an `INTEGER`; codes are at most 999 999 999.
fn kato(code: shanyraq_domain::Kato) -> i32 {
    i32::try_from(code.as_u32()).unwrap_or(i32::MAX)
}

/// A fact of batch `batch`; superseded ones name the batch as their corrector.
pub(crate) fn observation(out: &mut BinaryRows, batch: i64, new: &NewFact<'_>) {
    let o = &new.fact.observation;
    let v = &new.values;
    out.row(13);
    out.i64(v.family);
    out.opt_i64(v.person);
    out.text(o.indicator.as_str());
    out.opt_i64(v.num);
    out.opt_text(v.text.as_deref());
    out.text(o.source.code());
    out.date(o.observed_at);
    out.date(v.valid_from);
    out.opt_date(v.valid_until);
    out.i64(batch);
    out.i64(line(new.line));
    out.text(&new.fact.natural_key);
    out.opt_i64(new.superseded.then_some(batch));
}

pub(crate) fn pending_row(out: &mut BinaryRows, batch: i64, row: &PendingRow) {
    out.row(9);
    out.i64(batch);
    out.i64(line(row.line));
    out.text(row.reason.code());
    out.opt_text(row.iin.as_deref());
    out.opt_text(row.last_name.as_deref());
    out.opt_text(row.first_name.as_deref());
    out.opt_date(row.birth_date);
    out.opt_i32(row.kato.map(kato));
    out.text(&encode_pending_facts(&row.facts));
}

pub(crate) fn issue(out: &mut BinaryRows, batch: i64, issue: &ImportIssue) {
    out.row(8);
    out.i64(batch);
    out.i64(line(issue.line));
    out.i32(seq(issue.seq));
    out.text(issue.verdict.code());
    out.text(&issue.column);
    out.text(&issue.value_masked);
    out.text(&issue.code);
    out.text(&encode_issue_args(&issue.args));
}
