//! Accounts and what hangs off them: role and category grants, sessions, failed sign-ins and
//! break-glass accesses. Writes are `BEGIN IMMEDIATE` transactions on the writer connection;
//! reads run on a reader.
//!
//! Times are written as fixed-width UTC text cut to the microsecond
//! ([`sortable_timestamp_text`]), so that the comparisons in SQL (idle sessions, recent
//! failures, open accesses) compare times, not texts of varying length.
//!
//! An account's grants are read with two more statements (one each for roles and categories,
//! for one account or for all), never one per account.

use std::collections::HashMap;
use std::sync::LazyLock;

use rusqlite::{Connection, OptionalExtension, Row, Transaction};
use shanyraq_domain::access::{AgencyCode, Category, CategorySet, Role, RoleGrant};
use shanyraq_domain::audit::AuditRecord;
use shanyraq_domain::{FamilyId, Iin};
use shanyraq_store::{
    AccountGrants, AccountKind, AccountRecord, BreakGlassRecord, FamilyRecord, GrantCache,
    NewAccount, NewBreakGlass, NewSession, ResumedSession, SessionRecord, StoreError, StoreResult,
};
use time::OffsetDateTime;

use crate::assessment::MAX_PAGE;
use crate::audit::append_on;
use crate::codec::IinText;
use crate::decode::Cells;
use crate::error::{store_error, write_error};
use crate::read;
use crate::rows::{all, first, instant, opt_instant};
use crate::write::immediate;

const NOT_IIN: &str = "not a valid IIN";
const NOT_AGENCY: &str = "not an agency code";

/// Columns of `accounts` in the order [`account_row`] reads them.
const ACCOUNT_COLUMNS: &str = "id, login, kind, display_name, password_hash, iin, \
    privilege_epoch, created_at, disabled_at";
/// Columns of `sessions` in the order [`session_row`] reads them.
const SESSION_COLUMNS: &str =
    "id_hash, account_id, created_at, last_seen_at, privilege_epoch, csrf_token";
/// Columns of `break_glass` in the order [`break_glass_row`] reads them.
const BREAK_GLASS_COLUMNS: &str =
    "id, account_id, family_id, reason, opened_at, until, reviewed_by, reviewed_at, review_note";

const INSERT_ACCOUNT: &str = "INSERT INTO accounts (login, kind, display_name, password_hash, \
    iin, privilege_epoch, created_at, disabled_at) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, NULL)";
static ACCOUNT_BY_ID: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1"));
static ACCOUNT_BY_LOGIN: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE login = ?1"));
static ALL_ACCOUNTS: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY login"));
const ROLES_OF: &str = "SELECT account_id, role, agency, territory FROM account_roles \
    WHERE account_id = ?1";
const ALL_ROLES: &str = "SELECT account_id, role, agency, territory FROM account_roles";
const CATEGORIES_OF: &str =
    "SELECT account_id, category FROM account_categories WHERE account_id = ?1";
const ALL_CATEGORIES: &str = "SELECT account_id, category FROM account_categories";
const ACCOUNT_EXISTS: &str = "SELECT 1 FROM accounts WHERE id = ?1";
const RAISE_EPOCH: &str = "UPDATE accounts SET privilege_epoch = privilege_epoch + 1 WHERE id = ?1";

const INSERT_SESSION: &str = "INSERT INTO sessions (id_hash, account_id, created_at, \
    last_seen_at, privilege_epoch, csrf_token) VALUES (?1, ?2, ?3, ?3, ?4, ?5)";
static SESSION_BY_ID: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id_hash = ?1"));

const INSERT_BREAK_GLASS: &str = "INSERT INTO break_glass (account_id, family_id, reason, \
    opened_at, until, reviewed_by, reviewed_at, review_note) \
    VALUES (?1, ?2, ?3, ?4, ?5, NULL, NULL, NULL)";
static BREAK_GLASS_BY_ID: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {BREAK_GLASS_COLUMNS} FROM break_glass WHERE id = ?1"));
static ACTIVE_BREAK_GLASS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {BREAK_GLASS_COLUMNS} FROM break_glass WHERE account_id = ?1 AND until > ?2 \
         ORDER BY id"
    )
});
static UNREVIEWED_BREAK_GLASS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {BREAK_GLASS_COLUMNS} FROM break_glass WHERE reviewed_at IS NULL \
         ORDER BY opened_at, id LIMIT ?1"
    )
});
const REVIEW_BREAK_GLASS: &str = "UPDATE break_glass SET reviewed_by = ?2, reviewed_at = ?3, \
    review_note = ?4 WHERE id = ?1 AND reviewed_at IS NULL";

// ---------------------------------------------------------------------------------------------
// Decoding.

/// An account from its row, without its grants.
fn account_row(row: &Row<'_>) -> StoreResult<AccountRecord> {
    let c = Cells::new(row, "account", 0);
    let iin = match c.opt_str(5, "iin")? {
        Some(text) => Some(text.parse::<Iin>().map_err(|_| c.bad("iin", NOT_IIN))?),
        None => None,
    };
    Ok(AccountRecord {
        id: c.i64(0, "id")?,
        login: c.string(1, "login")?,
        kind: c.code(2, "kind", AccountKind::from_code)?,
        display_name: c.string(3, "display_name")?,
        password_hash: c.string(4, "password_hash")?,
        iin,
        privilege_epoch: c.i64(6, "privilege_epoch")?,
        created_at: c.timestamp(7, "created_at")?,
        disabled_at: c.opt_timestamp(8, "disabled_at")?,
        roles: Vec::new(),
        categories: CategorySet::EMPTY,
    })
}

/// (account, grant) from a row of `account_roles`.
fn role_row(row: &Row<'_>) -> StoreResult<(i64, RoleGrant)> {
    let c = Cells::new(row, "role grant of account", 0);
    let agency =
        AgencyCode::parse(c.str(2, "agency")?).ok_or_else(|| c.bad("agency", NOT_AGENCY))?;
    let grant = RoleGrant {
        role: c.code(1, "role", |code| Role::parse(code).ok())?,
        agency,
        territory: c.kato(3, "territory")?,
    };
    Ok((c.key(), grant))
}

/// (account, category) from a row of `account_categories`.
fn category_row(row: &Row<'_>) -> StoreResult<(i64, Category)> {
    let c = Cells::new(row, "category grant of account", 0);
    Ok((c.key(), c.code(1, "category", Category::parse)?))
}

fn session_row(row: &Row<'_>) -> StoreResult<SessionRecord> {
    // The key of a session is its hash, not a number: the account names the row instead.
    let c = Cells::new(row, "session of account", 1);
    Ok(SessionRecord {
        id_hash: c.string(0, "id_hash")?,
        account: c.i64(1, "account_id")?,
        created_at: c.timestamp(2, "created_at")?,
        last_seen_at: c.timestamp(3, "last_seen_at")?,
        privilege_epoch: c.i64(4, "privilege_epoch")?,
        csrf_token: c.string(5, "csrf_token")?,
    })
}

fn break_glass_row(row: &Row<'_>) -> StoreResult<BreakGlassRecord> {
    let c = Cells::new(row, "break-glass access", 0);
    Ok(BreakGlassRecord {
        id: c.i64(0, "id")?,
        account: c.i64(1, "account_id")?,
        family: FamilyId(c.i64(2, "family_id")?),
        reason: c.string(3, "reason")?,
        opened_at: c.timestamp(4, "opened_at")?,
        until: c.timestamp(5, "until")?,
        reviewed_by: c.opt_i64(6, "reviewed_by")?,
        reviewed_at: c.opt_timestamp(7, "reviewed_at")?,
        review_note: c.opt_string(8, "review_note")?,
    })
}

/// `account` with its grants: roles in `RoleGrant` order (sorted here, whatever the engine's
/// collation), categories as a set.
fn with_grants(conn: &Connection, mut account: AccountRecord) -> StoreResult<AccountRecord> {
    let mut roles: Vec<RoleGrant> =
        all(conn, ROLES_OF, [account.id], role_row)?.into_iter().map(|(_, g)| g).collect();
    roles.sort();
    account.roles = roles;
    account.categories = CategorySet::of(
        all(conn, CATEGORIES_OF, [account.id], category_row)?.into_iter().map(|(_, c)| c),
    );
    Ok(account)
}

fn account_on(conn: &Connection, id: i64) -> StoreResult<Option<AccountRecord>> {
    first(conn, &ACCOUNT_BY_ID, [id], account_row)?.map(|a| with_grants(conn, a)).transpose()
}

/// `NotFound` unless the account exists.
fn must_exist(conn: &Connection, account: i64) -> StoreResult<()> {
    let found: Option<i64> = conn
        .prepare_cached(ACCOUNT_EXISTS)
        .and_then(|mut st| st.query_row([account], |r| r.get(0)).optional())
        .map_err(store_error)?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::NotFound(format!("account {account}"))),
    }
}

// ---------------------------------------------------------------------------------------------
// Accounts.

pub(crate) fn create_account(
    conn: &mut Connection,
    new: &NewAccount,
) -> StoreResult<AccountRecord> {
    let created = instant(new.created_at)?;
    let tx = immediate(conn)?;
    tx.prepare_cached(INSERT_ACCOUNT)
        .and_then(|mut st| {
            st.execute((
                &new.login,
                new.kind.code(),
                &new.display_name,
                &new.password_hash,
                new.iin.as_ref().map(IinText::new),
                &created,
            ))
        })
        .map_err(|e| write_error(e, || "a new account".to_owned()))?;
    let id = tx.last_insert_rowid();
    let record = account_on(&tx, id)?
        .ok_or_else(|| StoreError::Backend(format!("account {id} vanished while created")))?;
    tx.commit().map_err(store_error)?;
    Ok(record)
}

pub(crate) fn account(conn: &Connection, id: i64) -> StoreResult<Option<AccountRecord>> {
    account_on(conn, id)
}

pub(crate) fn account_by_login(
    conn: &Connection,
    login: &str,
) -> StoreResult<Option<AccountRecord>> {
    first(conn, &ACCOUNT_BY_LOGIN, [login], account_row)?.map(|a| with_grants(conn, a)).transpose()
}

/// Every account in login order (as bytes), with its grants: three statements in all.
pub(crate) fn list_accounts(conn: &Connection) -> StoreResult<Vec<AccountRecord>> {
    let mut accounts = all(conn, &ALL_ACCOUNTS, (), account_row)?;
    accounts.sort_by(|a, b| a.login.as_bytes().cmp(b.login.as_bytes()));
    let mut roles: HashMap<i64, Vec<RoleGrant>> = HashMap::new();
    for (account, grant) in all(conn, ALL_ROLES, (), role_row)? {
        roles.entry(account).or_default().push(grant);
    }
    let mut categories: HashMap<i64, CategorySet> = HashMap::new();
    for (account, category) in all(conn, ALL_CATEGORIES, (), category_row)? {
        let set = categories.entry(account).or_default();
        *set = set.with(category);
    }
    for a in &mut accounts {
        let mut grants = roles.remove(&a.id).unwrap_or_default();
        grants.sort();
        a.roles = grants;
        a.categories = categories.get(&a.id).copied().unwrap_or_default();
    }
    Ok(accounts)
}

pub(crate) fn set_password(conn: &mut Connection, account: i64, hash: &str) -> StoreResult<()> {
    let tx = immediate(conn)?;
    let changed = tx
        .execute("UPDATE accounts SET password_hash = ?2 WHERE id = ?1", (account, hash))
        .map_err(store_error)?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("account {account}")));
    }
    tx.commit().map_err(store_error)
}

/// Disables (ending every session of the account) or re-enables an account.
pub(crate) fn set_disabled(
    conn: &mut Connection,
    account: i64,
    at: Option<OffsetDateTime>,
) -> StoreResult<()> {
    let at = opt_instant(at)?;
    let tx = immediate(conn)?;
    let changed = tx
        .execute("UPDATE accounts SET disabled_at = ?2 WHERE id = ?1", (account, &at))
        .map_err(store_error)?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("account {account}")));
    }
    if at.is_some() {
        tx.execute("DELETE FROM sessions WHERE account_id = ?1", [account]).map_err(store_error)?;
    }
    tx.commit().map_err(store_error)
}

/// Runs one grant or revocation on an existing account; raises its epoch when a row changed.
fn change_grant(
    conn: &mut Connection,
    account: i64,
    apply: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<usize>,
) -> StoreResult<bool> {
    let tx = immediate(conn)?;
    must_exist(&tx, account)?;
    let changed =
        apply(&tx).map_err(|e| write_error(e, || format!("a grant of account {account}")))?;
    if changed == 0 {
        return Ok(false);
    }
    tx.prepare_cached(RAISE_EPOCH).and_then(|mut st| st.execute([account])).map_err(store_error)?;
    tx.commit().map_err(store_error)?;
    Ok(true)
}

pub(crate) fn grant_role(conn: &mut Connection, account: i64, g: &RoleGrant) -> StoreResult<bool> {
    change_grant(conn, account, |tx| {
        tx.prepare_cached(
            "INSERT INTO account_roles (account_id, role, agency, territory) \
             VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
        )?
        .execute((account, g.role.code(), g.agency.as_str(), g.territory.as_u32()))
    })
}

pub(crate) fn revoke_role(conn: &mut Connection, account: i64, g: &RoleGrant) -> StoreResult<bool> {
    change_grant(conn, account, |tx| {
        tx.prepare_cached(
            "DELETE FROM account_roles \
             WHERE account_id = ?1 AND role = ?2 AND agency = ?3 AND territory = ?4",
        )?
        .execute((account, g.role.code(), g.agency.as_str(), g.territory.as_u32()))
    })
}

pub(crate) fn grant_category(
    conn: &mut Connection,
    account: i64,
    c: Category,
) -> StoreResult<bool> {
    change_grant(conn, account, |tx| {
        tx.prepare_cached(
            "INSERT INTO account_categories (account_id, category) VALUES (?1, ?2) \
             ON CONFLICT DO NOTHING",
        )?
        .execute((account, c.code()))
    })
}

pub(crate) fn revoke_category(
    conn: &mut Connection,
    account: i64,
    c: Category,
) -> StoreResult<bool> {
    change_grant(conn, account, |tx| {
        tx.prepare_cached("DELETE FROM account_categories WHERE account_id = ?1 AND category = ?2")?
            .execute((account, c.code()))
    })
}

// ---------------------------------------------------------------------------------------------
// Sessions.

fn insert_session(tx: &Transaction<'_>, new: &NewSession) -> StoreResult<()> {
    let created = instant(new.created_at)?;
    tx.prepare_cached(INSERT_SESSION)
        .and_then(|mut st| {
            st.execute((&new.id_hash, new.account, &created, new.privilege_epoch, &new.csrf_token))
        })
        .map_err(|e| write_error(e, || format!("a session of account {}", new.account)))?;
    Ok(())
}

pub(crate) fn create_session(conn: &mut Connection, new: &NewSession) -> StoreResult<()> {
    let tx = immediate(conn)?;
    insert_session(&tx, new)?;
    tx.commit().map_err(store_error)
}

pub(crate) fn session(conn: &Connection, id_hash: &str) -> StoreResult<Option<SessionRecord>> {
    first(conn, &SESSION_BY_ID, [id_hash], session_row)
}

pub(crate) fn touch_session(
    conn: &mut Connection,
    id_hash: &str,
    at: OffsetDateTime,
) -> StoreResult<bool> {
    let at = instant(at)?;
    let tx = immediate(conn)?;
    let changed = tx
        .execute("UPDATE sessions SET last_seen_at = ?2 WHERE id_hash = ?1", (id_hash, &at))
        .map_err(store_error)?;
    tx.commit().map_err(store_error)?;
    Ok(changed > 0)
}

/// Replaces `old` with `new` in one transaction; nothing is written if `old` is gone.
pub(crate) fn rotate_session(
    conn: &mut Connection,
    old: &str,
    new: &NewSession,
) -> StoreResult<bool> {
    let tx = immediate(conn)?;
    let removed =
        tx.execute("DELETE FROM sessions WHERE id_hash = ?1", [old]).map_err(store_error)?;
    if removed == 0 {
        return Ok(false);
    }
    insert_session(&tx, new)?;
    tx.commit().map_err(store_error)?;
    Ok(true)
}

pub(crate) fn delete_session(conn: &mut Connection, id_hash: &str) -> StoreResult<bool> {
    let tx = immediate(conn)?;
    let removed =
        tx.execute("DELETE FROM sessions WHERE id_hash = ?1", [id_hash]).map_err(store_error)?;
    tx.commit().map_err(store_error)?;
    Ok(removed > 0)
}

pub(crate) fn delete_account_sessions(conn: &mut Connection, account: i64) -> StoreResult<u64> {
    let tx = immediate(conn)?;
    let removed =
        tx.execute("DELETE FROM sessions WHERE account_id = ?1", [account]).map_err(store_error)?;
    tx.commit().map_err(store_error)?;
    Ok(removed as u64)
}

pub(crate) fn purge_sessions(
    conn: &mut Connection,
    idle_before: OffsetDateTime,
    opened_before: OffsetDateTime,
) -> StoreResult<u64> {
    let (idle, opened) = (instant(idle_before)?, instant(opened_before)?);
    let tx = immediate(conn)?;
    let removed = tx
        .execute(
            "DELETE FROM sessions WHERE last_seen_at < ?1 OR created_at < ?2",
            (&idle, &opened),
        )
        .map_err(store_error)?;
    tx.commit().map_err(store_error)?;
    Ok(removed as u64)
}

// ---------------------------------------------------------------------------------------------
// Failed sign-ins.

pub(crate) fn record_login_failure(
    conn: &mut Connection,
    keys: &[String],
    at: OffsetDateTime,
) -> StoreResult<()> {
    let at = instant(at)?;
    let tx = immediate(conn)?;
    {
        let mut st = tx
            .prepare_cached("INSERT INTO login_failures (key, at) VALUES (?1, ?2)")
            .map_err(store_error)?;
        for key in keys {
            st.execute((key, &at)).map_err(store_error)?;
        }
    }
    tx.commit().map_err(store_error)
}

pub(crate) fn login_failures_since(
    conn: &Connection,
    key: &str,
    since: OffsetDateTime,
) -> StoreResult<u32> {
    let since = instant(since)?;
    let n: i64 = conn
        .prepare_cached("SELECT count(*) FROM login_failures WHERE key = ?1 AND at >= ?2")
        .and_then(|mut st| st.query_row((key, &since), |r| r.get(0)))
        .map_err(store_error)?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

pub(crate) fn clear_login_failures(conn: &mut Connection, key: &str) -> StoreResult<()> {
    let tx = immediate(conn)?;
    tx.execute("DELETE FROM login_failures WHERE key = ?1", [key]).map_err(store_error)?;
    tx.commit().map_err(store_error)
}

pub(crate) fn purge_login_failures(
    conn: &mut Connection,
    before: OffsetDateTime,
) -> StoreResult<u64> {
    let before = instant(before)?;
    let tx = immediate(conn)?;
    let removed =
        tx.execute("DELETE FROM login_failures WHERE at < ?1", [&before]).map_err(store_error)?;
    tx.commit().map_err(store_error)?;
    Ok(removed as u64)
}

// ---------------------------------------------------------------------------------------------
// Break-glass accesses.

/// Opens an access and appends its audit entry, in one transaction.
pub(crate) fn open_break_glass(
    conn: &mut Connection,
    new: &NewBreakGlass,
    audit: &AuditRecord,
) -> StoreResult<BreakGlassRecord> {
    let (opened, until) = (instant(new.opened_at)?, instant(new.until)?);
    let tx = immediate(conn)?;
    tx.prepare_cached(INSERT_BREAK_GLASS)
        .and_then(|mut st| st.execute((new.account, new.family.0, &new.reason, &opened, &until)))
        .map_err(|e| {
            write_error(e, || {
                format!("a break-glass access of account {} to family {}", new.account, new.family)
            })
        })?;
    let id = tx.last_insert_rowid();
    let record = first(&tx, &BREAK_GLASS_BY_ID, [id], break_glass_row)?.ok_or_else(|| {
        StoreError::Backend(format!("break-glass access {id} vanished while opened"))
    })?;
    append_on(&tx, std::slice::from_ref(audit))?;
    tx.commit().map_err(store_error)?;
    Ok(record)
}

/// The accesses of `account` whose `until` is after `now`, in id order.
pub(crate) fn active_break_glass(
    conn: &Connection,
    account: i64,
    now: OffsetDateTime,
) -> StoreResult<Vec<BreakGlassRecord>> {
    let now = instant(now)?;
    all(conn, &ACTIVE_BREAK_GLASS, (account, &now), break_glass_row)
}

/// The session, its account and the break-glass accesses open at `now`, in one read
/// transaction; the account's grants come from `known` when it holds them at the account's
/// epoch.
pub(crate) fn session_with_account(
    conn: &Connection,
    id_hash: &str,
    now: OffsetDateTime,
    known: &GrantCache,
) -> StoreResult<Option<ResumedSession>> {
    let tx = conn.unchecked_transaction().map_err(store_error)?;
    resumed_session(&tx, id_hash, now, known)
}

/// [`session_with_account`] and, when the session is found, the family's card, in one read
/// transaction.
pub(crate) fn session_with_family(
    conn: &Connection,
    id_hash: &str,
    now: OffsetDateTime,
    known: &GrantCache,
    family: FamilyId,
) -> StoreResult<Option<(ResumedSession, Option<FamilyRecord>)>> {
    let tx = conn.unchecked_transaction().map_err(store_error)?;
    match resumed_session(&tx, id_hash, now, known)? {
        Some(session) => Ok(Some((session, read::family_in(&tx, family)?))),
        None => Ok(None),
    }
}

/// [`session_with_account`] on a connection already inside a read transaction.
pub(crate) fn resumed_session(
    tx: &Connection,
    id_hash: &str,
    now: OffsetDateTime,
    known: &GrantCache,
) -> StoreResult<Option<ResumedSession>> {
    let Some(session) = self::session(tx, id_hash)? else { return Ok(None) };
    let Some(mut account) = first(tx, &ACCOUNT_BY_ID, [session.account], account_row)? else {
        return Ok(None);
    };
    // Read in the same transaction as the row, the grants belong to its epoch.
    match known.get(account.id, account.privilege_epoch) {
        Some(g) => (account.roles, account.categories) = (g.roles, g.categories),
        None => {
            account = with_grants(tx, account)?;
            let g = AccountGrants {
                epoch: account.privilege_epoch,
                roles: account.roles.clone(),
                categories: account.categories,
            };
            known.put(account.id, g);
        }
    }
    let break_glass = match account.kind {
        AccountKind::Staff => active_break_glass(tx, account.id, now)?,
        AccountKind::Citizen => Vec::new(),
    };
    Ok(Some(ResumedSession { session, account, break_glass }))
}

/// Accesses not reviewed yet, by (`opened_at`, id), at most `limit` clamped to
/// `1..=`[`MAX_PAGE`].
pub(crate) fn unreviewed_break_glass(
    conn: &Connection,
    limit: u32,
) -> StoreResult<Vec<BreakGlassRecord>> {
    let limit = limit.clamp(1, MAX_PAGE);
    all(conn, &UNREVIEWED_BREAK_GLASS, [limit], break_glass_row)
}

/// Records the review and appends its audit entry, in one transaction; `false` (and nothing
/// written) when the access was reviewed before.
pub(crate) fn review_break_glass(
    conn: &mut Connection,
    id: i64,
    reviewer: i64,
    at: OffsetDateTime,
    note: &str,
    audit: &AuditRecord,
) -> StoreResult<bool> {
    let at = instant(at)?;
    let tx = immediate(conn)?;
    let changed = tx
        .prepare_cached(REVIEW_BREAK_GLASS)
        .and_then(|mut st| st.execute((id, reviewer, &at, note)))
        .map_err(|e| write_error(e, || format!("the review of break-glass access {id}")))?;
    if changed == 0 {
        let exists: Option<i64> = tx
            .prepare_cached("SELECT id FROM break_glass WHERE id = ?1")
            .and_then(|mut st| st.query_row([id], |r| r.get(0)).optional())
            .map_err(store_error)?;
        return match exists {
            Some(_) => Ok(false),
            None => Err(StoreError::NotFound(format!("break-glass access {id}"))),
        };
    }
    append_on(&tx, std::slice::from_ref(audit))?;
    tx.commit().map_err(store_error)?;
    Ok(true)
}
