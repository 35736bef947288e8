//! The JSON API under `/api/v1`, `/health` and the OpenAPI document.

pub mod access_log;
pub mod assessment;
pub mod batches;
pub mod cursor;
pub mod dto;
pub mod export;
pub mod openapi;
pub mod uploads;

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shanyraq_app::services::MAX_PAGE;
use shanyraq_domain::dates::dotted;
use shanyraq_domain::iin::{IinMismatch, IinStructureWarning};
use shanyraq_domain::{FamilyId, Iin, Kato, Person, Sex};

use crate::auth::{ApiPurpose, ApiSession, ApiUser};
use crate::error::{ApiError, ErrorBody};
use crate::extract::ReqLang;
use crate::i18n;
use crate::lang::Lang;
use crate::state::AppState;
use dto::{
    FamilyListItem, FamilyListPage, FamilyView, HealthView, IinWarning, MemberView,
    ObservationView, PersonDetail, PersonMembershipView, PersonView, TerritoryView,
};

/// The page size when the client names none.
pub const DEFAULT_LIMIT: u32 = 50;

type ApiResult<T> = Result<Json<T>, ApiError>;

/// Whether the service is up and its database answers at the schema this build needs.
#[utoipa::path(
    get,
    path = "/health",
    tag = "service",
    responses(
        (status = 200, description = "Up; the database answers at the expected schema version.",
            body = HealthView),
        (status = 503, description = "The database cannot be reached or its schema is not the \
            one this build needs (`unavailable`, `store.schema_too_old`, `store.schema_too_new`).",
            body = ErrorBody),
    )
)]
pub async fn health(State(state): State<AppState>) -> Response {
    let result = match state.services.health().await {
        Ok(h) if h.schema_version < h.supported_schema_version => {
            Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "store.schema_too_old"))
        }
        Ok(h) if h.schema_version > h.supported_schema_version => {
            Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "store.schema_too_new"))
        }
        Ok(h) => Ok(Json(HealthView {
            status: "ok".to_owned(),
            schema_version: h.schema_version,
            supported_schema_version: h.supported_schema_version,
            backend: match h.backend {
                shanyraq_store::Backend::Sqlite => "sqlite",
                shanyraq_store::Backend::Postgres => "postgres",
            }
            .to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        })),
        Err(e) => {
            tracing::error!(code = e.code(), error = %e, "health check failed");
            Err(ApiError::unavailable())
        }
    };
    let mut response = result.into_response();
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Parameters of the territory listing. Both are text here so that a bad value gets our own
/// error rather than the framework's.
#[derive(Debug, Deserialize)]
pub struct ListParams {
    after: Option<String>,
    limit: Option<String>,
}

pub(crate) fn path_value(path: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    path.map(|Path(v)| v).map_err(|_| ApiError::bad_request("path.invalid"))
}

pub(crate) fn parse_kato(text: &str) -> Result<Kato, ApiError> {
    Ok(text.parse::<Kato>()?)
}

/// A family id: a whole number greater than 0.
pub fn parse_family_id(text: &str) -> Result<FamilyId, ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(FamilyId)
        .ok_or_else(|| ApiError::bad_request("family_id.invalid"))
}

/// A page size from 1 to `max`; [`DEFAULT_LIMIT`] when the client names none.
fn parse_limit(text: Option<&str>, max: u32) -> Result<u32, ApiError> {
    let Some(text) = text else { return Ok(DEFAULT_LIMIT) };
    text.parse::<u32>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .ok_or_else(|| ApiError::bad_limit(max))
}

/// A territory of the KATO tree with the territories above it.
#[utoipa::path(
    get,
    path = "/api/v1/territories/{kato}",
    tag = "territories",
    params(("kato" = String, Path, description = "KATO code, nine digits", example = "113820100")),
    responses(
        (status = 200, description = "The territory.", body = TerritoryView),
        (status = 400, description = "Not a KATO code (`kato.empty`, `kato.length`, \
            `kato.non_digit`, `kato.no_region`), or a path that is not UTF-8 (`path.invalid`).",
            body = ErrorBody),
        (status = 404, description = "No such territory (`not_found`).", body = ErrorBody),
    )
)]
pub async fn territory(
    State(state): State<AppState>,
    kato: Result<Path<String>, PathRejection>,
) -> ApiResult<TerritoryView> {
    let code = parse_kato(&path_value(kato)?)?;
    let t = state
        .territories
        .get(&state.services, code)
        .await?
        .ok_or_else(|| ApiError::not_found("territory", code))?;
    let ancestry = state.territories.ancestry(&state.services, &t).await?;
    Ok(Json(TerritoryView::new(&t, &ancestry)))
}

/// The families living anywhere in a territory's subtree, a page at a time.
///
/// Pages follow (territory code, family id) order and are stable: follow `next` until it is
/// `null` to see every family once.
#[utoipa::path(
    get,
    path = "/api/v1/territories/{kato}/families",
    tag = "territories",
    params(
        ("kato" = String, Path, description = "KATO code of the subtree's root", example = "110000000"),
        ("after" = Option<String>, Query,
            description = "The `next` value of the previous page; omit for the first page"),
        ("limit" = Option<u32>, Query, description = "Page size, 1–500; 50 when omitted",
            minimum = 1, maximum = 500),
    ),
    responses(
        (status = 200, description = "A page of families.", body = FamilyListPage),
        (status = 400, description = "A bad KATO code (`kato.empty`, `kato.length`, \
            `kato.non_digit`, `kato.no_region`), cursor (`cursor.invalid`) or page size \
            (`limit.invalid`); a query string that cannot be read, such as a parameter given \
            twice (`query.invalid`); a path that is not UTF-8 (`path.invalid`).", body = ErrorBody),
        (status = 403, description = "The account may list no family in this territory \
            (`access.denied`).", body = ErrorBody),
        (status = 404, description = "No such territory (`not_found`).", body = ErrorBody),
    )
)]
pub async fn families_in_territory(
    user: ApiUser,
    State(state): State<AppState>,
    kato: Result<Path<String>, PathRejection>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> ApiResult<FamilyListPage> {
    let root = parse_kato(&path_value(kato)?)?;
    let Query(params) = params.map_err(|_| ApiError::bad_request("query.invalid"))?;
    let limit = parse_limit(params.limit.as_deref(), MAX_PAGE)?;
    let after = params.after.as_deref().map(|c| cursor::decode(c, root)).transpose()?;
    let ctx = user.context(None);
    let (territory, page) = state.services.list_families(&ctx, root, after, limit).await?;
    let ancestry = state.territories.ancestry(&state.services, &territory).await?;
    Ok(Json(FamilyListPage {
        territory: TerritoryView::new(&territory, &ancestry),
        items: page.items.iter().map(FamilyListItem::from).collect(),
        next: page.next.map(cursor::encode),
        limit,
    }))
}

/// The family card: address, territory, members with their roles and dates, and the latest
/// fact per indicator with its source.
#[utoipa::path(
    get,
    path = "/api/v1/families/{id}",
    tag = "families",
    params(
        ("id" = i64, Path, description = "Family id, a positive integer", example = 42),
        ("purpose" = Option<String>, Query, description = "Why the family is opened, when its \
            card shows sensitive facts; the `X-Purpose` header (UTF-8) may carry it instead. \
            Recorded in the access log the family can see."),
    ),
    responses(
        (status = 200, description = "The family card. Facts of sensitive categories the \
            account is not granted are left out, not blanked.", body = FamilyView),
        (status = 400, description = "Not a family id (`family_id.invalid`), a path that is \
            not UTF-8 (`path.invalid`), or a stated purpose that is empty \
            (`access.purpose_empty`), longer than 500 characters (`access.purpose_long`) or \
            not one line of text (`access.purpose_control`).", body = ErrorBody),
        (status = 403, description = "No such family, or the account may not read it: the \
            two are not told apart (`access.denied`).", body = ErrorBody),
        (status = 428, description = "The card shows sensitive facts: state why you open it \
            in the X-Purpose header or the purpose parameter first \
            (`access.purpose_required`).", body = ErrorBody),
    )
)]
pub async fn family(
    session: ApiSession,
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    id: Result<Path<String>, PathRejection>,
    ApiPurpose(purpose): ApiPurpose,
) -> ApiResult<FamilyView> {
    let id = match path_value(id).and_then(|id| parse_family_id(&id)) {
        Ok(id) => id,
        Err(e) => {
            // Whoever is not signed in hears that first, as on every other route.
            session.user(&state.services).await?;
            return Err(e);
        }
    };
    let card = match session {
        // The session is resumed in the same trip to the store as the card is read.
        ApiSession::Pending(p) => {
            let read =
                state.services.read_family_in_session(p.secret(), p.request_id(), purpose, id);
            p.resumed_with(read).await?
        }
        ApiSession::Resumed(user) => state.services.read_family(&user.context(purpose), id).await?,
    };
    Ok(Json(family_view(&state, lang, &card.record).await?))
}

/// The card's JSON for a record already read (and already cut to what the reader may see).
pub(crate) async fn family_view(
    state: &AppState,
    lang: Lang,
    record: &shanyraq_store::FamilyRecord,
) -> Result<FamilyView, ApiError> {
    let code = record.family.address.territory;
    let territory = match state.territories.get(&state.services, code).await? {
        Some(t) => {
            let ancestry = state.territories.ancestry(&state.services, &t).await?;
            Some(TerritoryView::new(&t, &ancestry))
        }
        None => None,
    };
    let today = state.services.today();
    let members = record
        .members
        .iter()
        .map(|m| MemberView::new(&m.membership, person_view(&m.person, lang), today))
        .collect();
    let observations = record.latest_observations.iter().map(ObservationView::from).collect();
    Ok(FamilyView::new(&record.family, territory, members, observations))
}

/// A person by IIN, with the families they belong or belonged to.
#[utoipa::path(
    get,
    path = "/api/v1/persons/{iin}",
    tag = "persons",
    params(("iin" = String, Path, description = "IIN, twelve digits with a valid check digit",
        example = "791028302728")),
    responses(
        (status = 200, description = "The person, with the memberships of families the \
            account may search.", body = PersonDetail),
        (status = 400, description = "Not a valid IIN (`iin.length`, `iin.non_digit`, \
            `iin.check_digit`, `iin.unissuable`, `iin.empty`); the message says what is wrong. \
            A path that is not UTF-8 gets `path.invalid`.", body = ErrorBody),
        (status = 403, description = "No person with this IIN in a family the account may \
            search; an IIN nobody has is answered the same (`access.denied`).", body = ErrorBody),
    )
)]
pub async fn person(
    user: ApiUser,
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    iin: Result<Path<String>, PathRejection>,
) -> ApiResult<PersonDetail> {
    let iin: Iin = path_value(iin)?.parse()?;
    let record = state.services.search_person(&user.context(None), iin).await?;
    let today = state.services.today();
    Ok(Json(PersonDetail {
        person: person_view(&record.person, lang),
        memberships: record
            .memberships
            .iter()
            .map(|m| PersonMembershipView::new(m, today))
            .collect(),
    }))
}

/// This API's OpenAPI 3 document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "service",
    responses((status = 200, description = "The OpenAPI document.", content_type = "application/json"))
)]
pub async fn openapi_json(State(state): State<AppState>) -> Response {
    let mut response = state.openapi_json.as_str().to_owned().into_response();
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

fn person_view(p: &Person, lang: Lang) -> PersonView {
    PersonView::new(p, iin_warnings(p, lang))
}

/// What is doubtful about a person's IIN: its structure against the record, or an IIN the
/// source reported that is not valid.
fn iin_warnings(p: &Person, lang: Lang) -> Vec<IinWarning> {
    if let Some(iin) = p.iin {
        return iin
            .mismatches(Some(p.birth_date), Some(p.sex))
            .iter()
            .map(|m| IinWarning { code: m.code().to_owned(), message: mismatch_message(m, lang) })
            .collect();
    }
    match p.iin_as_reported.as_deref().map(str::parse::<Iin>) {
        Some(Err(e)) => {
            let code = e.code().to_owned();
            vec![IinWarning { code, message: ApiError::from(e).message(lang) }]
        }
        _ => Vec::new(),
    }
}

fn mismatch_message(m: &IinMismatch, lang: Lang) -> String {
    let sex = |s: &Sex| i18n::t(lang, &format!("sex-{}", s.code()));
    let key = format!("warn-{}", m.code().replace('.', "-"));
    let args: Vec<(&'static str, String)> = match m {
        IinMismatch::Structure(IinStructureWarning::CenturyDigitOutOfRange { digit }) => {
            vec![("digit", digit.to_string())]
        }
        IinMismatch::Structure(IinStructureWarning::ImpossibleDate { yymmdd }) => {
            vec![("yymmdd", yymmdd.clone())]
        }
        IinMismatch::BirthDate { in_iin, recorded } => {
            vec![("in_iin", dotted(*in_iin)), ("recorded", dotted(*recorded))]
        }
        IinMismatch::Sex { in_iin, recorded } => {
            vec![("in_iin", sex(in_iin)), ("recorded", sex(recorded))]
        }
    };
    i18n::t_args(lang, &key, &args)
}
