//! Extractors shared by pages and the API.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::lang::Lang;
use crate::state::AppState;

/// The language the request negotiated (`?lang=`, cookie, `Accept-Language`, default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReqLang(pub Lang);

impl FromRequestParts<AppState> for ReqLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ReqLang(Lang::negotiate(
            parts.uri.query(),
            &parts.headers,
            state.config.default_language,
        )))
    }
}
