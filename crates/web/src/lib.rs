//! HTTP for Shanyraq: the JSON API under `/api/v1` with its OpenAPI description and reference
//! page, `/health`, and the server-rendered pages in kk/ru/en.
//!
//! This crate talks only to the application layer (`shanyraq_app::Services`); it knows nothing
//! of SQL or of which store backend runs underneath.

pub mod api;
mod assets;
pub mod docs;
mod error;
mod extract;
mod family_page;
mod i18n;
pub mod lang;
mod pages;
mod router;
mod state;

pub use error::{ErrorBody, ErrorDetail};
pub use lang::Lang;
pub use router::{router, serve};

/// How the web layer is set up for a deployment.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The language of a request that names none (no `?lang=`, cookie or usable
    /// `Accept-Language`). The demo uses Kazakh, the state language.
    pub default_language: Lang,
}

impl Default for WebConfig {
    fn default() -> WebConfig {
        WebConfig { default_language: Lang::Kk }
    }
}
