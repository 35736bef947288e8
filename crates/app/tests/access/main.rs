//! Who may see what, checked end to end on a real (SQLite) database: an authorisation matrix of
//! generated users of every role and scope × families in and out of scope, with and without
//! sensitive facts × every action, against a reference policy written separately below; every
//! action leaves exactly one audit entry with the right outcome; listings, searches, counts and
//! exports return exactly the permitted set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../import/common.rs"]
#[allow(dead_code)]
mod common;

mod accounts;
mod tokens;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use futures::StreamExt;
use shanyraq_app::authz::{AccessContext, Purpose};
use shanyraq_app::{AppError, Clock, Services};
use shanyraq_domain::access::{
    Action, AgencyCode, BreakGlass, Category, CategorySet, Principal, Role, RoleGrant,
};
use shanyraq_domain::assessment::{Level, Trigger};
use shanyraq_domain::audit::Outcome;
use shanyraq_domain::{
    BatchId, FamilyId, Iin, Kato, KatoLevel, Observation, ObservationValue, Source,
};
use shanyraq_store::{FamilyRecord, PopulationChunk, Store};
use time::{Duration, OffsetDateTime};

use common::{as_of, populated};

const REGION: u32 = 110_000_000;
const DISTRICT: u32 = 113_800_000;
const OTHER_DISTRICT: u32 = 111_000_000;

fn kato(code: u32) -> Kato {
    Kato::from_u32(code).unwrap()
}

fn noon() -> OffsetDateTime {
    OffsetDateTime::new_utc(as_of(), time::Time::MIDNIGHT) + Duration::hours(7)
}

/// A family as the reference policy sees it.
#[derive(Debug, Clone)]
struct Fam {
    id: FamilyId,
    territory: Kato,
    categories: CategorySet,
    record: FamilyRecord,
    level: Option<Level>,
    /// A current member with an IIN, to search by.
    iin: Option<Iin>,
}

/// A generated user: what the reference policy reads.
#[derive(Debug, Clone)]
struct User {
    principal: Principal,
    roles: Vec<(Role, Kato)>,
    categories: CategorySet,
    own: Option<FamilyId>,
    glass: Option<FamilyId>,
}

// ---- The reference policy: the product's rules restated as sets, independently of the code.

const READERS: &[Role] = &[
    Role::SocialWorker,
    Role::SchoolSpecialist,
    Role::HealthSpecialist,
    Role::PoliceSpecialist,
    Role::EmploymentSpecialist,
    Role::MobileGroup,
    Role::Supervisor,
    Role::DataSteward,
];
const EXPORTERS: &[Role] = &[Role::SocialWorker, Role::Supervisor];
const UPDATERS: &[Role] = &[Role::SocialWorker, Role::Supervisor, Role::MobileGroup];
const AUDITORS: &[Role] = &[Role::Supervisor];

fn roles_for(action: Action) -> Vec<Role> {
    match action {
        Action::Read | Action::List | Action::Search => READERS.to_vec(),
        Action::Count => READERS.iter().copied().chain([Role::Analyst]).collect(),
        Action::Export => EXPORTERS.to_vec(),
        Action::Update => UPDATERS.to_vec(),
        Action::AuditRead => AUDITORS.to_vec(),
    }
}

fn in_subtree(root: Kato, k: Kato) -> bool {
    let (lo, hi) = match root.level() {
        KatoLevel::Region => (root.as_u32(), root.as_u32() + 9_999_999),
        KatoLevel::District => (root.as_u32(), root.as_u32() + 99_999),
        KatoLevel::Okrug => (root.as_u32(), root.as_u32() + 999),
        KatoLevel::Settlement => (root.as_u32(), root.as_u32()),
    };
    (lo..=hi).contains(&k.as_u32())
}

/// Whether a territory-wide action on `root` is allowed at all: some grant for it overlaps.
fn reaches(u: &User, action: Action, root: Kato) -> bool {
    u.roles.iter().any(|(r, k)| {
        roles_for(action).contains(r) && (in_subtree(root, *k) || in_subtree(*k, root))
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Expect {
    visible: CategorySet,
    purpose: bool,
}

fn reference(u: &User, action: Action, f: &Fam) -> Option<Expect> {
    let by_role =
        u.roles.iter().any(|(r, k)| roles_for(action).contains(r) && in_subtree(*k, f.territory));
    let own =
        u.own == Some(f.id) && matches!(action, Action::Read | Action::Update | Action::AuditRead);
    let glass = action == Action::Read
        && u.glass == Some(f.id)
        && u.roles.iter().any(|(r, _)| READERS.contains(r));
    if !(by_role || own || glass) {
        return None;
    }
    let visible = if matches!(action, Action::Count | Action::Export) {
        CategorySet::EMPTY
    } else {
        u.categories
    };
    let reveals =
        Category::ALL.into_iter().any(|c| visible.contains(c) && f.categories.contains(c));
    let purpose = action == Action::Read && (reveals || (glass && !by_role && !own));
    Some(Expect { visible, purpose })
}

// ---- Building the world.

fn categories_in(record: &FamilyRecord) -> CategorySet {
    let mut s = CategorySet::EMPTY;
    for o in &record.latest_observations {
        let says_nothing = matches!(o.observation.value, ObservationValue::Flag(false));
        if let (Some(c), false) = (o.observation.indicator.def().category, says_nothing) {
            s = s.with(c);
        }
    }
    if record.members.iter().any(|m| m.person.disability.is_some()) {
        s = s.with(Category::Disability);
    }
    s
}

async fn families(store: &Arc<dyn Store>, known: &[common::Known], n: usize) -> Vec<Fam> {
    let mut ids: Vec<FamilyId> = known.iter().map(|k| k.family).collect();
    ids.sort_unstable();
    ids.dedup();
    // Every family with sensitive facts, then others up to `n`.
    let mut out = Vec::new();
    for id in ids {
        let record = store.family(id).await.unwrap().unwrap();
        let level = store.assessment(id).await.unwrap().map(|a| a.level);
        let iin = known.iter().find(|k| k.family == id).map(|k| k.iin);
        out.push(Fam {
            id,
            territory: record.family.address.territory,
            categories: categories_in(&record),
            record,
            level,
            iin,
        });
    }
    // Half with sensitive facts (the rarest combinations first), half without.
    let (mut with, without): (Vec<Fam>, Vec<Fam>) =
        out.into_iter().partition(|f| !f.categories.is_empty());
    with.sort_by_key(|f| (f.categories.iter().count() == 1, f.id));
    let mut picked: Vec<Fam> = with.into_iter().take(n / 2).collect();
    picked.extend(without.into_iter().take(n - picked.len()));
    picked.sort_by_key(|f| f.id);
    picked
}

/// Police reports of domestic violence for two families, so that the matrix has that category.
async fn report_violence(store: &Arc<dyn Store>, known: &[common::Known]) {
    let mut families: Vec<FamilyId> = known.iter().map(|k| k.family).collect();
    families.dedup();
    let observations = families
        .iter()
        .step_by(5)
        .take(2)
        .map(|&family| Observation {
            family,
            person: None,
            indicator: "police.domestic_violence_report".parse().unwrap(),
            value: ObservationValue::Flag(true),
            source: Source::Police,
            observed_at: as_of(),
            valid_from: as_of(),
            valid_until: None,
            batch: BatchId(1),
        })
        .collect();
    let chunk = PopulationChunk { observations, ..PopulationChunk::default() };
    store.insert_population(&chunk).await.unwrap();
}

fn grant(role: Role, territory: Kato) -> RoleGrant {
    RoleGrant { role, agency: AgencyCode::parse("social").unwrap(), territory }
}

fn users(fams: &[Fam]) -> Vec<User> {
    let okrug = {
        let t = fams[0].territory.as_u32();
        kato(t / 1000 * 1000)
    };
    let scopes = [kato(REGION), kato(DISTRICT), kato(OTHER_DISTRICT), okrug];
    let all = CategorySet::of(Category::ALL);
    let mut out = Vec::new();
    let mut n = 0;
    let mut next = |roles: Vec<(Role, Kato)>, categories, own, glass: Option<FamilyId>| {
        n += 1;
        User {
            principal: Principal {
                actor: format!("account:{n}"),
                roles: roles.iter().map(|(r, k)| grant(*r, *k)).collect(),
                categories,
                own_family: own,
                break_glass: glass
                    .map(|family| BreakGlass { family, until: noon() + Duration::hours(1) })
                    .into_iter()
                    .collect(),
            },
            roles,
            categories,
            own,
            glass,
        }
    };
    for role in Role::ALL.into_iter().filter(|r| *r != Role::Citizen) {
        for scope in scopes {
            for cats in [CategorySet::EMPTY, all] {
                out.push(next(vec![(role, scope)], cats, None, None));
            }
        }
    }
    // Two grants at once, one of them inside the other.
    out.push(next(
        vec![(Role::SocialWorker, okrug), (Role::Supervisor, kato(DISTRICT))],
        all,
        None,
        None,
    ));
    // Citizens: their own family only, with or without a sensitive grant (which they never get
    // from an administrator, but the policy must still hold).
    for f in fams.iter().take(3) {
        out.push(next(Vec::new(), CategorySet::EMPTY, Some(f.id), None));
    }
    // Break-glass: a social worker elsewhere holding access to one family; an analyst holding
    // one (which gives nothing); an expired one.
    out.push(next(vec![(Role::SocialWorker, kato(OTHER_DISTRICT))], all, None, Some(fams[0].id)));
    out.push(next(vec![(Role::Analyst, kato(OTHER_DISTRICT))], all, None, Some(fams[1].id)));
    let mut expired = next(vec![(Role::SocialWorker, kato(OTHER_DISTRICT))], all, None, None);
    expired.principal.break_glass =
        vec![BreakGlass { family: fams[2].id, until: noon() - Duration::minutes(1) }];
    out.push(expired);
    // Nobody at all.
    out.push(next(Vec::new(), CategorySet::EMPTY, None, None));
    out
}

// ---- Running the matrix.

/// What one action returned, with the request id that should appear in exactly one entry.
#[derive(Debug)]
struct Done {
    request: String,
    outcome: Outcome,
}

fn outcome_of<T>(r: &Result<T, AppError>) -> Outcome {
    match r {
        Ok(_) => Outcome::Allowed,
        Err(AppError::Denied { .. } | AppError::PurposeRequired) => Outcome::Denied,
        Err(e) => panic!("unexpected error: {e:?}"),
    }
}

struct Matrix {
    services: Services,
    fams: Vec<Fam>,
}

impl Matrix {
    fn ctx(&self, u: &User, request: &str, purpose: bool) -> AccessContext {
        let purpose = purpose.then(|| Purpose::parse("checking the matrix").unwrap());
        AccessContext::new(u.principal.clone(), request).with_purpose(purpose)
    }

    /// Every action of one user; panics at the first difference from the reference.
    async fn run(&self, ui: usize, u: &User) -> Vec<Done> {
        let mut done = Vec::new();
        let mut req = 0;
        let mut id = |what: &str| {
            req += 1;
            format!("u{ui}-{what}-{req}")
        };
        let s = &self.services;
        for f in &self.fams {
            let who = format!("user {ui} {:?} on family {} ({:?})", u.roles, f.id, f.categories);
            // Read, first without a purpose.
            let expect = reference(u, Action::Read, f);
            let r = id("read");
            let got = s.read_family(&self.ctx(u, &r, false), f.id).await;
            match (expect, &got) {
                (None, Err(AppError::Denied { .. })) => {}
                (Some(e), Err(AppError::PurposeRequired)) if e.purpose => {}
                (Some(e), Ok(card)) if !e.purpose => check_card(&who, f, e.visible, &card.record),
                _ => panic!("{who}: read without purpose: expected {expect:?}, got {got:?}"),
            }
            done.push(Done { request: r, outcome: outcome_of(&got) });
            if expect.is_some_and(|e| e.purpose) {
                let r = id("read-purpose");
                let got = s.read_family(&self.ctx(u, &r, true), f.id).await;
                let card =
                    got.as_ref().unwrap_or_else(|e| panic!("{who}: read with purpose: {e:?}"));
                check_card(&who, f, expect.unwrap().visible, &card.record);
                done.push(Done { request: r, outcome: Outcome::Allowed });
            }
            for action in [Action::Update, Action::AuditRead] {
                let r = id(action.code());
                let got = match action {
                    Action::AuditRead => s
                        .access_log(&self.ctx(u, &r, false), f.id, None, 5, false)
                        .await
                        .map(|_| ()),
                    _ => s.check_family(&self.ctx(u, &r, false), action, f.id).await.map(|_| ()),
                };
                let expect = reference(u, action, f).is_some();
                assert_eq!(got.is_ok(), expect, "{who}: {action:?} gave {got:?}");
                done.push(Done { request: r, outcome: outcome_of(&got) });
            }
            // Search by a member's IIN: the memberships shown are exactly the permitted ones.
            if let Some(iin) = f.iin {
                let r = id("search");
                let got = s.search_person(&self.ctx(u, &r, false), iin).await;
                let person = s.person_by_iin(iin).await.unwrap();
                let mut permitted = BTreeSet::new();
                for m in &person.memberships {
                    let fam = self.fam_or_load(m.family).await;
                    if reference(u, Action::Search, &fam).is_some() {
                        permitted.insert(m.family);
                    }
                }
                match &got {
                    Ok(p) => {
                        let shown: BTreeSet<_> = p.memberships.iter().map(|m| m.family).collect();
                        assert_eq!(shown, permitted, "{who}: search");
                        assert!(!permitted.is_empty());
                    }
                    Err(AppError::Denied { .. }) => assert!(permitted.is_empty(), "{who}: search"),
                    Err(e) => panic!("{who}: search: {e:?}"),
                }
                done.push(Done { request: r, outcome: outcome_of(&got) });
            }
        }
        done.extend(self.territory_actions(ui, u, &mut id).await);
        done
    }

    async fn fam_or_load(&self, id: FamilyId) -> Fam {
        if let Some(f) = self.fams.iter().find(|f| f.id == id) {
            return f.clone();
        }
        let record = self.services.family_card(id).await.unwrap();
        Fam {
            id,
            territory: record.family.address.territory,
            categories: categories_in(&record),
            record,
            level: None,
            iin: None,
        }
    }

    /// List, export and count over the whole region: exactly the permitted families.
    async fn territory_actions(
        &self,
        ui: usize,
        u: &User,
        id: &mut impl FnMut(&str) -> String,
    ) -> Vec<Done> {
        let s = &self.services;
        let region = kato(REGION);
        let all = self.all_families().await;
        let permitted = |action| -> BTreeSet<FamilyId> {
            all.iter().filter(|f| reference(u, action, f).is_some()).map(|f| f.id).collect()
        };
        let mut done = Vec::new();

        let r = id("list");
        let mut listed = BTreeSet::new();
        let mut after = None;
        let mut outcome = Outcome::Allowed;
        loop {
            // Pages of 7, so that paging crosses subtrees; only the first page is audited.
            let rid = if after.is_none() { r.clone() } else { id("list-next") };
            match s.list_families(&self.ctx(u, &rid, false), region, after, 7).await {
                Ok((_, page)) => {
                    if after.is_some() {
                        done.push(Done { request: rid, outcome: Outcome::Allowed });
                    }
                    listed.extend(page.items.iter().map(|f| f.id));
                    match page.next {
                        Some(c) => after = Some(c),
                        None => break,
                    }
                }
                Err(AppError::Denied { .. }) => {
                    outcome = Outcome::Denied;
                    break;
                }
                Err(e) => panic!("user {ui}: list: {e:?}"),
            }
        }
        assert_eq!(listed, permitted(Action::List), "user {ui} {:?}: list", u.roles);
        let allowed = outcome == Outcome::Allowed;
        assert_eq!(allowed, reaches(u, Action::List, region), "user {ui}: list allowed");
        done.push(Done { request: r, outcome });

        let r = id("export");
        let mut exported = BTreeSet::new();
        let got = s
            .export_families(&self.ctx(u, &r, false), region, |f| {
                exported.insert(f.id);
                Ok(())
            })
            .await;
        assert_eq!(exported, permitted(Action::Export), "user {ui} {:?}: export", u.roles);
        assert_eq!(got.is_ok(), reaches(u, Action::Export, region), "user {ui}: export {got:?}");
        done.push(Done { request: r, outcome: outcome_of(&got) });

        let r = id("count");
        let got = s.count_levels(&self.ctx(u, &r, false), region, KatoLevel::District).await;
        let counted = permitted(Action::Count);
        let aggregate_only = !u.roles.iter().any(|(role, k)| {
            READERS.contains(role)
                && all.iter().any(|f| counted.contains(&f.id) && in_subtree(*k, f.territory))
        }) && u.roles.iter().any(|(role, _)| *role == Role::Analyst);
        let mut expected: BTreeMap<(Kato, Level), u64> = BTreeMap::new();
        for f in all.iter().filter(|f| counted.contains(&f.id)) {
            if let Some(level) = f.level {
                let district = kato(f.territory.as_u32() / 100_000 * 100_000);
                *expected.entry((district, level)).or_default() += 1;
            }
        }
        match &got {
            Ok(counts) => {
                let got_cells: BTreeMap<(Kato, Level), Option<u64>> =
                    counts.cells.iter().map(|(k, l, n)| ((*k, *l), *n)).collect();
                let want: BTreeMap<(Kato, Level), Option<u64>> = expected
                    .iter()
                    .map(|(k, n)| (*k, (!aggregate_only || *n >= 5).then_some(*n)))
                    .collect();
                assert_eq!(got_cells, want, "user {ui} {:?}: count", u.roles);
                assert_eq!(counts.suppressed, aggregate_only, "user {ui}: suppression");
            }
            Err(AppError::Denied { .. }) => {
                assert!(
                    !reaches(u, Action::Count, region),
                    "user {ui} {:?}: count denied",
                    u.roles
                );
            }
            Err(e) => panic!("user {ui}: count: {e:?}"),
        }
        done.push(Done { request: r, outcome: outcome_of(&got) });
        done
    }

    /// Every family of the database, for the territory-wide actions.
    async fn all_families(&self) -> Vec<Fam> {
        static ALL: tokio::sync::OnceCell<Vec<Fam>> = tokio::sync::OnceCell::const_new();
        ALL.get_or_init(|| async {
            let mut out = Vec::new();
            let (_, page) =
                self.services.families_in_territory(kato(REGION), None, 1_000).await.unwrap();
            assert!(page.next.is_none());
            for s in page.items {
                let mut f = self.fam_or_load(s.id).await;
                f.level = self.services.assessment(s.id).await.unwrap().map(|v| v.stored.level);
                out.push(f);
            }
            out
        })
        .await
        .clone()
    }
}

/// The card shows exactly the facts of visible categories and of no category; disability
/// decisions only with that grant.
fn check_card(who: &str, f: &Fam, visible: CategorySet, card: &FamilyRecord) {
    let expected: Vec<_> = f
        .record
        .latest_observations
        .iter()
        .filter(|o| o.observation.indicator.def().category.is_none_or(|c| visible.contains(c)))
        .map(|o| o.id)
        .collect();
    let shown: Vec<_> = card.latest_observations.iter().map(|o| o.id).collect();
    assert_eq!(shown, expected, "{who}: facts on the card");
    for (m, original) in card.members.iter().zip(&f.record.members) {
        let want =
            if visible.contains(Category::Disability) { original.person.disability } else { None };
        assert_eq!(m.person.disability, want, "{who}: disability of a member");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_and_scope_sees_exactly_what_the_reference_policy_allows() {
    let dir = tempfile::tempdir().unwrap();
    let (store, known) = populated(dir.path(), 120).await;
    let services = Services::new(store.clone()).with_clock(Clock::Fixed(noon()));
    report_violence(&store, &known).await;
    services.ensure_methodology().await.unwrap();
    services.assess_all(None, Trigger::Full, |_| {}).await.unwrap();
    let fams = families(&store, &known, 24).await;
    let sensitive: BTreeSet<_> = fams.iter().flat_map(|f| f.categories.iter()).collect();
    assert!(sensitive.len() >= 3, "the matrix needs families with sensitive facts: {sensitive:?}");
    let kinds: BTreeSet<Vec<Category>> =
        fams.iter().map(|f| f.categories.iter().collect()).collect();
    assert!(fams.iter().any(|f| f.categories.is_empty()), "{kinds:?}");
    let users = users(&fams);
    let matrix = Arc::new(Matrix { services, fams });

    let before = store.audit_head().await.unwrap().map_or(0, |e| e.seq);
    let runs = futures::stream::iter(users.iter().enumerate().map(|(i, u)| {
        let m = matrix.clone();
        let u = u.clone();
        async move { m.run(i, &u).await }
    }))
    .buffer_unordered(8)
    .collect::<Vec<_>>()
    .await;
    let done: Vec<Done> = runs.into_iter().flatten().collect();

    // Exactly one entry per action, with its outcome, and nothing else.
    let mut entries = Vec::new();
    let mut after = before;
    loop {
        let page = store.audit_entries(after, 50_000).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.seq;
        entries.extend(page);
    }
    let mut by_request: HashMap<String, Vec<Outcome>> = HashMap::new();
    for e in &entries {
        by_request.entry(e.record.request_id.clone()).or_default().push(e.record.outcome);
    }
    assert_eq!(entries.len(), done.len(), "one entry per action");
    for d in &done {
        assert_eq!(by_request.get(&d.request), Some(&vec![d.outcome]), "request {}", d.request);
    }
    let denied = done.iter().filter(|d| d.outcome == Outcome::Denied).count();
    assert!(denied > 0 && denied < done.len(), "the matrix has both outcomes");
    let report = matrix.services.verify_audit(&[]).await.unwrap();
    assert!(report.broken.is_none(), "the chain holds: {report:?}");
}
