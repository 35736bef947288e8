//! The routes, the layers every response passes through, and serving with graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath};
use axum::http::Request;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, HeaderValue, REFERRER_POLICY, VARY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use shanyraq_app::Services;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::WebConfig;
use crate::access_log;
use crate::admin;
use crate::api;
use crate::auth;
use crate::break_glass;
use crate::citizen_sign_in;
use crate::docs::DocsModel;
use crate::error::localize_errors;
use crate::pages;
use crate::sign_in;
use crate::state::{AppState, TerritoryCache};

/// No script, no inline style, nothing from elsewhere, never inside a frame.
const CSP: &str = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The whole HTTP surface over `services`.
pub fn router(services: Services, config: WebConfig) -> Router {
    let openapi = serde_json::to_value(api::openapi::document()).unwrap_or_default();
    let state = AppState {
        services,
        config: Arc::new(config),
        territories: Arc::new(TerritoryCache::default()),
        openapi_json: Arc::new(openapi.to_string()),
        docs: Arc::new(DocsModel::from_openapi(&openapi)),
    };

    // Personal data: no cache anywhere keeps a copy.
    let api_v1 = Router::new()
        .route("/territories/{kato}", get(api::territory))
        .route("/territories/{kato}/families", get(api::families_in_territory))
        .route("/territories/{kato}/families.csv", get(api::export::families_csv))
        .route("/families/{id}", get(api::family))
        .route("/families/{id}/assessment", get(api::assessment::family_assessment))
        .route("/families/{id}/access-log", get(api::access_log::family_access_log))
        .route("/stats/levels", get(api::assessment::level_stats))
        .route("/persons/{iin}", get(api::person))
        .route("/batches", get(api::batches::list))
        .route("/batches/{id}", get(api::batches::one))
        .route(
            "/feeds/{source}/batches",
            post(api::uploads::upload)
                .layer(DefaultBodyLimit::max(api::uploads::MAX_UPLOAD_BYTES + 1)),
        )
        .method_not_allowed_fallback(pages::method_not_allowed)
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));

    let routes = Router::new()
        .route("/", get(pages::start))
        .route("/health", get(api::health))
        .route("/api/openapi.json", get(api::openapi_json))
        .route("/api/docs", get(pages::docs))
        .route("/families/{id}", get(pages::family))
        .route("/families/{id}/access-log", get(access_log::page))
        .route("/families/{id}/break-glass", post(break_glass::open))
        .route("/break-glass", get(break_glass::list))
        .route("/break-glass/{id}/review", post(break_glass::review))
        .route("/admin", get(admin::index))
        .route("/admin/users", get(admin::users))
        .route("/admin/users/add", post(admin::add_user))
        .route("/admin/users/grant", post(admin::grant_role))
        .route("/admin/users/revoke", post(admin::revoke_role))
        .route("/admin/users/category", post(admin::set_category))
        .route("/admin/users/password", post(admin::set_password))
        .route("/admin/users/sign-out", post(admin::sign_out_user))
        .route("/admin/tokens", get(admin::tokens))
        .route("/admin/tokens/issue", post(admin::issue_token))
        .route("/admin/tokens/revoke", post(admin::revoke_token))
        .route("/sign-in", get(sign_in::page).post(sign_in::submit))
        .route("/sign-in/citizen", get(citizen_sign_in::page).post(citizen_sign_in::submit))
        .route("/sign-in/code", get(citizen_sign_in::code_page).post(citizen_sign_in::code_submit))
        .route("/sign-out", post(sign_in::sign_out))
        .route("/sign-out-everywhere", post(sign_in::sign_out_everywhere))
        .route("/assets/{file}", get(pages::asset))
        .nest("/api/v1", api_v1)
        .fallback(pages::fallback)
        .method_not_allowed_fallback(pages::method_not_allowed)
        .layer(from_fn_with_state(state.clone(), localize_errors))
        .layer(from_fn_with_state(state.clone(), auth::resume_session));
    with_common_layers(routes, state)
}

/// The layers every response passes through after its handler (and, in [`router`], after the
/// session is resumed): the language cookie, security headers, compression and tracing.
pub(crate) fn with_common_layers(routes: Router<AppState>, state: AppState) -> Router {
    routes
        .layer(from_fn(pages::remember_lang))
        .layer(SetResponseHeaderLayer::appending(
            VARY,
            HeaderValue::from_static("Accept-Language, Cookie"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        // IINs appear in API paths: no referrer ever carries them elsewhere.
        .layer(SetResponseHeaderLayer::overriding(
            REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(CompressionLayer::new())
        // Spans name the route template, never the path: paths can hold IINs.
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            let route = req.extensions().get::<MatchedPath>().map_or("-", MatchedPath::as_str);
            // `id`: the request's id, recorded once the session layer has given it one.
            tracing::info_span!("http", method = %req.method(), route, id = tracing::field::Empty)
        }))
        .with_state(state)
}

/// Serves `router` on `listener` until Ctrl-C or SIGTERM, then lets requests in flight finish.
/// Each request knows its peer's address, which sign-in throttling counts failures under.
pub async fn serve(listener: TcpListener, router: Router) -> std::io::Result<()> {
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
