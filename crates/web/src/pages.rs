//! Server-rendered pages: the start page, the family page, the API reference and the error
//! pages, in kk/ru/en.
//! Plain HTML that works without JavaScript; the only asset is the stylesheet.

use askama::Template;
use axum::Extension;
use axum::extract::{OriginalUri, Path, Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue, LOCATION, SET_COOKIE};
use axum::http::{StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use shanyraq_app::AppError;
use shanyraq_app::authz::{AccessContext, Purpose};
use shanyraq_domain::FamilyId;
use shanyraq_domain::assessment::{Audience, explain, without_hidden};

use crate::api::parse_family_id;
use crate::assets;
use crate::auth::{self, HeaderUser, RequestId, Session, query_param, record_refusal, url_encode};
use crate::docs::DocsModel;
use crate::error::ApiError;
use crate::extract::ReqLang;
use crate::family_page::{AssessmentSection, AudienceChoice, Place, places};
use crate::i18n::{Tr, t, t_args};
use crate::lang::{Lang, lang_from_query};
use crate::state::AppState;

/// What every page's layout needs.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub lang: &'static str,
    pub tr: Tr,
    pub css: &'static str,
    pub icon: &'static str,
    pub langs: Vec<LangLink>,
    /// The signed-in user, for the header; `None` shows a sign-in link.
    pub user: Option<HeaderUser>,
}

/// One entry of the language switcher.
#[derive(Debug, Clone)]
pub struct LangLink {
    pub code: &'static str,
    pub name: &'static str,
    pub current: bool,
    /// The same page in this language.
    pub href: String,
}

impl Chrome {
    pub fn new(lang: Lang) -> Chrome {
        Chrome::keeping(lang, "")
    }

    /// The chrome of a page whose query `keep` (`audience=family`, without `lang`) the language
    /// switcher keeps.
    pub fn keeping(lang: Lang, keep: &str) -> Chrome {
        let prefix = if keep.is_empty() { String::new() } else { format!("{keep}&") };
        Chrome {
            lang: lang.code(),
            tr: Tr(lang),
            css: assets::css_href(),
            icon: assets::icon_href(),
            langs: Lang::ALL
                .into_iter()
                .map(|l| LangLink {
                    code: l.code(),
                    name: l.native_name(),
                    current: l == lang,
                    href: format!("?{prefix}lang={}", l.code()),
                })
                .collect(),
            user: auth::header_user(),
        }
    }
}

#[derive(Template)]
#[template(path = "index.html")]
struct StartPage {
    page: Chrome,
}

#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFoundPage {
    page: Chrome,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Chrome,
}

#[derive(Template)]
#[template(path = "family.html")]
struct FamilyPage {
    page: Chrome,
    heading: String,
    places: Vec<Place>,
    audience: AudienceChoice,
    assessment: Option<AssessmentSection>,
    /// Who looked at the family's data; the page itself decides who may see it.
    access_log_href: String,
}

#[derive(Template)]
#[template(path = "docs.html")]
struct DocsPage<'a> {
    page: Chrome,
    docs: &'a DocsModel,
}

pub fn html(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(body) => {
            let mut response = (status, body).into_response();
            let headers = response.headers_mut();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "page failed to render");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `GET /`: what Shanyraq is, and where the API is described.
pub async fn start(ReqLang(lang): ReqLang) -> Response {
    html(StatusCode::OK, &StartPage { page: Chrome::new(lang) })
}

/// `GET /api/docs`: the API reference, rendered on the server from the OpenAPI document.
pub async fn docs(State(state): State<AppState>, ReqLang(lang): ReqLang) -> Response {
    html(StatusCode::OK, &DocsPage { page: Chrome::new(lang), docs: &state.docs })
}

/// `GET /families/{id}`: the family's number, where it lives, and its well-being level
/// explained; `?audience=family` words the explanation for the family itself.
///
/// Only for a signed-in user who may read the family: others are sent to sign in, or told that
/// the family does not exist or may not be opened (the same words for both). A family whose
/// record holds sensitive facts the user may see asks first why they open it (`?purpose=`).
pub async fn family(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    OriginalUri(uri): OriginalUri,
    Extension(session): Extension<Session>,
    Extension(request_id): Extension<RequestId>,
    id: Path<String>,
) -> Response {
    let Ok(id) = parse_family_id(&id) else { return not_found_page(lang) };
    let viewer = match viewer_or_sign_in(&session, lang, &uri) {
        Ok(v) => v,
        Err(answer) => return *answer,
    };
    let query = uri.query().unwrap_or_default();
    let audience = if query_value(query, "audience") == Some("family") {
        Audience::Family
    } else {
        Audience::Worker
    };
    let stated = query_param(Some(query), "purpose");
    let purpose = match stated.as_deref().map(Purpose::parse).transpose() {
        Ok(p) => p,
        Err(e) => {
            let subject = format!("family:{id}");
            record_refusal(&state, Some(&viewer), &request_id, "family.read", &subject).await;
            let form = PurposeForm::new(lang, id, audience, stated, Some(ApiError::from(e)));
            return html(StatusCode::BAD_REQUEST, &form);
        }
    };
    let ctx = AccessContext::new(viewer.principal.clone(), request_id.0).with_purpose(purpose);
    let result = async {
        let card = state.services.read_family(&ctx, id).await?;
        let visible = card.allowed.visible;
        let record = card.record;
        let places =
            match state.territories.get(&state.services, record.family.address.territory).await? {
                Some(t) => {
                    places(&t, &state.territories.ancestry(&state.services, &t).await?, lang)
                }
                None => Vec::new(),
            };
        let assessment = state.services.assessment(id).await?.map(|view| {
            let e = explain(&view.assessment, &view.methodology, lang.into(), audience);
            let e = without_hidden(e, &view.methodology, visible, audience);
            AssessmentSection::new(&view, &e, lang)
        });
        Ok::<_, AppError>((places, assessment))
    }
    .await;
    let (places, assessment) = match result {
        Ok(found) => found,
        Err(AppError::Denied { .. } | AppError::NotFound { .. }) => {
            return crate::break_glass::family_denied(lang, id, &viewer);
        }
        Err(AppError::PurposeRequired) => {
            let form = PurposeForm::new(lang, id, audience, None, None);
            return html(StatusCode::PRECONDITION_REQUIRED, &form);
        }
        Err(e) => return error_page(lang, &ApiError::from(e)),
    };
    // The links to the other wording and language keep the purpose stated.
    let mut keep = Vec::new();
    if audience == Audience::Family {
        keep.push("audience=family".to_owned());
    }
    if let Some(p) = &ctx.purpose {
        keep.push(format!("purpose={}", url_encode(p.as_str())));
    }
    let purpose_query = ctx.purpose.as_ref().map(|p| format!("purpose={}", url_encode(p.as_str())));
    let page = FamilyPage {
        page: Chrome::keeping(lang, &keep.join("&")),
        heading: t_args(lang, "family-heading", &[("id", id.to_string())]),
        places,
        audience: AudienceChoice::new(id.0, audience, purpose_query.as_deref()),
        assessment,
        access_log_href: format!("/families/{id}/access-log"),
    };
    html(StatusCode::OK, &page)
}

/// The signed-in viewer of a page that needs one; otherwise the answer to give instead: the
/// sign-in page (which comes back to `uri`), or the error page when the session could not be
/// checked.
pub fn viewer_or_sign_in(
    session: &Session,
    lang: Lang,
    uri: &Uri,
) -> Result<std::sync::Arc<shanyraq_app::accounts::SignedIn>, Box<Response>> {
    match session {
        Session::SignedIn(s) => Ok(s.clone()),
        Session::Unavailable(e) => Err(Box::new(error_page(lang, e))),
        Session::Anonymous { .. } => Err(Box::new(to_sign_in(uri))),
    }
}

/// 303 to the sign-in page, which comes back to `uri` afterwards.
pub fn to_sign_in(uri: &Uri) -> Response {
    let back = uri.path_and_query().map_or("/", |p| p.as_str());
    redirect(&format!("/sign-in?next={}", url_encode(back)))
}

/// 303 See Other to `location` (a path on this site).
pub fn redirect(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        response.headers_mut().insert(LOCATION, v);
    }
    response
}

/// The form that asks why a user opens a family's sensitive facts.
#[derive(Template)]
#[template(path = "purpose.html")]
struct PurposeForm {
    page: Chrome,
    heading: String,
    action: String,
    audience_family: bool,
    value: String,
    error: Option<String>,
}

impl PurposeForm {
    fn new(
        lang: Lang,
        id: FamilyId,
        audience: Audience,
        value: Option<String>,
        error: Option<ApiError>,
    ) -> PurposeForm {
        PurposeForm {
            page: Chrome::keeping(
                lang,
                if audience == Audience::Family { "audience=family" } else { "" },
            ),
            heading: t_args(lang, "family-heading", &[("id", id.to_string())]),
            action: format!("/families/{id}"),
            audience_family: audience == Audience::Family,
            value: value.unwrap_or_default(),
            error: error.map(|e| e.message(lang)),
        }
    }
}

/// A page with a heading and a paragraph, for refusals.
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub page: Chrome,
    pub heading: String,
    pub text: String,
}

/// 403: the family does not exist or the user may not open it; the same words for both.
pub fn denied_page(lang: Lang) -> Response {
    let page = MessagePage {
        page: Chrome::new(lang),
        heading: t(lang, "denied-heading"),
        text: t(lang, "err-access-denied"),
    };
    html(StatusCode::FORBIDDEN, &page)
}

/// 403: a form came without the token it should carry; nothing was changed.
pub fn csrf_page(lang: Lang) -> Response {
    let page = MessagePage {
        page: Chrome::new(lang),
        heading: t(lang, "csrf-heading"),
        text: t(lang, "err-auth-csrf"),
    };
    html(StatusCode::FORBIDDEN, &page)
}

/// The value of `name` in a query string, when it is there once or more (the first counts).
fn query_value<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query.split('&').filter_map(|pair| pair.split_once('=')).find(|(k, _)| *k == name).map(|p| p.1)
}

/// A page saying the service has a problem, with the status of `error` (500 or 503). The
/// details are in the server's log already.
pub fn error_page(lang: Lang, error: &ApiError) -> Response {
    html(error.status, &ErrorPage { page: Chrome::new(lang) })
}

/// `GET /assets/{file}`.
pub async fn asset(ReqLang(lang): ReqLang, file: Path<String>) -> Response {
    assets::asset(file).unwrap_or_else(|| not_found_page(lang))
}

pub fn not_found_page(lang: Lang) -> Response {
    html(StatusCode::NOT_FOUND, &NotFoundPage { page: Chrome::new(lang) })
}

fn is_api(uri: &Uri) -> bool {
    let path = uri.path();
    path == "/api" || path.starts_with("/api/") || path == "/health"
}

/// Unknown paths: JSON under `/api`, a page elsewhere.
pub async fn fallback(ReqLang(lang): ReqLang, OriginalUri(uri): OriginalUri) -> Response {
    if is_api(&uri) { ApiError::route_not_found().into_response() } else { not_found_page(lang) }
}

/// A known path with a method it does not take. Reads the original URI: inside the nested
/// `/api/v1` router the path is shortened.
pub async fn method_not_allowed(ReqLang(lang): ReqLang, OriginalUri(uri): OriginalUri) -> Response {
    if is_api(&uri) {
        return ApiError::method_not_allowed().into_response();
    }
    let mut response =
        (StatusCode::METHOD_NOT_ALLOWED, t(lang, "method-not-allowed")).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}

/// Remembers a language chosen with `?lang=` in a cookie, so that the choice holds on every
/// page after it.
pub async fn remember_lang(req: Request, next: Next) -> Response {
    let chosen = req.uri().query().and_then(lang_from_query);
    let mut response = next.run(req).await;
    if let Some(lang) = chosen {
        let cookie = format!("lang={lang}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly");
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(SET_COOKIE, v);
        }
    }
    response
}
