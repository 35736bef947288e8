//! Files as exporters really write them, read and validated together: spreadsheets that keep
//! IINs as numbers, JSON exports that leave out empty keys, amounts with tiyn, files that name
//! people without an IIN column.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Cursor;

use shanyraq_domain::territory::bundled as bundled_tree;
use shanyraq_domain::{ObservationValue, Tenge};
use shanyraq_feeds::read::{Format, ReadOptions, open, open_path};
use shanyraq_feeds::schema::{FeedSchema, HeaderError, HeaderMap, bundled_schema};
use shanyraq_feeds::validate::{Outcome, Validator};
use time::Date;
use time::macros::date;

const AS_OF: Date = date!(2026 - 11 - 30);

fn income() -> FeedSchema {
    bundled_schema("income").unwrap()
}

/// Every record of a file read as `format`, mapped onto `schema` and validated, with the reader
/// told which columns hold codes of fixed width.
fn verdicts(schema: &FeedSchema, bytes: &[u8], format: Format) -> (HeaderMap, Vec<Outcome>) {
    let mut reader = open(Cursor::new(bytes), format, &ReadOptions::default()).unwrap();
    let header = schema.map_header(&reader.header().names).unwrap();
    reader.restore_leading_zeros(schema.digit_widths(&header));
    let validator = Validator::new(schema, bundled_tree(), AS_OF).with_header(&header);
    let outcomes = reader.map(|r| r.unwrap()).map(|r| validator.validate(r.line, &r.fields));
    (header, outcomes.collect())
}

fn iin_of(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Accepted { iin, .. } => iin.to_string(),
        other => panic!("expected an accepted row, got {other:?}"),
    }
}

/// `061211600012`, born 11.12.2006, kept by a spreadsheet as the number 61 211 600 012.
#[test]
fn an_iin_kept_as_a_number_gets_its_leading_zero_back() {
    use rust_xlsxwriter::Workbook;
    let schema = income();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let names = ["ИИН", "Дата рождения", "КАТО", "Начало периода", "Источник дохода", "Сумма"];
    for (col, name) in names.iter().enumerate() {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
    for (row, iin) in [(1, 61_211_600_012.0), (2, 101_500_120.0)] {
        sheet.write_number(row, 0, iin).unwrap();
        sheet.write_string(row, 1, "").unwrap();
        sheet.write_number(row, 2, 101_010_000.0).unwrap();
        sheet.write_string(row, 3, "01.10.2026").unwrap();
        sheet.write_string(row, 4, "wage").unwrap();
        sheet.write_number(row, 5, 85_000.0).unwrap();
    }
    sheet.write_string(1, 1, "11.12.2006").unwrap();
    let (_, outcomes) = verdicts(&schema, &book.save_to_buffer().unwrap(), Format::Xlsx);
    assert_eq!(iin_of(&outcomes[0]), "061211600012");
    assert!(outcomes[0].warnings().is_empty(), "{:?}", outcomes[0]);
    assert_eq!(iin_of(&outcomes[1]), "000101500120");
}

#[test]
fn an_eleven_digit_iin_in_text_stays_an_error() {
    let csv = "ИИН;Начало периода;Источник дохода;Сумма\n61211600012;01.10.2026;wage;85000\n";
    let (_, outcomes) = verdicts(&income(), csv.as_bytes(), Format::Csv);
    let Outcome::Rejected { problems, .. } = &outcomes[0] else { panic!("{:?}", outcomes[0]) };
    assert_eq!(problems[0].code, "iin.length");
    assert_eq!(problems[0].args, [("found", "11".to_owned())]);
}

#[test]
fn a_json_export_that_leaves_out_empty_keys_keeps_every_row() {
    let schema = income();
    let jsonl = concat!(
        "{\"IIN\":\"850217401239\",\"Period start\":\"2026-10-01\",\"Income source\":\"wage\",",
        "\"Amount\":185000}\n",
        "{\"IIN\":\"850217401239\",\"Period start\":\"2026-09-01\",\"Income source\":\"wage\",",
        "\"Amount\":185000,\"Period end\":\"2026-09-30\",\"exported_at\":\"2026-11-01\"}\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("income.jsonl");
    std::fs::write(&path, jsonl).unwrap();
    let reader = open_path(&path, &ReadOptions::default()).unwrap();
    let header = schema.map_header(&reader.header().names).unwrap();
    let unknown: Vec<&str> = header.warnings.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(unknown, ["exported_at"], "a key the schema does not know is a warning");
    assert_eq!(header.warnings[0].code(), "header.unknown_column");
    let validator = Validator::new(&schema, bundled_tree(), AS_OF).with_header(&header);
    let outcomes: Vec<Outcome> =
        reader.map(|r| r.unwrap()).map(|r| validator.validate(r.line, &r.fields)).collect();
    let Outcome::Accepted { facts, .. } = &outcomes[0] else { panic!("{:?}", outcomes[0]) };
    assert_eq!(facts[0].valid_until, None);
    let Outcome::Accepted { facts, .. } = &outcomes[1] else { panic!("{:?}", outcomes[1]) };
    assert_eq!(facts[0].valid_until, Some(date!(2026 - 10 - 01)), "the later key is read");
}

#[test]
fn amounts_with_tiyn_are_accepted_rounded_to_whole_tenge() {
    let csv = concat!(
        "ИИН;Начало периода;Источник дохода;Сумма\n",
        "850217401239;01.10.2026;wage;85 000,50\n",
        "850217401239;01.09.2026;wage;\"85000.49\"\n",
        "850217401239;01.08.2026;wage;85000.505\n",
    );
    let (_, outcomes) = verdicts(&income(), csv.as_bytes(), Format::Csv);
    let amount = |outcome: &Outcome| match outcome {
        Outcome::Accepted { facts, .. } => facts[0].value.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(amount(&outcomes[0]), ObservationValue::Money(Tenge(85_001)));
    assert_eq!(amount(&outcomes[1]), ObservationValue::Money(Tenge(85_000)));
    let Outcome::Rejected { problems, .. } = &outcomes[2] else { panic!("{:?}", outcomes[2]) };
    assert_eq!(problems[0].code, "money.ambiguous_separator");
}

#[test]
fn a_file_without_an_iin_column_is_matched_when_it_has_the_matching_columns() {
    let schema = income();
    let csv = concat!(
        "Фамилия;Имя;Дата рождения;КАТО;Начало периода;Источник дохода;Сумма\n",
        "Серикова;Айгерим;17.02.1985;101010000;01.10.2026;wage;185 000\n",
        "Серикова;;17.02.1985;101010000;01.10.2026;wage;185 000\n",
    );
    let (header, outcomes) = verdicts(&schema, csv.as_bytes(), Format::Csv);
    assert_eq!(header.positions[schema.identity.iin], None);
    let Outcome::NeedsMatching { keys, facts, warnings, .. } = &outcomes[0] else {
        panic!("{:?}", outcomes[0])
    };
    assert_eq!((keys.last_name.as_str(), keys.birth_date), ("Серикова", date!(1985 - 02 - 17)));
    assert_eq!(facts.len(), 1);
    assert!(warnings.is_empty(), "{warnings:?}");
    let Outcome::Rejected { problems, .. } = &outcomes[1] else { panic!("{:?}", outcomes[1]) };
    assert_eq!(problems[0].code, "identity.missing");
}

#[test]
fn a_file_with_neither_an_iin_nor_every_matching_column_is_refused() {
    let schema = income();
    let names = ["Фамилия", "Имя", "Дата рождения", "Начало периода", "Источник дохода", "Сумма"];
    let e = schema.map_header(&names).unwrap_err();
    assert_eq!(e.code(), "header.missing_columns");
    let HeaderError::MissingColumns { missing } = &e else { panic!("{e:?}") };
    assert_eq!(missing.iter().map(|h| h.ru.as_str()).collect::<Vec<_>>(), ["ИИН"]);
}
