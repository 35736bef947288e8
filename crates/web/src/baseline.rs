//! The yardstick of `shanyraq bench access`: `GET /api/v1/families/{id}` answered with the same
//! JSON as the real route, read without authorisation or audit. It is never part of
//! [`crate::router`]; only the benchmark mounts it, on loopback, to measure what the guard costs.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::routing::get;
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
    Router::new().route("/api/v1/families/{id}", get(card)).with_state(state)
}

async fn card(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<FamilyView>, ApiError> {
    let record = state.services.family_card(FamilyId(id)).await?;
    Ok(Json(crate::api::family_view(&state, Lang::Kk, &record).await?))
}
