//! Batch and incremental assessment. A run reads families page by page, assesses them on a
//! blocking thread and writes each page's results in one transaction while the next page is
//! read: reading, assessing and writing overlap.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use shanyraq_domain::assessment::{
    Catalogue, Level, Methodology, Profile, Trigger, assess, poverty,
};
use shanyraq_domain::{FamilyId, PersonId};
use shanyraq_store::{
    AssessmentChunk, AssessmentInput, HistoryEntry, LevelEvent, LevelEventKind, NewOffer, Store,
    StoredAssessment,
};
use time::{Date, OffsetDateTime};
use tokio::sync::mpsc;

use super::detail::encode_detail;
use super::figures::FiguresBook;
use super::medians::compute_medians;
use super::methodologies::Methodologies;
use super::offers;
use crate::error::AppError;

/// How a run goes.
#[derive(Debug, Clone, Copy)]
pub struct AssessOptions {
    /// The day assessed.
    pub on: Date,
    pub trigger: Trigger,
    /// Families per page (read, assessed and written together).
    pub page: u32,
    /// Readers working on parts of the id range at once.
    pub readers: u8,
}

impl AssessOptions {
    pub fn new(on: Date, trigger: Trigger) -> AssessOptions {
        AssessOptions { on, trigger, page: 2_000, readers: 2 }
    }
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssessSummary {
    pub families: u64,
    /// Families by level after the run (of those assessed).
    pub levels: BTreeMap<Level, u64>,
    /// Results that differed from the stored one (a history entry each).
    pub changed: u64,
    /// Level events recorded (entered or stayed at D/E).
    pub events: u64,
    /// The methodology version(s) used.
    pub methodologies: Vec<String>,
    /// Offers of measures made: eligible, not received, never offered to that person before.
    pub offers: u64,
    /// Whether the poverty-line medians had to be computed first.
    pub computed_medians: bool,
    pub elapsed: Duration,
}

/// Pages waiting between reader, assessor and writer.
const QUEUE: usize = 2;
/// Chunks being written at once.
const WRITES_IN_FLIGHT: usize = 2;

/// Everything assessing a page needs, shared with the blocking thread.
struct Context {
    methodologies: Methodologies,
    catalogue: Catalogue,
    figures: std::sync::Mutex<FiguresBook>,
    on: Date,
    trigger: Trigger,
}

/// The figures of `on`, computing and storing the previous quarter's medians if needed.
async fn figures(store: &Arc<dyn Store>, on: Date) -> Result<(FiguresBook, bool), AppError> {
    let quarter_end = poverty::previous_quarter_end(on);
    let (medians, computed) = match store.region_medians(quarter_end).await? {
        Some(m) => (m, false),
        None => (compute_medians(store, quarter_end).await?, true),
    };
    Ok((FiguresBook::new(on, &medians)?, computed))
}

/// Assesses every family and stores the results.
pub async fn assess_all(
    store: &Arc<dyn Store>,
    options: AssessOptions,
    mut progress: impl FnMut(u64),
) -> Result<AssessSummary, AppError> {
    let started = Instant::now();
    let (ctx, computed_medians) = context(store, options).await?;
    let (page_tx, mut page_rx) = mpsc::channel::<Page>(QUEUE);
    // Readers split the id range: reading is most of the work, and SQLite reads in parallel.
    let last_id = store.next_ids().await?.family.0 - 1;
    let readers = i64::from(options.readers.max(1));
    let span = (last_id + readers - 1) / readers;
    let mut tasks = Vec::new();
    for r in 0..readers {
        let (store, tx, limit) = (store.clone(), page_tx.clone(), options.page);
        let end = if r == readers - 1 { i64::MAX } else { (r + 1) * span };
        let mut after = (r > 0).then_some(FamilyId(r * span));
        tasks.push(tokio::spawn(async move {
            loop {
                let mut page = store.assessment_inputs(after, limit).await?;
                let full = page.len();
                page.retain(|i| i.family.family.0 <= end);
                let Some(last) = page.last() else { break };
                after = Some(last.family.family);
                let done = page.len() < full;
                let page = Page::read(&*store, page).await?;
                if tx.send(page).await.is_err() || done {
                    break;
                }
            }
            Ok::<(), AppError>(())
        }));
    }
    drop(page_tx);
    let result = pipeline(store, ctx, &mut page_rx, &mut progress).await;
    // A reader blocked on a full queue ends once the queue is gone.
    drop(page_rx);
    let mut read = Ok(());
    for t in tasks {
        let r = t.await.map_err(|e| AppError::Internal(format!("reader: {e}")))?;
        read = read.and(r);
    }
    let mut summary = result?;
    read?;
    summary.computed_medians = computed_medians;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Assesses the given families (unknown ids are skipped).
pub async fn assess_families(
    store: &Arc<dyn Store>,
    ids: &[FamilyId],
    options: AssessOptions,
) -> Result<AssessSummary, AppError> {
    let started = Instant::now();
    let (ctx, computed_medians) = context(store, options).await?;
    let ctx = Arc::new(ctx);
    let mut summary = AssessSummary { computed_medians, ..AssessSummary::default() };
    for ids in ids.chunks(options.page.max(1) as usize) {
        let page = Page::read(&**store, store.assessment_inputs_for(ids).await?).await?;
        let c = ctx.clone();
        let (chunk, offers, part) = tokio::task::spawn_blocking(move || assess_page(&c, &page))
            .await
            .map_err(|e| AppError::Internal(format!("assessor: {e}")))?;
        store.write_assessments(chunk).await?;
        if !offers.is_empty() {
            store.create_offers(&offers, OffsetDateTime::now_utc()).await?;
        }
        summary.merge(part);
    }
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Re-assesses the families the change feed marks (complete batches not yet assessed), then
/// records those batches as assessed.
pub async fn assess_changed(
    store: &Arc<dyn Store>,
    on: Date,
    at: OffsetDateTime,
) -> Result<AssessSummary, AppError> {
    let batches = store.unassessed_change_batches().await?;
    let mut ids = Vec::new();
    for b in &batches {
        ids.extend(store.changed_families(*b).await?);
    }
    ids.sort_unstable();
    ids.dedup();
    let summary = if ids.is_empty() {
        AssessSummary::default()
    } else {
        assess_families(store, &ids, AssessOptions::new(on, Trigger::Facts)).await?
    };
    store.mark_changes_assessed(&batches, at).await?;
    Ok(summary)
}

async fn context(
    store: &Arc<dyn Store>,
    options: AssessOptions,
) -> Result<(Context, bool), AppError> {
    let methodologies = Methodologies::load(store).await?;
    methodologies.in_force(options.on)?;
    let (figures, computed) = figures(store, options.on).await?;
    Ok((
        Context {
            methodologies,
            catalogue: offers::catalogue()?,
            figures: std::sync::Mutex::new(figures),
            on: options.on,
            trigger: options.trigger,
        },
        computed,
    ))
}

/// Assessor and writer stages: pages come in, are assessed on a blocking thread, and are
/// written while the next page is assessed.
async fn pipeline(
    store: &Arc<dyn Store>,
    ctx: Context,
    pages: &mut mpsc::Receiver<Page>,
    progress: &mut impl FnMut(u64),
) -> Result<AssessSummary, AppError> {
    let ctx = Arc::new(ctx);
    let (chunk_tx, mut chunk_rx) = mpsc::channel::<(AssessmentChunk, Vec<NewOffer>)>(QUEUE);
    let writer_store = store.clone();
    let writer = tokio::spawn(async move {
        // Two chunks in flight: one commits while the next is sent (pages never share a
        // family, so their order does not matter).
        let mut inflight = tokio::task::JoinSet::new();
        while let Some((chunk, offers)) = chunk_rx.recv().await {
            if inflight.len() >= WRITES_IN_FLIGHT
                && let Some(done) = inflight.join_next().await
            {
                done.map_err(|e| AppError::Internal(format!("writer: {e}")))??;
            }
            let store = writer_store.clone();
            inflight.spawn(async move {
                store.write_assessments(chunk).await?;
                if !offers.is_empty() {
                    store.create_offers(&offers, OffsetDateTime::now_utc()).await?;
                }
                Ok::<(), AppError>(())
            });
        }
        while let Some(done) = inflight.join_next().await {
            done.map_err(|e| AppError::Internal(format!("writer: {e}")))??;
        }
        Ok::<(), AppError>(())
    });
    let mut summary = AssessSummary::default();
    let mut failed = None;
    while let Some(page) = pages.recv().await {
        let c = ctx.clone();
        let (chunk, offers, part) = tokio::task::spawn_blocking(move || assess_page(&c, &page))
            .await
            .map_err(|e| AppError::Internal(format!("assessor: {e}")))?;
        summary.merge(part);
        progress(summary.families);
        if chunk_tx.send((chunk, offers)).await.is_err() {
            failed = Some(());
            break;
        }
    }
    drop(chunk_tx);
    writer.await.map_err(|e| AppError::Internal(format!("writer: {e}")))??;
    if failed.is_some() {
        return Err(AppError::Internal("the writer stopped".into()));
    }
    Ok(summary)
}

impl AssessSummary {
    fn merge(&mut self, other: AssessSummary) {
        self.families += other.families;
        for (l, n) in other.levels {
            *self.levels.entry(l).or_default() += n;
        }
        self.changed += other.changed;
        self.events += other.events;
        self.offers += other.offers;
        for m in other.methodologies {
            if !self.methodologies.contains(&m) {
                self.methodologies.push(m);
            }
        }
    }
}

/// Families to assess, with the measures their members were ever offered.
struct Page {
    inputs: Vec<AssessmentInput>,
    offered: HashSet<(PersonId, String)>,
}

impl Page {
    async fn read(store: &dyn Store, inputs: Vec<AssessmentInput>) -> Result<Page, AppError> {
        let ids: Vec<FamilyId> = inputs.iter().map(|i| i.family.family).collect();
        let offered = store.offered(&ids).await?.into_iter().collect();
        Ok(Page { inputs, offered })
    }
}

/// Assesses one page: results, history entries for changed results, level events, and the
/// offers of measures the families are eligible for, do not receive and were never offered.
fn assess_page(ctx: &Context, page: &Page) -> (AssessmentChunk, Vec<NewOffer>, AssessSummary) {
    let mut offers = Vec::new();
    let mut chunk = AssessmentChunk {
        assessments: Vec::with_capacity(page.inputs.len()),
        history: Vec::new(),
        events: Vec::new(),
    };
    let mut summary = AssessSummary::default();
    let Ok(m) = ctx.methodologies.in_force(ctx.on) else {
        return (chunk, offers, summary);
    };
    summary.methodologies.push(m.version.clone());
    let mut figures = match ctx.figures.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    for input in &page.inputs {
        let f = figures.for_territory(input.family.territory);
        let profile = Profile::compute(&input.family, ctx.on, f);
        let a = assess(&profile, m);
        record(ctx, m, input, &a, &mut chunk, &mut summary);
        offers::offers_for(&ctx.catalogue, &input.family, &profile, ctx.on, &mut offers);
    }
    offers.retain(|o| !page.offered.contains(&(o.person, o.measure.clone())));
    summary.offers = offers.len() as u64;
    (chunk, offers, summary)
}

fn record(
    ctx: &Context,
    m: &Methodology,
    input: &AssessmentInput,
    a: &shanyraq_domain::assessment::Assessment,
    chunk: &mut AssessmentChunk,
    summary: &mut AssessSummary,
) {
    let family = input.family.family;
    let prev = input.previous.as_ref();
    let changed =
        prev.is_none_or(|p| p.level != a.level || p.total != a.total || p.methodology != m.version);
    let seq = prev.map_or(0, |p| p.seq) + i64::from(changed);
    chunk.assessments.push(StoredAssessment {
        family,
        seq,
        assessed_on: ctx.on,
        methodology: m.version.clone(),
        total: a.total,
        score_level: a.score_level,
        level: a.level,
        trigger: ctx.trigger,
        detail: encode_detail(a),
    });
    if changed {
        chunk.history.push(HistoryEntry {
            family,
            seq,
            assessed_on: ctx.on,
            methodology: m.version.clone(),
            total: a.total,
            level: a.level,
            trigger: ctx.trigger,
        });
        summary.changed += 1;
    }
    if let Some(kind) = level_event(prev.map(|p| (p.level, p.assessed_on)), a.level, ctx.on) {
        chunk.events.push(LevelEvent {
            family,
            kind,
            level: a.level,
            previous: prev.map(|p| p.level),
            occurred_on: ctx.on,
            methodology: m.version.clone(),
        });
        summary.events += 1;
    }
    summary.families += 1;
    *summary.levels.entry(a.level).or_default() += 1;
}

/// A family that comes to D or E produces an event; one that stays there produces one on each
/// later assessment day (not again on the same day).
pub(crate) fn level_event(
    previous: Option<(Level, Date)>,
    level: Level,
    on: Date,
) -> Option<LevelEventKind> {
    if !level.is_crisis() {
        return None;
    }
    match previous {
        Some((p, day)) if p.is_crisis() => (day < on).then_some(LevelEventKind::StaysInCrisis),
        _ => Some(LevelEventKind::EnteredCrisis),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn events_on_entering_and_staying_in_crisis() {
        let (d1, d2) = (date!(2026 - 11 - 01), date!(2026 - 11 - 30));
        assert_eq!(level_event(None, Level::D, d2), Some(LevelEventKind::EnteredCrisis));
        assert_eq!(level_event(None, Level::C, d2), None);
        assert_eq!(
            level_event(Some((Level::C, d1)), Level::E, d2),
            Some(LevelEventKind::EnteredCrisis)
        );
        assert_eq!(
            level_event(Some((Level::D, d1)), Level::E, d2),
            Some(LevelEventKind::StaysInCrisis)
        );
        assert_eq!(level_event(Some((Level::D, d2)), Level::D, d2), None, "same day: no repeat");
        assert_eq!(level_event(Some((Level::E, d1)), Level::B, d2), None);
    }
}
