//! Feed files uploaded by an agency's system with an integration token: the token is checked
//! (live, not revoked, allowed this source), the file is spooled to disk and imported with the
//! ordinary importer, limited to the token's territory.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use shanyraq_store::{Store, TokenRecord};
use time::Date;

use super::load::{ImportOptions, import};
use super::summary::ImportSummary;
use crate::accounts::Secret;
use crate::clock::Clock;
use crate::error::AppError;

/// The extensions a spooled file may keep; anything else is read by its first bytes.
const EXTENSIONS: [&str; 4] = ["csv", "jsonl", "ndjson", "xlsx"];

/// A file being received, on disk, removed when dropped.
#[derive(Debug)]
pub struct Spool {
    dir: PathBuf,
    path: PathBuf,
    file: Option<std::fs::File>,
}

impl Spool {
    /// A new empty file in a private directory under the system's temporary directory; its name
    /// keeps `file_name`'s extension when it is one the readers know.
    pub fn create(file_name: Option<&str>) -> Result<Spool, AppError> {
        let io = |e: std::io::Error| AppError::Internal(format!("cannot spool the upload: {e}"));
        let dir = std::env::temp_dir()
            .join(format!("shanyraq-upload-{}", &Secret::generate()?.expose()[..16]));
        std::fs::create_dir(&dir).map_err(io)?;
        let ext = file_name
            .and_then(|n| n.rsplit_once('.'))
            .map(|(_, e)| e.to_ascii_lowercase())
            .filter(|e| EXTENSIONS.contains(&e.as_str()));
        let path = dir.join(match ext {
            Some(e) => format!("upload.{e}"),
            None => "upload".to_owned(),
        });
        let file = std::fs::File::create(&path).map_err(io)?;
        Ok(Spool { dir, path, file: Some(file) })
    }

    pub fn write(&mut self, bytes: &[u8]) -> Result<(), AppError> {
        let file =
            self.file.as_mut().ok_or_else(|| AppError::Internal("the upload is closed".into()))?;
        file.write_all(bytes)
            .map_err(|e| AppError::Internal(format!("cannot spool the upload: {e}")))
    }

    fn finish(&mut self) -> Result<PathBuf, AppError> {
        if let Some(mut f) = self.file.take() {
            f.flush().map_err(|e| AppError::Internal(format!("cannot spool the upload: {e}")))?;
        }
        Ok(self.path.clone())
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Imports a spooled upload for `source`, sent with `token` (already authenticated for it).
pub async fn upload(
    store: Arc<dyn Store>,
    clock: Clock,
    today: Date,
    token: &TokenRecord,
    source: &str,
    mut spool: Spool,
) -> Result<ImportSummary, AppError> {
    let path = spool.finish()?;
    let options = ImportOptions {
        report: Some(spool.dir.join("report.csv")),
        territory: Some(token.territory),
        ..ImportOptions::default()
    };
    import(store, clock, today, &path, source, &options).await
}
