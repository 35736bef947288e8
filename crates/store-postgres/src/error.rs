//! From driver errors to the port's errors: duplicate and dangling keys are conflicts the caller
//! can act on; everything else is a backend failure with the server's message.

use shanyraq_store::StoreError;
use sqlx::postgres::PgDatabaseError;

/// SQLSTATE unique_violation.
const UNIQUE_VIOLATION: &str = "23505";
/// SQLSTATE foreign_key_violation.
const FOREIGN_KEY_VIOLATION: &str = "23503";

/// Maps any driver error; `what` says what was being done, for the message.
pub(crate) fn store_error(what: &str, error: sqlx::Error) -> StoreError {
    if let Some(db) = error.as_database_error() {
        let code = db.code();
        let detail = db
            .try_downcast_ref::<PgDatabaseError>()
            .and_then(PgDatabaseError::detail)
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        match code.as_deref() {
            Some(UNIQUE_VIOLATION | FOREIGN_KEY_VIOLATION) => {
                return StoreError::Conflict(format!("{what}: {}{detail}", db.message()));
            }
            _ => return StoreError::Backend(format!("{what}: {}{detail}", db.message())),
        }
    }
    StoreError::Backend(format!("{what}: {error}"))
}

/// `map_err` shorthand: `.map_err(fail("reading family"))`.
pub(crate) fn fail(what: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| store_error(what, e)
}
