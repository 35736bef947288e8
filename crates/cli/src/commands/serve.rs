//! `shanyraq serve`: the web pages and the API.

use std::sync::Arc;

use anyhow::Context;
use shanyraq_app::{Services, database};
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
            "warning: listening on {}, which is not loopback; there is no access control yet",
            args.addr
        );
    }
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let router = shanyraq_web::router(Services::new(store), WebConfig { default_language });
    println!("Shanyraq is running at http://{}/ (Ctrl-C stops it)", args.addr);
    shanyraq_web::serve(listener, router).await.context("serving")?;
    Ok(())
}
