//! The variables a methodology and the eligibility rules read: what a family's facts come to on
//! a date (its profile), and the figures of the day (ПМ, МРП, the poverty line).
//!
//! The catalogue of raw facts (`crate::indicators`) says what agencies report about people; this
//! one says what the assessment reasons about — per-capita income, members able to work, a
//! school-age child out of school. Methodology files and measure rules name these keys.

use serde::{Deserialize, Serialize};

use super::expr::{ExprType, Vocabulary};
use super::texts::Lang;
use crate::access::Category;

/// How a variable's value reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Tenge per month.
    Tenge,
    /// People or things.
    Count,
    Days,
    Hectares,
    SquareMetres,
    /// Yes or no (1 or 0).
    Flag,
}

impl Unit {
    pub fn expr_type(self) -> ExprType {
        match self {
            Unit::Flag => ExprType::Bool,
            _ => ExprType::Number,
        }
    }
}

macro_rules! variables {
    ($( $variant:ident = $key:literal, $unit:ident, $kk:literal, $ru:literal, $en:literal; )*) => {
        /// A variable of the assessment. Its discriminant is its slot in a [`super::Profile`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum Var { $( $variant, )* }

        impl Var {
            pub const ALL: &'static [Var] = &[$( Var::$variant, )*];
            pub const COUNT: usize = Var::ALL.len();

            /// The key methodology and measure files use.
            pub fn key(self) -> &'static str {
                match self { $( Var::$variant => $key, )* }
            }

            pub fn unit(self) -> Unit {
                match self { $( Var::$variant => Unit::$unit, )* }
            }

            /// What the variable is, in plain words, for explanations and documentation.
            pub fn name(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $(
                        (Var::$variant, Lang::Kk) => $kk,
                        (Var::$variant, Lang::Ru) => $ru,
                        (Var::$variant, Lang::En) => $en,
                    )*
                }
            }
        }
    };
}

variables! {
    // The figures of the day, for the family's region.
    Pm = "pm", Tenge,
        "ең төмен күнкөріс деңгейі", "прожиточный минимум", "subsistence minimum";
    Mrp = "mrp", Tenge,
        "айлық есептік көрсеткіш", "месячный расчётный показатель", "monthly calculation index";
    PovertyLine = "poverty_line", Tenge,
        "кедейлік шегі", "черта бедности", "poverty line";
    // Who lives in the family.
    Members = "members", Count,
        "отбасы мүшелері", "члены семьи", "family members";
    Adults = "adults", Count,
        "ересектер", "взрослые", "adults";
    Minors = "minors", Count,
        "18 жасқа толмаған балалар", "дети до 18 лет", "children under 18";
    ChildrenUnder1 = "children_under_1", Count,
        "1 жасқа толмаған балалар", "дети до 1 года", "children under 1";
    NewbornsThisYear = "newborns", Count,
        "соңғы 12 айда туған балалар", "дети, рождённые за последние 12 месяцев",
        "children born in the last 12 months";
    SchoolAgeChildren = "school_age_children", Count,
        "мектеп жасындағы балалар", "дети школьного возраста", "school-age children";
    // Income and credit.
    IncomeTotal = "income.total", Tenge,
        "отбасының айлық табысы", "месячный доход семьи", "monthly family income";
    IncomePerCapita = "income.per_capita", Tenge,
        "отбасының бір мүшесіне шаққандағы табыс", "доход на члена семьи",
        "income per family member";
    AdultsWithOverdueDebt = "debt.adults_overdue", Count,
        "мерзімі өткен қарызы бар ересектер", "взрослые с просроченным долгом",
        "adults with overdue debt";
    AllAdultsOverdue = "debt.all_adults_overdue", Flag,
        "барлық ересектердің мерзімі өткен қарызы бар", "у всех взрослых просроченный долг",
        "every adult has overdue debt";
    // Employment.
    WorkingMembers = "employment.working_members", Count,
        "жұмыс істейтін мүшелер", "работающие члены семьи", "working members";
    AbleBodiedMembers = "employment.able_bodied_members", Count,
        "еңбекке қабілетті мүшелер", "трудоспособные члены семьи", "members able to work";
    NoAbleBodied = "employment.no_able_bodied", Flag,
        "еңбекке қабілетті мүше жоқ", "нет трудоспособных членов семьи",
        "no member is able to work";
    RegisteredUnemployed = "employment.registered_unemployed", Count,
        "тіркелген жұмыссыздар", "зарегистрированные безработные", "registered unemployed";
    // Social protection.
    TargetedAssistance = "benefits.targeted_assistance", Tenge,
        "атаулы әлеуметтік көмек", "адресная социальная помощь", "targeted social assistance";
    ChildAllowance = "benefits.child_allowance", Tenge,
        "көпбалалы отбасыға жәрдемақы", "пособие многодетной семье", "large-family allowance";
    MembersWithBenefit = "benefits.members_with_benefit", Count,
        "жәрдемақы алатын мүшелер", "члены семьи, получающие пособие",
        "members receiving a benefit";
    // Health and disability.
    AdultsDisabilityGroup12 = "disability.adults_group_1_2", Count,
        "1-2 топтағы мүгедектігі бар ересектер", "взрослые с инвалидностью 1-2 группы",
        "adults with a group 1 or 2 disability";
    AdultsDisabilityGroup3 = "disability.adults_group_3", Count,
        "3 топтағы мүгедектігі бар ересектер", "взрослые с инвалидностью 3 группы",
        "adults with a group 3 disability";
    ChildrenWithDisability = "disability.children", Count,
        "мүгедектігі бар балалар", "дети с инвалидностью", "children with disability";
    UnattachedToClinic = "health.unattached_members", Count,
        "емханаға тіркелмеген мүшелер", "члены семьи без прикрепления к поликлинике",
        "members not attached to a clinic";
    Uninsured = "health.uninsured_members", Count,
        "сақтандырылмаған мүшелер", "члены семьи без медицинской страховки",
        "members without health insurance";
    ChronicallyIll = "health.chronic_members", Count,
        "созылмалы ауруы бар мүшелер", "члены семьи с хроническим заболеванием",
        "members with a chronic condition";
    Pregnant = "health.pregnant", Count,
        "жүкті әйелдер", "беременные", "pregnant women";
    // Education.
    SchoolAgeNotAttached = "education.school_age_not_attached", Count,
        "мектепке тіркелмеген мектеп жасындағы балалар",
        "дети школьного возраста, не прикреплённые к школе",
        "school-age children not attached to a school";
    MaxAbsenceDays = "education.max_absence_days", Days,
        "баланың мектепке бармаған ең көп күндері", "наибольшее число дней пропуска школы",
        "most school days missed by a child";
    PreschoolNotAttached = "education.preschool_not_attached", Count,
        "балабақшаға тіркелмеген 3-6 жастағы балалар",
        "дети 3-6 лет, не прикреплённые к детскому саду",
        "children aged 3-6 without a kindergarten place";
    // Housing and settlement.
    Homeless = "housing.none", Flag,
        "баспанасы жоқ", "нет жилья", "no housing";
    Renting = "housing.rented", Flag,
        "жалға алынған баспана", "арендованное жильё", "rented housing";
    AreaPerCapita = "housing.area_per_capita", SquareMetres,
        "бір адамға шаққандағы тұрғын үй алаңы", "жилая площадь на человека",
        "living space per person";
    Rural = "settlement.rural", Flag,
        "ауылдық елді мекен", "сельский населённый пункт", "rural settlement";
    // Movable property and agriculture.
    Vehicles = "property.vehicles", Count,
        "көліктер", "автомобили", "cars";
    RealEstate = "property.real_estate", Count,
        "жылжымайтын мүлік нысандары", "объекты недвижимости", "real estate";
    LandHa = "property.land_ha", Hectares,
        "жер учаскесі", "земельный участок", "land";
    Livestock = "property.livestock_heads", Count,
        "мал басы", "поголовье скота", "livestock";
    AgriMachinery = "property.agri_machinery", Count,
        "ауыл шаруашылығы техникасы", "сельхозтехника", "farm machinery";
    // Safety (sensitive).
    DomesticViolence = "police.domestic_violence", Flag,
        "тұрмыстық зорлық-зомбылық туралы ашық хабарлама",
        "открытое сообщение о бытовом насилии", "open domestic-violence report";
}

impl Var {
    /// The variable a key names.
    pub fn from_key(key: &str) -> Option<Var> {
        Var::ALL.iter().copied().find(|v| v.key() == key)
    }

    /// Its slot in a profile.
    pub fn slot(self) -> usize {
        self as usize
    }

    /// The sensitive category of the facts the variable comes from, if any: a line of an
    /// explanation that rests on it is shown only to readers granted that category (and the
    /// family's own wording speaks of violence in general words).
    pub fn category(self) -> Option<Category> {
        match self {
            Var::AdultsDisabilityGroup12
            | Var::AdultsDisabilityGroup3
            | Var::ChildrenWithDisability => Some(Category::Disability),
            Var::ChronicallyIll | Var::Pregnant => Some(Category::Health),
            Var::DomesticViolence => Some(Category::Violence),
            _ => None,
        }
    }
}

/// The vocabulary of methodology overrides and eligibility rules: every [`Var`] by key.
#[derive(Debug, Clone, Copy, Default)]
pub struct Variables;

impl Vocabulary for Variables {
    fn lookup(&self, name: &str) -> Option<(usize, ExprType)> {
        Var::from_key(name).map(|v| (v.slot(), v.unit().expr_type()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_methodology_guide_lists_every_variable() {
        let guide = include_str!("../../../../docs/methodology.md");
        for v in Var::ALL {
            assert!(guide.contains(&format!("| `{}` |", v.key())), "{} missing", v.key());
        }
    }

    #[test]
    fn keys_are_unique_and_slots_follow_the_list() {
        let mut keys: Vec<_> = Var::ALL.iter().map(|v| v.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Var::COUNT);
        for (i, v) in Var::ALL.iter().enumerate() {
            assert_eq!(v.slot(), i);
            assert_eq!(Var::from_key(v.key()), Some(*v));
            for l in Lang::ALL {
                assert!(!v.name(l).is_empty());
            }
        }
    }
}
