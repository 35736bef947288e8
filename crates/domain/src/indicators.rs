//! The indicator catalogue: every kind of fact the system keeps, its value kind and subject.
//!
//! Feeds (agency imports) and the generator may only produce indicators declared here; the
//! assessment methodology refers to them by key.

use serde::{Deserialize, Serialize};

use crate::access::Category;
use crate::observation::Source;

/// What kind of value an indicator takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    Money,
    Count,
    Flag,
    Code,
    Date,
}

/// Whom a fact is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Person,
    Family,
}

/// One entry of the catalogue.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct IndicatorDef {
    pub key: &'static str,
    pub kind: ValueKind,
    pub subject: Subject,
    /// The source that normally reports it.
    pub source: Source,
    /// The sensitive category whose grant it takes to see the fact, if any.
    pub category: Option<Category>,
    /// For [`ValueKind::Code`]: the allowed codes.
    pub codes: &'static [&'static str],
}

const fn def(key: &'static str, kind: ValueKind, subject: Subject, source: Source) -> IndicatorDef {
    IndicatorDef { key, kind, subject, source, category: None, codes: &[] }
}

/// Employment status codes.
pub const EMPLOYMENT_CODES: &[&str] = &[
    "employed",
    "self_employed",
    "unemployed_registered",
    "unemployed",
    "student",
    "retired",
    "childcare_leave",
    "unable_to_work",
];

/// Housing tenure codes; `none` is homelessness.
pub const HOUSING_CODES: &[&str] = &["own", "rent", "social", "relatives", "dormitory", "none"];

pub const DISABILITY_CODES: &[&str] = &["group1", "group2", "group3", "child"];

/// Every indicator. Keys are stable: stored data and the methodology refer to them.
pub static INDICATORS: &[IndicatorDef] = &[
    // Income, by source of income (monthly, tenge).
    def("income.wage", ValueKind::Money, Subject::Person, Source::Tax),
    def("income.self_employment", ValueKind::Money, Subject::Person, Source::Tax),
    def("income.pension", ValueKind::Money, Subject::Person, Source::Benefits),
    def("income.benefit", ValueKind::Money, Subject::Person, Source::Benefits),
    def("income.alimony", ValueKind::Money, Subject::Person, Source::SelfReported),
    // Employment.
    IndicatorDef {
        codes: EMPLOYMENT_CODES,
        ..def("employment.status", ValueKind::Code, Subject::Person, Source::Labour)
    },
    def("employment.able_bodied", ValueKind::Flag, Subject::Person, Source::Labour),
    // Health.
    def("health.clinic_attached", ValueKind::Flag, Subject::Person, Source::Health),
    def("health.insured", ValueKind::Flag, Subject::Person, Source::Health),
    IndicatorDef {
        category: Some(Category::Health),
        ..def("health.chronic_condition", ValueKind::Flag, Subject::Person, Source::Health)
    },
    IndicatorDef {
        category: Some(Category::Health),
        ..def("health.pregnant", ValueKind::Flag, Subject::Person, Source::Health)
    },
    // Disability decisions.
    IndicatorDef {
        codes: DISABILITY_CODES,
        category: Some(Category::Disability),
        ..def("disability.group", ValueKind::Code, Subject::Person, Source::Labour)
    },
    // Education.
    def("education.kindergarten_attached", ValueKind::Flag, Subject::Person, Source::Education),
    def("education.school_attached", ValueKind::Flag, Subject::Person, Source::Education),
    def("education.absence_days", ValueKind::Count, Subject::Person, Source::Education),
    // Debts.
    def("debt.overdue_90_days", ValueKind::Flag, Subject::Person, Source::Tax),
    def("debt.overdue_amount", ValueKind::Money, Subject::Person, Source::Tax),
    // Police (sensitive).
    IndicatorDef {
        category: Some(Category::Violence),
        ..def("police.domestic_violence_report", ValueKind::Flag, Subject::Family, Source::Police)
    },
    IndicatorDef {
        category: Some(Category::Violence),
        ..def("police.protective_order", ValueKind::Flag, Subject::Person, Source::Police)
    },
    // Property and housing.
    IndicatorDef {
        codes: HOUSING_CODES,
        ..def("housing.tenure", ValueKind::Code, Subject::Family, Source::Property)
    },
    def("housing.area_m2", ValueKind::Count, Subject::Family, Source::Property),
    def("housing.rooms", ValueKind::Count, Subject::Family, Source::Property),
    def("property.real_estate_count", ValueKind::Count, Subject::Family, Source::Property),
    def("property.vehicle_count", ValueKind::Count, Subject::Family, Source::Property),
    def("property.agri_machinery_count", ValueKind::Count, Subject::Family, Source::Property),
    def("property.land_ha", ValueKind::Count, Subject::Family, Source::Property),
    def("property.livestock_heads", ValueKind::Count, Subject::Family, Source::Property),
    // Benefits paid.
    def("benefits.targeted_assistance", ValueKind::Money, Subject::Family, Source::Benefits),
    def("benefits.child_allowance", ValueKind::Money, Subject::Family, Source::Benefits),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn keys_are_unique_and_codes_only_on_code_kinds() {
        let mut seen = HashSet::new();
        for d in INDICATORS {
            assert!(seen.insert(d.key), "duplicate key {}", d.key);
            assert_eq!(d.kind == ValueKind::Code, !d.codes.is_empty(), "{}", d.key);
        }
    }
}
