//! The yardstick of `shanyraq bench access`: `GET /api/v1/families/{id}` answered with the same
//! JSON as the real route, read without authorisation or audit. It is never part of
//! [`crate::router`]; only the benchmark mounts it, on loopback, to measure what the guard costs.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, HeaderValue};
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::localize_errors;
use axum::{Json, Router};
use shanyraq_app::Services;
use shanyraq_domain::FamilyId;

use crate::WebConfig;
use crate::api::dto::FamilyView;
use crate::error::ApiError;
use crate::lang::Lang;
use crate::state::{AppState, TerritoryCache};

/// The unguarded card read, for the benchmark's comparison only.
pub fn baseline_router(services: Services) -> Router {
    let state = AppState {
        services,
        config: Arc::new(WebConfig::default()),
        territories: Arc::new(TerritoryCache::default()),
        openapi_json: Arc::new(String::new()),
        docs: Arc::new(crate::docs::DocsModel::default()),
    };
    let routes = Router::new()
        .route("/api/v1/families/{id}", get(card))
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(from_fn_with_state(state.clone(), localize_errors));
    // The same layers as the real router, but for the session.
    crate::router::with_common_layers(routes, state)
}

async fn card(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<FamilyView>, ApiError> {
    let record = state.services.family_card(FamilyId(id)).await?;
    Ok(Json(crate::api::family_view(&state, Lang::Kk, &record).await?))
}
