//! Accounts on PostgreSQL: accounts with their role and category grants, sessions, failed
//! sign-ins and break-glass accesses.
//!
//! Writes that change several rows are single statements (data-modifying `WITH` clauses) or one
//! transaction; a break-glass access and its review append their audit entry in the transaction
//! that writes them (see [`crate::audit::append_in`]).

use async_trait::async_trait;
use shanyraq_domain::access::{AgencyCode, Category, CategorySet, Role, RoleGrant};
use shanyraq_domain::audit::AuditRecord;
use shanyraq_domain::{FamilyId, Iin};
use shanyraq_store::{
    AccountGrants, AccountKind, AccountRecord, AccountStore, BreakGlassRecord, FamilyRecord,
    GrantCache, NewAccount, NewBreakGlass, NewSession, ResumedSession, SessionRecord, StoreError,
    StoreResult,
};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

use crate::PostgresStore;
use crate::audit::append_in;
use crate::decode::{self, At, NOT_KATO, UNKNOWN_CODE, code, corrupt, get, to_kato};
use crate::error::fail;
use crate::read::{SNAPSHOT, family_with_facts, int};

/// Most unreviewed accesses one call returns.
const MAX_PAGE: u32 = 10_000;

const NOT_IIN: &str = "not a valid IIN";
const NOT_AGENCY: &str = "not an agency code";

/// The columns of account `a`'s own row.
macro_rules! account_row_columns {
    () => {
        "a.id, a.login, a.kind, a.display_name, a.password_hash,
        a.iin, a.privilege_epoch, a.created_at, a.disabled_at"
    };
}

/// The grants [`grant_joins`] gathers, as arrays; the role grants' three arrays in the same
/// (primary key) order.
macro_rules! grant_columns {
    () => {
        "coalesce(g.roles, '{}') AS roles, coalesce(g.agencies, '{}') AS agencies,
        coalesce(g.territories, '{}') AS territories,
        coalesce(c.categories, '{}') AS categories"
    };
}

/// The columns of account `a` with its grants.
macro_rules! account_columns {
    () => {
        concat!(account_row_columns!(), ", ", grant_columns!())
    };
}

/// The grants of account `a`, each kind read in one pass: `g` the role grants, `c` the
/// categories.
macro_rules! grant_joins {
    () => {
        " LEFT JOIN LATERAL (
        SELECT array_agg(r.role ORDER BY r.role, r.agency, r.territory) AS roles,
               array_agg(r.agency ORDER BY r.role, r.agency, r.territory) AS agencies,
               array_agg(r.territory ORDER BY r.role, r.agency, r.territory) AS territories
        FROM account_roles r WHERE r.account_id = a.id) g ON true
    LEFT JOIN LATERAL (
        SELECT array_agg(k.category ORDER BY k.category) AS categories
        FROM account_categories k WHERE k.account_id = a.id) c ON true"
    };
}

/// Accounts with their grants. Followed by a `WHERE` or `ORDER BY`.
macro_rules! account_select {
    () => {
        concat!("SELECT ", account_columns!(), " FROM accounts a", grant_joins!())
    };
}

const ACCOUNT: &str = concat!(account_select!(), " WHERE a.id = $1");

const ACCOUNT_BY_LOGIN: &str = concat!(account_select!(), " WHERE a.login = $1");

/// In byte order, as SQLite sorts, whatever the database's collation.
const ACCOUNTS: &str = concat!(account_select!(), " ORDER BY a.login COLLATE \"C\"");

const CREATE_ACCOUNT: &str = "INSERT INTO accounts
        (login, kind, display_name, password_hash, iin, privilege_epoch, created_at)
    VALUES ($1, $2, $3, $4, $5, 0, $6)
    RETURNING id";

const SET_PASSWORD: &str = "UPDATE accounts SET password_hash = $2 WHERE id = $1";

/// Sets or clears `disabled_at`; disabling also ends the account's sessions. Returns the number
/// of accounts changed (0: unknown).
const SET_DISABLED: &str = "WITH changed AS (
        UPDATE accounts SET disabled_at = $2 WHERE id = $1 RETURNING id
    ), ended AS (
        DELETE FROM sessions
        WHERE $2::timestamptz IS NOT NULL AND account_id IN (SELECT id FROM changed)
    )
    SELECT count(*) FROM changed";

/// Adds a role grant and raises the privilege epoch if it was new; returns (account exists,
/// grant added).
const GRANT_ROLE: &str = "WITH account AS (
        SELECT id FROM accounts WHERE id = $1
    ), added AS (
        INSERT INTO account_roles (account_id, role, agency, territory)
        SELECT id, $2, $3, $4 FROM account
        ON CONFLICT DO NOTHING
        RETURNING account_id
    ), bumped AS (
        UPDATE accounts SET privilege_epoch = privilege_epoch + 1
        WHERE id IN (SELECT account_id FROM added)
    )
    SELECT EXISTS (SELECT 1 FROM account) AS found, EXISTS (SELECT 1 FROM added) AS changed";

const REVOKE_ROLE: &str = "WITH account AS (
        SELECT id FROM accounts WHERE id = $1
    ), removed AS (
        DELETE FROM account_roles
        WHERE account_id = $1 AND role = $2 AND agency = $3 AND territory = $4
        RETURNING account_id
    ), bumped AS (
        UPDATE accounts SET privilege_epoch = privilege_epoch + 1
        WHERE id IN (SELECT account_id FROM removed)
    )
    SELECT EXISTS (SELECT 1 FROM account) AS found, EXISTS (SELECT 1 FROM removed) AS changed";

const GRANT_CATEGORY: &str = "WITH account AS (
        SELECT id FROM accounts WHERE id = $1
    ), added AS (
        INSERT INTO account_categories (account_id, category)
        SELECT id, $2 FROM account
        ON CONFLICT DO NOTHING
        RETURNING account_id
    ), bumped AS (
        UPDATE accounts SET privilege_epoch = privilege_epoch + 1
        WHERE id IN (SELECT account_id FROM added)
    )
    SELECT EXISTS (SELECT 1 FROM account) AS found, EXISTS (SELECT 1 FROM added) AS changed";

const REVOKE_CATEGORY: &str = "WITH account AS (
        SELECT id FROM accounts WHERE id = $1
    ), removed AS (
        DELETE FROM account_categories WHERE account_id = $1 AND category = $2
        RETURNING account_id
    ), bumped AS (
        UPDATE accounts SET privilege_epoch = privilege_epoch + 1
        WHERE id IN (SELECT account_id FROM removed)
    )
    SELECT EXISTS (SELECT 1 FROM account) AS found, EXISTS (SELECT 1 FROM removed) AS changed";

/// The columns [`session`] reads.
macro_rules! session_columns {
    () => {
        "id_hash, account_id, created_at, last_seen_at, privilege_epoch, csrf_token"
    };
}

const CREATE_SESSION: &str = "INSERT INTO sessions
        (id_hash, account_id, created_at, last_seen_at, privilege_epoch, csrf_token)
    VALUES ($1, $2, $3, $3, $4, $5)";

const SESSION: &str = concat!("SELECT ", session_columns!(), " FROM sessions WHERE id_hash = $1");

/// The select list of a session with its account's own row and whether a break-glass access is
/// open at `$2`.
macro_rules! session_with_account_columns {
    () => {
        concat!(
            "SELECT s.id_hash AS s_id_hash, s.created_at AS s_created_at,
        s.last_seen_at AS s_last_seen_at, s.privilege_epoch AS s_privilege_epoch,
        s.csrf_token AS s_csrf_token,
        EXISTS (SELECT 1 FROM break_glass b WHERE b.account_id = a.id AND b.until > $2)
            AS has_break_glass, ",
            account_row_columns!()
        )
    };
}

/// The session, its account's own row and whether a break-glass access is open (then, rarely,
/// a second query reads them); the grants are read apart ([`ACCOUNT_GRANTS`]) only when the
/// server does not know them at the account's epoch yet.
const SESSION_WITH_ACCOUNT: &str = concat!(
    session_with_account_columns!(),
    " FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.id_hash = $1"
);

/// A family's columns from `families f`, under the names `decode::joined_family` reads.
macro_rules! joined_family_columns {
    () => {
        "f.id AS f_id, f.territory_code AS f_territory_code, f.street AS f_street, \
         f.house AS f_house, f.flat AS f_flat, f.settlement_type AS f_settlement_type, \
         f.registered_on AS f_registered_on"
    };
}

/// [`SESSION_WITH_ACCOUNT`] with the row of family `$3` (its columns named `f_…`, all null when
/// there is no such family): the card's first statement rides on the session's round trip.
const SESSION_WITH_FAMILY: &str = concat!(
    session_with_account_columns!(),
    ", ",
    joined_family_columns!(),
    " FROM sessions s JOIN accounts a ON a.id = s.account_id
    LEFT JOIN families f ON f.id = $3
    WHERE s.id_hash = $1"
);

/// An account's grants with the epoch they belong to, read together.
const ACCOUNT_GRANTS: &str = concat!(
    "SELECT a.id, a.privilege_epoch, ",
    grant_columns!(),
    " FROM accounts a",
    grant_joins!(),
    " WHERE a.id = $1"
);

const TOUCH_SESSION: &str = "UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1";

/// Deletes session `$1` and stores the new one only if it did: one statement, so both or
/// neither.
const ROTATE_SESSION: &str = "WITH old AS (
        DELETE FROM sessions WHERE id_hash = $1 RETURNING id_hash
    )
    INSERT INTO sessions
        (id_hash, account_id, created_at, last_seen_at, privilege_epoch, csrf_token)
    SELECT $2, $3, $4, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM old)";

const DELETE_SESSION: &str = "DELETE FROM sessions WHERE id_hash = $1";

const DELETE_ACCOUNT_SESSIONS: &str = "DELETE FROM sessions WHERE account_id = $1";

const PURGE_SESSIONS: &str = "DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2";

const RECORD_FAILURES: &str =
    "INSERT INTO login_failures (key, at) SELECT k, $2 FROM unnest($1::text[]) AS f (k)";

const FAILURES_SINCE: &str = "SELECT count(*) FROM login_failures WHERE key = $1 AND at >= $2";

const CLEAR_FAILURES: &str = "DELETE FROM login_failures WHERE key = $1";

const PURGE_FAILURES: &str = "DELETE FROM login_failures WHERE at < $1";

/// The columns [`break_glass`] reads, for `SELECT` and `RETURNING` lists.
macro_rules! break_glass_columns {
    () => {
        "id, account_id, family_id, reason, opened_at, until, reviewed_by, reviewed_at, \
         review_note"
    };
}

const OPEN_BREAK_GLASS: &str = concat!(
    "INSERT INTO break_glass (account_id, family_id, reason, opened_at, until)
    VALUES ($1, $2, $3, $4, $5)
    RETURNING ",
    break_glass_columns!()
);

const ACTIVE_BREAK_GLASS: &str = concat!(
    "SELECT ",
    break_glass_columns!(),
    " FROM break_glass WHERE account_id = $1 AND until > $2 ORDER BY id"
);

const UNREVIEWED_BREAK_GLASS: &str = concat!(
    "SELECT ",
    break_glass_columns!(),
    " FROM break_glass WHERE reviewed_at IS NULL ORDER BY opened_at, id LIMIT $1"
);

const REVIEW_BREAK_GLASS: &str = "UPDATE break_glass
    SET reviewed_by = $2, reviewed_at = $3, review_note = $4
    WHERE id = $1 AND reviewed_at IS NULL";

const BREAK_GLASS_EXISTS: &str = "SELECT EXISTS (SELECT 1 FROM break_glass WHERE id = $1)";

fn account(row: &PgRow) -> StoreResult<AccountRecord> {
    account_with(row, grants(row)?)
}

/// The session behind `id_hash` with its account and open break-glass accesses, read on `conn`
/// (inside the caller's transaction, when it has one). The account's grants come from `known`
/// when it holds them at the account's epoch, and are read and remembered otherwise.
async fn resumed_session(
    conn: &mut PgConnection,
    known: &GrantCache,
    id_hash: &str,
    now: OffsetDateTime,
) -> StoreResult<Option<ResumedSession>> {
    let Some(row) = sqlx::query(SESSION_WITH_ACCOUNT)
        .bind(id_hash)
        .bind(now)
        .fetch_optional(&mut *conn)
        .await
        .map_err(fail("resuming a session"))?
    else {
        return Ok(None);
    };
    resumed_from(conn, known, &row, now).await
}

/// The session in `row` (the columns of `session_with_account_columns`), completed on `conn`
/// with the account's grants, when `known` lacks them, and its open break-glass accesses.
async fn resumed_from(
    conn: &mut PgConnection,
    known: &GrantCache,
    row: &PgRow,
    now: OffsetDateTime,
) -> StoreResult<Option<ResumedSession>> {
    let account_id: i64 = get(row, "id")?;
    let epoch: i64 = get(row, "privilege_epoch")?;
    let grants = match known.get(account_id, epoch) {
        Some(known) => known,
        None => {
            // Outside a snapshot, the grants may already be of a later epoch than the row above:
            // they come with the epoch they belong to, and the account is shown with both.
            let read = sqlx::query(ACCOUNT_GRANTS)
                .bind(account_id)
                .fetch_optional(&mut *conn)
                .await
                .map_err(fail("reading an account's grants"))?;
            let Some(read) = read else { return Ok(None) };
            let read = grants(&read)?;
            known.put(account_id, read.clone());
            read
        }
    };
    let account = account_with(row, grants)?;
    let session = SessionRecord {
        id_hash: get(row, "s_id_hash")?,
        account: account.id,
        created_at: get(row, "s_created_at")?,
        last_seen_at: get(row, "s_last_seen_at")?,
        privilege_epoch: get(row, "s_privilege_epoch")?,
        csrf_token: get(row, "s_csrf_token")?,
    };
    let has_break_glass: bool = get(row, "has_break_glass")?;
    let break_glass = if has_break_glass && account.kind == AccountKind::Staff {
        open_break_glass(conn, account.id, now).await?
    } else {
        Vec::new()
    };
    Ok(Some(ResumedSession { session, account, break_glass }))
}

/// The session behind `id_hash` and, when there is one, the card of `family`, on `conn` (inside
/// the caller's snapshot): the family's row comes with the session statement.
async fn session_and_family(
    conn: &mut PgConnection,
    known: &GrantCache,
    id_hash: &str,
    now: OffsetDateTime,
    family: FamilyId,
) -> StoreResult<Option<(ResumedSession, Option<FamilyRecord>)>> {
    let Some(row) = sqlx::query(SESSION_WITH_FAMILY)
        .bind(id_hash)
        .bind(now)
        .bind(family.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(fail("resuming a session"))?
    else {
        return Ok(None);
    };
    let Some(session) = resumed_from(conn, known, &row, now).await? else { return Ok(None) };
    let card = match decode::joined_family(&row)? {
        Some(family) => Some(family_with_facts(conn, family).await?),
        None => None,
    };
    Ok(Some((session, card)))
}

/// The break-glass accesses of `account` open at `now`.
async fn open_break_glass(
    conn: &mut PgConnection,
    account: i64,
    now: OffsetDateTime,
) -> StoreResult<Vec<BreakGlassRecord>> {
    sqlx::query(ACTIVE_BREAK_GLASS)
        .bind(account)
        .bind(now)
        .fetch_all(conn)
        .await
        .map_err(fail("reading break-glass accesses"))?
        .iter()
        .map(break_glass)
        .collect()
}

/// The account in `row` (the columns of `account_row_columns`) with `grants`.
fn account_with(row: &PgRow, grants: AccountGrants) -> StoreResult<AccountRecord> {
    let at = At::new(row, "accounts", "id");
    let iin: Option<String> = get(row, "iin")?;
    let iin = iin.map(|t| t.parse::<Iin>().map_err(|_| at.corrupt("iin", NOT_IIN))).transpose()?;
    Ok(AccountRecord {
        id: get(row, "id")?,
        login: get(row, "login")?,
        kind: code(at, "kind", AccountKind::from_code)?,
        display_name: get(row, "display_name")?,
        password_hash: get(row, "password_hash")?,
        iin,
        created_at: get(row, "created_at")?,
        disabled_at: get(row, "disabled_at")?,
        privilege_epoch: grants.epoch,
        roles: grants.roles,
        categories: grants.categories,
    })
}

/// The grants in `row` (the columns of `grant_columns`, with `id` and `privilege_epoch`).
fn grants(row: &PgRow) -> StoreResult<AccountGrants> {
    let id: i64 = get(row, "id")?;
    let roles: Vec<String> = get(row, "roles")?;
    let agencies: Vec<String> = get(row, "agencies")?;
    let territories: Vec<i32> = get(row, "territories")?;
    let bad_grant =
        |column: &str, why: &'static str| corrupt("account_roles", "account_id", id, column, why);
    let mut grants = roles
        .iter()
        .zip(&agencies)
        .zip(&territories)
        .map(|((role, agency), territory)| {
            Ok(RoleGrant {
                role: Role::parse(role).map_err(|_| bad_grant("role", UNKNOWN_CODE))?,
                agency: AgencyCode::parse(agency).ok_or_else(|| bad_grant("agency", NOT_AGENCY))?,
                territory: to_kato(*territory).ok_or_else(|| bad_grant("territory", NOT_KATO))?,
            })
        })
        .collect::<StoreResult<Vec<RoleGrant>>>()?;
    grants.sort();
    let categories: Vec<String> = get(row, "categories")?;
    let categories = categories
        .iter()
        .map(|c| {
            Category::parse(c).ok_or_else(|| {
                corrupt("account_categories", "account_id", id, "category", UNKNOWN_CODE)
            })
        })
        .collect::<StoreResult<Vec<Category>>>()?;
    Ok(AccountGrants {
        epoch: get(row, "privilege_epoch")?,
        roles: grants,
        categories: CategorySet::of(categories),
    })
}

fn session(row: &PgRow) -> StoreResult<SessionRecord> {
    Ok(SessionRecord {
        id_hash: get(row, "id_hash")?,
        account: get(row, "account_id")?,
        created_at: get(row, "created_at")?,
        last_seen_at: get(row, "last_seen_at")?,
        privilege_epoch: get(row, "privilege_epoch")?,
        csrf_token: get(row, "csrf_token")?,
    })
}

fn break_glass(row: &PgRow) -> StoreResult<BreakGlassRecord> {
    Ok(BreakGlassRecord {
        id: get(row, "id")?,
        account: get(row, "account_id")?,
        family: FamilyId(get(row, "family_id")?),
        reason: get(row, "reason")?,
        opened_at: get(row, "opened_at")?,
        until: get(row, "until")?,
        reviewed_by: get(row, "reviewed_by")?,
        reviewed_at: get(row, "reviewed_at")?,
        review_note: get(row, "review_note")?,
    })
}

/// Runs one of the grant statements; `NotFound` when the account does not exist.
async fn change_grant(
    query: sqlx::query::Query<'_, sqlx::Postgres, sqlx::postgres::PgArguments>,
    pool: &PgPool,
    account: i64,
) -> StoreResult<bool> {
    let row = query.fetch_one(pool).await.map_err(fail("changing a grant"))?;
    let found: bool = get(&row, "found")?;
    if !found {
        return Err(not_found(account));
    }
    get(&row, "changed")
}

fn not_found(account: i64) -> StoreError {
    StoreError::NotFound(format!("account {account}"))
}

#[async_trait]
impl AccountStore for PostgresStore {
    async fn create_account(&self, new: &NewAccount) -> StoreResult<AccountRecord> {
        let id: i64 = sqlx::query_scalar(CREATE_ACCOUNT)
            .bind(&new.login)
            .bind(new.kind.code())
            .bind(&new.display_name)
            .bind(&new.password_hash)
            .bind(new.iin.map(|i| i.to_string()))
            .bind(new.created_at)
            .fetch_one(&self.pool)
            .await
            .map_err(fail("creating an account"))?;
        self.account(id).await?.ok_or_else(|| not_found(id))
    }

    async fn account(&self, id: i64) -> StoreResult<Option<AccountRecord>> {
        let row = sqlx::query(ACCOUNT)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(fail("reading an account"))?;
        row.as_ref().map(account).transpose()
    }

    async fn account_by_login(&self, login: &str) -> StoreResult<Option<AccountRecord>> {
        let row = sqlx::query(ACCOUNT_BY_LOGIN)
            .bind(login)
            .fetch_optional(&self.pool)
            .await
            .map_err(fail("reading an account"))?;
        row.as_ref().map(account).transpose()
    }

    async fn list_accounts(&self) -> StoreResult<Vec<AccountRecord>> {
        sqlx::query(ACCOUNTS)
            .fetch_all(&self.pool)
            .await
            .map_err(fail("listing accounts"))?
            .iter()
            .map(account)
            .collect()
    }

    async fn set_password(&self, account: i64, password_hash: &str) -> StoreResult<()> {
        let done = sqlx::query(SET_PASSWORD)
            .bind(account)
            .bind(password_hash)
            .execute(&self.pool)
            .await
            .map_err(fail("setting a password"))?;
        if done.rows_affected() == 0 {
            return Err(not_found(account));
        }
        Ok(())
    }

    async fn set_disabled(&self, account: i64, at: Option<OffsetDateTime>) -> StoreResult<()> {
        let changed: i64 = sqlx::query_scalar(SET_DISABLED)
            .bind(account)
            .bind(at)
            .fetch_one(&self.pool)
            .await
            .map_err(fail("disabling an account"))?;
        if changed == 0 {
            return Err(not_found(account));
        }
        Ok(())
    }

    async fn grant_role(&self, account: i64, grant: &RoleGrant) -> StoreResult<bool> {
        let query = sqlx::query(GRANT_ROLE)
            .bind(account)
            .bind(grant.role.code())
            .bind(grant.agency.as_str())
            .bind(int(grant.territory.as_u32()));
        change_grant(query, &self.pool, account).await
    }

    async fn revoke_role(&self, account: i64, grant: &RoleGrant) -> StoreResult<bool> {
        let query = sqlx::query(REVOKE_ROLE)
            .bind(account)
            .bind(grant.role.code())
            .bind(grant.agency.as_str())
            .bind(int(grant.territory.as_u32()));
        change_grant(query, &self.pool, account).await
    }

    async fn grant_category(&self, account: i64, category: Category) -> StoreResult<bool> {
        let query = sqlx::query(GRANT_CATEGORY).bind(account).bind(category.code());
        change_grant(query, &self.pool, account).await
    }

    async fn revoke_category(&self, account: i64, category: Category) -> StoreResult<bool> {
        let query = sqlx::query(REVOKE_CATEGORY).bind(account).bind(category.code());
        change_grant(query, &self.pool, account).await
    }

    async fn create_session(&self, new: &NewSession) -> StoreResult<()> {
        sqlx::query(CREATE_SESSION)
            .bind(&new.id_hash)
            .bind(new.account)
            .bind(new.created_at)
            .bind(new.privilege_epoch)
            .bind(&new.csrf_token)
            .execute(&self.pool)
            .await
            .map_err(fail("creating a session"))?;
        Ok(())
    }

    async fn session(&self, id_hash: &str) -> StoreResult<Option<SessionRecord>> {
        let row = sqlx::query(SESSION)
            .bind(id_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(fail("reading a session"))?;
        row.as_ref().map(session).transpose()
    }

    async fn touch_session(&self, id_hash: &str, at: OffsetDateTime) -> StoreResult<bool> {
        let done = sqlx::query(TOUCH_SESSION)
            .bind(id_hash)
            .bind(at)
            .execute(&self.pool)
            .await
            .map_err(fail("touching a session"))?;
        Ok(done.rows_affected() > 0)
    }

    async fn rotate_session(&self, old: &str, new: &NewSession) -> StoreResult<bool> {
        let done = sqlx::query(ROTATE_SESSION)
            .bind(old)
            .bind(&new.id_hash)
            .bind(new.account)
            .bind(new.created_at)
            .bind(new.privilege_epoch)
            .bind(&new.csrf_token)
            .execute(&self.pool)
            .await
            .map_err(fail("rotating a session"))?;
        Ok(done.rows_affected() > 0)
    }

    async fn delete_session(&self, id_hash: &str) -> StoreResult<bool> {
        let done = sqlx::query(DELETE_SESSION)
            .bind(id_hash)
            .execute(&self.pool)
            .await
            .map_err(fail("ending a session"))?;
        Ok(done.rows_affected() > 0)
    }

    async fn delete_account_sessions(&self, account: i64) -> StoreResult<u64> {
        let done = sqlx::query(DELETE_ACCOUNT_SESSIONS)
            .bind(account)
            .execute(&self.pool)
            .await
            .map_err(fail("ending an account's sessions"))?;
        Ok(done.rows_affected())
    }

    async fn purge_sessions(
        &self,
        idle_before: OffsetDateTime,
        opened_before: OffsetDateTime,
    ) -> StoreResult<u64> {
        let done = sqlx::query(PURGE_SESSIONS)
            .bind(idle_before)
            .bind(opened_before)
            .execute(&self.pool)
            .await
            .map_err(fail("purging sessions"))?;
        Ok(done.rows_affected())
    }

    async fn record_login_failure(&self, keys: &[String], at: OffsetDateTime) -> StoreResult<()> {
        if keys.is_empty() {
            return Ok(());
        }
        sqlx::query(RECORD_FAILURES)
            .bind(keys)
            .bind(at)
            .execute(&self.pool)
            .await
            .map_err(fail("recording a failed sign-in"))?;
        Ok(())
    }

    async fn login_failures_since(&self, key: &str, since: OffsetDateTime) -> StoreResult<u32> {
        let n: i64 = sqlx::query_scalar(FAILURES_SINCE)
            .bind(key)
            .bind(since)
            .fetch_one(&self.pool)
            .await
            .map_err(fail("counting failed sign-ins"))?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    async fn clear_login_failures(&self, key: &str) -> StoreResult<()> {
        sqlx::query(CLEAR_FAILURES)
            .bind(key)
            .execute(&self.pool)
            .await
            .map_err(fail("clearing failed sign-ins"))?;
        Ok(())
    }

    async fn purge_login_failures(&self, before: OffsetDateTime) -> StoreResult<u64> {
        let done = sqlx::query(PURGE_FAILURES)
            .bind(before)
            .execute(&self.pool)
            .await
            .map_err(fail("purging failed sign-ins"))?;
        Ok(done.rows_affected())
    }

    async fn open_break_glass(
        &self,
        new: &NewBreakGlass,
        audit: &AuditRecord,
    ) -> StoreResult<BreakGlassRecord> {
        let mut tx = self.pool.begin().await.map_err(fail("starting a break-glass access"))?;
        let row = sqlx::query(OPEN_BREAK_GLASS)
            .bind(new.account)
            .bind(new.family.0)
            .bind(&new.reason)
            .bind(new.opened_at)
            .bind(new.until)
            .fetch_one(&mut *tx)
            .await
            .map_err(fail("opening a break-glass access"))?;
        let opened = break_glass(&row)?;
        append_in(&mut tx, std::slice::from_ref(audit)).await?;
        tx.commit().await.map_err(fail("committing a break-glass access"))?;
        Ok(opened)
    }

    async fn session_with_account(
        &self,
        id_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<ResumedSession>> {
        let mut conn = self.pool.acquire().await.map_err(fail("resuming a session"))?;
        resumed_session(&mut conn, &self.grants, id_hash, now).await
    }

    async fn session_with_family(
        &self,
        id_hash: &str,
        now: OffsetDateTime,
        family: FamilyId,
    ) -> StoreResult<Option<(ResumedSession, Option<FamilyRecord>)>> {
        let mut tx = self.pool.begin_with(SNAPSHOT).await.map_err(fail("starting a read"))?;
        let found = session_and_family(&mut tx, &self.grants, id_hash, now, family).await?;
        tx.commit().await.map_err(fail("ending a read"))?;
        Ok(found)
    }

    async fn active_break_glass(
        &self,
        account: i64,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<BreakGlassRecord>> {
        let mut conn = self.pool.acquire().await.map_err(fail("reading break-glass accesses"))?;
        open_break_glass(&mut conn, account, now).await
    }

    async fn unreviewed_break_glass(&self, limit: u32) -> StoreResult<Vec<BreakGlassRecord>> {
        sqlx::query(UNREVIEWED_BREAK_GLASS)
            .bind(i64::from(limit.clamp(1, MAX_PAGE)))
            .fetch_all(&self.pool)
            .await
            .map_err(fail("reading unreviewed break-glass accesses"))?
            .iter()
            .map(break_glass)
            .collect()
    }

    async fn review_break_glass(
        &self,
        id: i64,
        reviewer: i64,
        at: OffsetDateTime,
        note: &str,
        audit: &AuditRecord,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(fail("starting a review"))?;
        let done = sqlx::query(REVIEW_BREAK_GLASS)
            .bind(id)
            .bind(reviewer)
            .bind(at)
            .bind(note)
            .execute(&mut *tx)
            .await
            .map_err(fail("reviewing a break-glass access"))?;
        if done.rows_affected() > 0 {
            append_in(&mut tx, std::slice::from_ref(audit)).await?;
            tx.commit().await.map_err(fail("committing a review"))?;
            return Ok(true);
        }
        let exists: bool = sqlx::query_scalar(BREAK_GLASS_EXISTS)
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .map_err(fail("reading a break-glass access"))?;
        // Nothing was written; dropping `tx` rolls it back.
        drop(tx);
        if exists {
            Ok(false)
        } else {
            Err(StoreError::NotFound(format!("break-glass access {id}")))
        }
    }
}
