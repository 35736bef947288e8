//! Synthetic feeds: deterministic, readable, valid when clean, and spoiled exactly as the
//! ledger says.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};

use shanyraq_domain::territory;
use shanyraq_feeds::read::{Format, ReadError, ReadOptions, RecordError, open};
use shanyraq_feeds::schema::bundled_schema;
use shanyraq_feeds::synthetic::{
    DERIVABLE, FaultKind, FeedWriter, HeaderLang, Ledger, Options, Population, Verdict, render,
};
use shanyraq_feeds::validate::{Outcome, Validator};
use shanyraq_synth::{DataErrorRates, Generator, GeneratorConfig};
use time::Date;
use time::macros::date;

const AS_OF: Date = date!(2026 - 07 - 17);

fn population(families: u64, seed: u64, errors: DataErrorRates) -> Population {
    let mut config = GeneratorConfig::new(families, seed, AS_OF);
    config.errors = errors;
    Population::collect(Generator::for_empty_database(config).unwrap())
}

fn render_all(population: &Population, options: &Options) -> Vec<(Vec<u8>, Ledger)> {
    DERIVABLE
        .iter()
        .map(|name| {
            let schema = bundled_schema(name).unwrap();
            let mut bytes = Vec::new();
            let ledger =
                render(&schema, population, territory::bundled(), options, &mut bytes).unwrap();
            (bytes, ledger)
        })
        .collect()
}

/// Reads a file back and validates every row: line → verdict, and the IINs accepted.
fn verdicts(name: &str, bytes: &[u8]) -> (BTreeMap<u64, Verdict>, BTreeSet<String>) {
    let (out, iins, _) = verdicts_and_codes(name, bytes);
    (out, iins)
}

/// Problem and warning codes by line.
type Codes = BTreeMap<u64, Vec<&'static str>>;

/// As [`verdicts`], with the problem and warning codes of each line.
fn verdicts_and_codes(
    name: &str,
    bytes: &[u8],
) -> (BTreeMap<u64, Verdict>, BTreeSet<String>, Codes) {
    let schema = bundled_schema(name).unwrap();
    let reader = open(bytes, Format::Csv, &ReadOptions::default()).unwrap();
    let header = schema.map_header(&reader.header().names).unwrap();
    let validator = Validator::new(&schema, territory::bundled(), AS_OF).with_header(&header);
    let mut out = BTreeMap::new();
    let mut iins = BTreeSet::new();
    let mut codes = BTreeMap::new();
    for record in reader {
        match record {
            Ok(r) => {
                let outcome = validator.validate(r.line, &r.fields);
                let mut found: Vec<&'static str> =
                    outcome.warnings().iter().map(|p| p.code).collect();
                if let Outcome::Rejected { problems, .. } = &outcome {
                    found.extend(problems.iter().map(|p| p.code));
                }
                codes.insert(r.line, found);
                let verdict = match outcome {
                    Outcome::Accepted { iin, .. } => {
                        iins.insert(iin.to_string());
                        Verdict::Accepted
                    }
                    Outcome::NeedsMatching { .. } => Verdict::NeedsMatching,
                    Outcome::Rejected { problems, .. } => {
                        assert!(!problems.is_empty());
                        Verdict::Rejected
                    }
                };
                out.insert(r.line, verdict);
            }
            Err(ReadError::Record(e)) => {
                assert!(
                    matches!(
                        e,
                        RecordError::FieldCount { .. } | RecordError::UnterminatedQuote { .. }
                    ),
                    "{name}: {e}"
                );
                out.insert(e.line(), Verdict::RecordError);
            }
            Err(e) => panic!("{name}: {e}"),
        }
    }
    (out, iins, codes)
}

fn options(seed: u64, faults_per_mille: u16) -> Options {
    Options { seed, header_lang: HeaderLang::Ru, faults_per_mille, months: 1 }
}

#[test]
fn the_same_arguments_give_the_same_bytes() {
    let a = render_all(&population(40, 7, DataErrorRates::default()), &options(7, 50));
    let b = render_all(&population(40, 7, DataErrorRates::default()), &options(7, 50));
    assert_eq!(a, b);
    let c = render_all(&population(40, 8, DataErrorRates::default()), &options(8, 50));
    assert_ne!(a, c);
}

/// Each feed written chunk by chunk, as the generator yields them with `chunk_families`.
fn stream_all(
    families: u64,
    seed: u64,
    chunk_families: usize,
    options: &Options,
) -> Vec<(Vec<u8>, Ledger)> {
    let schemas: Vec<_> = DERIVABLE.iter().map(|name| bundled_schema(name).unwrap()).collect();
    let mut writers: Vec<_> = schemas
        .iter()
        .map(|schema| FeedWriter::new(schema, territory::bundled(), options, Vec::new()).unwrap())
        .collect();
    let mut config = GeneratorConfig::new(families, seed, AS_OF);
    config.chunk_families = chunk_families;
    for chunk in Generator::for_empty_database(config).unwrap() {
        let part = Population::from_chunk(chunk);
        for writer in &mut writers {
            writer.append(&part).unwrap();
        }
    }
    writers.into_iter().map(|w| w.finish().unwrap()).collect()
}

#[test]
fn chunk_by_chunk_gives_the_bytes_and_ledger_of_the_whole_population() {
    let options = options(21, 100);
    let whole = render_all(&population(150, 21, DataErrorRates::default()), &options);
    assert!(whole.iter().any(|(_, l)| l.faults().contains_key(&FaultKind::TruncatedLastLine)));
    // One family per chunk puts every row's neighbours in other chunks, and leaves chunks
    // without rows of some feeds, so the last line is found across chunks.
    for chunk_families in [1, 7, 2_000] {
        let streamed = stream_all(150, 21, chunk_families, &options);
        for ((bytes, ledger), (whole_bytes, whole_ledger)) in streamed.iter().zip(&whole) {
            assert!(bytes == whole_bytes, "{} with chunks of {chunk_families}", ledger.feed);
            assert_eq!(ledger, whole_ledger, "chunks of {chunk_families}");
        }
    }
}

#[test]
fn a_writer_without_entries_keeps_the_counts() {
    let options = options(4, 100);
    let population = population(100, 4, DataErrorRates::default());
    let mut entries = 0;
    for name in DERIVABLE {
        let schema = bundled_schema(name).unwrap();
        let tree = territory::bundled();
        let mut full = Vec::new();
        let ledger = render(&schema, &population, tree, &options, &mut full).unwrap();
        let mut writer =
            FeedWriter::new(&schema, tree, &options, Vec::new()).unwrap().without_entries();
        writer.append(&population).unwrap();
        let (bytes, counted) = writer.finish().unwrap();
        assert!(bytes == full, "{name}");
        assert!(counted.entries.is_empty(), "{name}");
        entries += ledger.entries.len();
        assert_eq!(counted.rows, ledger.rows, "{name}");
        assert_eq!(counted.faults(), ledger.faults(), "{name}");
        assert_eq!(counted.expected(), ledger.expected(), "{name}");
    }
    assert!(entries > 0);
}

#[test]
fn clean_files_read_back_and_every_row_is_accepted() {
    let population = population(300, 11, DataErrorRates::NONE);
    for lang in [HeaderLang::Kk, HeaderLang::Ru, HeaderLang::En] {
        let options = Options { seed: 11, header_lang: lang, faults_per_mille: 0, months: 1 };
        for (bytes, ledger) in render_all(&population, &options) {
            assert!(ledger.rows > 0, "{} is empty", ledger.feed);
            assert!(ledger.entries.is_empty(), "{}", ledger.feed);
            let (verdicts, _) = verdicts(&ledger.feed, &bytes);
            assert_eq!(verdicts.len() as u64, ledger.rows, "{}", ledger.feed);
            for (line, verdict) in verdicts {
                assert_eq!(verdict, Verdict::Accepted, "{} line {line}", ledger.feed);
            }
        }
    }
}

#[test]
fn files_come_in_the_styles_real_exports_have() {
    let files = render_all(&population(50, 3, DataErrorRates::NONE), &options(3, 0));
    let styles: BTreeSet<(u8, bool, bool)> =
        files.iter().map(|(_, l)| (l.style.delimiter, l.style.bom, l.style.crlf)).collect();
    assert_eq!(styles.len(), 4);
    for (bytes, ledger) in &files {
        assert_eq!(bytes.starts_with(b"\xEF\xBB\xBF"), ledger.style.bom);
        assert_eq!(bytes.windows(2).any(|w| w == b"\r\n"), ledger.style.crlf);
        let reader = open(bytes.as_slice(), Format::Csv, &ReadOptions::default()).unwrap();
        assert_eq!(reader.delimiter(), Some(ledger.style.delimiter));
    }
}

#[test]
fn every_spoiled_line_gets_the_verdict_the_ledger_says() {
    let population = population(400, 5, DataErrorRates::default());
    let files = render_all(&population, &options(5, 100));
    let mut injected: BTreeMap<FaultKind, u64> = BTreeMap::new();
    let mut truncated = 0;
    for (bytes, ledger) in &files {
        let (verdicts, _, codes) = verdicts_and_codes(&ledger.feed, bytes);
        assert_eq!(verdicts.len() as u64, ledger.rows, "{}", ledger.feed);
        for (line, verdict) in &verdicts {
            assert_eq!(*verdict, ledger.verdict(*line), "{} line {line}", ledger.feed);
        }
        // Each spoiled line is refused for the reason its fault gives.
        for entry in &ledger.entries {
            let reason = match entry.fault {
                Some(FaultKind::BadCheckDigit) => "iin.check_digit",
                Some(FaultKind::UnknownKato) => "kato.unknown",
                Some(FaultKind::SwappedDayMonth) => "date.nonexistent",
                _ => continue,
            };
            let found = &codes[&entry.line];
            assert!(found.contains(&reason), "{} line {}: {found:?}", ledger.feed, entry.line);
        }
        let mut counted: BTreeMap<Verdict, u64> = BTreeMap::new();
        for verdict in verdicts.values() {
            *counted.entry(*verdict).or_insert(0) += 1;
        }
        assert_eq!(counted, ledger.expected(), "{}", ledger.feed);
        for (kind, n) in ledger.faults() {
            *injected.entry(kind).or_insert(0) += n;
        }
        if ledger.faults().contains_key(&FaultKind::TruncatedLastLine) {
            truncated += 1;
            assert!(!bytes.ends_with(b"\n"), "{}", ledger.feed);
            let last = verdicts.iter().next_back().unwrap();
            assert_eq!(*last.1, Verdict::RecordError, "{}", ledger.feed);
        }
    }
    // Every kind of fault is written, and only some files are cut short.
    for kind in FaultKind::ALL {
        assert!(injected.get(&kind).copied().unwrap_or(0) > 0, "no {kind:?}");
    }
    assert!(truncated > 0 && truncated < files.len());
}

#[test]
fn rows_of_persons_without_a_valid_iin_are_kept_for_matching() {
    let errors = DataErrorRates {
        wrong_check_digit_per_mille: 100,
        structure_mismatch_per_mille: 0,
        missing_iin_per_mille: 100,
    };
    let files = render_all(&population(100, 9, errors), &options(9, 0));
    let mut unmatched = 0;
    for (bytes, ledger) in &files {
        let (verdicts, _) = verdicts(&ledger.feed, bytes);
        for (line, verdict) in &verdicts {
            assert_eq!(*verdict, ledger.verdict(*line), "{} line {line}", ledger.feed);
        }
        unmatched += ledger.entries.iter().filter(|e| e.fault.is_none()).count();
    }
    assert!(unmatched > 0);
}

#[test]
fn the_feeds_name_the_persons_the_generator_makes() {
    let population = population(200, 13, DataErrorRates::default());
    let persons: BTreeSet<String> =
        population.persons().filter_map(|p| p.iin).map(|iin| iin.to_string()).collect();
    let mut named = BTreeSet::new();
    for (bytes, ledger) in render_all(&population, &options(13, 0)) {
        named.extend(verdicts(&ledger.feed, &bytes).1);
    }
    assert!(named.is_subset(&persons));
    // Nearly everyone living has a fact in some feed.
    assert!(named.len() * 10 >= persons.len() * 8, "{} of {}", named.len(), persons.len());

    // A population generated again from the same arguments has exactly these IINs.
    let again: BTreeSet<String> = self::population(200, 13, DataErrorRates::default())
        .persons()
        .filter_map(|p| p.iin)
        .map(|iin| iin.to_string())
        .collect();
    assert_eq!(again, persons);
}

#[test]
fn monthly_feeds_repeat_each_row_for_earlier_months_with_distinct_keys() {
    let population = population(60, 5, DataErrorRates::NONE);
    let one = Options { months: 1, ..options(5, 0) };
    let three = Options { months: 3, ..options(5, 0) };
    for name in DERIVABLE {
        let schema = bundled_schema(name).unwrap();
        let [(a, la), (b, lb)] = [&one, &three].map(|o| {
            let mut bytes = Vec::new();
            let ledger = render(&schema, &population, territory::bundled(), o, &mut bytes).unwrap();
            (bytes, ledger)
        });
        if ["income", "benefits"].contains(name) {
            assert_eq!(lb.rows, 3 * la.rows, "{name}");
        } else {
            assert_eq!(b, a, "{name}: not a monthly feed");
            continue;
        }
        // Every row is accepted, and no two rows share a natural key: each is its own month.
        let (verdicts, _) = verdicts(name, &b);
        assert!(verdicts.values().all(|v| *v == Verdict::Accepted), "{name}");
        let reader = open(&b[..], Format::Csv, &ReadOptions::default()).unwrap();
        let header = schema.map_header(&reader.header().names).unwrap();
        let validator = Validator::new(&schema, territory::bundled(), AS_OF).with_header(&header);
        let mut keys = BTreeSet::new();
        for record in reader {
            let record = record.unwrap();
            let outcome = validator.validate(record.line, &record.fields);
            let shanyraq_feeds::validate::Outcome::Accepted { iin, key, .. } = outcome else {
                continue;
            };
            assert!(key.contains("-01"), "{name}: periods start on the first: {key}");
            assert!(keys.insert((iin, key)), "{name}: a key repeats");
        }
        assert!(keys.len() as u64 > lb.rows / 2, "{name}");
    }
}
