//! Families built by hand for the assessment tests.

use shanyraq_domain::assessment::{
    DEFAULT_METHODOLOGY, DEFAULT_METHODOLOGY_FILE, FactInput, FamilyInput, Figures, MemberInput,
    Methodology, parse_methodology,
};
use shanyraq_domain::{
    Disability, FamilyId, IndicatorKey, Kato, ObservationValue, PersonId, Role, SettlementType,
    Tenge,
};
use time::Date;
use time::macros::date;

pub const ON: Date = date!(2026 - 11 - 30);
pub const PM: i64 = 50_851;

/// The figures of 30.11.2026: ПМ 50 851, МРП 4 325, poverty line 70 % of ПМ.
pub fn figures() -> Figures {
    Figures { pm: Tenge(PM), mrp: Tenge(4_325), poverty_line: Tenge(35_596) }
}

pub fn default_methodology() -> Methodology {
    match parse_methodology(DEFAULT_METHODOLOGY_FILE, DEFAULT_METHODOLOGY) {
        Ok(m) => m,
        Err(e) => panic!("the default methodology does not load: {e}"),
    }
}

/// A family being built.
pub struct Builder {
    family: FamilyInput,
}

pub fn family(settlement: SettlementType) -> Builder {
    Builder {
        family: FamilyInput {
            family: FamilyId(1),
            territory: Kato::from_u32(351_010_000).unwrap_or_else(|e| panic!("{e}")),
            settlement,
            members: Vec::new(),
            facts: Vec::new(),
        },
    }
}

pub fn key(k: &str) -> IndicatorKey {
    IndicatorKey::named(k).unwrap_or_else(|e| panic!("{e}"))
}

impl Builder {
    /// A member `age` years old on [`ON`]; returns their id.
    pub fn member(&mut self, role: Role, age: i32) -> PersonId {
        let id = PersonId(self.family.members.len() as i64 + 1);
        let birth = ON.replace_year(ON.year() - age).unwrap_or(ON);
        let birth = birth.previous_day().unwrap_or(birth);
        self.family.members.push(MemberInput {
            person: id,
            role,
            birth_date: birth,
            disability: None,
            death_date: None,
            language: None,
            from: date!(2010 - 01 - 01).min(birth),
            until: None,
        });
        id
    }

    pub fn disability(&mut self, person: PersonId, d: Disability) -> &mut Self {
        for m in &mut self.family.members {
            if m.person == person {
                m.disability = Some(d);
            }
        }
        self
    }

    pub fn fact(
        &mut self,
        person: Option<PersonId>,
        indicator: &str,
        value: ObservationValue,
    ) -> &mut Self {
        self.family.facts.push(FactInput {
            person,
            indicator: key(indicator),
            value,
            observed_at: date!(2024 - 01 - 01),
            valid_from: date!(2024 - 01 - 01),
            valid_until: None,
        });
        self
    }

    pub fn wage(&mut self, person: PersonId, tenge: i64) -> &mut Self {
        self.fact(Some(person), "income.wage", ObservationValue::Money(Tenge(tenge))).fact(
            Some(person),
            "employment.status",
            code("employed"),
        )
    }

    pub fn status(&mut self, person: PersonId, status: &str) -> &mut Self {
        self.fact(Some(person), "employment.status", code(status))
    }

    pub fn household(&mut self, indicator: &str, value: ObservationValue) -> &mut Self {
        self.fact(None, indicator, value)
    }

    pub fn build(&self) -> FamilyInput {
        self.family.clone()
    }
}

pub fn code(c: &str) -> ObservationValue {
    ObservationValue::Code(c.to_owned())
}

pub fn money(t: i64) -> ObservationValue {
    ObservationValue::Money(Tenge(t))
}

pub fn count(n: i64) -> ObservationValue {
    ObservationValue::Count(n)
}

pub fn flag(b: bool) -> ObservationValue {
    ObservationValue::Flag(b)
}
