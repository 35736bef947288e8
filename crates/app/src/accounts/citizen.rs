//! Citizens sign in with their IIN and password, then a one-time code sent to their phone
//! through the outbox — a stand-in for eGov's sign-in. The seam is [`SignIn::open_session`]:
//! a real OpenID Connect provider that vouches for an IIN replaces both steps and calls it.

use shanyraq_domain::Iin;
use shanyraq_domain::assessment::Lang;
use shanyraq_store::{AccountKind, NewChallenge};
use time::{Date, Duration};

use super::secrets::{Secret, digest_hex, same_secret};
use super::sessions::SignedIn;
use super::signin::{SignIn, SignInError};
use crate::error::AppError;

/// How long a code stays valid.
pub const CODE_LIFETIME: Duration = Duration::minutes(5);
/// Wrong codes allowed per challenge; the next attempt needs a new code.
pub const MAX_CODE_ATTEMPTS: u32 = 3;

/// A code was sent: the challenge to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeSent {
    pub challenge: i64,
    /// The last digits of the phone it went to, if known, for "sent to •••• 4567".
    pub phone_tail: Option<[u8; 4]>,
}

/// The citizen's two steps over [`SignIn`].
#[derive(Debug, Clone)]
pub struct CitizenSignIn {
    inner: SignIn,
}

fn code_hash(salt: &str, code: &str) -> String {
    digest_hex(format!("{salt}:{code}").as_bytes())
}

/// Six random digits.
fn new_code() -> Result<String, AppError> {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b)
        .map_err(|e| AppError::Internal(format!("no randomness from the system: {e}")))?;
    Ok(format!("{:06}", u64::from_le_bytes(b) % 1_000_000))
}

fn message(lang: Lang, code: &str) -> String {
    match lang {
        Lang::Kk => format!("Шаңырақ: кіру коды {code}. 5 минут жарамды. Кодты ешкімге айтпаңыз."),
        Lang::Ru => {
            format!("Шанырак: код входа {code}. Действует 5 минут. Никому не сообщайте код.")
        }
        Lang::En => format!(
            "Shanyraq: your sign-in code is {code}. It is valid for 5 minutes. Never tell it to anyone."
        ),
    }
}

impl CitizenSignIn {
    pub fn new(inner: SignIn) -> CitizenSignIn {
        CitizenSignIn { inner }
    }

    /// Step one: IIN and password. On success a code goes out through the outbox.
    pub async fn start(
        &self,
        iin: Iin,
        password: &str,
        address: &str,
        request_id: &str,
        lang: Lang,
    ) -> Result<CodeSent, AppError> {
        let login = iin.to_string();
        let account = self
            .inner
            .check_password(&login, password, address, request_id, AccountKind::Citizen)
            .await?;
        let store = self.inner.store();
        let person =
            store.person_by_iin(iin).await?.ok_or(AppError::SignIn(SignInError::Failed))?.person;
        let code = new_code()?;
        let salt = Secret::generate()?.expose().to_owned();
        let now = self.inner.now();
        let phone_tail = person.phone.as_deref().and_then(|p| {
            let digits: Vec<u8> = p.bytes().filter(u8::is_ascii_digit).collect();
            let tail = digits.get(digits.len().checked_sub(4)?..)?;
            Some([tail[0], tail[1], tail[2], tail[3]])
        });
        let challenge = store
            .create_challenge(&NewChallenge {
                account: account.id,
                code_hash: code_hash(&salt, &code),
                salt,
                created_at: now,
                expires_at: now + CODE_LIFETIME,
                person: person.id,
                address: person.phone.clone(),
                language: lang.code().to_owned(),
                body: message(lang, &code),
            })
            .await?;
        Ok(CodeSent { challenge: challenge.id, phone_tail })
    }

    /// Step two: the code. A wrong, expired or used code fails like a wrong password and
    /// counts towards throttling; after three wrong codes the challenge is dead.
    pub async fn finish(
        &self,
        challenge: i64,
        code: &str,
        address: &str,
        request_id: &str,
        today: Date,
    ) -> Result<SignedIn, AppError> {
        let store = self.inner.store();
        let failed = || AppError::SignIn(SignInError::Failed);
        let Some(c) = store.challenge(challenge).await? else { return Err(failed()) };
        let Some(account) = store.account(c.account).await? else { return Err(failed()) };
        self.inner
            .throttle(
                &format!("account:{}", account.login),
                &format!("address:{address}"),
                request_id,
            )
            .await?;
        let live = c.used_at.is_none()
            && c.expires_at > self.inner.now()
            && c.attempts < MAX_CODE_ATTEMPTS
            && account.disabled_at.is_none();
        let code = code.trim();
        if !live || !same_secret(&code_hash(&c.salt, code), &c.code_hash) {
            if live {
                store.record_challenge_attempt(c.id).await?;
            }
            self.inner.record_failure(&account.login, address, account.id, request_id).await?;
            return Err(failed());
        }
        if !store.use_challenge(c.id, self.inner.now()).await? {
            return Err(failed());
        }
        self.inner.open_session(&account, request_id, today).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_messages_name_them_in_each_language() {
        for _ in 0..50 {
            let c = new_code().unwrap();
            assert!(c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()), "{c}");
        }
        for lang in [Lang::Kk, Lang::Ru, Lang::En] {
            assert!(message(lang, "042917").contains("042917"));
        }
        assert_ne!(code_hash("a", "123456"), code_hash("b", "123456"), "salted");
    }
}
