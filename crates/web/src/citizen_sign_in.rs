//! Citizens sign in in two steps: IIN and password, then the one-time code sent to their phone.
//!
//! Between the steps the browser holds a short-lived cookie naming the code's challenge (and the
//! last digits of the phone it went to); the code form checks it together with the same
//! double-submit token as the staff form. A signed-in citizen lands on their own family's page.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::header::{HeaderValue, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Form, http::Extensions};
use serde::Deserialize;
use shanyraq_app::AppError;
use shanyraq_app::accounts::{CODE_LIFETIME, CodeSent, SignInError};
use shanyraq_domain::Iin;

use crate::WebConfig;
use crate::auth::{
    RequestId, client_address, cookie_value, csrf_cookie_name, csrf_matches, record_refusal,
};
use crate::error::ApiError;
use crate::extract::ReqLang;
use crate::i18n::{t, t_args};
use crate::lang::Lang;
use crate::pages::{Chrome, error_page, redirect};
use crate::sign_in::{form_response, form_token, sign_in_error, start_session};
use crate::state::AppState;

/// The pre-session cookie's name: with `Secure`, the `__Host-` prefix binds it to this host.
fn challenge_cookie_name(config: &WebConfig) -> &'static str {
    if config.secure_cookies { "__Host-shanyraq-challenge" } else { "shanyraq-challenge" }
}

/// The pre-session cookie: HttpOnly, SameSite=Strict, as long as the code lives; `None` deletes
/// it.
fn challenge_cookie(config: &WebConfig, value: Option<&str>) -> HeaderValue {
    let name = challenge_cookie_name(config);
    let secure = if config.secure_cookies { "; Secure" } else { "" };
    let (value, age) = match value {
        Some(v) => (v, CODE_LIFETIME.whole_seconds()),
        None => ("", 0),
    };
    let text = format!("{name}={value}; Path=/; Max-Age={age}; HttpOnly; SameSite=Strict{secure}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

/// The cookie's value: the challenge id, then `.` and the phone's last four digits when known.
fn challenge_value(sent: &CodeSent) -> String {
    match sent.phone_tail {
        Some(tail) => {
            // The digits as characters (`b'1'`) or as numbers (`1`): either reads the same.
            let tail: String = tail
                .iter()
                .map(
                    |d| if d.is_ascii_digit() { char::from(*d) } else { char::from(b'0' + d % 10) },
                )
                .collect();
            format!("{}.{tail}", sent.challenge)
        }
        None => sent.challenge.to_string(),
    }
}

/// The challenge the browser is answering, and the phone's last digits, from its cookie.
fn pending_challenge(state: &AppState, headers: &HeaderMap) -> Option<(i64, Option<String>)> {
    let value = cookie_value(headers, challenge_cookie_name(&state.config))?;
    let (id, tail) = match value.split_once('.') {
        Some((id, tail)) => (id, Some(tail)),
        None => (value, None),
    };
    let digits = |t: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(id, 1..=18) || tail.is_some_and(|t| !digits(t, 4..=4)) {
        return None;
    }
    let id = id.parse::<i64>().ok().filter(|n| *n > 0)?;
    Some((id, tail.map(str::to_owned)))
}

#[derive(Template)]
#[template(path = "sign_in_citizen.html")]
struct CitizenPage {
    page: Chrome,
    csrf: String,
    iin: String,
    form_error: Option<String>,
    iin_error: Option<String>,
    password_error: Option<String>,
}

impl CitizenPage {
    fn has_errors(&self) -> bool {
        self.form_error.is_some() || self.iin_error.is_some() || self.password_error.is_some()
    }
}

#[derive(Template)]
#[template(path = "sign_in_code.html")]
struct CodePage {
    page: Chrome,
    csrf: String,
    /// "We sent a code to •••• 1234".
    sent: String,
    form_error: Option<String>,
    code_error: Option<String>,
}

impl CodePage {
    fn new(lang: Lang, csrf: String, tail: Option<&str>) -> CodePage {
        let sent = match tail {
            Some(tail) => t_args(lang, "signin-code-sent", &[("tail", tail.to_owned())]),
            None => t(lang, "signin-code-sent-unknown"),
        };
        CodePage { page: Chrome::new(lang), csrf, sent, form_error: None, code_error: None }
    }

    fn has_errors(&self) -> bool {
        self.form_error.is_some() || self.code_error.is_some()
    }
}

/// What the first form posts. Every field is optional so that a form with one missing gets our
/// own answer rather than the framework's.
#[derive(Debug, Default, Deserialize)]
pub struct CitizenForm {
    #[serde(default)]
    iin: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

/// What the code form posts.
#[derive(Debug, Default, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    csrf: String,
}

/// `GET /sign-in/citizen`.
pub async fn page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
) -> Response {
    let page = CitizenPage {
        page: Chrome::new(lang),
        csrf: form_token(&state, &headers),
        iin: String::new(),
        form_error: None,
        iin_error: None,
        password_error: None,
    };
    form_response(&state, StatusCode::OK, &page, &page.csrf)
}

/// `POST /sign-in/citizen`: 303 to the code form with a code on its way, or the form again
/// with what went wrong.
pub async fn submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Extension(request_id): Extension<RequestId>,
    extensions: Extensions,
    headers: HeaderMap,
    form: Result<Form<CitizenForm>, FormRejection>,
) -> Response {
    let Form(form) = form.unwrap_or_default();
    // People write an IIN in groups; the digits are what counts.
    let iin_text: String = form.iin.chars().filter(|c| !c.is_whitespace()).collect();
    let mut page = CitizenPage {
        page: Chrome::new(lang),
        csrf: form_token(&state, &headers),
        iin: form.iin.trim().to_owned(),
        form_error: None,
        iin_error: None,
        password_error: None,
    };
    let respond = |status, page: &CitizenPage| form_response(&state, status, page, &page.csrf);
    let expected = cookie_value(&headers, csrf_cookie_name(&state.config));
    if !csrf_matches(Some(&form.csrf), expected) {
        record_refusal(&state, None, &request_id, "request.csrf", "form:citizen_sign_in").await;
        page.form_error = Some(t(lang, "err-auth-csrf"));
        return respond(StatusCode::FORBIDDEN, &page);
    }
    let iin = if iin_text.is_empty() {
        page.iin_error = Some(t(lang, "signin-iin-missing"));
        None
    } else {
        match iin_text.parse::<Iin>() {
            Ok(iin) => Some(iin),
            Err(e) => {
                page.iin_error = Some(ApiError::from(e).message(lang));
                None
            }
        }
    };
    if form.password.is_empty() {
        page.password_error = Some(t(lang, "signin-password-missing"));
    }
    let Some(iin) = iin.filter(|_| !page.has_errors()) else {
        return respond(StatusCode::BAD_REQUEST, &page);
    };
    let address = client_address(&extensions);
    let result = state
        .services
        .citizen_sign_in()
        .start(iin, &form.password, &address, &request_id.0, lang.into())
        .await;
    match result {
        Ok(sent) => {
            let mut response = redirect("/sign-in/code");
            let value = challenge_value(&sent);
            response
                .headers_mut()
                .append(SET_COOKIE, challenge_cookie(&state.config, Some(&value)));
            response
        }
        Err(AppError::SignIn(e)) => {
            let (status, message) = sign_in_error(lang, e);
            page.form_error = Some(message);
            respond(status, &page)
        }
        Err(e) => error_page(lang, &ApiError::from(e)),
    }
}

/// `GET /sign-in/code`: the code form, or back to the first step when no code is pending.
pub async fn code_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    headers: HeaderMap,
) -> Response {
    let Some((_, tail)) = pending_challenge(&state, &headers) else {
        return redirect("/sign-in/citizen");
    };
    let page = CodePage::new(lang, form_token(&state, &headers), tail.as_deref());
    form_response(&state, StatusCode::OK, &page, &page.csrf)
}

/// `POST /sign-in/code`: 303 to the citizen's family with a new session, or the form again.
pub async fn code_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Extension(request_id): Extension<RequestId>,
    extensions: Extensions,
    headers: HeaderMap,
    form: Result<Form<CodeForm>, FormRejection>,
) -> Response {
    let Some((challenge, tail)) = pending_challenge(&state, &headers) else {
        return redirect("/sign-in/citizen");
    };
    let Form(form) = form.unwrap_or_default();
    let mut page = CodePage::new(lang, form_token(&state, &headers), tail.as_deref());
    let respond = |status, page: &CodePage| form_response(&state, status, page, &page.csrf);
    let expected = cookie_value(&headers, csrf_cookie_name(&state.config));
    if !csrf_matches(Some(&form.csrf), expected) {
        record_refusal(&state, None, &request_id, "request.csrf", "form:citizen_sign_in").await;
        page.form_error = Some(t(lang, "err-auth-csrf"));
        return respond(StatusCode::FORBIDDEN, &page);
    }
    let code: String = form.code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.is_empty() {
        page.code_error = Some(t(lang, "signin-code-missing"));
    } else if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        page.code_error = Some(t(lang, "signin-code-format"));
    }
    if page.has_errors() {
        return respond(StatusCode::BAD_REQUEST, &page);
    }
    let address = client_address(&extensions);
    let today = state.services.today();
    let result = state
        .services
        .citizen_sign_in()
        .finish(challenge, &code, &address, &request_id.0, today)
        .await;
    let signed_in = match result {
        Ok(s) => s,
        Err(AppError::SignIn(SignInError::Failed)) => {
            page.form_error = Some(t(lang, "signin-code-failed"));
            return respond(StatusCode::UNAUTHORIZED, &page);
        }
        Err(AppError::SignIn(e)) => {
            let (status, message) = sign_in_error(lang, e);
            page.form_error = Some(message);
            return respond(status, &page);
        }
        Err(e) => return error_page(lang, &ApiError::from(e)),
    };
    let next =
        signed_in.principal.own_family.map_or_else(|| "/".to_owned(), |f| format!("/families/{f}"));
    let mut response = start_session(&state, &headers, &signed_in, &next).await;
    response.headers_mut().append(SET_COOKIE, challenge_cookie(&state.config, None));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_cookie_names_the_challenge_and_the_phone() {
        let with = CodeSent { challenge: 42, phone_tail: Some(*b"1234") };
        assert_eq!(challenge_value(&with), "42.1234");
        let numbers = CodeSent { challenge: 42, phone_tail: Some([1, 2, 3, 4]) };
        assert_eq!(challenge_value(&numbers), "42.1234");
        let without = CodeSent { challenge: 7, phone_tail: None };
        assert_eq!(challenge_value(&without), "7");
        let config = WebConfig::default();
        let cookie = challenge_cookie(&config, Some("42.1234"));
        let cookie = cookie.to_str().unwrap();
        assert!(cookie.starts_with("__Host-shanyraq-challenge=42.1234;"), "{cookie}");
        for part in ["HttpOnly", "SameSite=Strict", "Secure", "Max-Age=300", "Path=/"] {
            assert!(cookie.contains(part), "{cookie}: {part}");
        }
    }
}
