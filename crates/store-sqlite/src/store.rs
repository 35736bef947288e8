//! [`SqliteStore`]: one writer connection behind a mutex and a few reader connections, all
//! used from blocking tasks. WAL lets readers work while the writer commits.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use rusqlite::Connection;
use shanyraq_domain::access::{Category, RoleGrant};
use shanyraq_domain::audit::{AuditEntry, AuditRecord};
use shanyraq_domain::{
    BatchId, FamilyId, Iin, ImportBatch, Kato, Territory, TerritoryTree, TreeVersion,
};
use shanyraq_domain::{KatoLevel, PersonId};
use shanyraq_store::{
    AccountRecord, AccountStore, AssessmentChunk, AssessmentInput, AssessmentStore, AuditStore,
    Backend, BatchPageRequest, BatchRecord, BatchStore, BreakGlassRecord, ChallengeRecord,
    ChunkOutcome, FamilyPage, FamilyRecord, FeedChunk, FeedStore, GrantCache, HistoryEntry,
    ImportIssue, Installed, IssueCursor, LevelCount, MethodologyRecord, MigrationOutcome, Movement,
    NewAccount, NewBreakGlass, NewChallenge, NewFeedBatch, NewOffer, NewSession, NewToken, NextIds,
    OfferRecord, OfferStore, OutboxMessage, PageRequest, PendingRow, PersonRecord, PopulationChunk,
    PopulationStore, RegionMedian, ResolvedPerson, ResumedSession, SchemaShape, SchemaStore,
    SessionRecord, StoreError, StoreResult, StoreStats, StoredAssessment, StoredLevelEvent,
    TaskRecord, TerritoryStore, TokenRecord, TokenStore,
};
use time::{Date, OffsetDateTime};
use tokio::sync::Semaphore;

use crate::checkpoint::Checkpointer;
use crate::conn::{Access, Role, check_file, open_connection};
use crate::error::join_error;
use crate::pool::ReaderPool;
use crate::{accounts, assessment, audit, feed, migrate, offers, read, schema, tokens, write};

/// Reader connections per store: enough for concurrent requests on two to eight cores without
/// holding many page caches.
const READERS: usize = 4;

/// The embedded store: one SQLite file in WAL mode.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: ReaderPool,
    /// One permit per reader connection: callers queue here, on the async side, rather than as
    /// blocked threads waiting for a connection.
    read_permits: Arc<Semaphore>,
    /// The same for the one writer.
    write_permit: Arc<Semaphore>,
    /// Copies the writer's commits from the log into the file, beside the writer.
    checkpointer: Checkpointer,
    /// Accounts' grants by privilege epoch, so that resuming a session reads them only after
    /// they changed (another process, such as `shanyraq user grant`, may change them).
    grants: Arc<GrantCache>,
}

impl SqliteStore {
    /// Opens the existing database file at `path`, changing nothing on disk: a missing file is
    /// [`StoreError::Open`] with [`shanyraq_store::OpenFailure::NotFound`], so that a mistyped
    /// path leaves no empty database behind. Never migrates. Blocking: call it before serving or
    /// from a blocking task.
    pub fn open(path: &Path) -> StoreResult<SqliteStore> {
        SqliteStore::open_with(path, Access::Existing)
    }

    /// Opens the database file at `path`, creating an empty one if it is missing (but not a
    /// missing directory), and puts it in WAL mode. For the commands that set a database up
    /// (`migrate`, `demo`). Never migrates. Blocking, like [`SqliteStore::open`].
    pub fn create_or_open(path: &Path) -> StoreResult<SqliteStore> {
        SqliteStore::open_with(path, Access::CreateIfMissing)
    }

    fn open_with(path: &Path, access: Access) -> StoreResult<SqliteStore> {
        check_file(path, access)?;
        // The writer first: it alone sets the journal mode, which the readers then find.
        let writer = open_connection(path, Role::Writer, access)?;
        let readers = (0..READERS)
            .map(|_| open_connection(path, Role::Reader, Access::Existing))
            .collect::<StoreResult<Vec<_>>>()?;
        let checkpointer =
            Checkpointer::start(open_connection(path, Role::Checkpointer, Access::Existing)?)
                .map_err(|e| StoreError::Backend(format!("starting the checkpoint thread: {e}")))?;
        Ok(SqliteStore {
            inner: Arc::new(Inner {
                path: path.to_owned(),
                writer: Mutex::new(writer),
                readers: ReaderPool::new(readers),
                read_permits: Arc::new(Semaphore::new(READERS)),
                write_permit: Arc::new(Semaphore::new(1)),
                checkpointer,
                grants: Arc::default(),
            }),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `f` on a reader connection in a blocking task.
    async fn read<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let permit = Arc::clone(&self.inner.read_permits)
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Backend("the store is closing".into()))?;
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let out = inner.readers.with(f);
            drop(permit);
            out
        })
        .await
        .map_err(join_error)?
    }

    /// Runs `f` on the writer connection in a blocking task; writes are serialised here.
    async fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> StoreResult<T> + Send + 'static,
    {
        let permit = Arc::clone(&self.inner.write_permit)
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Backend("the store is closing".into()))?;
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let mut conn = inner.writer.lock().map_err(|_| {
                StoreError::Backend("the writer connection was lost to a panic".into())
            })?;
            let out = f(&mut conn);
            drop(conn);
            drop(permit);
            if out.is_ok() {
                inner.checkpointer.committed();
            }
            out
        })
        .await
        .map_err(join_error)?
    }
}

#[async_trait]
impl SchemaStore for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    fn supported_schema_version(&self) -> u32 {
        migrate::supported_version()
    }

    async fn schema_version(&self) -> StoreResult<u32> {
        self.read(migrate::current_version).await
    }

    async fn migrate(&self) -> StoreResult<MigrationOutcome> {
        self.write(|conn| migrate::run(conn, migrate::MIGRATIONS)).await
    }

    async fn describe_schema(&self) -> StoreResult<SchemaShape> {
        self.read(schema::describe).await
    }
}

#[async_trait]
impl TerritoryStore for SqliteStore {
    async fn replace_territories(&self, tree: &TerritoryTree) -> StoreResult<()> {
        let tree = tree.clone();
        self.write(move |conn| write::replace_territories(conn, &tree)).await
    }

    async fn territory_version(&self) -> StoreResult<Option<TreeVersion>> {
        self.read(read::territory_version).await
    }

    async fn territory(&self, code: Kato) -> StoreResult<Option<Territory>> {
        self.read(move |conn| read::territory(conn, code)).await
    }

    async fn territory_children(&self, code: Kato) -> StoreResult<Vec<Territory>> {
        self.read(move |conn| read::territory_children(conn, code)).await
    }
}

#[async_trait]
impl BatchStore for SqliteStore {
    async fn create_batch(&self, batch: &ImportBatch) -> StoreResult<()> {
        let batch = batch.clone();
        self.write(move |conn| write::create_batch(conn, &batch)).await
    }

    async fn finish_batch(
        &self,
        id: BatchId,
        finished_at: OffsetDateTime,
        rows_accepted: i64,
        rows_rejected: i64,
    ) -> StoreResult<()> {
        self.write(move |conn| {
            write::finish_batch(conn, id, finished_at, rows_accepted, rows_rejected)
        })
        .await
    }

    async fn batch(&self, id: BatchId) -> StoreResult<Option<ImportBatch>> {
        self.read(move |conn| read::batch(conn, id)).await
    }
}

#[async_trait]
impl PopulationStore for SqliteStore {
    async fn next_ids(&self) -> StoreResult<NextIds> {
        self.read(read::next_ids).await
    }

    async fn insert_population(&self, chunk: &PopulationChunk) -> StoreResult<()> {
        // The blocking task needs the data for its whole life; a copy costs little next to
        // the writes.
        let chunk = chunk.clone();
        self.write(move |conn| write::insert_population(conn, &chunk)).await
    }

    async fn family(&self, id: FamilyId) -> StoreResult<Option<FamilyRecord>> {
        self.read(move |conn| read::family(conn, id)).await
    }

    async fn person_by_iin(&self, iin: Iin) -> StoreResult<Option<PersonRecord>> {
        self.read(move |conn| read::person_by_iin(conn, iin)).await
    }

    async fn families_in_territory(
        &self,
        root: Kato,
        page: PageRequest,
    ) -> StoreResult<FamilyPage> {
        self.read(move |conn| read::families_in_territory(conn, root, page)).await
    }

    async fn count_families_in_territory(&self, root: Kato) -> StoreResult<u64> {
        self.read(move |conn| read::count_families_in_territory(conn, root)).await
    }

    async fn family_territories(&self, ids: &[FamilyId]) -> StoreResult<Vec<(FamilyId, Kato)>> {
        let ids = ids.to_vec();
        self.read(move |conn| read::family_territories(conn, &ids)).await
    }

    async fn stats(&self) -> StoreResult<StoreStats> {
        self.read(read::stats).await
    }

    async fn refresh_statistics(&self) -> StoreResult<()> {
        // `PRAGMA optimize` runs ANALYZE only where SQLite thinks it helps; bounded by
        // analysis_limit so that a large database does not scan every row.
        self.write(|conn| {
            conn.execute_batch("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;")
                .map_err(|e| StoreError::Backend(format!("refreshing statistics: {e}")))
        })
        .await
    }
}

#[async_trait]
impl FeedStore for SqliteStore {
    async fn feed_batch_by_fingerprint(
        &self,
        feed: &str,
        fingerprint: &str,
    ) -> StoreResult<Option<BatchRecord>> {
        let (feed, fingerprint) = (feed.to_owned(), fingerprint.to_owned());
        self.read(move |conn| feed::by_fingerprint(conn, &feed, &fingerprint)).await
    }

    async fn start_feed_batch(
        &self,
        batch: &NewFeedBatch,
        header_issues: &[ImportIssue],
    ) -> StoreResult<BatchRecord> {
        let (batch, header_issues) = (batch.clone(), header_issues.to_vec());
        self.write(move |conn| feed::start(conn, &batch, &header_issues)).await
    }

    async fn resolve_persons(
        &self,
        iins: &[Iin],
        on: Date,
    ) -> StoreResult<Vec<Option<ResolvedPerson>>> {
        let iins = iins.to_vec();
        self.read(move |conn| feed::resolve_persons(conn, &iins, on)).await
    }

    async fn write_feed_chunk(&self, chunk: FeedChunk) -> StoreResult<ChunkOutcome> {
        self.write(move |conn| feed::write_chunk(conn, &chunk)).await
    }

    async fn complete_feed_batch(
        &self,
        id: BatchId,
        rows_read: i64,
        at: OffsetDateTime,
    ) -> StoreResult<BatchRecord> {
        self.write(move |conn| feed::complete(conn, id, rows_read, at)).await
    }

    async fn fail_feed_batch(
        &self,
        id: BatchId,
        error_code: &str,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        let error_code = error_code.to_owned();
        self.write(move |conn| feed::fail(conn, id, &error_code, at)).await
    }

    async fn batch_record(&self, id: BatchId) -> StoreResult<Option<BatchRecord>> {
        self.read(move |conn| feed::batch_record(conn, id)).await
    }

    async fn list_batches(&self, page: BatchPageRequest) -> StoreResult<Vec<BatchRecord>> {
        self.read(move |conn| feed::list_batches(conn, page)).await
    }

    async fn batch_issues(
        &self,
        id: BatchId,
        after: Option<IssueCursor>,
        limit: u32,
    ) -> StoreResult<Vec<ImportIssue>> {
        self.read(move |conn| feed::batch_issues(conn, id, after, limit)).await
    }

    async fn pending_rows(&self, id: BatchId) -> StoreResult<Vec<PendingRow>> {
        self.read(move |conn| feed::pending_rows(conn, id)).await
    }

    async fn changed_families(&self, id: BatchId) -> StoreResult<Vec<FamilyId>> {
        self.read(move |conn| feed::changed_families(conn, id)).await
    }
}

#[async_trait]
impl AssessmentStore for SqliteStore {
    async fn install_methodology(&self, m: &MethodologyRecord) -> StoreResult<Installed> {
        let m = m.clone();
        self.write(move |conn| assessment::install_methodology(conn, &m)).await
    }

    async fn methodologies(&self) -> StoreResult<Vec<MethodologyRecord>> {
        self.read(assessment::methodologies).await
    }

    async fn assessment_inputs(
        &self,
        after: Option<FamilyId>,
        limit: u32,
    ) -> StoreResult<Vec<AssessmentInput>> {
        self.read(move |conn| assessment::inputs_after(conn, after, limit)).await
    }

    async fn assessment_inputs_for(&self, ids: &[FamilyId]) -> StoreResult<Vec<AssessmentInput>> {
        let ids = ids.to_vec();
        self.read(move |conn| assessment::inputs_for(conn, &ids)).await
    }

    async fn write_assessments(&self, chunk: AssessmentChunk) -> StoreResult<()> {
        self.write(move |conn| assessment::write_chunk(conn, &chunk)).await
    }

    async fn assessment(&self, family: FamilyId) -> StoreResult<Option<StoredAssessment>> {
        self.read(move |conn| assessment::assessment(conn, family)).await
    }

    async fn level_history(&self, family: FamilyId) -> StoreResult<Vec<HistoryEntry>> {
        self.read(move |conn| assessment::level_history(conn, family)).await
    }

    async fn level_events(
        &self,
        after: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<StoredLevelEvent>> {
        self.read(move |conn| assessment::level_events(conn, after, limit)).await
    }

    async fn unassessed_change_batches(&self) -> StoreResult<Vec<BatchId>> {
        self.read(assessment::unassessed_change_batches).await
    }

    async fn mark_changes_assessed(
        &self,
        batches: &[BatchId],
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        let batches = batches.to_vec();
        self.write(move |conn| assessment::mark_changes_assessed(conn, &batches, at)).await
    }

    async fn level_counts(&self, root: Kato, depth: KatoLevel) -> StoreResult<Vec<LevelCount>> {
        self.read(move |conn| assessment::level_counts(conn, root, depth)).await
    }

    async fn level_movements(
        &self,
        root: Kato,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<Movement>> {
        self.read(move |conn| assessment::level_movements(conn, root, from, to)).await
    }

    async fn region_medians(&self, on: Date) -> StoreResult<Option<Vec<RegionMedian>>> {
        self.read(move |conn| assessment::region_medians(conn, on)).await
    }

    async fn store_region_medians(&self, on: Date, medians: &[RegionMedian]) -> StoreResult<()> {
        let medians = medians.to_vec();
        self.write(move |conn| assessment::store_region_medians(conn, on, &medians)).await
    }
}

#[async_trait]
impl OfferStore for SqliteStore {
    async fn create_offers(
        &self,
        offers: &[NewOffer],
        at: OffsetDateTime,
    ) -> StoreResult<Vec<OfferRecord>> {
        let offers = offers.to_vec();
        self.write(move |conn| offers::create_offers(conn, &offers, at)).await
    }

    async fn live_offers(&self, families: &[FamilyId]) -> StoreResult<Vec<(PersonId, String)>> {
        let families = families.to_vec();
        self.read(move |conn| offers::live_offers(conn, &families)).await
    }

    async fn offered(&self, families: &[FamilyId]) -> StoreResult<Vec<(PersonId, String)>> {
        let families = families.to_vec();
        self.read(move |conn| offers::offered(conn, &families)).await
    }

    async fn answer_offer(
        &self,
        id: i64,
        accept: bool,
        on: Date,
        audit: &AuditRecord,
    ) -> StoreResult<OfferRecord> {
        let audit = audit.clone();
        self.write(move |conn| offers::answer_offer(conn, id, accept, on, &audit)).await
    }

    async fn expire_offers(&self, on: Date) -> StoreResult<Vec<OfferRecord>> {
        self.write(move |conn| offers::expire_offers(conn, on)).await
    }

    async fn offer(&self, id: i64) -> StoreResult<Option<OfferRecord>> {
        self.read(move |conn| offers::offer(conn, id)).await
    }

    async fn family_offers(&self, family: FamilyId) -> StoreResult<Vec<OfferRecord>> {
        self.read(move |conn| offers::family_offers(conn, family)).await
    }

    async fn undelivered_messages(&self, limit: u32) -> StoreResult<Vec<OutboxMessage>> {
        self.read(move |conn| offers::undelivered_messages(conn, limit)).await
    }

    async fn mark_delivered(&self, ids: &[i64], at: OffsetDateTime) -> StoreResult<()> {
        let ids = ids.to_vec();
        self.write(move |conn| offers::mark_delivered(conn, &ids, at)).await
    }

    async fn open_tasks(&self, root: Kato, limit: u32) -> StoreResult<Vec<TaskRecord>> {
        self.read(move |conn| offers::open_tasks(conn, root, limit)).await
    }
}

#[async_trait]
impl AuditStore for SqliteStore {
    async fn append_audit(&self, records: &[AuditRecord]) -> StoreResult<Vec<AuditEntry>> {
        let records = records.to_vec();
        self.write(move |conn| audit::append(conn, &records)).await
    }

    async fn audit_entries(&self, after: u64, limit: u32) -> StoreResult<Vec<AuditEntry>> {
        self.read(move |conn| audit::entries(conn, after, limit)).await
    }

    async fn audit_head(&self) -> StoreResult<Option<AuditEntry>> {
        self.read(audit::head).await
    }

    async fn audit_for_subject(
        &self,
        subject: &str,
        before: Option<u64>,
        limit: u32,
    ) -> StoreResult<Vec<AuditEntry>> {
        let subject = subject.to_owned();
        self.read(move |conn| audit::for_subject(conn, &subject, before, limit)).await
    }
}

#[async_trait]
impl AccountStore for SqliteStore {
    async fn create_account(&self, new: &NewAccount) -> StoreResult<AccountRecord> {
        let new = new.clone();
        self.write(move |conn| accounts::create_account(conn, &new)).await
    }

    async fn account(&self, id: i64) -> StoreResult<Option<AccountRecord>> {
        self.read(move |conn| accounts::account(conn, id)).await
    }

    async fn account_by_login(&self, login: &str) -> StoreResult<Option<AccountRecord>> {
        let login = login.to_owned();
        self.read(move |conn| accounts::account_by_login(conn, &login)).await
    }

    async fn list_accounts(&self) -> StoreResult<Vec<AccountRecord>> {
        self.read(accounts::list_accounts).await
    }

    async fn set_password(&self, account: i64, password_hash: &str) -> StoreResult<()> {
        let hash = password_hash.to_owned();
        self.write(move |conn| accounts::set_password(conn, account, &hash)).await
    }

    async fn set_disabled(&self, account: i64, at: Option<OffsetDateTime>) -> StoreResult<()> {
        self.write(move |conn| accounts::set_disabled(conn, account, at)).await
    }

    async fn grant_role(&self, account: i64, grant: &RoleGrant) -> StoreResult<bool> {
        let grant = grant.clone();
        self.write(move |conn| accounts::grant_role(conn, account, &grant)).await
    }

    async fn revoke_role(&self, account: i64, grant: &RoleGrant) -> StoreResult<bool> {
        let grant = grant.clone();
        self.write(move |conn| accounts::revoke_role(conn, account, &grant)).await
    }

    async fn grant_category(&self, account: i64, category: Category) -> StoreResult<bool> {
        self.write(move |conn| accounts::grant_category(conn, account, category)).await
    }

    async fn revoke_category(&self, account: i64, category: Category) -> StoreResult<bool> {
        self.write(move |conn| accounts::revoke_category(conn, account, category)).await
    }

    async fn create_session(&self, new: &NewSession) -> StoreResult<()> {
        let new = new.clone();
        self.write(move |conn| accounts::create_session(conn, &new)).await
    }

    async fn session(&self, id_hash: &str) -> StoreResult<Option<SessionRecord>> {
        let id_hash = id_hash.to_owned();
        self.read(move |conn| accounts::session(conn, &id_hash)).await
    }

    async fn session_with_account(
        &self,
        id_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<ResumedSession>> {
        let id_hash = id_hash.to_owned();
        let known = Arc::clone(&self.inner.grants);
        self.read(move |conn| accounts::session_with_account(conn, &id_hash, now, &known)).await
    }

    async fn session_with_family(
        &self,
        id_hash: &str,
        now: OffsetDateTime,
        family: FamilyId,
    ) -> StoreResult<Option<(ResumedSession, Option<FamilyRecord>)>> {
        let id_hash = id_hash.to_owned();
        let known = Arc::clone(&self.inner.grants);
        self.read(move |conn| accounts::session_with_family(conn, &id_hash, now, &known, family))
            .await
    }

    async fn touch_session(&self, id_hash: &str, at: OffsetDateTime) -> StoreResult<bool> {
        let id_hash = id_hash.to_owned();
        self.write(move |conn| accounts::touch_session(conn, &id_hash, at)).await
    }

    async fn rotate_session(&self, old: &str, new: &NewSession) -> StoreResult<bool> {
        let (old, new) = (old.to_owned(), new.clone());
        self.write(move |conn| accounts::rotate_session(conn, &old, &new)).await
    }

    async fn delete_session(&self, id_hash: &str) -> StoreResult<bool> {
        let id_hash = id_hash.to_owned();
        self.write(move |conn| accounts::delete_session(conn, &id_hash)).await
    }

    async fn delete_account_sessions(&self, account: i64) -> StoreResult<u64> {
        self.write(move |conn| accounts::delete_account_sessions(conn, account)).await
    }

    async fn purge_sessions(
        &self,
        idle_before: OffsetDateTime,
        opened_before: OffsetDateTime,
    ) -> StoreResult<u64> {
        self.write(move |conn| accounts::purge_sessions(conn, idle_before, opened_before)).await
    }

    async fn record_login_failure(&self, keys: &[String], at: OffsetDateTime) -> StoreResult<()> {
        let keys = keys.to_vec();
        self.write(move |conn| accounts::record_login_failure(conn, &keys, at)).await
    }

    async fn login_failures_since(&self, key: &str, since: OffsetDateTime) -> StoreResult<u32> {
        let key = key.to_owned();
        self.read(move |conn| accounts::login_failures_since(conn, &key, since)).await
    }

    async fn clear_login_failures(&self, key: &str) -> StoreResult<()> {
        let key = key.to_owned();
        self.write(move |conn| accounts::clear_login_failures(conn, &key)).await
    }

    async fn purge_login_failures(&self, before: OffsetDateTime) -> StoreResult<u64> {
        self.write(move |conn| accounts::purge_login_failures(conn, before)).await
    }

    async fn open_break_glass(
        &self,
        new: &NewBreakGlass,
        audit: &AuditRecord,
    ) -> StoreResult<BreakGlassRecord> {
        let (new, audit) = (new.clone(), audit.clone());
        self.write(move |conn| accounts::open_break_glass(conn, &new, &audit)).await
    }

    async fn active_break_glass(
        &self,
        account: i64,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<BreakGlassRecord>> {
        self.read(move |conn| accounts::active_break_glass(conn, account, now)).await
    }

    async fn unreviewed_break_glass(&self, limit: u32) -> StoreResult<Vec<BreakGlassRecord>> {
        self.read(move |conn| accounts::unreviewed_break_glass(conn, limit)).await
    }

    async fn review_break_glass(
        &self,
        id: i64,
        reviewer: i64,
        at: OffsetDateTime,
        note: &str,
        audit: &AuditRecord,
    ) -> StoreResult<bool> {
        let (note, audit) = (note.to_owned(), audit.clone());
        self.write(move |conn| accounts::review_break_glass(conn, id, reviewer, at, &note, &audit))
            .await
    }
}

#[async_trait]
impl TokenStore for SqliteStore {
    async fn create_token(&self, new: &NewToken) -> StoreResult<TokenRecord> {
        let new = new.clone();
        self.write(move |conn| tokens::create_token(conn, &new)).await
    }

    async fn token_by_hash(&self, secret_hash: &str) -> StoreResult<Option<TokenRecord>> {
        let hash = secret_hash.to_owned();
        self.read(move |conn| tokens::token_by_hash(conn, &hash)).await
    }

    async fn list_tokens(&self) -> StoreResult<Vec<TokenRecord>> {
        self.read(tokens::list_tokens).await
    }

    async fn revoke_token(&self, name: &str, at: OffsetDateTime) -> StoreResult<bool> {
        let name = name.to_owned();
        self.write(move |conn| tokens::revoke_token(conn, &name, at)).await
    }

    async fn touch_token(&self, id: i64, at: OffsetDateTime) -> StoreResult<()> {
        self.write(move |conn| tokens::touch_token(conn, id, at)).await
    }

    async fn create_challenge(&self, new: &NewChallenge) -> StoreResult<ChallengeRecord> {
        let new = new.clone();
        self.write(move |conn| tokens::create_challenge(conn, &new)).await
    }

    async fn challenge(&self, id: i64) -> StoreResult<Option<ChallengeRecord>> {
        self.read(move |conn| tokens::challenge(conn, id)).await
    }

    async fn record_challenge_attempt(&self, id: i64) -> StoreResult<u32> {
        self.write(move |conn| tokens::record_challenge_attempt(conn, id)).await
    }

    async fn use_challenge(&self, id: i64, at: OffsetDateTime) -> StoreResult<bool> {
        self.write(move |conn| tokens::use_challenge(conn, id, at)).await
    }
}
