//! HTTP for Shanyraq: the JSON API under `/api/v1` with its OpenAPI description and reference
//! page, `/health`, and the server-rendered pages in kk/ru/en.
//!
//! This crate talks only to the application layer (`shanyraq_app::Services`); it knows nothing
//! of SQL or of which store backend runs underneath.

mod access_log;
mod admin;
pub mod api;
mod assets;
pub mod auth;
mod baseline;
mod break_glass;
mod citizen_sign_in;
pub mod docs;
mod error;
mod extract;
mod family_page;
mod i18n;
pub mod lang;
mod pages;
mod router;
mod sign_in;
mod state;

pub use auth::session_cookie_name;
pub use baseline::baseline_router;
pub use error::{ErrorBody, ErrorDetail};
pub use lang::Lang;
pub use router::{router, serve};

/// How the web layer is set up for a deployment.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The language of a request that names none (no `?lang=`, cookie or usable
    /// `Accept-Language`). The demo uses Kazakh, the state language.
    pub default_language: Lang,
    /// Whether cookies are marked `Secure` (and named with the `__Host-` prefix), so that
    /// browsers send them over HTTPS only. Browsers treat `http://127.0.0.1` and
    /// `http://localhost` as secure too, so the demo keeps this on; turn it off only to serve
    /// plain HTTP on another address.
    pub secure_cookies: bool,
    /// Whether the law of the deployment lets citizens see the names of the staff who opened
    /// their data. Off, the access log names the organisation and role only.
    pub show_staff_names: bool,
}

impl Default for WebConfig {
    fn default() -> WebConfig {
        WebConfig { default_language: Lang::Kk, secure_cookies: true, show_staff_names: false }
    }
}
