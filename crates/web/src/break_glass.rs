//! Emergency access ("break-glass"): a staff member opens one family outside their scope, with a
//! reason, for a limited time; a supervisor reviews every such access afterwards.
//!
//! The request form sits on the family page's refusal; the review list is for supervisors.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Form};
use serde::Deserialize;
use shanyraq_app::AppError;
use shanyraq_app::accounts::SignedIn;
use shanyraq_app::authz::{AccessContext, Purpose};
use shanyraq_domain::FamilyId;
use shanyraq_domain::access::policy;
use shanyraq_store::BreakGlassRecord;

use crate::access_log::{dotted_time, machine_time};
use crate::api::parse_family_id;
use crate::auth::{RequestId, Session, csrf_matches, record_refusal, url_encode};
use crate::error::ApiError;
use crate::extract::ReqLang;
use crate::i18n::{t, t_args};
use crate::lang::Lang;
use crate::pages::{
    Chrome, csrf_page, denied_page, error_page, html, not_found_page, redirect, viewer_or_sign_in,
};
use crate::state::AppState;

/// The lengths an emergency access may be asked for, in minutes; the policy caps it at four
/// hours.
pub const DURATIONS: [i64; 4] = [30, 60, 120, 240];

/// The length chosen when the form names none of [`DURATIONS`].
const DEFAULT_MINUTES: i64 = 60;

/// Entries on the review list.
const LIST_SIZE: u32 = 200;

/// One choice of the duration list.
#[derive(Debug, Clone)]
pub struct Duration {
    pub minutes: i64,
    pub label: String,
    pub selected: bool,
}

/// The request form on the refusal page.
#[derive(Debug, Clone)]
pub struct RequestForm {
    pub action: String,
    pub csrf: String,
    pub reason: String,
    pub durations: Vec<Duration>,
}

#[derive(Template)]
#[template(path = "family_denied.html")]
struct DeniedPage {
    page: Chrome,
    form: Option<RequestForm>,
    error: Option<String>,
}

/// What the request form posts. Every field is optional so that a form with one missing gets
/// our own answer rather than the framework's.
#[derive(Debug, Default, Deserialize)]
pub struct OpenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    minutes: String,
}

/// What a review form posts.
#[derive(Debug, Default, Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    note: String,
}

fn durations(lang: Lang, chosen: i64) -> Vec<Duration> {
    DURATIONS
        .into_iter()
        .map(|minutes| Duration {
            minutes,
            label: t(lang, &format!("break-glass-duration-{minutes}")),
            selected: minutes == chosen,
        })
        .collect()
}

/// The minutes a form asked for, when they are one of [`DURATIONS`].
fn parse_minutes(text: &str) -> i64 {
    text.trim().parse::<i64>().ok().filter(|m| DURATIONS.contains(m)).unwrap_or(DEFAULT_MINUTES)
}

/// 403 on the family page: the family does not exist or `viewer` may not open it. Staff who may
/// ask for emergency access get the form to ask for it.
pub fn family_denied(lang: Lang, id: FamilyId, viewer: &SignedIn) -> Response {
    denied_with_form(lang, id, viewer, String::new(), DEFAULT_MINUTES, None, StatusCode::FORBIDDEN)
}

fn denied_with_form(
    lang: Lang,
    id: FamilyId,
    viewer: &SignedIn,
    reason: String,
    minutes: i64,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let form = policy::may_break_glass(&viewer.principal).then(|| RequestForm {
        action: format!("/families/{id}/break-glass"),
        csrf: viewer.csrf_token.clone(),
        reason,
        durations: durations(lang, minutes),
    });
    html(status, &DeniedPage { page: Chrome::new(lang), form, error })
}

/// `POST /families/{id}/break-glass`: opens an emergency access to the family and goes to its
/// page with the reason as the purpose; an empty reason shows the form again.
pub async fn open(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Extension(session): Extension<Session>,
    Extension(request_id): Extension<RequestId>,
    id: Path<String>,
    form: Result<Form<OpenForm>, FormRejection>,
) -> Response {
    let Ok(id) = parse_family_id(&id) else { return not_found_page(lang) };
    let viewer = match &session {
        Session::SignedIn(s) => s.clone(),
        Session::Unavailable(e) => return error_page(lang, e),
        Session::Anonymous { .. } => return redirect(&format!("/sign-in?next=/families/{id}")),
    };
    let Form(form) = form.unwrap_or_default();
    if !csrf_matches(Some(&form.csrf), Some(&viewer.csrf_token)) {
        record_refusal(&state, Some(&viewer), &request_id, "request.csrf", "form:break_glass")
            .await;
        return csrf_page(lang);
    }
    if !policy::may_break_glass(&viewer.principal) {
        return denied_page(lang);
    }
    let minutes = parse_minutes(&form.minutes);
    let reason = match Purpose::parse(&form.reason) {
        Ok(r) => r,
        Err(e) => {
            let subject = format!("family:{id}");
            record_refusal(&state, Some(&viewer), &request_id, "family.break_glass", &subject)
                .await;
            let message = ApiError::from(e).message(lang);
            return denied_with_form(
                lang,
                id,
                &viewer,
                form.reason,
                minutes,
                Some(message),
                StatusCode::BAD_REQUEST,
            );
        }
    };
    let ctx = AccessContext::new(viewer.principal.clone(), request_id.0);
    match state.services.open_break_glass(&ctx, id, &reason, minutes).await {
        Ok(_) => redirect(&format!("/families/{id}?purpose={}", url_encode(reason.as_str()))),
        Err(AppError::Denied { .. } | AppError::NotFound { .. }) => denied_page(lang),
        Err(e) => error_page(lang, &ApiError::from(e)),
    }
}

/// One access waiting for review.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: i64,
    pub who: String,
    pub family: String,
    pub family_href: String,
    pub reason: String,
    pub opened: String,
    pub opened_iso: String,
    pub until: String,
    pub until_iso: String,
    pub action: String,
    pub note: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "break_glass.html")]
struct ReviewPage {
    page: Chrome,
    csrf: String,
    rows: Vec<Row>,
    /// The row whose note was missing, and why.
    error: Option<(i64, String)>,
}

/// `GET /break-glass`: the emergency accesses waiting for review, oldest first; for supervisors.
pub async fn list(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    OriginalUri(uri): OriginalUri,
    Extension(session): Extension<Session>,
    Extension(request_id): Extension<RequestId>,
) -> Response {
    let viewer = match viewer_or_sign_in(&session, lang, &uri) {
        Ok(v) => v,
        Err(answer) => return *answer,
    };
    review_page(&state, lang, &viewer, request_id, None, StatusCode::OK).await
}

async fn review_page(
    state: &AppState,
    lang: Lang,
    viewer: &Arc<SignedIn>,
    request_id: RequestId,
    error: Option<(i64, String, String)>,
    status: StatusCode,
) -> Response {
    let ctx = AccessContext::new(viewer.principal.clone(), request_id.0.clone());
    let records = match state.services.unreviewed_break_glass(&ctx, LIST_SIZE).await {
        Ok(r) => r,
        Err(AppError::Denied { .. }) => return supervisors_only(lang),
        Err(e) => return error_page(lang, &ApiError::from(e)),
    };
    let names = match account_names(state, &records).await {
        Ok(n) => n,
        Err(e) => return error_page(lang, &ApiError::from(e)),
    };
    let offset = state.services.utc_offset();
    let rows = records
        .iter()
        .map(|r| {
            let (note, row_error) = match &error {
                Some((id, note, message)) if *id == r.id => (note.clone(), Some(message.clone())),
                _ => (String::new(), None),
            };
            Row {
                id: r.id,
                who: names.get(&r.account).cloned().unwrap_or_else(|| {
                    t_args(lang, "break-glass-account", &[("id", r.account.to_string())])
                }),
                family: t_args(lang, "family-heading", &[("id", r.family.to_string())]),
                family_href: format!("/families/{}", r.family),
                reason: r.reason.clone(),
                opened: dotted_time(r.opened_at, offset),
                opened_iso: machine_time(r.opened_at, offset),
                until: dotted_time(r.until, offset),
                until_iso: machine_time(r.until, offset),
                action: format!("/break-glass/{}/review", r.id),
                note,
                error: row_error,
            }
        })
        .collect();
    let page = ReviewPage {
        page: Chrome::new(lang),
        csrf: viewer.csrf_token.clone(),
        rows,
        error: error.map(|(id, _, message)| (id, message)),
    };
    html(status, &page)
}

/// The display names of the accounts that opened `records`.
async fn account_names(
    state: &AppState,
    records: &[BreakGlassRecord],
) -> Result<HashMap<i64, String>, AppError> {
    let ids: Vec<i64> = records.iter().map(|r| r.account).collect();
    state.services.display_names(&ids).await
}

/// 403: the review list is for supervisors.
fn supervisors_only(lang: Lang) -> Response {
    let page = crate::pages::MessagePage {
        page: Chrome::new(lang),
        heading: t(lang, "denied-heading"),
        text: t(lang, "break-glass-supervisors-only"),
    };
    html(StatusCode::FORBIDDEN, &page)
}

/// `POST /break-glass/{id}/review`: records a supervisor's review with a note and goes back to
/// the list; an empty note shows the list again with the error at its row.
pub async fn review(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Extension(session): Extension<Session>,
    Extension(request_id): Extension<RequestId>,
    id: Path<String>,
    form: Result<Form<ReviewForm>, FormRejection>,
) -> Response {
    let Some(id) = crate::access_log::parse_seq(&id).and_then(|n| i64::try_from(n).ok()) else {
        return not_found_page(lang);
    };
    let viewer = match &session {
        Session::SignedIn(s) => s.clone(),
        Session::Unavailable(e) => return error_page(lang, e),
        Session::Anonymous { .. } => return redirect("/sign-in?next=/break-glass"),
    };
    let Form(form) = form.unwrap_or_default();
    if !csrf_matches(Some(&form.csrf), Some(&viewer.csrf_token)) {
        record_refusal(&state, Some(&viewer), &request_id, "request.csrf", "form:break_glass")
            .await;
        return csrf_page(lang);
    }
    let note = match Purpose::parse(&form.note) {
        Ok(n) => n,
        Err(e) => {
            let subject = format!("break_glass:{id}");
            record_refusal(&state, Some(&viewer), &request_id, "break_glass.review", &subject)
                .await;
            let message = ApiError::from(e).message(lang);
            let error = Some((id, form.note, message));
            return review_page(&state, lang, &viewer, request_id, error, StatusCode::BAD_REQUEST)
                .await;
        }
    };
    let ctx = AccessContext::new(viewer.principal.clone(), request_id.0);
    match state.services.review_break_glass(&ctx, id, &note).await {
        Ok(_) => redirect("/break-glass"),
        Err(AppError::Denied { .. }) => supervisors_only(lang),
        Err(AppError::NotFound { .. }) => not_found_page(lang),
        Err(e) => error_page(lang, &ApiError::from(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_offered_and_read_back() {
        assert_eq!(parse_minutes("240"), 240);
        assert_eq!(parse_minutes("30"), 30);
        assert_eq!(parse_minutes("600"), DEFAULT_MINUTES);
        assert_eq!(parse_minutes(""), DEFAULT_MINUTES);
        for lang in Lang::ALL {
            for d in durations(lang, 120) {
                assert!(!d.label.starts_with("break-glass"), "{lang}: {}", d.label);
                assert_eq!(d.selected, d.minutes == 120);
            }
        }
    }
}
