//! The OpenAPI 3 document, generated from the handlers' annotations and the response types.

use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::{
    Content, ObjectBuilder, Ref, RefOr, Required, Response, ResponseBuilder, Type,
};
use utoipa::{Modify, OpenApi};

use super::dto::{
    AccessLogEntryView, AccessLogPage, AddressView, AudienceView, BatchCountsView, BatchListPage,
    BatchStatusView, BatchView, DisabilityKind, ExplanationLineView, FactSource,
    FamilyAssessmentView, FamilyListItem, FamilyListPage, FamilyView, HealthView, HistoryEntryView,
    IinWarning, Level, LevelCountsView, LevelLetter, LevelStatsView, LevelTotalsView, LevelView,
    LineKindView, LocalizedName, MemberRole, MemberView, MethodologyView, MovementView, NameView,
    ObservationView, OutcomeView, PersonDetail, PersonLanguage, PersonMembershipView, PersonSex,
    PersonView, SettlementKind, TerritoryLevelsView, TerritoryRef, TerritoryView, TriggerView,
    UploadView, ValueKindView, ValueView,
};
use crate::error::{ErrorBody, ErrorDetail};

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Shanyraq API",
        description = "Read access to families, persons and territories of Shanyraq, a platform \
            for digital social support, to families' well-being assessments (levels A to E, \
            explained in plain words) and to the import batches their facts came from.\n\n\
            Every error is JSON `{\"error\": {\"code\", \"message\"}}`. `code` is stable; each \
            response below lists the codes it can carry. `message` is for people, in Kazakh, \
            Russian or English: the `lang` query parameter decides, then the `lang` cookie (which \
            `?lang=` sets), then `Accept-Language`, then the server's default (Kazakh in the \
            demo). Addresses under `/api` that name no operation answer 404 `route.not_found`.\n\n\
            Everything under `/api/v1` but the territory tree is personal data or about the \
            service's imports, and answers only a signed-in account: sign in on the `/sign-in` \
            page, and the session cookie it sets goes with every request (401 `auth.required` \
            without it). Each answer holds only what the account's roles allow, and every \
            access is recorded. A family the account may not open is answered exactly like one \
            that does not exist (403 `access.denied`). Sensitive facts (health, disability, \
            violence, child protection) need their own grant, and reading them needs a stated \
            purpose: the `X-Purpose` header or the `purpose` parameter (428 \
            `access.purpose_required` without it). Accounts that see totals only get small \
            numbers as `null`, with `suppressed` set.",
    ),
    paths(
        super::health,
        super::territory,
        super::families_in_territory,
        super::export::families_csv,
        super::family,
        super::access_log::family_access_log,
        super::assessment::family_assessment,
        super::assessment::level_stats,
        super::person,
        super::batches::list,
        super::batches::one,
        super::uploads::upload,
        super::openapi_json,
    ),
    modifiers(&Shared),
    components(schemas(
        ErrorBody, ErrorDetail, HealthView, TerritoryView, TerritoryRef, LocalizedName, Level,
        SettlementKind, FamilyListPage, FamilyListItem, FamilyView, AddressView, MemberView,
        MemberRole, PersonView, PersonDetail, PersonMembershipView, NameView, PersonSex,
        PersonLanguage, DisabilityKind, IinWarning, ObservationView, ValueKindView, ValueView,
        FactSource, BatchListPage, BatchView, BatchStatusView, BatchCountsView, UploadView,
        FamilyAssessmentView, MethodologyView, LevelView, LevelLetter, AudienceView, TriggerView,
        ExplanationLineView, LineKindView, HistoryEntryView, LevelStatsView, TerritoryLevelsView,
        LevelCountsView, LevelTotalsView, MovementView, AccessLogPage, AccessLogEntryView,
        OutcomeView,
    )),
    tags(
        (name = "families", description = "Family cards."),
        (name = "assessments", description = "Well-being levels A to E: a family's level, why \
            it is there in plain words and how it changed; families by level across a \
            territory."),
        (name = "persons", description = "People, found by IIN."),
        (name = "territories", description = "The KATO territory tree and who lives where."),
        (name = "batches", description = "Import batches: what was loaded, from where, and how \
            it went. Every fact names the batch that brought it. Agency systems upload feed \
            files here with an integration token (`Authorization: Bearer`), scoped to sources \
            and a territory."),
        (name = "service", description = "Health and this description."),
    )
)]
pub struct ApiDoc;

/// What every operation shares, added here rather than repeated on each handler: the `lang`
/// parameter and 405 for other methods everywhere, and 500 and 503 for the operations under
/// `/api/v1`, which all read the database.
struct Shared;

impl Modify for Shared {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        for (path, item) in &mut doc.paths.paths {
            let reads_store = path.starts_with("/api/v1/");
            // The territory tree is public; uploads carry a token instead of a session.
            let signed_in = reads_store
                && path != "/api/v1/territories/{kato}"
                && !path.starts_with("/api/v1/feeds/");
            let operations =
                [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
            for op in operations.into_iter().flatten() {
                add_shared(op, reads_store, signed_in);
            }
        }
    }
}

fn add_shared(op: &mut Operation, reads_store: bool, signed_in: bool) {
    op.parameters.get_or_insert_with(Vec::new).push(RefOr::T(lang_parameter()));
    let mut shared =
        vec![("405", "This address takes only the method documented here (`method.not_allowed`).")];
    if signed_in {
        shared.push((
            "401",
            "Nobody is signed in (`auth.required`), or the session has ended: idle for 30 \
             minutes, 12 hours old, or signed out (`auth.session_expired`). Sign in again.",
        ));
        shared.push((
            "403",
            "The account's roles do not allow this (`access.denied`); the answer says no more.",
        ));
    }
    if reads_store {
        shared.push((
            "500",
            "Something failed on the server; the details go to the server's log, never to \
             the client (`internal`).",
        ));
        shared.push((
            "503",
            "The database cannot be reached or its schema is not the one this build needs \
             (`unavailable`).",
        ));
    }
    for (status, description) in shared {
        op.responses.responses.entry(status.to_owned()).or_insert_with(|| error(description));
    }
}

fn lang_parameter() -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name("lang")
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(
            "The language of error messages and data-quality warnings. Without it the `lang` \
             cookie decides, then `Accept-Language`, then the server's default. The choice is \
             remembered in the `lang` cookie; a value other than `kk`, `ru` or `en` is ignored.",
        ))
        .schema(Some(
            ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["kk", "ru", "en"])),
        ))
        .build()
}

fn error(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content("application/json", Content::new(Some(Ref::from_schema_name("ErrorBody"))))
        .build()
        .into()
}

/// The document as served at `/api/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
