//! Who is asking: an account with its role grants, sensitive-category grants, and (for a citizen)
//! the family they belong to.

use std::fmt;

use time::OffsetDateTime;

use super::category::CategorySet;
use crate::{FamilyId, Kato};

/// The roles of DESIGN.md §2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    SocialWorker,
    SchoolSpecialist,
    HealthSpecialist,
    PoliceSpecialist,
    EmploymentSpecialist,
    MobileGroup,
    Supervisor,
    Analyst,
    DataSteward,
    Administrator,
    Citizen,
}

/// A role code nobody knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`; the roles are {roles}", roles = Role::codes())]
pub struct RoleParseError(pub String);

impl Role {
    pub const ALL: [Role; 11] = [
        Role::SocialWorker,
        Role::SchoolSpecialist,
        Role::HealthSpecialist,
        Role::PoliceSpecialist,
        Role::EmploymentSpecialist,
        Role::MobileGroup,
        Role::Supervisor,
        Role::Analyst,
        Role::DataSteward,
        Role::Administrator,
        Role::Citizen,
    ];

    /// The stable code, as stored and typed on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Role::SocialWorker => "social_worker",
            Role::SchoolSpecialist => "school_specialist",
            Role::HealthSpecialist => "health_specialist",
            Role::PoliceSpecialist => "police_specialist",
            Role::EmploymentSpecialist => "employment_specialist",
            Role::MobileGroup => "mobile_group",
            Role::Supervisor => "supervisor",
            Role::Analyst => "analyst",
            Role::DataSteward => "data_steward",
            Role::Administrator => "administrator",
            Role::Citizen => "citizen",
        }
    }

    pub fn parse(code: &str) -> Result<Role, RoleParseError> {
        Role::ALL.into_iter().find(|r| r.code() == code).ok_or_else(|| RoleParseError(code.into()))
    }

    fn codes() -> String {
        Role::ALL.map(Role::code).join(", ")
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An agency's code (`social`, `education`, `health`, `police`, `labour`, an NGO's code …):
/// lowercase ASCII letters, digits and `_`, 1 to 32 of them. Shared, not copied, when cloned:
/// every signed-in request clones its account's grants.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AgencyCode(std::sync::Arc<str>);

impl AgencyCode {
    pub fn parse(code: &str) -> Option<AgencyCode> {
        let ok = (1..=32).contains(&code.len())
            && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        ok.then(|| AgencyCode(code.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AgencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One role, held for one agency, over one territory subtree. An account may hold several.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoleGrant {
    pub role: Role,
    pub agency: AgencyCode,
    /// The root of the subtree the role covers (a region, a district, …).
    pub territory: Kato,
}

/// Access to one family outside the holder's normal scope, with a stated reason, until a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakGlass {
    pub family: FamilyId,
    pub until: OffsetDateTime,
}

/// The account a request acts as, with everything the policy needs to decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The account key written into audit entries: `staff:<login>` or `citizen:<id>`.
    pub actor: String,
    pub roles: Vec<RoleGrant>,
    /// Sensitive categories this account may see, in addition to its roles.
    pub categories: CategorySet,
    /// For a citizen: the family they belong to today.
    pub own_family: Option<FamilyId>,
    /// Break-glass accesses this account holds (expired ones are ignored).
    pub break_glass: Vec<BreakGlass>,
}

impl Principal {
    /// An account with no grants at all: every decision about it is a denial.
    pub fn nobody(actor: impl Into<String>) -> Principal {
        Principal {
            actor: actor.into(),
            roles: Vec::new(),
            categories: CategorySet::EMPTY,
            own_family: None,
            break_glass: Vec::new(),
        }
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles.iter().any(|g| g.role == role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_agencies_parse_only_known_well_formed_codes() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Ok(r));
        }
        let err = Role::parse("root").unwrap_err();
        assert!(err.to_string().contains("social_worker"), "{err}");
        assert!(AgencyCode::parse("social").is_some());
        assert!(AgencyCode::parse("ngo_42").is_some());
        for bad in ["", "Social", "a b", &"x".repeat(33)] {
            assert!(AgencyCode::parse(bad).is_none(), "{bad:?}");
        }
    }
}
