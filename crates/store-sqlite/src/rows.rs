//! Small helpers the account and token modules share: times as their tables keep them, and
//! running a cached statement for all rows, the first row, or whether there is one.

use rusqlite::{Connection, OptionalExtension, Row};
use shanyraq_store::{StoreError, StoreResult};
use time::OffsetDateTime;

use crate::codec::sortable_timestamp_text;
use crate::error::store_error;

/// A time as the tables compared in SQL keep it (six fraction digits, so text order is time
/// order).
pub(crate) fn instant(t: OffsetDateTime) -> StoreResult<String> {
    sortable_timestamp_text(t)
        .ok_or_else(|| StoreError::Backend(format!("cannot store {t}: outside the years 0–9999")))
}

pub(crate) fn opt_instant(t: Option<OffsetDateTime>) -> StoreResult<Option<String>> {
    t.map(instant).transpose()
}

/// Every row of `sql`, decoded.
pub(crate) fn all<T, P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    decode: fn(&Row<'_>) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let mut st = conn.prepare_cached(sql).map_err(store_error)?;
    let mut rows = st.query(params).map_err(store_error)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(store_error)? {
        out.push(decode(row)?);
    }
    Ok(out)
}

/// The first row of `sql`, decoded, if there is one.
pub(crate) fn first<T, P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    decode: fn(&Row<'_>) -> StoreResult<T>,
) -> StoreResult<Option<T>> {
    let mut st = conn.prepare_cached(sql).map_err(store_error)?;
    let mut rows = st.query(params).map_err(store_error)?;
    rows.next().map_err(store_error)?.map(decode).transpose()
}

/// Whether `sql` (selecting one integer) gives a row.
pub(crate) fn exists<P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
) -> StoreResult<bool> {
    let found: Option<i64> = conn
        .prepare_cached(sql)
        .and_then(|mut st| st.query_row(params, |r| r.get(0)).optional())
        .map_err(store_error)?;
    Ok(found.is_some())
}
