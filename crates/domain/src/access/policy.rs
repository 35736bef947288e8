//! The policy: one table of what each role may do, and the functions that apply it to one family
//! ([`decide`]) or to a territory ([`territory_grant`]). The two agree: a family is in a listing,
//! search or count exactly when [`decide`] allows that action on it.
//!
//! | role | read | list, search, count | export | update | audit-read |
//! |---|---|---|---|---|---|
//! | social worker, supervisor | scope | scope | scope | scope | supervisor only |
//! | mobile group | scope | scope | – | scope | – |
//! | school, health, police, employment specialist; data steward | scope | scope | – | – | – |
//! | analyst | – | count only, small cells suppressed | – | – | – |
//! | administrator | – | – | – | – | – |
//! | citizen | own family | – | – | own family | own family |
//!
//! "Scope" is the role grant's territory subtree. Break-glass adds read of one family outside it
//! for a while. Sensitive facts are visible only in the categories the account is granted, and a
//! read that shows any asks for a purpose. Exports never carry sensitive facts.

use time::OffsetDateTime;

use super::category::CategorySet;
use super::principal::{Principal, Role};
use crate::{FamilyId, Kato};

/// What is done to personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Open a family's card: members, facts, assessment.
    Read,
    /// See a family in a territory listing.
    List,
    /// Find a family through a person's IIN.
    Search,
    /// Count a family in totals by territory and level.
    Count,
    /// Take a family's record out in bulk.
    Export,
    /// Change a family's data (answer an offer, record help).
    Update,
    /// See who accessed a family's data.
    AuditRead,
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::Read,
        Action::List,
        Action::Search,
        Action::Count,
        Action::Export,
        Action::Update,
        Action::AuditRead,
    ];

    /// The code written into audit entries after `family.`.
    pub fn code(self) -> &'static str {
        match self {
            Action::Read => "read",
            Action::List => "list",
            Action::Search => "search",
            Action::Count => "count",
            Action::Export => "export",
            Action::Update => "update",
            Action::AuditRead => "audit_read",
        }
    }
}

/// How far a role's grant reaches for an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    None,
    /// Every family in the grant's territory subtree.
    Scope,
    /// Only totals, with small cells suppressed.
    Aggregate,
    /// The citizen's own family.
    Own,
}

/// What a citizen may do to their own family.
fn own_reach(action: Action) -> Reach {
    match action {
        Action::Read | Action::Update | Action::AuditRead => Reach::Own,
        _ => Reach::None,
    }
}

/// The table in the module documentation.
fn reach(role: Role, action: Action) -> Reach {
    use Action::*;
    use Role::*;
    match (role, action) {
        (Administrator, _) => Reach::None,
        (Analyst, Count) => Reach::Aggregate,
        (Analyst, _) => Reach::None,
        // A citizen's reach is their own family ([`Principal::own_family`]), not a grant.
        (Citizen, _) => Reach::None,
        (_, Read | List | Search | Count) => Reach::Scope,
        (SocialWorker | Supervisor, Export) => Reach::Scope,
        (SocialWorker | Supervisor | MobileGroup, Update) => Reach::Scope,
        (Supervisor, AuditRead) => Reach::Scope,
        _ => Reach::None,
    }
}

/// What the policy needs to know about a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FamilyTarget {
    pub id: FamilyId,
    pub territory: Kato,
    /// The sensitive categories the family's facts reveal (opening them asks for a purpose).
    pub categories: CategorySet,
}

/// Why an action is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Via {
    /// A role grant whose territory covers the family.
    Scope,
    /// Totals only.
    Aggregate,
    /// The citizen's own family.
    Own,
    /// A break-glass access to this family.
    BreakGlass,
}

impl Via {
    pub fn code(self) -> &'static str {
        match self {
            Via::Scope => "scope",
            Via::Aggregate => "aggregate",
            Via::Own => "own",
            Via::BreakGlass => "break_glass",
        }
    }
}

/// An allowed action and what it may show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowed {
    pub via: Via,
    /// The sensitive categories this account may see here; facts of the others are left out.
    pub visible: CategorySet,
    /// Whether the user must state a purpose first (the action shows sensitive facts, or goes
    /// through break-glass).
    pub needs_purpose: bool,
    /// The index in [`Principal::roles`] of the grant that allowed it, if a grant did.
    pub grant: Option<usize>,
}

/// Why an action is denied. Users are told only that it is; the audit entry says it was denied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Denial {
    /// None of the account's roles allows this action on anybody's data.
    NoRole,
    /// A role allows it, but not on a family in this territory.
    OutOfScope,
    /// The account sees totals only.
    AggregatesOnly,
    /// A citizen asked about a family not their own.
    NotOwnFamily,
}

impl Denial {
    pub fn code(self) -> &'static str {
        match self {
            Denial::NoRole => "access.no_role",
            Denial::OutOfScope => "access.out_of_scope",
            Denial::AggregatesOnly => "access.aggregates_only",
            Denial::NotOwnFamily => "access.not_own_family",
        }
    }
}

/// The answer to "may this account do this to this family".
pub type Decision = Result<Allowed, Denial>;

/// Decides whether `p` may do `action` to the family `target` at `now`.
pub fn decide(
    p: &Principal,
    action: Action,
    target: &FamilyTarget,
    now: OffsetDateTime,
) -> Decision {
    let mut via = None;
    let mut grant = None;
    let mut any_reach = Reach::None;
    if p.own_family.is_some() && own_reach(action) == Reach::Own {
        any_reach = Reach::Own;
        if p.own_family == Some(target.id) {
            via = Some(Via::Own);
        }
    }
    for (i, g) in p.roles.iter().enumerate() {
        let r = reach(g.role, action);
        if r != Reach::None && matches!(any_reach, Reach::None | Reach::Own) {
            any_reach = r;
        }
        let fits =
            matches!(r, Reach::Scope | Reach::Aggregate) && g.territory.contains(target.territory);
        if fits {
            let this = if r == Reach::Scope { Via::Scope } else { Via::Aggregate };
            // A scope grant is the widest reason; keep it over totals-only and one's own.
            let wider = match via {
                None => true,
                Some(Via::Aggregate) => this == Via::Scope,
                Some(Via::Own) => this == Via::Scope,
                Some(_) => false,
            };
            if wider {
                via = Some(this);
                grant = Some(i);
            }
        }
    }
    if via.is_none() && action == Action::Read && may_break_glass(p) {
        let held = p.break_glass.iter().any(|b| b.family == target.id && b.until > now);
        if held {
            via = Some(Via::BreakGlass);
        }
    }
    let Some(via) = via else {
        return Err(match any_reach {
            Reach::None if p.has_role(Role::Analyst) => Denial::AggregatesOnly,
            Reach::None => Denial::NoRole,
            Reach::Own => Denial::NotOwnFamily,
            Reach::Scope | Reach::Aggregate => Denial::OutOfScope,
        });
    };
    let visible = match (action, via) {
        (Action::Export | Action::Count, _) | (_, Via::Aggregate) => CategorySet::EMPTY,
        _ => p.categories,
    };
    let reveals = !visible.intersect(target.categories).is_empty();
    let needs_purpose = action == Action::Read && (reveals || via == Via::BreakGlass);
    let grant = grant.filter(|_| via != Via::BreakGlass);
    Ok(Allowed { via, visible, needs_purpose, grant })
}

/// Whether `p` may ask for break-glass access: staff who read families in their own scope.
pub fn may_break_glass(p: &Principal) -> bool {
    p.roles.iter().any(|g| reach(g.role, Action::Read) == Reach::Scope)
}

/// The part of a territory an account may list, search, count or export.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TerritoryGrant {
    /// Disjoint subtree roots inside the asked-for territory, in code order; empty when none.
    pub roots: Vec<Kato>,
    /// Totals under [`SMALL_CELL`] must be suppressed (some of the reach is totals-only).
    pub suppress_small: bool,
}

/// Totals below this are shown as "fewer than 5" to those who see aggregates only.
pub const SMALL_CELL: u64 = 5;

/// The subtrees within `root` where `action` (list, search, count or export) is allowed to `p`.
/// A family under `root` is in them exactly when [`decide`] allows `action` on it.
pub fn territory_grant(p: &Principal, action: Action, root: Kato) -> TerritoryGrant {
    let mut roots = Vec::new();
    let mut suppress_small = false;
    for g in &p.roles {
        let r = reach(g.role, action);
        if !matches!(r, Reach::Scope | Reach::Aggregate) {
            continue;
        }
        let inside = if root.contains(g.territory) {
            g.territory
        } else if g.territory.contains(root) {
            root
        } else {
            continue;
        };
        suppress_small |= r == Reach::Aggregate;
        roots.push(inside);
    }
    roots.sort_unstable();
    roots.dedup();
    let mut disjoint: Vec<Kato> = Vec::with_capacity(roots.len());
    for k in roots {
        if !disjoint.last().is_some_and(|last| last.contains(k)) {
            disjoint.push(k);
        }
    }
    TerritoryGrant { roots: disjoint, suppress_small }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::access::{AgencyCode, BreakGlass, Category, RoleGrant};

    const NOW: OffsetDateTime = datetime!(2026-11-30 12:00 UTC);

    fn kato(code: u32) -> Kato {
        Kato::from_u32(code).unwrap()
    }

    fn staff(role: Role, territory: u32) -> Principal {
        Principal {
            roles: vec![RoleGrant {
                role,
                agency: AgencyCode::parse("social").unwrap(),
                territory: kato(territory),
            }],
            ..Principal::nobody("staff:test")
        }
    }

    fn family(id: i64, territory: u32, categories: CategorySet) -> FamilyTarget {
        FamilyTarget { id: FamilyId(id), territory: kato(territory), categories }
    }

    #[test]
    fn a_social_worker_reads_inside_the_district_and_nowhere_else() {
        let p = staff(Role::SocialWorker, 111_000_000);
        let inside = family(1, 111_020_100, CategorySet::EMPTY);
        let outside = family(2, 112_000_000, CategorySet::EMPTY);
        let ok = decide(&p, Action::Read, &inside, NOW).unwrap();
        assert_eq!((ok.via, ok.needs_purpose), (Via::Scope, false));
        assert_eq!(decide(&p, Action::Read, &outside, NOW), Err(Denial::OutOfScope));
        assert_eq!(decide(&p, Action::AuditRead, &inside, NOW), Err(Denial::NoRole));
    }

    #[test]
    fn sensitive_facts_need_their_own_grant_and_a_purpose() {
        let violence = CategorySet::of([Category::Violence]);
        let f = family(1, 111_020_100, violence.with(Category::Health));
        let mut p = staff(Role::PoliceSpecialist, 111_000_000);
        let plain = decide(&p, Action::Read, &f, NOW).unwrap();
        assert!(plain.visible.is_empty() && !plain.needs_purpose);
        p.categories = violence;
        let granted = decide(&p, Action::Read, &f, NOW).unwrap();
        assert_eq!((granted.visible, granted.needs_purpose), (violence, true));
        let listed = decide(&p, Action::List, &f, NOW).unwrap();
        assert!(!listed.needs_purpose, "a listing line shows no fact");
    }

    #[test]
    fn analysts_count_with_suppression_and_read_nothing() {
        let p = staff(Role::Analyst, 110_000_000);
        let f = family(1, 111_020_100, CategorySet::EMPTY);
        assert_eq!(decide(&p, Action::Read, &f, NOW), Err(Denial::AggregatesOnly));
        assert_eq!(decide(&p, Action::Count, &f, NOW).unwrap().via, Via::Aggregate);
        let g = territory_grant(&p, Action::Count, kato(111_000_000));
        assert_eq!(g, TerritoryGrant { roots: vec![kato(111_000_000)], suppress_small: true });
        assert!(territory_grant(&p, Action::List, kato(111_000_000)).roots.is_empty());
    }

    #[test]
    fn citizens_reach_their_own_family_only() {
        let p = Principal { own_family: Some(FamilyId(7)), ..Principal::nobody("account:5") };
        let own = family(7, 111_020_100, CategorySet::of([Category::Violence]));
        let other = family(8, 111_020_100, CategorySet::EMPTY);
        let ok = decide(&p, Action::Read, &own, NOW).unwrap();
        assert_eq!(ok.via, Via::Own);
        assert!(ok.visible.is_empty(), "no category grant: the card leaves those facts out");
        assert_eq!(decide(&p, Action::Read, &other, NOW), Err(Denial::NotOwnFamily));
        assert_eq!(decide(&p, Action::List, &own, NOW), Err(Denial::NoRole));
        assert!(decide(&p, Action::AuditRead, &own, NOW).is_ok());
    }

    #[test]
    fn break_glass_opens_one_family_until_it_expires() {
        let mut p = staff(Role::SocialWorker, 111_000_000);
        let far = family(9, 191_000_000, CategorySet::EMPTY);
        p.break_glass.push(BreakGlass { family: FamilyId(9), until: NOW + time::Duration::HOUR });
        let ok = decide(&p, Action::Read, &far, NOW).unwrap();
        assert_eq!((ok.via, ok.needs_purpose), (Via::BreakGlass, true));
        assert_eq!(decide(&p, Action::List, &far, NOW), Err(Denial::OutOfScope));
        let later = NOW + time::Duration::HOUR;
        assert_eq!(decide(&p, Action::Read, &far, later), Err(Denial::OutOfScope));
        let admin = Principal {
            break_glass: p.break_glass.clone(),
            ..staff(Role::Administrator, 111_000_000)
        };
        assert_eq!(decide(&admin, Action::Read, &far, NOW), Err(Denial::NoRole));
    }

    #[test]
    fn territory_grants_are_disjoint_and_clipped_to_the_asked_root() {
        let mut p = staff(Role::SocialWorker, 111_000_000);
        p.roles.push(RoleGrant { territory: kato(111_020_000), ..p.roles[0].clone() });
        p.roles.push(RoleGrant { territory: kato(112_000_000), ..p.roles[0].clone() });
        let region = kato(110_000_000);
        let g = territory_grant(&p, Action::List, region);
        assert_eq!(g.roots, [kato(111_000_000), kato(112_000_000)]);
        assert!(!g.suppress_small);
        let settlement = kato(111_020_100);
        assert_eq!(territory_grant(&p, Action::List, settlement).roots, [settlement]);
        assert!(territory_grant(&p, Action::Export, kato(190_000_000)).roots.is_empty());
    }
}
