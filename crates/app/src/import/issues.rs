//! Report lines for what validation found, built once for the dry run (which writes them to the
//! report at once) and the import (which stores them with the chunk they belong to).

use shanyraq_feeds::read::RecordError;
use shanyraq_feeds::schema::{ColumnType, HeaderWarning};
use shanyraq_feeds::validate::messages::record_problem;
use shanyraq_feeds::validate::{Outcome, Problem, mask};
use shanyraq_store::{ImportIssue, IssueVerdict, PendingReason, RepeatNote};

/// The line of an unknown header column.
pub(crate) fn header_warning(w: &HeaderWarning) -> ImportIssue {
    let name = mask::mask(&ColumnType::Code(Vec::new()), false, &w.name);
    issue(1, IssueVerdict::Warning, &name, "", w.code(), vec![("name".to_owned(), name.clone())])
}

/// The line of a record the reader refused; `column` is the header name it points at, if any.
pub(crate) fn record_error(e: &RecordError, column: &str) -> ImportIssue {
    let (code, args) = record_problem(e);
    issue(e.line(), IssueVerdict::RecordError, column, "", code, owned(&args))
}

/// Why a valid row waits for matching, as its report line gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Waiting {
    No,
    /// The row's reason; its line shows the masked IIN (empty when there is none).
    Yes(PendingReason),
    /// Not kept at all: the row's family lies outside the territory the upload may touch.
    OutOfTerritory,
}

/// The lines of one row in report order: its refusals or why it waits for matching, then its
/// warnings, numbered from 0. A repeat note, if the row gets one, comes after them.
pub(crate) fn row_issues(
    outcome: &Outcome,
    waiting: Waiting,
    masked_iin: &str,
) -> Vec<ImportIssue> {
    let line = outcome.line();
    let mut out = Vec::new();
    if let Outcome::Rejected { problems, .. } = outcome {
        out.extend(problems.iter().map(|p| problem(line, IssueVerdict::Rejected, p)));
    }
    match waiting {
        Waiting::Yes(reason) => {
            let code = match reason {
                PendingReason::NoIin => "row.needs_matching",
                PendingReason::UnknownPerson => "row.unknown_person",
                PendingReason::NoFamily => "row.no_family",
            };
            out.push(issue(line, IssueVerdict::NeedsMatching, "iin", masked_iin, code, vec![]));
        }
        Waiting::OutOfTerritory => {
            let code = "row.out_of_territory";
            out.push(issue(line, IssueVerdict::Rejected, "iin", masked_iin, code, vec![]));
        }
        Waiting::No => {}
    }
    out.extend(outcome.warnings().iter().map(|p| problem(line, IssueVerdict::Warning, p)));
    renumber(&mut out);
    out
}

/// The note for a row that repeats the natural key of an earlier row of the file; `columns`
/// names the key's columns.
pub(crate) fn repeat_note(columns: &str) -> RepeatNote {
    RepeatNote {
        column: columns.to_owned(),
        code: "row.duplicate".to_owned(),
        args: vec![("columns".to_owned(), columns.to_owned())],
    }
}

/// Numbers a row's lines 0, 1, 2… in their order.
pub(crate) fn renumber(issues: &mut [ImportIssue]) {
    for (seq, issue) in issues.iter_mut().enumerate() {
        issue.seq = u32::try_from(seq).unwrap_or(u32::MAX);
    }
}

/// Warning lines among `issues`.
pub(crate) fn warnings(issues: &[ImportIssue]) -> i64 {
    issues.iter().filter(|i| i.verdict == IssueVerdict::Warning).count() as i64
}

fn problem(line: u64, verdict: IssueVerdict, p: &Problem) -> ImportIssue {
    issue(line, verdict, &p.column, &p.value_masked, p.code, owned(&p.args))
}

fn issue(
    line: u64,
    verdict: IssueVerdict,
    column: &str,
    value: &str,
    code: &str,
    args: Vec<(String, String)>,
) -> ImportIssue {
    ImportIssue {
        line,
        seq: 0,
        verdict,
        column: column.to_owned(),
        value_masked: value.to_owned(),
        code: code.to_owned(),
        args,
    }
}

fn owned(args: &[(&str, String)]) -> Vec<(String, String)> {
    args.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}
