//! Import batches: what was loaded, from where, and how it went, newest first.

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use shanyraq_domain::BatchId;
use shanyraq_store::{BatchPageRequest, BatchRecord};

use super::dto::{BatchListPage, BatchView};
use super::{ApiResult, parse_limit, path_value};
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Parameters of the batch listing. Both are text here so that a bad value gets our own error
/// rather than the framework's.
#[derive(Debug, Deserialize)]
pub struct BatchListParams {
    before: Option<String>,
    limit: Option<String>,
}

/// Import batches of every kind (feed files and generator runs), newest first, a page at a time.
///
/// Follow `next` (pass it as `before`) until it is `null` to see every batch once. Batches
/// started meanwhile have greater ids and appear on a new first page, not on later ones.
#[utoipa::path(
    get,
    path = "/api/v1/batches",
    tag = "batches",
    params(
        ("before" = Option<i64>, Query,
            description = "The `next` value of the previous page: only batches with a smaller \
                id. Omit for the first page.", minimum = 1, example = 42),
        ("limit" = Option<u32>, Query, description = "Page size, 1–500; 50 when omitted",
            minimum = 1, maximum = 500),
    ),
    responses(
        (status = 200, description = "A page of batches.", body = BatchListPage),
        (status = 400, description = "A bad `before` (`before.invalid`) or page size \
            (`limit.invalid`); a query string that cannot be read, such as a parameter given \
            twice (`query.invalid`).", body = ErrorBody),
    )
)]
pub async fn list(
    user: ApiUser,
    State(state): State<AppState>,
    params: Result<Query<BatchListParams>, QueryRejection>,
) -> ApiResult<BatchListPage> {
    user.staff_only()?;
    let Query(params) = params.map_err(|_| ApiError::bad_request("query.invalid"))?;
    let limit = parse_limit(params.limit.as_deref(), BatchPageRequest::MAX_LIMIT)?;
    let before = params.before.as_deref().map(|t| parse_id(t, "before.invalid")).transpose()?;
    let records = state.services.batches(before, limit).await?;
    let next = match records.last() {
        // A full page: one more row tells whether another page follows, so that the last page
        // says so rather than leading to an empty one.
        Some(last) if records.len() >= limit as usize => {
            let more = state.services.batches(Some(last.batch.id), 1).await?;
            (!more.is_empty()).then_some(last.batch.id.0)
        }
        _ => None,
    };
    let items = records.iter().map(view).collect::<Result<_, _>>()?;
    Ok(Json(BatchListPage { items, next, limit }))
}

/// One import batch with its status and row counts.
#[utoipa::path(
    get,
    path = "/api/v1/batches/{id}",
    tag = "batches",
    params(("id" = i64, Path, description = "Batch id, a positive integer", example = 7)),
    responses(
        (status = 200, description = "The batch.", body = BatchView),
        (status = 400, description = "Not a batch id (`batch_id.invalid`), or a path that is \
            not UTF-8 (`path.invalid`).", body = ErrorBody),
        (status = 404, description = "No such batch (`not_found`).", body = ErrorBody),
    )
)]
pub async fn one(
    user: ApiUser,
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> ApiResult<BatchView> {
    user.staff_only()?;
    let id = parse_id(&path_value(id)?, "batch_id.invalid")?;
    let record = state.services.batch(id).await?;
    Ok(Json(view(&record)?))
}

/// A batch id written as digits only, greater than 0; anything else is `code`.
fn parse_id(text: &str, code: &'static str) -> Result<BatchId, ApiError> {
    Some(text)
        .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse::<i64>().ok())
        .filter(|n| *n > 0)
        .map(BatchId)
        .ok_or_else(|| ApiError::bad_request(code))
}

fn view(record: &BatchRecord) -> Result<BatchView, ApiError> {
    BatchView::new(record).map_err(|e| {
        tracing::error!(batch = record.batch.id.0, error = %e, "batch timestamp out of range");
        ApiError::internal()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_plain_positive_numbers() {
        assert_eq!(parse_id("42", "x"), Ok(BatchId(42)));
        for bad in ["", "0", "-1", "+1", "1.5", "x", " 1", "99999999999999999999"] {
            assert_eq!(parse_id(bad, "before.invalid").map_err(|e| e.code), Err("before.invalid"));
        }
    }
}
