//! Reading the classifier from its CSV files, and the bundled copy compiled into the binary.
//!
//! The files are `data/kato/kato.csv` (`code,parent_code,level,name_kk,name_ru`) and
//! `data/regions.csv` (English names, centres and populations of the 20 regions). Reading them
//! changes nothing but legacy-font letters in names (see `data/kato/LOADING.md`) and adds what
//! the files imply: English region names and settlement types.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use time::macros::date;

use super::legacy_font::fix_legacy_font;
use super::settlement::{NameKind, name_kind, settlement_type};
use super::{Territory, TerritoryTree, TreeError, TreeVersion};
use crate::kato::Kato;

pub(super) const KATO_CSV: &str = include_str!("../../../../data/kato/kato.csv");
pub(super) const REGIONS_CSV: &str = include_str!("../../../../data/regions.csv");

const KATO_HEADER: [&str; 5] = ["code", "parent_code", "level", "name_kk", "name_ru"];
const REGIONS_HEADER: [&str; 11] = [
    "kato_prefix",
    "name_kk",
    "name_ru",
    "name_en",
    "centre_kk",
    "centre_ru",
    "centre_en",
    "centre_lat",
    "centre_lon",
    "population_2024_approx",
    "kind",
];

/// The id of the bundled classifier version.
pub const BUNDLED_VERSION_ID: &str = "KATO-11-2025@2026-07-17";

/// One of the 20 top-level territories with what `data/regions.csv` says of it.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionInfo {
    /// `AB0000000`.
    pub code: Kato,
    pub name_kk: String,
    pub name_ru: String,
    pub name_en: String,
    /// The administrative centre.
    pub centre_kk: String,
    pub centre_ru: String,
    pub centre_en: String,
    /// Approximate coordinates of the centre, degrees.
    pub centre_lat: f64,
    pub centre_lon: f64,
    /// Approximate population at the start of 2024; for synthetic proportions only.
    pub population: u64,
    /// Astana, Almaty and Shymkent: cities of republican significance.
    pub republican_city: bool,
}

/// The version of the bundled tree: KATO НК РК 11-2025 as of 17.07.2026.
pub fn bundled_version() -> TreeVersion {
    TreeVersion { id: BUNDLED_VERSION_ID.to_owned(), as_of: date!(2026 - 07 - 17) }
}

/// The bundled classifier, parsed on first use.
///
/// The bundled files are checked by this crate's tests (`bundled_tree_parses`), so the empty
/// fallback below is unreachable in a tested build; it exists so that no code path can panic.
pub fn bundled() -> &'static TerritoryTree {
    static TREE: OnceLock<TerritoryTree> = OnceLock::new();
    TREE.get_or_init(|| {
        parse_tree(KATO_CSV, REGIONS_CSV, bundled_version()).unwrap_or_else(|_| TerritoryTree {
            version: bundled_version(),
            nodes: BTreeMap::new(),
            children: BTreeMap::new(),
        })
    })
}

/// The 20 rows of the bundled `regions.csv`, in code order (empty only if the bundled file were
/// broken, which the tests rule out).
pub fn bundled_regions() -> &'static [RegionInfo] {
    static REGIONS: OnceLock<Vec<RegionInfo>> = OnceLock::new();
    REGIONS.get_or_init(|| parse_regions(REGIONS_CSV).unwrap_or_default())
}

/// Parses a classifier file and the regions file into a tree.
///
/// Every `regions.csv` row must name a region of the classifier; regions it does not list have
/// no English name.
pub fn parse_tree(
    kato_csv: &str,
    regions_csv: &str,
    version: TreeVersion,
) -> Result<TerritoryTree, TreeError> {
    let regions = parse_regions(regions_csv)?;
    let rows = parse_kato_rows(kato_csv)?;

    let kinds: BTreeMap<Kato, NameKind> =
        rows.iter().map(|r| (r.code, name_kind(r.code.level(), &r.name_ru))).collect();
    let english: BTreeMap<Kato, &str> =
        regions.iter().map(|r| (r.code, r.name_en.as_str())).collect();
    for (index, region) in regions.iter().enumerate() {
        if !kinds.contains_key(&region.code) {
            return Err(TreeError::Csv {
                line: index as u64 + 2,
                reason: format!(
                    "regions file: region {} is not in the classifier",
                    region.code.ab()
                ),
            });
        }
    }

    let territories = rows
        .into_iter()
        .map(|r| {
            let kind = kinds.get(&r.code).copied().unwrap_or(NameKind::Unrecognised);
            let parent_kind = r.parent.and_then(|p| kinds.get(&p).copied());
            Territory {
                code: r.code,
                parent: r.parent,
                level: r.code.level(),
                name_en: english.get(&r.code).map(|s| (*s).to_owned()),
                settlement_type: settlement_type(r.code, kind, parent_kind),
                name_kk: r.name_kk,
                name_ru: r.name_ru,
            }
        })
        .collect();
    TerritoryTree::from_territories(version, territories)
}

/// Parses `regions.csv`; rows come back in code order.
pub fn parse_regions(regions_csv: &str) -> Result<Vec<RegionInfo>, TreeError> {
    let mut reader = csv_reader(regions_csv);
    check_header(&mut reader, &REGIONS_HEADER, "regions file")?;
    let mut regions = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        let line = line_of(&record);
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let bad = |what: &str, value: &str| TreeError::Csv {
            line,
            reason: format!("regions file: {what} {value:?}"),
        };
        let prefix = field(0);
        let ab: u32 = match prefix.parse() {
            Ok(ab) if prefix.len() == 2 && (10..=99).contains(&ab) => ab,
            _ => return Err(bad("kato_prefix is not two digits from 10 to 99:", prefix)),
        };
        let code = Kato::from_u32(ab * 10_000_000).map_err(|_| bad("bad kato_prefix", prefix))?;
        let republican_city = match field(10) {
            "oblast" => false,
            "city of republican significance" => true,
            other => {
                return Err(bad(
                    "kind is neither \"oblast\" nor \"city of republican significance\":",
                    other,
                ));
            }
        };
        let text = |i: usize, what: &str| -> Result<String, TreeError> {
            let value = field(i);
            if value.is_empty() { Err(bad(what, "")) } else { Ok(value.to_owned()) }
        };
        let coordinate = |i: usize, what: &str, limit: f64| -> Result<f64, TreeError> {
            match field(i).parse::<f64>() {
                Ok(v) if v.is_finite() && v.abs() <= limit => Ok(v),
                _ => Err(bad(what, field(i))),
            }
        };
        regions.push(RegionInfo {
            code,
            name_kk: text(1, "empty name_kk")?,
            name_ru: text(2, "empty name_ru")?,
            name_en: text(3, "empty name_en")?,
            centre_kk: text(4, "empty centre_kk")?,
            centre_ru: text(5, "empty centre_ru")?,
            centre_en: text(6, "empty centre_en")?,
            centre_lat: coordinate(7, "centre_lat is not a latitude:", 90.0)?,
            centre_lon: coordinate(8, "centre_lon is not a longitude:", 180.0)?,
            population: field(9)
                .parse()
                .map_err(|_| bad("population_2024_approx is not a whole number:", field(9)))?,
            republican_city,
        });
    }
    let mut seen = BTreeMap::new();
    for (index, region) in regions.iter().enumerate() {
        if let Some(first) = seen.insert(region.code, index) {
            return Err(TreeError::Csv {
                line: index as u64 + 2,
                reason: format!(
                    "regions file: region {} already on line {}",
                    region.code.ab(),
                    first + 2
                ),
            });
        }
    }
    regions.sort_by_key(|r| r.code);
    Ok(regions)
}

/// A classifier row, names already repaired.
struct KatoRow {
    code: Kato,
    parent: Option<Kato>,
    name_kk: String,
    name_ru: String,
}

fn parse_kato_rows(kato_csv: &str) -> Result<Vec<KatoRow>, TreeError> {
    let mut reader = csv_reader(kato_csv);
    check_header(&mut reader, &KATO_HEADER, "classifier")?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        let line = line_of(&record);
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let bad = |reason: String| TreeError::Csv { line, reason };
        let code: Kato = field(0).parse().map_err(|e| bad(format!("code {:?}: {e}", field(0))))?;
        let parent = match field(1) {
            "" => None,
            p => Some(p.parse::<Kato>().map_err(|e| bad(format!("parent_code {p:?}: {e}")))?),
        };
        let level = field(2);
        if level != code.level().number().to_string() {
            return Err(bad(format!(
                "level {level:?} does not match code {code}, which is at level {}",
                code.level().number()
            )));
        }
        let name_kk = fix_legacy_font(field(3)).into_owned();
        let name_ru = fix_legacy_font(field(4)).into_owned();
        if name_kk.is_empty() || name_ru.is_empty() {
            return Err(bad(format!("territory {code} has an empty name")));
        }
        rows.push(KatoRow { code, parent, name_kk, name_ru });
    }
    Ok(rows)
}

fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(text.as_bytes())
}

fn check_header(
    reader: &mut csv::Reader<&[u8]>,
    expected: &[&str],
    file: &str,
) -> Result<(), TreeError> {
    let found = reader.headers().map_err(csv_error)?;
    if found.iter().map(str::trim).ne(expected.iter().copied()) {
        return Err(TreeError::Csv {
            line: 1,
            reason: format!(
                "{file}: header is {:?}, expected {:?}",
                found.iter().collect::<Vec<_>>().join(","),
                expected.join(",")
            ),
        });
    }
    Ok(())
}

fn line_of(record: &csv::StringRecord) -> u64 {
    record.position().map_or(0, csv::Position::line)
}

fn csv_error(error: csv::Error) -> TreeError {
    let line = error.position().map_or(0, csv::Position::line);
    TreeError::Csv { line, reason: error.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::territory::SettlementType;

    const KATO: &str = "code,parent_code,level,name_kk,name_ru\n\
        100000000,,1,Абай облысы,область Абай\n\
        101000000,100000000,2,Семей Қ.Ә.,Семей Г.А.\n\
        101010000,101000000,3,Семей қ.,г.Семей\n";
    const REGIONS: &str = "kato_prefix,name_kk,name_ru,name_en,centre_kk,centre_ru,centre_en,\
        centre_lat,centre_lon,population_2024_approx,kind\n\
        10,Абай облысы,область Абай,Abai Region,Семей,Семей,Semey,50.41,80.23,603000,oblast\n";

    fn tree(kato: &str, regions: &str) -> Result<TerritoryTree, TreeError> {
        parse_tree(kato, regions, bundled_version())
    }

    fn line_of_error(result: Result<TerritoryTree, TreeError>) -> (u64, String) {
        match result {
            Err(TreeError::Csv { line, reason }) => (line, reason),
            other => panic!("expected a CSV error, got {other:?}"),
        }
    }

    #[test]
    fn small_tree_reads_with_english_names_and_types() {
        let t = tree(KATO, REGIONS).unwrap();
        assert_eq!(t.len(), 3);
        let region = t.get("100000000".parse().unwrap()).unwrap();
        assert_eq!(region.name_en.as_deref(), Some("Abai Region"));
        let city = t.get("101010000".parse().unwrap()).unwrap();
        assert_eq!(city.settlement_type, SettlementType::OblastCity);
        assert_eq!(city.name_en, None);
    }

    #[test]
    fn names_are_repaired_while_reading() {
        let kato = format!("{KATO}101010100,101010000,4,Форт-Шевченко ќ.,г.Форт-Шевченко\n");
        let t = tree(&kato, REGIONS).unwrap();
        assert_eq!(t.get("101010100".parse().unwrap()).unwrap().name_kk, "Форт-Шевченко қ.");
    }

    #[test]
    fn classifier_errors_name_their_line() {
        let (line, reason) = line_of_error(tree(&format!("{KATO}10101010X,,4,а,б\n"), REGIONS));
        assert_eq!(line, 5);
        assert!(reason.contains("10101010X"), "{reason}");
        let (line, reason) =
            line_of_error(tree(&format!("{KATO}101010100,101010000,3,а,б\n"), REGIONS));
        assert_eq!(line, 5);
        assert!(reason.contains("level"), "{reason}");
        let (line, _) = line_of_error(tree(&format!("{KATO}101010100,101010000,4,,б\n"), REGIONS));
        assert_eq!(line, 5);
        let (line, _) = line_of_error(tree(&format!("{KATO}101010100,101010000,4\n"), REGIONS));
        assert_eq!(line, 5);
        let (line, reason) = line_of_error(tree("code,parent,level,kk,ru\n", REGIONS));
        assert_eq!(line, 1);
        assert!(reason.contains("header"), "{reason}");
        let missing = tree(&format!("{KATO}102010100,102000000,4,а,б\n"), REGIONS).unwrap_err();
        assert_eq!(missing.code(), "territory.missing_parent");
        let twice = tree(&format!("{KATO}101010000,101000000,3,а,г.б\n"), REGIONS).unwrap_err();
        assert_eq!(twice.code(), "territory.duplicate");
    }

    #[test]
    fn regions_errors_name_their_line() {
        let row = |r: &str| format!("{REGIONS}{r}\n");
        let (line, reason) = line_of_error(tree(KATO, &row("1,А,А,A,Ц,Ц,C,50.0,80.0,1,oblast")));
        assert_eq!(line, 3);
        assert!(reason.contains("kato_prefix"), "{reason}");
        let (_, reason) = line_of_error(tree(KATO, &row("11,А,А,A,Ц,Ц,C,50.0,80.0,1,town")));
        assert!(reason.contains("kind"), "{reason}");
        let (_, reason) = line_of_error(tree(KATO, &row("11,А,А,A,Ц,Ц,C,95.0,80.0,1,oblast")));
        assert!(reason.contains("centre_lat"), "{reason}");
        let (_, reason) = line_of_error(tree(KATO, &row("11,А,А,A,Ц,Ц,C,50.0,80.0,-1,oblast")));
        assert!(reason.contains("population"), "{reason}");
        let (_, reason) = line_of_error(tree(KATO, &row("11,А,А,,Ц,Ц,C,50.0,80.0,1,oblast")));
        assert!(reason.contains("name_en"), "{reason}");
        let (line, reason) = line_of_error(tree(KATO, &row("10,А,А,A,Ц,Ц,C,50.0,80.0,1,oblast")));
        assert_eq!(line, 3);
        assert!(reason.contains("already on line 2"), "{reason}");
        // A region the classifier does not have.
        let (line, reason) = line_of_error(tree(KATO, &row("11,А,А,A,Ц,Ц,C,50.0,80.0,1,oblast")));
        assert_eq!(line, 3);
        assert!(reason.contains("not in the classifier"), "{reason}");
    }
}
