//! Accounts on SQLite: grants written around the store (by hand, or by an older program) that
//! do not read back are `Corrupt`, named by table, account and column, never by the value.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rusqlite::Connection;
use shanyraq_store::{AccountKind, AccountStore, NewAccount, SchemaStore, StoreError};
use time::macros::datetime;

use crate::common::TempStore;

fn corrupt(err: StoreError, names: &[&str], value: &str) {
    match err {
        StoreError::Corrupt(m) => {
            for n in names {
                assert!(m.contains(n), "{n:?} is not in {m:?}");
            }
            assert!(!m.contains(value), "the stored value is in the message: {m}");
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

#[tokio::test]
async fn grants_and_codes_that_do_not_parse_are_corrupt() {
    let store = TempStore::new();
    store.migrate().await.unwrap();
    let a = store
        .create_account(&NewAccount {
            login: "aibek".into(),
            kind: AccountKind::Staff,
            display_name: "Aibek".into(),
            password_hash: "$argon2id$v=19$x".into(),
            iin: None,
            created_at: datetime!(2026-03-01 09:00 UTC),
        })
        .await
        .unwrap();
    let raw = Connection::open(store.path()).unwrap();
    let insert = "INSERT INTO account_roles (account_id, role, agency, territory) \
                  VALUES (?1, ?2, ?3, ?4)";

    raw.execute(insert, (a.id, "overlord", "social", 110_000_000)).unwrap();
    corrupt(store.account(a.id).await.unwrap_err(), &["account 1", "role"], "overlord");
    corrupt(store.list_accounts().await.unwrap_err(), &["role"], "overlord");
    raw.execute("DELETE FROM account_roles", []).unwrap();

    raw.execute(insert, (a.id, "supervisor", "Social Services", 110_000_000)).unwrap();
    corrupt(store.account_by_login("aibek").await.unwrap_err(), &["agency"], "Social Services");
    raw.execute("DELETE FROM account_roles", []).unwrap();

    raw.execute(insert, (a.id, "supervisor", "social", 42)).unwrap();
    corrupt(store.account(a.id).await.unwrap_err(), &["territory"], "42");
    raw.execute("DELETE FROM account_roles", []).unwrap();

    raw.execute_batch(
        "PRAGMA ignore_check_constraints = ON;
         INSERT INTO account_categories (account_id, category) VALUES (1, 'gossip');",
    )
    .unwrap();
    corrupt(store.account(a.id).await.unwrap_err(), &["category"], "gossip");
    raw.execute("DELETE FROM account_categories", []).unwrap();

    raw.execute("UPDATE accounts SET kind = 'robot' WHERE id = ?1", [a.id]).unwrap();
    corrupt(store.account(a.id).await.unwrap_err(), &["account 1", "kind"], "robot");
    raw.execute("UPDATE accounts SET kind = 'citizen', iin = '123' WHERE id = ?1", [a.id]).unwrap();
    corrupt(store.account(a.id).await.unwrap_err(), &["account 1", "iin"], "123");
    raw.execute("UPDATE accounts SET iin = NULL WHERE id = ?1", [a.id]).unwrap();
    assert_eq!(store.account(a.id).await.unwrap().unwrap().kind, AccountKind::Citizen);
}

/// A grant changed by another process on the same file (`shanyraq user grant` while the server
/// runs) shows in the next session this store resumes, although it keeps grants between reads.
#[tokio::test]
async fn grants_changed_by_another_process_show_in_the_next_resumed_session() {
    use shanyraq_domain::access::{AgencyCode, Role, RoleGrant};

    let server = TempStore::new();
    server.migrate().await.unwrap();
    let at = datetime!(2026-03-01 09:00 UTC);
    let a = shanyraq_store::contract::staff_with_session(&*server, "dana", "s-1", at).await;
    let roles = || async { server.session_with_account("s-1", at).await.unwrap().unwrap().account };
    assert!(roles().await.roles.is_empty());

    let other = shanyraq_store_sqlite::SqliteStore::open(server.path()).unwrap();
    let g = RoleGrant {
        role: Role::SocialWorker,
        agency: AgencyCode::parse("social").unwrap(),
        territory: "750000000".parse().unwrap(),
    };
    assert!(other.grant_role(a, &g).await.unwrap());
    let after = roles().await;
    assert_eq!((after.roles, after.privilege_epoch), (vec![g.clone()], 1));
    assert!(other.revoke_role(a, &g).await.unwrap());
    assert!(roles().await.roles.is_empty());
}
