//! Installed methodology versions: each file kept verbatim, never changed once installed.

use shanyraq_store::{Installed, MethodologyRecord, StoreError, StoreResult};
use sqlx::PgPool;
use time::{Date, OffsetDateTime};

use crate::error::fail;

/// Installs a version unless it is installed; says whether it wrote.
const INSERT: &str = "INSERT INTO methodologies (version, effective_from, file_name, source,
        installed_at)
    VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (version) DO NOTHING";

const SOURCE: &str = "SELECT source FROM methodologies WHERE version = $1";

const LIST: &str =
    "SELECT version, effective_from, file_name, source, installed_at FROM methodologies";

pub(crate) async fn install(pool: &PgPool, m: &MethodologyRecord) -> StoreResult<Installed> {
    let written = sqlx::query(INSERT)
        .bind(&m.version)
        .bind(m.effective_from)
        .bind(&m.file_name)
        .bind(&m.source)
        .bind(m.installed_at)
        .execute(pool)
        .await
        .map_err(fail("installing a methodology"))?;
    if written.rows_affected() == 1 {
        return Ok(Installed::New);
    }
    // Installed versions are never changed or removed, so what is there now stays there.
    let source: Option<String> = sqlx::query_scalar(SOURCE)
        .bind(&m.version)
        .fetch_optional(pool)
        .await
        .map_err(fail("reading a methodology"))?;
    match source {
        Some(s) if s == m.source => Ok(Installed::Unchanged),
        Some(_) => Err(StoreError::Conflict(format!(
            "methodology version {} is installed with other text; an installed version never \
             changes",
            m.version
        ))),
        None => Err(StoreError::Backend(format!(
            "methodology version {} was neither installed nor found",
            m.version
        ))),
    }
}

/// Every installed version, by `effective_from`, then version as bytes (sorted here: text order
/// in the database depends on its collation).
pub(crate) async fn list(pool: &PgPool) -> StoreResult<Vec<MethodologyRecord>> {
    let rows: Vec<(String, Date, String, String, OffsetDateTime)> =
        sqlx::query_as(LIST).fetch_all(pool).await.map_err(fail("reading methodologies"))?;
    let mut out: Vec<MethodologyRecord> = rows
        .into_iter()
        .map(|(version, effective_from, file_name, source, installed_at)| MethodologyRecord {
            version,
            effective_from,
            file_name,
            source,
            installed_at,
        })
        .collect();
    out.sort_by(|a, b| (a.effective_from, &a.version).cmp(&(b.effective_from, &b.version)));
    Ok(out)
}
