//! Declared feeds: schemas load, headers map, rows get the verdicts and reasons they should.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use shanyraq_domain::indicators::INDICATORS;
use shanyraq_domain::territory::bundled as bundled_tree;
use shanyraq_domain::{IndicatorKey, Kato, ObservationValue, Tenge};
use shanyraq_feeds::schema::{FeedSchema, HeaderError, bundled, bundled_schema};
use shanyraq_feeds::validate::messages::{Lang, MESSAGES, message, placeholders};
use shanyraq_feeds::validate::{
    CODES, Fact, HEADER_CODES, Outcome, Problem, RECORD_CODES, Validator,
};
use time::Date;
use time::macros::date;

const AS_OF: Date = date!(2026 - 11 - 30);
/// Born 17.02.1985, female.
const IIN: &str = "850217401239";

fn schema(name: &str) -> FeedSchema {
    bundled_schema(name).unwrap()
}

/// A valid row of `schema` in column order, with `overrides` (column key, text) applied.
fn row(schema: &FeedSchema, overrides: &[(&str, &str)]) -> Vec<String> {
    let mut fields: Vec<String> = schema
        .columns
        .iter()
        .map(|c| {
            match c.key.as_str() {
                "iin" => IIN,
                "last_name" => "Серикова",
                "first_name" => "Айгерим",
                "birth_date" => "17.02.1985",
                "kato" => "101010000",
                "period_start" | "valid_from" => "2026-10-01",
                "period_end" | "valid_until" => "2026-10-31",
                "as_of_date" | "decision_date" | "start_date" | "event_date" => "2026-10-15",
                "end_date" => "",
                "income_source" => "wage",
                "amount" | "overdue_amount" => "150 000",
                "measure" => "child_allowance",
                "status" => "employed",
                "group" => "group2",
                "event" => "address_change",
                "case_number" => "12345",
                "related_iin" => "",
                "new_kato" => "113820100",
                _ => match c.ty.code() {
                    "flag" => "1",
                    "count" => "3",
                    _ => "x",
                },
            }
            .to_owned()
        })
        .collect();
    for (key, text) in overrides {
        let i = schema.column(key).unwrap_or_else(|| panic!("no column {key}"));
        fields[i] = (*text).to_owned();
    }
    fields
}

fn verdict(schema: &FeedSchema, overrides: &[(&str, &str)]) -> Outcome {
    Validator::new(schema, bundled_tree(), AS_OF).validate(7, &row(schema, overrides))
}

fn rejected(outcome: &Outcome) -> &[Problem] {
    match outcome {
        Outcome::Rejected { problems, .. } => problems,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

fn codes(problems: &[Problem]) -> Vec<&'static str> {
    problems.iter().map(|p| p.code).collect()
}

#[test]
fn every_schema_loads_and_maps_onto_the_catalogue() {
    let all = bundled().unwrap();
    let names: BTreeSet<&str> = all.iter().map(|s| s.name.as_str()).collect();
    let expected = [
        "benefits",
        "civil_registry",
        "debts",
        "disability",
        "education",
        "employment",
        "health",
        "income",
        "police",
        "property",
    ];
    assert_eq!(names, expected.into_iter().collect());
    let catalogue: BTreeSet<&str> = INDICATORS.iter().map(|d| d.key).collect();
    for s in &all {
        assert!(s.identity.matching.is_some(), "{}: rows without IIN cannot be matched", s.name);
        let mapped: Vec<IndicatorKey> = s
            .indicators
            .iter()
            .flat_map(|m| match m {
                shanyraq_feeds::schema::IndicatorMapping::Fixed { indicator, .. } => {
                    vec![*indicator]
                }
                shanyraq_feeds::schema::IndicatorMapping::ByCode { indicators, .. } => {
                    indicators.clone()
                }
            })
            .collect();
        assert!(mapped.iter().all(|k| catalogue.contains(k.as_str())), "{}", s.name);
        // Civil-registry events change persons and families, not indicators.
        assert_eq!(mapped.is_empty(), s.name == "civil_registry", "{}", s.name);
    }
    assert!(schema("police").sensitive);
}

#[test]
fn headers_map_in_kk_ru_and_en_whatever_the_case_and_order() {
    let s = schema("income");
    for lang in 0..3 {
        let mut names: Vec<String> =
            s.columns.iter().map(|c| c.headers.all()[lang].to_owned()).collect();
        names.reverse();
        names[0] = format!("\u{feff} {} ", names[0].to_uppercase());
        let map = s.map_header(&names).unwrap();
        assert!(map.warnings.is_empty(), "{lang}: {:?}", map.warnings);
        let last = s.columns.len() - 1;
        assert_eq!(map.positions[0], Some(last));
        assert_eq!(map.positions[last], Some(0));

        let mut fields = row(&s, &[]);
        fields.reverse();
        let v = Validator::new(&s, bundled_tree(), AS_OF).with_header(&map);
        assert!(matches!(v.validate(2, &fields), Outcome::Accepted { .. }), "{lang}");
    }
}

#[test]
fn missing_required_columns_are_one_error_named_in_three_languages() {
    let s = schema("income");
    let e = s.map_header(&["ИИН", "Начало периода"]).unwrap_err();
    assert_eq!(e.code(), "header.missing_columns");
    let HeaderError::MissingColumns { missing } = &e else { panic!("{e:?}") };
    let keys: Vec<[&str; 3]> = missing.iter().map(|h| h.all()).collect();
    assert_eq!(
        keys,
        vec![["Табыс көзі", "Источник дохода", "Income source"], ["Сома", "Сумма", "Amount"]]
    );
    assert_eq!(e.missing_in(1), "Источник дохода, Сумма");
    assert!(e.to_string().contains("Сома / Сумма / Amount"), "{e}");
}

#[test]
fn unknown_columns_warn_and_duplicates_refuse() {
    let s = schema("income");
    let mut names: Vec<&str> = s.columns.iter().map(|c| c.headers.en.as_str()).collect();
    names.insert(2, "Comment");
    let map = s.map_header(&names).unwrap();
    assert_eq!(map.warnings.len(), 1);
    assert_eq!((map.warnings[0].position, map.warnings[0].name.as_str()), (2, "Comment"));
    assert_eq!(map.warnings[0].code(), "header.unknown_column");

    names[2] = "ЖСН";
    assert_eq!(s.map_header(&names).unwrap_err().code(), "header.duplicate_column");
}

#[test]
fn an_accepted_income_row_becomes_a_fact_for_its_period() {
    let s = schema("income");
    let outcome = verdict(&s, &[("amount", "150 000,00"), ("income_source", "Pension")]);
    let Outcome::Accepted { line, iin, facts, warnings, .. } = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!((line, iin.to_string().as_str()), (7, IIN));
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        facts,
        vec![Fact {
            indicator: IndicatorKey::named("income.pension").unwrap(),
            value: ObservationValue::Money(Tenge(150_000)),
            valid_from: date!(2026 - 10 - 01),
            valid_until: Some(date!(2026 - 11 - 01)),
        }]
    );
}

#[test]
fn each_feed_accepts_its_example_row() {
    for s in bundled().unwrap() {
        let outcome = verdict(&s, &[]);
        assert!(matches!(outcome, Outcome::Accepted { .. }), "{}: {outcome:?}", s.name);
    }
    let s = schema("benefits");
    let Outcome::Accepted { facts, .. } = verdict(&s, &[("measure", "pension")]) else { panic!() };
    assert_eq!(facts[0].indicator.as_str(), "income.pension");
    let s = schema("health");
    let Outcome::Accepted { facts, .. } = verdict(&s, &[("pregnant", "жоқ"), ("insured", "")])
    else {
        panic!()
    };
    let shown: Vec<(&str, &ObservationValue)> =
        facts.iter().map(|f| (f.indicator.as_str(), &f.value)).collect();
    assert_eq!(
        shown,
        vec![
            ("health.clinic_attached", &ObservationValue::Flag(true)),
            ("health.chronic_condition", &ObservationValue::Flag(true)),
            ("health.pregnant", &ObservationValue::Flag(false)),
        ]
    );
}

/// (feed, overrides, expected code). IIN cases blank the last name so the row cannot be matched.
/// Column key and text replacing the valid row's field.
type Overrides = &'static [(&'static str, &'static str)];

const BAD_ROWS: &[(&str, Overrides, &str)] = &[
    ("income", &[("iin", "85021740123"), ("last_name", "")], "iin.length"),
    ("income", &[("iin", "85021740123A"), ("last_name", "")], "iin.non_digit"),
    ("income", &[("iin", "850217401234"), ("last_name", "")], "iin.check_digit"),
    ("income", &[("iin", "850217400330"), ("last_name", "")], "iin.unissuable"),
    ("income", &[("iin", ""), ("last_name", "")], "identity.missing"),
    ("income", &[("kato", "10101000")], "kato.length"),
    ("income", &[("kato", "10101000O")], "kato.non_digit"),
    ("income", &[("kato", "001010000")], "kato.no_region"),
    ("income", &[("kato", "109999999")], "kato.unknown"),
    ("income", &[("period_start", "2026/10/01")], "date.format"),
    ("income", &[("period_start", "10.31.2026")], "date.nonexistent"),
    ("income", &[("birth_date", "2027-01-01")], "date.future"),
    ("income", &[("period_end", "2026-09-30")], "date.before_other"),
    ("civil_registry", &[("event", "death"), ("event_date", "1980-01-01")], "date.before_other"),
    ("income", &[("amount", "abc")], "money.not_a_number"),
    ("income", &[("amount", "99999999999999999999")], "money.too_large"),
    ("income", &[("amount", "1,000,00")], "money.ambiguous_separator"),
    ("income", &[("amount", "-5")], "range.below_min"),
    ("education", &[("absence_days", "many")], "count.not_a_number"),
    ("education", &[("absence_days", "400")], "range.above_max"),
    ("health", &[("insured", "maybe")], "flag.invalid"),
    ("income", &[("income_source", "gift")], "code.unknown"),
    ("income", &[("last_name", "Ali3")], "name.invalid"),
    ("income", &[("amount", "")], "required.missing"),
];

#[test]
fn each_rejection_code_comes_from_a_minimal_bad_row() {
    let mut seen = BTreeSet::new();
    for (feed, overrides, code) in BAD_ROWS {
        let outcome = verdict(&schema(feed), overrides);
        assert_eq!(codes(rejected(&outcome)), vec![*code], "{feed} {overrides:?}");
        seen.insert(*code);
    }
    for (code, overrides) in [
        ("iin.birth_date_mismatch", [("birth_date", "18.02.1985")]),
        ("iin.century_digit", [("iin", "850217001233")]),
        ("iin.impossible_date", [("iin", "851317401235")]),
        ("money.rounded", [("amount", "85 000,50")]),
    ] {
        let outcome = verdict(&schema("income"), &overrides);
        assert!(matches!(outcome, Outcome::Accepted { .. }), "{code}: {outcome:?}");
        assert_eq!(codes(outcome.warnings()), vec![code]);
        seen.insert(code);
    }
    let all: BTreeSet<&str> = CODES.iter().copied().collect();
    assert_eq!(seen, all, "every code is produced by some row, and only those");
}

#[test]
fn a_rejection_lists_every_problem_of_the_row() {
    let outcome = verdict(
        &schema("income"),
        &[("amount", "-1"), ("kato", "109999999"), ("period_start", "")],
    );
    let mut got = codes(rejected(&outcome));
    got.sort_unstable();
    assert_eq!(got, vec!["kato.unknown", "range.below_min", "required.missing"]);
}

#[test]
fn rows_without_a_usable_iin_are_kept_for_matching() {
    let s = schema("income");
    let outcome = verdict(&s, &[("iin", "")]);
    let Outcome::NeedsMatching { keys, facts, warnings, .. } = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(keys.last_name, "Серикова");
    assert_eq!(keys.first_name, "Айгерим");
    assert_eq!(keys.birth_date, date!(1985 - 02 - 17));
    assert_eq!(keys.kato, "101010000".parse::<Kato>().unwrap());
    assert_eq!(facts.len(), 1);
    assert!(warnings.is_empty());

    let outcome = verdict(&s, &[("iin", "850217401234")]);
    let Outcome::NeedsMatching { warnings, .. } = outcome else { panic!("{outcome:?}") };
    assert_eq!(codes(&warnings), vec!["iin.check_digit"]);
    assert_eq!(warnings[0].value_masked, "******1234");

    // Without the territory there is nothing to match on.
    let outcome = verdict(&s, &[("iin", ""), ("kato", "")]);
    assert_eq!(codes(rejected(&outcome)), vec!["identity.missing"]);
}

#[test]
fn reports_mask_iins_names_birth_dates_and_sensitive_values() {
    let outcome = verdict(&schema("income"), &[("iin", "850217401234"), ("last_name", "")]);
    assert_eq!(rejected(&outcome)[0].value_masked, "******1234");
    let outcome = verdict(&schema("income"), &[("first_name", "Ай3")]);
    let p = &rejected(&outcome)[0];
    assert_eq!((p.column.as_str(), p.value_masked.as_str()), ("first_name", "А***"));
    // A sensitive feed shows none of its values, not even dates.
    let outcome = verdict(&schema("police"), &[("event_date", "2030-01-01")]);
    assert_eq!(rejected(&outcome)[0].value_masked, "***");
    // A birth date beside the IIN's last digits would give the IIN away.
    let outcome = verdict(&schema("income"), &[("birth_date", "30.02.1985")]);
    let p = &rejected(&outcome)[0];
    assert_eq!((p.column.as_str(), p.value_masked.as_str()), ("birth_date", "**.**.****"));
    let outcome = verdict(&schema("income"), &[("amount", "-5")]);
    assert_eq!(rejected(&outcome)[0].value_masked, "-5");
}

#[test]
fn every_code_has_messages_in_kk_ru_and_en_with_the_same_arguments() {
    let mut listed: BTreeSet<&str> = CODES.iter().copied().collect();
    listed.extend(HEADER_CODES);
    listed.extend(RECORD_CODES);
    let catalogue: BTreeSet<&str> = MESSAGES.iter().map(|m| m.code).collect();
    assert_eq!(catalogue.len(), MESSAGES.len(), "a code is listed twice");
    assert_eq!(catalogue, listed);
    for m in MESSAGES {
        let mut args: Option<BTreeSet<&str>> = None;
        for lang in Lang::ALL {
            let t = m.template(lang);
            assert!(!t.trim().is_empty(), "{} {lang:?}", m.code);
            let here: BTreeSet<&str> = placeholders(t).into_iter().collect();
            assert_eq!(args.get_or_insert_with(|| here.clone()), &here, "{} {lang:?}", m.code);
        }
        assert_ne!(m.kk, m.en, "{}", m.code);
        assert_ne!(m.ru, m.en, "{}", m.code);
    }
}

#[test]
fn problems_carry_every_argument_their_messages_need() {
    for (feed, overrides, _) in BAD_ROWS {
        for p in rejected(&verdict(&schema(feed), overrides)) {
            for lang in Lang::ALL {
                let text = p.message(lang);
                assert!(!text.contains('{'), "{}: {text}", p.code);
            }
        }
    }
    let outcome = verdict(&schema("income"), &[("birth_date", "18.02.1985")]);
    let w = &outcome.warnings()[0];
    assert_eq!(
        w.message(Lang::En),
        "The birth date in the IIN's structure differs from the row's birth date"
    );
    // The message names no date: the IIN's date is its first six digits.
    for lang in Lang::ALL {
        assert!(!w.message(lang).contains("1985"), "{}", w.message(lang));
    }
    assert!(message("code.unknown").is_some());
}

/// The example files in `docs/feeds.md` are accepted (or kept for matching) without warnings.
#[test]
fn documented_examples_validate() {
    let doc = include_str!("../../../../docs/feeds.md");
    let mut checked = BTreeSet::new();
    let mut feed = None;
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        if let Some(name) = line.strip_prefix("## ") {
            feed = bundled_schema(name.trim()).ok();
        }
        let (Some(s), "```csv") = (&feed, line) else { continue };
        let header = lines.next().unwrap();
        let delimiter = if header.contains(';') { ';' } else { ',' };
        let map = s.map_header(&header.split(delimiter).collect::<Vec<_>>()).unwrap();
        assert!(map.warnings.is_empty(), "{}: {:?}", s.name, map.warnings);
        let v = Validator::new(s, bundled_tree(), AS_OF).with_header(&map);
        for (n, row) in lines.by_ref().take_while(|l| *l != "```").enumerate() {
            let fields: Vec<&str> = row.split(delimiter).collect();
            let outcome = v.validate(n as u64 + 2, &fields);
            assert!(!matches!(outcome, Outcome::Rejected { .. }), "{}: {outcome:?}", s.name);
            assert!(outcome.warnings().is_empty(), "{}: {outcome:?}", s.name);
        }
        checked.insert(s.name.clone());
    }
    assert_eq!(checked.len(), bundled().unwrap().len(), "every feed has an example: {checked:?}");
}

fn row_key(outcome: &Outcome) -> &str {
    match outcome {
        Outcome::Accepted { key, .. } | Outcome::NeedsMatching { key, .. } => key,
        Outcome::Rejected { .. } => panic!("{outcome:?}"),
    }
}

#[test]
fn the_row_key_is_the_canonical_natural_key_without_the_person() {
    let income = schema("income");
    let iso = verdict(&income, &[("period_start", "2026-02-01"), ("income_source", "wage")]);
    let dotted = verdict(&income, &[("period_start", "01.02.2026"), ("income_source", "WAGE")]);
    assert_eq!(row_key(&iso), "2026-02-01|wage");
    assert_eq!(row_key(&iso), row_key(&dotted));
    let other = verdict(&income, &[("period_start", "2026-02-01"), ("income_source", "pension")]);
    assert_ne!(row_key(&iso), row_key(&other));

    let police = schema("police");
    let case = verdict(&police, &[("case_number", "  AB|12  ")]);
    assert_eq!(row_key(&case), "2026-10-15|AB¦12", "text is trimmed and cannot forge a separator");

    let unmatched = verdict(&income, &[("iin", "")]);
    assert!(matches!(unmatched, Outcome::NeedsMatching { .. }));
    assert_eq!(row_key(&unmatched), "2026-10-01|wage");
}
