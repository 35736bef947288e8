//! Use cases over one store.

use std::sync::Arc;

use shanyraq_domain::{FamilyId, Iin, Kato, Territory};
use shanyraq_store::{
    Backend, FamilyPage, FamilyRecord, PageRequest, PersonRecord, Store, StoreStats,
};

use crate::error::AppError;

/// The largest page a listing returns.
pub const MAX_PAGE: u32 = 500;

/// What a health check reports. Reading it touches one row, so probes may call it often.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Health {
    pub backend: Backend,
    /// The version the database is at.
    pub schema_version: u32,
    /// The version this build needs.
    pub supported_schema_version: u32,
}

/// The use cases, over a shared store. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Services {
    store: Arc<dyn Store>,
}

impl Services {
    pub fn new(store: Arc<dyn Store>) -> Services {
        Services { store }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// A family with its members and latest facts.
    pub async fn family_card(&self, id: FamilyId) -> Result<FamilyRecord, AppError> {
        self.store
            .family(id)
            .await?
            .ok_or_else(|| AppError::NotFound { what: "family", id: id.to_string() })
    }

    pub async fn person_by_iin(&self, iin: Iin) -> Result<PersonRecord, AppError> {
        self.store
            .person_by_iin(iin)
            .await?
            .ok_or_else(|| AppError::NotFound { what: "person", id: iin.to_string() })
    }

    /// A page of the families living in `root`'s subtree; `root` must be a known territory.
    pub async fn families_in_territory(
        &self,
        root: Kato,
        page: PageRequest,
    ) -> Result<(Territory, FamilyPage), AppError> {
        let territory = self
            .store
            .territory(root)
            .await?
            .ok_or_else(|| AppError::NotFound { what: "territory", id: root.to_string() })?;
        let page = PageRequest { limit: page.limit.clamp(1, MAX_PAGE), ..page };
        let families = self.store.families_in_territory(root, page).await?;
        Ok((territory, families))
    }

    pub async fn territory(&self, code: Kato) -> Result<Territory, AppError> {
        self.store
            .territory(code)
            .await?
            .ok_or_else(|| AppError::NotFound { what: "territory", id: code.to_string() })
    }

    /// The engine and schema versions; an error when the database cannot be reached.
    pub async fn health(&self) -> Result<Health, AppError> {
        Ok(Health {
            backend: self.store.backend(),
            schema_version: self.store.schema_version().await?,
            supported_schema_version: self.store.supported_schema_version(),
        })
    }

    pub async fn stats(&self) -> Result<StoreStats, AppError> {
        Ok(self.store.stats().await?)
    }
}
