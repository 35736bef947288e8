//! The JSON shapes of the API. They are the API's contract, kept apart from the domain and
//! store types so that an internal change cannot silently change what clients receive.
//! Dates are ISO 8601 strings (`2026-11-30`), instants RFC 3339 strings in UTC
//! (`2026-11-30T10:00:00Z`); money is whole tenge as an integer.

use serde::Serialize;
use shanyraq_domain::dates::iso;
use shanyraq_domain::{
    Disability, Family, KatoLevel, Language, Membership, ObservationValue, Person, PersonName,
    Role, SettlementType, Sex, Source, Territory,
};
use shanyraq_store::{FamilySummary, StoredObservation};
use time::Date;
use utoipa::ToSchema;

/// Mirrors a domain enum as a documented string enum.
macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident from $domain:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl From<$domain> for $name {
            fn from(v: $domain) -> $name {
                match v { $($domain::$variant => $name::$variant),+ }
            }
        }
    };
}

mod access_log;
mod assessment;
mod batch;

pub use access_log::{AccessLogEntryView, AccessLogPage, OutcomeView};
pub use assessment::{
    AudienceView, ExplanationLineView, FamilyAssessmentView, HistoryEntryView, LevelCountsView,
    LevelLetter, LevelStatsView, LevelTotalsView, LevelView, LineKindView, MethodologyView,
    MovementView, TerritoryLevelsView, TriggerView,
};
pub(crate) use batch::rfc3339;
pub use batch::{BatchCountsView, BatchListPage, BatchStatusView, BatchView, UploadView};

string_enum!(
    /// Where in the KATO tree a territory sits: region (oblast or city of republican
    /// significance), district, okrug (rural okrug, town or city district), settlement.
    Level from KatoLevel { Region, District, Okrug, Settlement }
);
string_enum!(
    /// What kind of place a territory is.
    SettlementKind from SettlementType {
        Capital, RepublicanCity, OblastCity, DistrictCentre, RuralOkrug, RuralSettlement
    }
);
string_enum!(
    /// A member's role in the family.
    MemberRole from Role { Head, Spouse, Child, Parent, Other }
);
string_enum!(
    /// Sex as recorded.
    PersonSex from Sex { Male, Female }
);
string_enum!(
    /// The language a person prefers to be addressed in.
    PersonLanguage from Language { Kk, Ru }
);
string_enum!(
    /// A disability decision in force: adult groups 1–3, or a child with disability.
    DisabilityKind from Disability { Group1, Group2, Group3, Child }
);
string_enum!(
    /// Who reported a fact.
    FactSource from Source {
        Tax, Labour, Health, Education, Police, Property, Benefits, CivilRegistry, SelfReported,
        FieldVisit
    }
);

/// A name in the three interface languages; `en` is known only for regions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LocalizedName {
    pub kk: String,
    pub ru: String,
    pub en: Option<String>,
}

/// A territory in short: one step of an ancestry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TerritoryRef {
    /// KATO code, nine digits.
    #[schema(example = "113820100")]
    pub code: String,
    pub level: Level,
    pub name: LocalizedName,
}

/// A territory of the KATO classifier with the territories above it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TerritoryView {
    #[schema(example = "113820100")]
    pub code: String,
    pub level: Level,
    /// The code of the territory above, `null` for a region.
    pub parent: Option<String>,
    pub name: LocalizedName,
    pub settlement_type: SettlementKind,
    /// From the region down to the parent.
    pub ancestry: Vec<TerritoryRef>,
}

impl TerritoryRef {
    pub fn new(t: &Territory) -> TerritoryRef {
        TerritoryRef { code: t.code.to_string(), level: t.level.into(), name: name_of(t) }
    }
}

impl TerritoryView {
    pub fn new(t: &Territory, ancestry: &[Territory]) -> TerritoryView {
        TerritoryView {
            code: t.code.to_string(),
            level: t.level.into(),
            parent: t.parent.map(|p| p.to_string()),
            name: name_of(t),
            settlement_type: t.settlement_type.into(),
            ancestry: ancestry.iter().map(TerritoryRef::new).collect(),
        }
    }
}

/// A territory's name in `lang`, with the language it is actually in: the tree has English
/// names only for regions, and other territories keep their Kazakh name on English pages.
pub fn localized_name(t: &Territory, lang: crate::Lang) -> (&str, crate::Lang) {
    match (lang, &t.name_en) {
        (crate::Lang::Kk, _) => (&t.name_kk, crate::Lang::Kk),
        (crate::Lang::Ru, _) => (&t.name_ru, crate::Lang::Ru),
        (crate::Lang::En, Some(en)) => (en, crate::Lang::En),
        (crate::Lang::En, None) => (&t.name_kk, crate::Lang::Kk),
    }
}

fn name_of(t: &Territory) -> LocalizedName {
    LocalizedName { kk: t.name_kk.clone(), ru: t.name_ru.clone(), en: t.name_en.clone() }
}

/// A person's name as the civil registry holds it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NameView {
    pub last: String,
    pub first: String,
    pub patronymic: Option<String>,
    /// "Last First Patronymic", as lists are sorted in kk and ru.
    pub full: String,
}

impl From<&PersonName> for NameView {
    fn from(n: &PersonName) -> NameView {
        NameView {
            last: n.last.clone(),
            first: n.first.clone(),
            patronymic: n.patronymic.clone(),
            full: n.full(),
        }
    }
}

/// A data-quality warning about a person's IIN: its structure disagrees with the record, or
/// the IIN as reported by the source is not valid. Never a reason to reject the record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IinWarning {
    /// e.g. `iin.birth_date_mismatch`, `iin.sex_mismatch`, `iin.century_digit`,
    /// `iin.impossible_date`, or an IIN error code such as `iin.check_digit`.
    #[schema(example = "iin.birth_date_mismatch")]
    pub code: String,
    /// In the request's language.
    pub message: String,
}

/// A person.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonView {
    pub id: i64,
    /// A valid IIN, or `null` (newborns, foreigners, or an IIN that did not parse).
    #[schema(example = "791028302728")]
    pub iin: Option<String>,
    /// What the source reported when it was not a valid IIN.
    pub iin_as_reported: Option<String>,
    pub name: NameView,
    #[schema(format = Date, example = "1979-10-28")]
    pub birth_date: String,
    pub sex: PersonSex,
    pub language: Option<PersonLanguage>,
    pub phone: Option<String>,
    pub disability: Option<DisabilityKind>,
    #[schema(format = Date)]
    pub death_date: Option<String>,
    /// Empty when the IIN agrees with the record.
    pub iin_warnings: Vec<IinWarning>,
}

impl PersonView {
    pub fn new(p: &Person, iin_warnings: Vec<IinWarning>) -> PersonView {
        PersonView {
            id: p.id.0,
            iin: p.iin.map(|i| i.to_string()),
            iin_as_reported: p.iin_as_reported.clone(),
            name: (&p.name).into(),
            birth_date: iso(p.birth_date),
            sex: p.sex.into(),
            language: p.language.map(Into::into),
            phone: p.phone.clone(),
            disability: p.disability.map(Into::into),
            death_date: p.death_date.map(iso),
            iin_warnings,
        }
    }
}

/// One person's membership of a family, with the person.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberView {
    pub role: MemberRole,
    #[schema(format = Date)]
    pub from: String,
    /// Exclusive; `null` while the membership lasts.
    #[schema(format = Date)]
    pub until: Option<String>,
    /// Whether the membership holds today.
    pub current: bool,
    pub person: PersonView,
}

impl MemberView {
    pub fn new(m: &Membership, person: PersonView, today: Date) -> MemberView {
        MemberView {
            role: m.role.into(),
            from: iso(m.from),
            until: m.until.map(iso),
            current: m.holds_on(today),
            person,
        }
    }
}

/// Where a family lives.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AddressView {
    /// The deepest KATO code known for the address.
    #[schema(example = "113820100")]
    pub territory: String,
    pub street: Option<String>,
    pub house: Option<String>,
    pub flat: Option<String>,
}

/// The kind of an observation's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ValueKindView {
    /// Whole tenge, an integer.
    Money,
    /// An integer.
    Count,
    /// A boolean.
    Flag,
    /// A code of the indicator's enumeration, a string.
    Code,
    /// An ISO 8601 date, a string.
    Date,
}

/// An observation's value: an integer (money in tenge, counts), a boolean (flags) or a string
/// (codes, dates). `kind` says which.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ValueView {
    Integer(i64),
    Flag(bool),
    Text(String),
}

/// The latest fact for one indicator and subject, with where it came from.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ObservationView {
    pub id: i64,
    /// A key of the indicator catalogue, e.g. `income.wage`, `housing.tenure`.
    #[schema(example = "income.wage")]
    pub indicator: String,
    pub kind: ValueKindView,
    pub value: ValueView,
    /// The member it is about; `null` for facts about the household.
    pub person: Option<i64>,
    pub source: FactSource,
    #[schema(format = Date)]
    pub observed_at: String,
    #[schema(format = Date)]
    pub valid_from: String,
    /// Exclusive; `null` while the fact holds.
    #[schema(format = Date)]
    pub valid_until: Option<String>,
    /// The import batch that brought it (see `/api/v1/batches/{id}`).
    pub batch: i64,
    /// The line of the batch's feed file the fact came from (1 is the header); with `batch`, its
    /// provenance. `null` for facts not loaded from a file, such as the generator's.
    pub line: Option<u64>,
    /// Visible only to roles granted the sensitive category once access control exists.
    pub sensitive: bool,
}

impl From<&StoredObservation> for ObservationView {
    fn from(s: &StoredObservation) -> ObservationView {
        let o = &s.observation;
        let (kind, value) = match &o.value {
            ObservationValue::Money(t) => (ValueKindView::Money, ValueView::Integer(t.0)),
            ObservationValue::Count(n) => (ValueKindView::Count, ValueView::Integer(*n)),
            ObservationValue::Flag(b) => (ValueKindView::Flag, ValueView::Flag(*b)),
            ObservationValue::Code(c) => (ValueKindView::Code, ValueView::Text(c.clone())),
            ObservationValue::Date(d) => (ValueKindView::Date, ValueView::Text(iso(*d))),
        };
        ObservationView {
            id: s.id.0,
            indicator: o.indicator.as_str().to_owned(),
            kind,
            value,
            person: o.person.map(|p| p.0),
            source: o.source.into(),
            observed_at: iso(o.observed_at),
            valid_from: iso(o.valid_from),
            valid_until: o.valid_until.map(iso),
            batch: o.batch.0,
            line: s.line,
            sensitive: o.indicator.def().category.is_some(),
        }
    }
}

/// The family card: the family, its members (current and past) and its latest facts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FamilyView {
    pub id: i64,
    pub address: AddressView,
    /// The address's territory; `null` only if the tree lacks its code.
    pub territory: Option<TerritoryView>,
    pub settlement_type: SettlementKind,
    #[schema(format = Date)]
    pub registered_on: String,
    /// In membership order.
    pub members: Vec<MemberView>,
    /// The latest observation per indicator and subject.
    pub latest_observations: Vec<ObservationView>,
}

impl FamilyView {
    pub fn new(
        f: &Family,
        territory: Option<TerritoryView>,
        members: Vec<MemberView>,
        latest_observations: Vec<ObservationView>,
    ) -> FamilyView {
        FamilyView {
            id: f.id.0,
            address: AddressView {
                territory: f.address.territory.to_string(),
                street: f.address.street.clone(),
                house: f.address.house.clone(),
                flat: f.address.flat.clone(),
            },
            territory,
            settlement_type: f.settlement_type.into(),
            registered_on: iso(f.registered_on),
            members,
            latest_observations,
        }
    }
}

/// A line in a list of families.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FamilyListItem {
    pub id: i64,
    #[schema(example = "113820100")]
    pub territory: String,
    pub settlement_type: SettlementKind,
    /// The current head, if the family has one.
    pub head: Option<NameView>,
    /// Current members.
    pub member_count: u32,
    /// Where the family card is.
    #[schema(example = "/api/v1/families/42")]
    pub href: String,
}

impl From<&FamilySummary> for FamilyListItem {
    fn from(s: &FamilySummary) -> FamilyListItem {
        FamilyListItem {
            id: s.id.0,
            territory: s.territory.to_string(),
            settlement_type: s.settlement_type.into(),
            head: s.head.as_ref().map(Into::into),
            member_count: s.member_count,
            href: format!("/api/v1/families/{}", s.id.0),
        }
    }
}

/// A page of the families living in a territory's subtree, in (territory code, id) order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FamilyListPage {
    pub territory: TerritoryView,
    pub items: Vec<FamilyListItem>,
    /// Pass as `after` to get the next page; `null` on the last page. Opaque.
    #[schema(example = "113820100.42")]
    pub next: Option<String>,
    /// The page size used.
    pub limit: u32,
}

/// A family a person belongs or belonged to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonMembershipView {
    pub family: i64,
    pub role: MemberRole,
    #[schema(format = Date)]
    pub from: String,
    #[schema(format = Date)]
    pub until: Option<String>,
    pub current: bool,
    #[schema(example = "/api/v1/families/42")]
    pub href: String,
}

impl PersonMembershipView {
    pub fn new(m: &Membership, today: Date) -> PersonMembershipView {
        PersonMembershipView {
            family: m.family.0,
            role: m.role.into(),
            from: iso(m.from),
            until: m.until.map(iso),
            current: m.holds_on(today),
            href: format!("/api/v1/families/{}", m.family.0),
        }
    }
}

/// A person with the families they belong or belonged to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonDetail {
    pub person: PersonView,
    pub memberships: Vec<PersonMembershipView>,
}

/// The service is up and its database answers at the schema version this build needs.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HealthView {
    #[schema(example = "ok")]
    pub status: String,
    /// The schema version the database is at.
    pub schema_version: u32,
    /// The schema version this build needs.
    pub supported_schema_version: u32,
    /// `sqlite` or `postgres`.
    #[schema(example = "sqlite")]
    pub backend: String,
    /// The version of this program.
    #[schema(example = "0.1.0")]
    pub version: String,
}
