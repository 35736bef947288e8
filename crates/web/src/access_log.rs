//! "Who looked at my data": a family's access log in words, for the JSON API and the page.
//!
//! Each entry names the organisation and role the person acted in, what they did, when, why
//! and whether it was allowed; staff names only where the deployment's law allows it
//! ([`crate::WebConfig::show_staff_names`]).

use askama::Template;
use axum::Extension;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use shanyraq_app::AppError;
use shanyraq_app::authz::{AccessContext, AccessLogEntry};
use shanyraq_domain::FamilyId;
use shanyraq_domain::access::Role;
use shanyraq_domain::audit::Outcome;
use time::UtcOffset;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

use crate::api::parse_family_id;
use crate::auth::{RequestId, Session, query_param};
use crate::error::ApiError;
use crate::extract::ReqLang;
use crate::i18n::{self, t, t_args};
use crate::lang::Lang;
use crate::pages::{Chrome, denied_page, error_page, html, not_found_page, viewer_or_sign_in};
use crate::state::AppState;

/// Entries on one page of the access log page.
pub const PAGE_SIZE: u32 = 50;

/// How many newer pages the pager remembers on its way back.
const MAX_TRAIL: usize = 100;

/// A role or an organisation as words, or as its code where no words are known for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub code: String,
    pub text: String,
    /// No words are known: `text` is the code.
    pub is_code: bool,
}

/// The capacity of an entry, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capacity {
    pub role: Named,
    pub agency: Named,
}

/// What was done, in words: `family.read` → "opened the card". An action without words is
/// shown as its code.
pub fn action_text(lang: Lang, action: &str) -> String {
    action
        .strip_prefix("family.")
        .filter(|a| a.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        .and_then(|a| i18n::try_t_args(lang, &format!("access-action-{a}"), &[]))
        .unwrap_or_else(|| action.to_owned())
}

/// A role code in words.
pub fn role_name(lang: Lang, code: &str) -> Named {
    match Role::parse(code) {
        Ok(role) => Named {
            code: code.to_owned(),
            text: t(lang, &format!("role-{}", role.code())),
            is_code: false,
        },
        Err(_) => Named { code: code.to_owned(), text: code.to_owned(), is_code: true },
    }
}

/// An agency code in words, where the words are known.
pub fn agency_name(lang: Lang, code: &str) -> Named {
    let known = !code.is_empty()
        && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    match known.then(|| i18n::try_t_args(lang, &format!("agency-{code}"), &[])).flatten() {
        Some(text) => Named { code: code.to_owned(), text, is_code: false },
        None => Named { code: code.to_owned(), text: code.to_owned(), is_code: true },
    }
}

/// `role/agency` in words; `None` for the family itself and the service's own jobs.
pub fn capacity(lang: Lang, capacity: Option<&str>) -> Option<Capacity> {
    let c = capacity?;
    let (role, agency) = c.split_once('/').unwrap_or((c, ""));
    Some(Capacity { role: role_name(lang, role), agency: agency_name(lang, agency) })
}

/// `30.11.2026 14:05`, at `offset`.
pub fn dotted_time(at: time::OffsetDateTime, offset: UtcOffset) -> String {
    const FORMAT: &[BorrowedFormatItem<'_>] =
        format_description!("[day].[month].[year] [hour]:[minute]");
    at.to_offset(offset).format(FORMAT).unwrap_or_default()
}

/// `2026-11-30T14:05+05:00`, at `offset`: the same minute, for `<time datetime>`.
pub fn machine_time(at: time::OffsetDateTime, offset: UtcOffset) -> String {
    const FORMAT: &[BorrowedFormatItem<'_>] = format_description!(
        "[year]-[month]-[day]T[hour]:[minute][offset_hour sign:mandatory]:[offset_minute]"
    );
    at.to_offset(offset).format(FORMAT).unwrap_or_default()
}

/// A sequence number as a client wrote it: digits only, greater than 0.
pub fn parse_seq(text: &str) -> Option<u64> {
    Some(text)
        .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse::<u64>().ok())
        .filter(|n| *n > 0)
}

/// One row of the page's table.
#[derive(Debug, Clone)]
pub struct Row {
    /// `30.11.2026 14:05`, Almaty time.
    pub when: String,
    /// The same minute with its offset, for `<time datetime>`.
    pub when_iso: String,
    pub capacity: Option<Capacity>,
    pub by_family: bool,
    pub name: Option<String>,
    pub action: String,
    pub purpose: Option<String>,
    pub allowed: bool,
}

impl Row {
    fn new(e: &AccessLogEntry, lang: Lang, offset: UtcOffset) -> Row {
        Row {
            when: dotted_time(e.at, offset),
            when_iso: machine_time(e.at, offset),
            capacity: capacity(lang, e.capacity.as_deref()),
            by_family: e.by_family,
            name: e.actor_name.clone(),
            action: action_text(lang, &e.action),
            purpose: e.purpose.clone(),
            allowed: e.outcome == Outcome::Allowed,
        }
    }
}

#[derive(Template)]
#[template(path = "access_log.html")]
struct AccessLogPage {
    page: Chrome,
    heading: String,
    family_href: String,
    names_shown: bool,
    rows: Vec<Row>,
    newer_href: Option<String>,
    older_href: Option<String>,
}

/// The `newer` trail: the `before` values of the newer pages, oldest last; anything unreadable
/// empties it.
fn parse_trail(text: Option<&str>) -> Vec<u64> {
    let Some(text) = text.filter(|t| !t.is_empty()) else { return Vec::new() };
    let trail: Option<Vec<u64>> = text.split('.').map(parse_seq).collect();
    let mut trail = trail.unwrap_or_default();
    if trail.len() > MAX_TRAIL {
        trail.drain(..trail.len() - MAX_TRAIL);
    }
    trail
}

fn trail_text(trail: &[u64]) -> String {
    trail.iter().map(u64::to_string).collect::<Vec<_>>().join(".")
}

/// The query of the page showing entries before `before`, with `trail` to come back by.
fn page_query(before: Option<u64>, trail: &[u64]) -> String {
    match (before, trail.is_empty()) {
        (None, _) => String::new(),
        (Some(b), true) => format!("before={b}"),
        (Some(b), false) => format!("before={b}&newer={}", trail_text(trail)),
    }
}

/// The links to the newer and the older page of the page showing entries before `before`.
fn pager(
    base: &str,
    before: Option<u64>,
    trail: &[u64],
    older: Option<u64>,
) -> (Option<String>, Option<String>) {
    let href = |query: String| {
        if query.is_empty() { base.to_owned() } else { format!("{base}?{query}") }
    };
    let newer = before.map(|_| match trail.split_last() {
        Some((last, rest)) => href(page_query(Some(*last), rest)),
        None => href(String::new()),
    });
    let older = older.map(|o| {
        let mut next: Vec<u64> = trail.to_vec();
        if let Some(b) = before {
            next.push(b);
        }
        if next.len() > MAX_TRAIL {
            next.drain(..next.len() - MAX_TRAIL);
        }
        href(page_query(Some(o), &next))
    });
    (newer, older)
}

/// `GET /families/{id}/access-log?before=SEQ`: who accessed the family's data, newest first.
/// For the family's own members and supervisors over its territory; others get the family
/// page's refusal.
pub async fn page(
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
    // A pager value that is not ours shows the newest entries.
    let before = query_param(uri.query(), "before").as_deref().and_then(parse_seq);
    let trail = match before {
        Some(_) => parse_trail(query_param(uri.query(), "newer").as_deref()),
        None => Vec::new(),
    };
    let ctx = AccessContext::new(viewer.principal.clone(), request_id.0);
    let show_names = state.config.show_staff_names;
    let result = state.services.access_log(&ctx, id, before, PAGE_SIZE + 1, show_names).await;
    let mut entries = match result {
        Ok(entries) => entries,
        Err(AppError::Denied { .. } | AppError::NotFound { .. } | AppError::PurposeRequired) => {
            return denied_page(lang);
        }
        Err(e) => return error_page(lang, &ApiError::from(e)),
    };
    let older = if entries.len() > PAGE_SIZE as usize {
        entries.truncate(PAGE_SIZE as usize);
        entries.last().map(|e| e.seq)
    } else {
        None
    };
    let base = format!("/families/{id}/access-log");
    let (newer_href, older_href) = pager(&base, before, &trail, older);
    let offset = state.services.utc_offset();
    let page = AccessLogPage {
        page: Chrome::keeping(lang, &page_query(before, &trail)),
        heading: heading(lang, id),
        family_href: format!("/families/{id}"),
        names_shown: show_names,
        rows: entries.iter().map(|e| Row::new(e, lang, offset)).collect(),
        newer_href,
        older_href,
    };
    html(StatusCode::OK, &page)
}

fn heading(lang: Lang, id: FamilyId) -> String {
    t_args(lang, "access-log-heading", &[("id", id.to_string())])
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn actions_roles_and_agencies_read_as_words() {
        for lang in Lang::ALL {
            for action in
                ["read", "update", "list", "search", "count", "export", "audit_read", "break_glass"]
            {
                let code = format!("family.{action}");
                assert_ne!(action_text(lang, &code), code, "{lang}: {code}");
            }
            for role in Role::ALL {
                assert!(!role_name(lang, role.code()).is_code, "{lang}: {role}");
            }
            for agency in [
                "social",
                "education",
                "health",
                "police",
                "labour",
                "akimat",
                "ministry",
                "integration",
                "admin",
            ] {
                assert!(!agency_name(lang, agency).is_code, "{lang}: {agency}");
            }
        }
        assert_eq!(action_text(Lang::En, "family.read"), "opened the card");
        assert_eq!(action_text(Lang::En, "account.sign_in"), "account.sign_in");
        assert_eq!(action_text(Lang::En, "family.new_thing"), "family.new_thing");
        let ngo = agency_name(Lang::Ru, "ngo_kamkor");
        assert!(ngo.is_code && ngo.text == "ngo_kamkor");
        let c = capacity(Lang::En, Some("social_worker/social")).unwrap();
        assert_eq!(
            (c.role.text.as_str(), c.agency.text.as_str()),
            ("Social worker", "social protection")
        );
        assert_eq!(capacity(Lang::En, None), None);
    }

    #[test]
    fn times_read_in_almaty() {
        let at = datetime!(2026-11-30 09:05:30 UTC);
        assert_eq!(dotted_time(at, time::macros::offset!(+5)), "30.11.2026 14:05");
        assert_eq!(machine_time(at, time::macros::offset!(+5)), "2026-11-30T14:05+05:00");
    }

    #[test]
    fn the_pager_finds_its_way_back() {
        let base = "/families/1/access-log";
        assert_eq!(pager(base, None, &[], None), (None, None));
        assert_eq!(pager(base, None, &[], Some(90)), (None, Some(format!("{base}?before=90"))));
        assert_eq!(
            pager(base, Some(90), &[], Some(40)),
            (Some(base.to_owned()), Some(format!("{base}?before=40&newer=90")))
        );
        assert_eq!(
            pager(base, Some(40), &[90], Some(10)),
            (Some(format!("{base}?before=90")), Some(format!("{base}?before=10&newer=90.40")))
        );
        assert_eq!(
            pager(base, Some(10), &[90, 40], None),
            (Some(format!("{base}?before=40&newer=90")), None)
        );
        assert_eq!(parse_trail(Some("90.40")), vec![90, 40]);
        assert_eq!(parse_trail(Some("90.x")), Vec::<u64>::new());
        assert_eq!(parse_seq("0"), None);
        assert_eq!(parse_seq("+1"), None);
        assert_eq!(parse_seq("17"), Some(17));
    }
}
