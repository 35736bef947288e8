//! The import dry run on small files: counts, the report's lines, and files that cannot be read.

use std::path::Path;

use shanyraq_app::import::{DryRunOptions, ImportSummary, dry_run};
use time::macros::date;

use crate::common::{HEADER, report_rows, write};

const GOOD: &str = "960418317829,Нұрмағамбетов,Мұрат,1996-04-18,711210000,2026-05-01,,wage,114170";
const GOOD2: &str = "960620401143,Нұрмағамбетова,Алия,1996-06-20,711210000,2026-05-01,,wage,190660";
const GOOD3: &str =
    "580626346883,Нұрмағамбетов,Мұса,1958-06-26,711210000,2021-06-26,,pension,134490";

fn run(path: &Path) -> Result<ImportSummary, shanyraq_app::AppError> {
    dry_run(path, "income", date!(2026 - 11 - 30), &DryRunOptions::default())
}

#[test]
fn a_clean_file_is_all_accepted_and_its_report_has_only_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{HEADER}\n{GOOD}\n{GOOD2}\n{GOOD3}\n");
    let path = write(dir.path(), "income.csv", text.as_bytes());
    let s = run(&path).unwrap();
    let c = s.counts;
    assert_eq!((c.rows_read, c.accepted, c.pending, c.rejected), (3, 3, 0, 0));
    assert_eq!((c.warnings, c.duplicates, s.report_lines), (0, 0, 0));
    assert_eq!(s.report, dir.path().join("income.csv.report.csv"));
    let report = std::fs::read_to_string(&s.report).unwrap();
    let columns = shanyraq_app::import::REPORT_COLUMNS.join(",");
    assert_eq!(report, format!("\u{feff}{columns}\n"));
    assert!(report_rows(&s.report).is_empty());
}

#[test]
fn each_kind_of_bad_row_is_counted_and_reported_masked() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        HEADER,
        GOOD,
        "960620401143,Нұрмағамбетова,Алия,1996-06-20,109999999,2026-05-01,,wage,190660",
        "960418317828,Нұрмағамбетов,Мұрат,1996-04-18,711210000,2026-05-01,,wage,1000",
        "580626346883,Нұрмағамбетов,Мұса,1958-06-26,711210000,2021-06-26,,pension,-5",
        GOOD,
        "580626346883,Нұрмағамбетов,Ай3,1958-06-26,711210000,2022-06-26,,pension,10",
        "960620401143,Нұрмағамбет",
    ];
    let path = write(dir.path(), "income.csv", lines.join("\n").as_bytes());
    let report = dir.path().join("elsewhere.csv");
    let options = DryRunOptions { report: Some(report.clone()), ..DryRunOptions::default() };
    let s = dry_run(&path, "income", date!(2026 - 11 - 30), &options).unwrap();
    let c = s.counts;
    assert_eq!(c.rows_read, 7);
    // Line 6 repeats line 2: a duplicate, not a second accepted row. The record error of line 8
    // counts as rejected.
    assert_eq!((c.accepted, c.duplicates, c.pending, c.rejected), (1, 1, 1, 4));
    assert_eq!(c.warnings, 2);
    assert_eq!(s.report, report);
    assert!(!dir.path().join("income.csv.report.csv").exists());

    let rows = report_rows(&report);
    let got: Vec<[&str; 5]> = rows.iter().map(|r| [0, 1, 2, 3, 4].map(|i| r[i].as_str())).collect();
    assert_eq!(
        got,
        vec![
            ["3", "rejected", "kato", "109999999", "kato.unknown"],
            ["4", "needs_matching", "iin", "******7828", "row.needs_matching"],
            ["4", "warning", "iin", "******7828", "iin.check_digit"],
            ["5", "rejected", "amount", "-5", "range.below_min"],
            ["6", "warning", "iin, period_start, income_source", "", "row.duplicate"],
            ["7", "rejected", "first_name", "А***", "name.invalid"],
            ["8", "record_error", "", "", "record.field_count"],
        ]
    );
    assert_eq!(s.report_lines, rows.len() as u64);
    for row in &rows {
        let [kk, ru, en] = [&row[5], &row[6], &row[7]];
        assert!(!kk.is_empty() && kk != ru && ru != en && !en.contains('{'), "{row:?}");
    }
    assert_eq!(rows[3][7], "The value cannot be below 0");
    assert_eq!(rows[6][7], "The row has 2 values, the header has 9 columns");
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(!text.contains("Ай3") && !text.contains("Нұрмағамбет"), "{text}");
    assert!(!text.contains("960418317828") && !text.contains("960620401143"), "{text}");
}

#[test]
fn a_header_without_required_columns_is_refused_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "income.csv", b"IIN,Last name,Period start\n1,2,3\n");
    let e = run(&path).unwrap_err();
    assert_eq!(e.code(), "header.missing_columns");
    let message = e.to_string();
    for name in ["Income source", "Amount", "Сумма", "Табыс көзі"] {
        assert!(message.contains(name), "{message}");
    }
    assert!(!dir.path().join("income.csv.report.csv").exists());
}

#[test]
fn empty_binary_and_missing_files_and_unknown_sources_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.csv", b"");
    assert_eq!(run(&empty).unwrap_err().code(), "empty_file");
    let bom_only = write(dir.path(), "bom.csv", "\u{feff}\n\n".as_bytes());
    assert_eq!(run(&bom_only).unwrap_err().code(), "empty_file");
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend([0u8; 64]);
    let binary = write(dir.path(), "image.csv", &png);
    assert_eq!(run(&binary).unwrap_err().code(), "unknown_format");
    assert_eq!(run(&dir.path().join("absent.csv")).unwrap_err().code(), "io");

    let good = write(dir.path(), "income.csv", format!("{HEADER}\n{GOOD}\n").as_bytes());
    let e = dry_run(&good, "weather", date!(2026 - 11 - 30), &DryRunOptions::default());
    let e = e.unwrap_err();
    assert_eq!(e.code(), "import.unknown_source");
    assert!(e.to_string().contains("income, employment"), "{e}");
    let left = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(left, 4, "no report is written for a file that cannot be processed");
}

#[test]
fn a_header_only_file_is_processed_with_no_rows_and_unknown_columns_are_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{HEADER},Comment\n");
    let path = write(dir.path(), "income.csv", text.as_bytes());
    let s = run(&path).unwrap();
    assert_eq!((s.counts.rows_read, s.counts.warnings, s.report_lines), (0, 1, 1));
    let rows = report_rows(&s.report);
    assert_eq!(rows[0][..5], ["1", "warning", "Comment", "", "header.unknown_column"]);
    assert_eq!(rows[0][7], "Unknown column ignored: Comment");
}

#[test]
fn rows_kept_for_matching_are_not_checked_for_repeats() {
    // A row kept for matching stays pending even when repeated: its repeats are found when it
    // is matched to a person, as an import finds them.
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{HEADER}\n\
         ,Сейтқали,Айгүл,1990-01-02,711210000,2026-05-01,,wage,1\n\
         ,Сейтқали,Асқар,1991-03-04,711210000,2026-05-01,,wage,1\n\
         ,Сейтқали,Асқар,1991-03-04,711210000,2026-05-01,,wage,1\n"
    );
    let path = write(dir.path(), "income.csv", text.as_bytes());
    let s = run(&path).unwrap();
    assert_eq!((s.counts.pending, s.counts.duplicates, s.counts.warnings), (3, 0, 0));
    let rows = report_rows(&s.report);
    assert!(rows.iter().all(|r| r[4] != "row.duplicate"));
}

#[test]
fn a_file_cut_off_mid_stream_leaves_no_report() {
    let dir = tempfile::tempdir().unwrap();
    let long = "9".repeat(4096);
    let text = format!("{HEADER}\n{GOOD}\n{long}\n");
    let path = write(dir.path(), "income.csv", text.as_bytes());
    let mut options = DryRunOptions::default();
    options.read.max_line_bytes = 1024;
    let e = dry_run(&path, "income", date!(2026 - 11 - 30), &options).unwrap_err();
    assert_eq!(e.code(), "line_too_long");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "only the feed is left");
}

/// A generated feed with many faults: the dry run gives every line the verdict the generator's
/// ledger says it must get.
#[test]
fn a_generated_feed_gets_the_verdicts_its_ledger_expects() {
    use shanyraq_domain::territory;
    use shanyraq_feeds::schema::bundled_schema;
    use shanyraq_feeds::synthetic::{self, FaultKind, HeaderLang, Options, Population, Verdict};
    use shanyraq_synth::{Generator, GeneratorConfig};

    let as_of = territory::bundled_version().as_of;
    let config = GeneratorConfig::new(300, 9, as_of);
    let population = Population::collect(Generator::for_empty_database(config).unwrap());
    let schema = bundled_schema("income").unwrap();
    let options =
        Options { seed: 9, header_lang: HeaderLang::Kk, faults_per_mille: 100, months: 1 };
    let mut bytes = Vec::new();
    let ledger =
        synthetic::render(&schema, &population, territory::bundled(), &options, &mut bytes)
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "income.csv", &bytes);

    let s = dry_run(&path, "income", as_of, &DryRunOptions::default()).unwrap();
    let expected = ledger.expected();
    let n = |v: Verdict| expected.get(&v).copied().unwrap_or(0);
    let c = s.counts;
    assert_eq!(c.rows_read as u64, ledger.rows);
    let duplicated = ledger.faults().get(&FaultKind::DuplicatedRow).copied().unwrap_or(0);
    assert!(duplicated > 0);
    assert_eq!((c.accepted + c.duplicates) as u64, n(Verdict::Accepted));
    assert_eq!(c.pending as u64, n(Verdict::NeedsMatching));
    assert_eq!(c.rejected as u64, n(Verdict::Rejected) + n(Verdict::RecordError));
    assert!(c.duplicates as u64 <= duplicated);
}
