//! `shanyraq user add|grant|revoke|list|passwd|sign-out`: account administration from the
//! command line, which acts as `system:cli` with the database's own rights.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, bail};
use shanyraq_app::accounts::NewUser;
use shanyraq_app::authz::AccessContext;
use shanyraq_app::{Services, database};
use shanyraq_domain::access::{Category, RoleGrant};
use shanyraq_store::{AccountKind, AccountRecord, DbUrl};

use crate::cli::{UserAddArgs, UserCommand, UserGrantArgs};

/// Where a password is read from when it is set; otherwise from standard input.
pub const PASSWORD_VAR: &str = "SHANYRAQ_PASSWORD";

pub async fn run(db: &DbUrl, command: UserCommand) -> anyhow::Result<()> {
    let services = Services::new(database::open_current(db).await?);
    let ctx = cli_context();
    let users = services.users();
    match command {
        UserCommand::Add(args) => add(&services, &ctx, args).await?,
        UserCommand::Grant(args) => change(&services, &ctx, &args, true).await?,
        UserCommand::Revoke(args) => change(&services, &ctx, &args, false).await?,
        UserCommand::List => print_accounts(&users.list(&ctx).await?),
        UserCommand::Passwd { login } => {
            let account = users.find(&login).await?;
            let password = read_password(&account.login)?;
            users.set_password(&ctx, &account.login, &password).await?;
            println!("password of {} changed; its sessions were ended", account.login);
        }
        UserCommand::SignOut { login } => {
            let account = users.find(&login).await?;
            let n = users.sign_out_everywhere(&ctx, &account.login).await?;
            println!("{n} sessions of {} ended", account.login);
        }
    }
    Ok(())
}

/// The command line as recorded in the audit: `system:cli`, with a request id of its own.
pub fn cli_context() -> AccessContext {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    AccessContext::system("cli", format!("cli-{now}-{}", std::process::id()))
}

async fn add(services: &Services, ctx: &AccessContext, args: UserAddArgs) -> anyhow::Result<()> {
    let kind = if args.citizen { AccountKind::Citizen } else { AccountKind::Staff };
    let password = read_password(&args.login)?;
    let account = services
        .users()
        .add(
            ctx,
            NewUser { login: args.login, kind, display_name: args.name, password, iin: args.iin },
        )
        .await?;
    println!("account {} created: {} ({})", account.id, account.login, account.kind.code());
    Ok(())
}

async fn change(
    services: &Services,
    ctx: &AccessContext,
    args: &UserGrantArgs,
    granted: bool,
) -> anyhow::Result<()> {
    let users = services.users();
    let login = users.find(&args.login).await?.login;
    let (what, changed) = match (&args.role, &args.agency, &args.territory, args.category) {
        (Some(role), Some(agency), Some(territory), _) => {
            let grant = RoleGrant { role: *role, agency: agency.clone(), territory: *territory };
            let changed = if granted {
                // A role over a territory the classifier does not know would reach nobody.
                if services.territory(*territory).await.is_err() {
                    bail!("invalid --territory: {territory} is not a territory of the classifier");
                }
                users.grant(ctx, &login, &grant).await?
            } else {
                users.revoke(ctx, &login, &grant).await?
            };
            (format!("role {}", grant_text(&grant)), changed)
        }
        (_, _, _, Some(category)) => {
            let changed = users.set_category(ctx, &login, category, granted).await?;
            (format!("category {category}"), changed)
        }
        _ => bail!("give --role with --agency and --territory, or --category"),
    };
    match (granted, changed) {
        (true, true) => println!("granted {what} to {login}"),
        (true, false) => println!("unchanged: {login} already holds {what}"),
        (false, true) => println!("revoked {what} from {login}"),
        (false, false) => println!("unchanged: {login} does not hold {what}"),
    }
    Ok(())
}

/// `role/agency@kato`.
pub fn grant_text(g: &RoleGrant) -> String {
    format!("{}/{}@{}", g.role, g.agency, g.territory)
}

fn print_accounts(accounts: &[AccountRecord]) {
    if accounts.is_empty() {
        println!("(no accounts; `shanyraq user add` creates one)");
        return;
    }
    let header = ["LOGIN", "KIND", "NAME", "DISABLED", "ROLES", "CATEGORIES"].map(str::to_owned);
    let rows: Vec<[String; 6]> = accounts
        .iter()
        .map(|a| {
            let roles = a.roles.iter().map(grant_text).collect::<Vec<_>>().join(", ");
            let categories = a.categories.iter().map(Category::code).collect::<Vec<_>>().join(",");
            [
                a.login.clone(),
                a.kind.code().to_owned(),
                a.display_name.clone(),
                if a.disabled_at.is_some() { "yes" } else { "no" }.to_owned(),
                if roles.is_empty() { "-".to_owned() } else { roles },
                if categories.is_empty() { "-".to_owned() } else { categories },
            ]
        })
        .collect();
    print_table(&header, &rows);
}

/// Columns padded to their widest cell (in characters), the last one unpadded.
pub fn print_table<const N: usize>(header: &[String; N], rows: &[[String; N]]) {
    let mut widths = [0usize; N];
    for row in std::iter::once(header).chain(rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(header).chain(rows) {
        let mut line = String::new();
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            if i + 1 == N {
                line.push_str(cell);
            } else {
                let pad = w - cell.chars().count();
                line.push_str(cell);
                line.extend(std::iter::repeat_n(' ', pad + 2));
            }
        }
        println!("{}", line.trim_end());
    }
}

/// The new password: `SHANYRAQ_PASSWORD` when set, otherwise one line of standard input. Never
/// from the command line, where other users of the machine could read it.
fn read_password(login: &str) -> anyhow::Result<String> {
    if let Some(value) = std::env::var_os(PASSWORD_VAR) {
        let Ok(password) = value.into_string() else {
            bail!("invalid password: {PASSWORD_VAR} is not valid UTF-8");
        };
        if password.is_empty() {
            bail!("invalid password: {PASSWORD_VAR} is set but empty");
        }
        return Ok(password);
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("password for {login} (shown as typed; or set {PASSWORD_VAR}): ");
        std::io::stderr().flush().ok();
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).context("reading the password from standard input")?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    if password.is_empty() {
        bail!(
            "invalid password: none given; set {PASSWORD_VAR} or write it as one line on standard input"
        );
    }
    Ok(password.to_owned())
}
