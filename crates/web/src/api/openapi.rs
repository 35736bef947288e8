//! The OpenAPI 3 document, generated from the handlers' annotations and the response types.

use utoipa::OpenApi;

use super::dto::{
    AddressView, DisabilityKind, FactSource, FamilyListItem, FamilyListPage, FamilyView,
    HealthView, IinWarning, Level, LocalizedName, MemberRole, MemberView, NameView,
    ObservationView, PersonDetail, PersonLanguage, PersonMembershipView, PersonSex, PersonView,
    SettlementKind, TerritoryRef, TerritoryView, ValueKindView, ValueView,
};
use crate::error::{ErrorBody, ErrorDetail};

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Shanyraq API",
        description = "Read access to families, persons and territories of Shanyraq, a platform \
            for digital social support.\n\n\
            Every error is JSON `{\"error\": {\"code\", \"message\"}}`: `code` is stable, \
            `message` is for people, in Kazakh, Russian or English as the request asks \
            (`?lang=kk|ru|en`, the `lang` cookie, or `Accept-Language`).\n\n\
            Access control comes later; until then the server listens on the loopback \
            address only unless told otherwise.",
    ),
    paths(
        super::health,
        super::territory,
        super::families_in_territory,
        super::family,
        super::person,
        super::openapi_json,
    ),
    components(schemas(
        ErrorBody, ErrorDetail, HealthView, TerritoryView, TerritoryRef, LocalizedName, Level,
        SettlementKind, FamilyListPage, FamilyListItem, FamilyView, AddressView, MemberView,
        MemberRole, PersonView, PersonDetail, PersonMembershipView, NameView, PersonSex,
        PersonLanguage, DisabilityKind, IinWarning, ObservationView, ValueKindView, ValueView,
        FactSource,
    )),
    tags(
        (name = "families", description = "Family cards."),
        (name = "persons", description = "People, found by IIN."),
        (name = "territories", description = "The KATO territory tree and who lives where."),
        (name = "service", description = "Health and this description."),
    )
)]
pub struct ApiDoc;

/// The document as served at `/api/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
