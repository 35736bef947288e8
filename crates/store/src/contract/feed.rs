//! The contract of [`crate::FeedStore`]: feed batches started, written chunk by chunk,
//! completed or failed; duplicates and corrections; persons resolved to their family; batches,
//! report lines, pending rows and the change feed read back. Chunks are built by hand on top of
//! the sample population.

use shanyraq_domain::{
    BatchId, FamilyId, ImportBatch, IndicatorKey, Membership, Observation, ObservationValue,
    PersonId, Role, Sex, Source, Tenge,
};
use time::macros::{date, datetime};
use time::{Date, Duration, OffsetDateTime};

use super::fixtures::*;
use super::{loaded, migrated};
use crate::error::StoreError;
use crate::feed::{
    BatchCounts, BatchPageRequest, BatchRecord, BatchStatus, ChunkCounts, ChunkOutcome, FeedChunk,
    FeedFact, FeedRow, ImportIssue, IssueCursor, IssueVerdict, NewFeedBatch, PendingFact,
    PendingReason, PendingRow, RepeatNote, ResolvedPerson,
};
use crate::port::Store;
use crate::records::{PopulationChunk, StoredObservation};

/// When the fixture imports start; chunks are written a minute apart after it.
const STARTED: OffsetDateTime = datetime!(2026-03-02 10:00:00 UTC);
/// The day the feed facts were observed: after every fact of the sample.
const OBSERVED: Date = date!(2026 - 03 - 01);
const FEB: Date = date!(2026 - 02 - 01);
const MAR: Date = date!(2026 - 03 - 01);
const P_DANIYAR: PersonId = PersonId(8);
const P_KIM: PersonId = PersonId(10);

fn new_batch(fingerprint: &str, label: &str) -> NewFeedBatch {
    NewFeedBatch {
        feed: "income".into(),
        source: Source::Tax,
        label: label.into(),
        fingerprint: fingerprint.into(),
        started_at: STARTED,
    }
}

fn first_day_of_next_month(d: Date) -> Date {
    let (year, month) = match d.month() {
        time::Month::December => (d.year() + 1, time::Month::January),
        m => (d.year(), m.next()),
    };
    Date::from_calendar_date(year, month, 1).unwrap()
}

/// A monthly wage of `person` in `family`, keyed like the income feed keys it.
pub(super) fn wage(person: PersonId, family: FamilyId, month: Date, amount: i64) -> FeedFact {
    let indicator = IndicatorKey::named("income.wage").unwrap();
    FeedFact {
        natural_key: format!("income|p{}|income.wage|{month}|wage", person.0),
        observation: Observation {
            family,
            person: Some(person),
            indicator,
            value: ObservationValue::Money(Tenge(amount)),
            source: Source::Tax,
            observed_at: OBSERVED,
            valid_from: month,
            valid_until: Some(first_day_of_next_month(month)),
            // Set by `chunk`.
            batch: BatchId(0),
        },
    }
}

/// A household fact with a code value and no person.
fn tenure(family: FamilyId, code: &str) -> FeedFact {
    let indicator = IndicatorKey::named("housing.tenure").unwrap();
    FeedFact {
        natural_key: format!("property|f{}|housing.tenure", family.0),
        observation: Observation {
            family,
            person: None,
            indicator,
            value: ObservationValue::Code(code.into()),
            source: Source::Property,
            observed_at: OBSERVED,
            valid_from: FEB,
            valid_until: None,
            batch: BatchId(0),
        },
    }
}

fn row(line: u64, facts: Vec<FeedFact>) -> FeedRow {
    FeedRow { line, facts, issues_before: 0 }
}

fn repeat_note() -> RepeatNote {
    RepeatNote {
        column: "period, code".into(),
        code: "row.duplicate".into(),
        args: vec![("columns".into(), "period, code".into())],
    }
}

fn issue(line: u64, seq: u32, verdict: IssueVerdict, code: &str) -> ImportIssue {
    ImportIssue {
        line,
        seq,
        verdict,
        column: "amount".into(),
        value_masked: "12*4".into(),
        code: code.into(),
        args: vec![("column".into(), "Сумма".into()), ("expected".into(), "money".into())],
    }
}

fn pending(line: u64, reason: PendingReason, iin: Option<String>) -> PendingRow {
    PendingRow {
        line,
        reason,
        iin,
        last_name: Some("Сейітова".into()),
        first_name: Some("Әсел".into()),
        birth_date: Some(date!(1979 - 04 - 23)),
        kato: Some(kato(AKKOL_TOWN)),
        facts: vec![
            PendingFact {
                indicator: "income.wage".into(),
                value_num: Some(175_000),
                value_text: None,
                valid_from: FEB,
                valid_until: Some(MAR),
                key: "income|income.wage|2026-02-01|wage".into(),
            },
            PendingFact {
                indicator: "employment.status".into(),
                value_num: None,
                value_text: Some("employed".into()),
                valid_from: FEB,
                valid_until: None,
                key: "income|employment.status|2026-02-01".into(),
            },
        ],
    }
}

/// A chunk of `batch` resuming at `rows_before`, whose rows read are its valid, pending and
/// `rejected` rows; the facts are made the batch's; warnings are counted from the issues.
fn chunk(
    batch: BatchId,
    rows_before: i64,
    mut rows: Vec<FeedRow>,
    pending: Vec<PendingRow>,
    issues: Vec<ImportIssue>,
    rejected: i64,
) -> FeedChunk {
    for fact in rows.iter_mut().flat_map(|r| r.facts.iter_mut()) {
        fact.observation.batch = batch;
    }
    let read = i64::try_from(rows.len() + pending.len()).unwrap() + rejected;
    let warnings = issues.iter().filter(|i| i.verdict == IssueVerdict::Warning).count();
    FeedChunk {
        batch,
        rows_before,
        counts: ChunkCounts {
            rows_read: read,
            rejected,
            warnings: i64::try_from(warnings).unwrap(),
        },
        rows,
        pending,
        issues,
        repeat_note: repeat_note(),
        written_at: STARTED + Duration::minutes(rows_before + 1),
    }
}

/// A chunk of valid rows only.
fn rows_only(batch: BatchId, rows_before: i64, rows: Vec<FeedRow>) -> FeedChunk {
    chunk(batch, rows_before, rows, vec![], vec![], 0)
}

/// The current fact the family card shows for (indicator, person), if any.
async fn on_card(
    store: &dyn Store,
    family: FamilyId,
    indicator: &str,
    person: Option<PersonId>,
) -> Option<StoredObservation> {
    store
        .family(family)
        .await
        .unwrap()
        .unwrap()
        .latest_observations
        .into_iter()
        .find(|s| s.observation.indicator.as_str() == indicator && s.observation.person == person)
}

/// The wage the card shows for `person` in `family`: (amount, batch, line).
async fn wage_on_card(
    store: &dyn Store,
    family: FamilyId,
    person: PersonId,
) -> Option<(i64, BatchId, Option<u64>)> {
    on_card(store, family, "income.wage", Some(person)).await.map(|s| {
        let ObservationValue::Money(Tenge(amount)) = s.observation.value else {
            panic!("a wage is money: {:?}", s.observation.value)
        };
        (amount, s.observation.batch, s.line)
    })
}

fn iin_of(sample: &PopulationChunk, id: PersonId) -> shanyraq_domain::Iin {
    sample.persons.iter().find(|p| p.id == id).unwrap().iin.unwrap()
}

/// Every counter of a batch, as a tuple for short assertions: (read, accepted, duplicates,
/// pending, rejected, superseded, warnings).
fn counts(r: &BatchRecord) -> (i64, i64, i64, i64, i64, i64, i64) {
    let c = r.counts;
    (c.rows_read, c.accepted, c.duplicates, c.pending, c.rejected, c.superseded, c.warnings)
}

fn assert_no_personal_data(err: &StoreError, values: &[&str]) {
    let message = format!("{err} {err:?}");
    for v in values {
        assert!(!message.contains(v), "personal data ({v}) in the message: {message}");
    }
}

// ---------------------------------------------------------------------------------------------

/// A feed batch gets the next id (after batches of any kind), starts running with zero counts
/// and its header report, and is found by feed and fingerprint; the same file of the same feed
/// cannot start twice while its batch is running or complete.
pub async fn feed_batches_start_running_with_their_header_report(store: &dyn Store) {
    migrated(store).await;
    let header = vec![
        issue(1, 0, IssueVerdict::Warning, "header.unknown_column"),
        ImportIssue {
            args: vec![],
            column: String::new(),
            ..issue(1, 1, IssueVerdict::Warning, "x")
        },
    ];
    let new = new_batch("aa01", "tax-2026-02.csv");
    let first = store.start_feed_batch(&new, &header).await.unwrap();
    let expected = BatchRecord {
        batch: ImportBatch {
            id: BatchId(1),
            feed: "income".into(),
            label: "tax-2026-02.csv".into(),
            started_at: STARTED,
            finished_at: None,
            rows_accepted: 0,
            rows_rejected: 0,
        },
        source: Some(Source::Tax),
        fingerprint: Some("aa01".into()),
        status: BatchStatus::Running,
        counts: BatchCounts::default(),
        updated_at: STARTED,
        error_code: None,
    };
    assert_eq!(first, expected, "the first batch of an empty database");
    assert_eq!(store.batch_record(BatchId(1)).await.unwrap(), Some(expected.clone()));
    assert_eq!(store.batch(BatchId(1)).await.unwrap(), Some(expected.batch.clone()));
    assert_eq!(store.feed_batch_by_fingerprint("income", "aa01").await.unwrap(), Some(expected));
    assert_eq!(store.feed_batch_by_fingerprint("income", "bb02").await.unwrap(), None);
    assert_eq!(store.feed_batch_by_fingerprint("health", "aa01").await.unwrap(), None);
    assert_eq!(store.batch_issues(BatchId(1), None, 100).await.unwrap(), header);

    let err = store.start_feed_batch(&new, &[]).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "the same file while running: {err:?}");
    assert_eq!(store.batch_issues(BatchId(1), None, 100).await.unwrap(), header);

    // Ids follow the greatest id of any kind of batch.
    let generator = ImportBatch { id: BatchId(7), ..batches()[1].clone() };
    store.create_batch(&generator).await.unwrap();
    let other_feed = NewFeedBatch { feed: "health".into(), source: Source::Health, ..new.clone() };
    let second = store.start_feed_batch(&other_feed, &[]).await.unwrap();
    assert_eq!(second.batch.id, BatchId(8), "the same file for another feed is another batch");
    assert_eq!((second.batch.feed.as_str(), second.source), ("health", Some(Source::Health)));
    assert!(store.batch_issues(BatchId(8), None, 100).await.unwrap().is_empty());

    store.complete_feed_batch(BatchId(1), 0, STARTED).await.unwrap();
    let err = store.start_feed_batch(&new, &[]).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "the same file once complete: {err:?}");
    assert_eq!(store.stats().await.unwrap().batches, 3);
}

/// A chunk stores the facts of its valid rows (with their line), its pending rows and its
/// report lines, records the families it changed, and adds its counts to the batch.
pub async fn a_chunk_stores_facts_pending_rows_and_report_lines(store: &dyn Store) {
    let sample = loaded(store).await;
    let before = store.stats().await.unwrap();
    let id = store.start_feed_batch(&new_batch("c0ffee", "tax.csv"), &[]).await.unwrap().batch.id;
    assert_eq!(id, BatchId(3));
    let stranger = iin_for(date!(1979 - 04 - 23), Sex::Female, 7000).to_string();
    let rows = vec![
        row(2, vec![wage(P_ARMAN, F_SERIKBAYEV, FEB, 300_000)]),
        row(3, vec![wage(P_AIGUL, F_SERIKBAYEV, FEB, 130_000)]),
        row(6, vec![wage(P_DANIYAR, F_AKHMETOV, FEB, 415_000)]),
        row(8, vec![wage(P_ERLAN, F_ERLAN, FEB, 215_000), wage(P_ERLAN, F_ERLAN, MAR, 216_000)]),
    ];
    // Given out of order: they come back in line order.
    let pending_rows = vec![
        PendingRow {
            last_name: None,
            first_name: None,
            birth_date: None,
            kato: None,
            ..pending(9, PendingReason::NoIin, None)
        },
        pending(5, PendingReason::UnknownPerson, Some(stranger.clone())),
        pending(7, PendingReason::NoFamily, Some(iin_of(&sample, P_IVAN).to_string())),
    ];
    let issues = vec![
        issue(6, 0, IssueVerdict::Warning, "value.iin_birth_date_mismatch"),
        issue(4, 1, IssueVerdict::Rejected, "value.not_money"),
        issue(4, 0, IssueVerdict::Rejected, "value.missing"),
        issue(10, 0, IssueVerdict::RecordError, "record.field_count"),
        issue(5, 0, IssueVerdict::NeedsMatching, "person.unknown_iin"),
    ];
    let c = chunk(id, 0, rows, pending_rows.clone(), issues.clone(), 2);
    assert_eq!(c.counts, ChunkCounts { rows_read: 9, rejected: 2, warnings: 1 });
    let outcome = store.write_feed_chunk(c.clone()).await.unwrap();
    assert_eq!(
        outcome,
        ChunkOutcome { accepted: 4, duplicates: 0, superseded: 0, repeats: 0, facts_stored: 5 }
    );

    let record = store.batch_record(id).await.unwrap().unwrap();
    assert_eq!(counts(&record), (9, 4, 0, 3, 2, 0, 1));
    assert_eq!((record.batch.rows_accepted, record.batch.rows_rejected), (4, 2));
    assert_eq!(record.status, BatchStatus::Running);
    assert_eq!(record.updated_at, c.written_at);
    assert_eq!((record.batch.started_at, record.batch.finished_at), (STARTED, None));

    assert_eq!(store.changed_families(id).await.unwrap(), vec![F_SERIKBAYEV, F_ERLAN, F_AKHMETOV]);
    let mut expected_pending = pending_rows;
    expected_pending.sort_by_key(|p| p.line);
    assert_eq!(store.pending_rows(id).await.unwrap(), expected_pending);
    let mut expected_issues = issues;
    expected_issues.sort_by_key(|i| (i.line, i.seq));
    assert_eq!(store.batch_issues(id, None, 100).await.unwrap(), expected_issues);

    assert_eq!(store.stats().await.unwrap().observations, before.observations + 5);
    assert_eq!(wage_on_card(store, F_SERIKBAYEV, P_ARMAN).await, Some((300_000, id, Some(2))));
    assert_eq!(wage_on_card(store, F_SERIKBAYEV, P_AIGUL).await, Some((130_000, id, Some(3))));
    assert_eq!(wage_on_card(store, F_AKHMETOV, P_DANIYAR).await, Some((415_000, id, Some(6))));
    let latest = on_card(store, F_ERLAN, "income.wage", Some(P_ERLAN)).await.unwrap();
    assert_eq!(latest.observation.valid_from, MAR, "the later of two facts on one day");
    assert_eq!(latest.line, Some(8));
    let mut written = wage(P_ERLAN, F_ERLAN, MAR, 216_000).observation;
    written.batch = id;
    assert_eq!(latest.observation, written, "a feed fact reads back as written");
    let generated = on_card(store, F_SERIKBAYEV, "housing.rooms", None).await.unwrap();
    assert_eq!(generated.line, None, "a fact not loaded from a file has no line");

    // Batches other than this one are untouched.
    assert!(store.changed_families(BATCH_UPDATE).await.unwrap().is_empty());
    assert!(store.pending_rows(BatchId(99)).await.unwrap().is_empty());
    assert!(store.batch_issues(BatchId(99), None, 100).await.unwrap().is_empty());
}

/// A fact whose key is stored with the same family, person, value and validity is a duplicate;
/// with anything else it supersedes the stored fact, which stays as history and leaves the
/// family card. Facts written earlier in the same chunk count as stored.
pub async fn repeated_facts_are_duplicates_and_changed_ones_supersede(store: &dyn Store) {
    loaded(store).await;
    let observations = store.stats().await.unwrap().observations;
    let a = store.start_feed_batch(&new_batch("a", "january.csv"), &[]).await.unwrap().batch.id;
    let first = rows_only(
        a,
        0,
        vec![
            row(2, vec![wage(P_ARMAN, F_SERIKBAYEV, FEB, 300_000)]),
            row(3, vec![wage(P_AIGUL, F_SERIKBAYEV, FEB, 130_000)]),
            row(4, vec![wage(P_DANIYAR, F_AKHMETOV, FEB, 410_000), tenure(F_AKHMETOV, "own")]),
            row(5, vec![tenure(F_ERLAN, "own")]),
        ],
    );
    store.write_feed_chunk(first).await.unwrap();
    store.complete_feed_batch(a, 4, STARTED).await.unwrap();

    // Observed earlier than the facts they correct: the card still shows the corrections.
    let earlier = |mut f: FeedFact| {
        f.observation.observed_at = date!(2026 - 02 - 20);
        f
    };
    let b = store.start_feed_batch(&new_batch("b", "february.csv"), &[]).await.unwrap().batch.id;
    let second = rows_only(
        b,
        0,
        vec![
            row(2, vec![wage(P_ARMAN, F_SERIKBAYEV, FEB, 300_000)]),
            row(3, vec![earlier(wage(P_AIGUL, F_SERIKBAYEV, FEB, 135_000))]),
            row(4, vec![wage(P_DANIYAR, F_AKHMETOV, FEB, 410_000), tenure(F_AKHMETOV, "own")]),
            row(5, vec![wage(P_DANIYAR, F_AKHMETOV, MAR, 420_000), tenure(F_AKHMETOV, "own")]),
            row(6, vec![]),
            row(7, vec![earlier(tenure(F_ERLAN, "rent"))]),
        ],
    );
    let outcome = store.write_feed_chunk(second.clone()).await.unwrap();
    assert_eq!(
        outcome,
        ChunkOutcome { accepted: 4, duplicates: 2, superseded: 2, repeats: 0, facts_stored: 3 },
        "rows 3 and 7 correct, 5 adds, 6 has no fact, 2 and 4 repeat facts of batch a"
    );
    let record = store.batch_record(b).await.unwrap().unwrap();
    assert_eq!(counts(&record), (6, 4, 2, 0, 0, 2, 0));
    assert_eq!(store.changed_families(b).await.unwrap(), vec![F_SERIKBAYEV, F_ERLAN, F_AKHMETOV]);
    assert_eq!(store.stats().await.unwrap().observations, observations + 5 + 3);
    assert_eq!(wage_on_card(store, F_SERIKBAYEV, P_ARMAN).await, Some((300_000, a, Some(2))));
    assert_eq!(wage_on_card(store, F_SERIKBAYEV, P_AIGUL).await, Some((135_000, b, Some(3))));
    assert_eq!(wage_on_card(store, F_AKHMETOV, P_DANIYAR).await, Some((420_000, b, Some(5))));
    let own = on_card(store, F_AKHMETOV, "housing.tenure", None).await.unwrap();
    assert_eq!((own.observation.batch, own.line), (a, Some(4)));
    let rent = on_card(store, F_ERLAN, "housing.tenure", None).await.unwrap();
    assert_eq!(rent.observation.value, ObservationValue::Code("rent".into()));
    assert_eq!((rent.observation.batch, rent.line), (b, Some(7)));

    // Within one chunk: a repeat of an earlier row is a duplicate, a change supersedes it;
    // another family, person or validity is a change too.
    let c = store.start_feed_batch(&new_batch("c", "march.csv"), &[]).await.unwrap().batch.id;
    let mut other_person = wage(P_KIM, F_KIM, FEB, 110_000);
    other_person.observation.person = Some(PersonId(11));
    let mut open_ended = wage(P_KIM, F_OMAROVA, FEB, 110_000);
    open_ended.observation.valid_until = None;
    let third = rows_only(
        c,
        0,
        vec![
            row(2, vec![wage(P_KIM, F_KIM, FEB, 100_000)]),
            row(3, vec![wage(P_KIM, F_KIM, FEB, 100_000)]),
            row(4, vec![wage(P_KIM, F_KIM, FEB, 110_000)]),
            row(5, vec![wage(P_KIM, F_KIM, FEB, 110_000)]),
            row(6, vec![other_person]),
            row(7, vec![wage(P_KIM, F_KIM, FEB, 110_000)]),
            row(8, vec![wage(P_KIM, F_OMAROVA, FEB, 110_000)]),
            row(9, vec![open_ended.clone()]),
            row(10, vec![open_ended]),
        ],
    );
    let outcome = store.write_feed_chunk(third).await.unwrap();
    assert_eq!(
        outcome,
        ChunkOutcome { accepted: 6, duplicates: 3, superseded: 5, repeats: 8, facts_stored: 6 },
        "rows 3, 5 and 10 repeat; 4, 6, 7, 8 and 9 correct the row before them"
    );
    assert_eq!(store.changed_families(c).await.unwrap(), vec![F_KIM, F_OMAROVA]);
    assert_eq!(wage_on_card(store, F_KIM, P_KIM).await, None, "Kim's wage moved to family 6");
    let moved = on_card(store, F_OMAROVA, "income.wage", Some(P_KIM)).await.unwrap();
    assert_eq!((moved.observation.valid_until, moved.line), (None, Some(9)));
    assert_eq!(store.stats().await.unwrap().observations, observations + 5 + 3 + 6);

    // The same rows again (another file) store nothing.
    let d = store.start_feed_batch(&new_batch("d", "february (2).csv"), &[]).await.unwrap();
    let mut again = FeedChunk { batch: d.batch.id, ..second };
    for fact in again.rows.iter_mut().flat_map(|r| r.facts.iter_mut()) {
        fact.observation.batch = d.batch.id;
    }
    let outcome = store.write_feed_chunk(again).await.unwrap();
    assert_eq!(
        outcome,
        ChunkOutcome { accepted: 1, duplicates: 5, superseded: 0, repeats: 0, facts_stored: 0 },
        "only the row without facts counts as accepted"
    );
    assert!(store.changed_families(d.batch.id).await.unwrap().is_empty());
    assert_eq!(store.stats().await.unwrap().observations, observations + 5 + 3 + 6);
}

/// A row with the key of a fact its own batch stored, in the same chunk or an earlier one, gets
/// the chunk's repeat note after its other report lines, counted as a warning; a fact another
/// batch stored makes no note.
pub async fn rows_repeating_their_batch_get_its_repeat_note(store: &dyn Store) {
    loaded(store).await;
    let a = store.start_feed_batch(&new_batch("a", "january.csv"), &[]).await.unwrap().batch.id;
    let first = rows_only(a, 0, vec![row(2, vec![wage(P_AIGUL, F_SERIKBAYEV, FEB, 130_000)])]);
    store.write_feed_chunk(first).await.unwrap();
    store.complete_feed_batch(a, 1, STARTED).await.unwrap();

    let b = store.start_feed_batch(&new_batch("b", "february.csv"), &[]).await.unwrap().batch.id;
    let warned =
        FeedRow { issues_before: 1, ..row(3, vec![wage(P_ARMAN, F_SERIKBAYEV, FEB, 300_000)]) };
    let one = chunk(
        b,
        0,
        vec![
            row(2, vec![wage(P_ARMAN, F_SERIKBAYEV, FEB, 300_000)]),
            warned,
            row(4, vec![wage(P_AIGUL, F_SERIKBAYEV, FEB, 130_000)]),
        ],
        vec![],
        vec![issue(3, 0, IssueVerdict::Warning, "money.rounded")],
        0,
    );
    let outcome = store.write_feed_chunk(one).await.unwrap();
    assert_eq!(
        outcome,
        ChunkOutcome { accepted: 1, duplicates: 2, superseded: 0, repeats: 1, facts_stored: 1 },
        "row 3 repeats row 2; row 4 repeats a fact of batch a, not of this file"
    );
    let two = rows_only(
        b,
        3,
        vec![
            row(5, vec![wage(P_ARMAN, F_SERIKBAYEV, FEB, 310_000)]),
            row(6, vec![wage(P_DANIYAR, F_AKHMETOV, FEB, 410_000)]),
        ],
    );
    let outcome = store.write_feed_chunk(two).await.unwrap();
    assert_eq!(
        outcome,
        ChunkOutcome { accepted: 2, duplicates: 0, superseded: 1, repeats: 1, facts_stored: 2 },
        "row 5 corrects row 2, written by the chunk before"
    );
    let record = store.batch_record(b).await.unwrap().unwrap();
    assert_eq!(counts(&record), (5, 3, 2, 0, 0, 1, 3));
    let lines: Vec<(u64, u32, IssueVerdict, String)> = store
        .batch_issues(b, None, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|i| (i.line, i.seq, i.verdict, i.code))
        .collect();
    let warning = IssueVerdict::Warning;
    assert_eq!(
        lines,
        [
            (3, 0, warning, "money.rounded".to_owned()),
            (3, 1, warning, "row.duplicate".to_owned()),
            (5, 0, warning, "row.duplicate".to_owned()),
        ]
    );
    let note = &store.batch_issues(b, None, 100).await.unwrap()[1];
    assert_eq!((note.column.as_str(), &note.args), ("period, code", &repeat_note().args));
}

/// A chunk of hundreds of rows (which a store may write in groups) decides every row as chunks of
/// ten rows each would: new facts, facts an earlier batch stored (the same or changed), and rows
/// repeating earlier rows of the file, in the same group of rows or an earlier one.
pub async fn a_large_chunk_decides_as_small_chunks_would(store: &dyn Store) {
    loaded(store).await;
    let before = store.stats().await.unwrap().observations;
    let people = [
        (P_ARMAN, F_SERIKBAYEV),
        (P_AIGUL, F_SERIKBAYEV),
        (P_DANIYAR, F_AKHMETOV),
        (P_ERLAN, F_ERLAN),
    ];
    // Fact `k` of the plan: a person's wage for a month, under `prefix`, so that the two
    // batches compared below never share a key.
    let fact = |prefix: &str, k: usize, amount: i64| {
        let (person, family) = people[k % people.len()];
        let month = time::Month::try_from(((k / 4) % 12 + 1) as u8).unwrap();
        let first_day = Date::from_calendar_date(2015 + (k / 48) as i32, month, 1).unwrap();
        let mut f = wage(person, family, first_day, amount);
        f.natural_key = format!("{prefix}|{}", f.natural_key);
        f
    };
    // (key, amount) of each row: 600 new keys; ten that repeat rows far earlier in the file;
    // ten that change them; five that repeat those changes; 15 new keys again. The last 64
    // rows mix all of these.
    let mut plan: Vec<(usize, i64)> = (0..600).map(|k| (k, 1_000 + k as i64)).collect();
    plan.extend((130..140).map(|k| (k, 1_000 + k as i64)));
    plan.extend((140..150).map(|k| (k, 2_000 + k as i64)));
    plan.extend((145..150).map(|k| (k, 2_000 + k as i64)));
    plan.extend((600..615).map(|k| (k, 1_000 + k as i64)));
    assert_eq!(plan.len(), 640);
    // Stored by an earlier batch: keys 10–19 as the plan has them, 20–29 with other amounts.
    let earlier = |prefix: &str| -> Vec<FeedFact> {
        (10..30).map(|k| fact(prefix, k, if k < 20 { 1_000 + k as i64 } else { 7 })).collect()
    };

    let mut outcomes = Vec::new();
    let mut issues = Vec::new();
    for (n, prefix) in ["big", "small"].into_iter().enumerate() {
        let old = new_batch(&format!("{prefix}0"), "old.csv");
        let first = store.start_feed_batch(&old, &[]).await.unwrap().batch.id;
        let rows: Vec<FeedRow> = earlier(prefix)
            .into_iter()
            .enumerate()
            .map(|(i, f)| row(i as u64 + 2, vec![f]))
            .collect();
        store.write_feed_chunk(rows_only(first, 0, rows)).await.unwrap();
        store.complete_feed_batch(first, 20, STARTED).await.unwrap();

        let id = store.start_feed_batch(&new_batch(prefix, "new.csv"), &[]).await.unwrap();
        let id = id.batch.id;
        let rows: Vec<FeedRow> = plan
            .iter()
            .enumerate()
            .map(|(i, &(k, amount))| row(i as u64 + 2, vec![fact(prefix, k, amount)]))
            .collect();
        let mut total = ChunkOutcome::default();
        if n == 0 {
            total = store.write_feed_chunk(rows_only(id, 0, rows)).await.unwrap();
        } else {
            for (i, few) in rows.chunks(10).enumerate() {
                let chunk = rows_only(id, i as i64 * 10, few.to_vec());
                let o = store.write_feed_chunk(chunk).await.unwrap();
                total.accepted += o.accepted;
                total.duplicates += o.duplicates;
                total.superseded += o.superseded;
                total.repeats += o.repeats;
                total.facts_stored += o.facts_stored;
            }
        }
        let record = store.complete_feed_batch(id, 640, STARTED).await.unwrap();
        outcomes.push((total, counts(&record)));
        let lines: Vec<(u64, u32, String)> = store
            .batch_issues(id, None, 1_000)
            .await
            .unwrap()
            .into_iter()
            .map(|i| (i.line, i.seq, i.code))
            .collect();
        issues.push(lines);
    }
    assert_eq!(
        outcomes[0].0,
        ChunkOutcome {
            accepted: 615,
            duplicates: 25,
            superseded: 20,
            repeats: 25,
            facts_stored: 615
        },
        "of the earlier batch's facts 10 repeated and 10 changed; of this file's rows 10 repeated, \
         10 changed, and 5 repeated a change"
    );
    assert_eq!(outcomes[0], outcomes[1]);
    assert_eq!(issues[0], issues[1]);
    assert_eq!(issues[0].len(), 25);
    let stored = store.stats().await.unwrap().observations - before;
    assert_eq!(stored, 2 * (20 + 615));
}

/// A chunk is written only at its batch's resume point while the batch runs: otherwise
/// `Conflict` (`NotFound` for an unknown batch), and nothing of the chunk is stored.
pub async fn a_chunk_off_its_resume_point_changes_nothing(store: &dyn Store) {
    loaded(store).await;
    let id = store.start_feed_batch(&new_batch("r", "resume.csv"), &[]).await.unwrap().batch.id;
    let first = chunk(
        id,
        0,
        vec![row(2, vec![wage(P_ARMAN, F_SERIKBAYEV, FEB, 300_000)])],
        vec![],
        vec![issue(3, 0, IssueVerdict::Rejected, "value.missing")],
        1,
    );
    store.write_feed_chunk(first).await.unwrap();
    let after_first = store.batch_record(id).await.unwrap().unwrap();
    assert_eq!(counts(&after_first), (2, 1, 0, 0, 1, 0, 0));
    let stats = store.stats().await.unwrap();

    let next = |rows_before: i64| {
        chunk(
            id,
            rows_before,
            vec![row(4, vec![wage(P_AIGUL, F_SERIKBAYEV, FEB, 130_000)])],
            vec![pending(5, PendingReason::NoIin, None)],
            vec![issue(4, 0, IssueVerdict::Warning, "value.suspicious")],
            0,
        )
    };
    for stale in [0, 1, 3] {
        let err = store.write_feed_chunk(next(stale)).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "resuming at {stale}: {err:?}");
    }
    let unknown = FeedChunk { batch: BatchId(99), ..next(2) };
    let err = store.write_feed_chunk(unknown).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "an unknown batch: {err:?}");
    assert_eq!(store.batch_record(id).await.unwrap(), Some(after_first.clone()));
    assert_eq!(store.stats().await.unwrap(), stats);
    assert_eq!(wage_on_card(store, F_SERIKBAYEV, P_AIGUL).await.map(|w| w.1), Some(BATCH_MAIN));
    assert!(store.pending_rows(id).await.unwrap().is_empty());
    assert_eq!(store.batch_issues(id, None, 100).await.unwrap().len(), 1);
    assert_eq!(store.changed_families(id).await.unwrap(), vec![F_SERIKBAYEV]);

    store.write_feed_chunk(next(2)).await.unwrap();
    let record = store.batch_record(id).await.unwrap().unwrap();
    assert_eq!(counts(&record), (4, 2, 0, 1, 1, 0, 1));
    store.complete_feed_batch(id, 4, STARTED + Duration::hours(1)).await.unwrap();
    let err = store.write_feed_chunk(next(4)).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "a complete batch: {err:?}");
}

/// A chunk that fails part-way (here on a repeated pending line, after its facts) leaves
/// nothing behind, says `Conflict` without personal data, and the batch can go on.
pub async fn a_failing_chunk_leaves_nothing_behind(store: &dyn Store) {
    let sample = loaded(store).await;
    let id = store.start_feed_batch(&new_batch("f", "broken.csv"), &[]).await.unwrap().batch.id;
    let stats = store.stats().await.unwrap();
    let record = store.batch_record(id).await.unwrap();
    let iin = iin_of(&sample, P_IVAN).to_string();
    let rows = vec![
        row(2, vec![wage(P_ARMAN, F_SERIKBAYEV, FEB, 300_000)]),
        row(3, vec![wage(P_AIGUL, F_SERIKBAYEV, FEB, 130_000)]),
    ];
    let pending_rows = vec![
        pending(4, PendingReason::NoFamily, Some(iin.clone())),
        pending(4, PendingReason::NoFamily, Some(iin.clone())),
    ];
    let bad_pending = chunk(id, 0, rows.clone(), pending_rows, vec![], 0);
    let err = store.write_feed_chunk(bad_pending).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "a pending line twice: {err:?}");
    assert_no_personal_data(&err, &[&iin, "Сейітова", "Әсел", "1979-04-23"]);

    let issues = vec![
        issue(5, 0, IssueVerdict::Rejected, "value.missing"),
        issue(5, 0, IssueVerdict::Rejected, "value.missing"),
    ];
    let bad_issues = chunk(id, 0, rows.clone(), vec![], issues, 1);
    let err = store.write_feed_chunk(bad_issues).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "a report line twice: {err:?}");

    let mut stranger = rows.clone();
    stranger.push(row(6, vec![wage(P_KIM, FamilyId(999), FEB, 1)]));
    let bad_family = rows_only(id, 0, stranger);
    let err = store.write_feed_chunk(bad_family).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "a fact of an unknown family: {err:?}");

    assert_eq!(store.stats().await.unwrap(), stats);
    assert_eq!(store.batch_record(id).await.unwrap(), record);
    assert!(store.changed_families(id).await.unwrap().is_empty());
    assert!(store.pending_rows(id).await.unwrap().is_empty());
    assert!(store.batch_issues(id, None, 100).await.unwrap().is_empty());
    assert_eq!(wage_on_card(store, F_SERIKBAYEV, P_ARMAN).await.map(|w| w.1), Some(BATCH_UPDATE));

    let outcome = store.write_feed_chunk(rows_only(id, 0, rows)).await.unwrap();
    assert_eq!(outcome.facts_stored, 2);
    assert_eq!(wage_on_card(store, F_SERIKBAYEV, P_ARMAN).await, Some((300_000, id, Some(2))));
}

/// Completing needs a running batch at the given resume point; it returns the record, with
/// `finished_at` and `updated_at` set to the moment given.
pub async fn completing_checks_the_resume_point(store: &dyn Store) {
    loaded(store).await;
    let id = store.start_feed_batch(&new_batch("k", "done.csv"), &[]).await.unwrap().batch.id;
    let c = rows_only(id, 0, vec![row(2, vec![wage(P_ARMAN, F_SERIKBAYEV, FEB, 300_000)])]);
    store.write_feed_chunk(c).await.unwrap();
    let running = store.batch_record(id).await.unwrap().unwrap();
    let at = datetime!(2026-03-02 10:30:00 UTC);
    let err = store.complete_feed_batch(id, 0, at).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "completing at another point: {err:?}");
    assert_eq!(store.batch_record(id).await.unwrap(), Some(running.clone()));
    let err = store.complete_feed_batch(BatchId(99), 1, at).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "completing an unknown batch: {err:?}");

    let done = store.complete_feed_batch(id, 1, at).await.unwrap();
    let expected = BatchRecord {
        batch: ImportBatch { finished_at: Some(at), ..running.batch.clone() },
        status: BatchStatus::Complete,
        updated_at: at,
        ..running.clone()
    };
    assert_eq!(done, expected);
    assert_eq!(store.batch_record(id).await.unwrap(), Some(expected.clone()));
    let err = store.complete_feed_batch(id, 1, at).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "completing twice: {err:?}");
    assert_eq!(store.batch_record(id).await.unwrap(), Some(expected));
}

/// Failing a batch takes back its facts, corrections, changes, pending rows and report lines,
/// zeroes its counts and keeps the error code; the same file then restarts under the same id
/// and loads as it would have the first time.
pub async fn failing_a_batch_takes_back_what_it_wrote(store: &dyn Store) {
    loaded(store).await;
    let observations = store.stats().await.unwrap().observations;
    let a = store.start_feed_batch(&new_batch("a", "january.csv"), &[]).await.unwrap().batch.id;
    let first = rows_only(
        a,
        0,
        vec![
            row(2, vec![wage(P_ARMAN, F_SERIKBAYEV, FEB, 300_000)]),
            row(3, vec![wage(P_AIGUL, F_SERIKBAYEV, FEB, 130_000)]),
        ],
    );
    store.write_feed_chunk(first).await.unwrap();
    let a_done = store.complete_feed_batch(a, 2, STARTED).await.unwrap();

    let header = vec![issue(1, 0, IssueVerdict::Warning, "header.unknown_column")];
    let b = store.start_feed_batch(&new_batch("b", "february.csv"), &header).await.unwrap();
    let b_id = b.batch.id;
    let second = chunk(
        b_id,
        0,
        vec![
            row(2, vec![wage(P_ARMAN, F_SERIKBAYEV, FEB, 300_000)]),
            row(3, vec![wage(P_AIGUL, F_SERIKBAYEV, FEB, 135_000)]),
            row(4, vec![wage(P_DANIYAR, F_AKHMETOV, FEB, 415_000)]),
            // Corrects its own fact of line 4.
            row(5, vec![wage(P_DANIYAR, F_AKHMETOV, FEB, 416_000)]),
        ],
        vec![pending(6, PendingReason::NoIin, None)],
        vec![issue(7, 0, IssueVerdict::Rejected, "value.missing")],
        1,
    );
    let outcome = store.write_feed_chunk(second.clone()).await.unwrap();
    assert_eq!(
        outcome,
        ChunkOutcome { accepted: 3, duplicates: 1, superseded: 2, repeats: 1, facts_stored: 3 }
    );
    assert_eq!(wage_on_card(store, F_SERIKBAYEV, P_AIGUL).await, Some((135_000, b_id, Some(3))));

    let failed_at = datetime!(2026-03-02 11:00:00 UTC);
    store.fail_feed_batch(b_id, "feeds.read_failed", failed_at).await.unwrap();
    let failed = store.batch_record(b_id).await.unwrap().unwrap();
    let expected = BatchRecord {
        batch: ImportBatch { finished_at: Some(failed_at), ..b.batch.clone() },
        status: BatchStatus::Failed,
        counts: BatchCounts::default(),
        updated_at: failed_at,
        error_code: Some("feeds.read_failed".into()),
        ..b.clone()
    };
    assert_eq!(failed, expected);
    assert!(store.batch_issues(b_id, None, 100).await.unwrap().is_empty());
    assert!(store.pending_rows(b_id).await.unwrap().is_empty());
    assert!(store.changed_families(b_id).await.unwrap().is_empty());
    assert_eq!(store.stats().await.unwrap().observations, observations + 2);
    assert_eq!(wage_on_card(store, F_SERIKBAYEV, P_AIGUL).await, Some((130_000, a, Some(3))));
    assert_eq!(wage_on_card(store, F_SERIKBAYEV, P_ARMAN).await, Some((300_000, a, Some(2))));
    let daniyar = wage_on_card(store, F_AKHMETOV, P_DANIYAR).await;
    assert_eq!(daniyar, Some((410_000, BATCH_MAIN, None)), "the sample's wage again");
    assert_eq!(store.batch_record(a).await.unwrap(), Some(a_done));
    let err = store.fail_feed_batch(BatchId(99), "x", failed_at).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "failing an unknown batch: {err:?}");

    // The same file starts again under the failed batch's id, from nothing.
    let restarted_at = datetime!(2026-03-03 09:00:00 UTC);
    let again = NewFeedBatch { started_at: restarted_at, ..new_batch("b", "february-again.csv") };
    let new_header = vec![issue(1, 0, IssueVerdict::Warning, "header.renamed_column")];
    let restarted = store.start_feed_batch(&again, &new_header).await.unwrap();
    assert_eq!(
        restarted,
        BatchRecord {
            batch: ImportBatch {
                label: "february-again.csv".into(),
                started_at: restarted_at,
                finished_at: None,
                ..b.batch.clone()
            },
            updated_at: restarted_at,
            ..b.clone()
        }
    );
    assert_eq!(store.batch_issues(b_id, None, 100).await.unwrap(), new_header);
    let outcome = store.write_feed_chunk(second).await.unwrap();
    assert_eq!(
        outcome,
        ChunkOutcome { accepted: 3, duplicates: 1, superseded: 2, repeats: 1, facts_stored: 3 }
    );
    assert_eq!(store.changed_families(b_id).await.unwrap(), vec![F_SERIKBAYEV, F_AKHMETOV]);
    assert_eq!(store.stats().await.unwrap().observations, observations + 2 + 3);
    assert_eq!(wage_on_card(store, F_AKHMETOV, P_DANIYAR).await, Some((416_000, b_id, Some(5))));
}

/// Failing a batch whose correction was itself corrected by a later batch keeps the later
/// value current; the value the failed batch had replaced stays history, now replaced by the
/// later batch, and becomes current again if that one fails too.
pub async fn failing_a_batch_keeps_later_corrections(store: &dyn Store) {
    loaded(store).await;
    let mut ids = Vec::new();
    for (n, amount) in [(1, 130_000), (2, 135_000), (3, 140_000)] {
        let new = new_batch(&format!("v{n}"), "x.csv");
        let id = store.start_feed_batch(&new, &[]).await.unwrap().batch.id;
        let c = rows_only(id, 0, vec![row(2, vec![wage(P_AIGUL, F_SERIKBAYEV, FEB, amount)])]);
        store.write_feed_chunk(c).await.unwrap();
        store.complete_feed_batch(id, 1, STARTED).await.unwrap();
        ids.push(id);
    }
    let observations = store.stats().await.unwrap().observations;
    store.fail_feed_batch(ids[1], "import.cancelled", STARTED).await.unwrap();
    assert_eq!(store.stats().await.unwrap().observations, observations - 1);
    assert_eq!(wage_on_card(store, F_SERIKBAYEV, P_AIGUL).await, Some((140_000, ids[2], Some(2))));
    store.fail_feed_batch(ids[2], "import.cancelled", STARTED).await.unwrap();
    assert_eq!(wage_on_card(store, F_SERIKBAYEV, P_AIGUL).await, Some((130_000, ids[0], Some(2))));
    // And the first value is a duplicate again, not a second current fact.
    let d = store.start_feed_batch(&new_batch("v4", "x.csv"), &[]).await.unwrap().batch.id;
    let c = rows_only(d, 0, vec![row(2, vec![wage(P_AIGUL, F_SERIKBAYEV, FEB, 130_000)])]);
    assert_eq!(store.write_feed_chunk(c).await.unwrap().duplicates, 1);
}

/// Each IIN resolves, in the order asked, to its person and the family of the membership that
/// holds on the day (from its first day, no longer on its `until` day); of several, the one that
/// began last, then the lowest family id; no family when none holds; `None` for an IIN nobody
/// has.
pub async fn persons_resolve_to_their_family_on_the_day(store: &dyn Store) {
    let sample = loaded(store).await;
    let iin = |p: PersonId| iin_of(&sample, p);
    let stranger = iin_for(date!(2001 - 01 - 01), Sex::Male, 5000);
    let found =
        |person: PersonId, family: Option<FamilyId>| Some(ResolvedPerson { person, family });
    let asked = [iin(P_ERLAN), stranger, iin(P_IVAN), iin(P_ARMAN), iin(P_DANIYAR), iin(P_ARMAN)];
    let on = LISTED_ON;
    assert_eq!(
        store.resolve_persons(&asked, on).await.unwrap(),
        vec![
            found(P_ERLAN, Some(F_ERLAN)),
            None,
            found(P_IVAN, None),
            found(P_ARMAN, Some(F_SERIKBAYEV)),
            found(P_DANIYAR, Some(F_AKHMETOV)),
            found(P_ARMAN, Some(F_SERIKBAYEV)),
        ]
    );
    assert!(store.resolve_persons(&[], on).await.unwrap().is_empty());
    let one = |p: PersonId, on: Date| async move {
        store.resolve_persons(&[iin(p)], on).await.unwrap().pop().unwrap().unwrap().family
    };
    assert_eq!(one(P_ERLAN, date!(2024 - 05 - 31)).await, Some(F_SERIKBAYEV));
    assert_eq!(one(P_ERLAN, date!(2024 - 06 - 01)).await, Some(F_ERLAN));
    assert_eq!(one(P_IVAN, date!(2026 - 01 - 14)).await, Some(F_PETROV));
    assert_eq!(one(P_IVAN, date!(2026 - 01 - 15)).await, None);
    assert_eq!(one(P_ARMAN, date!(2004 - 08 - 19)).await, None);
    assert_eq!(one(P_ARMAN, date!(2004 - 08 - 20)).await, Some(F_SERIKBAYEV));

    // Arman also joins families 6 and then 5 on the same later day: those win over family 1,
    // and of the two the lower id.
    let member = |family: FamilyId, from: Date| Membership {
        family,
        person: P_ARMAN,
        role: Role::Other,
        from,
        until: None,
    };
    let joined = PopulationChunk {
        memberships: vec![
            member(F_OMAROVA, date!(2025 - 01 - 01)),
            member(F_KIM, date!(2025 - 01 - 01)),
        ],
        ..PopulationChunk::default()
    };
    store.insert_population(&joined).await.unwrap();
    assert_eq!(one(P_ARMAN, date!(2024 - 12 - 31)).await, Some(F_SERIKBAYEV));
    assert_eq!(one(P_ARMAN, date!(2025 - 01 - 01)).await, Some(F_KIM));
    assert_eq!(one(P_ARMAN, on).await, Some(F_KIM));
}

/// Batches of every kind are listed newest first, a page at a time; generator batches run until
/// finished, then count every row they read as accepted or rejected.
pub async fn batches_of_every_kind_are_listed_newest_first(store: &dyn Store) {
    migrated(store).await;
    let [_, open] = batches();
    let generator = ImportBatch { id: BatchId(1), ..open };
    store.create_batch(&generator).await.unwrap();
    let created = store.batch_record(BatchId(1)).await.unwrap().unwrap();
    let expected = BatchRecord {
        batch: generator.clone(),
        source: None,
        fingerprint: None,
        status: BatchStatus::Running,
        counts: BatchCounts::default(),
        updated_at: generator.started_at,
        error_code: None,
    };
    assert_eq!(created, expected, "a generator batch, created");
    let finished_at = datetime!(2026-02-10 09:41:07 UTC);
    store.finish_batch(BatchId(1), finished_at, 1_000, 7).await.unwrap();
    let finished = store.batch_record(BatchId(1)).await.unwrap().unwrap();
    let expected = BatchRecord {
        batch: ImportBatch {
            finished_at: Some(finished_at),
            rows_accepted: 1_000,
            rows_rejected: 7,
            ..generator
        },
        status: BatchStatus::Complete,
        counts: BatchCounts {
            rows_read: 1_007,
            accepted: 1_000,
            rejected: 7,
            ..BatchCounts::default()
        },
        updated_at: finished_at,
        ..expected
    };
    assert_eq!(finished, expected, "a generator batch, finished");

    for n in 2..=5 {
        let fingerprint = format!("{n:064x}");
        let id = store.start_feed_batch(&new_batch(&fingerprint, "x.csv"), &[]).await.unwrap();
        assert_eq!(id.batch.id, BatchId(n));
    }
    store.fail_feed_batch(BatchId(3), "feeds.read_failed", STARTED).await.unwrap();
    store.complete_feed_batch(BatchId(4), 0, STARTED).await.unwrap();

    let page = |before: Option<i64>, limit: u32| async move {
        let request = BatchPageRequest { before: before.map(BatchId), limit };
        let list = store.list_batches(request).await.unwrap();
        list.into_iter().map(|r| r.batch.id.0).collect::<Vec<_>>()
    };
    assert_eq!(page(None, 100).await, vec![5, 4, 3, 2, 1]);
    assert_eq!(page(None, 2).await, vec![5, 4]);
    assert_eq!(page(Some(4), 2).await, vec![3, 2]);
    assert_eq!(page(Some(2), 2).await, vec![1]);
    assert_eq!(page(Some(1), 2).await, Vec::<i64>::new());
    assert_eq!(page(Some(99), 1).await, vec![5]);
    assert_eq!(page(None, 0).await, vec![5], "a limit of 0 is a page of one");
    let all = store.list_batches(BatchPageRequest { before: None, limit: u32::MAX }).await.unwrap();
    for r in &all {
        assert_eq!(store.batch_record(r.batch.id).await.unwrap().as_ref(), Some(r));
    }
    let statuses: Vec<BatchStatus> = all.iter().map(|r| r.status).collect();
    use BatchStatus::*;
    assert_eq!(statuses, vec![Running, Complete, Failed, Running, Complete]);
    assert_eq!(store.batch_record(BatchId(99)).await.unwrap(), None);
}

/// Report lines come in (line, seq) order, a page at a time after a cursor, at most 10,000 a
/// page and at least one.
pub async fn report_lines_page_in_line_and_seq_order(store: &dyn Store) {
    migrated(store).await;
    let header = vec![
        issue(1, 1, IssueVerdict::Warning, "header.b"),
        issue(1, 0, IssueVerdict::Warning, "header.a"),
    ];
    let id = store.start_feed_batch(&new_batch("p", "many.csv"), &header).await.unwrap().batch.id;
    let verdicts = IssueVerdict::ALL;
    let mut issues: Vec<ImportIssue> = (0..10_050u64)
        .rev()
        .map(|n| {
            let mut i = issue(2 + n / 3, (n % 3) as u32, verdicts[(n % 4) as usize], "value.x");
            i.args = (0..n % 3).map(|k| (format!("a{k}"), format!("«{n}»"))).collect();
            i
        })
        .collect();
    let rejected = issues.iter().filter(|i| i.verdict != IssueVerdict::Warning).count();
    let c = chunk(id, 0, vec![], vec![], issues.clone(), i64::try_from(rejected).unwrap());
    store.write_feed_chunk(c).await.unwrap();
    issues.extend(header);
    issues.sort_by_key(|i| (i.line, i.seq));

    let first = store.batch_issues(id, None, u32::MAX).await.unwrap();
    assert_eq!(first.len(), 10_000, "a page holds at most 10,000 lines");
    assert_eq!(first[..], issues[..10_000]);
    let last = first.last().unwrap();
    let rest = store
        .batch_issues(id, Some(IssueCursor { line: last.line, seq: last.seq }), u32::MAX)
        .await
        .unwrap();
    assert_eq!(rest[..], issues[10_000..]);
    let one = store.batch_issues(id, None, 0).await.unwrap();
    assert_eq!(one[..], issues[..1], "a limit of 0 is a page of one");
    let mut walked = Vec::new();
    let mut after = Some(IssueCursor { line: 1, seq: 0 });
    loop {
        let page = store.batch_issues(id, after, 997).await.unwrap();
        let Some(last) = page.last() else { break };
        after = Some(IssueCursor { line: last.line, seq: last.seq });
        walked.extend(page);
    }
    assert_eq!(walked[..], issues[1..], "pages after (1, 0) in order");
    let past = IssueCursor { line: 1_000_000, seq: 0 };
    assert!(store.batch_issues(id, Some(past), 10).await.unwrap().is_empty());
}
