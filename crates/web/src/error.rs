//! API errors: a stable code, an HTTP status and the arguments of a Fluent message.
//!
//! Handlers return an [`ApiError`] without knowing the request's language; its response carries
//! the error as an extension, and [`localize_errors`] (run around every route) writes the JSON
//! body `{"error":{"code","message"}}` in the language the request negotiated.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_LENGTH, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use shanyraq_app::AppError;
use shanyraq_app::accounts::SignInError;
use shanyraq_domain::{IinError, KatoError};
use shanyraq_store::StoreError;
use utoipa::ToSchema;

use crate::i18n;
use crate::lang::Lang;
use crate::state::AppState;

/// An error on its way to becoming a JSON response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    /// Stable, machine-readable; clients switch on it.
    pub code: &'static str,
    /// The Fluent message; usually `err-` + the code with dots as dashes.
    key: String,
    args: Vec<(&'static str, String)>,
}

/// The body of every error response of the API.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"error": {"code": "iin.check_digit",
    "message": "The IIN's check digit (digit 12) should be 8, but it is 9."}}))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong, for programs (`code`) and for people (`message`, in the request's language).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable code, e.g. `iin.check_digit`, `kato.length`, `cursor.invalid`, `not_found`; each
    /// response of the API lists the codes it can carry.
    pub code: String,
    /// Human-readable, in kk, ru or en as negotiated (`?lang=`, `lang` cookie, `Accept-Language`).
    pub message: String,
}

fn message_key(code: &str) -> String {
    format!("err-{}", code.replace('.', "-"))
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str) -> ApiError {
        ApiError { status, code, key: message_key(code), args: Vec::new() }
    }

    fn with_key(mut self, key: impl Into<String>) -> ApiError {
        self.key = key.into();
        self
    }

    pub(crate) fn arg(mut self, name: &'static str, value: impl ToString) -> ApiError {
        self.args.push((name, value.to_string()));
        self
    }

    pub fn bad_request(code: &'static str) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code)
    }

    /// An id that names nothing; `what` is `family`, `person`, `territory` or `batch`.
    pub fn not_found(what: &str, id: impl ToString) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found")
            .with_key(format!("err-not_found-{what}"))
            .arg("id", id)
    }

    pub fn route_not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "route.not_found")
    }

    pub fn method_not_allowed() -> ApiError {
        ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method.not_allowed")
    }

    pub fn internal() -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
    }

    pub fn unavailable() -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    }

    /// A `limit` outside 1..=`max`.
    pub fn bad_limit(max: u32) -> ApiError {
        ApiError::bad_request("limit.invalid").arg("max", max)
    }

    /// The message in `lang`, falling back to a generic one for codes without a text.
    pub fn message(&self, lang: Lang) -> String {
        let by_code = message_key(self.code);
        for key in [self.key.as_str(), by_code.as_str()] {
            if let Some(message) = i18n::try_t_args(lang, key, &self.args) {
                return message;
            }
        }
        let generic =
            if self.status.is_server_error() { "err-internal" } else { "err-bad_request" };
        i18n::t(lang, generic)
    }

    pub fn body(&self, lang: Lang) -> ErrorBody {
        ErrorBody { error: ErrorDetail { code: self.code.to_owned(), message: self.message(lang) } }
    }
}

impl From<IinError> for ApiError {
    fn from(e: IinError) -> ApiError {
        let err = ApiError::bad_request(e.code());
        match e {
            IinError::Empty | IinError::Unissuable => err,
            IinError::WrongLength { found } => err.arg("found", found),
            IinError::NonDigit { position, found } => {
                err.arg("position", position).arg("found", found)
            }
            IinError::CheckDigitMismatch { expected, found } => {
                err.arg("expected", expected).arg("found", found)
            }
        }
    }
}

impl From<KatoError> for ApiError {
    fn from(e: KatoError) -> ApiError {
        let err = ApiError::bad_request(e.code());
        match e {
            KatoError::Empty | KatoError::NoRegion => err,
            KatoError::WrongLength { found } => err.arg("found", found),
            KatoError::NonDigit { position, found } => {
                err.arg("position", position).arg("found", found)
            }
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        match e {
            AppError::NotFound { what, id } => ApiError::not_found(what, id),
            // The reason goes to the audit, never to the user: "no such family" and "not
            // yours" read the same.
            AppError::Denied { .. } => ApiError::new(StatusCode::FORBIDDEN, "access.denied"),
            AppError::PurposeRequired => {
                ApiError::new(StatusCode::PRECONDITION_REQUIRED, "access.purpose_required")
            }
            AppError::SignIn(e) => match e {
                SignInError::Throttled { minutes } => {
                    ApiError::new(StatusCode::TOO_MANY_REQUESTS, e.code()).arg("minutes", minutes)
                }
                SignInError::Failed | SignInError::SessionExpired => {
                    ApiError::new(StatusCode::UNAUTHORIZED, e.code())
                }
            },
            AppError::InvalidInput { code, field, .. } => {
                let err = ApiError::new(StatusCode::BAD_REQUEST, code).arg("field", field);
                let specific = i18n::try_t_args(Lang::En, &err.key, &err.args).is_some();
                if specific { err } else { err.with_key("err-invalid_input") }
            }
            AppError::Store(
                e @ (StoreError::Open { .. }
                | StoreError::SchemaTooNew { .. }
                | StoreError::SchemaTooOld { .. }),
            ) => {
                tracing::error!(code = e.code(), error = %e, "store unavailable");
                ApiError::unavailable()
            }
            other => {
                tracing::error!(code = other.code(), error = %other, "request failed");
                ApiError::internal()
            }
        }
    }
}

/// The response is finished by [`localize_errors`]; without it the message is English.
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body(Lang::En))).into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// Rewrites the body of an [`ApiError`] response in the request's language.
pub async fn localize_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let lang = Lang::negotiate(req.uri().query(), req.headers(), state.config.default_language);
    let response = next.run(req).await;
    let Some(error) = response.extensions().get::<ApiError>().cloned() else {
        return response;
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(CONTENT_LENGTH);
    parts.headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let body = Json(error.body(lang)).into_response().into_body();
    Response::from_parts(parts, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iin_errors_say_what_is_wrong() {
        let e: ApiError = "791028302729".parse::<shanyraq_domain::Iin>().unwrap_err().into();
        assert_eq!(e.code, "iin.check_digit");
        for lang in Lang::ALL {
            let m = e.message(lang);
            assert!(m.contains('8') && m.contains('9'), "{lang}: {m}");
        }
        let e: ApiError = "7910283027x8".parse::<shanyraq_domain::Iin>().unwrap_err().into();
        assert!(e.message(Lang::Ru).contains("11"), "{}", e.message(Lang::Ru));
        assert!(e.message(Lang::Ru).contains('x'));
    }

    #[test]
    fn unknown_codes_get_a_generic_message() {
        let e = ApiError::new(StatusCode::BAD_REQUEST, "something.new");
        assert_eq!(e.message(Lang::En), i18n::t(Lang::En, "err-bad_request"));
        assert!(ApiError::not_found("family", 7).message(Lang::En).contains('7'));
        assert_eq!(
            ApiError::not_found("widget", 7).message(Lang::En),
            i18n::t(Lang::En, "err-not_found")
        );
    }
}
