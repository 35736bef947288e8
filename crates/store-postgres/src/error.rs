//! From driver errors to the port's errors: duplicate and dangling keys are conflicts the caller
//! can act on; everything else is a backend failure.
//!
//! Messages never carry stored or written values: they may be personal data (an IIN, a name), and
//! error messages reach logs. The server's DETAIL (`Key (iin)=(…) already exists`, `Failing row
//! contains (…)`) and CONTEXT (which quote the values) are dropped; the constraint, table and
//! column the server names are kept. The primary message of a data exception (SQLSTATE class 22,
//! e.g. `invalid input syntax for type date: "…"`) quotes the value too, so only its code is kept.

use shanyraq_store::StoreError;
use sqlx::error::DatabaseError;
use sqlx::postgres::PgDatabaseError;

/// SQLSTATE unique_violation.
pub(crate) const UNIQUE_VIOLATION: &str = "23505";
/// SQLSTATE foreign_key_violation.
const FOREIGN_KEY_VIOLATION: &str = "23503";
/// SQLSTATE class data_exception: messages that quote the offending value.
const DATA_EXCEPTION_CLASS: &str = "22";

/// Where the server says an error is: constraint, table and column names, never values.
#[derive(Debug, Default, PartialEq, Eq)]
struct Names<'a> {
    constraint: Option<&'a str>,
    table: Option<&'a str>,
    column: Option<&'a str>,
}

impl Names<'_> {
    fn describe(&self) -> String {
        let parts: Vec<String> = [
            self.constraint.map(|c| format!("constraint {c}")),
            self.table.map(|t| format!("table {t}")),
            self.column.map(|c| format!("column {c}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() { String::new() } else { format!(" ({})", parts.join(", ")) }
    }
}

/// The message for an error the server reported with SQLSTATE `code`, primary message `message`
/// and the names it gave.
fn server_message(what: &str, code: Option<&str>, message: &str, names: &Names<'_>) -> String {
    let code = code.unwrap_or("?????");
    if code.starts_with(DATA_EXCEPTION_CLASS) {
        return format!("{what}: a value was refused (SQLSTATE {code}){}", names.describe());
    }
    format!("{what}: {message}{}", names.describe())
}

fn classify(what: &str, db: &dyn DatabaseError) -> StoreError {
    let code = db.code();
    let pg = db.try_downcast_ref::<PgDatabaseError>();
    let names = Names {
        constraint: db.constraint(),
        table: db.table().or_else(|| pg.and_then(PgDatabaseError::table)),
        column: pg.and_then(PgDatabaseError::column),
    };
    let message = server_message(what, code.as_deref(), db.message(), &names);
    match code.as_deref() {
        Some(UNIQUE_VIOLATION | FOREIGN_KEY_VIOLATION) => StoreError::Conflict(message),
        _ => StoreError::Backend(message),
    }
}

/// Maps any driver error; `what` says what was being done, for the message.
pub(crate) fn store_error(what: &str, error: sqlx::Error) -> StoreError {
    match error.as_database_error() {
        Some(db) => classify(what, db),
        None => StoreError::Backend(format!("{what}: {error}")),
    }
}

/// `map_err` shorthand: `.map_err(fail("reading family"))`.
pub(crate) fn fail(what: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| store_error(what, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kept_and_values_are_not() {
        let names =
            Names { constraint: Some("persons_iin_key"), table: Some("persons"), column: None };
        assert_eq!(
            server_message(
                "writing persons",
                Some(UNIQUE_VIOLATION),
                "duplicate key value violates unique constraint \"persons_iin_key\"",
                &names
            ),
            "writing persons: duplicate key value violates unique constraint \"persons_iin_key\" \
             (constraint persons_iin_key, table persons)"
        );
    }

    #[test]
    fn data_exceptions_keep_only_their_code() {
        let names =
            Names { table: Some("persons"), column: Some("birth_date"), ..Names::default() };
        let m = server_message(
            "writing persons",
            Some("22007"),
            "invalid input syntax for type date: \"1985-13-45\"",
            &names,
        );
        assert!(!m.contains("1985-13-45"), "{m}");
        assert_eq!(
            m,
            "writing persons: a value was refused (SQLSTATE 22007) (table persons, column birth_date)"
        );
    }
}
