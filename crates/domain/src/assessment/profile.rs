//! A family's profile on a date: the values of every [`Var`], computed from its members and the
//! facts in force that day. Pure and deterministic; the engine and the eligibility rules read it.
//!
//! Rules of reading the facts:
//! - members are those whose membership holds on the day and who are alive;
//! - of the facts in force on the day (valid from ≤ day < valid until, observed by the day), the
//!   latest observed per member and indicator counts (ties: the later validity start);
//! - a fact about someone who is not a current member is not the family's;
//! - missing data is not evidence: a child counts as out of school only when the education
//!   register says so, a member as uninsured only when the health register does.

use time::Date;

use crate::family::Role;
use crate::ids::{FamilyId, PersonId};
use crate::indicators::INDICATORS;
use crate::kato::Kato;
use crate::money::Tenge;
use crate::observation::{IndicatorKey, ObservationValue};
use crate::person::{Disability, Language, age_on};
use crate::territory::SettlementType;

use super::vars::Var;

/// A member as the assessment needs them: no names, no documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberInput {
    pub person: PersonId,
    pub role: Role,
    pub birth_date: Date,
    pub disability: Option<Disability>,
    pub death_date: Option<Date>,
    /// The language they prefer to be written to (persons.language), for offers.
    pub language: Option<Language>,
    /// The membership's dates (`until` exclusive).
    pub from: Date,
    pub until: Option<Date>,
}

/// A fact as the assessment needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactInput {
    /// `None` for facts about the household.
    pub person: Option<PersonId>,
    pub indicator: IndicatorKey,
    pub value: ObservationValue,
    pub observed_at: Date,
    pub valid_from: Date,
    pub valid_until: Option<Date>,
}

/// Everything known about one family that its assessment reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyInput {
    pub family: FamilyId,
    pub territory: Kato,
    pub settlement: SettlementType,
    pub members: Vec<MemberInput>,
    pub facts: Vec<FactInput>,
}

/// The figures of the day for the family's region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figures {
    /// The regional subsistence minimum (ПМ) per person per month.
    pub pm: Tenge,
    /// The monthly calculation index (МРП).
    pub mrp: Tenge,
    /// The poverty line for targeted assistance (see [`super::poverty_line`]).
    pub poverty_line: Tenge,
}

/// The value of every variable, by slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Profile {
    values: [i64; Var::COUNT],
}

/// Age at which the able-bodied age ends when the labour register says nothing (the pension
/// age for men; a cautious bound for everyone).
const WORKING_AGE_END: i32 = 63;
const ADULT_AGE: i32 = 18;

impl Profile {
    /// A profile with every variable zero, for tests and hand-made examples.
    pub fn zero() -> Profile {
        Profile { values: [0; Var::COUNT] }
    }

    pub fn get(&self, var: Var) -> i64 {
        self.values[var.slot()]
    }

    pub fn set(&mut self, var: Var, value: i64) {
        self.values[var.slot()] = value;
    }

    /// The values by slot, as expressions read them.
    pub fn values(&self) -> &[i64] {
        &self.values
    }

    /// The profile of `family` on `on`.
    pub fn compute(family: &FamilyInput, on: Date, figures: Figures) -> Profile {
        let mut p = Profile::zero();
        p.set(Var::Pm, figures.pm.0);
        p.set(Var::Mrp, figures.mrp.0);
        p.set(Var::PovertyLine, figures.poverty_line.0);
        p.set(
            Var::Rural,
            i64::from(matches!(
                family.settlement,
                SettlementType::RuralOkrug | SettlementType::RuralSettlement
            )),
        );

        let members = current_members(family, on);
        let latest = Latest::collect(family, &members, on);
        let n = members.len() as i64;
        p.set(Var::Members, n);

        let mut income_total: i64 = 0;
        let mut max_absence: i64 = 0;
        for (i, m) in members.iter().enumerate() {
            let age = age_on(m.birth_date, on);
            let adult = age >= ADULT_AGE;
            let facts = &latest.members[i];
            let flag = |key: usize| facts[key].and_then(as_flag);
            let code = |key: usize| facts[key].and_then(as_code);
            let count = |key: usize| facts[key].and_then(as_number);

            if adult {
                p.add(Var::Adults, 1);
            } else {
                p.add(Var::Minors, 1);
            }
            if age == 0 {
                p.add(Var::ChildrenUnder1, 1);
                if (on - m.birth_date).whole_days() < 92 {
                    p.add(Var::NewbornsThisYear, 1);
                }
            }
            let school_age = (7..=17).contains(&age);
            if school_age {
                p.add(Var::SchoolAgeChildren, 1);
                if flag(latest.keys.school_attached) == Some(false) {
                    p.add(Var::SchoolAgeNotAttached, 1);
                }
                if let Some(days) = count(latest.keys.absence_days) {
                    max_absence = max_absence.max(days);
                }
            }
            if (3..=6).contains(&age)
                && flag(latest.keys.kindergarten_attached) == Some(false)
                && flag(latest.keys.school_attached) != Some(true)
            {
                p.add(Var::PreschoolNotAttached, 1);
            }

            for &k in &latest.keys.incomes {
                income_total = income_total.saturating_add(count(k).unwrap_or(0).max(0));
            }
            if count(latest.keys.benefit_income).unwrap_or(0) > 0 {
                p.add(Var::MembersWithBenefit, 1);
            }

            let disability =
                code(latest.keys.disability_group).and_then(Disability::from_code).or(m.disability);
            match disability {
                Some(Disability::Group1 | Disability::Group2) if adult => {
                    p.add(Var::AdultsDisabilityGroup12, 1)
                }
                Some(Disability::Group3) if adult => p.add(Var::AdultsDisabilityGroup3, 1),
                Some(_) if !adult => p.add(Var::ChildrenWithDisability, 1),
                _ => {}
            }

            let status = code(latest.keys.employment_status);
            if matches!(status, Some("employed" | "self_employed")) {
                p.add(Var::WorkingMembers, 1);
            }
            if status == Some("unemployed_registered") {
                p.add(Var::RegisteredUnemployed, 1);
            }
            let able = flag(latest.keys.able_bodied).unwrap_or(
                adult
                    && age < WORKING_AGE_END
                    && !matches!(disability, Some(Disability::Group1 | Disability::Group2))
                    && !matches!(status, Some("unable_to_work" | "retired")),
            );
            if able {
                p.add(Var::AbleBodiedMembers, 1);
            }
            if adult && flag(latest.keys.overdue_debt) == Some(true) {
                p.add(Var::AdultsWithOverdueDebt, 1);
            }
            if flag(latest.keys.clinic_attached) == Some(false) {
                p.add(Var::UnattachedToClinic, 1);
            }
            if flag(latest.keys.insured) == Some(false) {
                p.add(Var::Uninsured, 1);
            }
            if flag(latest.keys.chronic) == Some(true) {
                p.add(Var::ChronicallyIll, 1);
            }
            if flag(latest.keys.pregnant) == Some(true) {
                p.add(Var::Pregnant, 1);
            }
        }

        p.set(Var::IncomeTotal, income_total);
        p.set(Var::IncomePerCapita, if n > 0 { income_total / n } else { 0 });
        p.set(Var::MaxAbsenceDays, max_absence);
        let adults = p.get(Var::Adults);
        p.set(
            Var::AllAdultsOverdue,
            i64::from(adults > 0 && p.get(Var::AdultsWithOverdueDebt) == adults),
        );
        p.set(Var::NoAbleBodied, i64::from(n > 0 && p.get(Var::AbleBodiedMembers) == 0));

        let household = &latest.household;
        let hnum = |key: usize| household[key].and_then(as_number).unwrap_or(0);
        match household[latest.keys.housing_tenure].and_then(as_code) {
            Some("none") => p.set(Var::Homeless, 1),
            Some("rent") => p.set(Var::Renting, 1),
            _ => {}
        }
        let area = hnum(latest.keys.housing_area);
        p.set(Var::AreaPerCapita, if n > 0 { area / n } else { 0 });
        p.set(Var::Vehicles, hnum(latest.keys.vehicles));
        p.set(Var::RealEstate, hnum(latest.keys.real_estate));
        p.set(Var::LandHa, hnum(latest.keys.land));
        p.set(Var::Livestock, hnum(latest.keys.livestock));
        p.set(Var::AgriMachinery, hnum(latest.keys.machinery));
        p.set(Var::TargetedAssistance, hnum(latest.keys.targeted_assistance));
        p.set(Var::ChildAllowance, hnum(latest.keys.child_allowance));
        p.set(
            Var::DomesticViolence,
            i64::from(household[latest.keys.domestic_violence].and_then(as_flag) == Some(true)),
        );
        p
    }

    fn add(&mut self, var: Var, by: i64) {
        let slot = &mut self.values[var.slot()];
        *slot = slot.saturating_add(by);
    }
}

/// Members on `on`: membership holds and the person is alive; each person once.
fn current_members(family: &FamilyInput, on: Date) -> Vec<&MemberInput> {
    let mut out: Vec<&MemberInput> = Vec::with_capacity(family.members.len());
    for m in &family.members {
        let holds = m.from <= on && m.until.is_none_or(|u| on < u);
        let alive = m.death_date.is_none_or(|d| on < d);
        if holds && alive && m.birth_date <= on && !out.iter().any(|o| o.person == m.person) {
            out.push(m);
        }
    }
    out
}

/// The ordinal of each raw indicator the profile reads.
#[derive(Debug)]
struct Keys {
    incomes: [usize; 5],
    benefit_income: usize,
    employment_status: usize,
    able_bodied: usize,
    clinic_attached: usize,
    insured: usize,
    chronic: usize,
    pregnant: usize,
    disability_group: usize,
    kindergarten_attached: usize,
    school_attached: usize,
    absence_days: usize,
    overdue_debt: usize,
    domestic_violence: usize,
    housing_tenure: usize,
    housing_area: usize,
    real_estate: usize,
    vehicles: usize,
    machinery: usize,
    land: usize,
    livestock: usize,
    targeted_assistance: usize,
    child_allowance: usize,
}

fn ordinal(key: &str) -> usize {
    // The catalogue is static and these keys are in it (tested below); an unknown key maps past
    // the end, where nothing is ever stored.
    INDICATORS.iter().position(|d| d.key == key).unwrap_or(INDICATORS.len())
}

fn keys() -> &'static Keys {
    static KEYS: std::sync::OnceLock<Keys> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| Keys {
        incomes: [
            ordinal("income.wage"),
            ordinal("income.self_employment"),
            ordinal("income.pension"),
            ordinal("income.benefit"),
            ordinal("income.alimony"),
        ],
        benefit_income: ordinal("income.benefit"),
        employment_status: ordinal("employment.status"),
        able_bodied: ordinal("employment.able_bodied"),
        clinic_attached: ordinal("health.clinic_attached"),
        insured: ordinal("health.insured"),
        chronic: ordinal("health.chronic_condition"),
        pregnant: ordinal("health.pregnant"),
        disability_group: ordinal("disability.group"),
        kindergarten_attached: ordinal("education.kindergarten_attached"),
        school_attached: ordinal("education.school_attached"),
        absence_days: ordinal("education.absence_days"),
        overdue_debt: ordinal("debt.overdue_90_days"),
        domestic_violence: ordinal("police.domestic_violence_report"),
        housing_tenure: ordinal("housing.tenure"),
        housing_area: ordinal("housing.area_m2"),
        real_estate: ordinal("property.real_estate_count"),
        vehicles: ordinal("property.vehicle_count"),
        machinery: ordinal("property.agri_machinery_count"),
        land: ordinal("property.land_ha"),
        livestock: ordinal("property.livestock_heads"),
        targeted_assistance: ordinal("benefits.targeted_assistance"),
        child_allowance: ordinal("benefits.child_allowance"),
    })
}

/// One slot per catalogue indicator, plus one that is never written (for unknown keys).
const SLOTS: usize = INDICATORS.len() + 1;
type Slots<'a> = [Option<&'a ObservationValue>; SLOTS];

/// The latest fact per member and indicator, and per household indicator.
struct Latest<'a> {
    keys: &'static Keys,
    members: Vec<Slots<'a>>,
    household: Slots<'a>,
}

impl<'a> Latest<'a> {
    fn collect(family: &'a FamilyInput, members: &[&MemberInput], on: Date) -> Latest<'a> {
        let mut out = Latest {
            keys: keys(),
            members: vec![[None; SLOTS]; members.len()],
            household: [None; SLOTS],
        };
        // When each kept fact was observed and began, to keep the latest.
        let mut stamps: Vec<[(Date, Date); SLOTS]> =
            vec![[(Date::MIN, Date::MIN); SLOTS]; members.len() + 1];
        for f in &family.facts {
            let in_force =
                f.valid_from <= on && f.valid_until.is_none_or(|u| on < u) && f.observed_at <= on;
            if !in_force {
                continue;
            }
            let row = match f.person {
                None => members.len(),
                Some(person) => match members.iter().position(|m| m.person == person) {
                    Some(i) => i,
                    None => continue,
                },
            };
            let k = f.indicator.ordinal();
            let stamp = (f.observed_at, f.valid_from);
            let slot =
                if row == members.len() { &mut out.household[k] } else { &mut out.members[row][k] };
            if slot.is_none() || stamp >= stamps[row][k] {
                *slot = Some(&f.value);
                stamps[row][k] = stamp;
            }
        }
        out
    }
}

fn as_flag(v: &ObservationValue) -> Option<bool> {
    match v {
        ObservationValue::Flag(b) => Some(*b),
        _ => None,
    }
}

fn as_code(v: &ObservationValue) -> Option<&str> {
    match v {
        ObservationValue::Code(c) => Some(c.as_str()),
        _ => None,
    }
}

fn as_number(v: &ObservationValue) -> Option<i64> {
    match v {
        ObservationValue::Money(t) => Some(t.0),
        ObservationValue::Count(n) => Some(*n),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_the_profile_reads_is_in_the_catalogue() {
        let k = keys();
        let all = [
            k.benefit_income,
            k.employment_status,
            k.able_bodied,
            k.clinic_attached,
            k.insured,
            k.chronic,
            k.pregnant,
            k.disability_group,
            k.kindergarten_attached,
            k.school_attached,
            k.absence_days,
            k.overdue_debt,
            k.domestic_violence,
            k.housing_tenure,
            k.housing_area,
            k.real_estate,
            k.vehicles,
            k.machinery,
            k.land,
            k.livestock,
            k.targeted_assistance,
            k.child_allowance,
        ];
        for o in all.iter().chain(k.incomes.iter()) {
            assert!(*o < INDICATORS.len());
        }
    }
}
