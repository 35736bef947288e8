//! Password rules (OWASP ASVS 5.0 V6.2) and hashing with argon2id.
//!
//! Rules: at least 12 characters for staff and 8 for citizens (ASVS asks for 8 at least), at
//! most 128, any characters, no composition rules, not one of the 20,000 commonest passwords
//! (`data/common-passwords.txt`), not the login itself. Hashing uses the argon2 crate's
//! defaults — argon2id, 19 MiB, 2 passes, 1 lane — which are OWASP's recommended minimum.
//! Each hash takes tens of milliseconds of one core, so it runs on the blocking pool and at
//! most two per core run at once; the rest wait their turn.

use std::collections::HashSet;
use std::sync::{Arc, LazyLock};

use argon2::password_hash::{PasswordHash, PasswordVerifier, SaltString};
use argon2::{Argon2, PasswordHasher as _};
use shanyraq_store::AccountKind;
use tokio::sync::Semaphore;

use crate::error::AppError;

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../../../data/common-passwords.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect()
});

/// What is wrong with a new password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("the password is shorter than {min} characters")]
    TooShort { min: usize },
    #[error("the password is longer than 128 characters")]
    TooLong,
    #[error("the password is one of the most common passwords")]
    Common,
    #[error("the password is the same as the sign-in name")]
    SameAsLogin,
}

impl PasswordProblem {
    pub fn code(self) -> &'static str {
        match self {
            PasswordProblem::TooShort { .. } => "password.too_short",
            PasswordProblem::TooLong => "password.too_long",
            PasswordProblem::Common => "password.common",
            PasswordProblem::SameAsLogin => "password.same_as_login",
        }
    }
}

impl From<PasswordProblem> for AppError {
    fn from(p: PasswordProblem) -> AppError {
        AppError::InvalidInput { field: "password", code: p.code(), reason: p.to_string() }
    }
}

/// Checks a new password against the rules for `kind`.
pub fn check_password(
    kind: AccountKind,
    login: &str,
    password: &str,
) -> Result<(), PasswordProblem> {
    let min = match kind {
        AccountKind::Staff => 12,
        AccountKind::Citizen => 8,
    };
    let n = password.chars().count();
    if n < min {
        return Err(PasswordProblem::TooShort { min });
    }
    if n > 128 {
        return Err(PasswordProblem::TooLong);
    }
    let lower = password.to_lowercase();
    if COMMON.contains(lower.as_str()) {
        return Err(PasswordProblem::Common);
    }
    if lower == login.to_lowercase() {
        return Err(PasswordProblem::SameAsLogin);
    }
    Ok(())
}

/// Hashes and verifies passwords off the async threads, a bounded number at a time.
#[derive(Debug, Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
}

impl Default for PasswordHasher {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        PasswordHasher::with_limit(2 * cores)
    }
}

impl PasswordHasher {
    /// At most `limit` hashes at once.
    pub fn with_limit(limit: usize) -> PasswordHasher {
        PasswordHasher { permits: Arc::new(Semaphore::new(limit.max(1))) }
    }

    /// How many more hashes could start now (for tests and metrics).
    pub fn available(&self) -> usize {
        self.permits.available_permits()
    }

    /// An argon2id PHC string for `password` with a fresh salt.
    pub async fn hash(&self, password: &str) -> Result<String, AppError> {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt)
            .map_err(|e| AppError::Internal(format!("no randomness from the system: {e}")))?;
        let password = password.to_owned();
        self.run(move || {
            let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| e.to_string())
        })
        .await
    }

    /// Whether `password` matches `phc`. With `phc` `None` (an unknown account) it checks
    /// against a fixed hash, so that an unknown login costs the same time as a wrong password.
    pub async fn verify(&self, password: &str, phc: Option<&str>) -> Result<bool, AppError> {
        let known = phc.is_some();
        let phc = phc.map(str::to_owned);
        let password = password.to_owned();
        let ok = self
            .run(move || {
                let phc = match &phc {
                    Some(p) => p.as_str(),
                    None => dummy()?,
                };
                let parsed = PasswordHash::new(phc).map_err(|e| e.to_string())?;
                Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
            })
            .await?;
        Ok(ok && known)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, String> + Send + 'static,
    ) -> Result<T, AppError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| AppError::Internal("the password hasher is closed".into()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| AppError::Internal(format!("password hashing stopped: {e}")))?
            .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
    }
}

/// The hash of a random password nobody knows, with the same parameters as every other; made
/// on first use.
fn dummy() -> Result<&'static str, String> {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(d) = DUMMY.get() {
        return Ok(d);
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| e.to_string())?;
    let salt = SaltString::encode_b64(&bytes[..16]).map_err(|e| e.to_string())?;
    let phc = Argon2::default().hash_password(&bytes[16..], &salt).map_err(|e| e.to_string())?;
    Ok(DUMMY.get_or_init(|| phc.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_follow_asvs() {
        let staff = AccountKind::Staff;
        assert_eq!(
            check_password(staff, "aigerim", "short"),
            Err(PasswordProblem::TooShort { min: 12 })
        );
        assert_eq!(
            check_password(AccountKind::Citizen, "x", "abcd1234"),
            Err(PasswordProblem::Common)
        );
        assert_eq!(check_password(staff, "aigerim", "Password1234"), Err(PasswordProblem::Common));
        assert_eq!(
            check_password(staff, "aigerim.kaz", "AIGERIM.KAZ"),
            Err(PasswordProblem::TooShort { min: 12 })
        );
        assert_eq!(
            check_password(staff, "aigerim.kassym", "Aigerim.Kassym"),
            Err(PasswordProblem::SameAsLogin)
        );
        assert_eq!(check_password(staff, "a", &"ә".repeat(129)), Err(PasswordProblem::TooLong));
        assert_eq!(check_password(staff, "a", "жылқы мен түйе 7"), Ok(()));
        assert!(COMMON.len() > 19_000, "the shipped list is read whole");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hashes_verify_and_unknown_accounts_never_match() {
        let h = PasswordHasher::with_limit(2);
        let phc = h.hash("жылқы мен түйе 7").await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(h.verify("жылқы мен түйе 7", Some(&phc)).await.unwrap());
        assert!(!h.verify("жылқы мен түйе 8", Some(&phc)).await.unwrap());
        assert!(!h.verify("жылқы мен түйе 7", None).await.unwrap());
        assert_eq!(h.available(), 2, "permits come back");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_than_the_limit_hash_at_once() {
        let h = PasswordHasher::with_limit(1);
        let permit = h.permits.clone().acquire_owned().await.unwrap();
        let waiting = tokio::spawn({
            let h = h.clone();
            async move { h.hash("a long enough password").await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "a second hash waits for the permit");
        drop(permit);
        assert!(waiting.await.unwrap().is_ok());
    }
}
