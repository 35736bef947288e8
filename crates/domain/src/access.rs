//! Who may do what to whose data: roles scoped by agency and territory, sensitive categories with
//! their own grants, and the one decision every use case asks for (see [`policy::decide`]).
//!
//! Pure: the application layer loads the principal, asks here, and writes the audit entry; this
//! module only answers. Deny by default: an action no rule allows is denied.

mod category;
pub mod policy;
mod principal;

pub use category::{Category, CategorySet};
pub use policy::{
    Action, Allowed, Decision, Denial, FamilyTarget, SMALL_CELL, TerritoryGrant, Via, decide,
    territory_grant,
};
pub use principal::{AgencyCode, BreakGlass, Principal, Role, RoleGrant, RoleParseError};
