//! A file's fingerprint: SHA-256 of its bytes, lowercase hex. Two deliveries are the same file
//! exactly when their fingerprints are equal, whatever their names.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::AppError;

pub(crate) fn fingerprint(path: &Path) -> Result<String, AppError> {
    let unreadable = |e: std::io::Error| AppError::InvalidInput {
        field: "file",
        code: "io",
        reason: format!("{}: {e}", path.display()),
    };
    let mut file = File::open(path).map_err(unreadable)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(unreadable)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}
