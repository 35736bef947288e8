//! Families of a territory as a CSV file, for the accounts allowed to export them.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, HeaderValue};
use axum::response::{IntoResponse, Response};
use shanyraq_store::FamilySummary;

use super::{parse_kato, path_value};
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// The file's first line.
pub const HEADER: &str = "id,territory,settlement_type,head,member_count";

/// A byte order mark first, so that spreadsheet programs read the file as UTF-8.
const BOM: &str = "\u{feff}";

/// One field as CSV writes it: quoted when it holds a comma, a quote or a line break. Text that
/// a spreadsheet would take for a formula is kept as text.
fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// One family as a line of the file, with its line break (CRLF, as RFC 4180 has it).
fn line(s: &FamilySummary) -> String {
    let head = s.head.as_ref().map(|n| n.full()).unwrap_or_default();
    format!(
        "{},{},{},{},{}\r\n",
        s.id,
        s.territory,
        s.settlement_type.code(),
        field(&head),
        s.member_count
    )
}

/// The families living anywhere in a territory's subtree that the account may export, as a
/// CSV file.
///
/// UTF-8 with a byte order mark; columns `id`, `territory`, `settlement_type`, `head` (the
/// current head's full name, empty when the family has none) and `member_count`, in (territory
/// code, family id) order. Every export is recorded.
#[utoipa::path(
    get,
    path = "/api/v1/territories/{kato}/families.csv",
    tag = "territories",
    params(("kato" = String, Path, description = "KATO code of the subtree's root", example = "110000000")),
    responses(
        (status = 200, description = "The file, as an attachment.", content_type = "text/csv",
            body = String),
        (status = 400, description = "Not a KATO code (`kato.empty`, `kato.length`, \
            `kato.non_digit`, `kato.no_region`), or a path that is not UTF-8 (`path.invalid`).",
            body = ErrorBody),
        (status = 403, description = "The account may export no family in this territory \
            (`access.denied`).", body = ErrorBody),
        (status = 404, description = "No such territory (`not_found`).", body = ErrorBody),
    )
)]
pub async fn families_csv(
    user: ApiUser,
    State(state): State<AppState>,
    kato: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let root = parse_kato(&path_value(kato)?)?;
    let mut body = format!("{BOM}{HEADER}\r\n");
    state
        .services
        .export_families(&user.context(None), root, |s| {
            body.push_str(&line(s));
            Ok(())
        })
        .await?;
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"families-{root}.csv\"")) {
        headers.insert(CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_never_formulas() {
        assert_eq!(field("Ахметов Ерлан"), "Ахметов Ерлан");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=1+1"), "'=1+1");
        assert_eq!(field(""), "");
    }
}
