//! The contract of [`crate::TokenStore`]: integration tokens for agency systems, and one-time
//! sign-in challenges whose message is queued in the outbox with the challenge.

use shanyraq_domain::PersonId;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use super::fixtures::*;
use super::{loaded, migrated};
use crate::accounts::{AccountKind, NewAccount};
use crate::error::StoreError;
use crate::offers::OutboxMessage;
use crate::port::Store;
use crate::tokens::{ChallengeRecord, NewChallenge, NewToken, TokenRecord};

const T0: OffsetDateTime = datetime!(2026-03-01 09:00:00 UTC);
/// An id no test creates.
const NOBODY: i64 = 4_040;

/// A token named `name`, with a hash of 64 hex digits made from the name's bytes.
fn new_token(name: &str, sources: &[&str], territory: u32) -> NewToken {
    let hex: String = name.bytes().map(|b| format!("{b:02x}")).collect();
    NewToken {
        name: name.to_owned(),
        secret_hash: format!("{hex:0>64}"),
        sources: sources.iter().map(|s| (*s).to_owned()).collect(),
        territory: kato(territory),
        created_at: T0,
        expires_at: T0 + Duration::days(365),
    }
}

/// The record a new token is stored as, once it has its id.
fn fresh_token(id: i64, new: &NewToken) -> TokenRecord {
    TokenRecord {
        id,
        name: new.name.clone(),
        secret_hash: new.secret_hash.clone(),
        sources: new.sources.clone(),
        territory: new.territory,
        created_at: new.created_at,
        expires_at: new.expires_at,
        revoked_at: None,
        last_used_at: None,
    }
}

fn new_challenge(account: i64, person: PersonId, n: u32, address: Option<&str>) -> NewChallenge {
    let created_at = T0 + Duration::minutes(i64::from(n));
    NewChallenge {
        account,
        code_hash: format!("{n:064x}"),
        salt: format!("salt-{n}"),
        created_at,
        expires_at: created_at + Duration::minutes(10),
        person,
        address: address.map(str::to_owned),
        language: "kk".to_owned(),
        body: format!("Shanyraq: кіру коды {n:06}"),
    }
}

/// The record a new challenge is stored as, once it has its id.
fn fresh_challenge(id: i64, new: &NewChallenge) -> ChallengeRecord {
    ChallengeRecord {
        id,
        account: new.account,
        code_hash: new.code_hash.clone(),
        salt: new.salt.clone(),
        created_at: new.created_at,
        expires_at: new.expires_at,
        attempts: 0,
        used_at: None,
    }
}

/// A citizen account to send codes to.
async fn citizen(store: &dyn Store) -> i64 {
    let account = NewAccount {
        login: "citizen1".to_owned(),
        kind: AccountKind::Citizen,
        display_name: "Арман С.".to_owned(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
        iin: None,
        created_at: T0,
    };
    store.create_account(&account).await.unwrap().id
}

fn is_not_found<T: std::fmt::Debug>(r: Result<T, StoreError>, what: &str) {
    match r {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("{what}: expected NotFound, got {other:?}"),
    }
}

fn is_conflict<T: std::fmt::Debug>(r: Result<T, StoreError>, what: &str) -> String {
    match r {
        Err(StoreError::Conflict(m)) => m,
        other => panic!("{what}: expected Conflict, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------

/// Tokens are created unrevoked and unused, found by hash and listed by name; sources keep
/// their order. A name or a hash taken is `Conflict`, writes nothing, and the message names the
/// column, not the value.
pub async fn tokens_are_created_found_and_listed(store: &dyn Store) {
    migrated(store).await;
    assert!(store.list_tokens().await.unwrap().is_empty());
    let police = new_token("police-akmola-2026", &["police", "court"], AKMOLA);
    let tax = new_token("tax-astana", &["tax"], ASTANA);
    let health = new_token("health-akmola", &["health", "disability", "education"], AKKOL_TOWN);
    let p = store.create_token(&police).await.unwrap();
    let t = store.create_token(&tax).await.unwrap();
    let h = store.create_token(&health).await.unwrap();
    assert_eq!(p, fresh_token(p.id, &police));
    assert_eq!(t, fresh_token(t.id, &tax));
    assert_eq!(h, fresh_token(h.id, &health));
    assert!(p.id != t.id && t.id != h.id && p.id != h.id, "ids are distinct");
    for r in [&p, &t, &h] {
        assert_eq!(store.token_by_hash(&r.secret_hash).await.unwrap().as_ref(), Some(r));
    }
    assert_eq!(store.token_by_hash("0123456789abcdef").await.unwrap(), None);
    let all = vec![h.clone(), p.clone(), t.clone()];
    assert_eq!(store.list_tokens().await.unwrap(), all, "by name");

    let same_name = NewToken { secret_hash: "f".repeat(64), ..police.clone() };
    let m = is_conflict(store.create_token(&same_name).await, "a name taken");
    assert!(m.contains("name"), "the message names the column: {m}");
    assert!(!m.contains(&police.name) && !m.contains(&same_name.secret_hash), "{m}");
    let same_hash = NewToken { name: "police-astana".to_owned(), ..police.clone() };
    let m = is_conflict(store.create_token(&same_hash).await, "a hash taken");
    assert!(m.contains("secret_hash"), "the message names the column: {m}");
    assert!(!m.contains(&police.secret_hash) && !m.contains(&same_hash.name), "{m}");
    assert_eq!(store.list_tokens().await.unwrap(), all, "a refused token writes nothing");
    assert_eq!(store.token_by_hash(&same_name.secret_hash).await.unwrap(), None);
}

/// A token is revoked once (`false` the second time, the first time kept); an unknown name is
/// `NotFound`. A use sets `last_used_at`; an unknown id is `NotFound`.
pub async fn tokens_are_revoked_once_and_touched(store: &dyn Store) {
    migrated(store).await;
    let police = store.create_token(&new_token("police", &["police"], AKMOLA)).await.unwrap();
    let tax = store.create_token(&new_token("tax", &["tax"], ASTANA)).await.unwrap();

    let used = T0 + Duration::hours(2);
    store.touch_token(police.id, used).await.unwrap();
    let read = store.token_by_hash(&police.secret_hash).await.unwrap().unwrap();
    assert_eq!(read, TokenRecord { last_used_at: Some(used), ..police.clone() });
    let later = used + Duration::minutes(30);
    store.touch_token(police.id, later).await.unwrap();
    let read = store.token_by_hash(&police.secret_hash).await.unwrap().unwrap();
    assert_eq!(read.last_used_at, Some(later));
    is_not_found(store.touch_token(NOBODY, later).await, "touching an unknown token");

    let revoked = T0 + Duration::days(3);
    assert!(store.revoke_token("police", revoked).await.unwrap());
    let read = store.token_by_hash(&police.secret_hash).await.unwrap().unwrap();
    assert_eq!(
        read,
        TokenRecord { revoked_at: Some(revoked), last_used_at: Some(later), ..police }
    );
    assert!(!store.revoke_token("police", revoked + Duration::days(1)).await.unwrap());
    let again = store.token_by_hash(&read.secret_hash).await.unwrap().unwrap();
    assert_eq!(again.revoked_at, Some(revoked), "a second revocation keeps the first time");
    is_not_found(store.revoke_token("nobody", revoked).await, "revoking an unknown name");
    assert_eq!(store.token_by_hash(&tax.secret_hash).await.unwrap(), Some(tax.clone()));
    assert_eq!(store.list_tokens().await.unwrap(), vec![read, tax]);
}

/// A challenge is stored with no attempts and unused, and its message is queued in the outbox
/// (channel `sms`, no offer, the challenge's time); wrong codes are counted, and a challenge is
/// used once.
pub async fn sign_in_challenges_queue_their_message(store: &dyn Store) {
    let _ = loaded(store).await;
    let account = citizen(store).await;
    let first = new_challenge(account, P_ARMAN, 1, Some("+77010000001"));
    let c = store.create_challenge(&first).await.unwrap();
    assert_eq!(c, fresh_challenge(c.id, &first));
    assert_eq!(store.challenge(c.id).await.unwrap(), Some(c.clone()));
    let queued = store.undelivered_messages(100).await.unwrap();
    assert_eq!(queued.len(), 1, "one message per challenge");
    let expected = OutboxMessage {
        id: queued[0].id,
        person: P_ARMAN,
        offer: None,
        channel: "sms".to_owned(),
        address: first.address.clone(),
        language: first.language.clone(),
        body: first.body.clone(),
        created_at: first.created_at,
        delivered_at: None,
    };
    assert_eq!(queued[0], expected);

    let second = new_challenge(account, P_AIGUL, 2, None);
    let d = store.create_challenge(&second).await.unwrap();
    assert!(d.id != c.id);
    let queued = store.undelivered_messages(100).await.unwrap();
    assert_eq!(queued.len(), 2);
    assert_eq!(queued[0], expected);
    assert!(queued[1].id > queued[0].id);
    assert_eq!(
        (queued[1].person, queued[1].address.as_deref(), queued[1].body.as_str()),
        (P_AIGUL, None, second.body.as_str())
    );
    assert_eq!((queued[1].offer, queued[1].created_at), (None, second.created_at));

    assert_eq!(store.record_challenge_attempt(c.id).await.unwrap(), 1);
    assert_eq!(store.record_challenge_attempt(c.id).await.unwrap(), 2);
    assert_eq!(store.record_challenge_attempt(d.id).await.unwrap(), 1);
    assert_eq!(store.challenge(c.id).await.unwrap().unwrap().attempts, 2);

    let at = first.created_at + Duration::minutes(3);
    assert!(store.use_challenge(c.id, at).await.unwrap());
    assert!(!store.use_challenge(c.id, at + Duration::minutes(1)).await.unwrap());
    let used = store.challenge(c.id).await.unwrap().unwrap();
    assert_eq!(used, ChallengeRecord { attempts: 2, used_at: Some(at), ..c });
    let other = store.challenge(d.id).await.unwrap().unwrap();
    assert_eq!(other, ChallengeRecord { attempts: 1, ..fresh_challenge(d.id, &second) });
}

/// An unknown challenge is `None`, and counting or using it is `NotFound`; a challenge for an
/// unknown account or person is `Conflict` and writes neither the challenge nor its message.
pub async fn unknown_challenges_are_refused(store: &dyn Store) {
    let _ = loaded(store).await;
    assert_eq!(store.challenge(NOBODY).await.unwrap(), None);
    is_not_found(store.record_challenge_attempt(NOBODY).await, "counting an unknown challenge");
    is_not_found(store.use_challenge(NOBODY, T0).await, "using an unknown challenge");

    let account = citizen(store).await;
    let no_account = new_challenge(NOBODY, P_ARMAN, 1, Some("+77010000001"));
    is_conflict(store.create_challenge(&no_account).await, "an unknown account");
    let no_person = new_challenge(account, PersonId(NOBODY), 2, Some("+77010000001"));
    is_conflict(store.create_challenge(&no_person).await, "an unknown person");
    assert!(store.undelivered_messages(100).await.unwrap().is_empty(), "no message is queued");
    for id in 1..=4 {
        assert_eq!(store.challenge(id).await.unwrap(), None, "no challenge is stored");
    }
    let c = store.create_challenge(&new_challenge(account, P_ARMAN, 3, None)).await.unwrap();
    assert_eq!(store.undelivered_messages(100).await.unwrap().len(), 1);
    assert_eq!(store.challenge(c.id).await.unwrap(), Some(c));
}
