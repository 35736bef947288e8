//! Installed methodology versions: installing a file (checked first), and the set read back and
//! parsed for assessing and explaining.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use shanyraq_domain::assessment::{
    DEFAULT_METHODOLOGY, DEFAULT_METHODOLOGY_FILE, Methodology, parse_methodology,
};
use shanyraq_store::{Installed, MethodologyRecord, Store};
use time::{Date, OffsetDateTime};

use crate::error::AppError;

/// Every installed version, parsed, by the day it takes effect.
#[derive(Debug, Clone, Default)]
pub struct Methodologies {
    versions: Vec<Arc<Methodology>>,
}

/// Parsed versions by their text: an installed version never changes, so each text is parsed
/// once per process (parsing costs about a millisecond; one family's re-assessment, less).
static PARSED: LazyLock<Mutex<HashMap<String, Arc<Methodology>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

fn parsed(r: &MethodologyRecord) -> Result<Arc<Methodology>, AppError> {
    let mut cache = PARSED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(m) = cache.get(&r.source) {
        return Ok(m.clone());
    }
    let m = parse_methodology(&r.file_name, &r.source).map_err(|e| {
        AppError::Internal(format!("installed methodology {} no longer reads: {e}", r.version))
    })?;
    let m = Arc::new(m);
    cache.insert(r.source.clone(), m.clone());
    Ok(m)
}

impl Methodologies {
    /// Reads every installed version (parsing each text once per process).
    pub async fn load(store: &Arc<dyn Store>) -> Result<Methodologies, AppError> {
        let mut versions = Vec::new();
        for r in store.methodologies().await? {
            versions.push(parsed(&r)?);
        }
        versions
            .sort_by(|a, b| (a.effective_from, &a.version).cmp(&(b.effective_from, &b.version)));
        Ok(Methodologies { versions })
    }

    pub fn all(&self) -> impl Iterator<Item = &Methodology> {
        self.versions.iter().map(|m| &**m)
    }

    /// The version in force on `on`.
    pub fn in_force(&self, on: Date) -> Result<&Methodology, AppError> {
        self.all().filter(|m| m.effective_from <= on).max_by_key(|m| m.effective_from).ok_or_else(
            || AppError::InvalidInput {
                field: "date",
                code: "assessment.no_methodology",
                reason: format!(
                    "no methodology is in force on {}; install one that takes effect by then",
                    shanyraq_domain::dates::iso(on)
                ),
            },
        )
    }

    pub fn version(&self, version: &str) -> Option<&Methodology> {
        self.all().find(|m| m.version == version)
    }
}

/// What installing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallOutcome {
    pub version: String,
    pub effective_from: Date,
    /// False when the same version with the same text was already installed.
    pub new: bool,
}

/// Checks a methodology file and installs it. The file is refused, with file, line and key,
/// before anything is written.
pub async fn install(
    store: &Arc<dyn Store>,
    file_name: &str,
    text: &str,
    at: OffsetDateTime,
) -> Result<InstallOutcome, AppError> {
    let m = parse_methodology(file_name, text)?;
    let record = MethodologyRecord {
        version: m.version.clone(),
        effective_from: m.effective_from,
        file_name: file_name.to_owned(),
        source: text.to_owned(),
        installed_at: at,
    };
    let new = store.install_methodology(&record).await? == Installed::New;
    Ok(InstallOutcome { version: m.version, effective_from: m.effective_from, new })
}

/// Installs the bundled default methodology when none is installed; `Some` when it did.
pub async fn ensure_default(
    store: &Arc<dyn Store>,
    at: OffsetDateTime,
) -> Result<Option<InstallOutcome>, AppError> {
    if !store.methodologies().await?.is_empty() {
        return Ok(None);
    }
    install(store, DEFAULT_METHODOLOGY_FILE, DEFAULT_METHODOLOGY, at).await.map(Some)
}
