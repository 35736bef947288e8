//! Administration: accounts (create, grant and revoke roles and categories, set a password, end
//! every session) and integration tokens (issue, list, revoke). For administrators only: the
//! application layer refuses, and audits, everybody else.
//!
//! Every form posts the session's CSRF token to its own route and comes back to its list with a
//! short confirmation (`?done=`), or shows the list again with the error at its field. An issued
//! token's value is shown once, on the page the issuing form answers with.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{OriginalUri, State};
use axum::http::header::{CACHE_CONTROL, HeaderValue};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::{Extension, Form};
use serde::Deserialize;
use shanyraq_app::AppError;
use shanyraq_app::accounts::{NewUser, SignedIn};
use shanyraq_app::authz::AccessContext;
use shanyraq_domain::Kato;
use shanyraq_domain::access::{AgencyCode, Category, Role, RoleGrant};
use shanyraq_store::{AccountKind, AccountRecord, TokenRecord};

use crate::access_log::{dotted_time, machine_time};
use crate::auth::{RequestId, Session, csrf_matches, query_param};
use crate::error::ApiError;
use crate::extract::ReqLang;
use crate::i18n::t;
use crate::lang::Lang;
use crate::pages::{Chrome, MessagePage, csrf_page, error_page, html, redirect, viewer_or_sign_in};
use crate::state::AppState;

/// The feed sources a token may be issued for.
pub const FEED_SOURCES: [&str; 10] = [
    "income",
    "police",
    "health",
    "education",
    "employment",
    "disability",
    "benefits",
    "debts",
    "property",
    "civil_registry",
];

/// How long a token lives unless the form says otherwise.
const DEFAULT_DAYS: i64 = 90;

const USERS: &str = "/admin/users";
const TOKENS: &str = "/admin/tokens";

/// The confirmations a `?done=` may ask for; anything else shows none.
const DONE: [&str; 9] = [
    "added",
    "granted",
    "revoked",
    "category-granted",
    "category-revoked",
    "password",
    "signed-out",
    "unchanged",
    "token-revoked",
];

/// One text input of a form.
#[derive(Debug, Clone)]
pub struct Field {
    pub id: String,
    pub name: &'static str,
    pub label: String,
    pub hint: Option<String>,
    pub input_type: &'static str,
    pub autocomplete: &'static str,
    pub value: String,
    pub error: Option<String>,
}

/// One option of a select or one checkbox.
#[derive(Debug, Clone)]
pub struct Choice {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

/// The error of a failed form: the id of the input it is about, and what is wrong.
#[derive(Debug, Clone)]
pub struct FormError {
    pub target: String,
    pub message: String,
}

/// What a failed form sent, to show again (never a password).
#[derive(Debug, Clone, Default)]
struct Kept {
    error: Option<FormError>,
    values: HashMap<String, String>,
}

impl Kept {
    fn field(
        &self,
        lang: Lang,
        id: &str,
        name: &'static str,
        input_type: &'static str,
        autocomplete: &'static str,
    ) -> Field {
        let hint_key = format!("admin-hint-{name}");
        let hint = t(lang, &hint_key);
        Field {
            id: id.to_owned(),
            name,
            label: t(lang, &format!("admin-field-{name}")),
            hint: (hint != hint_key).then_some(hint),
            input_type,
            autocomplete,
            value: if input_type == "password" {
                String::new()
            } else {
                self.values.get(id).cloned().unwrap_or_default()
            },
            error: self.error_at(id),
        }
    }

    fn error_at(&self, id: &str) -> Option<String> {
        self.error.as_ref().filter(|e| e.target == id).map(|e| e.message.clone())
    }

    fn value(&self, id: &str) -> Option<&str> {
        self.values.get(id).map(String::as_str)
    }
}

/// One role an account holds, with its revoke button.
#[derive(Debug, Clone)]
pub struct RoleRow {
    /// The role's name in the page's language.
    pub name: String,
    /// `role/agency@KATO`.
    pub code: String,
    pub role: &'static str,
    pub agency: String,
    pub territory: String,
}

/// One account of the list.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub login: String,
    pub kind: String,
    pub name: String,
    pub disabled: bool,
    pub roles: Vec<RoleRow>,
    pub categories: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    page: Chrome,
    csrf: String,
    done: Option<String>,
    error: Option<FormError>,
    rows: Vec<UserRow>,
    add: Vec<Field>,
    grant_login: Field,
    grant_agency: Field,
    grant_territory: Field,
    roles: Vec<Choice>,
    role_error: Option<String>,
    category_login: Field,
    categories: Vec<Choice>,
    category_error: Option<String>,
    password: Vec<Field>,
    sign_out_login: Field,
}

/// One token of the list.
#[derive(Debug, Clone)]
pub struct TokenRow {
    pub name: String,
    pub sources: String,
    pub territory: String,
    pub expires: String,
    pub expires_iso: String,
    /// When it was revoked (shown, machine-readable).
    pub revoked: Option<(String, String)>,
    pub last_used: Option<(String, String)>,
}

/// A token just issued: its value, shown this once.
#[derive(Debug, Clone)]
pub struct Issued {
    pub name: String,
    pub secret: String,
}

#[derive(Template)]
#[template(path = "admin_tokens.html")]
struct TokensPage {
    page: Chrome,
    csrf: String,
    done: Option<String>,
    error: Option<FormError>,
    issued: Option<Issued>,
    rows: Vec<TokenRow>,
    name: Field,
    territory: Field,
    days: Field,
    sources: Vec<Choice>,
    sources_error: Option<String>,
}

/// What the account forms post; each form sends the fields it has.
#[derive(Debug, Default, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    agency: String,
    #[serde(default)]
    territory: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    action: String,
}

/// What the revoke-token form posts.
#[derive(Debug, Default, Deserialize)]
pub struct RevokeTokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

/// 403: the administration pages are for administrators.
fn administrators_only(lang: Lang) -> Response {
    let page = MessagePage {
        page: Chrome::new(lang),
        heading: t(lang, "denied-heading"),
        text: t(lang, "admin-only"),
    };
    html(StatusCode::FORBIDDEN, &page)
}

fn done_message(lang: Lang, uri: &Uri) -> Option<String> {
    let done = query_param(uri.query(), "done")?;
    DONE.contains(&done.as_str()).then(|| t(lang, &format!("admin-done-{done}")))
}

fn user_row(lang: Lang, a: &AccountRecord) -> UserRow {
    UserRow {
        login: a.login.clone(),
        kind: t(lang, &format!("admin-kind-{}", a.kind.code())),
        name: a.display_name.clone(),
        disabled: a.disabled_at.is_some(),
        roles: a
            .roles
            .iter()
            .map(|g| RoleRow {
                name: t(lang, &format!("role-{}", g.role.code())),
                code: format!("{}/{}@{}", g.role.code(), g.agency, g.territory),
                role: g.role.code(),
                agency: g.agency.to_string(),
                territory: g.territory.to_string(),
            })
            .collect(),
        categories: a
            .categories
            .iter()
            .map(|c| t(lang, &format!("admin-category-{}", c.code())))
            .collect(),
    }
}

/// `GET /admin`: the accounts page.
pub async fn index() -> Response {
    redirect(USERS)
}

/// `GET /admin/users`: the accounts and the forms that change them.
pub async fn users(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    OriginalUri(uri): OriginalUri,
    Extension(session): Extension<Session>,
    Extension(request_id): Extension<RequestId>,
) -> Response {
    let viewer = match viewer_or_sign_in(&session, lang, &uri) {
        Ok(v) => v,
        Err(answer) => return *answer,
    };
    let done = done_message(lang, &uri);
    users_page(&state, lang, &viewer, &request_id, done, Kept::default(), StatusCode::OK).await
}

async fn users_page(
    state: &AppState,
    lang: Lang,
    viewer: &Arc<SignedIn>,
    request_id: &RequestId,
    done: Option<String>,
    kept: Kept,
    status: StatusCode,
) -> Response {
    let ctx = AccessContext::new(viewer.principal.clone(), request_id.0.clone());
    let accounts = match state.services.users().list(&ctx).await {
        Ok(a) => a,
        Err(AppError::Denied { .. }) => return administrators_only(lang),
        Err(e) => return error_page(lang, &ApiError::from(e)),
    };
    let chosen_role = kept.value("grant-role").unwrap_or(Role::SocialWorker.code()).to_owned();
    let chosen_category = kept.value("category-category").unwrap_or_default().to_owned();
    let page = UsersPage {
        page: Chrome::new(lang),
        csrf: viewer.csrf_token.clone(),
        done,
        error: kept.error.clone(),
        rows: accounts.iter().map(|a| user_row(lang, a)).collect(),
        add: vec![
            kept.field(lang, "add-login", "login", "text", "off"),
            kept.field(lang, "add-name", "name", "text", "off"),
            kept.field(lang, "add-password", "password", "password", "new-password"),
        ],
        grant_login: kept.field(lang, "grant-login", "login", "text", "off"),
        grant_agency: kept.field(lang, "grant-agency", "agency", "text", "off"),
        grant_territory: kept.field(lang, "grant-territory", "territory", "text", "off"),
        roles: Role::ALL
            .into_iter()
            .filter(|r| *r != Role::Citizen)
            .map(|r| Choice {
                code: r.code().to_owned(),
                label: t(lang, &format!("role-{}", r.code())),
                selected: r.code() == chosen_role,
            })
            .collect(),
        role_error: kept.error_at("grant-role"),
        category_login: kept.field(lang, "category-login", "login", "text", "off"),
        categories: Category::ALL
            .into_iter()
            .map(|c| Choice {
                code: c.code().to_owned(),
                label: t(lang, &format!("admin-category-{}", c.code())),
                selected: c.code() == chosen_category,
            })
            .collect(),
        category_error: kept.error_at("category-category"),
        password: vec![
            kept.field(lang, "password-login", "login", "text", "off"),
            kept.field(lang, "password-password", "password", "password", "new-password"),
        ],
        sign_out_login: kept.field(lang, "sign-out-login", "login", "text", "off"),
    };
    html(status, &page)
}

/// The account forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UserAction {
    Add,
    Grant,
    Revoke,
    Category,
    Password,
    SignOut,
}

impl UserAction {
    /// The prefix of the form's input ids.
    fn form(self) -> &'static str {
        match self {
            UserAction::Add => "add",
            UserAction::Grant | UserAction::Revoke => "grant",
            UserAction::Category => "category",
            UserAction::Password => "password",
            UserAction::SignOut => "sign-out",
        }
    }

    /// The input an error about `field` points at: the field when the form has it, else the
    /// form's first input.
    fn target(self, field: &str) -> String {
        let fields: &[&str] = match self {
            UserAction::Add => &["login", "name", "password"],
            UserAction::Grant | UserAction::Revoke => &["login", "role", "agency", "territory"],
            UserAction::Category => &["login", "category"],
            UserAction::Password => &["login", "password"],
            UserAction::SignOut => &["login"],
        };
        let field = if fields.contains(&field) { field } else { "login" };
        format!("{}-{field}", self.form())
    }
}

/// Why a form was not carried out.
enum Failure {
    /// An input is wrong: the field and the message.
    Input(&'static str, String),
    App(AppError),
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Failure {
        Failure::App(e)
    }
}

fn role_grant(lang: Lang, form: &UserForm) -> Result<RoleGrant, Failure> {
    let role = Role::parse(form.role.trim())
        .map_err(|_| Failure::Input("role", t(lang, "admin-err-role")))?;
    let agency = AgencyCode::parse(form.agency.trim())
        .ok_or_else(|| Failure::Input("agency", t(lang, "admin-err-agency")))?;
    let territory = form
        .territory
        .trim()
        .parse::<Kato>()
        .map_err(|e| Failure::Input("territory", ApiError::from(e).message(lang)))?;
    Ok(RoleGrant { role, agency, territory })
}

async fn carry_out(
    state: &AppState,
    lang: Lang,
    ctx: &AccessContext,
    action: UserAction,
    form: &UserForm,
) -> Result<&'static str, Failure> {
    let users = state.services.users();
    let login = form.login.trim();
    match action {
        UserAction::Add => {
            let new = NewUser {
                login: login.to_owned(),
                kind: AccountKind::Staff,
                display_name: form.name.clone(),
                password: form.password.clone(),
                iin: None,
            };
            users.add(ctx, new).await?;
            Ok("added")
        }
        UserAction::Grant => {
            let grant = role_grant(lang, form)?;
            Ok(if users.grant(ctx, login, &grant).await? { "granted" } else { "unchanged" })
        }
        UserAction::Revoke => {
            let grant = role_grant(lang, form)?;
            Ok(if users.revoke(ctx, login, &grant).await? { "revoked" } else { "unchanged" })
        }
        UserAction::Category => {
            let category = Category::parse(form.category.trim())
                .ok_or_else(|| Failure::Input("category", t(lang, "admin-err-category")))?;
            let granted = form.action != "revoke";
            let changed = users.set_category(ctx, login, category, granted).await?;
            Ok(match (changed, granted) {
                (false, _) => "unchanged",
                (true, true) => "category-granted",
                (true, false) => "category-revoked",
            })
        }
        UserAction::Password => {
            users.set_password(ctx, login, &form.password).await?;
            Ok("password")
        }
        UserAction::SignOut => {
            users.sign_out_everywhere(ctx, login).await?;
            Ok("signed-out")
        }
    }
}

async fn user_post(
    state: AppState,
    lang: Lang,
    session: Session,
    request_id: RequestId,
    form: Result<Form<UserForm>, FormRejection>,
    action: UserAction,
) -> Response {
    let viewer = match &session {
        Session::SignedIn(s) => s.clone(),
        Session::Unavailable(e) => return error_page(lang, e),
        Session::Anonymous { .. } => return redirect(&format!("/sign-in?next={USERS}")),
    };
    let Form(form) = form.unwrap_or_default();
    if !csrf_matches(Some(&form.csrf), Some(&viewer.csrf_token)) {
        return csrf_page(lang);
    }
    let ctx = AccessContext::new(viewer.principal.clone(), request_id.0.clone());
    let (field, message) = match carry_out(&state, lang, &ctx, action, &form).await {
        Ok(done) => return redirect(&format!("{USERS}?done={done}")),
        Err(Failure::Input(field, message)) => (field, message),
        Err(Failure::App(AppError::Denied { .. })) => return administrators_only(lang),
        Err(Failure::App(e @ AppError::InvalidInput { field, .. })) => {
            (field, ApiError::from(e).message(lang))
        }
        Err(Failure::App(AppError::NotFound { id, .. })) => {
            ("login", ApiError::not_found("account", id).message(lang))
        }
        Err(Failure::App(e)) => return error_page(lang, &ApiError::from(e)),
    };
    let prefix = action.form();
    let mut values = HashMap::new();
    for (name, value) in [
        ("login", &form.login),
        ("name", &form.name),
        ("role", &form.role),
        ("agency", &form.agency),
        ("territory", &form.territory),
        ("category", &form.category),
    ] {
        values.insert(format!("{prefix}-{name}"), value.clone());
    }
    let kept = Kept { error: Some(FormError { target: action.target(field), message }), values };
    users_page(&state, lang, &viewer, &request_id, None, kept, StatusCode::BAD_REQUEST).await
}

macro_rules! user_route {
    ($(#[$doc:meta])* $name:ident, $action:expr) => {
        $(#[$doc])*
        pub async fn $name(
            State(state): State<AppState>,
            ReqLang(lang): ReqLang,
            Extension(session): Extension<Session>,
            Extension(request_id): Extension<RequestId>,
            form: Result<Form<UserForm>, FormRejection>,
        ) -> Response {
            user_post(state, lang, session, request_id, form, $action).await
        }
    };
}

user_route!(
    /// `POST /admin/users/add`: creates a staff account.
    add_user,
    UserAction::Add
);
user_route!(
    /// `POST /admin/users/grant`: grants a role for an agency over a territory.
    grant_role,
    UserAction::Grant
);
user_route!(
    /// `POST /admin/users/revoke`: revokes a role grant.
    revoke_role,
    UserAction::Revoke
);
user_route!(
    /// `POST /admin/users/category`: grants (`action=grant`) or revokes a sensitive category.
    set_category,
    UserAction::Category
);
user_route!(
    /// `POST /admin/users/password`: sets a new password and ends the account's sessions.
    set_password,
    UserAction::Password
);
user_route!(
    /// `POST /admin/users/sign-out`: ends every session of an account.
    sign_out_user,
    UserAction::SignOut
);

/// What the issuing form sent.
#[derive(Debug, Default)]
struct IssueForm {
    csrf: String,
    name: String,
    territory: String,
    days: String,
    sources: Vec<String>,
}

impl IssueForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> IssueForm {
        let mut form = IssueForm::default();
        for (key, value) in pairs {
            match key.as_str() {
                "csrf" => form.csrf = value,
                "name" => form.name = value,
                "territory" => form.territory = value,
                "days" => form.days = value,
                // Checkboxes, or one comma-separated list.
                "sources" | "source" => form.sources.extend(
                    value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned),
                ),
                _ => {}
            }
        }
        form
    }
}

/// `GET /admin/tokens`: the integration tokens and the form to issue one.
pub async fn tokens(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    OriginalUri(uri): OriginalUri,
    Extension(session): Extension<Session>,
    Extension(request_id): Extension<RequestId>,
) -> Response {
    let viewer = match viewer_or_sign_in(&session, lang, &uri) {
        Ok(v) => v,
        Err(answer) => return *answer,
    };
    let done = done_message(lang, &uri);
    let view = TokensView { done, ..TokensView::default() };
    tokens_page(&state, lang, &viewer, &request_id, view, StatusCode::OK).await
}

/// What the token list shows besides the tokens.
#[derive(Debug, Default)]
struct TokensView {
    done: Option<String>,
    issued: Option<Issued>,
    form: IssueForm,
    error: Option<FormError>,
}

fn token_row(r: &TokenRecord, offset: time::UtcOffset) -> TokenRow {
    let when = |at: time::OffsetDateTime| (dotted_time(at, offset), machine_time(at, offset));
    TokenRow {
        name: r.name.clone(),
        sources: r.sources.join(", "),
        territory: r.territory.to_string(),
        expires: dotted_time(r.expires_at, offset),
        expires_iso: machine_time(r.expires_at, offset),
        revoked: r.revoked_at.map(when),
        last_used: r.last_used_at.map(when),
    }
}

async fn tokens_page(
    state: &AppState,
    lang: Lang,
    viewer: &Arc<SignedIn>,
    request_id: &RequestId,
    view: TokensView,
    status: StatusCode,
) -> Response {
    let ctx = AccessContext::new(viewer.principal.clone(), request_id.0.clone());
    let records = match state.services.tokens().list(&ctx).await {
        Ok(r) => r,
        Err(AppError::Denied { .. }) => return administrators_only(lang),
        Err(e) => return error_page(lang, &ApiError::from(e)),
    };
    let offset = state.services.utc_offset();
    let form = &view.form;
    let mut values = HashMap::new();
    values.insert("issue-name".to_owned(), form.name.clone());
    values.insert("issue-territory".to_owned(), form.territory.clone());
    let days = if form.days.is_empty() { DEFAULT_DAYS.to_string() } else { form.days.clone() };
    values.insert("issue-days".to_owned(), days);
    let kept = Kept { error: view.error.clone(), values };
    let secret_shown = view.issued.is_some();
    let page = TokensPage {
        page: Chrome::new(lang),
        csrf: viewer.csrf_token.clone(),
        done: view.done,
        error: view.error.clone(),
        issued: view.issued,
        rows: records.iter().map(|r| token_row(r, offset)).collect(),
        name: kept.field(lang, "issue-name", "token-name", "text", "off"),
        territory: kept.field(lang, "issue-territory", "territory", "text", "off"),
        days: kept.field(lang, "issue-days", "days", "text", "off"),
        sources: FEED_SOURCES
            .into_iter()
            .map(|s| Choice {
                code: s.to_owned(),
                label: s.to_owned(),
                selected: form.sources.iter().any(|c| c == s),
            })
            .collect(),
        sources_error: kept.error_at("issue-source-income"),
    };
    let mut response = html(status, &page);
    if secret_shown {
        // The token's value is in this page: no cache may keep it.
        response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// `POST /admin/tokens/issue`: issues a token and shows its value, this once.
pub async fn issue_token(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Extension(session): Extension<Session>,
    Extension(request_id): Extension<RequestId>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let viewer = match &session {
        Session::SignedIn(s) => s.clone(),
        Session::Unavailable(e) => return error_page(lang, e),
        Session::Anonymous { .. } => return redirect(&format!("/sign-in?next={TOKENS}")),
    };
    let form = IssueForm::from_pairs(form.map(|Form(f)| f).unwrap_or_default());
    if !csrf_matches(Some(&form.csrf), Some(&viewer.csrf_token)) {
        return csrf_page(lang);
    }
    let ctx = AccessContext::new(viewer.principal.clone(), request_id.0.clone());
    let result = async {
        let territory = form
            .territory
            .trim()
            .parse::<Kato>()
            .map_err(|e| Failure::Input("territory", ApiError::from(e).message(lang)))?;
        let days = form
            .days
            .trim()
            .parse::<i64>()
            .map_err(|_| Failure::Input("days", t(lang, "err-token-days")))?;
        let issued =
            state.services.tokens().issue(&ctx, &form.name, &form.sources, territory, days).await?;
        Ok::<_, Failure>(issued)
    }
    .await;
    let (field, message) = match result {
        Ok((record, secret)) => {
            let issued = Issued { name: record.name, secret: secret.expose().to_owned() };
            let view = TokensView { issued: Some(issued), ..TokensView::default() };
            return tokens_page(&state, lang, &viewer, &request_id, view, StatusCode::CREATED)
                .await;
        }
        Err(Failure::Input(field, message)) => (field, message),
        Err(Failure::App(AppError::Denied { .. })) => return administrators_only(lang),
        Err(Failure::App(e @ AppError::InvalidInput { field, .. })) => {
            (field, ApiError::from(e).message(lang))
        }
        Err(Failure::App(e)) => return error_page(lang, &ApiError::from(e)),
    };
    let target = match field {
        "sources" => "issue-source-income".to_owned(),
        "territory" | "days" => format!("issue-{field}"),
        _ => "issue-name".to_owned(),
    };
    let view =
        TokensView { form, error: Some(FormError { target, message }), ..Default::default() };
    tokens_page(&state, lang, &viewer, &request_id, view, StatusCode::BAD_REQUEST).await
}

/// `POST /admin/tokens/revoke`: revokes a token by name.
pub async fn revoke_token(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Extension(session): Extension<Session>,
    Extension(request_id): Extension<RequestId>,
    form: Result<Form<RevokeTokenForm>, FormRejection>,
) -> Response {
    let viewer = match &session {
        Session::SignedIn(s) => s.clone(),
        Session::Unavailable(e) => return error_page(lang, e),
        Session::Anonymous { .. } => return redirect(&format!("/sign-in?next={TOKENS}")),
    };
    let Form(form) = form.unwrap_or_default();
    if !csrf_matches(Some(&form.csrf), Some(&viewer.csrf_token)) {
        return csrf_page(lang);
    }
    let ctx = AccessContext::new(viewer.principal.clone(), request_id.0.clone());
    match state.services.tokens().revoke(&ctx, form.name.trim()).await {
        Ok(true) => redirect(&format!("{TOKENS}?done=token-revoked")),
        Ok(false) => redirect(&format!("{TOKENS}?done=unchanged")),
        Err(AppError::Denied { .. }) => administrators_only(lang),
        Err(AppError::NotFound { .. }) => redirect(&format!("{TOKENS}?done=unchanged")),
        Err(e) => error_page(lang, &ApiError::from(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_point_at_an_input_of_their_form() {
        assert_eq!(UserAction::Add.target("password"), "add-password");
        assert_eq!(UserAction::Grant.target("territory"), "grant-territory");
        assert_eq!(UserAction::Revoke.target("role"), "grant-role");
        assert_eq!(UserAction::SignOut.target("password"), "sign-out-login");
        assert_eq!(UserAction::Password.target("anything"), "password-login");
    }

    #[test]
    fn sources_come_from_checkboxes_or_a_list() {
        let pairs = vec![
            ("source".to_owned(), "income".to_owned()),
            ("sources".to_owned(), "police, health,".to_owned()),
            ("csrf".to_owned(), "x".to_owned()),
        ];
        let form = IssueForm::from_pairs(pairs);
        assert_eq!(form.sources, ["income", "police", "health"]);
        assert_eq!(form.csrf, "x");
    }

    #[test]
    fn every_confirmation_and_label_is_translated() {
        for lang in Lang::ALL {
            for done in DONE {
                let key = format!("admin-done-{done}");
                assert_ne!(t(lang, &key), key);
            }
            for c in Category::ALL {
                let key = format!("admin-category-{}", c.code());
                assert_ne!(t(lang, &key), key);
            }
            for name in ["login", "name", "password", "agency", "territory", "token-name", "days"] {
                let key = format!("admin-field-{name}");
                assert_ne!(t(lang, &key), key);
            }
        }
    }
}
