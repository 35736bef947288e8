//! Errors of the application layer, with stable codes the web layer translates.

use shanyraq_domain::assessment::MethodologyError;
use shanyraq_store::StoreError;
use shanyraq_synth::SynthError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    #[error("invalid {field}: {reason}")]
    InvalidInput { field: &'static str, code: &'static str, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Synth(#[from] SynthError),
    /// A methodology file was refused: file, line, key and what.
    #[error(transparent)]
    Methodology(#[from] MethodologyError),
    /// The policy refused; `reason` is for the audit and the logs, never shown to the user.
    #[error("access denied ({reason})")]
    Denied { reason: &'static str },
    /// The action shows sensitive data or goes through break-glass: a purpose must be stated.
    #[error("state the purpose of this access first")]
    PurposeRequired,
    /// Signing in failed; see [`crate::accounts::SignInError`].
    #[error(transparent)]
    SignIn(#[from] crate::accounts::SignInError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// Stable code for translation and API errors.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound { .. } => "not_found",
            AppError::InvalidInput { code, .. } => code,
            AppError::Store(e) => e.code(),
            AppError::Synth(e) => e.code(),
            AppError::Methodology(e) => e.code(),
            AppError::Denied { .. } => "access.denied",
            AppError::PurposeRequired => "access.purpose_required",
            AppError::SignIn(e) => e.code(),
            AppError::Internal(_) => "internal",
        }
    }
}
