//! An action and its audit entry commit together on PostgreSQL: a failure between the action and
//! the commit (here, a trigger that refuses the audit insert) leaves neither. Also, damaged
//! account grants are read as `Corrupt`, named without their value.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{TestDb, TestStore};
use shanyraq_domain::audit::{AuditRecord, Outcome, verify};
use shanyraq_store::contract::fixtures::*;
use shanyraq_store::{
    AccountKind, AccountStore, AuditStore, BatchStore, NewAccount, NewBreakGlass, OfferState,
    OfferStore, PopulationStore, SchemaStore, StoreError, TerritoryStore,
};
use shanyraq_store_postgres::PostgresStore;
use time::macros::{date, datetime};

const REFUSE_AUDIT: &str = "
    CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit insert refused by the test';
    END $$;
    CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_events
        FOR EACH ROW EXECUTE FUNCTION test_refuse_audit();";

const ALLOW_AUDIT: &str = "
    DROP TRIGGER test_refuse_audit ON audit_events;
    DROP FUNCTION test_refuse_audit();";

async fn loaded() -> Option<TestStore> {
    let db = TestDb::create().await?;
    let store = TestStore::on(db).await;
    store.migrate().await.unwrap();
    store.replace_territories(&tree()).await.unwrap();
    for b in batches() {
        store.create_batch(&b).await.unwrap();
    }
    store.insert_population(&sample()).await.unwrap();
    Some(store)
}

async fn run(store: &PostgresStore, sql: &'static str) {
    sqlx::raw_sql(sql).execute(store.pool()).await.unwrap();
}

fn audit(action: &str, subject: &str) -> AuditRecord {
    AuditRecord {
        at: datetime!(2026-03-02 10:00:00.5 UTC),
        actor: "account:1".into(),
        on_behalf_of: None,
        action: action.into(),
        subject: Some(subject.into()),
        purpose: None,
        outcome: Outcome::Allowed,
        request_id: "req-1".into(),
        capacity: Some("social_worker/social".into()),
    }
}

#[tokio::test]
async fn a_failure_between_an_answer_and_its_commit_leaves_neither() {
    let Some(store) = loaded().await else { return };
    let offer = new_offer(F_SERIKBAYEV, P_ARMAN, "targeted_assistance", date!(2026 - 03 - 15));
    let written = store.create_offers(&[offer], datetime!(2026-03-01 12:00 UTC)).await.unwrap();
    let id = written[0].id;
    store.append_audit(&[audit("offer.create", "family:1")]).await.unwrap();
    let head = store.audit_head().await.unwrap().unwrap();
    let record = audit("offer.accept", &format!("offer:{id}"));

    run(&store, REFUSE_AUDIT).await;
    let err = store.answer_offer(id, true, date!(2026 - 03 - 02), &record).await.unwrap_err();
    assert!(matches!(err, StoreError::Backend(_)), "{err:?}");
    assert_eq!(store.offer(id).await.unwrap().unwrap().state, OfferState::Sent);
    assert_eq!(store.audit_head().await.unwrap().as_ref(), Some(&head), "no entry added");

    run(&store, ALLOW_AUDIT).await;
    let answered = store.answer_offer(id, true, date!(2026 - 03 - 02), &record).await.unwrap();
    assert_eq!(answered.state, OfferState::Accepted);
    let added = store.audit_entries(head.seq, 100).await.unwrap();
    assert_eq!(added.len(), 1, "exactly one new entry");
    assert_eq!(added[0].record, record);
    let all = store.audit_entries(0, 100).await.unwrap();
    assert_eq!(verify(&all, &[]), Ok(2));

    // A refused answer writes no entry either.
    let err = store.answer_offer(id, false, date!(2026 - 03 - 03), &record).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let err = store.answer_offer(id + 1_000, true, date!(2026 - 03 - 03), &record).await;
    assert!(matches!(err, Err(StoreError::NotFound(_))), "{err:?}");
    assert_eq!(store.audit_entries(0, 100).await.unwrap(), all);
}

#[tokio::test]
async fn a_failure_between_a_break_glass_access_and_its_commit_leaves_neither() {
    let Some(store) = loaded().await else { return };
    let account = store
        .create_account(&NewAccount {
            login: "worker".into(),
            kind: AccountKind::Staff,
            display_name: "Worker".into(),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
            iin: None,
            created_at: datetime!(2026-03-01 08:00 UTC),
        })
        .await
        .unwrap();
    let new = NewBreakGlass {
        account: account.id,
        family: F_SERIKBAYEV,
        reason: "night call from the police".into(),
        opened_at: datetime!(2026-03-02 01:00 UTC),
        until: datetime!(2026-03-02 05:00 UTC),
    };
    let subject = format!("family:{}", F_SERIKBAYEV.0);
    let record = audit("break_glass.open", &subject);

    run(&store, REFUSE_AUDIT).await;
    assert!(store.open_break_glass(&new, &record).await.is_err());
    assert!(store.unreviewed_break_glass(10).await.unwrap().is_empty(), "no access stored");
    assert_eq!(store.audit_head().await.unwrap(), None);
    run(&store, ALLOW_AUDIT).await;
    let opened = store.open_break_glass(&new, &record).await.unwrap();
    assert_eq!(store.unreviewed_break_glass(10).await.unwrap(), std::slice::from_ref(&opened));

    let review = audit("break_glass.review", &subject);
    let at = datetime!(2026-03-02 09:00 UTC);
    run(&store, REFUSE_AUDIT).await;
    assert!(store.review_break_glass(opened.id, account.id, at, "ok", &review).await.is_err());
    assert_eq!(store.unreviewed_break_glass(10).await.unwrap(), std::slice::from_ref(&opened));
    run(&store, ALLOW_AUDIT).await;
    assert!(store.review_break_glass(opened.id, account.id, at, "ok", &review).await.unwrap());
    assert!(store.unreviewed_break_glass(10).await.unwrap().is_empty());
    let entries = store.audit_for_subject(&subject, None, 10).await.unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.record.action.as_str()).collect();
    assert_eq!(actions, ["break_glass.review", "break_glass.open"], "newest first");
}

#[tokio::test]
async fn damaged_grants_are_corrupt_and_not_quoted() {
    let Some(db) = TestDb::create().await else { return };
    let store = TestStore::on(db).await;
    store.migrate().await.unwrap();
    let account = store
        .create_account(&NewAccount {
            login: "analyst".into(),
            kind: AccountKind::Staff,
            display_name: "Analyst".into(),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
            iin: None,
            created_at: datetime!(2026-03-01 08:00 UTC),
        })
        .await
        .unwrap();
    for (sql, column) in [
        ("INSERT INTO account_roles VALUES ($1, 'archmage', 'social', 110000000)", "role"),
        ("UPDATE account_roles SET role = 'analyst', agency = 'Bad Agency'", "agency"),
        ("UPDATE account_roles SET agency = 'social', territory = 123", "territory"),
        ("UPDATE account_roles SET territory = 110000000; UPDATE accounts SET iin = '1'", "iin"),
    ] {
        for statement in sql.split("; ") {
            let q = sqlx::query(sqlx::AssertSqlSafe(statement));
            let q = if statement.contains("$1") { q.bind(account.id) } else { q };
            q.execute(store.pool()).await.unwrap();
        }
        let err = store.account(account.id).await.unwrap_err();
        let StoreError::Corrupt(message) = &err else { panic!("{column}: {err:?}") };
        assert!(message.contains(&format!("column {column}")), "{message}");
        for value in ["archmage", "Bad Agency", "123", "= '1'"] {
            assert!(!message.contains(value), "{message}");
        }
    }
}

fn numbered(writer: &str, i: usize) -> AuditRecord {
    AuditRecord {
        request_id: format!("req-{writer}-{i}"),
        actor: writer.into(),
        ..audit("family.read", "family:1")
    }
}

/// Two application servers (two stores, each remembering the head it last saw) append groups
/// that stand alone, with a write's entry between them: each stale head is noticed by the
/// primary key, the group is sealed after the true head, and the chain stays one line.
#[tokio::test]
async fn groups_from_two_servers_and_a_write_between_them_keep_one_chain() {
    let Some(db) = TestDb::create().await else { return };
    let a = db.migrated_store().await;
    a.replace_territories(&tree()).await.unwrap();
    for b in batches() {
        a.create_batch(&b).await.unwrap();
    }
    a.insert_population(&sample()).await.unwrap();
    let b = db.store().await;

    let seqs = |written: Vec<shanyraq_domain::audit::AuditEntry>| -> Vec<u64> {
        written.iter().map(|e| e.seq).collect()
    };
    assert_eq!(seqs(a.append_audit(&[numbered("a", 0)]).await.unwrap()), [1]);
    let two = [numbered("b", 0), numbered("b", 1)];
    assert_eq!(seqs(b.append_audit(&two).await.unwrap()), [2, 3]);
    // `a` still remembers entry 1.
    assert_eq!(seqs(a.append_audit(&[numbered("a", 1)]).await.unwrap()), [4]);
    let offer = new_offer(F_SERIKBAYEV, P_ARMAN, "targeted_assistance", date!(2026 - 03 - 15));
    let id = a.create_offers(&[offer], datetime!(2026-03-01 12:00 UTC)).await.unwrap()[0].id;
    let answer = audit("offer.accept", &format!("offer:{id}"));
    a.answer_offer(id, true, date!(2026 - 03 - 02), &answer).await.unwrap();
    assert_eq!(a.audit_head().await.unwrap().unwrap().seq, 5, "the write's entry");
    // `b` still remembers entry 3, `a` entry 4.
    assert_eq!(seqs(b.append_audit(&[numbered("b", 2)]).await.unwrap()), [6]);
    assert_eq!(seqs(a.append_audit(&[numbered("a", 2)]).await.unwrap()), [7]);

    // Both at once, four writers each.
    let writer = |store: &PostgresStore, name: String| {
        let store = store.clone();
        async move {
            for i in 0..150 {
                store.append_audit(&[numbered(&name, i)]).await.unwrap();
            }
        }
    };
    let tasks: Vec<_> = (0..8)
        .map(|w| {
            let store = if w % 2 == 0 { &a } else { &b };
            tokio::spawn(writer(store, format!("w{w}")))
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let mut all = Vec::new();
    loop {
        let page = a
            .audit_entries(
                all.last().map_or(0, |e: &shanyraq_domain::audit::AuditEntry| e.seq),
                50_000,
            )
            .await
            .unwrap();
        if page.is_empty() {
            break;
        }
        all.extend(page);
    }
    assert_eq!(verify(&all, &[]), Ok(7 + 8 * 150));
    for w in 0..8 {
        let name = format!("w{w}");
        let mine: Vec<&str> = all
            .iter()
            .filter(|e| e.record.actor == name)
            .map(|e| e.record.request_id.as_str())
            .collect();
        let expected: Vec<String> = (0..150).map(|i| format!("req-{name}-{i}")).collect();
        assert_eq!(mine, expected, "writer {name}'s entries, in order");
    }
}
