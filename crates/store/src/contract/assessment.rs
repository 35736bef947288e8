//! The contract of [`crate::AssessmentStore`]: methodology versions installed once, the inputs
//! of an assessment read page by page, results written all or nothing, the change feed's
//! progress, medians, and the aggregates by territory. Built on the sample population.

use shanyraq_domain::assessment::{FactInput, FamilyInput, Level, MemberInput, Trigger};
use shanyraq_domain::{BatchId, FamilyId, KatoLevel, Observation, ObservationValue, Source, Tenge};
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};

use super::feed::wage;
use super::fixtures::*;
use super::{loaded, migrated};
use crate::assessment::{
    AssessmentChunk, AssessmentInput, HistoryEntry, Installed, LevelCount, LevelEvent,
    LevelEventKind, MethodologyRecord, Movement, PreviousAssessment, RegionMedian,
    StoredAssessment,
};
use crate::error::StoreError;
use crate::feed::{ChunkCounts, FeedChunk, FeedFact, FeedRow, NewFeedBatch, RepeatNote};
use crate::port::Store;
use crate::records::{NextIds, PopulationChunk};

/// When the fixture feed batches run.
const AT: OffsetDateTime = datetime!(2026-03-02 10:00:00 UTC);
const JAN: Date = date!(2026 - 01 - 10);
const FEB: Date = date!(2026 - 02 - 10);
const MAR: Date = date!(2026 - 03 - 10);

// ---------------------------------------------------------------------------------------------
// Expected values and steps.

/// What the store gives an assessment of `family` of `chunk`, before any feed: every
/// membership with its person, by (from, person id); every fact, in the order written.
pub fn expected_input(chunk: &PopulationChunk, family: FamilyId) -> FamilyInput {
    let f = chunk.families.iter().find(|f| f.id == family).unwrap();
    let mut members: Vec<MemberInput> = chunk
        .memberships
        .iter()
        .filter(|m| m.family == family)
        .map(|m| {
            let p = chunk.persons.iter().find(|p| p.id == m.person).unwrap();
            MemberInput {
                person: p.id,
                role: m.role,
                birth_date: p.birth_date,
                disability: p.disability,
                death_date: p.death_date,
                language: p.language,
                from: m.from,
                until: m.until,
            }
        })
        .collect();
    members.sort_by_key(|m| (m.from, m.person));
    FamilyInput {
        family,
        territory: f.address.territory,
        settlement: f.settlement_type,
        members,
        facts: chunk.observations.iter().filter(|o| o.family == family).map(fact).collect(),
    }
}

fn fact(o: &Observation) -> FactInput {
    FactInput {
        person: o.person,
        indicator: o.indicator,
        value: o.value.clone(),
        observed_at: o.observed_at,
        valid_from: o.valid_from,
        valid_until: o.valid_until,
    }
}

/// Loads `facts` as a feed file of one chunk, a fact a row; completes the batch if asked.
async fn feed(
    store: &dyn Store,
    fingerprint: &str,
    facts: Vec<FeedFact>,
    complete: bool,
) -> BatchId {
    let new = NewFeedBatch {
        feed: "income".into(),
        source: Source::Tax,
        label: format!("{fingerprint}.csv"),
        fingerprint: fingerprint.into(),
        started_at: AT,
    };
    let id = store.start_feed_batch(&new, &[]).await.unwrap().batch.id;
    let rows: Vec<FeedRow> = facts
        .into_iter()
        .enumerate()
        .map(|(i, mut f)| {
            f.observation.batch = id;
            FeedRow { line: i as u64 + 2, facts: vec![f], issues_before: 0 }
        })
        .collect();
    let read = i64::try_from(rows.len()).unwrap();
    let chunk = FeedChunk {
        batch: id,
        rows_before: 0,
        counts: ChunkCounts { rows_read: read, rejected: 0, warnings: 0 },
        rows,
        pending: vec![],
        issues: vec![],
        repeat_note: RepeatNote::default(),
        written_at: AT,
    };
    store.write_feed_chunk(chunk).await.unwrap();
    if complete {
        store.complete_feed_batch(id, read, AT).await.unwrap();
    }
    id
}

/// The sample population with the fixture methodology installed.
async fn assessable(store: &dyn Store) -> PopulationChunk {
    let sample = loaded(store).await;
    let m = methodology(METHODOLOGY, date!(2023 - 01 - 01));
    assert_eq!(store.install_methodology(&m).await.unwrap(), Installed::New);
    sample
}

/// A result of `family` with the history entry that holds it.
fn result(family: FamilyId, seq: i64, on: Date, level: Level) -> (StoredAssessment, HistoryEntry) {
    let total = 20 * (level as i64);
    let trigger = if seq == 1 { Trigger::Full } else { Trigger::Facts };
    (
        StoredAssessment {
            family,
            seq,
            assessed_on: on,
            methodology: METHODOLOGY.into(),
            total,
            score_level: level,
            level,
            trigger,
            detail: format!("{{\"contributions\":[[0,{total}]],\"overrides\":[]}}"),
        },
        HistoryEntry {
            family,
            seq,
            assessed_on: on,
            methodology: METHODOLOGY.into(),
            total,
            level,
            trigger,
        },
    )
}

fn event(family: FamilyId, level: Level, previous: Option<Level>, on: Date) -> LevelEvent {
    let kind = if previous.is_some_and(Level::is_crisis) {
        LevelEventKind::StaysInCrisis
    } else {
        LevelEventKind::EnteredCrisis
    };
    LevelEvent { family, kind, level, previous, occurred_on: on, methodology: METHODOLOGY.into() }
}

/// A chunk of results, each with its history entry.
fn results(items: &[(FamilyId, i64, Date, Level)], events: Vec<LevelEvent>) -> AssessmentChunk {
    let (assessments, history) =
        items.iter().map(|&(f, seq, on, level)| result(f, seq, on, level)).unzip();
    AssessmentChunk { assessments, history, events }
}

/// History entries only, without touching current assessments.
fn history_only(items: &[(FamilyId, i64, Date, Level)]) -> AssessmentChunk {
    AssessmentChunk {
        history: items.iter().map(|&(f, seq, on, level)| result(f, seq, on, level).1).collect(),
        ..AssessmentChunk::default()
    }
}

/// Every page of inputs with `limit`, checking the paging rules on the way.
async fn walk_inputs(store: &dyn Store, limit: u32) -> Vec<AssessmentInput> {
    let mut all: Vec<AssessmentInput> = Vec::new();
    let mut after = None;
    loop {
        let page = store.assessment_inputs(after, limit).await.unwrap();
        assert!(page.len() <= limit.max(1) as usize, "a page of {} with limit {limit}", page.len());
        let Some(last) = page.last() else { break };
        after = Some(last.family.family);
        all.extend(page);
        assert!(all.len() < 100_000, "paging does not end");
    }
    all
}

fn ids(inputs: &[AssessmentInput]) -> Vec<FamilyId> {
    inputs.iter().map(|i| i.family.family).collect()
}

// ---------------------------------------------------------------------------------------------
// The contract.

/// A version installs once: the same text again changes nothing, other text under the same
/// version is refused; versions list by (effective_from, version).
pub async fn methodology_versions_install_once(store: &dyn Store) {
    migrated(store).await;
    assert!(store.methodologies().await.unwrap().is_empty());
    let r1 = methodology("ckc-2023-r1", date!(2023 - 01 - 01));
    let r2 = methodology("ckc-2026", date!(2026 - 01 - 01));
    let r0 = methodology("ckc-2020", date!(2020 - 07 - 01));
    let r2b = methodology("ckc-2026-b", date!(2026 - 01 - 01));
    for m in [&r2, &r1, &r2b, &r0] {
        assert_eq!(store.install_methodology(m).await.unwrap(), Installed::New, "{}", m.version);
    }
    let later = methodology("ckc-2023-r1", date!(2023 - 01 - 01));
    let again = MethodologyRecord { installed_at: datetime!(2026-04-01 00:00:00 UTC), ..later };
    assert_eq!(store.install_methodology(&again).await.unwrap(), Installed::Unchanged);
    let edited =
        MethodologyRecord { source: format!("{}\n[levels]\nD = 60\n", r1.source), ..r1.clone() };
    let err = store.install_methodology(&edited).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(_)),
        "other text under an installed version: {err:?}"
    );
    assert_eq!(
        store.methodologies().await.unwrap(),
        vec![r0, r1, r2, r2b],
        "by effective_from, then version; the first install stays"
    );
}

/// A family's inputs: its territory and settlement type, every membership (ended ones and the
/// dead too) by (from, person id), every current fact by id (a superseded one is left out, its
/// correction is there), and its current assessment.
pub async fn assessment_inputs_carry_every_membership_and_current_facts(store: &dyn Store) {
    let sample = assessable(store).await;
    let all = store.assessment_inputs(None, 100).await.unwrap();
    let expected: Vec<AssessmentInput> = sample
        .families
        .iter()
        .map(|f| AssessmentInput { family: expected_input(&sample, f.id), previous: None })
        .collect();
    assert_eq!(all, expected);
    let f1 = &all[0].family;
    let erlan: Vec<&MemberInput> = f1.members.iter().filter(|m| m.person == P_ERLAN).collect();
    assert_eq!(erlan.len(), 1, "a past member of family 1 is among its members");
    assert_eq!(erlan[0].until, Some(date!(2024 - 06 - 01)));
    let f3 = &all[2].family;
    assert_eq!(f3.members.len(), 1, "the dead head of family 3, with his ended membership");
    assert_eq!(f3.members[0].death_date, Some(date!(2026 - 01 - 15)));
    let maria = all[1].family.members.iter().find(|m| m.person == P_MARIA).unwrap();
    assert_eq!(maria.disability, Some(shanyraq_domain::Disability::Group2));

    // A wage, then its correction: only the correction is current.
    let feb = date!(2026 - 02 - 01);
    feed(store, "w1", vec![wage(P_ARMAN, F_SERIKBAYEV, feb, 300_000)], true).await;
    feed(store, "w2", vec![wage(P_ARMAN, F_SERIKBAYEV, feb, 310_000)], true).await;
    let inputs = store.assessment_inputs_for(&[F_SERIKBAYEV]).await.unwrap();
    let mut family = expected_input(&sample, F_SERIKBAYEV);
    let correction = wage(P_ARMAN, F_SERIKBAYEV, feb, 310_000);
    family.facts.push(fact(&correction.observation));
    assert_eq!(inputs, vec![AssessmentInput { family, previous: None }]);
    let wages = |input: &AssessmentInput, amount: i64| {
        let value = ObservationValue::Money(Tenge(amount));
        input.family.facts.iter().filter(|f| f.value == value).count()
    };
    assert_eq!(wages(&inputs[0], 300_000), 0, "the superseded wage is not an input");
    assert_eq!(wages(&inputs[0], 310_000), 1, "its correction is");
    let paged = store.assessment_inputs(None, 1).await.unwrap();
    assert_eq!(paged, inputs, "a page reads as the family read alone does");

    // With a current assessment, the input carries it.
    store.write_assessments(results(&[(F_ERLAN, 1, MAR, Level::C)], vec![])).await.unwrap();
    let after = store.assessment_inputs(Some(F_SERIKBAYEV), 1).await.unwrap();
    assert_eq!(ids(&after), vec![F_ERLAN]);
    assert_eq!(
        after[0].previous,
        Some(PreviousAssessment {
            assessed_on: MAR,
            methodology: METHODOLOGY.into(),
            total: 40,
            level: Level::C,
            seq: 1,
        })
    );
    assert_eq!(after[0].family, expected_input(&sample, F_ERLAN));
}

/// Pages follow id order strictly after `after`, hold at most `limit` families (at least one,
/// at most 10,000), and together visit every family once; a page reads the same as the same
/// families asked for by id.
pub async fn assessment_inputs_page_by_family_id(store: &dyn Store) {
    let sample = assessable(store).await;
    let extra = generated(store.next_ids().await.unwrap(), 40, BATCH_MAIN, &places());
    store.insert_population(&extra).await.unwrap();
    let every: Vec<FamilyId> =
        sample.families.iter().chain(&extra.families).map(|f| f.id).collect();
    for limit in [1, 2, 7, 45, 46, 1000] {
        let walked = walk_inputs(store, limit).await;
        assert_eq!(ids(&walked), every, "{limit} a page");
    }
    let zero = store.assessment_inputs(None, 0).await.unwrap();
    assert_eq!(ids(&zero), vec![F_SERIKBAYEV], "a limit of 0 is a page of one");
    let page = store.assessment_inputs(Some(FamilyId(3)), 4).await.unwrap();
    assert_eq!(ids(&page), [4, 5, 6, 7].map(FamilyId));
    let between = store.assessment_inputs(Some(FamilyId(30)), 5).await.unwrap();
    assert_eq!(ids(&between), [31, 32, 33, 34, 35].map(FamilyId));
    for input in &between {
        assert_eq!(input.family, expected_input(&extra, input.family.family));
        assert_eq!(input.previous, None);
    }
    let by_id = store.assessment_inputs_for(&ids(&between)).await.unwrap();
    assert_eq!(by_id, between);
    let last = *every.last().unwrap();
    assert!(store.assessment_inputs(Some(last), 10).await.unwrap().is_empty());
    assert!(store.assessment_inputs(Some(FamilyId(i64::MAX)), 10).await.unwrap().is_empty());
}

/// However many families are asked for, a page holds at most 10,000.
pub async fn assessment_input_pages_are_capped(store: &dyn Store) {
    migrated(store).await;
    store.replace_territories(&tree()).await.unwrap();
    store.create_batch(&batches()[0]).await.unwrap();
    let many = 10_000 + 25;
    let chunk = generated(NextIds::FIRST, many, BATCH_MAIN, &places());
    store.insert_population(&chunk).await.unwrap();
    for limit in [10_001, u32::MAX] {
        let page = store.assessment_inputs(None, limit).await.unwrap();
        assert_eq!(page.len(), 10_000, "limit {limit}");
        let rest = store.assessment_inputs(Some(page[9_999].family.family), limit).await.unwrap();
        assert_eq!(rest.len(), 25);
    }
    let page = store.assessment_inputs(Some(FamilyId(9_990)), 20).await.unwrap();
    for input in &page {
        assert_eq!(input.family, expected_input(&chunk, input.family.family));
    }
}

/// Asked for by id, families come in id order, each once; unknown ids are left out.
pub async fn assessment_inputs_for_given_families(store: &dyn Store) {
    let sample = assessable(store).await;
    let asked = [F_KIM, FamilyId(404), F_SERIKBAYEV, F_KIM, FamilyId(-1), F_PETROV, F_SERIKBAYEV];
    let got = store.assessment_inputs_for(&asked).await.unwrap();
    assert_eq!(ids(&got), vec![F_SERIKBAYEV, F_PETROV, F_KIM]);
    for input in &got {
        assert_eq!(input.family, expected_input(&sample, input.family.family));
    }
    assert!(store.assessment_inputs_for(&[]).await.unwrap().is_empty());
    assert!(store.assessment_inputs_for(&[FamilyId(404)]).await.unwrap().is_empty());
}

/// A chunk replaces each family's current assessment, adds history entries, and adds events
/// with ids growing in the order given; events page by id.
pub async fn results_replace_assessments_and_add_history_and_events(store: &dyn Store) {
    let _ = assessable(store).await;
    assert_eq!(store.assessment(F_SERIKBAYEV).await.unwrap(), None);
    assert!(store.level_events(None, 10).await.unwrap().is_empty());
    let first =
        [(F_SERIKBAYEV, 1, JAN, Level::C), (F_ERLAN, 1, JAN, Level::D), (F_KIM, 1, JAN, Level::E)];
    let events = vec![event(F_KIM, Level::E, None, JAN), event(F_ERLAN, Level::D, None, JAN)];
    store.write_assessments(results(&first, events.clone())).await.unwrap();
    for (family, seq, on, level) in first {
        let (a, h) = result(family, seq, on, level);
        assert_eq!(store.assessment(family).await.unwrap(), Some(a));
        assert_eq!(store.level_history(family).await.unwrap(), vec![h]);
    }
    let stored = store.level_events(None, 10).await.unwrap();
    assert_eq!(stored.iter().map(|e| e.event.clone()).collect::<Vec<_>>(), events);
    assert!(stored[0].id < stored[1].id, "ids grow in the order given");

    // Family 1 worsens to D: its assessment is replaced, its history grows. Family 2 is
    // re-assessed with the same result: a new assessment, no history entry.
    let (a1, h1) = result(F_SERIKBAYEV, 2, FEB, Level::D);
    let (a2, _) = result(F_ERLAN, 1, FEB, Level::D);
    let more = vec![
        event(F_SERIKBAYEV, Level::D, Some(Level::C), FEB),
        event(F_ERLAN, Level::D, Some(Level::D), FEB),
    ];
    let chunk = AssessmentChunk {
        assessments: vec![a1.clone(), a2.clone()],
        history: vec![h1.clone()],
        events: more.clone(),
    };
    store.write_assessments(chunk).await.unwrap();
    assert_eq!(store.assessment(F_SERIKBAYEV).await.unwrap(), Some(a1));
    assert_eq!(store.assessment(F_ERLAN).await.unwrap(), Some(a2));
    let (_, h0) = result(F_SERIKBAYEV, 1, JAN, Level::C);
    assert_eq!(store.level_history(F_SERIKBAYEV).await.unwrap(), vec![h0, h1]);
    assert_eq!(store.level_history(F_ERLAN).await.unwrap().len(), 1);
    assert!(store.level_history(F_PETROV).await.unwrap().is_empty());

    let all = store.level_events(None, 100).await.unwrap();
    let kinds: Vec<LevelEvent> = all.iter().map(|e| e.event.clone()).collect();
    assert_eq!(kinds, [events, more].concat());
    assert!(all.windows(2).all(|w| w[0].id < w[1].id), "events in id order");
    let after_first = store.level_events(Some(all[0].id), 2).await.unwrap();
    assert_eq!(after_first, all[1..3].to_vec());
    assert_eq!(store.level_events(None, 0).await.unwrap(), all[..1].to_vec(), "limit 0 is one");
    assert!(store.level_events(Some(all[3].id), 10).await.unwrap().is_empty());
    assert!(store.write_assessments(AssessmentChunk::default()).await.is_ok());

    // Many events in one chunk keep the order given, whatever the families.
    let many: Vec<LevelEvent> = (0..150)
        .map(|i| {
            let day = MAR + time::Duration::days(i64::from(i % 7));
            event(sample_family(149 - i as usize), Level::E, Some(Level::D), day)
        })
        .collect();
    let chunk = AssessmentChunk { events: many.clone(), ..AssessmentChunk::default() };
    store.write_assessments(chunk).await.unwrap();
    let stored = store.level_events(Some(all[3].id), 1_000).await.unwrap();
    assert_eq!(stored.iter().map(|e| e.event.clone()).collect::<Vec<_>>(), many);
    assert!(stored.windows(2).all(|w| w[0].id < w[1].id));
}

/// A history entry whose (family, seq) is taken fails the chunk with `Conflict` and writes
/// none of it: not the other families' assessments, history or events. So does a result of a
/// methodology not installed.
pub async fn a_history_conflict_rolls_back_the_whole_chunk(store: &dyn Store) {
    let _ = assessable(store).await;
    store.write_assessments(results(&[(F_SERIKBAYEV, 1, JAN, Level::C)], vec![])).await.unwrap();
    let before_events = store.level_events(None, 100).await.unwrap();
    let (a1, h1) = result(F_SERIKBAYEV, 1, JAN, Level::C);
    // Family 1 again with seq 1, after two new families.
    let bad = results(
        &[
            (F_PETROV, 1, FEB, Level::B),
            (F_KIM, 1, FEB, Level::E),
            (F_SERIKBAYEV, 1, FEB, Level::E),
        ],
        vec![event(F_KIM, Level::E, None, FEB)],
    );
    let err = store.write_assessments(bad).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "a taken (family, seq): {err:?}");
    assert_eq!(store.assessment(F_PETROV).await.unwrap(), None);
    assert_eq!(store.assessment(F_KIM).await.unwrap(), None);
    assert_eq!(store.assessment(F_SERIKBAYEV).await.unwrap(), Some(a1));
    assert!(store.level_history(F_KIM).await.unwrap().is_empty());
    assert_eq!(store.level_history(F_SERIKBAYEV).await.unwrap(), vec![h1]);
    assert_eq!(store.level_events(None, 100).await.unwrap(), before_events);

    // Many history rows (more than any group a backend writes at once), the conflict last.
    let many: Vec<(FamilyId, i64, Date, Level)> = (0..150)
        .map(|i| (sample_family(i), 2 + i as i64 / 6, FEB, Level::B))
        .chain([(F_SERIKBAYEV, 1, FEB, Level::A)])
        .collect();
    let chunk = AssessmentChunk {
        assessments: (0..6).map(|i| result(sample_family(i), 30, FEB, Level::B).0).collect(),
        history: history_only(&many).history,
        events: vec![],
    };
    let err = store.write_assessments(chunk).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(store.assessment(F_PETROV).await.unwrap(), None);
    assert_eq!(store.level_history(F_SERIKBAYEV).await.unwrap().len(), 1);

    let mut unknown = results(&[(F_PETROV, 1, FEB, Level::B)], vec![]);
    unknown.assessments[0].methodology = "not-installed".into();
    unknown.history[0].methodology = "not-installed".into();
    let err = store.write_assessments(unknown).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "an unknown methodology: {err:?}");
    assert_eq!(store.assessment(F_PETROV).await.unwrap(), None);

    // The store stays usable.
    store.write_assessments(results(&[(F_PETROV, 1, FEB, Level::B)], vec![])).await.unwrap();
    assert_eq!(store.level_history(F_PETROV).await.unwrap().len(), 1);
}

/// One of the six sample families, round robin.
fn sample_family(i: usize) -> FamilyId {
    FamilyId(1 + (i % 6) as i64)
}

/// A complete batch that changed families waits for its assessment; a running batch, one that
/// changed nothing and one already marked do not. Marking twice is no error.
pub async fn change_batches_wait_until_marked_assessed(store: &dyn Store) {
    let _ = assessable(store).await;
    assert!(store.unassessed_change_batches().await.unwrap().is_empty());
    let feb = date!(2026 - 02 - 01);
    let a = feed(store, "a", vec![wage(P_ARMAN, F_SERIKBAYEV, feb, 300_000)], true).await;
    let b = feed(store, "b", vec![wage(P_AIGUL, F_SERIKBAYEV, feb, 130_000)], false).await;
    let _nothing = feed(store, "c", vec![], true).await;
    let repeat = feed(store, "d", vec![wage(P_ARMAN, F_SERIKBAYEV, feb, 300_000)], true).await;
    assert!(store.changed_families(repeat).await.unwrap().is_empty(), "a file of duplicates");
    assert_eq!(store.unassessed_change_batches().await.unwrap(), vec![a]);
    store.complete_feed_batch(b, 1, AT).await.unwrap();
    assert_eq!(store.unassessed_change_batches().await.unwrap(), vec![a, b]);
    store.mark_changes_assessed(&[b], AT).await.unwrap();
    assert_eq!(store.unassessed_change_batches().await.unwrap(), vec![a]);
    store.mark_changes_assessed(&[a, b], AT).await.unwrap();
    assert!(store.unassessed_change_batches().await.unwrap().is_empty());
    store.mark_changes_assessed(&[], AT).await.unwrap();
    store.mark_changes_assessed(&[a], AT).await.unwrap();
    assert!(store.unassessed_change_batches().await.unwrap().is_empty());
}

/// Assessed families of a subtree, counted by (ancestor at the depth, level); a family above
/// the depth counts at its own code, a family without an assessment not at all.
pub async fn level_counts_group_by_ancestor_and_level(store: &dyn Store) {
    let _ = assessable(store).await;
    assert!(store.level_counts(kato(AKMOLA), KatoLevel::Region).await.unwrap().is_empty());
    // Family 5 (Radovka) stays unassessed; family 6 lives at the Akkol district's own code.
    let levels = [
        (F_SERIKBAYEV, Level::C),
        (F_ERLAN, Level::D),
        (F_PETROV, Level::C),
        (F_AKHMETOV, Level::A),
        (F_OMAROVA, Level::E),
    ];
    let items: Vec<_> = levels.iter().map(|&(f, l)| (f, 1, JAN, l)).collect();
    store.write_assessments(results(&items, vec![])).await.unwrap();
    let count = |code: u32, level: Level, families: u64| LevelCount {
        territory: kato(code),
        level,
        families,
    };
    let cases = [
        (
            AKMOLA,
            KatoLevel::Region,
            vec![
                count(AKMOLA, Level::C, 2),
                count(AKMOLA, Level::D, 1),
                count(AKMOLA, Level::E, 1),
            ],
        ),
        (
            AKMOLA,
            KatoLevel::District,
            vec![
                count(KOKSHETAU_GA, Level::C, 1),
                count(AKKOL_DISTRICT, Level::C, 1),
                count(AKKOL_DISTRICT, Level::D, 1),
                count(AKKOL_DISTRICT, Level::E, 1),
            ],
        ),
        (
            AKKOL_DISTRICT,
            KatoLevel::Okrug,
            vec![
                count(AKKOL_DISTRICT, Level::E, 1),
                count(AKKOL_OKRUG, Level::C, 1),
                count(AZAT_OKRUG, Level::D, 1),
            ],
        ),
        (
            AKKOL_DISTRICT,
            KatoLevel::Settlement,
            vec![
                count(AKKOL_DISTRICT, Level::E, 1),
                count(AKKOL_TOWN, Level::C, 1),
                count(AZAT, Level::D, 1),
            ],
        ),
        (ASTANA, KatoLevel::Region, vec![count(ASTANA, Level::A, 1)]),
        (ASTANA, KatoLevel::Okrug, vec![count(ASTANA_ALMATY_DISTRICT, Level::A, 1)]),
        (ABAI, KatoLevel::Region, vec![]),
    ];
    for (root, depth, expected) in cases {
        assert_eq!(
            store.level_counts(kato(root), depth).await.unwrap(),
            expected,
            "{root} by {depth:?}"
        );
    }
    // A second assessment replaces the first: counted once, at its new level.
    store
        .write_assessments(AssessmentChunk {
            assessments: vec![result(F_SERIKBAYEV, 2, FEB, Level::D).0],
            ..AssessmentChunk::default()
        })
        .await
        .unwrap();
    assert_eq!(
        store.level_counts(kato(AKKOL_OKRUG), KatoLevel::Okrug).await.unwrap(),
        vec![count(AKKOL_OKRUG, Level::D, 1)]
    );
}

/// Each family's level on two days is that of its latest history entry (greatest seq) made on
/// or before the day; families with none by the second day are left out, `None` on the first
/// day counts first.
pub async fn level_movements_compare_two_days(store: &dyn Store) {
    let _ = assessable(store).await;
    let (from, to) = (date!(2026 - 02 - 01), date!(2026 - 02 - 28));
    assert!(store.level_movements(kato(AKMOLA), from, to).await.unwrap().is_empty());
    let history = [
        // C before the first day, D by the second.
        (F_SERIKBAYEV, 1, JAN, Level::C),
        (F_SERIKBAYEV, 2, FEB, Level::D),
        // Not assessed on the first day.
        (F_ERLAN, 1, date!(2026 - 02 - 15), Level::B),
        // Not assessed by the second day.
        (F_PETROV, 1, MAR, Level::A),
        // Outside Akmola.
        (F_AKHMETOV, 1, JAN, Level::A),
        (F_KIM, 1, JAN, Level::C),
        // Two entries before the first day: the later counts.
        (F_OMAROVA, 1, date!(2026 - 01 - 05), Level::E),
        (F_OMAROVA, 2, date!(2026 - 01 - 20), Level::C),
        (F_OMAROVA, 3, date!(2026 - 03 - 01), Level::D),
    ];
    store.write_assessments(history_only(&history)).await.unwrap();
    let movement = |from: Option<Level>, to: Level, families: u64| Movement { from, to, families };
    assert_eq!(
        store.level_movements(kato(AKMOLA), from, to).await.unwrap(),
        vec![
            movement(None, Level::B, 1),
            movement(Some(Level::C), Level::C, 2),
            movement(Some(Level::C), Level::D, 1),
        ]
    );
    assert_eq!(
        store.level_movements(kato(AKKOL_OKRUG), from, to).await.unwrap(),
        vec![movement(Some(Level::C), Level::C, 1), movement(Some(Level::C), Level::D, 1)]
    );
    assert_eq!(
        store.level_movements(kato(ASTANA), from, to).await.unwrap(),
        vec![movement(Some(Level::A), Level::A, 1)]
    );
    // The day of an entry counts as assessed.
    assert_eq!(
        store.level_movements(kato(KOKSHETAU_GA), date!(2026 - 03 - 09), MAR).await.unwrap(),
        vec![movement(None, Level::A, 1)]
    );
    assert_eq!(
        store.level_movements(kato(AKKOL_DISTRICT), FEB, MAR).await.unwrap(),
        vec![
            movement(None, Level::B, 1),
            movement(Some(Level::C), Level::C, 1),
            movement(Some(Level::C), Level::D, 1),
            movement(Some(Level::D), Level::D, 1),
        ],
        "family 1's entry of the first day counts on it"
    );
}

/// Medians are `None` for a day without them, come back by region, and storing a day again
/// replaces that day only.
pub async fn region_medians_are_kept_per_day(store: &dyn Store) {
    migrated(store).await;
    let q1 = date!(2026 - 03 - 31);
    let q2 = date!(2026 - 06 - 30);
    assert_eq!(store.region_medians(q1).await.unwrap(), None);
    let astana = RegionMedian { region: kato(ASTANA), median: Tenge(212_000), families: 310_000 };
    let akmola = RegionMedian { region: kato(AKMOLA), median: Tenge(151_500), families: 240_100 };
    store.store_region_medians(q1, &[astana, akmola]).await.unwrap();
    assert_eq!(store.region_medians(q1).await.unwrap(), Some(vec![akmola, astana]));
    assert_eq!(store.region_medians(q2).await.unwrap(), None);
    let later = RegionMedian { median: Tenge(155_000), families: 241_000, ..akmola };
    store.store_region_medians(q2, &[later]).await.unwrap();
    store.store_region_medians(q1, &[RegionMedian { median: Tenge(1), ..astana }]).await.unwrap();
    assert_eq!(
        store.region_medians(q1).await.unwrap(),
        Some(vec![RegionMedian { median: Tenge(1), ..astana }])
    );
    assert_eq!(store.region_medians(q2).await.unwrap(), Some(vec![later]));
}
