//! `shanyraq demo`: migrate, fill an empty database with a synthetic district, create the
//! demonstration accounts, serve.

use shanyraq_app::Services;
use shanyraq_app::database::{self, Access};
use shanyraq_domain::assessment::Trigger;
use shanyraq_store::DbUrl;

use crate::cli::{DemoArgs, GenerateArgs, PopulationArgs};
use crate::commands::{assess, demo_accounts, generate, serve};

pub async fn run(db: &DbUrl, args: DemoArgs) -> anyhow::Result<()> {
    if let DbUrl::Sqlite(path) = db
        && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)?;
    }
    let store = database::connect(db, Access::CreateIfMissing).await?;
    let report = database::migrate(store.as_ref()).await?;
    if report.schema.from != report.schema.to {
        println!("{db}: schema migrated to version {}", report.schema.to);
    }
    if store.stats().await?.families == 0 {
        println!("{db}: empty; generating {} synthetic families in {}", args.families, args.region);
        let generate_args = GenerateArgs {
            population: PopulationArgs {
                families: args.families,
                seed: args.seed,
                region: Some(args.region),
                as_of: None,
            },
            wrong_check_digit_per_mille: None,
            structure_mismatch_per_mille: None,
            missing_iin_per_mille: None,
            chunk: 2_000,
        };
        let report = generate::generate_into(&store, &generate_args).await?;
        generate::print_report(&report);
    }
    let services = Services::new(store.clone());
    let installed = services.ensure_methodology().await?;
    if let Some(m) = &installed {
        println!("{db}: installed the default methodology, version {}", m.version);
    }
    if installed.is_some()
        || store.assessment_inputs(None, 1).await?.first().is_some_and(|f| f.previous.is_none())
    {
        println!("{db}: assessing every family");
        let summary = services.assess_all(None, Trigger::Full, |_| {}).await?;
        assess::print(&summary, false)?;
    }
    let mut serve_args = args.serve.clone();
    if serve_args.outbox_file.is_none()
        && let DbUrl::Sqlite(path) = db
    {
        let file = path.with_file_name("outbox.jsonl");
        let n = crate::commands::offers::deliver_to_file(&services, &file).await?;
        println!("{db}: outbound messages go to {} ({n} written now)", file.display());
        serve_args.outbox_file = Some(file);
    }
    let accounts = demo_accounts::ensure(&services, &store, args.region).await?;
    demo_accounts::print(&accounts);
    serve::serve(store, &serve_args).await
}
