//! `shanyraq bench access`: the family card over HTTP on loopback with authorisation and audit,
//! against the same read without them, in one run. Both servers run in this process over the
//! same database; clients alternate between them in rounds so that drift hits both alike.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use shanyraq_app::Services;
use shanyraq_app::accounts::NewUser;
use shanyraq_app::authz::AccessContext;
use shanyraq_app::database;
use shanyraq_domain::access::{AgencyCode, Role, RoleGrant};
use shanyraq_domain::territory;
use shanyraq_store::{AccountKind, DbUrl};
use shanyraq_web::WebConfig;
use tokio::net::{TcpListener, TcpStream};

const LOGIN: &str = "bench.supervisor";
const PASSWORD: &str = "bench supervisor password 2026";

/// What the clients measured against one server.
#[derive(Debug, Default)]
struct Tally {
    requests: u64,
    failures: u64,
    elapsed: Duration,
    /// Microseconds per request.
    latencies: Vec<u32>,
}

impl Tally {
    fn rate(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    fn percentile(&mut self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return 0.0;
        }
        self.latencies.sort_unstable();
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        f64::from(self.latencies[i]) / 1000.0
    }
}

/// A supervisor over every region, without sensitive grants, signed in.
async fn bench_session(services: &Services) -> anyhow::Result<String> {
    let ctx = AccessContext::system("bench", "bench");
    let users = services.users();
    if users.find(LOGIN).await.is_err() {
        let new = NewUser {
            login: LOGIN.into(),
            kind: AccountKind::Staff,
            display_name: "Benchmark supervisor".into(),
            password: PASSWORD.into(),
            iin: None,
        };
        users.add(&ctx, new).await?;
        let agency = AgencyCode::parse("social").context("agency code")?;
        for t in territory::bundled().regions() {
            let g = RoleGrant { role: Role::Supervisor, agency: agency.clone(), territory: t.code };
            users.grant(&ctx, LOGIN, &g).await?;
        }
    }
    let signed =
        services.sign_in().sign_in(LOGIN, PASSWORD, "bench", "bench", services.today()).await?;
    Ok(format!(
        "{}={}",
        shanyraq_web::session_cookie_name(&WebConfig::default()),
        signed.cookie.expose()
    ))
}

async fn serve(router: axum::Router) -> anyhow::Result<std::net::SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await;
    });
    Ok(addr)
}

/// One client: its own keep-alive connection, random families, until `stop`.
async fn client(
    addr: std::net::SocketAddr,
    cookie: Option<String>,
    families: u64,
    seed: u64,
    stop: Arc<AtomicBool>,
) -> anyhow::Result<Tally> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let mut t = Tally::default();
    let mut x = seed | 1;
    while !stop.load(Ordering::Relaxed) {
        // xorshift: cheap, and the same sequence for both servers.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let id = x % families + 1;
        let mut req = Request::get(format!("/api/v1/families/{id}")).header("host", "127.0.0.1");
        if let Some(c) = &cookie {
            req = req.header("cookie", c.as_str());
        }
        let started = Instant::now();
        sender.ready().await?;
        let res = sender.send_request(req.body(Empty::<Bytes>::new())?).await?;
        let ok = res.status() == StatusCode::OK;
        res.into_body().collect().await?;
        t.latencies.push(started.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
        t.requests += 1;
        t.failures += u64::from(!ok);
    }
    Ok(t)
}

async fn round(
    addr: std::net::SocketAddr,
    cookie: Option<&str>,
    clients: usize,
    families: u64,
    seconds: u64,
    round: u64,
) -> anyhow::Result<Tally> {
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|i| {
            let seed = round * 1_000 + i as u64 * 7_919 + 1;
            tokio::spawn(client(addr, cookie.map(str::to_owned), families, seed, stop.clone()))
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Tally::default();
    for t in tasks {
        let t = t.await??;
        all.requests += t.requests;
        all.failures += t.failures;
        all.latencies.extend(t.latencies);
    }
    all.elapsed = started.elapsed();
    Ok(all)
}

pub async fn run(db: &DbUrl, clients: usize, seconds: u64, rounds: u64) -> anyhow::Result<()> {
    let store = database::open_current(db).await?;
    let services = Services::new(store);
    let families = services.stats().await?.families;
    anyhow::ensure!(families > 0, "the database has no families: run `bench generate` first");
    let cookie = bench_session(&services).await?;
    let guarded = serve(shanyraq_web::router(services.clone(), WebConfig::default())).await?;
    let baseline = serve(shanyraq_web::baseline_router(services.clone())).await?;
    println!("{families} families; {clients} clients; {rounds} rounds of {seconds} s per server");
    // A short warm-up of each, not counted.
    round(baseline, None, clients, families, 1, 0).await?;
    round(guarded, Some(&cookie), clients, families, 1, 0).await?;
    let (mut plain, mut checked) = (Tally::default(), Tally::default());
    for r in 1..=rounds {
        for (addr, cookie, into) in
            [(baseline, None, &mut plain), (guarded, Some(cookie.as_str()), &mut checked)]
        {
            let t = round(addr, cookie, clients, families, seconds, r).await?;
            into.requests += t.requests;
            into.failures += t.failures;
            into.elapsed += t.elapsed;
            into.latencies.extend(t.latencies);
        }
    }
    for (name, t) in [
        ("without authorisation and audit", &mut plain),
        ("with authorisation and audit", &mut checked),
    ] {
        let (p50, p99) = (t.percentile(0.50), t.percentile(0.99));
        println!(
            "{name:>32}: {:>8.0} req/s  p50 {p50:.2} ms  p99 {p99:.2} ms  ({} requests, {} not 200)",
            t.rate(),
            t.requests,
            t.failures
        );
    }
    println!("ratio: {:.1} % of the throughput", 100.0 * checked.rate() / plain.rate().max(1e-9));
    let report = services.audit_head().await?;
    if let Some(head) = report {
        println!("audit chain head: entry {}", head.seq);
    }
    Ok(())
}
