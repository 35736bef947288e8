//! Data the contract suite writes: a small territory tree with real codes, a handful of families
//! whose every detail the tests know, and a generator for bulk chunks. All synthetic.

use shanyraq_domain::indicators::{HOUSING_CODES, Subject, ValueKind};
use shanyraq_domain::{
    Address, BatchId, Family, FamilyId, Iin, ImportBatch, IndicatorKey, Kato, KatoLevel,
    Membership, Observation, ObservationValue, Person, PersonId, PersonName, Role, SettlementType,
    Sex, Tenge, Territory, TerritoryTree, TreeVersion,
};
use time::macros::{date, datetime};
use time::{Date, Duration};

use crate::assessment::MethodologyRecord;
use crate::offers::NewOffer;
use crate::records::{NextIds, PopulationChunk};

/// The batch most fixture observations come from.
pub const BATCH_MAIN: BatchId = BatchId(1);
/// A later batch with a few newer facts.
pub const BATCH_UPDATE: BatchId = BatchId(2);

/// The day listings are asked for unless a test names another: after every dated change in
/// [`sample`] and [`generated`], so that the fixtures' current members are the ones they end with.
pub const LISTED_ON: Date = date!(2026 - 03 - 01);

/// Akmola region, Akkol district and its places, Kokshetau; Astana with two city districts.
pub const AKMOLA: u32 = 110_000_000;
pub const KOKSHETAU_GA: u32 = 111_000_000;
pub const KOKSHETAU: u32 = 111_010_000;
pub const AKKOL_DISTRICT: u32 = 113_200_000;
pub const AKKOL_OKRUG: u32 = 113_220_000;
pub const AKKOL_TOWN: u32 = 113_220_100;
pub const RADOVKA: u32 = 113_220_400;
pub const AZAT_OKRUG: u32 = 113_239_000;
pub const AZAT: u32 = 113_239_100;
pub const ASTANA: u32 = 710_000_000;
pub const ASTANA_ALMATY_DISTRICT: u32 = 711_110_000;
pub const ASTANA_ESIL_DISTRICT: u32 = 711_210_000;
/// Abai region: in the second tree only, and home to no fixture family.
pub const ABAI: u32 = 100_000_000;

/// A KATO code the fixtures know to be well formed.
pub fn kato(code: u32) -> Kato {
    Kato::from_u32(code).expect("fixture KATO codes are well formed")
}

fn territory(
    code: u32,
    parent: Option<u32>,
    level: KatoLevel,
    names: (&str, &str, Option<&str>),
    settlement_type: SettlementType,
) -> Territory {
    Territory {
        code: kato(code),
        parent: parent.map(kato),
        level,
        name_kk: names.0.to_owned(),
        name_ru: names.1.to_owned(),
        name_en: names.2.map(str::to_owned),
        settlement_type,
    }
}

/// Two regions: Akmola (a district with two okrugs and three villages, a city administration)
/// and Astana (city districts directly under the region, as the classifier has them).
pub fn tree() -> TerritoryTree {
    use KatoLevel::*;
    use SettlementType::*;
    let territories = vec![
        territory(
            AKMOLA,
            None,
            Region,
            ("Ақмола облысы", "Акмолинская область", Some("Akmola Region")),
            OblastCity,
        ),
        territory(
            KOKSHETAU_GA,
            Some(AKMOLA),
            District,
            ("Көкшетау Қ.Ә.", "Кокшетау Г.А.", None),
            OblastCity,
        ),
        territory(
            KOKSHETAU,
            Some(KOKSHETAU_GA),
            Okrug,
            ("Көкшетау қ.", "г.Кокшетау", None),
            OblastCity,
        ),
        territory(
            AKKOL_DISTRICT,
            Some(AKMOLA),
            District,
            ("Ақкөл ауданы", "Аккольский район", None),
            DistrictCentre,
        ),
        territory(
            AKKOL_OKRUG,
            Some(AKKOL_DISTRICT),
            Okrug,
            ("Ақкөл қ.ә.", "Аккольская г.а.", None),
            DistrictCentre,
        ),
        territory(
            AKKOL_TOWN,
            Some(AKKOL_OKRUG),
            Settlement,
            ("Ақкөл қ.", "г.Акколь", None),
            DistrictCentre,
        ),
        territory(
            RADOVKA,
            Some(AKKOL_OKRUG),
            Settlement,
            ("Радовка а.", "с.Радовка", None),
            RuralSettlement,
        ),
        territory(
            AZAT_OKRUG,
            Some(AKKOL_DISTRICT),
            Okrug,
            ("Азат а.ә.", "с.а.Азат", None),
            RuralOkrug,
        ),
        territory(AZAT, Some(AZAT_OKRUG), Settlement, ("Азат а.", "с.Азат", None), RuralSettlement),
        territory(ASTANA, None, Region, ("Астана қ.", "г.Астана", Some("Astana")), Capital),
        territory(
            ASTANA_ALMATY_DISTRICT,
            Some(ASTANA),
            Okrug,
            ("Алматы ауданы", "район Алматы", None),
            Capital,
        ),
        territory(
            ASTANA_ESIL_DISTRICT,
            Some(ASTANA),
            Okrug,
            ("Есіл ауданы", "район Есиль", None),
            Capital,
        ),
    ];
    let version =
        TreeVersion { id: "KATO-11-2025-sample@2026-07-17".into(), as_of: date!(2026 - 07 - 17) };
    TerritoryTree::from_territories(version, territories).expect("the fixture tree is a tree")
}

/// A different, smaller tree (Abai region only) to test that loading a tree replaces the old one.
pub fn other_tree() -> TerritoryTree {
    use KatoLevel::*;
    use SettlementType::*;
    let territories = vec![
        territory(
            ABAI,
            None,
            Region,
            ("Абай облысы", "область Абай", Some("Abai Region")),
            OblastCity,
        ),
        territory(
            101_000_000,
            Some(ABAI),
            District,
            ("Семей Қ.Ә.", "Семей Г.А.", None),
            OblastCity,
        ),
        territory(101_010_000, Some(101_000_000), Okrug, ("Семей қ.", "г.Семей", None), OblastCity),
    ];
    let version =
        TreeVersion { id: "KATO-11-2024@2025-01-01".into(), as_of: date!(2025 - 01 - 01) };
    TerritoryTree::from_territories(version, territories).expect("the other fixture tree is a tree")
}

/// The two import batches the fixture observations point at; the second is unfinished.
pub fn batches() -> [ImportBatch; 2] {
    [
        ImportBatch {
            id: BATCH_MAIN,
            feed: "synthetic".into(),
            label: "contract fixture, seed 1".into(),
            started_at: datetime!(2026-01-10 08:00:00 UTC),
            finished_at: Some(datetime!(2026-01-10 08:05:30 UTC)),
            rows_accepted: 120,
            rows_rejected: 3,
        },
        ImportBatch {
            id: BATCH_UPDATE,
            feed: "income".into(),
            label: "tax-2026-02.csv".into(),
            started_at: datetime!(2026-02-10 09:30:00 UTC),
            finished_at: None,
            rows_accepted: 0,
            rows_rejected: 0,
        },
    ]
}

/// A valid IIN for this birth date and sex, with the first serial from `serial` that has a
/// check digit.
pub fn iin_for(birth: Date, sex: Sex, serial: u16) -> Iin {
    (serial..serial.saturating_add(100))
        .find_map(|s| Iin::from_structure(birth, sex, s))
        .expect("some serial near the given one has a check digit")
}

fn person(id: i64, name: (&str, &str, Option<&str>), birth: Date, sex: Sex) -> Person {
    Person {
        id: PersonId(id),
        iin: Some(iin_for(birth, sex, u16::try_from(id * 10).unwrap_or(0))),
        iin_as_reported: None,
        name: PersonName {
            last: name.0.to_owned(),
            first: name.1.to_owned(),
            patronymic: name.2.map(str::to_owned),
        },
        birth_date: birth,
        sex,
        language: None,
        phone: None,
        disability: None,
        death_date: None,
    }
}

fn member(family: i64, person: i64, role: Role, from: Date, until: Option<Date>) -> Membership {
    Membership { family: FamilyId(family), person: PersonId(person), role, from, until }
}

fn family(id: i64, code: u32, st: SettlementType, addr: [Option<&str>; 3], on: Date) -> Family {
    Family {
        id: FamilyId(id),
        address: Address {
            territory: kato(code),
            street: addr[0].map(str::to_owned),
            house: addr[1].map(str::to_owned),
            flat: addr[2].map(str::to_owned),
        },
        settlement_type: st,
        registered_on: on,
    }
}

/// Persons of the sample, by id.
pub const P_ARMAN: PersonId = PersonId(1);
pub const P_AIGUL: PersonId = PersonId(2);
pub const P_NURLAN: PersonId = PersonId(3);
/// A newborn: no IIN yet, no patronymic.
pub const P_AYAULYM: PersonId = PersonId(4);
/// Left family 1 for family 2 (two memberships).
pub const P_ERLAN: PersonId = PersonId(5);
/// No valid IIN; `iin_as_reported` keeps what the source said.
pub const P_MARIA: PersonId = PersonId(6);
/// Died; family 3 has no current member.
pub const P_IVAN: PersonId = PersonId(7);

/// Families of the sample: 1 Akkol town, 2 Azat village, 3 Kokshetau, 4 Astana, 5 Radovka,
/// 6 known only to the Akkol district.
pub const F_SERIKBAYEV: FamilyId = FamilyId(1);
pub const F_ERLAN: FamilyId = FamilyId(2);
pub const F_PETROV: FamilyId = FamilyId(3);
pub const F_AKHMETOV: FamilyId = FamilyId(4);
pub const F_KIM: FamilyId = FamilyId(5);
pub const F_OMAROVA: FamilyId = FamilyId(6);

/// The value an observation of `indicator` takes in the catalogue sweep.
fn sweep_value(indicator: IndicatorKey) -> ObservationValue {
    match indicator.kind() {
        ValueKind::Money => ObservationValue::Money(Tenge(250_000)),
        ValueKind::Count => ObservationValue::Count(3),
        ValueKind::Flag => ObservationValue::Flag(true),
        ValueKind::Code => ObservationValue::Code(
            indicator.def().codes.first().copied().unwrap_or("unknown").to_owned(),
        ),
        ValueKind::Date => ObservationValue::Date(date!(2024 - 05 - 01)),
    }
}

#[allow(clippy::too_many_arguments)]
fn obs(
    family: FamilyId,
    person: Option<PersonId>,
    key: &str,
    value: ObservationValue,
    observed_at: Date,
    valid: (Date, Option<Date>),
    batch: BatchId,
) -> Observation {
    let indicator = IndicatorKey::named(key).expect("fixture indicators are in the catalogue");
    Observation {
        family,
        person,
        indicator,
        value,
        source: indicator.def().source,
        observed_at,
        valid_from: valid.0,
        valid_until: valid.1,
        batch,
    }
}

/// Six families, eleven persons, their memberships and observations: one observation of every
/// indicator of the catalogue (so every value kind the catalogue uses) for family 1, plus
/// histories where the latest value is not the one inserted last, ties on `observed_at` broken by
/// insertion order, and the same indicator about different subjects. Needs [`tree`] only for
/// lookups and [`batches`] stored first.
pub fn sample() -> PopulationChunk {
    use SettlementType::*;
    use Sex::*;
    let kk = Some(shanyraq_domain::Language::Kk);
    let ru = Some(shanyraq_domain::Language::Ru);
    let persons = vec![
        Person {
            language: kk,
            phone: Some("+77011234567".into()),
            ..person(1, ("Серікбаев", "Арман", Some("Қайратұлы")), date!(1985 - 01 - 01), Male)
        },
        Person {
            language: kk,
            ..person(2, ("Серікбаева", "Айгүл", Some("Маратқызы")), date!(1987 - 05 - 17), Female)
        },
        Person {
            language: kk,
            ..person(3, ("Серікбаев", "Нұрлан", Some("Арманұлы")), date!(2012 - 09 - 01), Male)
        },
        Person {
            iin: None,
            ..person(4, ("Серікбаева", "Аяулым", None), date!(2025 - 12 - 01), Female)
        },
        Person {
            language: kk,
            phone: Some("+77079876543".into()),
            ..person(5, ("Серікбаев", "Ерлан", Some("Арманұлы")), date!(2005 - 02 - 02), Male)
        },
        Person {
            iin: None,
            iin_as_reported: Some("50030840012".into()),
            language: ru,
            disability: Some(shanyraq_domain::Disability::Group2),
            ..person(6, ("Иванова", "Мария", Some("Петровна")), date!(1950 - 03 - 08), Female)
        },
        Person {
            language: ru,
            death_date: Some(date!(2026 - 01 - 15)),
            ..person(7, ("Петров", "Иван", Some("Сергеевич")), date!(1948 - 11 - 30), Male)
        },
        Person {
            language: kk,
            ..person(8, ("Ахметов", "Данияр", Some("Болатұлы")), date!(1990 - 07 - 07), Male)
        },
        Person {
            language: ru,
            ..person(9, ("Ахметова", "Жанна", Some("Сергеевна")), date!(1992 - 02 - 29), Female)
        },
        Person {
            language: ru,
            disability: Some(shanyraq_domain::Disability::Group3),
            ..person(10, ("Ким", "Виктор", Some("Александрович")), date!(1975 - 12 - 31), Male)
        },
        Person {
            language: kk,
            ..person(11, ("Омарова", "Гүлнар", Some("Ерболқызы")), date!(1968 - 06 - 15), Female)
        },
    ];
    let families = vec![
        family(
            1,
            AKKOL_TOWN,
            DistrictCentre,
            [Some("Сәкен Сейфуллин көшесі"), Some("12"), Some("3")],
            date!(2004 - 08 - 20),
        ),
        family(2, AZAT, RuralSettlement, [None, Some("5"), None], date!(2024 - 06 - 01)),
        family(
            3,
            KOKSHETAU,
            OblastCity,
            [Some("Абай көшесі"), Some("101"), Some("45")],
            date!(1999 - 04 - 12),
        ),
        family(
            4,
            ASTANA_ALMATY_DISTRICT,
            Capital,
            [Some("Мәңгілік Ел даңғылы"), Some("8"), Some("120")],
            date!(2019 - 09 - 09),
        ),
        family(5, RADOVKA, RuralSettlement, [None, None, None], date!(2010 - 01 - 15)),
        family(6, AKKOL_DISTRICT, RuralSettlement, [None, None, None], date!(2021 - 11 - 01)),
    ];
    let memberships = vec![
        member(1, 1, Role::Head, date!(2004 - 08 - 20), None),
        member(1, 2, Role::Spouse, date!(2004 - 08 - 20), None),
        member(1, 5, Role::Child, date!(2005 - 02 - 02), Some(date!(2024 - 06 - 01))),
        member(1, 3, Role::Child, date!(2012 - 09 - 01), None),
        member(1, 4, Role::Child, date!(2025 - 12 - 01), None),
        member(2, 5, Role::Head, date!(2024 - 06 - 01), None),
        member(2, 6, Role::Other, date!(2024 - 06 - 01), None),
        member(3, 7, Role::Head, date!(1999 - 04 - 12), Some(date!(2026 - 01 - 15))),
        member(4, 8, Role::Head, date!(2019 - 09 - 09), None),
        member(4, 9, Role::Spouse, date!(2019 - 09 - 09), None),
        member(5, 10, Role::Head, date!(2010 - 01 - 15), None),
        member(6, 11, Role::Head, date!(2021 - 11 - 01), None),
    ];
    let jan26 = date!(2026 - 01 - 10);
    let from26 = (date!(2026 - 01 - 01), None);
    let mut observations: Vec<Observation> = IndicatorKey::all()
        .map(|key| {
            let person = (key.subject() == Subject::Person).then_some(P_ARMAN);
            obs(F_SERIKBAYEV, person, key.as_str(), sweep_value(key), jan26, from26, BATCH_MAIN)
        })
        .collect();
    let f1 = F_SERIKBAYEV;
    let money = |n| ObservationValue::Money(Tenge(n));
    let code = |c: &str| ObservationValue::Code(c.to_owned());
    let flag = ObservationValue::Flag;
    let year25 = (date!(2025 - 01 - 01), Some(date!(2026 - 01 - 01)));
    observations.extend([
        // Older than the sweep, inserted after it: not the latest.
        obs(
            f1,
            Some(P_ARMAN),
            "income.wage",
            money(180_000),
            date!(2025 - 01 - 10),
            year25,
            BATCH_MAIN,
        ),
        // Newest wage, from the later batch.
        obs(
            f1,
            Some(P_ARMAN),
            "income.wage",
            money(265_000),
            date!(2026 - 02 - 10),
            (date!(2026 - 02 - 01), None),
            BATCH_UPDATE,
        ),
        // The same indicator about another member.
        obs(
            f1,
            Some(P_AIGUL),
            "income.wage",
            money(120_000),
            date!(2025 - 06 - 01),
            (date!(2025 - 06 - 01), Some(date!(2026 - 01 - 01))),
            BATCH_MAIN,
        ),
        // Same observed_at as the sweep's `own`, stored later: wins the tie.
        obs(f1, None, "housing.tenure", code("rent"), jan26, from26, BATCH_UPDATE),
        obs(
            f1,
            None,
            "housing.tenure",
            code("relatives"),
            date!(2020 - 05 - 05),
            (date!(2020 - 05 - 01), Some(date!(2023 - 01 - 01))),
            BATCH_MAIN,
        ),
        obs(
            f1,
            Some(P_ARMAN),
            "health.insured",
            flag(false),
            date!(2024 - 01 - 01),
            (date!(2024 - 01 - 01), None),
            BATCH_MAIN,
        ),
        obs(
            f1,
            Some(P_NURLAN),
            "health.insured",
            flag(false),
            date!(2025 - 09 - 01),
            (date!(2025 - 09 - 01), None),
            BATCH_MAIN,
        ),
        obs(
            f1,
            Some(P_NURLAN),
            "education.school_attached",
            flag(true),
            date!(2025 - 09 - 01),
            (date!(2025 - 09 - 01), None),
            BATCH_MAIN,
        ),
        obs(F_ERLAN, Some(P_MARIA), "income.pension", money(95_000), jan26, from26, BATCH_MAIN),
        obs(F_ERLAN, Some(P_MARIA), "disability.group", code("group2"), jan26, from26, BATCH_MAIN),
        obs(F_ERLAN, None, "housing.tenure", code("own"), jan26, from26, BATCH_MAIN),
        obs(F_ERLAN, Some(P_ERLAN), "income.wage", money(210_000), jan26, from26, BATCH_MAIN),
        obs(
            F_AKHMETOV,
            Some(PersonId(8)),
            "income.wage",
            money(410_000),
            jan26,
            from26,
            BATCH_MAIN,
        ),
    ]);
    PopulationChunk { persons, families, memberships, observations }
}

/// Places the generator spreads families over, with their settlement types.
pub fn places() -> Vec<(Kato, SettlementType)> {
    use SettlementType::*;
    [
        (AKKOL_TOWN, DistrictCentre),
        (RADOVKA, RuralSettlement),
        (AZAT, RuralSettlement),
        (KOKSHETAU, OblastCity),
        (ASTANA_ALMATY_DISTRICT, Capital),
        (ASTANA_ESIL_DISTRICT, Capital),
        (AKKOL_DISTRICT, RuralSettlement),
    ]
    .into_iter()
    .map(|(c, t)| (kato(c), t))
    .collect()
}

const LAST: [(&str, &str); 6] = [
    ("Жұмабаев", "Жұмабаева"),
    ("Смағұлов", "Смағұлова"),
    ("Кузнецов", "Кузнецова"),
    ("Нұрланов", "Нұрланова"),
    ("Тоқтаров", "Тоқтарова"),
    ("Павлов", "Павлова"),
];
const MALE: [&str; 5] = ["Асқар", "Дәулет", "Алексей", "Бауыржан", "Тимур"];
const FEMALE: [&str; 5] = ["Айжан", "Мадина", "Ольга", "Дана", "Сәуле"];

/// `families` families with keys from `first`, spread over `places` so that (territory, id)
/// order differs from id order; 1–5 members each, about ten observations per family from
/// `batch`. Deterministic. IINs are unique for up to about a million persons.
pub fn generated(
    first: NextIds,
    families: usize,
    batch: BatchId,
    places: &[(Kato, SettlementType)],
) -> PopulationChunk {
    let mut chunk = PopulationChunk {
        families: Vec::with_capacity(families),
        persons: Vec::with_capacity(families * 3),
        memberships: Vec::with_capacity(families * 3),
        observations: Vec::with_capacity(families * 10),
    };
    let mut next_person = first.person.0;
    let observed = date!(2026 - 03 - 01);
    let current = (date!(2026 - 03 - 01), None);
    for i in 0..families {
        let fid = FamilyId(first.family.0 + i as i64);
        let (territory, settlement_type) = places[(i * 7 + i / 3) % places.len()];
        let registered = date!(2000 - 01 - 01) + Duration::days((i % 9000) as i64);
        chunk.families.push(Family {
            id: fid,
            address: Address {
                territory,
                street: (i % 4 != 0).then(|| format!("{}-көше", i % 97)),
                house: Some(format!("{}", i % 150 + 1)),
                flat: (i % 3 == 0).then(|| format!("{}", i % 60 + 1)),
            },
            settlement_type,
            registered_on: registered,
        });
        let size = 1 + i % 5;
        let surname = LAST[i % LAST.len()];
        for slot in 0..size {
            let pid = next_person;
            next_person += 1;
            let (role, sex, base) = match slot {
                0 => (
                    Role::Head,
                    if i % 3 == 0 { Sex::Female } else { Sex::Male },
                    date!(1960 - 01 - 01),
                ),
                1 => (Role::Spouse, Sex::Female, date!(1963 - 01 - 01)),
                _ => (
                    Role::Child,
                    if pid % 2 == 0 { Sex::Male } else { Sex::Female },
                    date!(2006 - 01 - 01),
                ),
            };
            let birth = base + Duration::days(pid / 10_000 + (i % 7) as i64 * 400);
            let serial = u16::try_from(pid % 10_000).unwrap_or(0);
            let iin = if pid % 40 == 0 { None } else { Iin::from_structure(birth, sex, serial) };
            let iin_as_reported = (iin.is_none() && pid % 80 == 0).then(|| format!("{pid:011}"));
            let (last, first_name) = match sex {
                Sex::Male => (surname.0, MALE[(pid as usize) % MALE.len()]),
                Sex::Female => (surname.1, FEMALE[(pid as usize) % FEMALE.len()]),
            };
            chunk.persons.push(Person {
                id: PersonId(pid),
                iin,
                iin_as_reported,
                name: PersonName {
                    last: last.to_owned(),
                    first: first_name.to_owned(),
                    patronymic: (pid % 5 != 0).then(|| "Серікұлы".to_owned()),
                },
                birth_date: birth,
                sex,
                language: Some(if i % 2 == 0 {
                    shanyraq_domain::Language::Kk
                } else {
                    shanyraq_domain::Language::Ru
                }),
                phone: (slot == 0).then(|| format!("+770{:08}", pid % 100_000_000)),
                disability: None,
                death_date: None,
            });
            let joined = if slot >= 2 { birth.max(registered) } else { registered };
            chunk.memberships.push(Membership {
                family: fid,
                person: PersonId(pid),
                role,
                from: joined,
                until: None,
            });
            let about = Some(PersonId(pid));
            chunk.observations.push(obs(
                fid,
                about,
                "health.insured",
                ObservationValue::Flag(pid % 9 != 0),
                observed,
                current,
                batch,
            ));
            if slot < 2 {
                let wage = 85_000 + (pid % 40) * 9_000;
                chunk.observations.push(obs(
                    fid,
                    about,
                    "income.wage",
                    ObservationValue::Money(Tenge(wage - 5_000)),
                    date!(2025 - 03 - 01),
                    (date!(2025 - 03 - 01), Some(date!(2026 - 03 - 01))),
                    batch,
                ));
                chunk.observations.push(obs(
                    fid,
                    about,
                    "income.wage",
                    ObservationValue::Money(Tenge(wage)),
                    observed,
                    current,
                    batch,
                ));
            } else {
                chunk.observations.push(obs(
                    fid,
                    about,
                    "education.school_attached",
                    ObservationValue::Flag(true),
                    observed,
                    current,
                    batch,
                ));
            }
        }
        let tenure = HOUSING_CODES[i % HOUSING_CODES.len()].to_owned();
        chunk.observations.push(obs(
            fid,
            None,
            "housing.tenure",
            ObservationValue::Code(tenure),
            observed,
            current,
            batch,
        ));
        chunk.observations.push(obs(
            fid,
            None,
            "housing.rooms",
            ObservationValue::Count(1 + (i % 5) as i64),
            observed,
            current,
            batch,
        ));
        chunk.observations.push(obs(
            fid,
            None,
            "property.vehicle_count",
            ObservationValue::Count((i % 3) as i64),
            observed,
            current,
            batch,
        ));
    }
    chunk
}

/// The methodology version the assessment fixtures name.
pub const METHODOLOGY: &str = "ckc-2023-r1";

/// A methodology version taking effect on `effective_from`, with a short text of its own.
pub fn methodology(version: &str, effective_from: Date) -> MethodologyRecord {
    MethodologyRecord {
        version: version.to_owned(),
        effective_from,
        file_name: format!("data/methodology/{version}.toml"),
        source: format!(
            "version = \"{version}\"\neffective_from = {effective_from}\n\n[levels]\nB = 20\nC = 40\n"
        ),
        installed_at: datetime!(2026-03-01 09:00:00 UTC),
    }
}

/// An offer of `measure` to `person` of `family`, made on 2026-03-01 and awaited until
/// `expires_on`, with a message in Kazakh.
pub fn new_offer(family: FamilyId, person: PersonId, measure: &str, expires_on: Date) -> NewOffer {
    NewOffer {
        family,
        person,
        measure: measure.to_owned(),
        language: "kk".to_owned(),
        created_on: date!(2026 - 03 - 01),
        expires_on,
        message: format!("Сізге «{measure}» көмегі ұсынылады. Жауап: ИӘ немесе ЖОҚ."),
        address: Some(format!("+7701{:07}", person.0)),
    }
}
