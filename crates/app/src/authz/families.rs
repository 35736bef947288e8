//! The use cases on families' personal data, each behind [`Guard`]: one decision, one audit
//! entry, and only what the decision allows in the answer (hidden facts are absent, not blank).

use std::collections::BTreeMap;
use std::sync::Arc;

use shanyraq_domain::access::{
    self, Action, Allowed, Category, CategorySet, FamilyTarget, SMALL_CELL, TerritoryGrant,
};
use shanyraq_domain::assessment::Level;
use shanyraq_domain::audit::Outcome;
use shanyraq_domain::{FamilyId, Iin, Kato, KatoLevel, ObservationValue};
use shanyraq_store::{
    FamilyCursor, FamilyPage, FamilyRecord, FamilySummary, OfferRecord, PageRequest, PersonRecord,
    Store,
};
use time::{Date, OffsetDateTime};

use super::context::AccessContext;
use super::guard::{Guard, Subject, denied};
use crate::error::AppError;
use crate::services::MAX_PAGE;

/// A family's card as this reader may see it.
#[derive(Debug, Clone)]
pub struct FamilyCard {
    /// Facts and member fields of categories the reader may not see are removed.
    pub record: FamilyRecord,
    pub allowed: Allowed,
}

/// Families by territory and level, as far as the reader may count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerritoryCounts {
    /// (territory, level) → families; `None` where fewer than [`SMALL_CELL`] are suppressed.
    pub cells: Vec<(Kato, Level, Option<u64>)>,
    /// Whether small cells were suppressed.
    pub suppressed: bool,
}

/// One access to a family's data, as its members see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessLogEntry {
    pub seq: u64,
    pub at: OffsetDateTime,
    /// `family.read`, `family.update`, …
    pub action: String,
    /// `role/agency` the actor acted in; `None` for the citizen and for system jobs.
    pub capacity: Option<String>,
    /// The actor's display name, when names may be shown; `None` otherwise.
    pub actor_name: Option<String>,
    /// Whether the actor was the citizen's own family (a member's own account).
    pub by_family: bool,
    pub purpose: Option<String>,
    pub outcome: Outcome,
}

/// The sensitive categories a family's record reveals: those of its facts that say something
/// (a flag that is false, such as "no chronic condition", reveals nothing), and disability when
/// a member has a disability decision. A card still leaves out every fact of a category the
/// reader is not granted; this only decides whether opening it asks for a purpose.
pub fn categories_of(record: &FamilyRecord) -> CategorySet {
    let telling = record
        .latest_observations
        .iter()
        .filter(|o| o.observation.value != ObservationValue::Flag(false))
        .map(|o| o.observation.indicator.def());
    let facts = CategorySet::of_indicators(telling);
    if record.members.iter().any(|m| m.person.disability.is_some()) {
        facts.with(Category::Disability)
    } else {
        facts
    }
}

pub(crate) fn target_of(record: &FamilyRecord) -> FamilyTarget {
    FamilyTarget {
        id: record.family.id,
        territory: record.family.address.territory,
        categories: categories_of(record),
    }
}

/// Removes what `visible` does not cover.
fn strip(mut record: FamilyRecord, visible: CategorySet) -> FamilyRecord {
    record.latest_observations.retain(|o| match o.observation.indicator.def().category {
        Some(c) => visible.contains(c),
        None => true,
    });
    if !visible.contains(Category::Disability) {
        for m in &mut record.members {
            m.person.disability = None;
        }
    }
    record
}

/// Reads a family's card.
pub async fn read(
    store: &Arc<dyn Store>,
    guard: &Guard,
    ctx: &AccessContext,
    id: FamilyId,
) -> Result<FamilyCard, AppError> {
    let record = store.family(id).await?;
    card_of(guard, ctx, id, record).await
}

/// Decides on reading family `id`, whose card (`None`: no such family) is already read, and
/// records the decision; the card as the reader may see it.
pub async fn card_of(
    guard: &Guard,
    ctx: &AccessContext,
    id: FamilyId,
    record: Option<FamilyRecord>,
) -> Result<FamilyCard, AppError> {
    let target = record.as_ref().map(target_of);
    let allowed = guard.check_family(ctx, Action::Read, id, target.as_ref()).await?;
    let record = record.ok_or_else(|| denied(access::Denial::OutOfScope))?;
    Ok(FamilyCard { record: strip(record, allowed.visible), allowed })
}

/// Checks `action` on a family without reading more than its target, and records it.
pub async fn check(
    store: &Arc<dyn Store>,
    guard: &Guard,
    ctx: &AccessContext,
    action: Action,
    id: FamilyId,
) -> Result<Allowed, AppError> {
    let target = store.family(id).await?.as_ref().map(target_of);
    guard.check_family(ctx, action, id, target.as_ref()).await
}

/// Records a territory-wide action (list, count, export) and answers with the subtrees it may
/// reach; none is a denial.
async fn territory_action(
    guard: &Guard,
    ctx: &AccessContext,
    action: Action,
    root: Kato,
) -> Result<TerritoryGrant, AppError> {
    let grant = access::territory_grant(&ctx.principal, action, root);
    let outcome = if grant.roots.is_empty() { Outcome::Denied } else { Outcome::Allowed };
    let name = format!("family.{}", action.code());
    guard.write(guard.record(ctx, &name, Subject::Territory(root), outcome, None)).await?;
    if grant.roots.is_empty() {
        let reason = if ctx.principal.has_role(access::Role::Analyst) {
            access::Denial::AggregatesOnly
        } else {
            access::Denial::OutOfScope
        };
        return Err(denied(reason));
    }
    Ok(grant)
}

/// A page of the families in `root`'s subtree that the reader may list, in (territory, id)
/// order after `after`: the permitted subtrees are disjoint and in code order, so their pages
/// follow one another.
pub async fn list(
    store: &Arc<dyn Store>,
    guard: &Guard,
    ctx: &AccessContext,
    root: Kato,
    after: Option<FamilyCursor>,
    limit: u32,
    on: Date,
) -> Result<FamilyPage, AppError> {
    let grant = territory_action(guard, ctx, Action::List, root).await?;
    page_over(store, &grant.roots, after, limit.clamp(1, MAX_PAGE), on).await
}

async fn page_over(
    store: &Arc<dyn Store>,
    roots: &[Kato],
    mut after: Option<FamilyCursor>,
    limit: u32,
    on: Date,
) -> Result<FamilyPage, AppError> {
    let mut items: Vec<FamilySummary> = Vec::new();
    for &r in roots {
        let (_, hi) = r.subtree_range();
        if after.is_some_and(|c| c.territory.as_u32() > hi) {
            continue;
        }
        let want = limit - items.len() as u32;
        let page = store.families_in_territory(r, PageRequest { after, limit: want, on }).await?;
        let more = page.next.is_some();
        items.extend(page.items);
        if items.len() as u32 >= limit {
            let last = items.last().map(|s| FamilyCursor { territory: s.territory, id: s.id });
            // Another root may follow: the page is full, so offer a cursor whenever anything
            // could come after it.
            let next = if more || roots.last() != Some(&r) { last } else { None };
            return Ok(FamilyPage { items, next });
        }
        after = None;
    }
    Ok(FamilyPage { items, next: None })
}

/// Every family the reader may export in `root`'s subtree, a page at a time to `row`. Exports
/// never carry sensitive facts: the rows are listing lines.
pub async fn export(
    store: &Arc<dyn Store>,
    guard: &Guard,
    ctx: &AccessContext,
    root: Kato,
    on: Date,
    mut row: impl FnMut(&FamilySummary) -> Result<(), AppError>,
) -> Result<u64, AppError> {
    let grant = territory_action(guard, ctx, Action::Export, root).await?;
    let mut after = None;
    let mut n = 0u64;
    loop {
        let page = page_over(store, &grant.roots, after, MAX_PAGE, on).await?;
        for s in &page.items {
            row(s)?;
            n += 1;
        }
        match page.next {
            Some(c) => after = Some(c),
            None => return Ok(n),
        }
    }
}

/// Families by level in the reader's part of `root`'s subtree, grouped at `depth`.
pub async fn count(
    store: &Arc<dyn Store>,
    guard: &Guard,
    ctx: &AccessContext,
    root: Kato,
    depth: KatoLevel,
) -> Result<TerritoryCounts, AppError> {
    let grant = territory_action(guard, ctx, Action::Count, root).await?;
    let mut cells: BTreeMap<(Kato, Level), u64> = BTreeMap::new();
    for &r in &grant.roots {
        for c in store.level_counts(r, depth).await? {
            *cells.entry((c.territory, c.level)).or_default() += c.families;
        }
    }
    let suppressed = grant.suppress_small;
    let cells = cells
        .into_iter()
        .map(|((t, l), n)| (t, l, (!suppressed || n >= SMALL_CELL).then_some(n)))
        .collect();
    Ok(TerritoryCounts { cells, suppressed })
}

/// Finds a person by IIN: the person and the memberships of families the reader may search.
/// One audit entry, about the first such family; none at all is a denial, the same as an IIN
/// nobody has.
pub async fn search(
    store: &Arc<dyn Store>,
    guard: &Guard,
    ctx: &AccessContext,
    iin: Iin,
) -> Result<PersonRecord, AppError> {
    let mut found = store.person_by_iin(iin).await?;
    let mut first_allowed: Option<(FamilyId, Option<usize>)> = None;
    if let Some(person) = &mut found {
        let mut keep = Vec::new();
        for m in std::mem::take(&mut person.memberships) {
            let target = store.family(m.family).await?.as_ref().map(target_of);
            if let Ok(a) = guard.decide_family(ctx, Action::Search, target.as_ref()) {
                first_allowed.get_or_insert((m.family, a.grant));
                keep.push(m);
            }
        }
        person.memberships = keep;
    }
    match (found, first_allowed) {
        (Some(person), Some((family, grant))) => {
            let rec = guard.record(
                ctx,
                "family.search",
                Subject::Family(family),
                Outcome::Allowed,
                grant,
            );
            guard.write(rec).await?;
            Ok(person)
        }
        _ => {
            let rec = guard.record(
                ctx,
                "family.search",
                Subject::Key("person:search"),
                Outcome::Denied,
                None,
            );
            guard.write(rec).await?;
            Err(denied(access::Denial::OutOfScope))
        }
    }
}

/// Answers an offer for its family; the change and its audit entry are one transaction.
pub async fn answer_offer(
    store: &Arc<dyn Store>,
    guard: &Guard,
    ctx: &AccessContext,
    offer: i64,
    accept: bool,
    on: Date,
) -> Result<OfferRecord, AppError> {
    let found = store.offer(offer).await?;
    let target = match &found {
        Some(o) => store.family(o.family).await?.as_ref().map(target_of),
        None => None,
    };
    let subject = match &found {
        Some(o) => Subject::Family(o.family),
        None => Subject::Key("offer:unknown"),
    };
    match guard.decide_family(ctx, Action::Update, target.as_ref()) {
        Err(e) => {
            guard.write(guard.record(ctx, "family.update", subject, Outcome::Denied, None)).await?;
            Err(e)
        }
        Ok(allowed) => {
            let rec = guard.record(ctx, "family.update", subject, Outcome::Allowed, allowed.grant);
            match store.answer_offer(offer, accept, on, &rec).await {
                Err(shanyraq_store::StoreError::NotFound(_)) => {
                    Err(AppError::NotFound { what: "offer", id: offer.to_string() })
                }
                other => Ok(other?),
            }
        }
    }
}

/// Who accessed a family's data, newest first: at most `limit` entries before `before`.
/// `show_names` says whether staff names may be shown (a deployment setting: the law decides).
pub async fn access_log(
    store: &Arc<dyn Store>,
    guard: &Guard,
    ctx: &AccessContext,
    family: FamilyId,
    before: Option<u64>,
    limit: u32,
    show_names: bool,
) -> Result<Vec<AccessLogEntry>, AppError> {
    check(store, guard, ctx, Action::AuditRead, family).await?;
    let entries = store.audit_for_subject(&format!("family:{family}"), before, limit).await?;
    let mut names: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        let r = e.record;
        let account = r.actor.strip_prefix("account:").and_then(|id| id.parse::<i64>().ok());
        let by_family = r.capacity.is_none() && account.is_some();
        let actor_name = match account {
            Some(id) if show_names && !by_family => match names.get(&r.actor) {
                Some(n) => n.clone(),
                None => {
                    let n = store.account(id).await?.map(|a| a.display_name);
                    names.insert(r.actor.clone(), n.clone());
                    n
                }
            },
            _ => None,
        };
        out.push(AccessLogEntry {
            seq: e.seq,
            at: r.at,
            action: r.action,
            capacity: r.capacity,
            actor_name,
            by_family,
            purpose: r.purpose,
            outcome: r.outcome,
        });
    }
    Ok(out)
}
