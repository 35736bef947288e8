//! Errors of the store layer, with stable codes the web layer translates.

/// Why a database could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenFailure {
    #[error("permission denied")]
    PermissionDenied,
    #[error("no such file or directory")]
    NotFound,
    #[error("connection refused")]
    ConnectionRefused,
    #[error("authentication failed (wrong user or password)")]
    AuthenticationFailed,
    #[error("database does not exist")]
    NoSuchDatabase,
    #[error("not a database file")]
    NotADatabase,
    #[error("{0}")]
    Other(String),
}

/// An error from a store backend.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open database {target}: {reason}")]
    Open { target: String, reason: OpenFailure },
    #[error(
        "the database schema is at version {found}, newer than this program knows ({supported}); \
         use a newer shanyraq"
    )]
    SchemaTooNew { found: u32, supported: u32 },
    #[error(
        "the database schema is at version {found}, this program needs {required}; \
         run `shanyraq migrate` first"
    )]
    SchemaTooOld { found: u32, required: u32 },
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("stored data cannot be read: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Backend(String),
}

impl StoreError {
    /// Stable code for translation and API errors.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Open { .. } => "store.open",
            Self::SchemaTooNew { .. } => "store.schema_too_new",
            Self::SchemaTooOld { .. } => "store.schema_too_old",
            Self::Conflict(_) => "store.conflict",
            Self::NotFound(_) => "store.not_found",
            Self::Corrupt(_) => "store.corrupt",
            Self::Backend(_) => "store.backend",
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;
