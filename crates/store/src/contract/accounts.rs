//! The contract of [`crate::AccountStore`]: accounts and their grants, sessions, failed sign-ins
//! and break-glass accesses, whose opening and review are audited in the same transaction.

use shanyraq_domain::access::{AgencyCode, Category, CategorySet, Role, RoleGrant};
use shanyraq_domain::audit::{AuditEntry, AuditRecord, Outcome, verify};
use shanyraq_domain::{FamilyId, Sex};
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};

use super::fixtures::*;
use super::{loaded, migrated};
use crate::accounts::{
    AccountKind, AccountRecord, BreakGlassRecord, NewAccount, NewBreakGlass, NewSession,
    ResumedSession, SessionRecord,
};
use crate::error::StoreError;
use crate::port::Store;

const T0: OffsetDateTime = datetime!(2026-03-01 09:00:00 UTC);
const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";
/// An account id no test creates.
const NOBODY: i64 = 4_040;

fn staff(login: &str, name: &str) -> NewAccount {
    NewAccount {
        login: login.to_owned(),
        kind: AccountKind::Staff,
        display_name: name.to_owned(),
        password_hash: HASH.to_owned(),
        iin: None,
        created_at: T0,
    }
}

fn citizen() -> NewAccount {
    let iin = iin_for(date!(1991 - 07 - 23), Sex::Female, 500);
    NewAccount {
        login: iin.to_string(),
        kind: AccountKind::Citizen,
        display_name: "Гүлнар С.".to_owned(),
        password_hash: HASH.to_owned(),
        iin: Some(iin),
        created_at: T0 + Duration::minutes(5),
    }
}

/// The record a new account is stored as, once it has its id.
fn fresh(id: i64, new: &NewAccount) -> AccountRecord {
    AccountRecord {
        id,
        login: new.login.clone(),
        kind: new.kind,
        display_name: new.display_name.clone(),
        password_hash: new.password_hash.clone(),
        iin: new.iin,
        created_at: new.created_at,
        disabled_at: None,
        privilege_epoch: 0,
        roles: Vec::new(),
        categories: CategorySet::EMPTY,
    }
}

fn grant(role: Role, agency: &str, territory: u32) -> RoleGrant {
    RoleGrant { role, agency: AgencyCode::parse(agency).unwrap(), territory: kato(territory) }
}

fn new_session(id_hash: &str, account: i64, created_at: OffsetDateTime) -> NewSession {
    NewSession {
        id_hash: id_hash.to_owned(),
        account,
        created_at,
        privilege_epoch: 0,
        csrf_token: format!("csrf-{id_hash}"),
    }
}

/// The record a new session is stored as: last seen when it was opened.
fn stored(new: &NewSession) -> SessionRecord {
    SessionRecord {
        id_hash: new.id_hash.clone(),
        account: new.account,
        created_at: new.created_at,
        last_seen_at: new.created_at,
        privilege_epoch: new.privilege_epoch,
        csrf_token: new.csrf_token.clone(),
    }
}

fn audit(action: &str, subject: String, at: OffsetDateTime, request: &str) -> AuditRecord {
    AuditRecord {
        at,
        actor: "staff:aibek".into(),
        on_behalf_of: None,
        action: action.into(),
        subject: Some(subject),
        purpose: Some("child at risk, supervisor away".into()),
        outcome: Outcome::Allowed,
        request_id: request.into(),
        capacity: Some("social_worker/social".into()),
    }
}

async fn epoch(store: &dyn Store, account: i64) -> i64 {
    store.account(account).await.unwrap().unwrap().privilege_epoch
}

async fn failures(store: &dyn Store, key: &str, since: OffsetDateTime) -> u32 {
    store.login_failures_since(key, since).await.unwrap()
}

async fn chain(store: &dyn Store) -> Vec<AuditEntry> {
    store.audit_entries(0, 1_000).await.unwrap()
}

fn is_not_found<T: std::fmt::Debug>(r: Result<T, StoreError>, what: &str) {
    match r {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("{what}: expected NotFound, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------

/// Accounts are created without grants and found by id and login; the list is in login order;
/// a login or an IIN already taken is `Conflict`, writes nothing, and the message does not
/// carry the login or IIN.
pub async fn accounts_are_created_and_found(store: &dyn Store) {
    migrated(store).await;
    assert!(store.list_accounts().await.unwrap().is_empty());
    let zhanar = staff("zhanar", "Жанар Т.");
    let aibek = staff("aibek", "Айбек Н.");
    let gulnar = citizen();
    let z = store.create_account(&zhanar).await.unwrap();
    let a = store.create_account(&aibek).await.unwrap();
    let g = store.create_account(&gulnar).await.unwrap();
    assert_eq!(z, fresh(z.id, &zhanar));
    assert_eq!(a, fresh(a.id, &aibek));
    assert_eq!(g, fresh(g.id, &gulnar));
    assert!(z.id != a.id && a.id != g.id && z.id != g.id, "ids are distinct");
    for r in [&z, &a, &g] {
        assert_eq!(store.account(r.id).await.unwrap().as_ref(), Some(r));
        assert_eq!(store.account_by_login(&r.login).await.unwrap().as_ref(), Some(r));
    }
    assert_eq!(store.account(NOBODY).await.unwrap(), None);
    assert_eq!(store.account_by_login("nobody").await.unwrap(), None);
    // The IIN's digits come before letters in any collation.
    assert_eq!(store.list_accounts().await.unwrap(), vec![g.clone(), a.clone(), z.clone()]);

    let again = NewAccount { display_name: "Another Aibek".into(), ..aibek.clone() };
    let err = store.create_account(&again).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "a login taken: {err:?}");
    assert!(!err.to_string().contains("aibek"), "the login in the message: {err}");
    let same_iin = NewAccount { login: "gulnar".into(), ..gulnar.clone() };
    let err = store.create_account(&same_iin).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "an IIN taken: {err:?}");
    assert!(!err.to_string().contains(&gulnar.login), "the IIN in the message: {err}");
    assert_eq!(store.account_by_login("gulnar").await.unwrap(), None);
    assert_eq!(store.list_accounts().await.unwrap(), vec![g, a, z]);
}

/// A password hash is replaced; disabling records the time and ends the account's sessions
/// (only its own), re-enabling clears the time and brings no session back. An unknown account
/// is `NotFound`.
pub async fn passwords_change_and_disabling_ends_sessions(store: &dyn Store) {
    migrated(store).await;
    let a = store.create_account(&staff("aibek", "Айбек Н.")).await.unwrap();
    let z = store.create_account(&staff("zhanar", "Жанар Т.")).await.unwrap();
    store.set_password(a.id, "$argon2id$v=19$new").await.unwrap();
    let changed = store.account(a.id).await.unwrap().unwrap();
    assert_eq!(changed, AccountRecord { password_hash: "$argon2id$v=19$new".into(), ..a.clone() });
    assert_eq!(store.account(z.id).await.unwrap().unwrap().password_hash, HASH);
    is_not_found(store.set_password(NOBODY, "x").await, "set_password of nobody");

    for (id, account) in [("a1", a.id), ("a2", a.id), ("z1", z.id)] {
        store.create_session(&new_session(id, account, T0)).await.unwrap();
    }
    let at = T0 + Duration::hours(1);
    store.set_disabled(a.id, Some(at)).await.unwrap();
    assert_eq!(store.account(a.id).await.unwrap().unwrap().disabled_at, Some(at));
    assert_eq!(store.session("a1").await.unwrap(), None);
    assert_eq!(store.session("a2").await.unwrap(), None);
    assert_eq!(store.session("z1").await.unwrap(), Some(stored(&new_session("z1", z.id, T0))));
    assert_eq!(store.account(z.id).await.unwrap().unwrap().disabled_at, None);

    store.set_disabled(a.id, None).await.unwrap();
    assert_eq!(store.account(a.id).await.unwrap().unwrap(), changed);
    assert_eq!(store.session("a1").await.unwrap(), None);
    is_not_found(store.set_disabled(NOBODY, Some(at)).await, "disabling nobody");
    is_not_found(store.set_disabled(NOBODY, None).await, "enabling nobody");
}

/// Granting what is held, or revoking what is not, is `false` and leaves the privilege epoch;
/// every change raises it by one. Roles read back in `RoleGrant` order, categories as a set, in
/// every read; another account's grants are untouched. An unknown account is `NotFound`.
pub async fn roles_and_categories_are_granted_and_revoked(store: &dyn Store) {
    migrated(store).await;
    let a = store.create_account(&staff("aibek", "Айбек Н.")).await.unwrap();
    let z = store.create_account(&staff("zhanar", "Жанар Т.")).await.unwrap();
    let supervisor = grant(Role::Supervisor, "social", AKMOLA);
    let worker_district = grant(Role::SocialWorker, "social", AKKOL_DISTRICT);
    let worker_town = grant(Role::SocialWorker, "social", AKKOL_TOWN);
    let worker_school = grant(Role::SocialWorker, "education", ASTANA);

    let mut expected_epoch = 0;
    for g in [&supervisor, &worker_town, &worker_school, &worker_district] {
        assert!(store.grant_role(a.id, g).await.unwrap(), "{g:?} granted");
        expected_epoch += 1;
        assert_eq!(epoch(store, a.id).await, expected_epoch);
    }
    assert!(!store.grant_role(a.id, &worker_town).await.unwrap(), "held already");
    assert_eq!(epoch(store, a.id).await, expected_epoch, "nothing changed");
    // (role, agency, territory): SocialWorker before Supervisor, `education` before `social`.
    let mut roles = vec![
        worker_school.clone(),
        worker_district.clone(),
        worker_town.clone(),
        supervisor.clone(),
    ];
    assert_eq!(store.account(a.id).await.unwrap().unwrap().roles, roles);

    assert!(store.revoke_role(a.id, &worker_district).await.unwrap());
    expected_epoch += 1;
    roles.retain(|g| g != &worker_district);
    assert!(!store.revoke_role(a.id, &worker_district).await.unwrap(), "not held any more");
    let other_agency = grant(Role::Supervisor, "health", AKMOLA);
    assert!(!store.revoke_role(a.id, &other_agency).await.unwrap(), "never held");
    assert_eq!(epoch(store, a.id).await, expected_epoch);

    assert!(store.grant_category(a.id, Category::Violence).await.unwrap());
    assert!(!store.grant_category(a.id, Category::Violence).await.unwrap());
    assert!(store.grant_category(a.id, Category::Health).await.unwrap());
    assert!(store.grant_category(a.id, Category::ChildProtection).await.unwrap());
    assert!(store.revoke_category(a.id, Category::Health).await.unwrap());
    assert!(!store.revoke_category(a.id, Category::Health).await.unwrap());
    assert!(!store.revoke_category(a.id, Category::Disability).await.unwrap());
    expected_epoch += 4;

    let now = store.account(a.id).await.unwrap().unwrap();
    let categories = CategorySet::of([Category::Violence, Category::ChildProtection]);
    assert_eq!(
        now,
        AccountRecord { privilege_epoch: expected_epoch, roles: roles.clone(), categories, ..a }
    );
    assert_eq!(store.account_by_login("aibek").await.unwrap().as_ref(), Some(&now));
    assert_eq!(store.list_accounts().await.unwrap(), vec![now, z.clone()]);
    assert_eq!(store.account(z.id).await.unwrap(), Some(z), "the other account is untouched");

    is_not_found(store.grant_role(NOBODY, &supervisor).await, "grant_role to nobody");
    is_not_found(store.revoke_role(NOBODY, &supervisor).await, "revoke_role of nobody");
    is_not_found(store.grant_category(NOBODY, Category::Health).await, "grant_category");
    is_not_found(store.revoke_category(NOBODY, Category::Health).await, "revoke_category");
}

/// A session reads back as created (last seen when opened); touching moves `last_seen_at`
/// (`false` for a session that is gone); rotating replaces the old id with the new in one step,
/// and does nothing when the old id is gone; sessions end one at a time or all of an account.
pub async fn sessions_are_touched_rotated_and_ended(store: &dyn Store) {
    migrated(store).await;
    let a = store.create_account(&staff("aibek", "Айбек Н.")).await.unwrap();
    let z = store.create_account(&staff("zhanar", "Жанар Т.")).await.unwrap();
    let s1 = new_session("1111", a.id, T0);
    store.create_session(&s1).await.unwrap();
    assert_eq!(store.session("1111").await.unwrap(), Some(stored(&s1)));
    assert_eq!(store.session("9999").await.unwrap(), None);

    let seen = T0 + Duration::minutes(10);
    assert!(store.touch_session("1111", seen).await.unwrap());
    assert_eq!(
        store.session("1111").await.unwrap(),
        Some(SessionRecord { last_seen_at: seen, ..stored(&s1) })
    );
    assert!(!store.touch_session("9999", seen).await.unwrap());
    assert_eq!(store.session("9999").await.unwrap(), None, "touching creates nothing");

    // A privilege change: a new id, the new epoch, the old id gone.
    let s2 = NewSession {
        privilege_epoch: 3,
        csrf_token: "csrf-rotated".into(),
        ..new_session("2222", a.id, T0 + Duration::minutes(20))
    };
    assert!(store.rotate_session("1111", &s2).await.unwrap());
    assert_eq!(store.session("1111").await.unwrap(), None);
    assert_eq!(store.session("2222").await.unwrap(), Some(stored(&s2)));
    let s3 = new_session("3333", a.id, T0 + Duration::minutes(30));
    assert!(!store.rotate_session("1111", &s3).await.unwrap(), "the old session is gone");
    assert_eq!(store.session("3333").await.unwrap(), None, "nothing is stored then");
    assert_eq!(store.session("2222").await.unwrap(), Some(stored(&s2)));

    assert!(store.delete_session("2222").await.unwrap());
    assert!(!store.delete_session("2222").await.unwrap());
    assert_eq!(store.session("2222").await.unwrap(), None);

    for (id, account) in [("a1", a.id), ("a2", a.id), ("a3", a.id), ("z1", z.id)] {
        store.create_session(&new_session(id, account, T0)).await.unwrap();
    }
    assert_eq!(store.delete_account_sessions(a.id).await.unwrap(), 3);
    assert_eq!(store.delete_account_sessions(a.id).await.unwrap(), 0);
    for id in ["a1", "a2", "a3"] {
        assert_eq!(store.session(id).await.unwrap(), None);
    }
    assert!(store.session("z1").await.unwrap().is_some(), "another account's session stays");
    assert_eq!(store.delete_account_sessions(NOBODY).await.unwrap(), 0);
}

/// `purge_sessions` ends the sessions last seen before `idle_before` and those opened before
/// `opened_before`, both bounds exclusive, and says how many it ended.
pub async fn idle_and_old_sessions_are_purged(store: &dyn Store) {
    migrated(store).await;
    let a = store.create_account(&staff("aibek", "Айбек Н.")).await.unwrap();
    let idle_before = T0 + Duration::minutes(40);
    let opened_before = T0 - Duration::hours(1);
    // (id, opened, last seen)
    let sessions = [
        ("active", T0, T0 + Duration::minutes(50)),
        ("idle", T0, T0 + Duration::minutes(30)),
        ("old", T0 - Duration::hours(2), T0 + Duration::minutes(55)),
        ("idle-and-old", T0 - Duration::hours(3), T0 - Duration::hours(3)),
        ("on-the-bounds", opened_before, idle_before),
    ];
    for (id, opened, seen) in sessions {
        store.create_session(&new_session(id, a.id, opened)).await.unwrap();
        if seen != opened {
            assert!(store.touch_session(id, seen).await.unwrap());
        }
    }
    assert_eq!(store.purge_sessions(idle_before, opened_before).await.unwrap(), 3);
    for (id, _, _) in sessions {
        let kept = matches!(id, "active" | "on-the-bounds");
        assert_eq!(store.session(id).await.unwrap().is_some(), kept, "{id}");
    }
    assert_eq!(store.purge_sessions(idle_before, opened_before).await.unwrap(), 0);
}

/// Failed sign-ins are counted per key from `since` on (inclusive); one call records one under
/// each key given; clearing forgets a key's; purging forgets those before a time (exclusive)
/// and says how many.
pub async fn failed_sign_ins_are_counted_cleared_and_purged(store: &dyn Store) {
    migrated(store).await;
    let (account, address, other) =
        ("account:aibek".to_owned(), "address:192.0.2.7".to_owned(), "account:zhanar".to_owned());
    let minute = |n: i64| T0 + Duration::minutes(n);
    store.record_login_failure(&[account.clone(), address.clone()], minute(0)).await.unwrap();
    store.record_login_failure(std::slice::from_ref(&account), minute(1)).await.unwrap();
    store.record_login_failure(std::slice::from_ref(&account), minute(1)).await.unwrap();
    store.record_login_failure(&[address.clone(), other.clone()], minute(2)).await.unwrap();
    store.record_login_failure(&[], minute(3)).await.unwrap();

    assert_eq!(failures(store, &account, minute(0)).await, 3);
    assert_eq!(failures(store, &account, minute(-60)).await, 3);
    assert_eq!(failures(store, &account, minute(1)).await, 2, "`since` is inclusive");
    assert_eq!(failures(store, &account, minute(1) + Duration::seconds(1)).await, 0);
    assert_eq!(failures(store, &address, minute(0)).await, 2);
    assert_eq!(failures(store, &other, minute(0)).await, 1);
    assert_eq!(failures(store, "account:nobody", minute(0)).await, 0);

    store.clear_login_failures(&account).await.unwrap();
    assert_eq!(failures(store, &account, minute(-60)).await, 0);
    assert_eq!(failures(store, &address, minute(0)).await, 2, "other keys keep theirs");
    store.clear_login_failures("account:nobody").await.unwrap();

    // Before minute 2: the address's first failure only (the account's were cleared).
    assert_eq!(store.purge_login_failures(minute(2)).await.unwrap(), 1);
    assert_eq!(failures(store, &address, minute(-60)).await, 1);
    assert_eq!(failures(store, &other, minute(-60)).await, 1);
    assert_eq!(store.purge_login_failures(minute(2)).await.unwrap(), 0);
    assert_eq!(store.purge_login_failures(minute(3)).await.unwrap(), 2);
    assert_eq!(failures(store, &address, minute(-60)).await, 0);
}

/// Opening a break-glass access appends the audit record given in the same transaction (an
/// access that cannot be stored, for an unknown family, is `Conflict` and leaves no entry). An
/// access is active while `now` is before `until`; the unreviewed ones list oldest first. A
/// review is recorded once with its audit entry; reviewing again is `false` and appends
/// nothing; an unknown id is `NotFound`.
pub async fn break_glass_is_audited_and_reviewed_once(store: &dyn Store) {
    let _ = loaded(store).await;
    let worker = store.create_account(&staff("aibek", "Айбек Н.")).await.unwrap();
    let chief = store.create_account(&staff("zhanar", "Жанар Т.")).await.unwrap();
    assert!(chain(store).await.is_empty());
    let hour = |n: i64| T0 + Duration::hours(n);
    let open = |account: i64, family: FamilyId, opened: i64, until: i64| NewBreakGlass {
        account,
        family,
        reason: format!("family {family}: no answer at the door"),
        opened_at: hour(opened),
        until: hour(until),
    };
    let opened = |id: i64, new: &NewBreakGlass| BreakGlassRecord {
        id,
        account: new.account,
        family: new.family,
        reason: new.reason.clone(),
        opened_at: new.opened_at,
        until: new.until,
        reviewed_by: None,
        reviewed_at: None,
        review_note: None,
    };

    let first = open(worker.id, F_SERIKBAYEV, 0, 4);
    let first_audit = audit("break_glass.open", format!("family:{}", F_SERIKBAYEV), hour(0), "r1");
    let b1 = store.open_break_glass(&first, &first_audit).await.unwrap();
    assert_eq!(b1, opened(b1.id, &first));
    let entries = chain(store).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].record, first_audit, "the audit record given");

    let second = open(worker.id, F_ERLAN, 1, 2);
    let b2 = store
        .open_break_glass(&second, &audit("break_glass.open", "family:2".into(), hour(1), "r2"))
        .await
        .unwrap();
    // Opened later but stored earlier than the supervisor's own: the list goes by the time.
    let third = open(chief.id, F_KIM, -1, 1);
    let b3 = store
        .open_break_glass(&third, &audit("break_glass.open", "family:5".into(), hour(-1), "r3"))
        .await
        .unwrap();
    assert_eq!((b2.clone(), b3.clone()), (opened(b2.id, &second), opened(b3.id, &third)));
    assert!(b1.id < b2.id && b2.id < b3.id, "ids grow");
    assert_eq!(chain(store).await.len(), 3);

    let stray = open(worker.id, FamilyId(4_040), 0, 1);
    let err = store
        .open_break_glass(&stray, &audit("break_glass.open", "family:4040".into(), hour(0), "r4"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "an unknown family: {err:?}");
    assert_eq!(chain(store).await.len(), 3, "no entry without the access");

    let active = |account: i64, at: OffsetDateTime| store.active_break_glass(account, at);
    let half_past = hour(1) + Duration::minutes(30);
    assert_eq!(active(worker.id, half_past).await.unwrap(), vec![b1.clone(), b2.clone()]);
    assert_eq!(active(worker.id, hour(2)).await.unwrap(), vec![b1.clone()], "`until` ends it");
    assert!(active(worker.id, hour(4)).await.unwrap().is_empty());
    assert_eq!(active(chief.id, hour(0)).await.unwrap(), vec![b3.clone()]);
    assert!(active(NOBODY, hour(0)).await.unwrap().is_empty());

    assert_eq!(
        store.unreviewed_break_glass(100).await.unwrap(),
        vec![b3.clone(), b1.clone(), b2.clone()],
        "oldest first"
    );
    assert_eq!(store.unreviewed_break_glass(2).await.unwrap(), vec![b3.clone(), b1.clone()]);
    assert_eq!(store.unreviewed_break_glass(0).await.unwrap(), vec![b3.clone()]);

    let reviewed_at = hour(5);
    let review = AuditRecord {
        actor: "staff:zhanar".into(),
        capacity: Some("supervisor/social".into()),
        purpose: None,
        ..audit("break_glass.review", format!("family:{}", F_SERIKBAYEV), reviewed_at, "r5")
    };
    assert!(
        store.review_break_glass(b1.id, chief.id, reviewed_at, "justified", &review).await.unwrap()
    );
    let entries = chain(store).await;
    assert_eq!(entries.len(), 4);
    assert_eq!(entries[3].record, review);
    let again = AuditRecord { request_id: "r6".into(), ..review.clone() };
    let later = hour(6);
    assert!(!store.review_break_glass(b1.id, chief.id, later, "again", &again).await.unwrap());
    assert_eq!(chain(store).await, entries, "a second review appends nothing");
    is_not_found(
        store.review_break_glass(b3.id + 100, chief.id, later, "?", &again).await,
        "reviewing an unknown access",
    );
    assert_eq!(chain(store).await, entries, "nor does an unknown one");

    let b1_reviewed = BreakGlassRecord {
        reviewed_by: Some(chief.id),
        reviewed_at: Some(reviewed_at),
        review_note: Some("justified".into()),
        ..b1
    };
    assert_eq!(active(worker.id, hour(0)).await.unwrap(), vec![b1_reviewed, b2.clone()]);
    assert_eq!(store.unreviewed_break_glass(100).await.unwrap(), vec![b3, b2]);
    assert_eq!(verify(&entries, &[]), Ok(4));
}

/// Resuming a session reads the session, its account with grants, and a staff account's
/// break-glass accesses open at the time; an unknown session is `None`.
pub async fn sessions_resume_with_account_and_break_glass(store: &dyn Store) {
    let _ = loaded(store).await;
    let worker = store.create_account(&staff("aibek", "Айбек Н.")).await.unwrap();
    let g = grant(Role::SocialWorker, "social", 110_000_000);
    store.grant_role(worker.id, &g).await.unwrap();
    store.grant_category(worker.id, Category::Violence).await.unwrap();
    let s = new_session("resume-1", worker.id, T0);
    store.create_session(&s).await.unwrap();
    assert_eq!(store.session_with_account("resume-none", T0).await.unwrap(), None);

    let got = store.session_with_account("resume-1", T0).await.unwrap().unwrap();
    assert_eq!(got.session, stored(&s));
    assert_eq!(got.account, store.account(worker.id).await.unwrap().unwrap());
    assert_eq!(got.account.roles, [g]);
    assert!(got.break_glass.is_empty());

    let open = |family: FamilyId, hours: i64| NewBreakGlass {
        account: worker.id,
        family,
        reason: "no answer at the door".to_owned(),
        opened_at: T0,
        until: T0 + Duration::hours(hours),
    };
    let rec = |request: &str| audit("family.break_glass", "family:1".to_owned(), T0, request);
    let short = store.open_break_glass(&open(F_SERIKBAYEV, 1), &rec("bg-1")).await.unwrap();
    let long = store.open_break_glass(&open(F_KIM, 4), &rec("bg-2")).await.unwrap();
    let at = |h: i64| T0 + Duration::minutes(h);
    let ids = |r: ResumedSession| r.break_glass.iter().map(|b| b.id).collect::<Vec<_>>();
    let now = store.session_with_account("resume-1", at(30)).await.unwrap().unwrap();
    assert_eq!(ids(now), [short.id, long.id]);
    let later = store.session_with_account("resume-1", at(90)).await.unwrap().unwrap();
    assert_eq!(ids(later), [long.id], "the one-hour access has ended");

    // A citizen's session carries no break-glass.
    let c = store.create_account(&citizen()).await.unwrap();
    store.create_session(&new_session("resume-2", c.id, T0)).await.unwrap();
    let got = store.session_with_account("resume-2", at(1)).await.unwrap().unwrap();
    assert_eq!((got.account.id, got.break_glass.len()), (c.id, 0));
}

/// A session resumed together with a family's card reads exactly what the two reads apart
/// would: the session as `session_with_account` gives it, the card as `family` does, no card
/// for an unknown family, and nothing at all for an unknown session.
pub async fn sessions_resume_with_a_family_card(store: &dyn Store) {
    let _ = loaded(store).await;
    let worker = staff_with_session(store, "dana", "card-1", T0).await;
    let none = store.session_with_family("card-none", T0, F_KIM).await.unwrap();
    assert_eq!(none, None, "no session, no card");

    let (session, card) = store.session_with_family("card-1", T0, F_KIM).await.unwrap().unwrap();
    assert_eq!(Some(session), store.session_with_account("card-1", T0).await.unwrap());
    assert_eq!(card, store.family(F_KIM).await.unwrap());
    assert!(card.is_some());
    let (_, card) =
        store.session_with_family("card-1", T0, FamilyId(999_999)).await.unwrap().unwrap();
    assert_eq!(card, None, "an unknown family");

    // Grants and break-glass accesses come with the session, as they do when read alone.
    let g = grant(Role::SchoolSpecialist, "school", 110_000_000);
    store.grant_role(worker, &g).await.unwrap();
    let bg = NewBreakGlass {
        account: worker,
        family: F_SERIKBAYEV,
        reason: "the school reports a child absent for a week".to_owned(),
        opened_at: T0,
        until: T0 + Duration::hours(1),
    };
    let rec = audit("family.break_glass", format!("family:{}", F_SERIKBAYEV.0), T0, "bg-card");
    let opened = store.open_break_glass(&bg, &rec).await.unwrap();
    let at = T0 + Duration::minutes(5);
    let (session, card) =
        store.session_with_family("card-1", at, F_SERIKBAYEV).await.unwrap().unwrap();
    assert_eq!(Some(session.clone()), store.session_with_account("card-1", at).await.unwrap());
    assert!(session.account.roles.contains(&g));
    assert_eq!(session.break_glass, [opened]);
    assert_eq!(card, store.family(F_SERIKBAYEV).await.unwrap());
}

/// Every change of an account's grants shows in the next resumed session, however often the
/// session was resumed before (a backend may keep grants between reads, by privilege epoch).
pub async fn resumed_sessions_show_every_change_of_grants(store: &dyn Store) {
    let _ = loaded(store).await;
    let worker = staff_with_session(store, "saule", "grants-1", T0).await;
    let resumed = || async {
        let got = store.session_with_account("grants-1", T0).await.unwrap().unwrap();
        assert_eq!(got.account, store.account(worker).await.unwrap().unwrap());
        (got.account.roles, got.account.categories)
    };
    assert_eq!(resumed().await, (vec![], CategorySet::EMPTY));
    assert_eq!(resumed().await, (vec![], CategorySet::EMPTY), "the same when resumed again");

    let almaty = grant(Role::SocialWorker, "social", 750_000_000);
    let astana = grant(Role::Supervisor, "social", 710_000_000);
    store.grant_role(worker, &almaty).await.unwrap();
    assert_eq!(resumed().await, (vec![almaty.clone()], CategorySet::EMPTY));
    store.grant_category(worker, Category::Health).await.unwrap();
    let health = CategorySet::EMPTY.with(Category::Health);
    assert_eq!(resumed().await, (vec![almaty.clone()], health));
    store.grant_role(worker, &astana).await.unwrap();
    let mut both = vec![almaty.clone(), astana.clone()];
    both.sort();
    assert_eq!(resumed().await, (both, health));
    store.revoke_role(worker, &almaty).await.unwrap();
    assert_eq!(resumed().await, (vec![astana.clone()], health));
    store.revoke_category(worker, Category::Health).await.unwrap();
    assert_eq!(resumed().await, (vec![astana], CategorySet::EMPTY));
    store.set_disabled(worker, Some(T0)).await.unwrap();
    assert_eq!(
        store.session_with_account("grants-1", T0).await.unwrap(),
        None,
        "disabling ends it"
    );
}

/// A staff account without grants, and a session of it stored as `id_hash` and opened `at`:
/// for a backend's own tests of resuming sessions. The account's id.
pub async fn staff_with_session(
    store: &dyn Store,
    login: &str,
    id_hash: &str,
    at: OffsetDateTime,
) -> i64 {
    let new = NewAccount { created_at: at, ..staff(login, login) };
    let account = store.create_account(&new).await.unwrap();
    store.create_session(&new_session(id_hash, account.id, at)).await.unwrap();
    account.id
}
