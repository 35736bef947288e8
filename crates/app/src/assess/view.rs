//! A family's stored assessment read back: the result, the methodology that made it (for the
//! explanation's words), and the level history.

use std::sync::Arc;

use shanyraq_domain::FamilyId;
use shanyraq_domain::assessment::{Assessment, Methodology};
use shanyraq_store::{HistoryEntry, Store, StoredAssessment};

use super::detail::decode_detail;
use super::methodologies::Methodologies;
use crate::error::AppError;

/// What the family card shows of the assessment.
#[derive(Debug, Clone)]
pub struct AssessmentView {
    pub stored: StoredAssessment,
    pub assessment: Assessment,
    pub methodology: Methodology,
    /// Oldest first.
    pub history: Vec<HistoryEntry>,
}

/// The family's current assessment, or `None` if it was never assessed.
pub async fn view(
    store: &Arc<dyn Store>,
    family: FamilyId,
) -> Result<Option<AssessmentView>, AppError> {
    let Some(stored) = store.assessment(family).await? else { return Ok(None) };
    let methodologies = Methodologies::load(store).await?;
    let methodology = methodologies.version(&stored.methodology).cloned().ok_or_else(|| {
        AppError::Internal(format!("methodology {} is not installed", stored.methodology))
    })?;
    let assessment = decode_detail(
        &stored.detail,
        stored.total,
        stored.score_level,
        stored.level,
        &methodology,
    )?;
    let history = store.level_history(family).await?;
    Ok(Some(AssessmentView { stored, assessment, methodology, history }))
}
