//! The demo's accounts: one staff member per staff role in the district where the demo's
//! families live (the analyst over the whole region), a social worker of a neighbouring district
//! to show how far a role reaches, and one citizen, the head of a family of the district.
//!
//! Passwords are `<login>-demo-pass`: known, so that anyone trying the demo (and the browser
//! tests) can sign in. An account is created only when its login is free, so running the demo
//! again on the same database changes nothing.

use std::cmp::Reverse;
use std::sync::Arc;

use shanyraq_app::accounts::{NewUser, check_password};
use shanyraq_app::authz::AccessContext;
use shanyraq_app::{AppError, Services};
use shanyraq_domain::access::{AgencyCode, Category, Role, RoleGrant};
use shanyraq_domain::family::Role as MemberRole;
use shanyraq_domain::{Iin, Kato, KatoLevel, Territory};
use shanyraq_store::{AccountKind, Store};

use crate::commands::user::{cli_context, print_table};

/// Where a staff account's role reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// The district holding the demo's families.
    District,
    /// Another district of the same region.
    OtherDistrict,
    /// The whole region.
    Region,
}

/// One staff account of the demo.
#[derive(Debug)]
struct StaffSpec {
    login: &'static str,
    name: &'static str,
    role: Role,
    agency: &'static str,
    scope: Scope,
    categories: &'static [Category],
}

const STAFF: [StaffSpec; 11] = [
    StaffSpec {
        login: "social_worker",
        name: "Айгерім Сәрсенова",
        role: Role::SocialWorker,
        agency: "social",
        scope: Scope::District,
        categories: &[Category::Violence, Category::ChildProtection],
    },
    StaffSpec {
        login: "school_specialist",
        name: "Мәди Жұмабаев",
        role: Role::SchoolSpecialist,
        agency: "education",
        scope: Scope::District,
        categories: &[],
    },
    StaffSpec {
        login: "health_specialist",
        name: "Гүлнар Омарова",
        role: Role::HealthSpecialist,
        agency: "health",
        scope: Scope::District,
        categories: &[Category::Health, Category::Disability],
    },
    StaffSpec {
        login: "police_specialist",
        name: "Ерлан Ахметов",
        role: Role::PoliceSpecialist,
        agency: "police",
        scope: Scope::District,
        categories: &[Category::Violence],
    },
    StaffSpec {
        login: "employment_specialist",
        name: "Дана Қасымова",
        role: Role::EmploymentSpecialist,
        agency: "labour",
        scope: Scope::District,
        categories: &[],
    },
    StaffSpec {
        login: "mobile_group",
        name: "Нұрлан Тоқтаров",
        role: Role::MobileGroup,
        agency: "akimat",
        scope: Scope::District,
        categories: &[],
    },
    StaffSpec {
        login: "supervisor",
        name: "Сәуле Бекова",
        role: Role::Supervisor,
        agency: "social",
        scope: Scope::District,
        categories: &[Category::Violence, Category::ChildProtection],
    },
    StaffSpec {
        login: "analyst",
        name: "Асхат Нұрғалиев",
        role: Role::Analyst,
        agency: "ministry",
        scope: Scope::Region,
        categories: &[],
    },
    StaffSpec {
        login: "data_steward",
        name: "Әсел Ержанова",
        role: Role::DataSteward,
        agency: "integration",
        scope: Scope::District,
        categories: &[],
    },
    StaffSpec {
        login: "administrator",
        name: "Бауыржан Темиров",
        role: Role::Administrator,
        agency: "admin",
        scope: Scope::District,
        categories: &[],
    },
    StaffSpec {
        login: "social_worker_2",
        name: "Жанар Исаева",
        role: Role::SocialWorker,
        agency: "social",
        scope: Scope::OtherDistrict,
        categories: &[Category::Violence, Category::ChildProtection],
    },
];

/// The password of a demo account.
pub fn demo_password(login: &str) -> String {
    format!("{login}-demo-pass")
}

/// A line of the table printed at the end of the demo.
#[derive(Debug)]
pub struct DemoAccount {
    pub role: String,
    pub territory: String,
    pub login: String,
    pub password: String,
    pub created: bool,
}

/// Creates the demo's accounts that do not exist yet, around the families of `root` (the
/// demo's `--region`); every demo account, created now or before.
pub async fn ensure(
    services: &Services,
    store: &Arc<dyn Store>,
    root: Kato,
) -> anyhow::Result<Vec<DemoAccount>> {
    let Some(places) = Places::find(store, root).await? else { return Ok(Vec::new()) };
    let ctx = cli_context();
    let mut out = Vec::new();
    for spec in &STAFF {
        let territory = match spec.scope {
            Scope::District => &places.district,
            Scope::Region => &places.region,
            Scope::OtherDistrict => match &places.other {
                Some(t) => t,
                None => continue,
            },
        };
        let created = ensure_staff(services, &ctx, spec, territory.code).await?;
        out.push(DemoAccount {
            role: spec.role.code().to_owned(),
            territory: place_text(territory),
            login: spec.login.to_owned(),
            password: demo_password(spec.login),
            created,
        });
    }
    if let Some((iin, name, family)) = family_head(services, places.district.code).await? {
        let login = iin.to_string();
        let created = ensure_account(
            services,
            &ctx,
            NewUser {
                login: login.clone(),
                kind: AccountKind::Citizen,
                display_name: name,
                password: demo_password(&login),
                iin: Some(iin),
            },
        )
        .await?;
        out.push(DemoAccount {
            role: format!("citizen (family {family})"),
            territory: place_text(&places.district),
            password: demo_password(&login),
            login,
            created,
        });
    }
    Ok(out)
}

/// Prints the accounts as a table, with a warning that they are for the demonstration only.
pub fn print(accounts: &[DemoAccount]) {
    if accounts.is_empty() {
        println!("no demonstration accounts: the demo's territory holds no families");
        return;
    }
    let created = accounts.iter().filter(|a| a.created).count();
    println!();
    println!(
        "Demonstration accounts ({created} created now, {} already there): for trying the demo",
        accounts.len() - created
    );
    println!("only. Their passwords are published here; never use them with real data.");
    let header = ["ROLE", "TERRITORY", "LOGIN", "PASSWORD"].map(str::to_owned);
    let rows: Vec<[String; 4]> = accounts
        .iter()
        .map(|a| [a.role.clone(), a.territory.clone(), a.login.clone(), a.password.clone()])
        .collect();
    print_table(&header, &rows);
    println!();
}

fn place_text(t: &Territory) -> String {
    format!("{} {}", t.code, t.name_kk)
}

/// The territories the demo's accounts are scoped to.
#[derive(Debug)]
struct Places {
    district: Territory,
    other: Option<Territory>,
    region: Territory,
}

impl Places {
    /// For `root` below region level: the district it lies in. For a region: its district
    /// with the most families. `None` when there is no such territory or no family there.
    async fn find(store: &Arc<dyn Store>, root: Kato) -> anyhow::Result<Option<Places>> {
        let region_code = root.region();
        let Some(region) = store.territory(region_code).await? else { return Ok(None) };
        let mut districts = Vec::new();
        for t in store.territory_children(region_code).await? {
            let families = store.count_families_in_territory(t.code).await?;
            districts.push((t, families));
        }
        let district = if root.level() == KatoLevel::Region {
            // The first of the districts with the most families.
            districts.iter().filter(|(_, n)| *n > 0).min_by_key(|(_, n)| Reverse(*n))
        } else {
            districts.iter().find(|(t, _)| t.code.contains(root))
        };
        let Some((district, _)) = district.cloned() else { return Ok(None) };
        let other = districts
            .iter()
            .filter(|(t, _)| t.code != district.code)
            .min_by_key(|(_, n)| Reverse(*n))
            .map(|(t, _)| t.clone());
        Ok(Some(Places { district, other, region }))
    }
}

/// Creates a staff account with its role and categories unless its login is taken; whether it
/// was created.
async fn ensure_staff(
    services: &Services,
    ctx: &AccessContext,
    spec: &StaffSpec,
    territory: Kato,
) -> anyhow::Result<bool> {
    let new = NewUser {
        login: spec.login.to_owned(),
        kind: AccountKind::Staff,
        display_name: spec.name.to_owned(),
        password: demo_password(spec.login),
        iin: None,
    };
    if !ensure_account(services, ctx, new).await? {
        return Ok(false);
    }
    let agency = AgencyCode::parse(spec.agency)
        .ok_or_else(|| anyhow::anyhow!("bad demo agency code {:?}", spec.agency))?;
    let users = services.users();
    users.grant(ctx, spec.login, &RoleGrant { role: spec.role, agency, territory }).await?;
    for c in spec.categories {
        users.set_category(ctx, spec.login, *c, true).await?;
    }
    Ok(true)
}

/// Creates the account unless its login is taken; whether it was created.
async fn ensure_account(
    services: &Services,
    ctx: &AccessContext,
    new: NewUser,
) -> anyhow::Result<bool> {
    let users = services.users();
    match users.find(&new.login).await {
        Ok(_) => return Ok(false),
        Err(AppError::NotFound { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    check_password(new.kind, &new.login, &new.password)?;
    users.add(ctx, new).await?;
    Ok(true)
}

/// The current head of the first family in `district` who has an IIN: their IIN, name and
/// family id.
async fn family_head(
    services: &Services,
    district: Kato,
) -> anyhow::Result<Option<(Iin, String, i64)>> {
    let today = services.today();
    let mut after = None;
    // A few pages at most: nearly every family has a head with an IIN.
    for _ in 0..5 {
        let (_, page) = services.families_in_territory(district, after, 100).await?;
        for summary in page.items.iter().filter(|s| s.head.is_some()) {
            let card = services.family_card(summary.id).await?;
            let head = card.members.iter().find(|m| {
                m.membership.role == MemberRole::Head
                    && m.membership.holds_on(today)
                    && m.person.death_date.is_none()
            });
            if let Some(m) = head
                && let Some(iin) = m.person.iin
            {
                return Ok(Some((iin, m.person.name.full(), summary.id.0)));
            }
        }
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_passwords_pass_the_rules_and_agencies_parse() {
        for spec in &STAFF {
            let password = demo_password(spec.login);
            assert_eq!(check_password(AccountKind::Staff, spec.login, &password), Ok(()));
            assert!(AgencyCode::parse(spec.agency).is_some(), "{}", spec.agency);
        }
        let citizen = "880101300017";
        assert_eq!(check_password(AccountKind::Citizen, citizen, &demo_password(citizen)), Ok(()));
        let staff_roles: Vec<Role> = STAFF.iter().map(|s| s.role).collect();
        for role in Role::ALL.into_iter().filter(|r| *r != Role::Citizen) {
            assert!(staff_roles.contains(&role), "{role} has no demo account");
        }
    }
}
