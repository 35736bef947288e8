//! What every handler shares: the use cases, the configuration and a few caches.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use shanyraq_app::{AppError, Services};
use shanyraq_domain::{Kato, Territory};

use crate::WebConfig;
use crate::docs::DocsModel;

/// Cheap to clone: everything inside is shared.
#[derive(Debug, Clone)]
pub struct AppState {
    pub services: Services,
    pub config: Arc<WebConfig>,
    pub territories: Arc<TerritoryCache>,
    /// The OpenAPI document, serialised once.
    pub openapi_json: Arc<String>,
    /// The reference page's content, read once from the OpenAPI document.
    pub docs: Arc<DocsModel>,
}

/// Territories by code. The classifier changes with a new release of the tree, not while a
/// server runs, and the family card names up to four of them per request, so they are read once.
/// Only territories that exist are kept, so the cache never outgrows the tree.
#[derive(Debug, Default)]
pub struct TerritoryCache {
    known: RwLock<HashMap<Kato, Territory>>,
}

impl TerritoryCache {
    /// The territory `code`, or `None` when the tree has no such code.
    pub async fn get(
        &self,
        services: &Services,
        code: Kato,
    ) -> Result<Option<Territory>, AppError> {
        if let Some(t) = self.known.read().ok().and_then(|m| m.get(&code).cloned()) {
            return Ok(Some(t));
        }
        match services.territory(code).await {
            Ok(t) => {
                if let Ok(mut m) = self.known.write() {
                    m.insert(code, t.clone());
                }
                Ok(Some(t))
            }
            Err(AppError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The territories above `territory`, from the region down, following the tree's parent links.
    pub async fn ancestry(
        &self,
        services: &Services,
        territory: &Territory,
    ) -> Result<Vec<Territory>, AppError> {
        let mut out = Vec::new();
        let mut next = territory.parent;
        // Four levels at most; the bound also stops a cycle in damaged data.
        while let Some(code) = next.filter(|_| out.len() < 4) {
            let Some(t) = self.get(services, code).await? else { break };
            next = t.parent;
            out.push(t);
        }
        out.reverse();
        Ok(out)
    }
}
