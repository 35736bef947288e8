//! Accounts and sessions: sign-in answers the same for an unknown login and a wrong password,
//! throttles, opens a fresh session id, times out, rotates on a privilege change, signs out
//! everywhere; administration is for administrators only; a write and its audit entry are one.

use std::sync::Arc;

use shanyraq_app::accounts::{NewUser, SessionPolicy, SignInError};
use shanyraq_app::authz::AccessContext;
use shanyraq_app::{AppError, Clock, Services};
use shanyraq_domain::FamilyId;
use shanyraq_domain::access::{AgencyCode, Category, Principal, Role, RoleGrant};
use shanyraq_domain::audit::Outcome;
use shanyraq_store::{AccountKind, Store};
use time::{Duration, OffsetDateTime};

use super::common::{as_of, populated};
use super::{DISTRICT, kato, noon};

const PASSWORD: &str = "степь и ветер 2026";

fn system() -> AccessContext {
    AccessContext::system("test", "setup")
}

fn at(store: &Arc<dyn Store>, when: OffsetDateTime) -> Services {
    Services::new(store.clone()).with_clock(Clock::Fixed(when)).with_hash_limit(2)
}

async fn world() -> (tempfile::TempDir, Arc<dyn Store>) {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = populated(dir.path(), 10).await;
    (dir, store)
}

async fn staff(s: &Services, login: &str) -> i64 {
    let new = NewUser {
        login: login.into(),
        kind: AccountKind::Staff,
        display_name: "Айгерім Сәрсенова".into(),
        password: PASSWORD.into(),
        iin: None,
    };
    let account = s.users().add(&system(), new).await.unwrap();
    let g = RoleGrant {
        role: Role::SocialWorker,
        agency: AgencyCode::parse("social").unwrap(),
        territory: kato(DISTRICT),
    };
    assert!(s.users().grant(&system(), login, &g).await.unwrap());
    account.id
}

fn sign_in_error(r: Result<impl std::fmt::Debug, AppError>) -> SignInError {
    match r {
        Err(AppError::SignIn(e)) => e,
        other => panic!("expected a sign-in error, got {other:?}"),
    }
}

async fn last_outcome(store: &Arc<dyn Store>) -> (String, Outcome) {
    let e = store.audit_head().await.unwrap().unwrap();
    (e.record.action, e.record.outcome)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_logins_and_wrong_passwords_get_the_same_answer_and_are_recorded() {
    let (_dir, store) = world().await;
    let s = at(&store, noon());
    staff(&s, "aigerim").await;
    let si = s.sign_in();
    let wrong = si.sign_in("aigerim", "not the password", "10.0.0.1", "r1", as_of()).await;
    let unknown = si.sign_in("nobody", PASSWORD, "10.0.0.1", "r2", as_of()).await;
    assert_eq!(sign_in_error(wrong), SignInError::Failed);
    assert_eq!(sign_in_error(unknown), SignInError::Failed);
    assert_eq!(last_outcome(&store).await, ("account.sign_in".into(), Outcome::Denied));
    let ok = si.sign_in("  AIGERIM ", PASSWORD, "10.0.0.1", "r3", as_of()).await.unwrap();
    assert_eq!(ok.account.login, "aigerim");
    assert_eq!(last_outcome(&store).await, ("account.sign_in".into(), Outcome::Allowed));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_failures_lock_the_account_for_the_window_and_twenty_lock_the_address() {
    let (_dir, store) = world().await;
    let s = at(&store, noon());
    staff(&s, "aigerim").await;
    staff(&s, "dana").await;
    for i in 0..5 {
        let r = s.sign_in().sign_in("aigerim", "wrong", &format!("10.0.0.{i}"), "r", as_of()).await;
        assert_eq!(sign_in_error(r), SignInError::Failed);
    }
    // Even the right password waits now, from any address.
    let locked = s.sign_in().sign_in("aigerim", PASSWORD, "10.9.9.9", "r", as_of()).await;
    assert_eq!(sign_in_error(locked), SignInError::Throttled { minutes: 15 });
    // Another account is not affected.
    assert!(s.sign_in().sign_in("dana", PASSWORD, "10.0.0.1", "r", as_of()).await.is_ok());
    // After the window the account opens again.
    let later = at(&store, noon() + Duration::minutes(16));
    assert!(later.sign_in().sign_in("aigerim", PASSWORD, "10.9.9.9", "r", as_of()).await.is_ok());
    // One address guessing across many accounts.
    for i in 0..20 {
        let r = later.sign_in().sign_in(&format!("guess{i}"), "x", "10.6.6.6", "r", as_of()).await;
        assert_eq!(sign_in_error(r), SignInError::Failed);
    }
    let r = later.sign_in().sign_in("dana", PASSWORD, "10.6.6.6", "r", as_of()).await;
    assert_eq!(sign_in_error(r), SignInError::Throttled { minutes: 15 });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_new_at_sign_in_expire_rotate_and_end_everywhere() {
    let (_dir, store) = world().await;
    let s = at(&store, noon());
    let id = staff(&s, "aigerim").await;
    let first = s.sign_in().sign_in("aigerim", PASSWORD, "a", "r", as_of()).await.unwrap();
    let second = s.sign_in().sign_in("aigerim", PASSWORD, "a", "r", as_of()).await.unwrap();
    assert_ne!(first.cookie, second.cookie, "every sign-in opens a new session id");
    assert_ne!(first.csrf_token, second.csrf_token);
    assert_eq!(first.principal.actor, format!("account:{id}"));

    // Resuming within the idle timeout works, and keeps the id.
    let soon = at(&store, noon() + Duration::minutes(29));
    let resumed = soon.sign_in().resume(&first.cookie, as_of(), "r").await.unwrap();
    assert!(!resumed.rotated);
    assert_eq!(resumed.cookie, first.cookie);

    // A privilege change gives the session a new id; the old one stops working.
    let g = RoleGrant {
        role: Role::Supervisor,
        agency: AgencyCode::parse("social").unwrap(),
        territory: kato(DISTRICT),
    };
    s.users().grant(&system(), "aigerim", &g).await.unwrap();
    let rotated = soon.sign_in().resume(&first.cookie, as_of(), "r").await.unwrap();
    assert!(rotated.rotated && rotated.cookie != first.cookie);
    assert!(rotated.principal.has_role(Role::Supervisor));
    let old = soon.sign_in().resume(&first.cookie, as_of(), "r").await;
    assert_eq!(sign_in_error(old), SignInError::SessionExpired);

    // Idle for 30 minutes after the last activity: gone.
    let idle = at(&store, noon() + Duration::minutes(29 + 31));
    let r = idle.sign_in().resume(&rotated.cookie, as_of(), "r").await;
    assert_eq!(sign_in_error(r), SignInError::SessionExpired);
    assert_eq!(last_outcome(&store).await, ("account.session_expired".into(), Outcome::Denied));

    // Sign-out everywhere ends the other session too.
    let n = s.sign_in().sign_out_everywhere(id).await.unwrap();
    assert_eq!(n, 1, "only the second session was still open");
    let r = s.sign_in().resume(&second.cookie, as_of(), "r").await;
    assert_eq!(sign_in_error(r), SignInError::SessionExpired);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_read_with_its_session_is_the_card_read_after_resuming_it() {
    let (_dir, store) = world().await;
    let s = at(&store, noon());
    staff(&s, "aigerim").await;
    let signed = s.sign_in().sign_in("aigerim", PASSWORD, "a", "r", as_of()).await.unwrap();
    let page = shanyraq_store::PageRequest { after: None, limit: 1, on: as_of() };
    let family = store.families_in_territory(kato(DISTRICT), page).await.unwrap().items[0].id;

    let (resumed, card) =
        s.read_family_in_session(&signed.cookie, "r-1", None, family).await.unwrap();
    assert!(!resumed.rotated);
    assert_eq!(resumed.principal, signed.principal);
    let ctx = AccessContext::new(resumed.principal.clone(), "r-2");
    let apart = s.read_family(&ctx, family).await.unwrap();
    assert_eq!(card.unwrap().record, apart.record);
    let entries = store.audit_entries(0, 1_000).await.unwrap();
    let reads: Vec<_> = entries
        .iter()
        .filter(|e| e.record.action == "family.read")
        .map(|e| (e.record.request_id.as_str(), e.record.outcome))
        .collect();
    assert_eq!(reads, [("r-1", Outcome::Allowed), ("r-2", Outcome::Allowed)]);

    // No such family: the session stands, the read is a denial, and recorded as one.
    let (_, card) =
        s.read_family_in_session(&signed.cookie, "r-3", None, FamilyId(999_999)).await.unwrap();
    assert!(matches!(card, Err(AppError::Denied { .. })), "{card:?}");
    assert_eq!(last_outcome(&store).await, ("family.read".into(), Outcome::Denied));

    // A change of privileges gives the session a new id, as resuming alone does.
    let g = RoleGrant {
        role: Role::Supervisor,
        agency: AgencyCode::parse("social").unwrap(),
        territory: kato(DISTRICT),
    };
    s.users().grant(&system(), "aigerim", &g).await.unwrap();
    let (rotated, card) =
        s.read_family_in_session(&signed.cookie, "r-4", None, family).await.unwrap();
    assert!(rotated.rotated && rotated.principal.has_role(Role::Supervisor));
    assert!(card.is_ok());

    // An ended session reads nothing and records the end, not a read.
    let later = at(&store, noon() + Duration::hours(1));
    let r = later.read_family_in_session(&rotated.cookie, "r-5", None, family).await;
    assert_eq!(sign_in_error(r), SignInError::SessionExpired);
    assert_eq!(last_outcome(&store).await, ("account.session_expired".into(), Outcome::Denied));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn active_sessions_end_at_the_absolute_timeout() {
    let (_dir, store) = world().await;
    let policy = SessionPolicy { absolute: Duration::hours(2), ..SessionPolicy::default() };
    let s = at(&store, noon()).with_session_policy(policy);
    staff(&s, "aigerim").await;
    let signed = s.sign_in().sign_in("aigerim", PASSWORD, "a", "r", as_of()).await.unwrap();
    let mut t = noon();
    for _ in 0..7 {
        t += Duration::minutes(15);
        let step = at(&store, t).with_session_policy(policy);
        assert!(step.sign_in().resume(&signed.cookie, as_of(), "r").await.is_ok(), "at {t}");
    }
    let end = at(&store, noon() + Duration::hours(2)).with_session_policy(policy);
    let r = end.sign_in().resume(&signed.cookie, as_of(), "r").await;
    assert_eq!(sign_in_error(r), SignInError::SessionExpired);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_administrators_administer_and_weak_passwords_are_refused() {
    let (_dir, store) = world().await;
    let s = at(&store, noon());
    let weak = NewUser {
        login: "dana".into(),
        kind: AccountKind::Staff,
        display_name: "Dana".into(),
        password: "qwertyuiop123".into(),
        iin: None,
    };
    match s.users().add(&system(), weak.clone()).await {
        Err(AppError::InvalidInput { code: "password.common", .. }) => {}
        other => panic!("{other:?}"),
    }
    let worker = AccessContext::new(
        Principal {
            roles: vec![RoleGrant {
                role: Role::Supervisor,
                agency: AgencyCode::parse("social").unwrap(),
                territory: kato(DISTRICT),
            }],
            ..Principal::nobody("account:99")
        },
        "r",
    );
    let strong = NewUser { password: PASSWORD.into(), ..weak };
    assert!(matches!(s.users().add(&worker, strong.clone()).await, Err(AppError::Denied { .. })));
    assert_eq!(last_outcome(&store).await, ("account.add".into(), Outcome::Denied));
    s.users().add(&system(), strong.clone()).await.unwrap();
    match s.users().add(&system(), strong).await {
        Err(AppError::InvalidInput { code: "account.taken", .. }) => {}
        other => panic!("{other:?}"),
    }
    assert!(s.users().set_category(&system(), "dana", Category::Violence, true).await.unwrap());
    assert!(!s.users().set_category(&system(), "dana", Category::Violence, true).await.unwrap());
    let listed = s.users().list(&system()).await.unwrap();
    assert!(listed.iter().any(|a| a.login == "dana" && a.categories.contains(Category::Violence)));
}
