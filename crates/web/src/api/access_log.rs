//! A family's access log: who opened the family's data, in what capacity, when, why, and
//! whether it was allowed.

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use shanyraq_app::authz::AccessLogEntry;

use super::dto::{AccessLogEntryView, AccessLogPage, rfc3339};
use super::{ApiResult, parse_family_id, parse_limit, path_value};
use crate::access_log::{action_text, capacity, parse_seq};
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ReqLang;
use crate::lang::Lang;
use crate::state::AppState;

/// The largest page of the access log.
pub const MAX_LIMIT: u32 = 200;

/// Parameters of the access log. Both are text here so that a bad value gets our own error
/// rather than the framework's.
#[derive(Debug, Deserialize)]
pub struct AccessLogParams {
    before: Option<String>,
    limit: Option<String>,
}

/// Who accessed a family's data, newest first: every opening, change, listing or search,
/// allowed or refused, with the organisation and role of the person, the purpose they stated
/// and the outcome. Staff names are shown only where the law of the deployment allows it.
///
/// For the family's own members and for supervisors over the family's territory. Reading the
/// log is itself recorded in it. Follow `next_before` (pass it as `before`) until it is `null`
/// to see every entry once.
#[utoipa::path(
    get,
    path = "/api/v1/families/{id}/access-log",
    tag = "families",
    params(
        ("id" = i64, Path, description = "Family id, a positive integer", example = 42),
        ("before" = Option<u64>, Query,
            description = "The `next_before` value of the previous page: only entries with a \
                smaller `seq`. Omit for the first page.", minimum = 1, example = 1001),
        ("limit" = Option<u32>, Query, description = "Page size, 1–200; 50 when omitted",
            minimum = 1, maximum = 200),
    ),
    responses(
        (status = 200, description = "A page of the access log, newest first.",
            body = AccessLogPage),
        (status = 400, description = "Not a family id (`family_id.invalid`), a path that is \
            not UTF-8 (`path.invalid`), a bad `before` (`before.invalid`) or page size \
            (`limit.invalid`), or a query string that cannot be read, such as a parameter \
            given twice (`query.invalid`).", body = ErrorBody),
        (status = 403, description = "No such family, or the account may not see who accessed \
            it: only the family's own members and supervisors over its territory may. The two \
            are not told apart (`access.denied`).", body = ErrorBody),
    )
)]
pub async fn family_access_log(
    user: ApiUser,
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    id: Result<Path<String>, PathRejection>,
    params: Result<Query<AccessLogParams>, QueryRejection>,
) -> ApiResult<AccessLogPage> {
    let id = parse_family_id(&path_value(id)?)?;
    let Query(params) = params.map_err(|_| ApiError::bad_request("query.invalid"))?;
    let limit = parse_limit(params.limit.as_deref(), MAX_LIMIT)?;
    let before = params
        .before
        .as_deref()
        .map(|t| parse_seq(t).ok_or_else(|| ApiError::bad_request("before.invalid")))
        .transpose()?;
    let show_names = state.config.show_staff_names;
    // One entry more than the page tells whether an older page follows.
    let mut entries =
        state.services.access_log(&user.context(None), id, before, limit + 1, show_names).await?;
    let next_before = if entries.len() > limit as usize {
        entries.truncate(limit as usize);
        entries.last().map(|e| e.seq)
    } else {
        None
    };
    let items = entries.iter().map(|e| view(e, lang)).collect::<Result<_, _>>()?;
    Ok(Json(AccessLogPage { items, next_before, limit }))
}

fn view(e: &AccessLogEntry, lang: Lang) -> Result<AccessLogEntryView, ApiError> {
    let at = rfc3339(e.at).map_err(|err| {
        tracing::error!(seq = e.seq, error = %err, "audit timestamp out of range");
        ApiError::internal()
    })?;
    let c = capacity(lang, e.capacity.as_deref());
    Ok(AccessLogEntryView {
        seq: e.seq,
        at,
        action: e.action.clone(),
        action_text: action_text(lang, &e.action),
        role: c.as_ref().map(|c| c.role.code.clone()),
        role_text: c.as_ref().map(|c| c.role.text.clone()),
        agency: c.as_ref().map(|c| c.agency.code.clone()).filter(|a| !a.is_empty()),
        agency_text: c.as_ref().map(|c| c.agency.text.clone()).filter(|a| !a.is_empty()),
        by_family: e.by_family,
        name: e.actor_name.clone(),
        purpose: e.purpose.clone(),
        outcome: e.outcome.into(),
    })
}
