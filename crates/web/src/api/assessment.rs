//! Well-being assessments over the API: a family's level with its explanation and history, and
//! families by level across a territory.

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use shanyraq_app::assess::AssessmentView;
use shanyraq_app::authz::AccessContext;
use shanyraq_domain::access::{self, Action, CategorySet};
use std::collections::BTreeMap;

use shanyraq_domain::assessment::{Audience, Level, explain, without_hidden};
use shanyraq_domain::dates::{iso, parse_iso};
use shanyraq_domain::{FamilyId, KatoLevel};
use time::Date;

use super::dto::{
    FamilyAssessmentView, LevelCountsView, LevelStatsView, LevelTotalsView, MovementView,
    TerritoryLevelsView, localized_name,
};
use super::{ApiResult, parse_family_id, parse_kato, path_value};
use crate::auth::{ApiPurpose, ApiUser};
use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::extract::ReqLang;
use crate::state::AppState;

/// The query of the assessment: who the texts are for.
#[derive(Debug, Deserialize)]
pub struct AssessmentParams {
    audience: Option<String>,
}

/// `worker` (the default) or `family`.
pub fn parse_audience(text: Option<&str>) -> Result<Audience, ApiError> {
    match text {
        None | Some("worker") => Ok(Audience::Worker),
        Some("family") => Ok(Audience::Family),
        Some(_) => Err(ApiError::bad_request("audience.invalid")),
    }
}

/// The family's stored assessment, after checking and recording that `ctx` may read the
/// family, with the sensitive categories the reader may see; `assessment.none` when the family
/// was never assessed.
pub async fn family_assessment_or_error(
    state: &AppState,
    ctx: &AccessContext,
    id: FamilyId,
) -> Result<(AssessmentView, CategorySet), ApiError> {
    let allowed = state.services.check_family(ctx, Action::Read, id).await?;
    match state.services.assessment(id).await? {
        Some(view) => Ok((view, allowed.visible)),
        None => Err(ApiError::new(StatusCode::NOT_FOUND, "assessment.none").arg("id", id)),
    }
}

/// A family's well-being level, why it is there in plain words, and its level history.
///
/// Texts (the level's word, the summary, every explanation line, the methodology's title) are
/// in the request's language. `audience=family` words some reasons for the family itself
/// rather than for a specialist.
#[utoipa::path(
    get,
    path = "/api/v1/families/{id}/assessment",
    tag = "assessments",
    params(
        ("id" = i64, Path, description = "Family id, a positive integer", example = 42),
        ("audience" = Option<String>, Query,
            description = "Who the texts are for: `worker` (a specialist; the default) or \
            `family`.",
            example = "worker"),
        ("purpose" = Option<String>, Query, description = "Why the family is opened, when its \
            record holds sensitive facts; the `X-Purpose` header (UTF-8) may carry it instead."),
    ),
    responses(
        (status = 200, description = "The family's assessment.", body = FamilyAssessmentView),
        (status = 400, description = "Not a family id (`family_id.invalid`), an audience other \
            than worker or family (`audience.invalid`), a query string that cannot be read, \
            such as a parameter given twice (`query.invalid`), a path that is not UTF-8 \
            (`path.invalid`), or a stated purpose that is empty (`access.purpose_empty`), \
            longer than 500 characters (`access.purpose_long`) or not one line of text \
            (`access.purpose_control`).", body = ErrorBody),
        (status = 403, description = "No such family, or the account may not read it: the \
            two are not told apart (`access.denied`).", body = ErrorBody),
        (status = 404, description = "The family has never been assessed \
            (`assessment.none`).", body = ErrorBody),
        (status = 428, description = "The family's record holds sensitive facts the account \
            may see: state why you open it in the X-Purpose header or the purpose parameter \
            first (`access.purpose_required`).", body = ErrorBody),
    )
)]
pub async fn family_assessment(
    user: ApiUser,
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    id: Result<Path<String>, PathRejection>,
    params: Result<Query<AssessmentParams>, QueryRejection>,
    ApiPurpose(purpose): ApiPurpose,
) -> ApiResult<FamilyAssessmentView> {
    let id = parse_family_id(&path_value(id)?)?;
    let Query(params) = params.map_err(|_| ApiError::bad_request("query.invalid"))?;
    let audience = parse_audience(params.audience.as_deref())?;
    let (view, visible) = family_assessment_or_error(&state, &user.context(purpose), id).await?;
    let lang = lang.into();
    let explanation = explain(&view.assessment, &view.methodology, lang, audience);
    // Lines resting on facts the reader may not see are left out, as the facts are.
    let explanation = without_hidden(explanation, &view.methodology, visible, audience);
    Ok(Json(FamilyAssessmentView::new(&view, &explanation, lang, audience)))
}

/// The query of the level statistics. Text here, so that a bad value gets our own error.
#[derive(Debug, Deserialize)]
pub struct StatsParams {
    territory: Option<String>,
    by: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

fn parse_by(text: &str) -> Result<KatoLevel, ApiError> {
    match text {
        "region" => Ok(KatoLevel::Region),
        "district" => Ok(KatoLevel::District),
        "okrug" => Ok(KatoLevel::Okrug),
        "settlement" => Ok(KatoLevel::Settlement),
        _ => Err(ApiError::bad_request("stats.by_invalid")),
    }
}

fn parse_date(field: &'static str, text: &str) -> Result<Date, ApiError> {
    parse_iso(text)
        .map_err(|e| ApiError::bad_request(e.code()).arg("field", field).arg("text", e.text()))
}

/// Assessed families of a territory's subtree by level, grouped by the territories at the
/// level `by`; with `from` and `to`, also how families moved between levels over that period.
#[utoipa::path(
    get,
    path = "/api/v1/stats/levels",
    tag = "assessments",
    params(
        ("territory" = String, Query, description = "KATO code of the subtree's root",
            example = "110000000"),
        ("by" = Option<String>, Query,
            description = "The level of the territories the counts are grouped by: `region`, \
            `district`, `okrug` or `settlement`; not above the territory's own level. When \
            omitted, `district`, or the territory's own level when that is deeper. A family \
            whose territory lies above this level is counted at its own code.",
            example = "district"),
        ("from" = Option<String>, Query, description = "The first day of the period of the \
            movements between levels, `YYYY-MM-DD`; give it with `to`, or give neither",
            example = "2026-01-01"),
        ("to" = Option<String>, Query, description = "The last day of the period, \
            `YYYY-MM-DD`", example = "2026-11-30"),
    ),
    responses(
        (status = 200, description = "Families by level.", body = LevelStatsView),
        (status = 400, description = "No territory (`stats.territory_missing`); a bad KATO \
            code (`kato.empty`, `kato.length`, `kato.non_digit`, `kato.no_region`); a level to \
            group by that is not one (`stats.by_invalid`) or lies above the territory \
            (`stats.by_above_territory`); a date not written as YYYY-MM-DD (`date.format`) or \
            naming a day the calendar lacks (`date.nonexistent`); only one end of the period \
            (`stats.period_incomplete`); a period that starts after it ends (`stats.period`); a \
            query string that cannot be read, such as a parameter given twice \
            (`query.invalid`).", body = ErrorBody),
        (status = 403, description = "The account may count no family in this territory \
            (`access.denied`).", body = ErrorBody),
        (status = 404, description = "No such territory (`not_found`).", body = ErrorBody),
    )
)]
pub async fn level_stats(
    user: ApiUser,
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    params: Result<Query<StatsParams>, QueryRejection>,
) -> ApiResult<LevelStatsView> {
    let Query(params) = params.map_err(|_| ApiError::bad_request("query.invalid"))?;
    let territory = params
        .territory
        .as_deref()
        .ok_or_else(|| ApiError::bad_request("stats.territory_missing"))?;
    let root = parse_kato(territory)?;
    let by = match params.by.as_deref() {
        Some(text) => parse_by(text)?,
        None => KatoLevel::District.max(root.level()),
    };
    if by < root.level() {
        return Err(ApiError::bad_request("stats.by_above_territory").arg("territory", root));
    }
    let period = match (params.from.as_deref(), params.to.as_deref()) {
        (None, None) => None,
        (Some(from), Some(to)) => {
            let (from, to) = (parse_date("from", from)?, parse_date("to", to)?);
            if from > to {
                return Err(ApiError::bad_request("stats.period"));
            }
            Some((from, to))
        }
        _ => return Err(ApiError::bad_request("stats.period_incomplete")),
    };

    let ctx = user.context(None);
    let cells = state.services.count_levels(&ctx, root, by).await?;
    let suppressed = cells.suppressed;
    // Movements over the same part of the territory the counts cover, with the same
    // suppression of small numbers.
    let movements = match period {
        Some((from, to)) => {
            let grant = access::territory_grant(&ctx.principal, Action::Count, root);
            let mut merged: BTreeMap<(Option<Level>, Level), u64> = BTreeMap::new();
            for r in grant.roots {
                for m in state.services.level_movements(r, from, to).await? {
                    *merged.entry((m.from, m.to)).or_default() += m.families;
                }
            }
            let shown = |n: u64| (!suppressed || n >= access::SMALL_CELL).then_some(n);
            Some(
                merged
                    .into_iter()
                    .map(|((from, to), n)| MovementView {
                        from: from.map(Into::into),
                        to: to.into(),
                        families: shown(n),
                    })
                    .collect(),
            )
        }
        None => None,
    };

    // The cells come by territory, then level.
    let mut counts: Vec<TerritoryLevelsView> = Vec::new();
    let mut totals = LevelCountsView::zero();
    for &(territory, level, families) in &cells.cells {
        totals.add(level, families);
        let code = territory.to_string();
        if counts.last().is_none_or(|c| c.territory != code) {
            let name = state
                .territories
                .get(&state.services, territory)
                .await?
                .map(|t| localized_name(&t, lang).0.to_owned());
            counts.push(TerritoryLevelsView {
                territory: code,
                name,
                levels: LevelCountsView::zero(),
                total: Some(0),
            });
        }
        if let Some(group) = counts.last_mut() {
            group.levels.add(level, families);
            group.total = group.levels.total();
        }
    }
    Ok(Json(LevelStatsView {
        territory: root.to_string(),
        by: by.into(),
        from: period.map(|(from, _)| iso(from)),
        to: period.map(|(_, to)| iso(to)),
        suppressed,
        counts,
        totals: LevelTotalsView { levels: totals, total: totals.total() },
        movements,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audiences_and_levels_parse_and_refuse_strangers() {
        assert_eq!(parse_audience(None), Ok(Audience::Worker));
        assert_eq!(parse_audience(Some("family")), Ok(Audience::Family));
        assert_eq!(parse_audience(Some("Family")).map_err(|e| e.code), Err("audience.invalid"));
        assert_eq!(parse_by("okrug"), Ok(KatoLevel::Okrug));
        assert_eq!(parse_by("districts").map_err(|e| e.code), Err("stats.by_invalid"));
        assert_eq!(parse_date("from", "2026-02-30").map_err(|e| e.code), Err("date.nonexistent"));
        assert_eq!(parse_date("from", "30.11.2026").map_err(|e| e.code), Err("date.format"));
    }
}
