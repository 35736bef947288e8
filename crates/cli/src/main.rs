//! `shanyraq`: the one binary. Parses the command line and hands each subcommand to its module.

mod alloc;
mod cli;
mod commands;
mod rss;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{BenchCommand, Cli, Command};

/// mimalloc rather than the system allocator: the import and the generator allocate on one
/// thread and free on another, and glibc's arenas then serialise on their locks (measured:
/// several per cent of an import's time spent waiting on them).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Imports must stay inside a small memory budget; other commands keep mimalloc's default,
    // which spares them refaulting pages they free and take again (about a tenth of a full
    // assessment's time).
    if matches!(cli.command, Command::Import(_) | Command::Bench(BenchCommand::Import(_))) {
        alloc::return_freed_memory_at_once();
    }
    init_tracing();
    // `iin` needs no runtime and no database.
    if let Command::Iin(args) = &cli.command {
        return commands::iin::run(args);
    }
    // Nor does `generate-feeds`: it writes files only.
    if let Command::GenerateFeeds(args) = &cli.command {
        return match commands::generate_feeds::run(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::from(2)
            }
        };
    }
    // Nor does `import --dry-run`.
    if let Command::Import(args) = &cli.command
        && args.dry_run
    {
        return commands::import::run_dry(args);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    if let Command::Import(args) = &cli.command {
        return runtime.block_on(commands::import::run(&cli.db, args));
    }
    // `audit verify` has its own exit status: 1 when the chain is broken.
    if let Command::Audit(c) = &cli.command {
        return runtime.block_on(commands::audit::run(&cli.db, c));
    }
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Demo(args) => commands::demo::run(&cli.db, args).await,
            Command::Serve(args) => commands::serve::run(&cli.db, args).await,
            Command::Migrate => commands::migrate::run(&cli.db).await,
            Command::Generate(args) => commands::generate::run(&cli.db, args).await,
            Command::Batches(args) => commands::batches::run(&cli.db, &args).await,
            Command::Offers(c) => commands::offers::run(&cli.db, c).await,
            Command::Assess(args) => commands::assess::run(&cli.db, args).await,
            Command::Methodology(c) => commands::methodology::run(&cli.db, c).await,
            Command::User(c) => commands::user::run(&cli.db, c).await,
            Command::Token(c) => commands::token::run(&cli.db, c).await,
            Command::Stats(crate::cli::StatsCommand::Levels(args)) => {
                commands::stats::levels(&cli.db, args).await
            }
            Command::Bench(BenchCommand::Audit { events }) => {
                commands::bench_audit::run(&cli.db, events).await
            }
            Command::Bench(BenchCommand::Access { clients, seconds, rounds }) => {
                commands::bench_access::run(&cli.db, clients, seconds, rounds).await
            }
            Command::Bench(BenchCommand::Assess(args)) => {
                commands::bench_assess::run(&cli.db, args).await
            }
            Command::Bench(BenchCommand::Generate(args)) => {
                commands::bench::generate(&cli.db, args).await
            }
            Command::Bench(BenchCommand::Import(args)) => {
                commands::bench::import(&cli.db, args).await
            }
            Command::Iin(_)
            | Command::GenerateFeeds(_)
            | Command::Import(_)
            | Command::Audit(_) => Ok(()),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Logs go to stderr; `RUST_LOG` overrides the default level. Personal data is never logged.
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ =
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}
