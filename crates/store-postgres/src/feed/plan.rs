//! Deciding a chunk's facts against the current ones, in file order: a fact whose natural key has
//! a current fact with the same values is a duplicate; one whose key has a current fact with other
//! values supersedes it (the old one stays, as history); any other is new. A fact earlier in the
//! chunk counts as current for the ones after it. A row with a fact whose key a fact of the same
//! batch held repeats an earlier row of the file, and gets the chunk's repeat note. Pure, so that the rules are tested without a
//! database; [`super::chunk`] reads the current facts and writes what the plan says.

use std::collections::HashMap;

use shanyraq_store::{ChunkOutcome, FeedFact, FeedRow};
use time::Date;

/// What two facts with one natural key must share to be the same fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FactValues {
    pub(crate) family: i64,
    pub(crate) person: Option<i64>,
    pub(crate) num: Option<i64>,
    pub(crate) text: Option<String>,
    pub(crate) valid_from: Date,
    pub(crate) valid_until: Option<Date>,
}

impl FactValues {
    /// The values of `fact` as its observation would be stored.
    pub(crate) fn of(fact: &FeedFact) -> FactValues {
        let o = &fact.observation;
        let (num, text) = o.value.to_columns();
        FactValues {
            family: o.family.0,
            person: o.person.map(|p| p.0),
            num,
            text,
            valid_from: o.valid_from,
            valid_until: o.valid_until,
        }
    }
}

/// A stored fact that is current (superseded by nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CurrentFact {
    pub(crate) id: i64,
    pub(crate) batch: i64,
    pub(crate) natural_key: String,
    pub(crate) values: FactValues,
}

/// A fact the chunk stores.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct NewFact<'c> {
    pub(crate) fact: &'c FeedFact,
    pub(crate) line: u64,
    pub(crate) values: FactValues,
    /// A later fact of the same chunk corrects it: stored as history from the start.
    pub(crate) superseded: bool,
}

/// What a chunk writes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Plan<'c> {
    /// Stored facts this chunk supersedes.
    pub(crate) supersede: Vec<i64>,
    /// Facts to insert, in file order.
    pub(crate) inserts: Vec<NewFact<'c>>,
    /// Families the inserted facts name, sorted, without repeats: the families they change.
    pub(crate) families: Vec<i64>,
    /// Rows that repeat an earlier row of the batch, in file order.
    pub(crate) repeats: Vec<&'c FeedRow>,
    pub(crate) outcome: ChunkOutcome,
}

/// The natural keys of a chunk's facts, sorted, without repeats.
pub(crate) fn natural_keys(rows: &[FeedRow]) -> Vec<&str> {
    let mut keys: Vec<&str> =
        rows.iter().flat_map(|r| r.facts.iter().map(|f| f.natural_key.as_str())).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The fact a natural key currently has: stored, or inserted earlier in the chunk.
enum Current<'a> {
    Stored { id: i64, batch: i64, values: &'a FactValues },
    Inserted(usize),
}

impl Current<'_> {
    /// Whether batch `batch` stored it.
    fn of_batch(&self, batch: i64) -> bool {
        match self {
            Current::Stored { batch: b, .. } => *b == batch,
            Current::Inserted(_) => true,
        }
    }
}

/// Decides every fact of `rows`, a chunk of batch `batch`, against `current`, the stored
/// current facts of their keys.
pub(crate) fn plan<'c>(batch: i64, rows: &'c [FeedRow], current: &'c [CurrentFact]) -> Plan<'c> {
    let mut by_key: HashMap<&str, Current<'_>> = current
        .iter()
        .map(|c| {
            let stored = Current::Stored { id: c.id, batch: c.batch, values: &c.values };
            (c.natural_key.as_str(), stored)
        })
        .collect();
    let mut supersede = Vec::new();
    let mut inserts: Vec<NewFact<'c>> = Vec::new();
    let mut repeats = Vec::new();
    let mut outcome = ChunkOutcome::default();
    for row in rows {
        let mut duplicates = 0;
        let mut superseded_any = false;
        let mut repeated = false;
        for fact in &row.facts {
            let values = FactValues::of(fact);
            let key = fact.natural_key.as_str();
            let found = by_key.get(key);
            repeated |= found.is_some_and(|c| c.of_batch(batch));
            match found {
                Some(Current::Stored { values: old, .. }) if **old == values => {
                    duplicates += 1;
                    continue;
                }
                Some(Current::Inserted(i)) if inserts[*i].values == values => {
                    duplicates += 1;
                    continue;
                }
                Some(Current::Stored { id, .. }) => {
                    supersede.push(*id);
                    superseded_any = true;
                }
                Some(Current::Inserted(i)) => {
                    inserts[*i].superseded = true;
                    superseded_any = true;
                }
                None => {}
            }
            by_key.insert(key, Current::Inserted(inserts.len()));
            inserts.push(NewFact { fact, line: row.line, values, superseded: false });
        }
        if !row.facts.is_empty() && duplicates == row.facts.len() {
            outcome.duplicates += 1;
        } else {
            outcome.accepted += 1;
            if superseded_any {
                outcome.superseded += 1;
            }
        }
        if repeated {
            repeats.push(row);
        }
    }
    outcome.facts_stored = i64::try_from(inserts.len()).unwrap_or(i64::MAX);
    outcome.repeats = i64::try_from(repeats.len()).unwrap_or(i64::MAX);
    let mut families: Vec<i64> = inserts.iter().map(|n| n.values.family).collect();
    families.sort_unstable();
    families.dedup();
    Plan { supersede, inserts, families, repeats, outcome }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shanyraq_domain::{
        BatchId, FamilyId, IndicatorKey, Observation, ObservationValue, PersonId, Source, Tenge,
    };
    use time::macros::date;

    fn fact(key: &str, family: i64, person: i64, amount: i64) -> FeedFact {
        FeedFact {
            natural_key: key.into(),
            observation: Observation {
                family: FamilyId(family),
                person: Some(PersonId(person)),
                indicator: IndicatorKey::named("income.wage").unwrap(),
                value: ObservationValue::Money(Tenge(amount)),
                source: Source::Tax,
                observed_at: date!(2026 - 02 - 01),
                valid_from: date!(2026 - 01 - 01),
                valid_until: None,
                batch: BatchId(7),
            },
        }
    }

    /// The batch the chunks under test belong to.
    const BATCH: i64 = 7;

    fn row(line: u64, facts: Vec<FeedFact>) -> FeedRow {
        FeedRow { line, facts, issues_before: 0 }
    }

    /// A fact stored by an earlier batch.
    fn stored(id: i64, f: &FeedFact) -> CurrentFact {
        CurrentFact { id, batch: 3, natural_key: f.natural_key.clone(), values: FactValues::of(f) }
    }

    fn plan<'c>(rows: &'c [FeedRow], current: &'c [CurrentFact]) -> Plan<'c> {
        super::plan(BATCH, rows, current)
    }

    fn repeated_lines(plan: &Plan<'_>) -> Vec<u64> {
        plan.repeats.iter().map(|r| r.line).collect()
    }

    fn outcome(accepted: i64, duplicates: i64, superseded: i64, facts: i64) -> ChunkOutcome {
        ChunkOutcome { accepted, duplicates, superseded, repeats: 0, facts_stored: facts }
    }

    #[test]
    fn new_facts_are_inserted_in_file_order() {
        let rows = vec![row(2, vec![fact("a", 1, 10, 100)]), row(3, vec![fact("b", 2, 20, 200)])];
        let plan = plan(&rows, &[]);
        assert!(plan.supersede.is_empty());
        let lines: Vec<(u64, &str, bool)> = plan
            .inserts
            .iter()
            .map(|n| (n.line, n.fact.natural_key.as_str(), n.superseded))
            .collect();
        assert_eq!(lines, [(2, "a", false), (3, "b", false)]);
        assert_eq!(plan.families, [1, 2]);
        assert_eq!(plan.outcome, outcome(2, 0, 0, 2));
    }

    #[test]
    fn a_stored_fact_with_the_same_values_makes_a_duplicate() {
        let old = stored(5, &fact("a", 1, 10, 100));
        let rows = vec![row(2, vec![fact("a", 1, 10, 100)])];
        let plan = plan(&rows, std::slice::from_ref(&old));
        assert!(plan.inserts.is_empty() && plan.supersede.is_empty() && plan.families.is_empty());
        assert_eq!(plan.outcome, outcome(0, 1, 0, 0));
    }

    #[test]
    fn any_other_value_supersedes_the_stored_fact() {
        let base = fact("a", 1, 10, 100);
        let mut other_until = base.clone();
        other_until.observation.valid_until = Some(date!(2026 - 02 - 01));
        let mut other_from = base.clone();
        other_from.observation.valid_from = date!(2025 - 12 - 01);
        let mut other_family = base.clone();
        other_family.observation.family = FamilyId(2);
        for changed in [fact("a", 1, 10, 101), other_until, other_from, other_family] {
            let current = [stored(5, &base)];
            let rows = vec![row(2, vec![changed.clone()])];
            let plan = plan(&rows, &current);
            assert_eq!(plan.supersede, [5], "{changed:?}");
            assert_eq!(plan.inserts.len(), 1);
            assert!(!plan.inserts[0].superseded);
            assert_eq!(plan.outcome, outcome(1, 0, 1, 1));
        }
    }

    #[test]
    fn the_observation_date_and_batch_do_not_make_a_fact_new() {
        let base = fact("a", 1, 10, 100);
        let mut later = base.clone();
        later.observation.observed_at = date!(2026 - 03 - 01);
        later.observation.batch = BatchId(8);
        let current = [stored(5, &base)];
        let rows = vec![row(2, vec![later])];
        assert_eq!(plan(&rows, &current).outcome, outcome(0, 1, 0, 0));
    }

    #[test]
    fn an_earlier_fact_of_the_chunk_counts_as_stored() {
        let rows = vec![
            row(2, vec![fact("a", 1, 10, 100)]),
            row(3, vec![fact("a", 1, 10, 100)]),
            row(4, vec![fact("a", 1, 10, 150)]),
            row(5, vec![fact("a", 1, 10, 150)]),
        ];
        let plan = plan(&rows, &[]);
        assert!(plan.supersede.is_empty());
        let inserted: Vec<(u64, bool)> =
            plan.inserts.iter().map(|n| (n.line, n.superseded)).collect();
        assert_eq!(inserted, [(2, true), (4, false)]);
        assert_eq!(repeated_lines(&plan), [3, 4, 5]);
        assert_eq!(plan.outcome, ChunkOutcome { repeats: 3, ..outcome(2, 2, 1, 2) });
    }

    #[test]
    fn a_fact_stored_by_the_same_batch_makes_a_repeat() {
        let same = fact("a", 1, 10, 100);
        let earlier_chunk = CurrentFact { batch: BATCH, ..stored(5, &same) };
        let other_batch = stored(6, &fact("b", 1, 10, 100));
        let rows = vec![
            row(20, vec![same.clone()]),
            row(21, vec![fact("b", 1, 10, 100)]),
            row(22, vec![fact("c", 1, 10, 100)]),
        ];
        let current = [earlier_chunk, other_batch];
        let plan = plan(&rows, &current);
        assert_eq!(repeated_lines(&plan), [20]);
        assert_eq!(plan.outcome, ChunkOutcome { repeats: 1, ..outcome(1, 2, 0, 1) });
    }

    #[test]
    fn a_stored_fact_corrected_twice_in_a_chunk_is_superseded_once() {
        let current = [stored(5, &fact("a", 1, 10, 100))];
        let rows = vec![row(2, vec![fact("a", 1, 10, 110)]), row(3, vec![fact("a", 1, 10, 120)])];
        let plan = plan(&rows, &current);
        assert_eq!(plan.supersede, [5]);
        let inserted: Vec<(u64, bool)> =
            plan.inserts.iter().map(|n| (n.line, n.superseded)).collect();
        assert_eq!(inserted, [(2, true), (3, false)]);
        assert_eq!(repeated_lines(&plan), [3]);
        assert_eq!(plan.outcome, ChunkOutcome { repeats: 1, ..outcome(2, 0, 2, 2) });
    }

    #[test]
    fn a_row_is_a_duplicate_only_when_every_fact_is() {
        let current = [stored(5, &fact("a", 1, 10, 100))];
        let rows = vec![
            row(2, vec![fact("a", 1, 10, 100), fact("b", 1, 10, 7)]),
            row(3, vec![]),
            row(4, vec![fact("a", 1, 10, 100), fact("b", 1, 10, 7)]),
        ];
        let plan = plan(&rows, &current);
        assert_eq!(plan.inserts.len(), 1);
        assert_eq!(repeated_lines(&plan), [4]);
        assert_eq!(plan.outcome, ChunkOutcome { repeats: 1, ..outcome(2, 1, 0, 1) });
    }

    #[test]
    fn keys_are_sorted_and_distinct() {
        let rows = vec![
            row(2, vec![fact("b", 1, 10, 1), fact("a", 1, 10, 1)]),
            row(3, vec![fact("b", 1, 10, 2)]),
        ];
        assert_eq!(natural_keys(&rows), ["a", "b"]);
    }
}
