//! Random secrets for cookies and tokens, and the digests the database keeps instead.

use sha2::{Digest, Sha256};

use crate::error::AppError;

/// 32 random bytes from the operating system, as 64 lowercase hexadecimal digits.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn generate() -> Result<Secret, AppError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| AppError::Internal(format!("no randomness from the system: {e}")))?;
        Ok(Secret(hex(&bytes)))
    }

    /// A secret as a client sent it back; only its digest is ever compared.
    pub fn from_client(text: &str) -> Option<Secret> {
        (text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Secret(text.to_ascii_lowercase()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the database keeps: SHA-256 of the secret, in hex.
    pub fn digest(&self) -> String {
        digest_hex(self.0.as_bytes())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// SHA-256 of `bytes`, in hex.
pub fn digest_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Compares two strings in time that depends on their length only.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_hex_and_only_their_digest_is_kept() {
        let a = Secret::generate().unwrap();
        let b = Secret::generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), 64);
        assert_eq!(Secret::from_client(a.expose()), Some(a.clone()));
        assert_eq!(Secret::from_client("xyz"), None);
        assert_ne!(a.digest(), a.expose());
        assert!(same_secret(&a.digest(), &a.digest()) && !same_secret(&a.digest(), &b.digest()));
        assert_eq!(format!("{a:?}"), "Secret(…)");
    }
}
