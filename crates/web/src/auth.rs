//! Who is asking: the session cookie, resumed on every request, and the request's id.
//!
//! [`resume_session`] runs around every route. It reads the session cookie, resumes the session
//! through the application layer (which checks the idle and absolute timeouts and gives the
//! session a new id when the account's privileges changed), and leaves a [`Session`] and a
//! [`RequestId`] in the request's extensions. A rotated session's cookie is sent again; an ended
//! one is cleared. Handlers that need a signed-in user take [`ApiUser`] (JSON errors) or read
//! the [`Session`] themselves (pages). On the routes of [`RESUMED_BY_HANDLER`] the session is
//! left pending ([`PendingSession`], taken through [`ApiSession`]) for the handler to resume
//! together with its own read; the cookie is then dealt with from what that found.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request, State};
use axum::http::header::{COOKIE, HeaderName, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use shanyraq_app::accounts::{Secret, SignInError, SignedIn, same_secret};
use shanyraq_app::authz::{AccessContext, Purpose};
use shanyraq_app::{AppError, Services};

use crate::WebConfig;
use crate::error::ApiError;
use crate::state::AppState;

/// The header that carries the request's id back to the client, to quote when reporting a
/// problem; the same id is in the server's log and in audit entries.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The header through which API clients state the purpose of an access.
pub const PURPOSE_HEADER: HeaderName = HeaderName::from_static("x-purpose");

/// A random id for one request: joins its log lines and its audit entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

impl RequestId {
    /// Sixteen hexadecimal digits, unique in this process and, with a random start per
    /// process, across servers in practice. Not a secret: it only joins log lines and audit
    /// entries, so no random number is drawn per request.
    fn generate() -> RequestId {
        static NEXT: std::sync::LazyLock<std::sync::atomic::AtomicU64> =
            std::sync::LazyLock::new(|| {
                let start = Secret::generate()
                    .ok()
                    .and_then(|s| u64::from_str_radix(&s.expose()[..16], 16).ok())
                    .unwrap_or_else(|| {
                        std::time::SystemTime::now()
                            .duration_since(std::time::UNIX_EPOCH)
                            .map_or(0, |d| d.as_nanos() as u64)
                    });
                std::sync::atomic::AtomicU64::new(start)
            });
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // Spread consecutive numbers over all digits, so that ids do not read as a count.
        RequestId(format!("{:016x}", mix(n)))
    }
}

/// A bijection on 64-bit numbers (the finaliser of SplitMix64): distinct in, distinct out.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The request's session, as [`resume_session`] found it.
#[derive(Debug, Clone)]
pub enum Session {
    /// No session cookie, or one that names no live session.
    Anonymous {
        /// A session cookie came with the request, but its session has ended.
        expired: bool,
    },
    SignedIn(Arc<SignedIn>),
    /// The session could not be checked (the database is away): nobody is signed in, and pages
    /// that need somebody say the service has a problem.
    Unavailable(ApiError),
}

impl Session {
    pub fn viewer(&self) -> Option<&Arc<SignedIn>> {
        match self {
            Session::SignedIn(s) => Some(s),
            _ => None,
        }
    }
}

/// Routes whose handler resumes the session in the same trip to the store as it reads its data
/// (matched route templates, GET only): the family card, read on every visit, costs one trip
/// instead of two. Every other route has its session resumed before the handler runs.
const RESUMED_BY_HANDLER: &[&str] = &["/api/v1/families/{id}"];

/// A session cookie not resumed yet, and what resuming it found once it has been: on the routes
/// of [`RESUMED_BY_HANDLER`], the request carries this instead of a [`Session`].
#[derive(Debug, Clone)]
pub struct PendingSession {
    secret: Secret,
    request_id: RequestId,
    settled: Arc<OnceLock<(Session, CookieChange)>>,
}

/// What to do with the session cookie in the response: `Some(Some(v))` send a new value,
/// `Some(None)` clear it, `None` leave it.
type CookieChange = Option<Option<String>>;

impl PendingSession {
    /// The cookie's secret, for a use case that resumes the session with its own read.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// Keeps what resuming the session gave, for the handler and for the response's cookie;
    /// the first answer stands. The session as the rest of the request sees it.
    pub fn settle(&self, resumed: Result<SignedIn, AppError>) -> Session {
        self.settled.get_or_init(|| settled(resumed)).0.clone()
    }

    /// The session, resumed now unless it already was.
    pub async fn session(&self, services: &Services) -> Session {
        if let Some((session, _)) = self.settled.get() {
            return session.clone();
        }
        let today = services.today();
        self.settle(services.sign_in().resume(&self.secret, today, &self.request_id.0).await)
    }

    /// The signed-in user, resumed now unless already; the API's 401 otherwise.
    pub async fn user(&self, services: &Services) -> Result<ApiUser, ApiError> {
        ApiUser::from_session(&self.session(services).await, &self.request_id)
    }

    /// The request's id, for the use case's audit entry.
    pub fn request_id(&self) -> &str {
        &self.request_id.0
    }

    /// The answer of a use case that resumed the session itself (with the secret and request id
    /// of this one) together with its own read: the session is kept for the response's cookie;
    /// a session that has ended, or could not be checked, is the API's refusal.
    pub async fn resumed_with<T>(
        &self,
        read: impl Future<Output = Result<(SignedIn, Result<T, AppError>), AppError>>,
    ) -> Result<T, ApiError> {
        match read.await {
            Ok((signed_in, answer)) => {
                self.settle(Ok(signed_in));
                Ok(answer?)
            }
            Err(e) => Err(not_signed_in(&self.settle(Err(e)))),
        }
    }

    fn cookie_change(&self) -> CookieChange {
        self.settled.get().and_then(|(_, change)| change.clone())
    }
}

/// What the page header shows about the signed-in user.
#[derive(Debug, Clone)]
pub struct HeaderUser {
    pub name: String,
    pub csrf_token: String,
    /// Reviews emergency accesses: the header links to the list.
    pub supervisor: bool,
    /// Administers accounts and tokens: the header links to the administration pages.
    pub administrator: bool,
}

tokio::task_local! {
    /// The signed-in user of the request being answered, for the page header.
    static VIEWER: Option<Arc<SignedIn>>;
}

/// The signed-in user of the request being answered, when there is one. Built when a page asks
/// for it, so that API requests do not pay for it.
pub fn header_user() -> Option<HeaderUser> {
    let viewer = VIEWER.try_with(Clone::clone).ok().flatten()?;
    Some(HeaderUser {
        name: viewer.account.display_name.clone(),
        csrf_token: viewer.csrf_token.clone(),
        supervisor: viewer.principal.has_role(shanyraq_domain::access::Role::Supervisor),
        administrator: viewer.principal.has_role(shanyraq_domain::access::Role::Administrator),
    })
}

/// The cookie names: with `Secure`, the `__Host-` prefix binds them to this host and path.
pub fn session_cookie_name(config: &WebConfig) -> &'static str {
    if config.secure_cookies { "__Host-shanyraq-session" } else { "shanyraq-session" }
}

pub fn csrf_cookie_name(config: &WebConfig) -> &'static str {
    if config.secure_cookies { "__Host-shanyraq-csrf" } else { "shanyraq-csrf" }
}

/// A `Set-Cookie` value for `name`: HttpOnly, SameSite=Lax, Path=/, Secure when configured.
/// `value` `None` deletes the cookie.
pub fn set_cookie(config: &WebConfig, name: &str, value: Option<&str>) -> HeaderValue {
    let secure = if config.secure_cookies { "; Secure" } else { "" };
    let text = match value {
        Some(v) => format!("{name}={v}; Path=/; HttpOnly; SameSite=Lax{secure}"),
        None => format!("{name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}"),
    };
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

/// The value of the cookie `name`, the first when sent more than once.
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The address sign-in failures are counted under: the peer's IP address.
pub fn client_address(extensions: &axum::http::Extensions) -> String {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |ConnectInfo(addr)| addr.ip().to_string())
}

/// Resumes the session named by the cookie, if any, and answers the request with it.
pub async fn resume_session(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let request_id = RequestId::generate();
    let name = session_cookie_name(&state.config);
    let sent = cookie_value(req.headers(), name).map(str::to_owned);
    let mut pending = None;
    let (session, cookie) = match sent.as_deref().map(Secret::from_client) {
        None => (Session::Anonymous { expired: false }, None),
        // Not a value the server ever gave out.
        Some(None) => (Session::Anonymous { expired: true }, Some(None)),
        Some(Some(secret)) if resumed_by_handler(&req) => {
            let settled = Arc::default();
            pending = Some(PendingSession { secret, request_id: request_id.clone(), settled });
            // Nobody is signed in until the handler resumes the session.
            (Session::Anonymous { expired: false }, None)
        }
        Some(Some(secret)) => resume(&state.services, &secret, &request_id).await,
    };
    let viewer = session.viewer().cloned();
    // The request's span (see `router::with_common_layers`) carries the id into every log line.
    tracing::Span::current().record("id", request_id.0.as_str());
    if let Some(p) = &pending {
        req.extensions_mut().insert(p.clone());
    } else {
        req.extensions_mut().insert(session);
    }
    req.extensions_mut().insert(request_id.clone());
    let mut response = VIEWER.scope(viewer, next.run(req)).await;
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&request_id.0) {
        headers.insert(REQUEST_ID_HEADER, v);
    }
    // A handler that set the session cookie itself (signing in or out) has the last word.
    let handled = headers
        .get_all(SET_COOKIE)
        .iter()
        .any(|v| v.to_str().is_ok_and(|v| v.starts_with(&format!("{name}="))));
    let cookie = cookie.or_else(|| pending.and_then(|p| p.cookie_change()));
    if let Some(cookie) = cookie.filter(|_| !handled) {
        headers.append(SET_COOKIE, set_cookie(&state.config, name, cookie.as_deref()));
    }
    response
}

/// Records a request refused before any use case ran — a form without its CSRF token, an
/// empty or malformed purpose — as a denial by the signed-in account (or `anonymous`). The
/// refusal stands whatever happens to the record; a failure to write it goes to the log.
pub async fn record_refusal(
    state: &AppState,
    viewer: Option<&SignedIn>,
    request_id: &RequestId,
    action: &str,
    subject: &str,
) {
    let actor = viewer.map_or("anonymous", |v| v.principal.actor.as_str());
    if let Err(e) = state.services.record_refusal(actor, action, subject, &request_id.0).await {
        tracing::error!(code = e.code(), "a refusal could not be recorded: {e}");
    }
}

/// Whether the handler of `req`'s route resumes the session itself.
fn resumed_by_handler(req: &Request) -> bool {
    req.method() == axum::http::Method::GET
        && req
            .extensions()
            .get::<MatchedPath>()
            .is_some_and(|p| RESUMED_BY_HANDLER.contains(&p.as_str()))
}

/// The session behind `secret`, and what to do with its cookie.
async fn resume(
    services: &Services,
    secret: &Secret,
    request_id: &RequestId,
) -> (Session, CookieChange) {
    settled(services.sign_in().resume(secret, services.today(), &request_id.0).await)
}

/// The session resuming gave, and what to do with its cookie.
fn settled(resumed: Result<SignedIn, AppError>) -> (Session, CookieChange) {
    match resumed {
        Ok(s) => {
            let cookie = s.rotated.then(|| Some(s.cookie.expose().to_owned()));
            (Session::SignedIn(Arc::new(s)), cookie)
        }
        Err(AppError::SignIn(SignInError::SessionExpired)) => {
            (Session::Anonymous { expired: true }, Some(None))
        }
        Err(e) => (Session::Unavailable(ApiError::from(e)), None),
    }
}

/// A signed-in user of the API; without one the request is answered 401 `auth.required` (or
/// `auth.session_expired` when the session has ended).
#[derive(Debug, Clone)]
pub struct ApiUser {
    pub signed_in: Arc<SignedIn>,
    pub request_id: String,
}

impl ApiUser {
    /// The signed-in user of a resumed session; 401 `auth.required`, or `auth.session_expired`
    /// when the session has ended.
    fn from_session(session: &Session, request_id: &RequestId) -> Result<ApiUser, ApiError> {
        match session {
            Session::SignedIn(s) => {
                Ok(ApiUser { signed_in: s.clone(), request_id: request_id.0.clone() })
            }
            other => Err(not_signed_in(other)),
        }
    }

    /// The access context of this request, with the purpose the client stated.
    pub fn context(&self, purpose: Option<Purpose>) -> AccessContext {
        AccessContext::new(self.signed_in.principal.clone(), self.request_id.clone())
            .with_purpose(purpose)
    }

    /// Refuses accounts that are not staff (citizens), for data about the service itself.
    pub fn staff_only(&self) -> Result<(), ApiError> {
        if self.signed_in.account.kind == shanyraq_store::AccountKind::Staff {
            Ok(())
        } else {
            Err(access_denied())
        }
    }
}

/// The API's answer to a request without a signed-in user: 401 `auth.required`, or
/// `auth.session_expired` when the session has ended; the service's problem when the session
/// could not be checked.
fn not_signed_in(session: &Session) -> ApiError {
    match session {
        Session::Unavailable(e) => e.clone(),
        Session::Anonymous { expired: true } => {
            ApiError::new(StatusCode::UNAUTHORIZED, "auth.session_expired")
        }
        Session::Anonymous { expired: false } | Session::SignedIn(_) => {
            ApiError::new(StatusCode::UNAUTHORIZED, "auth.required")
        }
    }
}

pub fn access_denied() -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "access.denied")
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(pending) = parts.extensions.get::<PendingSession>() {
            return pending.user(&state.services).await;
        }
        let request_id = parts.extensions.get::<RequestId>().cloned();
        let request_id = request_id.unwrap_or_else(|| RequestId(String::new()));
        let anonymous = Session::Anonymous { expired: false };
        ApiUser::from_session(parts.extensions.get::<Session>().unwrap_or(&anonymous), &request_id)
    }
}

/// The session of a route whose handler may resume it with its own read
/// ([`RESUMED_BY_HANDLER`]): still pending when the request came with a session cookie, else
/// already resumed — or refused with 401 — as on every other route.
#[derive(Debug, Clone)]
pub enum ApiSession {
    Pending(PendingSession),
    Resumed(ApiUser),
}

impl FromRequestParts<AppState> for ApiSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match parts.extensions.get::<PendingSession>() {
            Some(pending) => Ok(ApiSession::Pending(pending.clone())),
            None => ApiUser::from_request_parts(parts, state).await.map(ApiSession::Resumed),
        }
    }
}

impl ApiSession {
    /// The signed-in user, resuming the session now if it is still pending.
    pub async fn user(&self, services: &Services) -> Result<ApiUser, ApiError> {
        match self {
            ApiSession::Pending(p) => p.user(services).await,
            ApiSession::Resumed(u) => Ok(u.clone()),
        }
    }
}

/// The purpose an API client stated: the `X-Purpose` header (UTF-8), else the `purpose` query
/// parameter. Stated but empty, too long or with control characters is a 400.
#[derive(Debug, Clone)]
pub struct ApiPurpose(pub Option<Purpose>);

impl FromRequestParts<AppState> for ApiPurpose {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let parsed = Self::parse(parts);
        if parsed.is_err() {
            let viewer = match parts.extensions.get::<PendingSession>() {
                // Whoever is not signed in hears that first, as on every other route.
                Some(pending) => Some(pending.user(&state.services).await?.signed_in),
                None => parts.extensions.get::<Session>().and_then(Session::viewer).cloned(),
            };
            let request_id = parts.extensions.get::<RequestId>().cloned();
            if let Some(id) = request_id {
                record_refusal(state, viewer.as_deref(), &id, "request.purpose", "purpose").await;
            }
        }
        parsed
    }
}

impl ApiPurpose {
    fn parse(parts: &Parts) -> Result<ApiPurpose, ApiError> {
        let header = parts
            .headers
            .get(PURPOSE_HEADER)
            .map(|v| std::str::from_utf8(v.as_bytes()).map(str::to_owned));
        let text = match header {
            Some(Ok(text)) => Some(text),
            Some(Err(_)) => {
                return Err(ApiError::bad_request("access.purpose_control").arg("field", "purpose"));
            }
            None => query_param(parts.uri.query(), "purpose"),
        };
        match text {
            None => Ok(ApiPurpose(None)),
            Some(text) => {
                Purpose::parse(&text).map(|p| ApiPurpose(Some(p))).map_err(ApiError::from)
            }
        }
    }
}

/// The decoded value of `name` in a query string, the first when given more than once.
pub fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded_pairs(query.unwrap_or_default());
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

fn serde_urlencoded_pairs(query: &str) -> Vec<(String, String)> {
    let uri = format!("/?{query}");
    uri.parse::<axum::http::Uri>()
        .ok()
        .and_then(|u| axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&u).ok())
        .map(|q| q.0)
        .unwrap_or_default()
}

/// Compares a token a form sent back with the one expected, in constant time; an empty or
/// missing token never matches.
pub fn csrf_matches(sent: Option<&str>, expected: Option<&str>) -> bool {
    match (sent, expected) {
        (Some(a), Some(b)) if !a.is_empty() && !b.is_empty() => same_secret(a, b),
        _ => false,
    }
}

/// Percent-encodes `text` for a query value.
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `next` when it is a path on this site (one leading `/`, not `//` or `/\`), else `/`.
pub fn local_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.chars().any(|c| c.is_control() || c == '\\') =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_sixteen_hex_digits_and_do_not_repeat() {
        let ids: Vec<String> = (0..10_000).map(|_| RequestId::generate().0).collect();
        assert!(ids.iter().all(|id| id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit())));
        let distinct: std::collections::HashSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len());
        // Consecutive ids differ in more than their last digits.
        assert_ne!(ids[0][..8], ids[1][..8]);
    }

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(local_next(Some("/families/3?lang=ru")), "/families/3?lang=ru");
        for bad in ["//evil.example", "https://evil.example/", "/\\evil.example", "", "x", "/a\nb"]
        {
            assert_eq!(local_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(local_next(None), "/");
    }

    #[test]
    fn query_values_are_decoded_and_tokens_compared() {
        assert_eq!(
            query_param(Some("a=1&purpose=%D0%B2%D0%B8%D0%B7%D0%B8%D1%82+1"), "purpose"),
            Some("визит 1".into())
        );
        assert_eq!(query_param(Some("a=1"), "purpose"), None);
        assert!(csrf_matches(Some("abc"), Some("abc")));
        assert!(!csrf_matches(Some(""), Some("")));
        assert!(!csrf_matches(None, Some("abc")));
        assert!(!csrf_matches(Some("abd"), Some("abc")));
        assert_eq!(url_encode("/families/3?lang=ru&x=é"), "/families/3%3Flang%3Dru%26x%3D%C3%A9");
    }
}
