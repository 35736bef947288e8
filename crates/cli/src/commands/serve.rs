//! `shanyraq serve`: the web pages and the API.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use shanyraq_app::{Services, database};
use shanyraq_domain::assessment::Trigger;
use shanyraq_store::{DbUrl, Store};
use shanyraq_web::{Lang, WebConfig};

use crate::cli::ServeArgs;

pub async fn run(db: &DbUrl, args: ServeArgs) -> anyhow::Result<()> {
    let store = database::open_current(db).await?;
    serve(store, &args).await
}

/// Serves `store` until Ctrl-C or SIGTERM.
pub async fn serve(store: Arc<dyn Store>, args: &ServeArgs) -> anyhow::Result<()> {
    let default_language: Lang = args
        .language
        .parse()
        .map_err(|_| anyhow::anyhow!("--language must be kk, ru or en, not {:?}", args.language))?;
    if !args.addr.ip().is_loopback() {
        eprintln!(
            "warning: listening on {}, which is not loopback: put HTTPS in front, since session \
             cookies are sent over HTTPS only",
            args.addr
        );
    }
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let services = Services::new(store);
    if args.reassess_every > 0 {
        let every = Duration::from_secs(args.reassess_every);
        tokio::spawn(reassess(services.clone(), every, args.outbox_file.clone()));
    }
    let router =
        shanyraq_web::router(services, WebConfig { default_language, ..WebConfig::default() });
    println!("Shanyraq is running at http://{}/ (Ctrl-C stops it)", args.addr);
    shanyraq_web::serve(listener, router).await.context("serving")?;
    Ok(())
}

/// The background job, every `every`: once a day assesses every family, re-assesses the
/// families whose facts changed, turns unanswered offers past their day into follow-up tasks,
/// forgets ended sessions, and hands new messages to the outbox file if there is one.
async fn reassess(services: Services, every: Duration, outbox: Option<std::path::PathBuf>) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut assessed_all_on = services.today();
    loop {
        tick.tick().await;
        // Once a day every family: ages move, a version that takes effect today applies, and
        // families still at D or E are reported again.
        let today = services.today();
        if today > assessed_all_on {
            match services.assess_all(Some(today), Trigger::Full, |_| {}).await {
                Ok(s) => {
                    assessed_all_on = today;
                    tracing::info!(families = s.families, changed = s.changed, "daily assessment");
                }
                Err(e) => tracing::warn!(code = e.code(), "daily assessment failed: {e}"),
            }
        }
        match services.assess_changed().await {
            Ok(s) if s.families > 0 => tracing::info!(
                families = s.families,
                changed = s.changed,
                events = s.events,
                "re-assessed families whose facts changed"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(code = e.code(), "re-assessment failed: {e}"),
        }
        match services.expire_offers().await {
            Ok(expired) if !expired.is_empty() => {
                tracing::info!(offers = expired.len(), "expired unanswered offers into tasks")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(code = e.code(), "expiring offers failed: {e}"),
        }
        // Sessions past their timeouts and failed sign-ins past the throttling window.
        match services.sign_in().purge().await {
            Ok(n) if n > 0 => tracing::info!(rows = n, "purged ended sessions and old failures"),
            Ok(_) => {}
            Err(e) => tracing::warn!(code = e.code(), "purging sessions failed: {e}"),
        }
        if let Some(path) = &outbox {
            match crate::commands::offers::deliver_to_file(&services, path).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(messages = n, "wrote outbound messages to the outbox file"),
                Err(e) => tracing::warn!("writing the outbox file failed: {e:#}"),
            }
        }
    }
}
