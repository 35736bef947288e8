//! Families (households, отбасы), their members and where they live.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::ids::{FamilyId, PersonId};
use crate::kato::Kato;
use crate::territory::SettlementType;

/// A member's role in the family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Head,
    Spouse,
    Child,
    /// A parent of the head or spouse living with the family.
    Parent,
    Other,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Head => "head",
            Role::Spouse => "spouse",
            Role::Child => "child",
            Role::Parent => "parent",
            Role::Other => "other",
        }
    }
    pub fn from_code(code: &str) -> Option<Role> {
        match code {
            "head" => Some(Role::Head),
            "spouse" => Some(Role::Spouse),
            "child" => Some(Role::Child),
            "parent" => Some(Role::Parent),
            "other" => Some(Role::Other),
            _ => None,
        }
    }
}

/// Where a family lives. The territory is the deepest KATO code known for the address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub territory: Kato,
    pub street: Option<String>,
    pub house: Option<String>,
    pub flat: Option<String>,
}

/// A family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Family {
    pub id: FamilyId,
    pub address: Address,
    pub settlement_type: SettlementType,
    /// When the family was first registered.
    pub registered_on: Date,
}

/// One person's membership of one family, with dates: people move, marry, grow up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub family: FamilyId,
    pub person: PersonId,
    pub role: Role,
    pub from: Date,
    /// `None` while the membership lasts.
    pub until: Option<Date>,
}

impl Membership {
    /// Whether the membership holds on `on` (`until` is exclusive).
    pub fn holds_on(&self, on: Date) -> bool {
        self.from <= on && self.until.is_none_or(|u| on < u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn membership_dates_bound_it() {
        let m = Membership {
            family: FamilyId(1),
            person: PersonId(2),
            role: Role::Child,
            from: date!(2020 - 01 - 01),
            until: Some(date!(2025 - 01 - 01)),
        };
        assert!(!m.holds_on(date!(2019 - 12 - 31)));
        assert!(m.holds_on(date!(2020 - 01 - 01)));
        assert!(m.holds_on(date!(2024 - 12 - 31)));
        assert!(!m.holds_on(date!(2025 - 01 - 01)));
    }

    #[test]
    fn role_codes_round_trip() {
        for r in [Role::Head, Role::Spouse, Role::Child, Role::Parent, Role::Other] {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
    }
}
