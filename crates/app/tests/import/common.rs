//! Files, reports and a small generated population for the import tests.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use shanyraq_app::database;
use shanyraq_app::generate::{GenerateRequest, generate};
use shanyraq_app::import::REPORT_COLUMNS;
use shanyraq_domain::{FamilyId, Iin, Kato, PersonId, territory};
use shanyraq_store::{PageRequest, Store};
use shanyraq_store_sqlite::SqliteStore;
use time::Date;

pub const HEADER: &str =
    "IIN,Last name,First name,Birth date,KATO,Period start,Period end,Income source,Amount";

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The report's rows after its header, as read by a CSV reader.
pub fn report_rows(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    let body = bytes.strip_prefix("\u{feff}".as_bytes()).expect("a byte-order mark");
    let mut reader = csv::Reader::from_reader(body);
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), REPORT_COLUMNS);
    reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
}

/// A person of the generated population with the family they belong to today.
#[derive(Debug, Clone, Copy)]
pub struct Known {
    pub iin: Iin,
    pub person: PersonId,
    pub family: FamilyId,
    pub birth_date: Date,
}

/// The classifier's date: the generator's default "today".
pub fn as_of() -> Date {
    territory::bundled_version().as_of
}

/// A migrated SQLite database in `dir` with `families` generated families (seed 7, Atbasar
/// district), and the people in it who have an IIN and a current family.
pub async fn populated(dir: &Path, families: u64) -> (Arc<dyn Store>, Vec<Known>) {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::create_or_open(&dir.join("s.db")).unwrap());
    database::migrate(&*store).await.unwrap();
    let mut request = GenerateRequest::new(families, 7, as_of());
    let district: Kato = "113800000".parse().unwrap();
    request.region = Some(district);
    generate(&store, &request, |_| {}).await.unwrap();
    let page = PageRequest { after: None, limit: 500, on: as_of() };
    let listed = store.families_in_territory(district, page).await.unwrap();
    let mut known = Vec::new();
    for summary in listed.items {
        let card = store.family(summary.id).await.unwrap().unwrap();
        for m in card.members {
            if let (Some(iin), true) = (m.person.iin, m.membership.holds_on(as_of())) {
                known.push(Known {
                    iin,
                    person: m.person.id,
                    family: summary.id,
                    birth_date: m.person.birth_date,
                });
            }
        }
    }
    (store, known)
}

/// An income row for `who`: `period` the first day of a month, `source` an income source.
pub fn income_row(who: &Known, period: &str, source: &str, amount: i64) -> String {
    let birth = shanyraq_domain::dates::iso(who.birth_date);
    format!("{},Тестов,Тест,{birth},113800000,{period},,{source},{amount}", who.iin)
}
