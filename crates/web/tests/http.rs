//! The HTTP surface, driven through the router over a real SQLite store in a temporary file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt as _;
use serde_json::Value;
use shanyraq_app::accounts::{NewUser, SessionPolicy};
use shanyraq_app::authz::AccessContext;
use shanyraq_app::{Clock, Services};
use shanyraq_domain::access::{AgencyCode, Category, Role as AccessRole, RoleGrant};
use shanyraq_domain::assessment::Trigger;
use shanyraq_domain::{
    Address, BatchId, Family, FamilyId, Iin, ImportBatch, IndicatorKey, Kato, KatoLevel,
    Membership, Observation, ObservationValue, Person, PersonId, PersonName, Role, SettlementType,
    Sex, Source, Tenge, Territory, TerritoryTree, TreeVersion,
};
use shanyraq_store::{
    AccountKind, AssessmentChunk, AssessmentInput, AssessmentStore, Backend, BatchPageRequest,
    BatchRecord, BatchStore, ChunkCounts, ChunkOutcome, FamilyPage, FamilyRecord, FeedChunk,
    FeedFact, FeedRow, FeedStore, HistoryEntry, ImportIssue, Installed, IssueCursor, IssueVerdict,
    LevelCount, MethodologyRecord, MigrationOutcome, Movement, NewFeedBatch, NewOffer, NextIds,
    OfferRecord, OfferStore, OpenFailure, OutboxMessage, PageRequest, PendingRow, PersonRecord,
    PopulationChunk, PopulationStore, RegionMedian, RepeatNote, ResolvedPerson, SchemaShape,
    SchemaStore, Store, StoreError, StoreResult, StoreStats, StoredAssessment, StoredLevelEvent,
    TaskRecord, TerritoryStore,
};
use shanyraq_store_sqlite::SqliteStore;
use shanyraq_web::{Lang, WebConfig, router};
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};
use tower::ServiceExt as _;

const HEAD_IIN: &str = "791028302728";
const SECOND_PASS_IIN: &str = "061211600012";

struct App {
    router: Router,
    services: Services,
    /// The session cookie (`name=value`) every request carries unless sent anonymously: a
    /// supervisor over both regions of the test tree, without sensitive categories.
    session: Option<String>,
    _dir: tempfile::TempDir,
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers.get(&name).map_or("", |v| v.to_str().unwrap())
    }
    /// The error code of a JSON error body, after checking its shape.
    fn error_code(&self) -> String {
        let j = self.json();
        let error = j["error"].as_object().unwrap_or_else(|| panic!("not an error body: {j}"));
        assert!(!error["message"].as_str().unwrap().is_empty());
        error["code"].as_str().unwrap().to_owned()
    }
    fn error_message(&self) -> String {
        self.json()["error"]["message"].as_str().unwrap().to_owned()
    }
}

impl App {
    async fn get(&self, uri: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).unwrap()).await
    }

    async fn get_with(&self, uri: &str, headers: &[(header::HeaderName, &str)]) -> Reply {
        let mut req = Request::get(uri);
        for (k, v) in headers {
            req = req.header(k, *v);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// Sends `req` as the test account, its session cookie added to any the request has.
    async fn send(&self, req: Request<Body>) -> Reply {
        self.send_as(req, self.session.as_deref()).await
    }

    /// Sends `req` with no session of the harness's own.
    async fn send_anon(&self, req: Request<Body>) -> Reply {
        self.send_as(req, None).await
    }

    async fn get_anon(&self, uri: &str) -> Reply {
        self.send_anon(Request::get(uri).body(Body::empty()).unwrap()).await
    }

    /// Sends `req` with the session cookie `session` (`name=value`) added.
    async fn send_as(&self, mut req: Request<Body>, session: Option<&str>) -> Reply {
        if let Some(session) = session {
            let cookie = match req.headers().get(header::COOKIE) {
                Some(v) => format!("{}; {session}", v.to_str().unwrap()),
                None => session.to_owned(),
            };
            req.headers_mut().insert(header::COOKIE, cookie.parse().unwrap());
        }
        let response = self.router.clone().oneshot(req).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes().to_vec();
        Reply { status, headers, body }
    }
}

fn kato(s: &str) -> Kato {
    s.parse().unwrap()
}

fn territory(
    code: &str,
    parent: Option<&str>,
    level: KatoLevel,
    kk: &str,
    ru: &str,
    en: Option<&str>,
    settlement_type: SettlementType,
) -> Territory {
    Territory {
        code: kato(code),
        parent: parent.map(kato),
        level,
        name_kk: kk.into(),
        name_ru: ru.into(),
        name_en: en.map(Into::into),
        settlement_type,
    }
}

fn tree() -> TerritoryTree {
    use KatoLevel::*;
    use SettlementType::*;
    TerritoryTree::from_territories(
        TreeVersion { id: "TEST@2026-01-01".into(), as_of: date!(2026 - 01 - 01) },
        vec![
            territory(
                "110000000",
                None,
                Region,
                "Ақмола облысы",
                "Акмолинская область",
                Some("Akmola Region"),
                OblastCity,
            ),
            territory(
                "113800000",
                Some("110000000"),
                District,
                "Целиноград ауданы",
                "Целиноградский район",
                None,
                DistrictCentre,
            ),
            territory(
                "113820000",
                Some("113800000"),
                Okrug,
                "Қоянды ауылдық округі",
                "Коянды с.о.",
                None,
                RuralOkrug,
            ),
            territory(
                "113820100",
                Some("113820000"),
                Settlement,
                "Қоянды ауылы",
                "с.Коянды",
                None,
                RuralSettlement,
            ),
            territory(
                "113820200",
                Some("113820000"),
                Settlement,
                "Тайтөбе ауылы",
                "с.Тайтобе",
                None,
                RuralSettlement,
            ),
            territory(
                "710000000",
                None,
                Region,
                "Астана қаласы",
                "город Астана",
                Some("Astana"),
                Capital,
            ),
            territory(
                "711110000",
                Some("710000000"),
                Okrug,
                "Алматы ауданы",
                "район Алматы",
                None,
                Capital,
            ),
        ],
    )
    .unwrap()
}

fn person(id: i64, iin: Option<Iin>, last: &str, first: &str, born: Date, sex: Sex) -> Person {
    Person {
        id: PersonId(id),
        iin,
        iin_as_reported: None,
        name: PersonName { last: last.into(), first: first.into(), patronymic: None },
        birth_date: born,
        sex,
        language: None,
        phone: None,
        disability: None,
        death_date: None,
    }
}

fn family(id: i64, territory: &str, settlement_type: SettlementType) -> Family {
    Family {
        id: FamilyId(id),
        address: Address {
            territory: kato(territory),
            street: Some("Абай көшесі".into()),
            house: Some(id.to_string()),
            flat: None,
        },
        settlement_type,
        registered_on: date!(2020 - 03 - 01),
    }
}

fn member(family: i64, person: i64, role: Role) -> Membership {
    Membership {
        family: FamilyId(family),
        person: PersonId(person),
        role,
        from: date!(2020 - 03 - 01),
        until: None,
    }
}

fn fact(
    family: i64,
    person: Option<i64>,
    key: &str,
    value: ObservationValue,
    on: Date,
) -> Observation {
    Observation {
        family: FamilyId(family),
        person: person.map(PersonId),
        indicator: IndicatorKey::named(key).unwrap(),
        value,
        source: IndicatorKey::named(key).unwrap().def().source,
        observed_at: on,
        valid_from: on,
        valid_until: None,
        batch: BatchId(1),
    }
}

/// A valid IIN whose structure says born 17.02.1985, female.
fn spouse_iin() -> Iin {
    (0..100).find_map(|s| Iin::from_structure(date!(1985 - 02 - 17), Sex::Female, s)).unwrap()
}

/// Five families: four in Akmola (three in Қоянды, one in Тайтөбе), one in Astana.
/// Family 1 has a head with a clean IIN, a spouse whose record disagrees with her IIN's birth
/// date, and a child whose reported IIN has a wrong check digit.
fn population() -> PopulationChunk {
    use SettlementType::*;
    let mut spouse =
        person(2, Some(spouse_iin()), "Сейітқызы", "Әйгерім", date!(1985 - 02 - 18), Sex::Female);
    spouse.language = Some(shanyraq_domain::Language::Kk);
    let mut child = person(3, None, "Серікұлы", "Нұрлан", date!(2015 - 06 - 01), Sex::Male);
    child.iin_as_reported = Some("150601500019".into());
    let mut second_pass = person(
        4,
        Some(SECOND_PASS_IIN.parse().unwrap()),
        "Иванова",
        "Анна",
        date!(2006 - 12 - 11),
        Sex::Female,
    );
    second_pass.phone = Some("+7 701 555 1234".into());
    let persons = vec![
        person(
            1,
            Some(HEAD_IIN.parse().unwrap()),
            "Серіков",
            "Серік",
            date!(1979 - 10 - 28),
            Sex::Male,
        ),
        spouse,
        child,
        second_pass,
        person(5, None, "Өмірзақов", "Қанат", date!(1960 - 01 - 05), Sex::Male),
        person(6, None, "Ғалымов", "Үмбет", date!(1990 - 04 - 04), Sex::Male),
        person(7, None, "Петров", "Пётр", date!(1970 - 07 - 07), Sex::Male),
    ];
    let families = vec![
        family(1, "113820100", RuralSettlement),
        family(2, "113820100", RuralSettlement),
        family(3, "113820200", RuralSettlement),
        family(4, "113820100", RuralSettlement),
        family(5, "711110000", Capital),
    ];
    let memberships = vec![
        member(1, 1, Role::Head),
        member(1, 2, Role::Spouse),
        member(1, 3, Role::Child),
        member(2, 4, Role::Head),
        member(3, 5, Role::Head),
        member(4, 6, Role::Head),
        member(5, 7, Role::Head),
    ];
    let observations = vec![
        fact(
            1,
            Some(1),
            "income.wage",
            ObservationValue::Money(Tenge(180_000)),
            date!(2025 - 01 - 15),
        ),
        fact(
            1,
            Some(1),
            "income.wage",
            ObservationValue::Money(Tenge(210_000)),
            date!(2026 - 01 - 15),
        ),
        fact(
            1,
            None,
            "housing.tenure",
            ObservationValue::Code("own".into()),
            date!(2025 - 05 - 01),
        ),
        fact(1, None, "property.vehicle_count", ObservationValue::Count(1), date!(2025 - 05 - 01)),
        fact(
            1,
            Some(3),
            "education.school_attached",
            ObservationValue::Flag(true),
            date!(2025 - 09 - 01),
        ),
        fact(
            2,
            Some(4),
            "income.wage",
            ObservationValue::Money(Tenge(95_000)),
            date!(2026 - 01 - 15),
        ),
    ];
    PopulationChunk { persons, families, memberships, observations }
}

async fn open_store(dir: &tempfile::TempDir) -> SqliteStore {
    SqliteStore::create_or_open(&dir.path().join("shanyraq.db")).unwrap()
}

/// A migrated store with the territory tree, the generator's batch 1 (still running) and the
/// population.
async fn populated_store(dir: &tempfile::TempDir) -> SqliteStore {
    let store = open_store(dir).await;
    store.migrate().await.unwrap();
    store.replace_territories(&tree()).await.unwrap();
    store
        .create_batch(&ImportBatch {
            id: BatchId(1),
            feed: "synthetic".into(),
            label: "http tests".into(),
            started_at: datetime!(2026-01-20 10:00 UTC),
            finished_at: None,
            rows_accepted: 0,
            rows_rejected: 0,
        })
        .await
        .unwrap();
    store.insert_population(&population()).await.unwrap();
    store
}

async fn app_over(store: SqliteStore, dir: tempfile::TempDir, config: WebConfig) -> App {
    let store: Arc<dyn Store> = Arc::new(store);
    signed_in_app(Services::new(store), config, dir).await
}

async fn app_with(config: WebConfig) -> App {
    let dir = tempfile::tempdir().unwrap();
    let store = populated_store(&dir).await;
    app_over(store, dir, config).await
}

/// The session cookie's name under the default configuration (secure cookies).
const SESSION: &str = "__Host-shanyraq-session";
const CSRF: &str = "__Host-shanyraq-csrf";
const PASSWORD: &str = "вишнёвый сад 1904";
const SUPERVISOR: &str = "test.supervisor";

fn grant(role: AccessRole, territory: &str) -> RoleGrant {
    RoleGrant { role, agency: AgencyCode::parse("social").unwrap(), territory: kato(territory) }
}

/// Creates the staff account `login` with `grants` and `categories`.
async fn add_staff(
    services: &Services,
    login: &str,
    name: &str,
    grants: &[RoleGrant],
    categories: &[Category],
) {
    let system = AccessContext::system("test", "t");
    let users = services.users();
    let new = NewUser {
        login: login.into(),
        kind: AccountKind::Staff,
        display_name: name.into(),
        password: PASSWORD.into(),
        iin: None,
    };
    users.add(&system, new).await.unwrap();
    for g in grants {
        users.grant(&system, login, g).await.unwrap();
    }
    for c in categories {
        users.set_category(&system, login, *c, true).await.unwrap();
    }
}

/// Signs `login` in through the application layer; the session cookie as `name=value`.
async fn session_of(services: &Services, login: &str) -> String {
    let s = services
        .sign_in()
        .sign_in(login, PASSWORD, "test", "test-sign-in", services.today())
        .await
        .unwrap();
    format!("{SESSION}={}", s.cookie.expose())
}

/// An app whose requests go as a supervisor over both regions of the test tree.
async fn signed_in_app(services: Services, config: WebConfig, dir: tempfile::TempDir) -> App {
    let grants =
        [grant(AccessRole::Supervisor, "110000000"), grant(AccessRole::Supervisor, "710000000")];
    add_staff(&services, SUPERVISOR, "Тестова Айгүл", &grants, &[]).await;
    let session = session_of(&services, SUPERVISOR).await;
    let router = router(services.clone(), config);
    App { router, services, session: Some(session), _dir: dir }
}

async fn app() -> App {
    app_with(WebConfig::default()).await
}

fn feed_batch(
    feed: &str,
    source: Source,
    label: &str,
    hex: char,
    at: OffsetDateTime,
) -> NewFeedBatch {
    NewFeedBatch {
        feed: feed.into(),
        source,
        label: label.into(),
        fingerprint: hex.to_string().repeat(64),
        started_at: at,
    }
}

fn issue(line: u64, verdict: IssueVerdict, code: &str) -> ImportIssue {
    ImportIssue {
        line,
        seq: 0,
        verdict,
        column: "amount".into(),
        value_masked: "***".into(),
        code: code.into(),
        args: Vec::new(),
    }
}

/// The population with batches of every kind beside the generator's batch 1 (running):
/// 2 a finished generator run; 3 a feed file that failed; 4 a feed file imported with one
/// rejected row and one fact (the wage of family 4's head, from file line 2) carrying a warning;
/// 5 a feed file still being imported.
async fn app_with_batches() -> App {
    let dir = tempfile::tempdir().unwrap();
    let store = populated_store(&dir).await;
    store
        .create_batch(&ImportBatch {
            id: BatchId(2),
            feed: "synthetic".into(),
            label: "seed=7".into(),
            started_at: datetime!(2026-01-21 09:00 UTC),
            finished_at: None,
            rows_accepted: 0,
            rows_rejected: 0,
        })
        .await
        .unwrap();
    store.finish_batch(BatchId(2), datetime!(2026-01-21 09:10 UTC), 120, 3).await.unwrap();

    let failed =
        feed_batch("income", Source::Tax, "income-bad.csv", 'a', datetime!(2026-01-22 08:00 UTC));
    let failed = store.start_feed_batch(&failed, &[]).await.unwrap();
    assert_eq!(failed.batch.id, BatchId(3));
    store
        .fail_feed_batch(failed.batch.id, "feed.missing_column", datetime!(2026-01-22 08:01 UTC))
        .await
        .unwrap();

    let loaded = feed_batch(
        "income",
        Source::Tax,
        "income-2026-02.csv",
        'b',
        datetime!(2026-01-23 08:00 UTC),
    );
    let loaded = store.start_feed_batch(&loaded, &[]).await.unwrap();
    assert_eq!(loaded.batch.id, BatchId(4));
    let mut wage = fact(
        4,
        Some(6),
        "income.wage",
        ObservationValue::Money(Tenge(150_000)),
        date!(2026 - 02 - 01),
    );
    wage.batch = loaded.batch.id;
    let chunk = FeedChunk {
        batch: loaded.batch.id,
        rows_before: 0,
        counts: ChunkCounts { rows_read: 2, rejected: 1, warnings: 1 },
        rows: vec![FeedRow {
            line: 2,
            facts: vec![FeedFact {
                natural_key: "income|p6|income.wage|2026-02-01|wage".into(),
                observation: wage,
            }],
            issues_before: 1,
        }],
        pending: Vec::new(),
        issues: vec![
            issue(2, IssueVerdict::Warning, "feed.amount_unusual"),
            issue(3, IssueVerdict::Rejected, "feed.amount_invalid"),
        ],
        repeat_note: RepeatNote::default(),
        written_at: datetime!(2026-01-23 08:01 UTC),
    };
    store.write_feed_chunk(chunk).await.unwrap();
    store.complete_feed_batch(loaded.batch.id, 2, datetime!(2026-01-23 08:02 UTC)).await.unwrap();

    let running =
        feed_batch("health", Source::Health, "health.jsonl", 'c', datetime!(2026-01-24 08:00 UTC));
    assert_eq!(store.start_feed_batch(&running, &[]).await.unwrap().batch.id, BatchId(5));
    app_over(store, dir, WebConfig::default()).await
}

/// The first and second day families were assessed on (10.01.2026 and 10.02.2026, in the
/// morning in Kazakhstan).
const FIRST_DAY: OffsetDateTime = datetime!(2026-01-10 06:00 UTC);
const SECOND_DAY: OffsetDateTime = datetime!(2026-02-10 06:00 UTC);

/// The population with an open report of domestic violence in family 3, the default
/// methodology installed, families 1–3 assessed on the first day and families 1, 2, 3 and 5 on
/// the second; family 4 never assessed. The server's clock stands on the second day.
async fn assessed_app() -> App {
    let dir = tempfile::tempdir().unwrap();
    let store = populated_store(&dir).await;
    let report = fact(
        3,
        None,
        "police.domestic_violence_report",
        ObservationValue::Flag(true),
        date!(2025 - 12 - 01),
    );
    let chunk = PopulationChunk {
        persons: Vec::new(),
        families: Vec::new(),
        memberships: Vec::new(),
        observations: vec![report],
    };
    store.insert_population(&chunk).await.unwrap();
    let store: Arc<dyn Store> = Arc::new(store);
    let first = Services::new(store.clone()).with_clock(Clock::Fixed(FIRST_DAY));
    first.ensure_methodology().await.unwrap();
    let ids = |ids: &[i64]| ids.iter().copied().map(FamilyId).collect::<Vec<_>>();
    first.assess_families(&ids(&[1, 2, 3]), Trigger::Manual).await.unwrap();
    let second = Services::new(store).with_clock(Clock::Fixed(SECOND_DAY));
    let summary = second.assess_families(&ids(&[1, 2, 3, 5]), Trigger::Facts).await.unwrap();
    assert_eq!(summary.families, 4);
    signed_in_app(second, WebConfig::default(), dir).await
}

/// A page's text as a reader sees it: without tags and with the characters HTML escapes.
fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[tokio::test]
async fn an_assessment_explains_the_level_and_keeps_its_history() {
    let app = assessed_app().await;
    // Family 3's violence report decides its level: read as someone granted that category.
    let grants = [grant(AccessRole::Supervisor, "110000000")];
    add_staff(&app.services, "violence.lead", "Қорғау маманы", &grants, &[Category::Violence])
        .await;
    let lead = session_of(&app.services, "violence.lead").await;
    let read = |uri: &str, lang: Option<&str>| {
        let mut req = Request::get(uri).header("x-purpose", "case review");
        if let Some(l) = lang {
            req = req.header(header::ACCEPT_LANGUAGE, l);
        }
        app.send_as(req.body(Body::empty()).unwrap(), Some(&lead))
    };
    let r = read("/api/v1/families/3/assessment?lang=en", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.header(header::CACHE_CONTROL), "no-store");
    let j = r.json();
    assert_eq!(j["family"], 3);
    assert_eq!(j["assessed_on"], "2026-02-10");
    assert_eq!(j["audience"], "worker");
    assert_eq!(j["trigger"], "facts");
    let m = &j["methodology"];
    assert_eq!(
        (m["version"].as_str(), m["reconstruction"].as_bool()),
        (Some("ckc-2023-r1"), Some(true))
    );
    assert_eq!(m["effective_from"], "2023-07-01");
    assert!(m["title"].as_str().unwrap().starts_with("Family well-being methodology"), "{m}");
    assert!(m["note"].as_str().unwrap().contains("not the official text"), "{m}");
    assert_eq!(
        j["level"],
        serde_json::json!({"letter": "E", "word": "emergency", "label": "E — emergency"})
    );
    assert_eq!(j["score_level"]["label"], "D — crisis");
    assert_eq!(j["total"], -170);
    let summary = j["summary"].as_str().unwrap();
    assert!(summary.contains("−170") && summary.contains("E — emergency"), "{summary}");

    // Overrides first, then rules by the weight of their points, which add up to the total.
    let lines = j["lines"].as_array().unwrap();
    let rules: Vec<&str> = lines.iter().map(|l| l["rule"].as_str().unwrap()).collect();
    assert_eq!(rules[..2], ["domestic_violence", "poor_without_work"], "{rules:?}");
    for l in &lines[..2] {
        assert_eq!(
            (l["kind"].as_str(), &l["points"], &l["domain"]),
            (Some("override"), &Value::Null, &Value::Null)
        );
    }
    assert!(lines[0]["text"].as_str().unwrap().contains("open report of domestic violence"));
    let points: Vec<i64> = lines[2..]
        .iter()
        .map(|l| {
            assert_eq!(l["kind"], "points", "{l}");
            assert!(l["domain"].as_str().is_some_and(|d| !d.is_empty()), "{l}");
            l["points"].as_i64().unwrap()
        })
        .collect();
    assert!(points.windows(2).all(|w| w[0].abs() >= w[1].abs()), "by weight: {points:?}");
    assert_eq!(points.iter().sum::<i64>(), -170);

    // The result did not change on the second day: one history entry, from the first.
    assert_eq!(
        j["history"],
        serde_json::json!([{
            "seq": 1,
            "assessed_on": "2026-01-10",
            "level": {"letter": "E", "word": "emergency", "label": "E — emergency"},
            "total": -170,
            "methodology": "ckc-2023-r1",
            "trigger": "manual"
        }])
    );

    // Every text in the language asked for, by ?lang= or Accept-Language.
    let ru = read("/api/v1/families/3/assessment", Some("ru")).await.json();
    assert_eq!(ru["level"]["label"], "E — экстренный");
    assert_eq!(ru["history"][0]["level"]["word"], "экстренный");
    assert!(ru["lines"][0]["text"].as_str().unwrap().contains("насили"), "{}", ru["lines"][0]);
    assert!(ru["summary"].as_str().unwrap().contains("баллов"), "{}", ru["summary"]);
    let kk = read("/api/v1/families/3/assessment?lang=kk", None).await.json();
    assert_eq!(kk["level"]["label"], "E — төтенше");
    assert!(kk["methodology"]["title"].as_str().unwrap().contains("әдістемесі"));
    assert!(kk["lines"][2]["text"].as_str().unwrap().ends_with("ұпай"), "{}", kk["lines"][2]);
}

#[tokio::test]
async fn the_family_reads_its_own_wording() {
    let app = assessed_app().await;
    let family = app.get("/api/v1/families/3/assessment?audience=family&lang=en").await;
    assert_eq!(family.status, StatusCode::OK);
    let j = family.json();
    assert_eq!(j["audience"], "family");
    assert_eq!(j["lines"][0]["rule"], "domestic_violence");
    let text = j["lines"][0]["text"].as_str().unwrap();
    assert!(text.contains("A specialist will contact you"), "{text}");
    for line in j["lines"].as_array().unwrap() {
        assert!(!line["text"].as_str().unwrap().contains("violence"), "{line}");
    }
    // The rest is what a specialist without the violence grant reads: the override's line is
    // left out for them altogether, the family's own wording of it stays for the family.
    let worker = app.get("/api/v1/families/3/assessment?audience=worker&lang=en").await.json();
    assert_eq!(worker["audience"], "worker");
    assert_eq!(worker["lines"].as_array().unwrap()[..], j["lines"].as_array().unwrap()[1..]);
    assert_eq!((&worker["level"], &worker["total"]), (&j["level"], &j["total"]));
}

#[tokio::test]
async fn families_never_assessed_or_unknown_get_distinct_errors() {
    let app = assessed_app().await;
    let r = app.get("/api/v1/families/4/assessment?lang=en").await;
    assert_eq!((r.status, r.error_code().as_str()), (StatusCode::NOT_FOUND, "assessment.none"));
    assert_eq!(r.error_message(), "Family number 4 has not been assessed yet.");
    let ru = app.get("/api/v1/families/4/assessment?lang=ru").await.error_message();
    let kk = app.get("/api/v1/families/4/assessment?lang=kk").await.error_message();
    assert!(ru.contains('4') && ru.contains("не оценивалась"), "{ru}");
    assert!(kk.contains('4') && kk.contains("бағаланбаған"), "{kk}");

    // A family that does not exist reads like one the account may not open.
    let r = app.get("/api/v1/families/999/assessment?lang=en").await;
    assert_eq!((r.status, r.error_code().as_str()), (StatusCode::FORBIDDEN, "access.denied"));
    assert_eq!(r.error_message(), "This family does not exist or you may not open it.");
    let r = app.get("/api/v1/families/0/assessment").await;
    assert_eq!((r.status, r.error_code().as_str()), (StatusCode::BAD_REQUEST, "family_id.invalid"));
    let r = app.get("/api/v1/families/3/assessment?audience=boss&lang=en").await;
    assert_eq!((r.status, r.error_code().as_str()), (StatusCode::BAD_REQUEST, "audience.invalid"));
    assert!(r.error_message().contains("worker"), "{}", r.error_message());
}

/// Families of a level map, `{"A": n, …}`, as numbers by letter.
fn level_map(v: &Value) -> Vec<(String, u64)> {
    ["A", "B", "C", "D", "E"].iter().map(|l| ((*l).to_owned(), v[*l].as_u64().unwrap())).collect()
}

#[tokio::test]
async fn level_counts_match_the_families_assessed() {
    let app = assessed_app().await;
    let r = app.get("/api/v1/stats/levels?territory=110000000&lang=en").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.header(header::CACHE_CONTROL), "no-store");
    let j = r.json();
    assert_eq!((j["territory"].as_str(), j["by"].as_str()), (Some("110000000"), Some("district")));
    assert_eq!((&j["from"], &j["to"], &j["movements"]), (&Value::Null, &Value::Null, &Value::Null));
    let counts = j["counts"].as_array().unwrap();
    assert_eq!(counts.len(), 1, "{j}");
    let district = &counts[0];
    assert_eq!(district["territory"], "113800000");
    // The tree has no English name for a district: its Kazakh name stands.
    assert_eq!(district["name"], "Целиноград ауданы");

    // The counts are the families of the territory, each at the level its assessment gives.
    let listing = app.get("/api/v1/territories/110000000/families?limit=500").await.json();
    let mut expected: BTreeMap<String, u64> = BTreeMap::new();
    let mut assessed = 0;
    for item in listing["items"].as_array().unwrap() {
        let r = app.get(&format!("/api/v1/families/{}/assessment", item["id"])).await;
        if r.status == StatusCode::OK {
            *expected
                .entry(r.json()["level"]["letter"].as_str().unwrap().to_owned())
                .or_default() += 1;
            assessed += 1;
        } else {
            assert_eq!(r.error_code(), "assessment.none");
        }
    }
    assert_eq!((listing["items"].as_array().unwrap().len(), assessed), (4, 3));
    let got: BTreeMap<String, u64> =
        level_map(&district["levels"]).into_iter().filter(|(_, n)| *n > 0).collect();
    assert_eq!(got, expected);
    assert_eq!(district["total"], assessed);
    assert_eq!(j["totals"]["total"], assessed);
    assert_eq!(level_map(&j["totals"]["levels"]), level_map(&district["levels"]));

    // Deeper: each settlement on its own, named in the language asked for.
    let j = app.get("/api/v1/stats/levels?territory=110000000&by=settlement&lang=ru").await.json();
    let rows: Vec<(&str, &str, u64)> = j["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["territory"].as_str().unwrap(),
                c["name"].as_str().unwrap(),
                c["total"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows, [("113820100", "с.Коянды", 2), ("113820200", "с.Тайтобе", 1)]);
    assert_eq!(j["totals"]["total"], 3);

    // Below a district the counts are by the territory's own level unless told otherwise.
    let j = app.get("/api/v1/stats/levels?territory=113820000").await.json();
    assert_eq!(
        (j["by"].as_str(), j["counts"][0]["territory"].as_str()),
        (Some("okrug"), Some("113820000"))
    );
    // A code the tree lacks keeps its number and has no name.
    let j = app.get("/api/v1/stats/levels?territory=710000000").await.json();
    assert_eq!(j["counts"][0]["territory"], "711100000");
    assert_eq!(j["counts"][0]["name"], Value::Null);
    assert_eq!(j["counts"][0]["levels"]["D"], 1);
}

#[tokio::test]
async fn level_movements_cover_a_period() {
    let app = assessed_app().await;
    let uri = "/api/v1/stats/levels?territory=710000000&by=okrug&from=2026-01-31&to=2026-02-28";
    let j = app.get(uri).await.json();
    assert_eq!((j["from"].as_str(), j["to"].as_str()), (Some("2026-01-31"), Some("2026-02-28")));
    // Family 5 was first assessed in the period.
    assert_eq!(j["movements"], serde_json::json!([{"from": null, "to": "D", "families": 1}]));
    assert_eq!(j["counts"][0]["name"], "Алматы ауданы");

    let j = app
        .get("/api/v1/stats/levels?territory=110000000&from=2026-01-31&to=2026-02-28")
        .await
        .json();
    let movements = j["movements"].as_array().unwrap();
    let moved: u64 = movements.iter().map(|m| m["families"].as_u64().unwrap()).sum();
    assert_eq!(moved, 3, "every family assessed by the end of the period: {movements:?}");
    assert!(movements.iter().all(|m| m["from"].is_string()), "all assessed before: {movements:?}");
    // Before anyone was assessed there is nothing to move.
    let j = app
        .get("/api/v1/stats/levels?territory=110000000&from=2025-01-01&to=2025-12-31")
        .await
        .json();
    assert_eq!(j["movements"], serde_json::json!([]));
}

#[tokio::test]
async fn bad_level_statistics_parameters_say_what_is_wrong() {
    let app = assessed_app().await;
    let cases = [
        ("", "stats.territory_missing", "territory"),
        ("territory=11382O100", "kato.non_digit", "O"),
        ("territory=110000000&by=country", "stats.by_invalid", "district"),
        ("territory=113800000&by=region", "stats.by_above_territory", "113800000"),
        ("territory=110000000&from=2026-01-01", "stats.period_incomplete", "to"),
        ("territory=110000000&to=2026-01-01", "stats.period_incomplete", "from"),
        ("territory=110000000&from=2026-02-30&to=2026-03-01", "date.nonexistent", "2026-02-30"),
        ("territory=110000000&from=01.02.2026&to=2026-03-01", "date.format", "YYYY-MM-DD"),
        ("territory=110000000&from=2026-01-01&to=1.3.2026", "date.format", "1.3.2026"),
        ("territory=110000000&from=2026-03-01&to=2026-02-01", "stats.period", "from"),
        ("territory=110000000&territory=710000000", "query.invalid", ""),
    ];
    for (query, code, mentions) in cases {
        let uri = format!("/api/v1/stats/levels?{query}");
        let mut messages = BTreeSet::new();
        for lang in ["kk", "ru", "en"] {
            let r = app.get_with(&uri, &[(header::ACCEPT_LANGUAGE, lang)]).await;
            assert_eq!(
                (r.status, r.error_code().as_str()),
                (StatusCode::BAD_REQUEST, code),
                "{uri}"
            );
            let message = r.error_message();
            if lang == "en" {
                assert_ne!(message, "The request is not valid.", "{uri}: a specific message");
                assert!(message.contains(mentions), "{uri}: {message}");
            }
            messages.insert(message);
        }
        assert_eq!(messages.len(), 3, "{uri}: one message per language: {messages:?}");
    }
    let r = app.get("/api/v1/stats/levels?territory=990000000").await;
    assert_eq!((r.status, r.error_code().as_str()), (StatusCode::NOT_FOUND, "not_found"));
}

#[tokio::test]
async fn the_family_page_shows_the_level_and_why_in_each_language() {
    let app = assessed_app().await;
    let cases = [
        ("kk", "№3 отбасы", "Тайтөбе ауылы", "Сұрау бойынша бағалау"),
        ("ru", "Семья №3", "с.Тайтобе", "Оценка по запросу"),
        ("en", "Family №3", "Тайтөбе ауылы", "Assessed on request"),
    ];
    for (lang, heading, place, trigger) in cases {
        let j = app.get(&format!("/api/v1/families/3/assessment?lang={lang}")).await.json();
        let r = app.get(&format!("/families/3?lang={lang}")).await;
        assert_eq!(r.status, StatusCode::OK, "{lang}");
        assert!(r.header(header::CONTENT_TYPE).starts_with("text/html"));
        let html = r.text();
        assert!(html.contains(&format!("<html lang=\"{lang}\">")));
        assert!(html.contains(&format!("<h1>{heading}</h1>")), "{lang}");
        assert!(html.contains(&format!("<title>{heading} — ")), "{lang}");
        assert!(!html.contains("<script"), "no script");
        let text = visible_text(&html);
        assert!(text.contains(place), "{lang}: {place}");
        assert!(text.contains(j["level"]["label"].as_str().unwrap()), "{lang}: level");
        assert!(html.contains("class=\"level level-e\""), "the colour is a third cue");
        assert!(text.contains(j["summary"].as_str().unwrap()), "{lang}: summary");
        assert!(text.contains("10.02.2026") && text.contains("10.01.2026"), "{lang}: dates");
        assert!(text.contains("−170"), "{lang}: total");
        assert!(
            text.contains(j["methodology"]["note"].as_str().unwrap()),
            "{lang}: reconstruction"
        );
        assert!(text.contains(trigger), "{lang}: trigger in words");
        // Every line of the explanation, in its order, each with its points.
        let mut at = 0;
        for line in j["lines"].as_array().unwrap() {
            let full = line["text"].as_str().unwrap();
            let shown = match line["points"].as_i64() {
                Some(_) => full.rsplit_once(": ").unwrap().0,
                None => full,
            };
            let found = text[at..].find(shown).unwrap_or_else(|| panic!("{lang}: {shown}"));
            at += found + shown.len();
            if line["points"].is_i64() {
                let points = full.rsplit_once(": ").unwrap().1;
                assert!(text[at..].trim_start().starts_with(points), "{lang}: {points}");
            }
        }
    }
    // English pages mark the Kazakh place names they show.
    let html = app.get("/families/3?lang=en").await.text();
    assert!(html.contains("<span lang=\"kk\">Тайтөбе ауылы</span>"), "{html}");
    assert!(html.contains("Akmola Region"));
}

#[tokio::test]
async fn the_family_page_speaks_to_the_family_when_asked() {
    let app = assessed_app().await;
    let worker = app.get("/families/3?lang=en").await.text();
    assert!(!worker.contains("violence"), "not granted the category: the line is left out");
    assert!(worker.contains("Why the family is at this level"));
    assert!(worker.contains("href=\"/families/3?audience=family\""));
    assert!(worker.contains("href=\"?lang=kk\""));

    let r = app.get("/families/3?audience=family&lang=en").await;
    assert_eq!(r.status, StatusCode::OK);
    let family = r.text();
    assert!(!family.contains("violence"), "the family's words only");
    assert!(
        visible_text(&family).contains("A specialist will contact you about the family's safety")
    );
    assert!(family.contains("Why your family is at this level"));
    assert!(family.contains("href=\"/families/3\""));
    // Another language keeps the family's wording.
    assert!(family.contains("href=\"?audience=family&#38;lang=kk\""), "{family}");
    let kk = app.get("/families/3?audience=family&lang=kk").await.text();
    assert!(kk.contains("Отбасыңыз неге осы деңгейде") && !kk.contains("зорлық"), "{kk}");
}

#[tokio::test]
async fn the_family_page_without_an_assessment_or_a_family() {
    let app = assessed_app().await;
    let r = app.get("/families/4?lang=en").await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("<h1>Family №4</h1>"));
    assert!(html.contains("This family has not been assessed yet."));
    assert!(!html.contains("class=\"level "));
    let kk = app.get("/families/4").await.text();
    assert!(kk.contains("Бұл отбасы әлі бағаланбаған."), "the default language: {kk}");
    let r = app.get("/families/999?lang=ru").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "an unknown family reads like a forbidden one");
    assert!(r.text().contains("Такой семьи нет, или вам нельзя её открыть."), "{}", r.text());
    for uri in ["/families/0", "/families/x", "/families/1/more"] {
        let r = app.get(uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(r.text().contains("Бет табылмады"), "{uri}");
    }
}

#[tokio::test]
async fn health_reports_the_schema() {
    let app = app().await;
    let r = app.get("/health").await;
    assert_eq!(r.status, StatusCode::OK);
    let j = r.json();
    assert_eq!(j["status"], "ok");
    assert_eq!(j["backend"], "sqlite");
    assert!(j["schema_version"].as_u64().unwrap() >= 1);
    assert_eq!(j["schema_version"], j["supported_schema_version"]);
}

#[tokio::test]
async fn health_is_unavailable_before_migration() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(open_store(&dir).await);
    let services = Services::new(store);
    let app = App {
        router: router(services.clone(), WebConfig::default()),
        services,
        session: None,
        _dir: dir,
    };
    let r = app.get_with("/health", &[(header::ACCEPT_LANGUAGE, "en")]).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.error_code(), "store.schema_too_old");
    assert!(r.error_message().contains("shanyraq migrate"), "{}", r.error_message());
}

#[tokio::test]
async fn family_card_has_members_territory_and_latest_facts() {
    let app = app().await;
    let r = app.get_with("/api/v1/families/1", &[(header::ACCEPT_LANGUAGE, "en")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.header(header::CONTENT_TYPE).starts_with("application/json"));
    assert_eq!(r.header(header::CACHE_CONTROL), "no-store");
    let j = r.json();
    assert_eq!(j["id"], 1);
    assert_eq!(j["settlement_type"], "rural_settlement");
    assert_eq!(j["registered_on"], "2020-03-01");
    assert_eq!(j["address"]["territory"], "113820100");
    assert_eq!(j["address"]["street"], "Абай көшесі");

    let t = &j["territory"];
    assert_eq!(t["code"], "113820100");
    assert_eq!(t["level"], "settlement");
    assert_eq!(t["name"]["kk"], "Қоянды ауылы");
    assert_eq!(t["name"]["ru"], "с.Коянды");
    assert_eq!(t["name"]["en"], Value::Null);
    let ancestry: Vec<&str> =
        t["ancestry"].as_array().unwrap().iter().map(|a| a["code"].as_str().unwrap()).collect();
    assert_eq!(ancestry, ["110000000", "113800000", "113820000"]);
    assert_eq!(t["ancestry"][0]["name"]["en"], "Akmola Region");

    let members = j["members"].as_array().unwrap();
    let roles: Vec<&str> = members.iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["head", "spouse", "child"]);
    let head = &members[0];
    assert_eq!(head["current"], true);
    assert_eq!(head["from"], "2020-03-01");
    assert_eq!(head["until"], Value::Null);
    assert_eq!(head["person"]["iin"], HEAD_IIN);
    assert_eq!(head["person"]["name"]["full"], "Серіков Серік");
    assert_eq!(head["person"]["birth_date"], "1979-10-28");
    assert_eq!(head["person"]["sex"], "male");
    assert_eq!(head["person"]["iin_warnings"], serde_json::json!([]));

    let spouse = &members[1]["person"];
    assert_eq!(spouse["language"], "kk");
    let warnings = spouse["iin_warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0]["code"], "iin.birth_date_mismatch");
    let msg = warnings[0]["message"].as_str().unwrap();
    assert!(msg.contains("17.02.1985") && msg.contains("18.02.1985"), "{msg}");

    let child = &members[2]["person"];
    assert_eq!(child["iin"], Value::Null);
    assert_eq!(child["iin_as_reported"], "150601500019");
    let child_warning = &child["iin_warnings"][0];
    assert!(
        child_warning["code"].as_str().unwrap().starts_with("iin."),
        "an invalid reported IIN is a warning: {child_warning}"
    );

    let facts = j["latest_observations"].as_array().unwrap();
    let wage: Vec<&Value> = facts.iter().filter(|f| f["indicator"] == "income.wage").collect();
    assert_eq!(wage.len(), 1, "one latest wage per subject");
    assert_eq!(wage[0]["value"], 210_000);
    assert_eq!(wage[0]["kind"], "money");
    assert_eq!(wage[0]["person"], 1);
    assert_eq!(wage[0]["source"], "tax");
    assert_eq!(wage[0]["observed_at"], "2026-01-15");
    assert_eq!(wage[0]["valid_until"], Value::Null);
    assert_eq!(wage[0]["batch"], 1);
    assert_eq!(wage[0]["line"], Value::Null, "generated facts come from no file line");
    let tenure = facts.iter().find(|f| f["indicator"] == "housing.tenure").unwrap();
    assert_eq!(
        (&tenure["value"], &tenure["kind"], &tenure["person"]),
        (&"own".into(), &"code".into(), &Value::Null)
    );
    let school = facts.iter().find(|f| f["indicator"] == "education.school_attached").unwrap();
    assert_eq!(school["value"], true);
    assert_eq!(school["source"], "education");
    assert_eq!(facts.len(), 4);
}

#[tokio::test]
async fn unknown_or_malformed_family_ids_get_json_errors() {
    let app = app().await;
    let r = app.get_with("/api/v1/families/999", &[(header::ACCEPT_LANGUAGE, "ru")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.header(header::CONTENT_TYPE).starts_with("application/json"));
    assert_eq!(r.error_code(), "access.denied");
    assert_eq!(r.error_message(), "Такой семьи нет, или вам нельзя её открыть.");
    for bad in ["abc", "0", "-3", "1.5"] {
        let r = app.get(&format!("/api/v1/families/{bad}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(r.error_code(), "family_id.invalid");
    }
}

#[tokio::test]
async fn person_by_iin_with_memberships() {
    let app = app().await;
    let r = app.get(&format!("/api/v1/persons/{SECOND_PASS_IIN}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let j = r.json();
    assert_eq!(j["person"]["iin"], SECOND_PASS_IIN);
    assert_eq!(j["person"]["name"]["first"], "Анна");
    assert_eq!(j["memberships"][0]["family"], 2);
    assert_eq!(j["memberships"][0]["role"], "head");
    assert_eq!(j["memberships"][0]["href"], "/api/v1/families/2");

    let unknown = Iin::from_structure(date!(1990 - 01 - 01), Sex::Male, 5).unwrap();
    let r = app.get(&format!("/api/v1/persons/{unknown}")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "nobody's IIN reads like one out of scope");
    assert_eq!(r.error_code(), "access.denied");
}

#[tokio::test]
async fn invalid_iins_say_what_is_wrong() {
    let app = app().await;
    let r = app.get_with("/api/v1/persons/791028302729", &[(header::ACCEPT_LANGUAGE, "en")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.error_code(), "iin.check_digit");
    let msg = r.error_message();
    assert!(msg.contains("should be 8") && msg.contains("it is 9"), "{msg}");

    let r = app.get("/api/v1/persons/791028302729?lang=ru").await;
    assert_eq!(r.error_code(), "iin.check_digit");
    assert!(r.error_message().contains("Контрольная цифра"), "{}", r.error_message());

    let r = app.get_with("/api/v1/persons/12345", &[(header::ACCEPT_LANGUAGE, "en")]).await;
    assert_eq!(r.error_code(), "iin.length");
    assert!(r.error_message().contains('5'), "{}", r.error_message());

    let r = app.get_with("/api/v1/persons/7910283027x8", &[(header::ACCEPT_LANGUAGE, "kk")]).await;
    assert_eq!(r.error_code(), "iin.non_digit");
    let msg = r.error_message();
    assert!(msg.contains("11") && msg.contains('x') && msg.contains("ЖСН"), "{msg}");
}

#[tokio::test]
async fn territory_listing_pages_through_every_family_once() {
    let app = app().await;
    let mut seen = Vec::new();
    let mut pages = 0;
    let mut uri = "/api/v1/territories/110000000/families?limit=2".to_owned();
    loop {
        let r = app.get(&uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text());
        let j = r.json();
        assert_eq!(j["territory"]["code"], "110000000");
        assert_eq!(j["limit"], 2);
        let items = j["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        for item in items {
            seen.push((
                item["territory"].as_str().unwrap().to_owned(),
                item["id"].as_i64().unwrap(),
            ));
            assert_eq!(item["href"], format!("/api/v1/families/{}", item["id"]));
        }
        pages += 1;
        assert!(pages < 10, "paging does not end");
        match j["next"].as_str() {
            Some(next) => {
                uri = format!("/api/v1/territories/110000000/families?limit=2&after={next}")
            }
            None => break,
        }
    }
    let expected: Vec<(String, i64)> =
        [("113820100", 1), ("113820100", 2), ("113820100", 4), ("113820200", 3)]
            .into_iter()
            .map(|(t, i)| (t.to_owned(), i))
            .collect();
    assert_eq!(seen, expected, "every family of the subtree, once, in (territory, id) order");
    assert!(pages >= 2);

    let first = app.get("/api/v1/territories/110000000/families").await.json();
    assert_eq!(first["limit"], 50);
    let head = &first["items"][0]["head"];
    assert_eq!(head["full"], "Серіков Серік");
    assert_eq!(first["items"][0]["member_count"], 3);

    let astana = app.get("/api/v1/territories/710000000/families").await.json();
    let ids: Vec<i64> =
        astana["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [5]);
    assert_eq!(astana["next"], Value::Null);
}

#[tokio::test]
async fn bad_listing_parameters_are_rejected() {
    let app = app().await;
    let base = "/api/v1/territories/110000000/families";
    for (query, code) in [
        ("after=garbage", "cursor.invalid"),
        ("after=113820100.", "cursor.invalid"),
        ("after=710000000.5", "cursor.invalid"),
        ("limit=0", "limit.invalid"),
        ("limit=501", "limit.invalid"),
        ("limit=ten", "limit.invalid"),
    ] {
        let r = app.get(&format!("{base}?{query}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(r.error_code(), code, "{query}");
    }
    let r = app.get_with(&format!("{base}?limit=0"), &[(header::ACCEPT_LANGUAGE, "en")]).await;
    assert!(r.error_message().contains("500"), "{}", r.error_message());

    let r = app.get("/api/v1/territories/11382010/families").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.error_code(), "kato.length");
    let r = app.get("/api/v1/territories/11382O100").await;
    assert_eq!(r.error_code(), "kato.non_digit");
    let r = app.get("/api/v1/territories/990000000/families").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.error_code(), "not_found");
}

/// The ids of a batch page's items, in order, and its `next`.
fn batch_page(j: &Value) -> (Vec<i64>, Option<i64>) {
    let ids = j["items"].as_array().unwrap().iter().map(|b| b["id"].as_i64().unwrap()).collect();
    (ids, j["next"].as_i64())
}

#[tokio::test]
async fn batches_are_listed_newest_first_a_page_at_a_time() {
    let app = app_with_batches().await;
    let r = app.get("/api/v1/batches").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.header(header::CACHE_CONTROL), "no-store");
    let j = r.json();
    assert_eq!(j["limit"], 50);
    assert_eq!(batch_page(&j), (vec![5, 4, 3, 2, 1], None));
    assert_eq!(j["items"][1]["href"], "/api/v1/batches/4");

    let mut seen = Vec::new();
    let mut nexts = Vec::new();
    let mut uri = "/api/v1/batches?limit=2".to_owned();
    loop {
        let j = app.get(&uri).await.json();
        assert_eq!(j["limit"], 2);
        let (ids, next) = batch_page(&j);
        assert!(!ids.is_empty(), "no empty page at the end: {uri}");
        seen.extend(ids);
        assert!(seen.len() <= 5, "paging does not end");
        match next {
            Some(next) => {
                nexts.push(next);
                uri = format!("/api/v1/batches?limit=2&before={next}");
            }
            None => break,
        }
    }
    assert_eq!(seen, [5, 4, 3, 2, 1], "every batch once, newest first");
    assert_eq!(nexts, [4, 2], "`next` is the last id of a page");

    // A full last page says it is the last.
    assert_eq!(
        batch_page(&app.get("/api/v1/batches?limit=5").await.json()),
        (vec![5, 4, 3, 2, 1], None)
    );
    assert_eq!(
        batch_page(&app.get("/api/v1/batches?before=3&limit=2").await.json()),
        (vec![2, 1], None)
    );
    assert_eq!(batch_page(&app.get("/api/v1/batches?before=1").await.json()), (vec![], None));
    assert_eq!(
        batch_page(&app.get("/api/v1/batches?before=99&limit=1").await.json()),
        (vec![5], Some(5))
    );
}

#[tokio::test]
async fn one_batch_shows_its_source_status_and_counts() {
    let app = app_with_batches().await;
    let r = app.get("/api/v1/batches/4").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.header(header::CACHE_CONTROL), "no-store");
    let expected = serde_json::json!({
        "id": 4,
        "feed": "income",
        "source": "tax",
        "label": "income-2026-02.csv",
        "fingerprint": "b".repeat(64),
        "status": "complete",
        "error_code": null,
        "started_at": "2026-01-23T08:00:00Z",
        "finished_at": "2026-01-23T08:02:00Z",
        "updated_at": "2026-01-23T08:02:00Z",
        "counts": {
            "rows_read": 2, "accepted": 1, "superseded": 0, "duplicates": 0, "pending": 0,
            "rejected": 1, "warnings": 1
        },
        "href": "/api/v1/batches/4",
    });
    assert_eq!(r.json(), expected);

    let failed = app.get("/api/v1/batches/3").await.json();
    assert_eq!(
        (&failed["status"], &failed["error_code"]),
        (&"failed".into(), &"feed.missing_column".into())
    );
    assert_eq!(failed["finished_at"], "2026-01-22T08:01:00Z");
    assert_eq!(failed["counts"]["rows_read"], 0, "a failed batch keeps nothing");

    let generated = app.get("/api/v1/batches/2").await.json();
    assert_eq!(generated["feed"], "synthetic");
    assert_eq!((&generated["source"], &generated["fingerprint"]), (&Value::Null, &Value::Null));
    assert_eq!(generated["status"], "complete");
    let counts = &generated["counts"];
    assert_eq!(
        (&counts["rows_read"], &counts["accepted"], &counts["rejected"]),
        (&123.into(), &120.into(), &3.into())
    );

    let running = app.get("/api/v1/batches/5").await.json();
    assert_eq!((&running["status"], &running["source"]), (&"running".into(), &"health".into()));
    assert_eq!(running["finished_at"], Value::Null);
    assert_eq!(running["updated_at"], "2026-01-24T08:00:00Z");
}

#[tokio::test]
async fn facts_name_the_batch_and_file_line_they_came_from() {
    let app = app_with_batches().await;
    let j = app.get("/api/v1/families/4").await.json();
    let facts = j["latest_observations"].as_array().unwrap();
    assert_eq!(facts.len(), 1, "{facts:?}");
    assert_eq!(
        (&facts[0]["indicator"], &facts[0]["value"]),
        (&"income.wage".into(), &150_000.into())
    );
    assert_eq!((&facts[0]["batch"], &facts[0]["line"]), (&4.into(), &2.into()));
    let batch = app.get(&format!("/api/v1/batches/{}", facts[0]["batch"])).await;
    assert_eq!(batch.json()["label"], "income-2026-02.csv");
}

#[tokio::test]
async fn unknown_batches_and_bad_batch_parameters_get_translated_errors() {
    let app = app_with_batches().await;
    for (lang, words) in [("kk", "импорт пакеті"), ("ru", "Пакет импорта"), ("en", "import batch")]
    {
        let r = app.get(&format!("/api/v1/batches/99?lang={lang}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(r.error_code(), "not_found");
        let msg = r.error_message();
        assert!(msg.contains(words) && msg.contains("99"), "{lang}: {msg}");
    }
    for bad in ["abc", "0", "-3", "+4", "1.5", "99999999999999999999"] {
        let r = app.get(&format!("/api/v1/batches/{bad}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(r.error_code(), "batch_id.invalid", "{bad}");
    }
    for (query, code) in [
        ("before=x", "before.invalid"),
        ("before=0", "before.invalid"),
        ("before=-3", "before.invalid"),
        ("before=", "before.invalid"),
        ("limit=0", "limit.invalid"),
        ("limit=501", "limit.invalid"),
        ("limit=ten", "limit.invalid"),
        ("limit=1&limit=2", "query.invalid"),
    ] {
        let r = app.get(&format!("/api/v1/batches?{query}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(r.error_code(), code, "{query}");
    }
    let mut messages = BTreeSet::new();
    for (lang, words) in [("kk", "параметрі"), ("ru", "Неверный параметр"), ("en", "is not valid")]
    {
        let r = app.get(&format!("/api/v1/batches?before=x&lang={lang}")).await;
        let msg = r.error_message();
        assert!(
            msg.contains("before") && msg.contains("next") && msg.contains(words),
            "{lang}: {msg}"
        );
        messages.insert(msg);
        let r = app.get(&format!("/api/v1/batches?limit=0&lang={lang}")).await;
        assert!(r.error_message().contains("500"), "{lang}: {}", r.error_message());
    }
    assert_eq!(messages.len(), 3, "one message per language");
    for (lang, words) in
        [("kk", "Импорт пакетінің"), ("ru", "пакета импорта"), ("en", "import batch")]
    {
        let msg = app.get(&format!("/api/v1/batches/x?lang={lang}")).await.error_message();
        assert!(msg.contains(words) && msg.contains('0'), "{lang}: {msg}");
    }
}

#[tokio::test]
async fn territory_with_ancestry() {
    let app = app().await;
    let j = app.get("/api/v1/territories/113820000").await.json();
    assert_eq!(j["level"], "okrug");
    assert_eq!(j["parent"], "113800000");
    assert_eq!(j["settlement_type"], "rural_okrug");
    assert_eq!(j["name"]["kk"], "Қоянды ауылдық округі");
    assert_eq!(j["ancestry"].as_array().unwrap().len(), 2);
    let region = app.get("/api/v1/territories/710000000").await.json();
    assert_eq!(region["name"]["en"], "Astana");
    assert_eq!(region["ancestry"], serde_json::json!([]));
}

#[tokio::test]
async fn unknown_api_routes_and_methods_answer_in_json() {
    let app = app().await;
    for uri in ["/api/v1/nothing", "/api/v2/families/1", "/api", "/api/v1/families/1/extra"] {
        let r = app.get(uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(r.error_code(), "route.not_found", "{uri}");
    }
    for uri in ["/api/v1/families/1", "/health"] {
        let r = app
            .send(Request::builder().method(Method::POST).uri(uri).body(Body::empty()).unwrap())
            .await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{uri}");
        assert_eq!(r.error_code(), "method.not_allowed", "{uri}");
    }
}

#[tokio::test]
async fn openapi_document_lists_every_route() {
    let app = app().await;
    let r = app.get("/api/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header(header::CONTENT_TYPE).starts_with("application/json"));
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths: BTreeSet<&str> =
        doc["paths"].as_object().unwrap().keys().map(String::as_str).collect();
    let expected: BTreeSet<&str> = [
        "/health",
        "/api/openapi.json",
        "/api/v1/territories/{kato}",
        "/api/v1/territories/{kato}/families",
        "/api/v1/territories/{kato}/families.csv",
        "/api/v1/families/{id}",
        "/api/v1/families/{id}/assessment",
        "/api/v1/families/{id}/access-log",
        "/api/v1/stats/levels",
        "/api/v1/persons/{iin}",
        "/api/v1/batches",
        "/api/v1/batches/{id}",
        "/api/v1/feeds/{source}/batches",
    ]
    .into();
    assert_eq!(paths, expected);
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in [
        "ErrorBody",
        "FamilyView",
        "PersonDetail",
        "FamilyListPage",
        "TerritoryView",
        "BatchListPage",
        "BatchView",
        "BatchCountsView",
        "BatchStatusView",
        "FamilyAssessmentView",
        "LevelView",
        "ExplanationLineView",
        "HistoryEntryView",
        "LevelStatsView",
        "LevelCountsView",
        "MovementView",
        "AccessLogPage",
        "AccessLogEntryView",
    ] {
        assert!(schemas.contains_key(name), "{name}");
    }
    let levels = &schemas["LevelCountsView"]["properties"];
    for letter in ["A", "B", "C", "D", "E"] {
        assert!(levels.get(letter).is_some(), "{letter}: {levels}");
    }
    let params = doc["paths"]["/api/v1/stats/levels"]["get"]["parameters"].as_array().unwrap();
    let names: Vec<&str> = params.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["territory", "by", "from", "to", "lang"]);
    let params = doc["paths"]["/api/v1/territories/{kato}/families"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let names: Vec<&str> = params.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["kato", "after", "limit", "lang"]);
    let family_400 = &doc["paths"]["/api/v1/persons/{iin}"]["get"]["responses"]["400"];
    assert!(
        family_400["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap()
            .ends_with("/ErrorBody")
    );
}

/// The codes a response of the document names in backticks, e.g. `kato.length`.
fn documented_codes(doc: &Value, template: &str, status: StatusCode) -> BTreeSet<String> {
    let item = &doc["paths"][template];
    let op = if item.get("get").is_some() { &item["get"] } else { &item["post"] };
    let response = &op["responses"][status.as_str()];
    let description = response["description"]
        .as_str()
        .unwrap_or_else(|| panic!("{template} does not document {status}"));
    description.split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

#[tokio::test]
async fn every_operation_declares_the_errors_it_can_return_and_the_language() {
    let app = app().await;
    let doc = app.get("/api/openapi.json").await.json();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let responses = op["responses"].as_object().unwrap();
            // Every address answers other methods; an id in the path can be malformed or
            // unknown; everything under /api/v1 reads the database, which can fail or be away.
            // An upload answers 201 with the batch it made.
            let success = if method == "post" { "201" } else { "200" };
            let mut expected = vec![success, "405"];
            if path.contains('{') {
                expected.push("400");
            }
            // An unknown family or person reads like one out of scope (403), not 404.
            if path.contains('{')
                && path != "/api/v1/families/{id}"
                && path != "/api/v1/families/{id}/access-log"
                && path != "/api/v1/persons/{iin}"
                && path != "/api/v1/feeds/{source}/batches"
            {
                expected.push("404");
            }
            if path.starts_with("/api/v1/") {
                expected.extend(["500", "503"]);
            }
            // Everything under /api/v1 but the territory tree needs a session.
            if path.starts_with("/api/v1/") && path != "/api/v1/territories/{kato}" {
                expected.extend(["401", "403"]);
            }
            if path == "/health" {
                expected.push("503");
            }
            for status in expected {
                assert!(responses.contains_key(status), "{method} {path} lacks {status}");
            }
            for (status, response) in responses.iter().filter(|(s, _)| s.as_str() >= "400") {
                let schema = &response["content"]["application/json"]["schema"]["$ref"];
                assert!(
                    schema.as_str().is_some_and(|r| r.ends_with("/ErrorBody")),
                    "{method} {path} {status}: {response}"
                );
                let status = StatusCode::from_bytes(status.as_bytes()).unwrap();
                let codes = documented_codes(&doc, path, status);
                assert!(!codes.is_empty(), "{method} {path} {status} names no error code");
                for code in codes {
                    let well_formed = code.split('.').all(|part| {
                        !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    });
                    assert!(well_formed, "{method} {path} {status}: `{code}` is not a code");
                }
            }
            let lang = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|p| p["name"] == "lang")
                .unwrap_or_else(|| panic!("{method} {path} does not document ?lang"));
            assert_eq!(lang["in"], "query");
            assert_eq!(lang["schema"]["enum"], serde_json::json!(["kk", "ru", "en"]));
        }
    }
    assert_eq!(operations, 13);
}

#[tokio::test]
async fn every_error_the_api_returns_is_documented_for_its_operation() {
    let app = app().await;
    let doc = app.get("/api/openapi.json").await.json();
    let territory = "/api/v1/territories/{kato}";
    let listing = "/api/v1/territories/{kato}/families";
    let export = "/api/v1/territories/{kato}/families.csv";
    let family = "/api/v1/families/{id}";
    let person = "/api/v1/persons/{iin}";
    let batches = "/api/v1/batches";
    let batch = "/api/v1/batches/{id}";
    let assessment = "/api/v1/families/{id}/assessment";
    let stats = "/api/v1/stats/levels";
    let access_log = "/api/v1/families/{id}/access-log";
    let bad = StatusCode::BAD_REQUEST;
    let missing = StatusCode::NOT_FOUND;
    let denied = StatusCode::FORBIDDEN;
    let unknown = Iin::from_structure(date!(1990 - 01 - 01), Sex::Male, 5).unwrap();
    let unknown_person = format!("/api/v1/persons/{unknown}");
    let long_purpose = format!("/api/v1/families/1/assessment?purpose={}", "a".repeat(501));
    let cases = [
        (territory, "/api/v1/territories/%FF", bad, "path.invalid"),
        (territory, "/api/v1/territories/11382010", bad, "kato.length"),
        (territory, "/api/v1/territories/11382O100", bad, "kato.non_digit"),
        (territory, "/api/v1/territories/001000000", bad, "kato.no_region"),
        (territory, "/api/v1/territories/990000000", missing, "not_found"),
        (listing, "/api/v1/territories/%FF/families", bad, "path.invalid"),
        (listing, "/api/v1/territories/1138201/families", bad, "kato.length"),
        (listing, "/api/v1/territories/110000000/families?limit=1&limit=2", bad, "query.invalid"),
        (listing, "/api/v1/territories/110000000/families?after=x", bad, "cursor.invalid"),
        (listing, "/api/v1/territories/110000000/families?limit=0", bad, "limit.invalid"),
        (listing, "/api/v1/territories/990000000/families", missing, "not_found"),
        (export, "/api/v1/territories/1138201/families.csv", bad, "kato.length"),
        (export, "/api/v1/territories/990000000/families.csv", missing, "not_found"),
        (family, "/api/v1/families/%FF", bad, "path.invalid"),
        (family, "/api/v1/families/0", bad, "family_id.invalid"),
        (family, "/api/v1/families/999", denied, "access.denied"),
        (family, "/api/v1/families/1?purpose=", bad, "access.purpose_empty"),
        (family, "/api/v1/families/1?purpose=%0A", bad, "access.purpose_empty"),
        (family, "/api/v1/families/1?purpose=a%07b", bad, "access.purpose_control"),
        (person, "/api/v1/persons/%FF", bad, "path.invalid"),
        (person, "/api/v1/persons/12345", bad, "iin.length"),
        (person, "/api/v1/persons/7910283027x8", bad, "iin.non_digit"),
        (person, "/api/v1/persons/791028302729", bad, "iin.check_digit"),
        (person, unknown_person.as_str(), denied, "access.denied"),
        (batches, "/api/v1/batches?before=x", bad, "before.invalid"),
        (batches, "/api/v1/batches?limit=0", bad, "limit.invalid"),
        (batches, "/api/v1/batches?before=1&before=2", bad, "query.invalid"),
        (batch, "/api/v1/batches/%FF", bad, "path.invalid"),
        (batch, "/api/v1/batches/x", bad, "batch_id.invalid"),
        (batch, "/api/v1/batches/99", missing, "not_found"),
        (assessment, "/api/v1/families/%FF/assessment", bad, "path.invalid"),
        (assessment, "/api/v1/families/-1/assessment", bad, "family_id.invalid"),
        (assessment, "/api/v1/families/1/assessment?audience=x", bad, "audience.invalid"),
        (assessment, "/api/v1/families/1/assessment?audience=a&audience=b", bad, "query.invalid"),
        (assessment, "/api/v1/families/999/assessment", denied, "access.denied"),
        (assessment, long_purpose.as_str(), bad, "access.purpose_long"),
        (assessment, "/api/v1/families/1/assessment", missing, "assessment.none"),
        (stats, "/api/v1/stats/levels", bad, "stats.territory_missing"),
        (stats, "/api/v1/stats/levels?territory=", bad, "kato.empty"),
        (stats, "/api/v1/stats/levels?territory=1138", bad, "kato.length"),
        (stats, "/api/v1/stats/levels?territory=11000000x", bad, "kato.non_digit"),
        (stats, "/api/v1/stats/levels?territory=000000001", bad, "kato.no_region"),
        (stats, "/api/v1/stats/levels?territory=110000000&by=x", bad, "stats.by_invalid"),
        (
            stats,
            "/api/v1/stats/levels?territory=113800000&by=region",
            bad,
            "stats.by_above_territory",
        ),
        (stats, "/api/v1/stats/levels?territory=110000000&from=x&to=x", bad, "date.format"),
        (
            stats,
            "/api/v1/stats/levels?territory=110000000&from=2026-02-31&to=2026-03-01",
            bad,
            "date.nonexistent",
        ),
        (
            stats,
            "/api/v1/stats/levels?territory=110000000&from=2026-01-01",
            bad,
            "stats.period_incomplete",
        ),
        (
            stats,
            "/api/v1/stats/levels?territory=110000000&from=2026-02-01&to=2026-01-01",
            bad,
            "stats.period",
        ),
        (stats, "/api/v1/stats/levels?territory=1&territory=2", bad, "query.invalid"),
        (stats, "/api/v1/stats/levels?territory=990000000", missing, "not_found"),
        (access_log, "/api/v1/families/%FF/access-log", bad, "path.invalid"),
        (access_log, "/api/v1/families/0/access-log", bad, "family_id.invalid"),
        (access_log, "/api/v1/families/1/access-log?before=x", bad, "before.invalid"),
        (access_log, "/api/v1/families/1/access-log?before=0", bad, "before.invalid"),
        (access_log, "/api/v1/families/1/access-log?limit=0", bad, "limit.invalid"),
        (access_log, "/api/v1/families/1/access-log?limit=201", bad, "limit.invalid"),
        (access_log, "/api/v1/families/1/access-log?before=1&before=2", bad, "query.invalid"),
        (access_log, "/api/v1/families/999/access-log", denied, "access.denied"),
    ];
    for (template, uri, status, code) in &cases {
        let r = app.get(uri).await;
        assert_eq!((r.status, r.error_code().as_str()), (*status, *code), "{uri}");
        let documented = documented_codes(&doc, template, *status);
        assert!(documented.contains(*code), "{template} {status} omits `{code}`: {documented:?}");
    }

    let known_person = format!("/api/v1/persons/{HEAD_IIN}");
    let v1 = [
        (territory, "/api/v1/territories/110000000"),
        (listing, "/api/v1/territories/110000000/families"),
        (export, "/api/v1/territories/110000000/families.csv"),
        (family, "/api/v1/families/1"),
        (person, known_person.as_str()),
        (batches, "/api/v1/batches"),
        (batch, "/api/v1/batches/1"),
        (assessment, "/api/v1/families/1/assessment"),
        (stats, "/api/v1/stats/levels?territory=110000000"),
        (access_log, "/api/v1/families/1/access-log"),
    ];
    // Without a session: 401, documented for every operation that needs one; an ended
    // session says so.
    for (template, uri) in v1.iter().copied().filter(|(t, _)| *t != territory) {
        let r = app.get_anon(uri).await;
        assert_eq!(
            (r.status, r.error_code().as_str()),
            (StatusCode::UNAUTHORIZED, "auth.required"),
            "{uri}"
        );
        assert!(documented_codes(&doc, template, r.status).contains("auth.required"));
        let ended = format!("{SESSION}={}", "0".repeat(64));
        let r = app.send_as(Request::get(uri).body(Body::empty()).unwrap(), Some(&ended)).await;
        assert_eq!(r.error_code(), "auth.session_expired", "{uri}");
        assert!(documented_codes(&doc, template, r.status).contains("auth.session_expired"));
    }
    let everything = v1
        .iter()
        .copied()
        .chain([("/health", "/health"), ("/api/openapi.json", "/api/openapi.json")]);
    for (template, uri) in everything {
        let r = app
            .send(Request::builder().method(Method::DELETE).uri(uri).body(Body::empty()).unwrap())
            .await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{uri}");
        let code = r.error_code();
        assert!(documented_codes(&doc, template, r.status).contains(&code), "{template}: {code}");
    }
    for (how, status) in [
        (Broken::Failing, StatusCode::INTERNAL_SERVER_ERROR),
        (Broken::Unreachable, StatusCode::SERVICE_UNAVAILABLE),
    ] {
        let broken = broken_app(how);
        for (template, uri) in v1.iter().copied().chain([("/health", "/health")]) {
            let r = broken.get(uri).await;
            if template == "/health" && how == Broken::Failing {
                // A failing store is as good as an absent one to a health check.
                assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{uri}");
            } else {
                assert_eq!(r.status, status, "{how:?} {uri}");
            }
            let code = r.error_code();
            let documented = documented_codes(&doc, template, r.status);
            assert!(
                documented.contains(&code),
                "{template} {}: `{code}` not in {documented:?}",
                r.status
            );
        }
    }
}

#[tokio::test]
async fn docs_page_renders_the_reference_without_outside_assets() {
    let app = app().await;
    let r = app.get("/api/docs?lang=en").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header(header::CONTENT_TYPE).starts_with("text/html"));
    let html = r.text();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("<h1>API reference</h1>"));
    for path in [
        "/api/v1/families/{id}",
        "/api/v1/families/{id}/assessment",
        "/api/v1/stats/levels",
        "/api/v1/persons/{iin}",
        "/api/v1/territories/{kato}/families",
        "/api/v1/batches",
        "/api/v1/batches/{id}",
        "/health",
    ] {
        assert!(html.contains(&format!("<code>{path}</code>")), "{path}");
    }
    assert!(html.contains("id=\"schema-BatchView\""));
    assert!(html.contains("id=\"schema-FamilyAssessmentView\""));
    assert!(html.contains("id=\"schema-LevelStatsView\""));
    assert!(html.contains("id=\"schema-ErrorBody\""));
    assert!(html.contains("href=\"#schema-FamilyView\""));
    assert!(!html.contains("http://") && !html.contains("https://"), "nothing from outside");
    assert!(!html.contains("<script"), "no script");
}

/// The words in Latin letters of a page's visible text and `<title>` that sit outside every
/// element marked `lang="en"`: on a kk or ru page each is English a screen reader would read
/// with the wrong voice, unless it is a name both languages write in Latin letters.
fn unmarked_latin_words(html: &str) -> BTreeSet<String> {
    const VOID: [&str; 5] = ["meta", "link", "br", "img", "input"];
    // Open elements, each with whether its language is English.
    let mut open: Vec<(String, bool)> = Vec::new();
    let mut words = BTreeSet::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        let english = open.last().is_some_and(|(_, en)| *en);
        if !english {
            let text = rest[..lt].replace("&amp;", "&").replace("&quot;", "\"");
            for word in text.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| !w.is_empty()) {
                words.insert(word.to_owned());
            }
        }
        let gt = lt + rest[lt..].find('>').unwrap();
        let tag = &rest[lt + 1..gt];
        rest = &rest[gt + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let at =
                open.iter().rposition(|(n, _)| n == name).unwrap_or_else(|| panic!("</{name}>"));
            open.truncate(at);
            continue;
        }
        let name = tag.split_whitespace().next().unwrap().to_ascii_lowercase();
        if VOID.contains(&name.as_str()) {
            continue;
        }
        let lang = tag.split_once(" lang=\"").and_then(|(_, v)| v.split('"').next());
        open.push((name, lang.map_or(english, |l| l == "en")));
    }
    words
}

#[tokio::test]
async fn kazakh_and_russian_pages_mark_every_english_word() {
    let app = app().await;
    // Names written in Latin letters in Kazakh and Russian too, and the levels A to E.
    let names: BTreeSet<&str> = ["API", "JSON", "OpenAPI", "AGPL", "A", "B", "C", "D", "E"].into();
    let assessed = assessed_app().await;
    for lang in ["kk", "ru"] {
        for page in [
            "/",
            "/api/docs",
            "/no-such-page",
            "/families/3",
            "/families/4",
            "/families/3/access-log",
        ] {
            let app = if page.starts_with("/families/") { &assessed } else { &app };
            let html = app.get(&format!("{page}?lang={lang}")).await.text();
            let unmarked: Vec<String> = unmarked_latin_words(&html)
                .into_iter()
                .filter(|w| !names.contains(w.as_str()))
                .collect();
            assert_eq!(unmarked, Vec::<String>::new(), "{page}?lang={lang}");
        }
    }
    // The check sees English where it is not marked.
    let english =
        app.get("/?lang=en").await.text().replace("<html lang=\"en\">", "<html lang=\"kk\">");
    assert!(unmarked_latin_words(&english).contains("platform"));

    // Parameter locations and the words joining types are the page's own.
    let docs = app.get("/api/docs?lang=kk").await.text();
    assert!(docs.contains("\">мекенжай жолында</td>") && docs.contains("\">сұрау жолында</td>"));
    assert!(docs.contains("</a> жиымы"), "the array phrase is Kazakh");
    let docs = app.get("/api/docs?lang=ru").await.text();
    assert!(docs.contains("\">в пути адреса</td>") && docs.contains("\">в строке запроса</td>"));
    assert!(!docs.contains("\">path</td>") && !docs.contains("\">query</td>"));
}

#[tokio::test]
async fn start_page_speaks_the_requested_language() {
    let app = app().await;

    // The configured default: Kazakh.
    let r = app.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("<html lang=\"kk\">"));
    assert!(html.contains("Шаңырақ"));
    assert!(html.chars().any(|c| "әғқңөұүһі".contains(c)));
    assert!(html.contains("href=\"/api/docs\"") && html.contains("href=\"/health\""));
    for l in ["kk", "ru", "en"] {
        assert!(html.contains(&format!("href=\"?lang={l}\"")), "switcher offers {l}");
    }

    let r = app.get_with("/", &[(header::ACCEPT_LANGUAGE, "ru-RU,ru;q=0.9,en;q=0.5")]).await;
    assert!(r.text().contains("<html lang=\"ru\">"));
    assert!(r.text().contains("Шанырак — цифровая платформа социальной поддержки"));
    assert!(r.header(header::VARY).contains("Accept-Language"));

    let r = app.get_with("/?lang=en", &[(header::ACCEPT_LANGUAGE, "ru")]).await;
    assert!(r.text().contains("<html lang=\"en\">"));
    assert!(r.text().contains("Shanyraq"));
    let cookie = r.header(header::SET_COOKIE);
    assert!(cookie.starts_with("lang=en;") && cookie.contains("Path=/"), "{cookie}");

    let r =
        app.get_with("/", &[(header::COOKIE, "lang=ru"), (header::ACCEPT_LANGUAGE, "en")]).await;
    assert!(r.text().contains("<html lang=\"ru\">"), "the cookie beats Accept-Language");
    assert_eq!(r.header(header::SET_COOKIE), "");

    let ru_default =
        app_with(WebConfig { default_language: Lang::Ru, ..WebConfig::default() }).await;
    assert!(ru_default.get("/").await.text().contains("<html lang=\"ru\">"));
}

#[tokio::test]
async fn pages_carry_security_headers_and_the_stylesheet_is_cached() {
    let app = app().await;
    for uri in ["/", "/api/v1/families/1", "/families/1", "/nope"] {
        let r = app.get(uri).await;
        let csp = r.header(header::CONTENT_SECURITY_POLICY);
        assert!(
            csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{uri}"
        );
        assert_eq!(r.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
        assert_eq!(r.header(header::REFERRER_POLICY), "no-referrer");
    }
    let html = app.get("/").await.text();
    let href = html
        .split("rel=\"stylesheet\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    assert!(href.starts_with("/assets/site.") && href.ends_with(".css"), "{href}");
    let css = app.get(&href).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header(header::CONTENT_TYPE).starts_with("text/css"));
    assert!(css.header(header::CACHE_CONTROL).contains("immutable"));
    assert!(css.text().contains("\"Noto Sans\""));
    assert!(html.len() + css.body.len() < 30 * 1024, "start page and CSS stay light");

    assert_eq!(app.get("/assets/site.0000000000000000.css").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_pages_get_a_page_in_the_chosen_language() {
    let app = app().await;
    let r = app.get("/no/such/page?lang=ru").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.header(header::CONTENT_TYPE).starts_with("text/html"));
    let html = r.text();
    assert!(html.contains("<html lang=\"ru\">") && html.contains("Страница не найдена"));
    let r = app.get("/no/such/page").await;
    assert!(r.text().contains("Бет табылмады"));
}

#[tokio::test]
async fn responses_are_compressed_when_asked() {
    let app = app().await;
    let plain = app.get("/api/docs").await;
    assert_eq!(plain.header(header::CONTENT_ENCODING), "");
    let r = app.get_with("/api/docs", &[(header::ACCEPT_ENCODING, "gzip")]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header(header::CONTENT_ENCODING), "gzip");
    assert_eq!(&r.body[..2], &[0x1f, 0x8b], "gzip magic");
    assert!(r.body.len() * 2 < plain.body.len(), "{} vs {}", r.body.len(), plain.body.len());
    let r = app.get_with("/api/v1/families/1", &[(header::ACCEPT_ENCODING, "gzip")]).await;
    assert_eq!(r.header(header::CONTENT_ENCODING), "gzip");
}

/// A store whose every call fails the same way, for the error paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Broken {
    /// The database cannot be reached.
    Unreachable,
    /// The engine fails with a message that must not reach clients.
    Failing,
}

impl Broken {
    fn err(self) -> StoreError {
        match self {
            Broken::Unreachable => StoreError::Open {
                target: "/secret/place.db".into(),
                reason: OpenFailure::ConnectionRefused,
            },
            Broken::Failing => StoreError::Backend("disk I/O error in /secret/place.db".into()),
        }
    }
}

#[async_trait::async_trait]
impl SchemaStore for Broken {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }
    fn supported_schema_version(&self) -> u32 {
        1
    }
    async fn schema_version(&self) -> StoreResult<u32> {
        Err(self.err())
    }
    async fn migrate(&self) -> StoreResult<MigrationOutcome> {
        Err(self.err())
    }
    async fn describe_schema(&self) -> StoreResult<SchemaShape> {
        Err(self.err())
    }
}

#[async_trait::async_trait]
impl TerritoryStore for Broken {
    async fn replace_territories(&self, _: &TerritoryTree) -> StoreResult<()> {
        Err(self.err())
    }
    async fn territory_version(&self) -> StoreResult<Option<TreeVersion>> {
        Err(self.err())
    }
    async fn territory(&self, _: Kato) -> StoreResult<Option<Territory>> {
        Err(self.err())
    }
    async fn territory_children(&self, _: Kato) -> StoreResult<Vec<Territory>> {
        Err(self.err())
    }
}

#[async_trait::async_trait]
impl BatchStore for Broken {
    async fn create_batch(&self, _: &ImportBatch) -> StoreResult<()> {
        Err(self.err())
    }
    async fn finish_batch(&self, _: BatchId, _: OffsetDateTime, _: i64, _: i64) -> StoreResult<()> {
        Err(self.err())
    }
    async fn batch(&self, _: BatchId) -> StoreResult<Option<ImportBatch>> {
        Err(self.err())
    }
}

#[async_trait::async_trait]
impl PopulationStore for Broken {
    async fn next_ids(&self) -> StoreResult<NextIds> {
        Err(self.err())
    }
    async fn insert_population(&self, _: &PopulationChunk) -> StoreResult<()> {
        Err(self.err())
    }
    async fn family(&self, _: FamilyId) -> StoreResult<Option<FamilyRecord>> {
        Err(self.err())
    }
    async fn person_by_iin(&self, _: Iin) -> StoreResult<Option<PersonRecord>> {
        Err(self.err())
    }
    async fn families_in_territory(&self, _: Kato, _: PageRequest) -> StoreResult<FamilyPage> {
        Err(self.err())
    }
    async fn count_families_in_territory(&self, _: Kato) -> StoreResult<u64> {
        Err(self.err())
    }
    async fn family_territories(&self, _: &[FamilyId]) -> StoreResult<Vec<(FamilyId, Kato)>> {
        Err(self.err())
    }
    async fn stats(&self) -> StoreResult<StoreStats> {
        Err(self.err())
    }
    async fn refresh_statistics(&self) -> StoreResult<()> {
        Err(self.err())
    }
}

#[async_trait::async_trait]
impl FeedStore for Broken {
    async fn feed_batch_by_fingerprint(
        &self,
        _: &str,
        _: &str,
    ) -> StoreResult<Option<BatchRecord>> {
        Err(self.err())
    }
    async fn start_feed_batch(
        &self,
        _: &NewFeedBatch,
        _: &[ImportIssue],
    ) -> StoreResult<BatchRecord> {
        Err(self.err())
    }
    async fn resolve_persons(
        &self,
        _: &[Iin],
        _: Date,
    ) -> StoreResult<Vec<Option<ResolvedPerson>>> {
        Err(self.err())
    }
    async fn write_feed_chunk(&self, _: FeedChunk) -> StoreResult<ChunkOutcome> {
        Err(self.err())
    }
    async fn complete_feed_batch(
        &self,
        _: BatchId,
        _: i64,
        _: OffsetDateTime,
    ) -> StoreResult<BatchRecord> {
        Err(self.err())
    }
    async fn fail_feed_batch(&self, _: BatchId, _: &str, _: OffsetDateTime) -> StoreResult<()> {
        Err(self.err())
    }
    async fn batch_record(&self, _: BatchId) -> StoreResult<Option<BatchRecord>> {
        Err(self.err())
    }
    async fn list_batches(&self, _: BatchPageRequest) -> StoreResult<Vec<BatchRecord>> {
        Err(self.err())
    }
    async fn batch_issues(
        &self,
        _: BatchId,
        _: Option<IssueCursor>,
        _: u32,
    ) -> StoreResult<Vec<ImportIssue>> {
        Err(self.err())
    }
    async fn pending_rows(&self, _: BatchId) -> StoreResult<Vec<PendingRow>> {
        Err(self.err())
    }
    async fn changed_families(&self, _: BatchId) -> StoreResult<Vec<FamilyId>> {
        Err(self.err())
    }
}

#[async_trait::async_trait]
impl AssessmentStore for Broken {
    async fn install_methodology(&self, _: &MethodologyRecord) -> StoreResult<Installed> {
        Err(self.err())
    }
    async fn methodologies(&self) -> StoreResult<Vec<MethodologyRecord>> {
        Err(self.err())
    }
    async fn assessment_inputs(
        &self,
        _: Option<FamilyId>,
        _: u32,
    ) -> StoreResult<Vec<AssessmentInput>> {
        Err(self.err())
    }
    async fn assessment_inputs_for(&self, _: &[FamilyId]) -> StoreResult<Vec<AssessmentInput>> {
        Err(self.err())
    }
    async fn write_assessments(&self, _: AssessmentChunk) -> StoreResult<()> {
        Err(self.err())
    }
    async fn assessment(&self, _: FamilyId) -> StoreResult<Option<StoredAssessment>> {
        Err(self.err())
    }
    async fn level_history(&self, _: FamilyId) -> StoreResult<Vec<HistoryEntry>> {
        Err(self.err())
    }
    async fn level_events(&self, _: Option<i64>, _: u32) -> StoreResult<Vec<StoredLevelEvent>> {
        Err(self.err())
    }
    async fn unassessed_change_batches(&self) -> StoreResult<Vec<BatchId>> {
        Err(self.err())
    }
    async fn mark_changes_assessed(&self, _: &[BatchId], _: OffsetDateTime) -> StoreResult<()> {
        Err(self.err())
    }
    async fn level_counts(&self, _: Kato, _: KatoLevel) -> StoreResult<Vec<LevelCount>> {
        Err(self.err())
    }
    async fn level_movements(&self, _: Kato, _: Date, _: Date) -> StoreResult<Vec<Movement>> {
        Err(self.err())
    }
    async fn region_medians(&self, _: Date) -> StoreResult<Option<Vec<RegionMedian>>> {
        Err(self.err())
    }
    async fn store_region_medians(&self, _: Date, _: &[RegionMedian]) -> StoreResult<()> {
        Err(self.err())
    }
}

#[async_trait::async_trait]
impl shanyraq_store::AuditStore for Broken {
    async fn append_audit(
        &self,
        _: &[shanyraq_domain::audit::AuditRecord],
    ) -> StoreResult<Vec<shanyraq_domain::audit::AuditEntry>> {
        Err(self.err())
    }
    async fn audit_entries(
        &self,
        _: u64,
        _: u32,
    ) -> StoreResult<Vec<shanyraq_domain::audit::AuditEntry>> {
        Err(self.err())
    }
    async fn audit_head(&self) -> StoreResult<Option<shanyraq_domain::audit::AuditEntry>> {
        Err(self.err())
    }
    async fn audit_for_subject(
        &self,
        _: &str,
        _: Option<u64>,
        _: u32,
    ) -> StoreResult<Vec<shanyraq_domain::audit::AuditEntry>> {
        Err(self.err())
    }
}

#[async_trait::async_trait]
impl shanyraq_store::AccountStore for Broken {
    async fn create_account(
        &self,
        _: &shanyraq_store::NewAccount,
    ) -> StoreResult<shanyraq_store::AccountRecord> {
        Err(self.err())
    }
    async fn account(&self, _: i64) -> StoreResult<Option<shanyraq_store::AccountRecord>> {
        Err(self.err())
    }
    async fn account_by_login(
        &self,
        _: &str,
    ) -> StoreResult<Option<shanyraq_store::AccountRecord>> {
        Err(self.err())
    }
    async fn list_accounts(&self) -> StoreResult<Vec<shanyraq_store::AccountRecord>> {
        Err(self.err())
    }
    async fn set_password(&self, _: i64, _: &str) -> StoreResult<()> {
        Err(self.err())
    }
    async fn set_disabled(&self, _: i64, _: Option<OffsetDateTime>) -> StoreResult<()> {
        Err(self.err())
    }
    async fn grant_role(
        &self,
        _: i64,
        _: &shanyraq_domain::access::RoleGrant,
    ) -> StoreResult<bool> {
        Err(self.err())
    }
    async fn revoke_role(
        &self,
        _: i64,
        _: &shanyraq_domain::access::RoleGrant,
    ) -> StoreResult<bool> {
        Err(self.err())
    }
    async fn grant_category(
        &self,
        _: i64,
        _: shanyraq_domain::access::Category,
    ) -> StoreResult<bool> {
        Err(self.err())
    }
    async fn revoke_category(
        &self,
        _: i64,
        _: shanyraq_domain::access::Category,
    ) -> StoreResult<bool> {
        Err(self.err())
    }
    async fn create_session(&self, _: &shanyraq_store::NewSession) -> StoreResult<()> {
        Err(self.err())
    }
    async fn session_with_family(
        &self,
        _: &str,
        _: OffsetDateTime,
        _: FamilyId,
    ) -> StoreResult<Option<(shanyraq_store::ResumedSession, Option<FamilyRecord>)>> {
        Err(self.err())
    }
    async fn session(&self, _: &str) -> StoreResult<Option<shanyraq_store::SessionRecord>> {
        Err(self.err())
    }
    async fn touch_session(&self, _: &str, _: OffsetDateTime) -> StoreResult<bool> {
        Err(self.err())
    }
    async fn rotate_session(&self, _: &str, _: &shanyraq_store::NewSession) -> StoreResult<bool> {
        Err(self.err())
    }
    async fn delete_session(&self, _: &str) -> StoreResult<bool> {
        Err(self.err())
    }
    async fn delete_account_sessions(&self, _: i64) -> StoreResult<u64> {
        Err(self.err())
    }
    async fn purge_sessions(&self, _: OffsetDateTime, _: OffsetDateTime) -> StoreResult<u64> {
        Err(self.err())
    }
    async fn record_login_failure(&self, _: &[String], _: OffsetDateTime) -> StoreResult<()> {
        Err(self.err())
    }
    async fn login_failures_since(&self, _: &str, _: OffsetDateTime) -> StoreResult<u32> {
        Err(self.err())
    }
    async fn clear_login_failures(&self, _: &str) -> StoreResult<()> {
        Err(self.err())
    }
    async fn purge_login_failures(&self, _: OffsetDateTime) -> StoreResult<u64> {
        Err(self.err())
    }
    async fn open_break_glass(
        &self,
        _: &shanyraq_store::NewBreakGlass,
        _: &shanyraq_domain::audit::AuditRecord,
    ) -> StoreResult<shanyraq_store::BreakGlassRecord> {
        Err(self.err())
    }
    async fn active_break_glass(
        &self,
        _: i64,
        _: OffsetDateTime,
    ) -> StoreResult<Vec<shanyraq_store::BreakGlassRecord>> {
        Err(self.err())
    }
    async fn unreviewed_break_glass(
        &self,
        _: u32,
    ) -> StoreResult<Vec<shanyraq_store::BreakGlassRecord>> {
        Err(self.err())
    }
    async fn review_break_glass(
        &self,
        _: i64,
        _: i64,
        _: OffsetDateTime,
        _: &str,
        _: &shanyraq_domain::audit::AuditRecord,
    ) -> StoreResult<bool> {
        Err(self.err())
    }
}

#[async_trait::async_trait]
impl OfferStore for Broken {
    async fn create_offers(
        &self,
        _: &[NewOffer],
        _: OffsetDateTime,
    ) -> StoreResult<Vec<OfferRecord>> {
        Err(self.err())
    }
    async fn live_offers(&self, _: &[FamilyId]) -> StoreResult<Vec<(PersonId, String)>> {
        Err(self.err())
    }
    async fn offered(&self, _: &[FamilyId]) -> StoreResult<Vec<(PersonId, String)>> {
        Err(self.err())
    }
    async fn answer_offer(
        &self,
        _: i64,
        _: bool,
        _: Date,
        _: &shanyraq_domain::audit::AuditRecord,
    ) -> StoreResult<OfferRecord> {
        Err(self.err())
    }
    async fn expire_offers(&self, _: Date) -> StoreResult<Vec<OfferRecord>> {
        Err(self.err())
    }
    async fn offer(&self, _: i64) -> StoreResult<Option<OfferRecord>> {
        Err(self.err())
    }
    async fn family_offers(&self, _: FamilyId) -> StoreResult<Vec<OfferRecord>> {
        Err(self.err())
    }
    async fn undelivered_messages(&self, _: u32) -> StoreResult<Vec<OutboxMessage>> {
        Err(self.err())
    }
    async fn mark_delivered(&self, _: &[i64], _: OffsetDateTime) -> StoreResult<()> {
        Err(self.err())
    }
    async fn open_tasks(&self, _: Kato, _: u32) -> StoreResult<Vec<TaskRecord>> {
        Err(self.err())
    }
}

#[async_trait::async_trait]
impl shanyraq_store::TokenStore for Broken {
    async fn create_token(
        &self,
        _: &shanyraq_store::NewToken,
    ) -> StoreResult<shanyraq_store::TokenRecord> {
        Err(self.err())
    }
    async fn token_by_hash(&self, _: &str) -> StoreResult<Option<shanyraq_store::TokenRecord>> {
        Err(self.err())
    }
    async fn list_tokens(&self) -> StoreResult<Vec<shanyraq_store::TokenRecord>> {
        Err(self.err())
    }
    async fn revoke_token(&self, _: &str, _: OffsetDateTime) -> StoreResult<bool> {
        Err(self.err())
    }
    async fn touch_token(&self, _: i64, _: OffsetDateTime) -> StoreResult<()> {
        Err(self.err())
    }
    async fn create_challenge(
        &self,
        _: &shanyraq_store::NewChallenge,
    ) -> StoreResult<shanyraq_store::ChallengeRecord> {
        Err(self.err())
    }
    async fn challenge(&self, _: i64) -> StoreResult<Option<shanyraq_store::ChallengeRecord>> {
        Err(self.err())
    }
    async fn record_challenge_attempt(&self, _: i64) -> StoreResult<u32> {
        Err(self.err())
    }
    async fn use_challenge(&self, _: i64, _: OffsetDateTime) -> StoreResult<bool> {
        Err(self.err())
    }
}

/// Requests carry a session cookie, which the broken store cannot look up.
fn broken_app(how: Broken) -> App {
    let store: Arc<dyn Store> = Arc::new(how);
    let services = Services::new(store);
    App {
        router: router(services.clone(), WebConfig::default()),
        services,
        session: Some(format!("{SESSION}={}", "ab".repeat(32))),
        _dir: tempfile::tempdir().unwrap(),
    }
}

#[tokio::test]
async fn an_unreachable_store_makes_the_service_unavailable() {
    let app = broken_app(Broken::Unreachable);
    let r = app.get_with("/health", &[(header::ACCEPT_LANGUAGE, "ru")]).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.error_code(), "unavailable");
    assert!(r.error_message().contains("База данных"), "{}", r.error_message());
    let r = app.get("/api/v1/families/1").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(!r.text().contains("secret"), "{}", r.text());
}

#[tokio::test]
async fn internal_errors_do_not_leak_details() {
    let app = broken_app(Broken::Failing);
    for uri in [
        "/api/v1/families/1".to_owned(),
        format!("/api/v1/persons/{HEAD_IIN}"),
        "/api/v1/territories/110000000".to_owned(),
        "/api/v1/territories/110000000/families".to_owned(),
        "/api/v1/batches".to_owned(),
        "/api/v1/batches/1".to_owned(),
        "/api/v1/families/1/assessment".to_owned(),
        "/api/v1/stats/levels?territory=110000000".to_owned(),
    ] {
        let r = app.get(&uri).await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{uri}");
        assert_eq!(r.error_code(), "internal", "{uri}");
        let body = r.text();
        assert!(!body.contains("secret") && !body.contains("disk"), "{uri}: {body}");
    }
    // A page that needs data says there is a problem, and nothing more.
    let r = app.get("/families/1?lang=en").await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(r.header(header::CONTENT_TYPE).starts_with("text/html"));
    assert!(r.text().contains("<h1>Sorry, there is a problem with the service</h1>"));
    assert!(!r.text().contains("secret") && !r.text().contains("disk"));
    let r = broken_app(Broken::Unreachable).get("/families/1").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.text().contains("Кешіріңіз"), "{}", r.text());
    // Pages that need no data still work.
    assert_eq!(app.get("/").await.status, StatusCode::OK);
    assert_eq!(app.get("/api/docs").await.status, StatusCode::OK);
}

/// The value the response sets for cookie `name` (empty when it clears it), if it sets it.
fn set_cookie_value(r: &Reply, name: &str) -> Option<(String, String)> {
    r.headers.get_all(header::SET_COOKIE).iter().find_map(|v| {
        let v = v.to_str().unwrap();
        let rest = v.strip_prefix(&format!("{name}="))?;
        let (value, attributes) = rest.split_once(';').unwrap_or((rest, ""));
        Some((value.to_owned(), attributes.to_owned()))
    })
}

/// The hidden CSRF field of a page's form.
fn hidden_csrf(html: &str) -> String {
    html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned()
}

fn form_post(uri: &str, body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut req =
        Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::from(body.to_owned())).unwrap()
}

/// Signs in through the form as a browser would, with `extra` cookies already set; the reply
/// to the form's POST.
async fn sign_in_form(app: &App, login: &str, password: &str, next: &str, extra: &str) -> Reply {
    let page = app.get_anon(&format!("/sign-in?next={next}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let (token, _) = set_cookie_value(&page, CSRF).unwrap();
    assert_eq!(hidden_csrf(&page.text()), token);
    let cookie = format!("{CSRF}={token}{extra}");
    let body = format!("login={login}&password={}&csrf={token}&next={next}", enc(password));
    app.send_anon(form_post("/sign-in", &body, Some(&cookie))).await
}

fn enc(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn anonymous_requests_must_sign_in_and_public_pages_stay_open() {
    let app = app().await;
    for uri in [
        "/api/v1/families/1",
        "/api/v1/families/1/assessment",
        &format!("/api/v1/persons/{HEAD_IIN}"),
        "/api/v1/territories/110000000/families",
        "/api/v1/stats/levels?territory=110000000",
        "/api/v1/batches",
        "/api/v1/batches/1",
    ] {
        let r = app
            .get_anon(&format!("{uri}{}lang=ru", if uri.contains('?') { '&' } else { '?' }))
            .await;
        assert_eq!(
            (r.status, r.error_code().as_str()),
            (StatusCode::UNAUTHORIZED, "auth.required")
        );
        assert_eq!(r.error_message(), "Сначала войдите в систему.", "{uri}");
    }
    for uri in ["/", "/health", "/api/docs", "/api/openapi.json", "/api/v1/territories/110000000"] {
        assert_eq!(app.get_anon(uri).await.status, StatusCode::OK, "{uri}");
    }
    let r = app.get_anon("/families/1?audience=family").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header(header::LOCATION), "/sign-in?next=/families/1%3Faudience%3Dfamily");
    // Pages show who is signed in, with the way out; or the way in.
    let html = app.get("/?lang=ru").await.text();
    assert!(html.contains("Тестова Айгүл") && html.contains("action=\"/sign-out\""), "{html}");
    assert!(app.get_anon("/").await.text().contains("href=\"/sign-in\""));
}

#[tokio::test]
async fn signing_in_through_the_form_sets_a_safe_cookie_and_goes_back() {
    let app = app().await;
    let r = sign_in_form(&app, SUPERVISOR, PASSWORD, "/families/1%3Flang%3Den", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.header(header::LOCATION), "/families/1?lang=en");
    let (value, attributes) = set_cookie_value(&r, SESSION).unwrap();
    for a in ["HttpOnly", "SameSite=Lax", "Path=/", "Secure"] {
        assert!(attributes.contains(a), "{a}: {attributes}");
    }
    assert_eq!(value.len(), 64);
    let session = format!("{SESSION}={value}");
    let page = app
        .send_as(Request::get("/families/1?lang=en").body(Body::empty()).unwrap(), Some(&session))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    // Only local paths are followed after signing in.
    for next in ["//evil.example", "https%3A%2F%2Fevil.example"] {
        let r = sign_in_form(&app, SUPERVISOR, PASSWORD, next, "").await;
        assert_eq!(r.header(header::LOCATION), "/", "{next}");
    }
    // Without secure cookies (plain HTTP elsewhere than this machine) the name has no prefix.
    let dir = tempfile::tempdir().unwrap();
    let store = populated_store(&dir).await;
    let plain =
        app_over(store, dir, WebConfig { secure_cookies: false, ..WebConfig::default() }).await;
    let page = plain.get_anon("/sign-in").await;
    let (token, attributes) = set_cookie_value(&page, "shanyraq-csrf").unwrap();
    assert!(!attributes.contains("Secure"), "{attributes}");
    let body = format!("login={SUPERVISOR}&password={}&csrf={token}", enc(PASSWORD));
    let r = plain
        .send_anon(form_post("/sign-in", &body, Some(&format!("shanyraq-csrf={token}"))))
        .await;
    assert!(set_cookie_value(&r, "shanyraq-session").is_some(), "{:?}", r.headers);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_name_read_the_same() {
    let app = app().await;
    let wrong = sign_in_form(&app, SUPERVISOR, "неверный пароль 123", "/", "; lang=ru").await;
    let unknown = sign_in_form(&app, "nobody.here", PASSWORD, "/", "; lang=ru").await;
    for r in [&wrong, &unknown] {
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(set_cookie_value(r, SESSION).is_none());
        assert!(r.text().contains("Неверное имя для входа или пароль."), "{}", r.text());
        assert!(r.text().contains("class=\"error-summary\""));
    }
    let error_text = |r: &Reply| {
        let html = r.text();
        html[html.find("error-summary").unwrap()..html.find("</form>").unwrap()]
            .replace(SUPERVISOR, "")
            .replace("nobody.here", "")
            .split("name=\"csrf\"")
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(error_text(&wrong), error_text(&unknown));
    // Empty fields are named, each linked to its field.
    let page = app.get_anon("/sign-in?lang=en").await;
    let (token, _) = set_cookie_value(&page, CSRF).unwrap();
    let r = app
        .send_anon(form_post(
            "/sign-in",
            &format!("csrf={token}"),
            Some(&format!("{CSRF}={token}; lang=en")),
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let html = r.text();
    assert!(html.contains("<a href=\"#login\">Enter your sign-in name.</a>"), "{html}");
    assert!(html.contains("<a href=\"#password\">Enter your password.</a>"));
    assert!(html.contains("aria-invalid=\"true\""));
}

#[tokio::test]
async fn five_failures_throttle_sign_in() {
    let app = app().await;
    for _ in 0..5 {
        let r = sign_in_form(&app, SUPERVISOR, "неверный пароль 123", "/", "; lang=en").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password waits now.
    let r = sign_in_form(&app, SUPERVISOR, PASSWORD, "/", "; lang=en").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(set_cookie_value(&r, SESSION).is_none());
    assert!(
        r.text().contains("Too many failed attempts to sign in. Try again in 15 minutes."),
        "{}",
        r.text()
    );
}

#[tokio::test]
async fn signing_in_always_starts_a_new_session() {
    let app = app().await;
    // A value planted before signing in is not the session afterwards.
    let planted = "ab".repeat(32);
    let r = sign_in_form(&app, SUPERVISOR, PASSWORD, "/", &format!("; {SESSION}={planted}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (first, _) = set_cookie_value(&r, SESSION).unwrap();
    assert_ne!(first, planted);
    let family = |cookie: String| {
        let app = &app;
        async move {
            app.send_as(
                Request::get("/api/v1/families/1").body(Body::empty()).unwrap(),
                Some(&cookie),
            )
            .await
            .status
        }
    };
    assert_eq!(family(format!("{SESSION}={planted}")).await, StatusCode::UNAUTHORIZED);
    assert_eq!(family(format!("{SESSION}={first}")).await, StatusCode::OK);
    // Signing in again in the same browser gives a new id and ends the old session.
    let r = sign_in_form(&app, SUPERVISOR, PASSWORD, "/", &format!("; {SESSION}={first}")).await;
    let (second, _) = set_cookie_value(&r, SESSION).unwrap();
    assert_ne!(second, first);
    assert_eq!(family(format!("{SESSION}={first}")).await, StatusCode::UNAUTHORIZED);
    assert_eq!(family(format!("{SESSION}={second}")).await, StatusCode::OK);
}

/// The card route resumes its session together with the card: it answers as every other route
/// does — a new session id after a change of privileges, 401 before any other complaint for a
/// session that has ended, the same card for HEAD (resumed before the handler) and GET.
#[tokio::test]
async fn the_card_route_resumes_its_session_as_every_route_does() {
    let app = app().await;
    let own = app.session.clone().unwrap();
    let card = |uri: &str, cookie: &str, method: Method| {
        let req = Request::builder().method(method).uri(uri).body(Body::empty()).unwrap();
        let cookie = cookie.to_owned();
        let app = &app;
        async move { app.send_as(req, Some(&cookie)).await }
    };
    let r = card("/api/v1/families/1", &own, Method::GET).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(set_cookie_value(&r, SESSION), None, "an unchanged session keeps its cookie");
    let head = card("/api/v1/families/1", &own, Method::HEAD).await;
    assert_eq!(head.status, StatusCode::OK);

    // Bad input from a signed-in user is a 400; from an ended session, a 401 first.
    let ended = format!("{SESSION}={}", "cd".repeat(32));
    for uri in ["/api/v1/families/abc", "/api/v1/families/1?purpose="] {
        let r = card(uri, &own, Method::GET).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        let r = card(uri, &ended, Method::GET).await;
        assert_eq!(
            (r.status, r.error_code().as_str()),
            (StatusCode::UNAUTHORIZED, "auth.session_expired"),
            "{uri}"
        );
        let (value, _) = set_cookie_value(&r, SESSION).unwrap();
        assert!(value.is_empty(), "the ended session's cookie is cleared: {uri}");
    }
    let r = card("/api/v1/families/1", &ended, Method::GET).await;
    assert_eq!(r.error_code(), "auth.session_expired");

    // A change of privileges: the card comes with a new session id, and the old one has ended.
    let system = AccessContext::system("test", "t");
    let more = grant(AccessRole::DataSteward, "110000000");
    app.services.users().grant(&system, SUPERVISOR, &more).await.unwrap();
    let r = card("/api/v1/families/1", &own, Method::GET).await;
    assert_eq!(r.status, StatusCode::OK);
    let (fresh, attributes) = set_cookie_value(&r, SESSION).unwrap();
    assert!(!fresh.is_empty() && attributes.contains("HttpOnly"), "{attributes}");
    assert_ne!(format!("{SESSION}={fresh}"), own);
    assert_eq!(
        card("/api/v1/families/1", &own, Method::GET).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = card("/api/v1/families/1", &format!("{SESSION}={fresh}"), Method::GET).await;
    assert_eq!((r.status, set_cookie_value(&r, SESSION)), (StatusCode::OK, None));
}

#[tokio::test]
async fn idle_sessions_expire_and_the_cookie_is_cleared() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(populated_store(&dir).await);
    let start = datetime!(2026-03-02 04:00 UTC);
    let policy = SessionPolicy { idle: time::Duration::minutes(5), ..SessionPolicy::default() };
    let at = |t: OffsetDateTime| {
        Services::new(store.clone()).with_session_policy(policy).with_clock(Clock::Fixed(t))
    };
    let app = signed_in_app(at(start), WebConfig::default(), dir).await;
    let request = || Request::get("/api/v1/families/1?lang=en").body(Body::empty()).unwrap();
    assert_eq!(app.send(request()).await.status, StatusCode::OK);
    // Four minutes later the session lives; six minutes after that it has ended.
    let later = router(at(start + time::Duration::minutes(4)), WebConfig::default());
    let session = app.session.clone().unwrap();
    let send = |router: Router, req: Request<Body>| {
        let session = session.clone();
        async move {
            let mut req = req;
            req.headers_mut().insert(header::COOKIE, session.parse().unwrap());
            let response = router.oneshot(req).await.unwrap();
            let status = response.status();
            let headers = response.headers().clone();
            let body = response.into_body().collect().await.unwrap().to_bytes().to_vec();
            Reply { status, headers, body }
        }
    };
    assert_eq!(send(later, request()).await.status, StatusCode::OK);
    let much_later = router(at(start + time::Duration::minutes(10)), WebConfig::default());
    let r = send(much_later.clone(), request()).await;
    assert_eq!(
        (r.status, r.error_code().as_str()),
        (StatusCode::UNAUTHORIZED, "auth.session_expired")
    );
    assert_eq!(r.error_message(), "Your session has ended. Sign in again.");
    let (value, attributes) = set_cookie_value(&r, SESSION).unwrap();
    assert!(value.is_empty() && attributes.contains("Max-Age=0"), "{attributes}");
    // A page sends the reader to sign in, which says why.
    let r =
        send(much_later.clone(), Request::get("/families/1").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = send(much_later, Request::get("/sign-in?lang=en").body(Body::empty()).unwrap()).await;
    assert!(r.text().contains("Your session has ended"), "{}", r.text());
}

#[tokio::test]
async fn signing_out_everywhere_ends_the_other_sessions() {
    let app = app().await;
    let other = session_of(&app.services, SUPERVISOR).await;
    let get = |cookie: String| {
        let app = &app;
        async move {
            app.send_as(
                Request::get("/api/v1/families/1").body(Body::empty()).unwrap(),
                Some(&cookie),
            )
            .await
            .status
        }
    };
    assert_eq!(get(other.clone()).await, StatusCode::OK);
    let token = hidden_csrf(&app.get("/").await.text());
    let r = app.send(form_post("/sign-out-everywhere", &format!("csrf={token}"), None)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header(header::LOCATION), "/sign-in");
    assert_eq!(set_cookie_value(&r, SESSION).unwrap().0, "");
    assert_eq!(get(other).await, StatusCode::UNAUTHORIZED);
    assert_eq!(get(app.session.clone().unwrap()).await, StatusCode::UNAUTHORIZED);

    // Signing out ends only this session.
    let one = session_of(&app.services, SUPERVISOR).await;
    let two = session_of(&app.services, SUPERVISOR).await;
    let page = app.send_as(Request::get("/").body(Body::empty()).unwrap(), Some(&one)).await;
    let r = app
        .send_as(
            form_post("/sign-out", &format!("csrf={}", hidden_csrf(&page.text())), None),
            Some(&one),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(get(one).await, StatusCode::UNAUTHORIZED);
    assert_eq!(get(two).await, StatusCode::OK);
}

#[tokio::test]
async fn forms_without_their_token_change_nothing() {
    let app = app().await;
    for (uri, body) in [
        ("/sign-out", ""),
        ("/sign-out", "csrf=0000"),
        ("/sign-out-everywhere", "csrf="),
        ("/sign-out-everywhere", "csrf=wrong"),
    ] {
        let before = app.services.audit_head().await.unwrap().map_or(0, |a| a.seq);
        let r = app.send(form_post(uri, body, Some("lang=en"))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri} {body}");
        assert!(r.text().contains("Nothing was changed"), "{}", r.text());
        // Recorded as a denial of the signed-in account.
        let head = app.services.audit_head().await.unwrap().unwrap();
        assert_eq!(head.seq, before + 1, "{uri} {body}: one entry");
        assert!(set_cookie_value(&r, SESSION).is_none());
        assert_eq!(app.get("/api/v1/families/1").await.status, StatusCode::OK, "still signed in");
    }
    // Signing in: the token in the form must match the cookie.
    let page = app.get_anon("/sign-in").await;
    let (token, _) = set_cookie_value(&page, CSRF).unwrap();
    let body = format!("login={SUPERVISOR}&password={}", enc(PASSWORD));
    for (cookie, field) in [
        (None, token.clone()),
        (Some(format!("{CSRF}={token}")), String::new()),
        (Some(format!("{CSRF}={token}")), "f".repeat(64)),
    ] {
        let r = app
            .send_anon(form_post("/sign-in", &format!("{body}&csrf={field}"), cookie.as_deref()))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(set_cookie_value(&r, SESSION).is_none());
    }
}

#[tokio::test]
async fn families_out_of_scope_are_refused_like_missing_ones() {
    let app = app().await;
    let district = [grant(AccessRole::SocialWorker, "113800000")];
    add_staff(&app.services, "district.worker", "Аудандық қызметкер", &district, &[]).await;
    let worker = session_of(&app.services, "district.worker").await;
    let get =
        |uri: &str| app.send_as(Request::get(uri).body(Body::empty()).unwrap(), Some(&worker));
    assert_eq!(get("/api/v1/families/1").await.status, StatusCode::OK);
    let outside = get("/api/v1/families/5?lang=en").await;
    let missing = get("/api/v1/families/999?lang=en").await;
    for r in [&outside, &missing] {
        assert_eq!((r.status, r.error_code().as_str()), (StatusCode::FORBIDDEN, "access.denied"));
    }
    assert_eq!(outside.body, missing.body);
    let page = get("/families/5?lang=en").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.text().contains("This family does not exist or you may not open it."));
    // Listings and counts cover only the account's part of the territory.
    let j = get("/api/v1/territories/110000000/families").await.json();
    assert_eq!(j["items"].as_array().unwrap().len(), 4);
    let r = get("/api/v1/territories/710000000/families").await;
    assert_eq!((r.status, r.error_code().as_str()), (StatusCode::FORBIDDEN, "access.denied"));
}

#[tokio::test]
async fn sensitive_facts_need_a_grant_and_a_stated_purpose() {
    let app = assessed_app().await;
    let violence = |j: &Value| {
        j["latest_observations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["indicator"] == "police.domestic_violence_report")
    };
    // Without the category the fact is absent, and no purpose is asked.
    let r = app.get("/api/v1/families/3").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!violence(&r.json()));

    let grants = [grant(AccessRole::Supervisor, "110000000")];
    add_staff(&app.services, "violence.lead", "Қорғау маманы", &grants, &[Category::Violence])
        .await;
    let lead = session_of(&app.services, "violence.lead").await;
    let send = |uri: &str, purpose: Option<&str>| {
        let mut req = Request::get(uri);
        if let Some(p) = purpose {
            req = req.header("x-purpose", p);
        }
        app.send_as(req.body(Body::empty()).unwrap(), Some(&lead))
    };
    let doc = app.get("/api/openapi.json").await.json();
    for (template, uri) in [
        ("/api/v1/families/{id}", "/api/v1/families/3?lang=en"),
        ("/api/v1/families/{id}/assessment", "/api/v1/families/3/assessment?lang=en"),
    ] {
        let r = send(uri, None).await;
        assert_eq!(
            (r.status, r.error_code().as_str()),
            (StatusCode::PRECONDITION_REQUIRED, "access.purpose_required"),
            "{uri}"
        );
        assert!(documented_codes(&doc, template, r.status).contains("access.purpose_required"));
        let r = send(uri, Some("home visit 12.03")).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text());
        let r = send(&format!("{uri}&purpose=%D0%B2%D0%B8%D0%B7%D0%B8%D1%82"), None).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: the purpose as a parameter");
        let before = app.services.audit_head().await.unwrap().map_or(0, |a| a.seq);
        let r = send(uri, Some("   ")).await;
        assert_eq!(r.error_code(), "access.purpose_empty");
        let after = app.services.audit_head().await.unwrap().map_or(0, |a| a.seq);
        assert_eq!(after, before + 1, "an empty purpose is recorded as a denial");
    }
    assert!(violence(&send("/api/v1/families/3", Some("visit")).await.json()));
    // The explanation follows the card: its violence line only for the granted reader.
    let says_violence = |j: &Value| {
        j["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["text"].as_str().unwrap().contains("violence"))
    };
    let plain = app.get("/api/v1/families/3/assessment?lang=en").await.json();
    assert!(!says_violence(&plain), "{plain}");
    let granted = send("/api/v1/families/3/assessment?lang=en", Some("visit")).await.json();
    assert!(says_violence(&granted), "{granted}");
    assert_eq!(plain["level"], granted["level"], "the level itself is not hidden");
    let page = app.get("/families/3?lang=en").await.text();
    assert!(!page.contains("domestic violence"), "the page leaves the line out too");

    // The page asks why, in the reader's language, and refuses an empty answer.
    let page = |uri: &str| app.send_as(Request::get(uri).body(Body::empty()).unwrap(), Some(&lead));
    let r = page("/families/3?lang=ru").await;
    assert_eq!(r.status, StatusCode::PRECONDITION_REQUIRED);
    let html = r.text();
    assert!(html.contains("<label for=\"purpose\">Цель доступа</label>"), "{html}");
    assert!(html.contains("method=\"get\" action=\"/families/3\""));
    let r = page("/families/3?purpose=+&lang=ru").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("<a href=\"#purpose\">Укажите цель доступа.</a>"), "{}", r.text());
    let r = page("/families/3?purpose=%D0%B2%D0%B8%D0%B7%D0%B8%D1%82&lang=ru").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("href=\"/families/3?audience=family&#38;purpose="), "{}", r.text());
}

#[tokio::test]
async fn totals_only_accounts_see_small_numbers_suppressed() {
    let app = assessed_app().await;
    add_staff(
        &app.services,
        "region.analyst",
        "Талдаушы",
        &[grant(AccessRole::Analyst, "110000000")],
        &[],
    )
    .await;
    let analyst = session_of(&app.services, "region.analyst").await;
    let get =
        |uri: &str| app.send_as(Request::get(uri).body(Body::empty()).unwrap(), Some(&analyst));
    let j =
        get("/api/v1/stats/levels?territory=110000000&from=2026-01-01&to=2026-02-28").await.json();
    assert_eq!(j["suppressed"], true, "{j}");
    let district = &j["counts"][0];
    assert!(
        ["A", "B", "C", "D", "E"]
            .iter()
            .all(|l| district["levels"][*l].is_null() || district["levels"][*l] == 0),
        "{district}"
    );
    assert!(district["levels"].as_object().unwrap().values().any(Value::is_null), "{district}");
    assert_eq!(district["total"], Value::Null);
    assert_eq!(j["totals"]["total"], Value::Null);
    assert!(j["movements"].as_array().unwrap().iter().all(|m| m["families"].is_null()), "{j}");
    // The analyst reads no family.
    let r = get("/api/v1/families/1").await;
    assert_eq!((r.status, r.error_code().as_str()), (StatusCode::FORBIDDEN, "access.denied"));
    // The supervisor sees every number.
    let j = app.get("/api/v1/stats/levels?territory=110000000").await.json();
    assert_eq!((&j["suppressed"], &j["totals"]["total"]), (&Value::Bool(false), &Value::from(3)));
}

/// Creates a citizen account for the person with `iin` and opens a session for it, as the
/// second step of the citizen's sign-in would; the session cookie as `name=value`.
async fn citizen_session(services: &Services, iin: &str, name: &str) -> String {
    let system = AccessContext::system("test", "t");
    let new = NewUser {
        login: iin.into(),
        kind: AccountKind::Citizen,
        display_name: name.into(),
        password: PASSWORD.into(),
        iin: Some(iin.parse().unwrap()),
    };
    let account = services.users().add(&system, new).await.unwrap();
    let s = services.sign_in().open_session(&account, "req", services.today()).await.unwrap();
    format!("{SESSION}={}", s.cookie.expose())
}

const WORKER: &str = "test.worker";
const WORKER_NAME: &str = "Жұмысов Ержан";
const VISIT: &str = "Үйге бару, 12 наурыз";

/// A social worker over Akmola reads family 1 with a stated purpose; the worker's session.
async fn worker_reads_family_1(app: &App) -> String {
    let grants = [grant(AccessRole::SocialWorker, "110000000")];
    add_staff(&app.services, WORKER, WORKER_NAME, &grants, &[]).await;
    let worker = session_of(&app.services, WORKER).await;
    let uri = format!("/api/v1/families/1?purpose={}", enc(VISIT));
    let r = app.send_as(Request::get(uri).body(Body::empty()).unwrap(), Some(&worker)).await;
    assert_eq!(r.status, StatusCode::OK);
    worker
}

async fn get_as(app: &App, uri: &str, session: &str) -> Reply {
    app.send_as(Request::get(uri).body(Body::empty()).unwrap(), Some(session)).await
}

/// The staff member's read of family 1 in an access log answer.
fn staff_read(j: &Value) -> Value {
    j["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "family.read" && e["role"] == "social_worker")
        .unwrap_or_else(|| panic!("no staff read in {j}"))
        .clone()
}

#[tokio::test]
async fn the_family_sees_who_looked_at_its_data() {
    let app = app().await;
    let worker = worker_reads_family_1(&app).await;
    let citizen = citizen_session(&app.services, HEAD_IIN, "Серіков Серік").await;

    let r = get_as(&app, "/api/v1/families/1/access-log?lang=en", &citizen).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.header(header::CACHE_CONTROL), "no-store");
    let j = r.json();
    assert_eq!(j["limit"], 50);
    assert!(j["next_before"].is_null());
    let items = j["items"].as_array().unwrap();
    // Newest first: the family's own look at the log leads.
    let own = &items[0];
    assert_eq!(own["action"], "family.audit_read");
    assert_eq!(own["action_text"], "looked at who accessed the data");
    assert_eq!(own["by_family"], true);
    assert!(own["role"].is_null() && own["name"].is_null());
    let seqs: Vec<u64> = items.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "{seqs:?}");
    let read = staff_read(&j);
    assert_eq!(read["action_text"], "opened the card");
    assert_eq!(read["role_text"], "Social worker");
    assert_eq!(read["agency"], "social");
    assert_eq!(read["agency_text"], "social protection");
    assert_eq!(read["by_family"], false);
    assert_eq!(read["purpose"], VISIT);
    assert_eq!(read["outcome"], "allowed");
    assert!(read["name"].is_null(), "no staff names by default: {read}");
    let at = read["at"].as_str().unwrap();
    assert!(at.ends_with('Z'), "{at}");
    OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).unwrap();
    assert!(!r.text().contains(WORKER_NAME) && !r.text().contains(WORKER));

    // In the request's language.
    let ru = get_as(&app, "/api/v1/families/1/access-log?lang=ru", &citizen).await.json();
    let read = staff_read(&ru);
    assert_eq!(read["role_text"], "Социальный работник");
    assert_eq!(read["action_text"], "открыл карточку");
    let kk = get_as(&app, "/api/v1/families/1/access-log?lang=kk", &citizen).await.json();
    assert_eq!(staff_read(&kk)["role_text"], "Әлеуметтік қызметкер");

    // Another family's log is refused, as a family out of scope is.
    let r = get_as(&app, "/api/v1/families/2/access-log", &citizen).await;
    assert_eq!((r.status, r.error_code().as_str()), (StatusCode::FORBIDDEN, "access.denied"));
    let r = get_as(&app, "/families/2/access-log?lang=en", &citizen).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("This family does not exist or you may not open it."));

    // Staff who are not supervisors may read the card but not who read it.
    let r = get_as(&app, "/api/v1/families/1/access-log", &worker).await;
    assert_eq!((r.status, r.error_code().as_str()), (StatusCode::FORBIDDEN, "access.denied"));
    let r = get_as(&app, "/families/1/access-log?lang=en", &worker).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("This family does not exist or you may not open it."));
    // A supervisor over the family's territory may.
    let r = app.get("/api/v1/families/1/access-log").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(staff_read(&r.json())["purpose"], VISIT);

    // The page, in each language.
    let cases = [
        (
            "kk",
            "№1 отбасының деректерін кім қарады",
            "Әлеуметтік қызметкер, әлеуметтік қорғау",
            "карточканы ашты",
        ),
        (
            "ru",
            "Кто смотрел данные семьи №1",
            "Социальный работник, социальная защита",
            "открыл карточку",
        ),
        (
            "en",
            "Who looked at the data of family №1",
            "Social worker, social protection",
            "opened the card",
        ),
    ];
    for (lang, heading, who, what) in cases {
        let r = get_as(&app, &format!("/families/1/access-log?lang={lang}"), &citizen).await;
        assert_eq!(r.status, StatusCode::OK, "{lang}");
        let html = r.text();
        assert!(html.contains(&format!("<html lang=\"{lang}\">")));
        assert!(html.contains(&format!("<h1>{heading}</h1>")), "{lang}: {html}");
        assert!(html.contains("<caption>") && html.contains("<th scope=\"col\">"), "{lang}");
        let text = visible_text(&html);
        assert!(text.contains(who), "{lang}: {who}");
        assert!(text.contains(what), "{lang}: {what}");
        assert!(text.contains(VISIT), "{lang}: purpose");
        assert!(!text.contains(WORKER_NAME), "{lang}: no names");
        assert!(html.contains("href=\"/families/1\""), "{lang}: back to the family");
        // 30.11.2026 14:05, Almaty time.
        let today = app.services.today();
        let date = format!("{:02}.{:02}.{}", today.day(), u8::from(today.month()), today.year());
        assert!(text.contains(&date), "{lang}: {date}");
        assert!(!html.contains("<script"));
    }
    // The family page leads to it.
    let family = get_as(&app, "/families/1?lang=en", &citizen).await;
    assert_eq!(family.status, StatusCode::OK);
    assert!(family.text().contains("href=\"/families/1/access-log\""));
    // Nobody signed in: off to sign in, and back.
    let r = app.get_anon("/families/1/access-log").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header(header::LOCATION), "/sign-in?next=/families/1/access-log");
    for uri in ["/families/0/access-log", "/families/x/access-log"] {
        assert_eq!(get_as(&app, uri, &citizen).await.status, StatusCode::NOT_FOUND, "{uri}");
    }
}

#[tokio::test]
async fn staff_names_are_shown_only_where_the_deployment_allows() {
    let app = app_with(WebConfig { show_staff_names: true, ..WebConfig::default() }).await;
    worker_reads_family_1(&app).await;
    let citizen = citizen_session(&app.services, HEAD_IIN, "Серіков Серік").await;
    let j = get_as(&app, "/api/v1/families/1/access-log", &citizen).await.json();
    assert_eq!(staff_read(&j)["name"], WORKER_NAME);
    // The family's own entries never carry a name.
    assert!(j["items"][0]["name"].is_null());
    let html = get_as(&app, "/families/1/access-log?lang=en", &citizen).await.text();
    assert!(visible_text(&html).contains(&format!("{WORKER_NAME}, Social worker")), "{html}");
}

#[tokio::test]
async fn the_access_log_pages_through_every_entry_once() {
    let app = app().await;
    // Sixty reads by the supervisor, then the log itself read page by page.
    for _ in 0..60 {
        assert_eq!(app.get("/api/v1/families/1").await.status, StatusCode::OK);
    }
    let citizen = citizen_session(&app.services, HEAD_IIN, "Серіков Серік").await;
    let first = get_as(&app, "/api/v1/families/1/access-log?limit=25", &citizen).await.json();
    assert_eq!(first["items"].as_array().unwrap().len(), 25);
    let mut seen: Vec<u64> = Vec::new();
    let mut page = first;
    loop {
        seen.extend(page["items"].as_array().unwrap().iter().map(|e| e["seq"].as_u64().unwrap()));
        let Some(next) = page["next_before"].as_u64() else { break };
        assert_eq!(next, *seen.last().unwrap());
        let uri = format!("/api/v1/families/1/access-log?limit=25&before={next}");
        page = get_as(&app, &uri, &citizen).await.json();
    }
    assert!(seen.windows(2).all(|w| w[0] > w[1]), "newest first, each once: {seen:?}");
    // Sixty reads and the first look at the log; later looks are newer than the first page.
    assert_eq!(seen.len(), 61);

    // The page: fifty at a time, with links to older and back to newer entries.
    let html = get_as(&app, "/families/1/access-log?lang=en", &citizen).await.text();
    assert_eq!(html.matches("<tr><td").count(), 50);
    assert!(!html.contains("Newer entries"));
    let older = html
        .split("<a href=\"")
        .filter_map(|a| a.split_once("\" rel=\"next\">"))
        .map(|(href, _)| href.replace("&#38;", "&"))
        .next()
        .unwrap_or_else(|| panic!("no link to older entries: {html}"));
    assert!(older.starts_with("/families/1/access-log?before="), "{older}");
    let html = get_as(&app, &format!("{older}&lang=en"), &citizen).await.text();
    assert!(html.contains("Newer entries") && !html.contains("Older entries"), "{html}");
    assert!(html.contains("href=\"/families/1/access-log\" rel=\"prev\""), "{html}");
    let rows = html.matches("<tr><td").count();
    assert!((1..50).contains(&rows), "{rows}");
}

/// Creates a citizen account for the person with `iin`, with the test password.
async fn add_citizen(services: &Services, iin: &str) {
    let system = AccessContext::system("test", "t");
    let new = NewUser {
        login: iin.into(),
        kind: AccountKind::Citizen,
        display_name: "Тұрғын".into(),
        password: PASSWORD.into(),
        iin: Some(iin.parse().unwrap()),
    };
    services.users().add(&system, new).await.unwrap();
}

/// The six digits of the last code the outbox holds, delivering every message.
async fn code_from_outbox(services: &Services) -> String {
    let mut bodies = Vec::new();
    services
        .deliver_messages(|m| {
            bodies.push(m.body.clone());
            Ok(())
        })
        .await
        .unwrap();
    let body = bodies.last().expect("a message in the outbox");
    body.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("no code in {body}"))
        .to_owned()
}

fn get_with_cookie(uri: &str, cookie: &str) -> Request<Body> {
    Request::get(uri).header(header::COOKIE, cookie).body(Body::empty()).unwrap()
}

/// The first step of a citizen's sign-in as a browser takes it: the form, then its POST with
/// `iin` and `password`. The token cookie and the reply.
async fn citizen_first_step(app: &App, iin: &str, password: &str) -> (String, Reply) {
    let page = app.get_anon("/sign-in/citizen?lang=en").await;
    assert_eq!(page.status, StatusCode::OK);
    let (token, _) = set_cookie_value(&page, CSRF).unwrap();
    assert_eq!(hidden_csrf(&page.text()), token);
    let cookie = format!("{CSRF}={token}");
    let body = format!("iin={}&password={}&csrf={token}", enc(iin), enc(password));
    let r = app.send_anon(form_post("/sign-in/citizen?lang=en", &body, Some(&cookie))).await;
    (cookie, r)
}

const CHALLENGE: &str = "__Host-shanyraq-challenge";

#[tokio::test]
async fn citizens_sign_in_with_their_iin_password_and_a_code() {
    let app = app().await;
    add_citizen(&app.services, SECOND_PASS_IIN).await;
    // The two sign-in pages lead to each other.
    let staff = app.get_anon("/sign-in?lang=en").await.text();
    assert!(staff.contains("href=\"/sign-in/citizen\""));
    let citizen = app.get_anon("/sign-in/citizen?lang=en").await.text();
    assert!(citizen.contains("href=\"/sign-in\"") && citizen.contains("autocomplete=\"username\""));

    // Step one: a code goes out, and the browser holds the challenge for five minutes.
    let (csrf, r) = citizen_first_step(&app, SECOND_PASS_IIN, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.header(header::LOCATION), "/sign-in/code");
    let (challenge, attributes) = set_cookie_value(&r, CHALLENGE).unwrap();
    for part in ["HttpOnly", "SameSite=Strict", "Secure", "Max-Age=300", "Path=/"] {
        assert!(attributes.contains(part), "{attributes}: {part}");
    }
    assert!(set_cookie_value(&r, SESSION).is_none(), "no session before the code");
    let code = code_from_outbox(&app.services).await;
    let cookie = format!("{csrf}; {CHALLENGE}={challenge}");

    // Step two: the code form says where the code went.
    let page = app.send_anon(get_with_cookie("/sign-in/code?lang=en", &cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("•••• 1234"), "{html}");
    assert!(
        html.contains("autocomplete=\"one-time-code\"") && html.contains("inputmode=\"numeric\"")
    );
    let token = hidden_csrf(&html);
    let post = |code: &str| {
        let body = format!("code={code}&csrf={token}");
        form_post("/sign-in/code?lang=en", &body, Some(&cookie))
    };
    // Not six digits: said so, nothing counted.
    let r = app.send_anon(post("12")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("The code has 6 digits."));
    // A wrong code fails.
    let wrong: String = code.chars().map(|c| if c == '9' { '0' } else { '9' }).collect();
    let r = app.send_anon(post(&wrong)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.text().contains("The code is wrong or no longer works."), "{}", r.text());
    assert!(set_cookie_value(&r, SESSION).is_none());
    // The right one opens a session and leads to the citizen's own family.
    let r = app.send_anon(post(&code)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.header(header::LOCATION), "/families/2");
    let (session, attributes) = set_cookie_value(&r, SESSION).unwrap();
    assert!(attributes.contains("HttpOnly") && attributes.contains("Secure"));
    assert_eq!(set_cookie_value(&r, CHALLENGE).unwrap().0, "", "the challenge cookie is cleared");
    let session = format!("{SESSION}={session}");
    let family =
        app.send_as(Request::get("/families/2").body(Body::empty()).unwrap(), Some(&session));
    assert_eq!(family.await.status, StatusCode::OK);
    // A used code does not work twice.
    let r = app.send_anon(post(&code)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn citizen_sign_in_says_what_went_wrong() {
    let app = app().await;
    add_citizen(&app.services, HEAD_IIN).await;
    // Without a code on its way, the code form leads back to the first step.
    let r = app.get_anon("/sign-in/code").await;
    assert_eq!((r.status, r.header(header::LOCATION)), (StatusCode::SEE_OTHER, "/sign-in/citizen"));
    let r = app.send_anon(form_post("/sign-in/code", "code=123456", None)).await;
    assert_eq!((r.status, r.header(header::LOCATION)), (StatusCode::SEE_OTHER, "/sign-in/citizen"));
    // A form without its token changes nothing.
    let r = app
        .send_anon(form_post(
            "/sign-in/citizen?lang=en",
            &format!("iin={HEAD_IIN}&password=x"),
            None,
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(set_cookie_value(&r, CHALLENGE).is_none());
    // Missing and malformed fields.
    let (_, r) = citizen_first_step(&app, "", "").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let text = r.text();
    assert!(text.contains("Enter your IIN.") && text.contains("Enter your password."), "{text}");
    let (_, r) = citizen_first_step(&app, "791028302729", PASSWORD).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("check digit"), "{}", r.text());
    // A wrong password and an IIN without an account read the same.
    let (_, wrong) = citizen_first_step(&app, HEAD_IIN, "not the password").await;
    let unknown = Iin::from_structure(date!(1990 - 01 - 01), Sex::Male, 5).unwrap().to_string();
    let (_, nobody) = citizen_first_step(&app, &unknown, PASSWORD).await;
    for r in [&wrong, &nobody] {
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.text().contains("The sign-in name or password is wrong."), "{}", r.text());
        assert!(set_cookie_value(r, CHALLENGE).is_none());
    }
    // Staff cannot take this way in.
    let (_, r) = citizen_first_step(&app, SUPERVISOR, PASSWORD).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // Without a phone on record, the code form says the code went to the known number.
    let (csrf, r) = citizen_first_step(&app, HEAD_IIN, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (challenge, _) = set_cookie_value(&r, CHALLENGE).unwrap();
    let cookie = format!("{csrf}; {CHALLENGE}={challenge}");
    let html = app.send_anon(get_with_cookie("/sign-in/code?lang=ru", &cookie)).await.text();
    assert!(html.contains("Мы отправили код на ваш номер телефона"), "{html}");
    // Too many failures: throttled.
    for _ in 0..5 {
        citizen_first_step(&app, HEAD_IIN, "not the password").await;
    }
    let (_, r) = citizen_first_step(&app, HEAD_IIN, PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text());
    assert!(r.text().contains("Too many failed attempts"));
}

#[tokio::test]
async fn agency_systems_upload_feed_files_with_a_scoped_token() {
    let app = app().await;
    let system = AccessContext::system("test", "t");
    let income = ["income".to_owned()];
    let tokens = app.services.tokens();
    let (_, inside) =
        tokens.issue(&system, "tax-okrug", &income, kato("113820000"), 30).await.unwrap();
    let (_, elsewhere) =
        tokens.issue(&system, "tax-other", &income, kato("113820200"), 30).await.unwrap();
    let csv = "IIN,Last name,First name,Birth date,KATO,Period start,Period end,Income source,Amount\n\
               791028302728,Серіков,Серік,1979-10-28,113820100,2026-10-01,,wage,250000\n";
    let upload = |token: Option<&str>, source: &str| {
        let mut req = Request::post(format!("/api/v1/feeds/{source}/batches?lang=en"))
            .header("x-file-name", "wages.csv");
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        app.send_anon(req.body(Body::from(csv)).unwrap())
    };
    let r = upload(Some(inside.expose()), "income").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let j = r.json();
    assert_eq!(j["run"], "imported");
    assert_eq!(
        (j["batch"]["counts"]["rows_read"].as_i64(), j["batch"]["counts"]["accepted"].as_i64()),
        (Some(1), Some(1)),
        "{j}"
    );
    // The same file again is recognised.
    assert_eq!(upload(Some(inside.expose()), "income").await.json()["run"], "already_imported");

    // A token for another settlement: the row is refused, not written.
    let csv_other = csv.replace("250000", "260000");
    let mut req = Request::post("/api/v1/feeds/income/batches")
        .header(header::AUTHORIZATION, format!("Bearer {}", elsewhere.expose()));
    req = req.header("x-file-name", "wages.csv");
    let r = app.send_anon(req.body(Body::from(csv_other)).unwrap()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let counts = &r.json()["batch"]["counts"];
    assert_eq!(
        (counts["accepted"].as_i64(), counts["rejected"].as_i64()),
        (Some(0), Some(1)),
        "{counts}"
    );

    // No token, a wrong one, or a source the token is not for.
    let r = upload(None, "income").await;
    assert_eq!((r.status, r.error_code().as_str()), (StatusCode::UNAUTHORIZED, "token.required"));
    for r in [
        upload(Some(&"a".repeat(64)), "income").await,
        upload(Some(inside.expose()), "police").await,
    ] {
        assert_eq!((r.status, r.error_code().as_str()), (StatusCode::FORBIDDEN, "token.invalid"));
        assert!(r.error_message().contains("revoked"), "{}", r.error_message());
    }
    // A signed-in browser session is no token.
    let r = app
        .send(Request::post("/api/v1/feeds/income/batches").body(Body::from(csv)).unwrap())
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

/// POSTs the form `body` to `uri` with the session `session`, in English.
async fn post_as(app: &App, uri: &str, body: &str, session: &str) -> Reply {
    app.send_as(form_post(uri, body, Some("lang=en")), Some(session)).await
}

/// The `action` of the first review form on the review list.
fn review_action(html: &str) -> Option<String> {
    let rest = html.split("action=\"/break-glass/").nth(1)?;
    Some(format!("/break-glass/{}", rest.split('"').next()?))
}

#[tokio::test]
async fn emergency_access_opens_one_family_and_a_supervisor_reviews_it() {
    let app = app().await;
    let district = [grant(AccessRole::SocialWorker, "113800000")];
    add_staff(&app.services, "district.worker", "Аудандық қызметкер", &district, &[]).await;
    let worker = session_of(&app.services, "district.worker").await;

    // The refusal offers emergency access to staff who may ask for it.
    let page = get_as(&app, "/families/5?lang=en", &worker).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let text = page.text();
    assert!(text.contains("This family does not exist or you may not open it."));
    assert!(text.contains("<h2>Emergency access</h2>"), "{text}");
    assert!(text.contains("action=\"/families/5/break-glass\""));
    assert!(text.contains("<option value=\"240\">4 hours</option>"));
    let token = hidden_csrf(&text);

    // Without the session's token nothing is opened.
    for body in ["reason=urgent&minutes=60", "reason=urgent&minutes=60&csrf=wrong"] {
        let r = post_as(&app, "/families/5/break-glass", body, &worker).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{body}");
        assert!(r.text().contains("Nothing was changed"));
    }
    assert_eq!(
        get_as(&app, "/families/5?purpose=urgent", &worker).await.status,
        StatusCode::FORBIDDEN
    );
    let list = app.get("/break-glass?lang=en").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text().contains("There are no emergency accesses waiting for review."));

    // An empty reason: the form again, with the error in the user's language.
    let req = form_post(
        "/families/5/break-glass",
        &format!("reason=+&minutes=120&csrf={token}"),
        Some("lang=ru"),
    );
    let r = app.send_as(req, Some(&worker)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let text = r.text();
    assert!(text.contains("Укажите цель доступа."), "{text}");
    assert!(text.contains("aria-invalid=\"true\""));
    assert!(text.contains("<option value=\"120\" selected>"));

    // Opened: the family's page, with the reason as the purpose.
    let reason = "Сообщение о насилии, выезд полиции";
    let body = format!("reason={}&minutes=120&csrf={token}", enc(reason));
    let r = post_as(&app, "/families/5/break-glass", &body, &worker).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let location = r.header(header::LOCATION).to_owned();
    assert!(location.starts_with("/families/5?purpose="), "{location}");
    let card = get_as(&app, &format!("{location}&lang=en"), &worker).await;
    assert_eq!(card.status, StatusCode::OK, "{}", card.text());
    assert!(card.text().contains("Family №5"));
    // A break-glass read always states its purpose; other families stay closed.
    assert_eq!(
        get_as(&app, "/families/5", &worker).await.status,
        StatusCode::PRECONDITION_REQUIRED
    );
    assert_eq!(get_as(&app, "/families/6?purpose=x", &worker).await.status, StatusCode::FORBIDDEN);

    // Only supervisors see the review list.
    let r = get_as(&app, "/break-glass?lang=en", &worker).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("Only supervisors review emergency accesses."));
    assert!(!r.text().contains(reason));
    assert!(!get_as(&app, "/families/1", &worker).await.text().contains("href=\"/break-glass\""));

    let list = app.get("/break-glass?lang=en").await;
    assert_eq!(list.status, StatusCode::OK);
    let text = list.text();
    assert!(text.contains("href=\"/break-glass\""), "the header links the list");
    assert!(text.contains("Аудандық қызметкер"), "{text}");
    assert!(text.contains(reason));
    assert!(text.contains("<a href=\"/families/5\">Family №5</a>"));
    let action = review_action(&text).unwrap();
    let csrf = hidden_csrf(&text);

    // The worker cannot review it, and a review needs its token and a note.
    let r = post_as(&app, &action, &format!("note=ok&csrf={token}"), &worker).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.send(form_post(&action, "note=ok", Some("lang=en"))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("Nothing was changed"));
    let r = app.send(form_post(&action, &format!("note=&csrf={csrf}"), Some("lang=en"))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("Enter the purpose of your access."));
    assert!(r.text().contains(reason));

    // Reviewed: it leaves the list.
    let body = format!("note={}&csrf={csrf}", enc("Обосновано, проверено"));
    let r = app.send(form_post(&action, &body, Some("lang=en"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header(header::LOCATION), "/break-glass");
    let text = app.get("/break-glass?lang=en").await.text();
    assert!(!text.contains(reason));
    assert!(text.contains("There are no emergency accesses waiting for review."));
}

#[tokio::test]
async fn families_export_as_csv_within_the_account_s_territory() {
    let app = app().await;
    let district = [grant(AccessRole::SocialWorker, "113800000")];
    add_staff(&app.services, "district.worker", "Аудандық қызметкер", &district, &[]).await;
    let worker = session_of(&app.services, "district.worker").await;
    let r = get_as(&app, "/api/v1/territories/110000000/families.csv", &worker).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header(header::CONTENT_TYPE), "text/csv; charset=utf-8");
    assert_eq!(
        r.header(header::CONTENT_DISPOSITION),
        "attachment; filename=\"families-110000000.csv\""
    );
    assert_eq!(r.header(header::CACHE_CONTROL), "no-store");
    let text = r.text();
    let body = text.strip_prefix('\u{feff}').expect("a byte order mark first");
    let lines: Vec<&str> = body.split_terminator("\r\n").collect();
    assert_eq!(lines[0], "id,territory,settlement_type,head,member_count");
    // Exactly the district's families, in (territory, id) order, as the listing has them.
    let listed = get_as(&app, "/api/v1/territories/113800000/families", &worker).await.json();
    let listed: Vec<String> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let head = i["head"]["full"].as_str().unwrap_or_default();
            format!(
                "{},{},{},{head},{}",
                i["id"],
                i["territory"].as_str().unwrap(),
                i["settlement_type"].as_str().unwrap(),
                i["member_count"]
            )
        })
        .collect();
    assert_eq!(listed.len(), 4);
    assert_eq!(lines[1..], listed[..]);
    assert!(lines[1..].iter().all(|l| l.split(',').nth(1).unwrap().starts_with("1138")));

    // A school specialist reads families but may not export them; without a session, 401.
    let school = [RoleGrant {
        role: AccessRole::SchoolSpecialist,
        agency: AgencyCode::parse("education").unwrap(),
        territory: kato("113800000"),
    }];
    add_staff(&app.services, "school.specialist", "Мектеп маманы", &school, &[]).await;
    let specialist = session_of(&app.services, "school.specialist").await;
    let r = get_as(&app, "/api/v1/territories/113800000/families.csv", &specialist).await;
    assert_eq!((r.status, r.error_code().as_str()), (StatusCode::FORBIDDEN, "access.denied"));
    let r = app.get_anon("/api/v1/territories/113800000/families.csv").await;
    assert_eq!((r.status, r.error_code().as_str()), (StatusCode::UNAUTHORIZED, "auth.required"));
}

const ADMIN: &str = "test.admin";

/// Adds an administrator to `app`; their session cookie and the CSRF token of their pages.
async fn admin_of(app: &App) -> (String, String) {
    let admin = RoleGrant {
        role: AccessRole::Administrator,
        agency: AgencyCode::parse("admin").unwrap(),
        territory: kato("110000000"),
    };
    add_staff(&app.services, ADMIN, "Әкімші Тестов", &[admin], &[]).await;
    let session = session_of(&app.services, ADMIN).await;
    let page = get_as(app, "/admin/users?lang=en", &session).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let csrf = hidden_csrf(&page.text());
    (session, csrf)
}

/// What `session` gets for family 1 through the API.
async fn reads_family_1(app: &App, session: &str) -> StatusCode {
    get_as(app, "/api/v1/families/1", session).await.status
}

#[tokio::test]
async fn administrators_add_accounts_and_grant_roles() {
    let app = app().await;
    let r = app.get_anon("/admin/users").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.header(header::LOCATION).starts_with("/sign-in?next="), "{:?}", r.headers);
    let (admin, csrf) = admin_of(&app).await;
    let page = get_as(&app, "/admin/users?lang=en", &admin).await.text();
    assert!(page.contains("href=\"/admin/users\""), "the header links here");
    assert!(page.contains(SUPERVISOR) && page.contains("Supervisor"), "{page}");
    assert!(page.contains("autocomplete=\"new-password\""));

    // A weak password is refused with its reason, at its field; nothing is created.
    for (login, password, message) in [
        ("new.worker", "short", "at least 12 characters"),
        ("new.worker.long", "new.worker.long", "must not be the sign-in name"),
    ] {
        let body = format!("csrf={csrf}&login={login}&name=Jan&password={password}");
        let r = post_as(&app, "/admin/users/add", &body, &admin).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let text = r.text();
        assert!(text.contains(message), "{text}");
        assert!(text.contains("href=\"#add-password\"") && text.contains("aria-invalid=\"true\""));
        assert!(text.contains(&format!("value=\"{login}\"")), "the login is kept");
        assert!(app.services.users().find(login).await.is_err());
    }

    let body = format!(
        "csrf={csrf}&login=new.worker&name={}&password={}",
        enc("Жаңа Қызметкер"),
        enc(PASSWORD)
    );
    let r = post_as(&app, "/admin/users/add", &body, &admin).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.header(header::LOCATION), "/admin/users?done=added");
    let page = get_as(&app, "/admin/users?done=added&lang=en", &admin).await.text();
    assert!(page.contains("The account was added.") && page.contains("Жаңа Қызметкер"));
    let r = post_as(&app, "/admin/users/add", &body, &admin).await;
    assert!(r.text().contains("already exists"), "{}", r.text());

    // Without a role the account reads nothing; with one, its territory.
    let worker = session_of(&app.services, "new.worker").await;
    assert_eq!(reads_family_1(&app, &worker).await, StatusCode::FORBIDDEN);
    let grant = format!(
        "csrf={csrf}&login=new.worker&role=social_worker&agency=social&territory=113800000"
    );
    let r = post_as(&app, "/admin/users/grant", &grant, &admin).await;
    assert_eq!(r.header(header::LOCATION), "/admin/users?done=granted", "{}", r.text());
    assert_eq!(reads_family_1(&app, &worker).await, StatusCode::OK);
    let page = get_as(&app, "/admin/users?lang=en", &admin).await.text();
    assert!(
        page.contains("Social worker <code lang=\"en\">social_worker/social@113800000</code>"),
        "{page}"
    );
    // A bad territory or agency says what is wrong.
    let bad = grant.replace("113800000", "1138");
    let r = post_as(&app, "/admin/users/grant", &bad, &admin).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("9 digits") && r.text().contains("href=\"#grant-territory\""));
    let r =
        post_as(&app, "/admin/users/grant", &grant.replace("new.worker", "nobody"), &admin).await;
    assert!(r.text().contains("There is no account with the sign-in name"), "{}", r.text());

    // Categories.
    let body = format!("csrf={csrf}&login=new.worker&category=violence&action=grant");
    let r = post_as(&app, "/admin/users/category", &body, &admin).await;
    assert_eq!(r.header(header::LOCATION), "/admin/users?done=category-granted");
    assert!(
        get_as(&app, "/admin/users?lang=en", &admin).await.text().contains("Domestic violence")
    );
    let body = body.replace("grant", "revoke");
    let r = post_as(&app, "/admin/users/category", &body, &admin).await;
    assert_eq!(r.header(header::LOCATION), "/admin/users?done=category-revoked");

    // Revoking the role takes the territory away.
    let r = post_as(&app, "/admin/users/revoke", &grant, &admin).await;
    assert_eq!(r.header(header::LOCATION), "/admin/users?done=revoked");
    let worker = session_of(&app.services, "new.worker").await;
    assert_eq!(reads_family_1(&app, &worker).await, StatusCode::FORBIDDEN);

    // Signing out everywhere ends the account's sessions.
    let body = format!("csrf={csrf}&login=new.worker");
    let r = post_as(&app, "/admin/users/sign-out", &body, &admin).await;
    assert_eq!(r.header(header::LOCATION), "/admin/users?done=signed-out");
    assert_eq!(reads_family_1(&app, &worker).await, StatusCode::UNAUTHORIZED);

    // A new password: the old one no longer works.
    let body = format!("csrf={csrf}&login=new.worker&password=short");
    let r = post_as(&app, "/admin/users/password", &body, &admin).await;
    assert!(r.text().contains("at least 12 characters"));
    let new_password = "жаңа құпиясөз 2026";
    let body = format!("csrf={csrf}&login=new.worker&password={}", enc(new_password));
    let r = post_as(&app, "/admin/users/password", &body, &admin).await;
    assert_eq!(r.header(header::LOCATION), "/admin/users?done=password");
    let sign_in = app.services.sign_in();
    let today = app.services.today();
    assert!(sign_in.sign_in("new.worker", PASSWORD, "test", "t", today).await.is_err());
    assert!(sign_in.sign_in("new.worker", new_password, "test", "t", today).await.is_ok());
}

#[tokio::test]
async fn only_administrators_administer_and_only_with_the_form_token() {
    let app = app().await;
    let (admin, csrf) = admin_of(&app).await;
    // The supervisor of the harness: no link, 403 on every page and form, nothing changes.
    let home = app.get("/?lang=en").await.text();
    assert!(!home.contains("/admin/users"));
    let own_csrf = hidden_csrf(&home);
    for uri in ["/admin/users?lang=en", "/admin/tokens?lang=en"] {
        let r = app.get(uri).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri}");
        assert!(r.text().contains("Only administrators"), "{}", r.text());
    }
    let session = app.session.clone().unwrap();
    for (uri, body) in [
        ("/admin/users/add", format!("login=intruder&name=X&password={}", enc(PASSWORD))),
        (
            "/admin/users/grant",
            format!("login={SUPERVISOR}&role=administrator&agency=admin&territory=110000000"),
        ),
        ("/admin/users/category", format!("login={SUPERVISOR}&category=violence&action=grant")),
        ("/admin/users/password", format!("login={ADMIN}&password={}", enc("another long one 77"))),
        ("/admin/users/sign-out", format!("login={ADMIN}")),
        ("/admin/tokens/issue", "name=mine&source=income&territory=110000000&days=30".to_owned()),
    ] {
        let r = post_as(&app, uri, &format!("csrf={own_csrf}&{body}"), &session).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri}: {}", r.text());
        assert!(r.text().contains("Only administrators"), "{uri}");
    }
    let users = app.services.users();
    assert!(users.find("intruder").await.is_err());
    let supervisor = users.find(SUPERVISOR).await.unwrap();
    assert!(supervisor.roles.iter().all(|g| g.role != AccessRole::Administrator));
    assert!(supervisor.categories.is_empty());
    let system = AccessContext::system("test", "t");
    assert!(app.services.tokens().list(&system).await.unwrap().is_empty());
    assert_eq!(get_as(&app, "/admin/users", &admin).await.status, StatusCode::OK, "still in");

    // An administrator's form without its token, or with another's, changes nothing.
    let body = format!("login=intruder&name=X&password={}", enc(PASSWORD));
    for token in ["", "csrf=wrong&", &format!("csrf={own_csrf}&")] {
        let r = post_as(&app, "/admin/users/add", &format!("{token}{body}"), &admin).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{token}");
        assert!(r.text().contains("Nothing was changed"));
    }
    let r = post_as(&app, "/admin/tokens/issue", "name=x&source=income&days=3", &admin).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(users.find("intruder").await.is_err());
    assert!(app.services.tokens().list(&system).await.unwrap().is_empty());
    // With it, it works.
    let r = post_as(&app, "/admin/users/add", &format!("csrf={csrf}&{body}"), &admin).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn administrators_issue_tokens_shown_once_and_revoke_them() {
    let app = app().await;
    let (admin, csrf) = admin_of(&app).await;
    let page = get_as(&app, "/admin/tokens?lang=en", &admin).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("No token has been issued yet."));

    for (body, message) in [
        ("name=tax-okrug&territory=113820000&days=30", "Choose at least one source."),
        ("name=tax-okrug&source=income&territory=113820000&days=0", "1 to 366 days"),
        ("name=tax okrug&source=income&territory=113820000&days=30", "A token name has"),
        ("name=tax-okrug&source=income&territory=11&days=30", "9 digits"),
    ] {
        let r = post_as(&app, "/admin/tokens/issue", &format!("csrf={csrf}&{body}"), &admin).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(r.text().contains(message), "{body}: {}", r.text());
    }

    let body = format!("csrf={csrf}&name=tax-okrug&source=income&territory=113820000&days=30");
    let r = post_as(&app, "/admin/tokens/issue", &body, &admin).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.header(header::CACHE_CONTROL), "no-store");
    let text = r.text();
    assert!(text.contains("It will not be shown again"), "{text}");
    let secret = text
        .split("id=\"token-value\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_owned();
    assert_eq!(secret.len(), 64, "{secret}");
    // The list shows the token, never its value.
    let list = get_as(&app, "/admin/tokens?lang=en", &admin).await.text();
    assert!(list.contains("tax-okrug") && list.contains("113820000") && list.contains("Never"));
    assert!(!list.contains(&secret));
    let r = post_as(&app, "/admin/tokens/issue", &body, &admin).await;
    assert!(r.text().contains("A token with this name already exists."));

    // The token uploads.
    let csv = "IIN,Last name,First name,Birth date,KATO,Period start,Period end,Income source,Amount\n\
               791028302728,Серіков,Серік,1979-10-28,113820100,2026-10-01,,wage,250000\n";
    let upload = || {
        let req = Request::post("/api/v1/feeds/income/batches?lang=en")
            .header("x-file-name", "wages.csv")
            .header(header::AUTHORIZATION, format!("Bearer {secret}"));
        app.send_anon(req.body(Body::from(csv)).unwrap())
    };
    let r = upload().await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert!(!get_as(&app, "/admin/tokens?lang=en", &admin).await.text().contains(">Never<"));

    // Revoked, it is marked so and uploads no more.
    let r =
        post_as(&app, "/admin/tokens/revoke", &format!("csrf={csrf}&name=tax-okrug"), &admin).await;
    assert_eq!(r.header(header::LOCATION), "/admin/tokens?done=token-revoked");
    let page = get_as(&app, "/admin/tokens?done=token-revoked&lang=en", &admin).await.text();
    assert!(page.contains("The token was revoked."));
    assert!(!page.contains("action=\"/admin/tokens/revoke\""), "no button for a revoked token");
    let system = AccessContext::system("test", "t");
    let tokens = app.services.tokens().list(&system).await.unwrap();
    assert!(tokens[0].revoked_at.is_some());
    assert_eq!(upload().await.status, StatusCode::FORBIDDEN);

    // In Kazakh and Russian, codes and values in Latin letters are marked as such.
    for lang in ["kk", "ru"] {
        for page in ["/admin/users", "/admin/tokens"] {
            let html = get_as(&app, &format!("{page}?lang={lang}"), &admin).await.text();
            let mut unmarked = unmarked_latin_words(&html);
            unmarked.remove("AGPL");
            assert_eq!(unmarked, BTreeSet::new(), "{page}?lang={lang}");
        }
    }
}
