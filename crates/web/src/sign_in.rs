//! Signing in and out: the sign-in page, and the forms in the page header that end one session
//! or every session of the account.
//!
//! The sign-in form is protected from cross-site posting by a double-submit token (a cookie
//! and a hidden field that must match); the sign-out forms carry the session's own token.
//! Whatever fails, nothing is said that would tell an unknown sign-in name from a wrong password.

use askama::Template;
use axum::Extension;
use axum::extract::rejection::FormRejection;
use axum::extract::{OriginalUri, State};
use axum::http::header::{CACHE_CONTROL, HeaderValue, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Form, http::Extensions};
use serde::Deserialize;
use shanyraq_app::AppError;
use shanyraq_app::accounts::{Secret, SignInError, SignedIn};

use crate::auth::{
    RequestId, Session, client_address, cookie_value, csrf_cookie_name, csrf_matches, local_next,
    query_param, record_refusal, session_cookie_name, set_cookie,
};
use crate::error::ApiError;
use crate::extract::ReqLang;
use crate::i18n::{t, t_args};
use crate::lang::Lang;
use crate::pages::{Chrome, csrf_page, error_page, html, redirect};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    page: Chrome,
    csrf: String,
    next: String,
    login: String,
    /// The session ended (timeout or sign-out elsewhere): say so above the form.
    expired: bool,
    /// Errors of the whole form (wrong name or password, throttled, stale form).
    form_error: Option<String>,
    login_error: Option<String>,
    password_error: Option<String>,
}

impl SignInPage {
    fn has_errors(&self) -> bool {
        self.form_error.is_some() || self.login_error.is_some() || self.password_error.is_some()
    }
}

/// What the sign-in form posts. Every field is optional so that a form with one missing gets
/// our own answer rather than the framework's.
#[derive(Debug, Default, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

/// What a sign-out form posts.
#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf: String,
}

/// The double-submit token of the sign-in form: the one the browser holds, when it is one the
/// server could have given, else a fresh one.
pub(crate) fn form_token(state: &AppState, headers: &HeaderMap) -> String {
    cookie_value(headers, csrf_cookie_name(&state.config))
        .and_then(Secret::from_client)
        .or_else(|| Secret::generate().ok())
        .map(|s| s.expose().to_owned())
        .unwrap_or_default()
}

/// The sign-in page, with the token cookie set and nothing cached.
fn sign_in_response(state: &AppState, status: StatusCode, page: &SignInPage) -> Response {
    form_response(state, status, page, &page.csrf)
}

/// A page with a sign-in form whose token is `csrf`: the token cookie set, nothing cached.
pub(crate) fn form_response(
    state: &AppState,
    status: StatusCode,
    page: &impl Template,
    csrf: &str,
) -> Response {
    let mut response = html(status, page);
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers
        .append(SET_COOKIE, set_cookie(&state.config, csrf_cookie_name(&state.config), Some(csrf)));
    response
}

/// `GET /sign-in?next=/families/3`.
pub async fn page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    OriginalUri(uri): OriginalUri,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
) -> Response {
    let next = local_next(query_param(uri.query(), "next").as_deref());
    let page = SignInPage {
        page: Chrome::new(lang),
        csrf: form_token(&state, &headers),
        next,
        login: String::new(),
        expired: matches!(session, Session::Anonymous { expired: true }),
        form_error: None,
        login_error: None,
        password_error: None,
    };
    sign_in_response(&state, StatusCode::OK, &page)
}

/// `POST /sign-in`: 303 to `next` with a new session, or the form again with what went wrong.
pub async fn submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Extension(request_id): Extension<RequestId>,
    extensions: Extensions,
    headers: HeaderMap,
    form: Result<Form<SignInForm>, FormRejection>,
) -> Response {
    let Form(form) = form.unwrap_or_default();
    let mut page = SignInPage {
        page: Chrome::new(lang),
        csrf: form_token(&state, &headers),
        next: local_next(Some(&form.next)),
        login: form.login.trim().to_owned(),
        expired: false,
        form_error: None,
        login_error: None,
        password_error: None,
    };
    let expected = cookie_value(&headers, csrf_cookie_name(&state.config));
    if !csrf_matches(Some(&form.csrf), expected) {
        record_refusal(&state, None, &request_id, "request.csrf", "form:sign_in").await;
        page.form_error = Some(t(lang, "err-auth-csrf"));
        return sign_in_response(&state, StatusCode::FORBIDDEN, &page);
    }
    if page.login.is_empty() {
        page.login_error = Some(t(lang, "signin-login-missing"));
    }
    if form.password.is_empty() {
        page.password_error = Some(t(lang, "signin-password-missing"));
    }
    if page.has_errors() {
        return sign_in_response(&state, StatusCode::BAD_REQUEST, &page);
    }
    let address = client_address(&extensions);
    let result = state
        .services
        .sign_in()
        .sign_in(&form.login, &form.password, &address, &request_id.0, state.services.today())
        .await;
    let signed_in = match result {
        Ok(s) => s,
        Err(AppError::SignIn(e)) => {
            let (status, message) = sign_in_error(lang, e);
            page.form_error = Some(message);
            return sign_in_response(&state, status, &page);
        }
        Err(e) => return error_page(lang, &ApiError::from(e)),
    };
    start_session(&state, &headers, &signed_in, &page.next).await
}

/// 303 to `next` with the session `signed_in` in its cookie; a session the browser already had
/// ends here: signing in always starts a new one.
pub(crate) async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    signed_in: &SignedIn,
    next: &str,
) -> Response {
    let session_name = session_cookie_name(&state.config);
    if let Some(old) = cookie_value(headers, session_name).and_then(Secret::from_client)
        && let Err(e) = state.services.sign_in().sign_out(&old).await
    {
        tracing::warn!(code = e.code(), "could not end the previous session");
    }
    let mut response = redirect(next);
    let out = response.headers_mut();
    out.append(
        SET_COOKIE,
        set_cookie(&state.config, session_name, Some(signed_in.cookie.expose())),
    );
    out.append(SET_COOKIE, set_cookie(&state.config, csrf_cookie_name(&state.config), None));
    out.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The status and words of a failed sign-in.
pub(crate) fn sign_in_error(lang: Lang, e: SignInError) -> (StatusCode, String) {
    match e {
        SignInError::Failed => (StatusCode::UNAUTHORIZED, t(lang, "err-auth-failed")),
        SignInError::Throttled { minutes } => (
            StatusCode::TOO_MANY_REQUESTS,
            t_args(lang, "err-auth-throttled", &[("minutes", minutes.to_string())]),
        ),
        SignInError::SessionExpired => {
            (StatusCode::UNAUTHORIZED, t(lang, "err-auth-session_expired"))
        }
    }
}

/// `POST /sign-out`: ends this session.
pub async fn sign_out(
    state: State<AppState>,
    lang: ReqLang,
    session: Extension<Session>,
    request_id: Extension<RequestId>,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    end_sessions(state, lang, session, request_id, form, false).await
}

/// `POST /sign-out-everywhere`: ends every session of the account, on every device.
pub async fn sign_out_everywhere(
    state: State<AppState>,
    lang: ReqLang,
    session: Extension<Session>,
    request_id: Extension<RequestId>,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    end_sessions(state, lang, session, request_id, form, true).await
}

async fn end_sessions(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Extension(session): Extension<Session>,
    Extension(request_id): Extension<RequestId>,
    form: Result<Form<TokenForm>, FormRejection>,
    everywhere: bool,
) -> Response {
    let signed_in = match session {
        Session::SignedIn(s) => s,
        Session::Unavailable(e) => return error_page(lang, &e),
        // Nothing to end.
        Session::Anonymous { .. } => return redirect("/sign-in"),
    };
    let Form(form) = form.unwrap_or_default();
    if !csrf_matches(Some(&form.csrf), Some(&signed_in.csrf_token)) {
        record_refusal(&state, Some(&signed_in), &request_id, "request.csrf", "form:sign_out")
            .await;
        return csrf_page(lang);
    }
    let sign_in = state.services.sign_in();
    let result = if everywhere {
        sign_in.sign_out_everywhere(signed_in.account.id).await.map(|_| ())
    } else {
        sign_in.sign_out(&signed_in.cookie).await
    };
    if let Err(e) = result {
        return error_page(lang, &ApiError::from(e));
    }
    let mut response = redirect("/sign-in");
    let name = session_cookie_name(&state.config);
    response.headers_mut().append(SET_COOKIE, set_cookie(&state.config, name, None));
    response
}
