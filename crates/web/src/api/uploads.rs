//! Feed files uploaded by agency systems with an integration token (`Authorization: Bearer`).
//! The body is the file itself; it is streamed to disk and imported exactly once, limited to
//! the token's sources and territory. No session or cookie is involved.

use axum::Json;
use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Extension, Path, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use futures::StreamExt;
use shanyraq_app::AppError;
use shanyraq_app::import::{Run, Spool};

use super::dto::{BatchView, UploadView};
use super::path_value;
use crate::auth::RequestId;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// The largest file accepted.
pub const MAX_UPLOAD_BYTES: usize = 512 * 1024 * 1024;

/// The header that may name the file, for its extension (`wages.xlsx`).
const FILE_NAME_HEADER: &str = "x-file-name";

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
}

/// Uploads a feed file for `source` and imports it.
///
/// The body is the file as it is: CSV, JSON Lines or XLSX (the format is read from the
/// `X-File-Name` extension and the first bytes). The token must be live, allowed this source,
/// and its territory limits the families the file may touch: rows of families elsewhere are
/// refused (`row.out_of_territory` in the batch's report). The same file again is recognised
/// and not loaded twice.
#[utoipa::path(
    post,
    path = "/api/v1/feeds/{source}/batches",
    tag = "batches",
    params(
        ("source" = String, Path, description = "The feed source: income, police, health …",
            example = "income"),
        ("Authorization" = String, Header, description = "`Bearer <token>`: an integration \
            token issued with `shanyraq token issue`."),
        ("X-File-Name" = Option<String>, Header, description = "The file's name, for its \
            extension (csv, jsonl, xlsx).", example = "wages-2026-11.csv"),
    ),
    request_body(content = String, description = "The feed file.", content_type = "text/csv"),
    responses(
        (status = 201, description = "The file was imported (or had been already: `run`).",
            body = UploadView),
        (status = 400, description = "The file cannot be read (`empty_file`, \
            `unknown_format`, `io` …) or its header does not fit the source \
            (`header.missing_columns`, `header.duplicate_column`), or a path that is not \
            UTF-8 (`path.invalid`).", body = ErrorBody),
        (status = 401, description = "No bearer token (`token.required`).", body = ErrorBody),
        (status = 403, description = "The token is unknown, expired, revoked or not allowed \
            this source (`token.invalid`): the reasons are not told apart.", body = ErrorBody),
        (status = 413, description = "The file is larger than 512 MiB (`upload.too_large`).",
            body = ErrorBody),
    )
)]
pub async fn upload(
    State(state): State<AppState>,
    Extension(request_id): Extension<RequestId>,
    headers: HeaderMap,
    source: Result<Path<String>, PathRejection>,
    body: Body,
) -> Result<(StatusCode, Json<UploadView>), ApiError> {
    let source = path_value(source)?;
    let Some(token) = bearer(&headers) else {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "token.required"));
    };
    let name = headers.get(FILE_NAME_HEADER).and_then(|v| v.to_str().ok());
    let mut spool = Spool::create(name)?;
    let mut received = 0usize;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| ApiError::bad_request("upload.interrupted"))?;
        received += chunk.len();
        if received > MAX_UPLOAD_BYTES {
            return Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "upload.too_large"));
        }
        spool.write(&chunk)?;
    }
    let summary = match state.services.upload_feed(token, &source, spool, &request_id.0).await {
        Err(AppError::Denied { .. }) => {
            return Err(ApiError::new(StatusCode::FORBIDDEN, "token.invalid"));
        }
        other => other?,
    };
    let batch = match &summary.batch {
        Some(b) => Some(BatchView::new(b).map_err(|_| ApiError::internal())?),
        None => None,
    };
    let run = match summary.run {
        Run::AlreadyImported => "already_imported",
        Run::Resumed { .. } => "resumed",
        _ => "imported",
    };
    Ok((StatusCode::CREATED, Json(UploadView { run: run.to_owned(), batch })))
}
