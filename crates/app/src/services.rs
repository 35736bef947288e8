//! Use cases over one store.

use std::path::Path;
use std::sync::Arc;

use shanyraq_domain::access::{Action, Allowed};
use shanyraq_domain::assessment::Trigger;
use shanyraq_domain::audit::Outcome;
use shanyraq_domain::{BatchId, FamilyId, Iin, Kato, KatoLevel, Territory};
use shanyraq_store::{
    Backend, BatchPageRequest, BatchRecord, BreakGlassRecord, FamilyCursor, FamilyPage,
    FamilyRecord, LevelCount, Movement, OfferRecord, OutboxMessage, PageRequest, PersonRecord,
    Store, StoreStats, TaskRecord,
};
use time::{Date, UtcOffset};

use crate::accounts::{
    CitizenSignIn, PasswordHasher, Secret, SessionPolicy, SignIn, SignedIn, Tokens, UserAdmin,
};
use crate::assess::{
    self, AssessOptions, AssessSummary, AssessmentView, InstallOutcome, Methodologies,
};
use crate::authz::{
    AccessContext, AccessLogEntry, FamilyCard, Guard, Purpose, Subject, TerritoryCounts,
    break_glass, families,
};
use crate::clock::{Clock, KAZAKHSTAN_UTC_OFFSET, date_at};
use crate::error::AppError;
use crate::import::{ImportOptions, ImportSummary};

/// The largest page a listing returns (the store's cap).
pub const MAX_PAGE: u32 = PageRequest::MAX_LIMIT;

/// What a health check reports. Reading it touches one row, so probes may call it often.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Health {
    pub backend: Backend,
    /// The version the database is at.
    pub schema_version: u32,
    /// The version this build needs.
    pub supported_schema_version: u32,
}

/// The use cases, over a shared store. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Services {
    store: Arc<dyn Store>,
    clock: Clock,
    /// The offset at which the clock's instant is read as a date; see [`Services::today`].
    utc_offset: UtcOffset,
    guard: Guard,
    hasher: PasswordHasher,
    session_policy: SessionPolicy,
}

impl Services {
    /// Use cases over `store`, on the system clock, in Kazakhstan's time
    /// ([`KAZAKHSTAN_UTC_OFFSET`]).
    pub fn new(store: Arc<dyn Store>) -> Services {
        let guard = Guard::new(store.clone(), Clock::System);
        Services {
            store,
            clock: Clock::System,
            utc_offset: KAZAKHSTAN_UTC_OFFSET,
            guard,
            hasher: PasswordHasher::default(),
            session_policy: SessionPolicy::default(),
        }
    }

    /// The same, with these session timeouts and throttling limits.
    pub fn with_session_policy(self, policy: SessionPolicy) -> Services {
        Services { session_policy: policy, ..self }
    }

    /// The same, with at most `limit` password hashes at once.
    pub fn with_hash_limit(self, limit: usize) -> Services {
        Services { hasher: PasswordHasher::with_limit(limit), ..self }
    }

    /// The one authorisation and audit check.
    pub fn guard(&self) -> &Guard {
        &self.guard
    }

    /// Signing in and sessions.
    pub fn sign_in(&self) -> SignIn {
        SignIn::new(
            self.store.clone(),
            self.hasher.clone(),
            self.guard.clone(),
            self.clock,
            self.session_policy,
        )
    }

    /// Citizens' sign-in: IIN and password, then a one-time code.
    pub fn citizen_sign_in(&self) -> CitizenSignIn {
        CitizenSignIn::new(self.sign_in())
    }

    /// Integration tokens for agency systems.
    pub fn tokens(&self) -> Tokens {
        Tokens::new(self.store.clone(), self.guard.clone(), self.clock)
    }

    /// Account administration.
    pub fn users(&self) -> UserAdmin {
        UserAdmin::new(self.store.clone(), self.hasher.clone(), self.guard.clone(), self.clock)
    }

    /// The same, with "today" taken at `offset` instead.
    pub fn with_utc_offset(self, offset: UtcOffset) -> Services {
        Services { utc_offset: offset, ..self }
    }

    /// The same, reading the time from `clock`.
    pub fn with_clock(self, clock: Clock) -> Services {
        let guard = Guard::new(self.store.clone(), clock);
        Services { clock, guard, ..self }
    }

    pub fn utc_offset(&self) -> UtcOffset {
        self.utc_offset
    }

    /// Today's date at the configured offset: the day on which memberships count as current.
    /// Every use case and the web layer take the day from here, never from a clock of their own.
    pub fn today(&self) -> Date {
        date_at(self.clock.now(), self.utc_offset)
    }

    /// A family with its members and latest facts.
    pub async fn family_card(&self, id: FamilyId) -> Result<FamilyRecord, AppError> {
        self.store
            .family(id)
            .await?
            .ok_or_else(|| AppError::NotFound { what: "family", id: id.to_string() })
    }

    pub async fn person_by_iin(&self, iin: Iin) -> Result<PersonRecord, AppError> {
        self.store
            .person_by_iin(iin)
            .await?
            .ok_or_else(|| AppError::NotFound { what: "person", id: iin.to_string() })
    }

    /// A page of up to `limit` (at most [`MAX_PAGE`]) families living in `root`'s subtree,
    /// after `after`, with heads and member counts as of [`Services::today`]; `root` must be a
    /// known territory.
    pub async fn families_in_territory(
        &self,
        root: Kato,
        after: Option<FamilyCursor>,
        limit: u32,
    ) -> Result<(Territory, FamilyPage), AppError> {
        let territory = self
            .store
            .territory(root)
            .await?
            .ok_or_else(|| AppError::NotFound { what: "territory", id: root.to_string() })?;
        let page = PageRequest { after, limit: limit.clamp(1, MAX_PAGE), on: self.today() };
        let families = self.store.families_in_territory(root, page).await?;
        Ok((territory, families))
    }

    pub async fn territory(&self, code: Kato) -> Result<Territory, AppError> {
        self.store
            .territory(code)
            .await?
            .ok_or_else(|| AppError::NotFound { what: "territory", id: code.to_string() })
    }

    /// The engine and schema versions; an error when the database cannot be reached.
    pub async fn health(&self) -> Result<Health, AppError> {
        Ok(Health {
            backend: self.store.backend(),
            schema_version: self.store.schema_version().await?,
            supported_schema_version: self.store.supported_schema_version(),
        })
    }

    pub async fn stats(&self) -> Result<StoreStats, AppError> {
        Ok(self.store.stats().await?)
    }

    /// Imports a feed file exactly once (see [`crate::import::import`]); `as_of` replaces
    /// [`Services::today`] as the reference day when given.
    pub async fn import_feed(
        &self,
        path: &Path,
        source: &str,
        as_of: Option<Date>,
        options: &ImportOptions,
    ) -> Result<ImportSummary, AppError> {
        let today = as_of.unwrap_or_else(|| self.today());
        crate::import::import(self.store.clone(), self.clock, today, path, source, options).await
    }

    /// Imports a file an agency's system uploaded with an integration token, limited to the
    /// token's sources and territory.
    pub async fn upload_feed(
        &self,
        presented_token: &str,
        source: &str,
        spool: crate::import::Spool,
        request_id: &str,
    ) -> Result<ImportSummary, AppError> {
        let token = self.tokens().authenticate(presented_token, source, request_id).await?;
        let store = self.store.clone();
        crate::import::upload::upload(store, self.clock, self.today(), &token, source, spool).await
    }

    /// Import batches of every kind with their outcome, newest first: at most `limit` (capped at
    /// [`BatchPageRequest::MAX_LIMIT`]) with ids below `before`.
    pub async fn batches(
        &self,
        before: Option<BatchId>,
        limit: u32,
    ) -> Result<Vec<BatchRecord>, AppError> {
        Ok(self.store.list_batches(BatchPageRequest { before, limit }).await?)
    }

    /// Checks and installs a methodology file. A new version that is in force today
    /// re-assesses every family (trigger `methodology`); the summary says what it did.
    pub async fn install_methodology(
        &self,
        file_name: &str,
        text: &str,
    ) -> Result<(InstallOutcome, Option<AssessSummary>), AppError> {
        let outcome = assess::install(&self.store, file_name, text, self.clock.now()).await?;
        let today = self.today();
        if !outcome.new || outcome.effective_from > today {
            return Ok((outcome, None));
        }
        let in_force = Methodologies::load(&self.store).await?.in_force(today)?.version.clone();
        if in_force != outcome.version {
            return Ok((outcome, None));
        }
        let options = AssessOptions::new(today, Trigger::Methodology);
        let summary = assess::assess_all(&self.store, options, |_| {}).await?;
        Ok((outcome, Some(summary)))
    }

    /// Installs the bundled methodology if none is installed.
    pub async fn ensure_methodology(&self) -> Result<Option<InstallOutcome>, AppError> {
        assess::ensure_default(&self.store, self.clock.now()).await
    }

    pub async fn methodologies(&self) -> Result<Methodologies, AppError> {
        Methodologies::load(&self.store).await
    }

    /// Assesses every family as of `on` (default today) and stores the results.
    pub async fn assess_all(
        &self,
        on: Option<Date>,
        trigger: Trigger,
        progress: impl FnMut(u64),
    ) -> Result<AssessSummary, AppError> {
        let options = AssessOptions::new(on.unwrap_or_else(|| self.today()), trigger);
        assess::assess_all(&self.store, options, progress).await
    }

    /// Re-assesses the families whose facts changed since they were last assessed.
    pub async fn assess_changed(&self) -> Result<AssessSummary, AppError> {
        assess::assess_changed(&self.store, self.today(), self.clock.now()).await
    }

    /// Assesses the given families today.
    pub async fn assess_families(
        &self,
        ids: &[FamilyId],
        trigger: Trigger,
    ) -> Result<AssessSummary, AppError> {
        assess::assess_families(&self.store, ids, AssessOptions::new(self.today(), trigger)).await
    }

    /// A family's stored assessment with its history; `None` if never assessed.
    pub async fn assessment(&self, family: FamilyId) -> Result<Option<AssessmentView>, AppError> {
        assess::view(&self.store, family).await
    }

    /// Families by level in `root`'s subtree, grouped at `depth`.
    pub async fn level_counts(
        &self,
        root: Kato,
        depth: KatoLevel,
    ) -> Result<Vec<LevelCount>, AppError> {
        self.territory(root).await?;
        Ok(self.store.level_counts(root, depth).await?)
    }

    /// Movements between levels from `from` to `to` in `root`'s subtree.
    pub async fn level_movements(
        &self,
        root: Kato,
        from: Date,
        to: Date,
    ) -> Result<Vec<Movement>, AppError> {
        if from > to {
            return Err(AppError::InvalidInput {
                field: "from",
                code: "stats.period",
                reason: "the period starts after it ends".into(),
            });
        }
        self.territory(root).await?;
        Ok(self.store.level_movements(root, from, to).await?)
    }

    /// Expires offers left unanswered past their day; each becomes a follow-up task.
    pub async fn expire_offers(&self) -> Result<Vec<OfferRecord>, AppError> {
        assess::offers::expire(&self.store, self.today()).await
    }

    /// Records a family's answer to an offer, as taken by an operator of the command line
    /// (`system:cli`), with its audit entry in the same transaction.
    pub async fn answer_offer(&self, id: i64, accept: bool) -> Result<OfferRecord, AppError> {
        let not_found = || AppError::NotFound { what: "offer", id: id.to_string() };
        let offer = self.store.offer(id).await?.ok_or_else(not_found)?;
        let ctx =
            AccessContext::system("cli", format!("cli-{}", self.clock.now().unix_timestamp()));
        let rec = self.guard.record(
            &ctx,
            "family.update",
            Subject::Family(offer.family),
            Outcome::Allowed,
            None,
        );
        match self.store.answer_offer(id, accept, self.today(), &rec).await {
            Err(shanyraq_store::StoreError::NotFound(_)) => Err(not_found()),
            other => Ok(other?),
        }
    }

    /// A family's card as `ctx` may see it.
    pub async fn read_family(
        &self,
        ctx: &AccessContext,
        id: FamilyId,
    ) -> Result<FamilyCard, AppError> {
        families::read(&self.store, &self.guard, ctx, id).await
    }

    /// A family's card for the holder of a session cookie, with the session resumed in the same
    /// trip to the store as the card is read. The outer error is the session's (ended, or the
    /// store is away); the inner result is the read's, decided and recorded as
    /// [`Services::read_family`] does, with the purpose the request stated.
    pub async fn read_family_in_session(
        &self,
        cookie: &Secret,
        request_id: &str,
        purpose: Option<Purpose>,
        id: FamilyId,
    ) -> Result<(SignedIn, Result<FamilyCard, AppError>), AppError> {
        let (signed_in, record) =
            self.sign_in().resume_with_family(cookie, self.today(), request_id, id).await?;
        let ctx = AccessContext::new(signed_in.principal.clone(), request_id).with_purpose(purpose);
        let card = families::card_of(&self.guard, &ctx, id, record).await;
        Ok((signed_in, card))
    }

    /// Checks and records `action` on one family (e.g. reading its assessment).
    pub async fn check_family(
        &self,
        ctx: &AccessContext,
        action: Action,
        id: FamilyId,
    ) -> Result<Allowed, AppError> {
        families::check(&self.store, &self.guard, ctx, action, id).await
    }

    /// A page of the families in `root`'s subtree that `ctx` may list.
    pub async fn list_families(
        &self,
        ctx: &AccessContext,
        root: Kato,
        after: Option<FamilyCursor>,
        limit: u32,
    ) -> Result<(Territory, FamilyPage), AppError> {
        let territory = self.territory(root).await?;
        let page =
            families::list(&self.store, &self.guard, ctx, root, after, limit, self.today()).await?;
        Ok((territory, page))
    }

    /// Every family `ctx` may export in `root`'s subtree, to `row`; how many.
    pub async fn export_families(
        &self,
        ctx: &AccessContext,
        root: Kato,
        row: impl FnMut(&shanyraq_store::FamilySummary) -> Result<(), AppError>,
    ) -> Result<u64, AppError> {
        self.territory(root).await?;
        families::export(&self.store, &self.guard, ctx, root, self.today(), row).await
    }

    /// Families by level in the part of `root`'s subtree `ctx` may count.
    pub async fn count_levels(
        &self,
        ctx: &AccessContext,
        root: Kato,
        depth: KatoLevel,
    ) -> Result<TerritoryCounts, AppError> {
        self.territory(root).await?;
        families::count(&self.store, &self.guard, ctx, root, depth).await
    }

    /// A person by IIN, with the memberships `ctx` may search.
    pub async fn search_person(
        &self,
        ctx: &AccessContext,
        iin: Iin,
    ) -> Result<PersonRecord, AppError> {
        families::search(&self.store, &self.guard, ctx, iin).await
    }

    /// Answers an offer as `ctx` (a citizen for their family, or staff for them).
    pub async fn answer_offer_as(
        &self,
        ctx: &AccessContext,
        id: i64,
        accept: bool,
    ) -> Result<OfferRecord, AppError> {
        families::answer_offer(&self.store, &self.guard, ctx, id, accept, self.today()).await
    }

    /// Who accessed a family's data, newest first.
    pub async fn access_log(
        &self,
        ctx: &AccessContext,
        family: FamilyId,
        before: Option<u64>,
        limit: u32,
        show_names: bool,
    ) -> Result<Vec<AccessLogEntry>, AppError> {
        families::access_log(&self.store, &self.guard, ctx, family, before, limit, show_names).await
    }

    /// Opens a break-glass access to one family.
    pub async fn open_break_glass(
        &self,
        ctx: &AccessContext,
        family: FamilyId,
        reason: &Purpose,
        minutes: i64,
    ) -> Result<BreakGlassRecord, AppError> {
        break_glass::open(&self.store, &self.guard, ctx, family, reason, minutes).await
    }

    /// Records a refused request that never reached a use case — a form without its CSRF
    /// token, an empty purpose — as a denial by `actor` (an account key, or `anonymous`).
    pub async fn record_refusal(
        &self,
        actor: &str,
        action: &str,
        subject: &str,
        request_id: &str,
    ) -> Result<(), AppError> {
        let ctx = AccessContext::new(shanyraq_domain::access::Principal::nobody(actor), request_id);
        let rec = self.guard.record(&ctx, action, Subject::Key(subject), Outcome::Denied, None);
        self.guard.write(rec).await
    }

    /// The display names of staff accounts, for lists that name colleagues (a colleague's
    /// name is no family's personal data); unknown ids are left out.
    pub async fn display_names(
        &self,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, String>, AppError> {
        let mut out = std::collections::HashMap::new();
        for &id in ids {
            if out.contains_key(&id) {
                continue;
            }
            if let Some(a) = self.store.account(id).await? {
                out.insert(id, a.display_name);
            }
        }
        Ok(out)
    }

    /// Break-glass accesses waiting for a supervisor's review.
    pub async fn unreviewed_break_glass(
        &self,
        ctx: &AccessContext,
        limit: u32,
    ) -> Result<Vec<BreakGlassRecord>, AppError> {
        break_glass::unreviewed(&self.store, &self.guard, ctx, limit).await
    }

    /// A supervisor's review of one break-glass access.
    pub async fn review_break_glass(
        &self,
        ctx: &AccessContext,
        id: i64,
        note: &Purpose,
    ) -> Result<bool, AppError> {
        break_glass::review(&self.store, &self.guard, ctx, id, note).await
    }

    pub async fn family_offers(&self, family: FamilyId) -> Result<Vec<OfferRecord>, AppError> {
        Ok(self.store.family_offers(family).await?)
    }

    /// Open follow-up tasks in `root`'s subtree.
    pub async fn open_tasks(&self, root: Kato, limit: u32) -> Result<Vec<TaskRecord>, AppError> {
        Ok(self.store.open_tasks(root, limit).await?)
    }

    /// Hands every undelivered message to `deliver` and marks it delivered.
    pub async fn deliver_messages(
        &self,
        deliver: impl FnMut(&OutboxMessage) -> std::io::Result<()>,
    ) -> Result<usize, AppError> {
        assess::offers::deliver(&self.store, deliver, self.clock.now()).await
    }

    /// Checks the whole audit chain against anchors kept outside the database.
    pub async fn verify_audit(
        &self,
        anchors: &[shanyraq_domain::audit::Anchor],
    ) -> Result<crate::audit::VerifyReport, AppError> {
        crate::audit::verify_chain(&self.store, anchors).await
    }

    /// The last audit entry, to keep as an anchor.
    pub async fn audit_head(&self) -> Result<Option<shanyraq_domain::audit::Anchor>, AppError> {
        Ok(self
            .store
            .audit_head()
            .await?
            .map(|e| shanyraq_domain::audit::Anchor { seq: e.seq, hash: e.hash }))
    }

    pub async fn batch(&self, id: BatchId) -> Result<BatchRecord, AppError> {
        self.store
            .batch_record(id)
            .await?
            .ok_or_else(|| AppError::NotFound { what: "batch", id: id.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shanyraq_store::contract::fixtures::{self, AKMOLA, F_PETROV, kato};
    use shanyraq_store::{BatchStore, PopulationStore, SchemaStore, TerritoryStore};
    use shanyraq_store_sqlite::SqliteStore;
    use time::OffsetDateTime;
    use time::macros::{date, datetime, offset};

    /// The fixtures' population in a fresh SQLite file, kept as long as the directory.
    async fn loaded() -> (tempfile::TempDir, Arc<dyn Store>) {
        let dir = tempfile::Builder::new().prefix("shanyraq-services-").tempdir().unwrap();
        let store = SqliteStore::create_or_open(&dir.path().join("s.db")).unwrap();
        store.migrate().await.unwrap();
        store.replace_territories(&fixtures::tree()).await.unwrap();
        for b in fixtures::batches() {
            store.create_batch(&b).await.unwrap();
        }
        store.insert_population(&fixtures::sample()).await.unwrap();
        (dir, Arc::new(store))
    }

    /// Ivan Petrov's membership ends on 2026-01-15; at 01:00 that day in Kazakhstan (20:00 UTC
    /// the day before) the family has no current member.
    const LOCAL_1AM: OffsetDateTime = datetime!(2026-01-14 20:00 UTC);

    #[tokio::test]
    async fn listings_count_members_on_the_local_day() {
        let (_dir, store) = loaded().await;
        let services = Services::new(store).with_clock(Clock::Fixed(LOCAL_1AM));
        assert_eq!(services.utc_offset(), offset!(+5));
        assert_eq!(services.today(), date!(2026 - 01 - 15));
        let petrov = |page: &FamilyPage| {
            let s = page.items.iter().find(|s| s.id == F_PETROV).unwrap();
            (s.member_count, s.head.as_ref().map(|n| n.first.clone()))
        };
        let (_, page) = services.families_in_territory(kato(AKMOLA), None, 100).await.unwrap();
        assert_eq!(petrov(&page), (0, None), "still 14 January in UTC, already 15th in Astana");
        // The same instant read in UTC is the day before, when Ivan still headed the family.
        let utc = services.clone().with_utc_offset(UtcOffset::UTC);
        assert_eq!(utc.today(), date!(2026 - 01 - 14));
        let (_, page) = utc.families_in_territory(kato(AKMOLA), None, 100).await.unwrap();
        assert_eq!(petrov(&page), (1, Some("Иван".to_owned())));
    }

    #[tokio::test]
    async fn a_listing_asks_for_at_most_a_full_page() {
        let (_dir, store) = loaded().await;
        let services = Services::new(store);
        let (territory, page) =
            services.families_in_territory(kato(AKMOLA), None, u32::MAX).await.unwrap();
        assert_eq!(territory.code, kato(AKMOLA));
        assert_eq!((page.items.len(), page.next), (5, None));
        let (_, one) = services.families_in_territory(kato(AKMOLA), None, 0).await.unwrap();
        assert_eq!(one.items.len(), 1, "a limit of 0 is a page of one");
        assert!(one.next.is_some());
        let missing = services.families_in_territory(kato(fixtures::ABAI), None, 10).await;
        assert!(matches!(missing, Err(AppError::NotFound { what: "territory", .. })));
    }
}
