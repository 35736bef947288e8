//! Reading a methodology file (TOML). Every mistake is reported with the file, the line and the
//! key, so that whoever edits the file can find it; the format is in `docs/methodology.md`.

use std::collections::HashSet;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::expr::{Expr, ExprError};
use super::level::Level;
use super::methodology::{
    Band, Cutoffs, Domain, MAX_QUOTED, Methodology, Override, Rule, RuleKind, Scale,
};
use super::texts::{Lang, Texts};
use super::vars::{Unit, Var, Variables};
use crate::dates::parse_iso;

/// Why a methodology file (or the catalogue of measures) was refused: where, and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {key}: {problem}")]
pub struct MethodologyError {
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// The key in the file, e.g. `rule[2].band[1].above`.
    pub key: String,
    pub problem: Problem,
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("{0}")]
    Syntax(String),
    #[error("{0:?} is not an indicator of the assessment (see docs/methodology.md for the list)")]
    UnknownIndicator(String),
    #[error("{0:?} is not one of the domains the file declares")]
    UnknownDomain(String),
    #[error("{0:?} is used twice; keys must be unique")]
    DuplicateKey(String),
    #[error("this band overlaps band {other} of the same rule")]
    OverlappingBands { other: usize },
    #[error("the band is empty: its lower bound is not below its upper bound")]
    EmptyBand,
    #[error("a rule needs either `points` (for a yes/no indicator) or bands, not both")]
    RuleShape,
    #[error("{indicator:?} is {found}, but {needed}")]
    IndicatorKind { indicator: String, found: &'static str, needed: &'static str },
    #[error("cut-offs must fall from A to D (A > B > C > D); here {upper} ≤ {lower}")]
    CutoffsOutOfOrder { upper: &'static str, lower: &'static str },
    #[error("{0:?} is not a level; levels are A, B, C, D and E")]
    UnknownLevel(String),
    #[error("{0}")]
    Expression(ExprError),
    #[error("{0} is not a number with at most three decimals")]
    BadNumber(String),
    #[error("{0:?} is not a scale; scales are \"units\" and \"pm\"")]
    UnknownScale(String),
    #[error("the {0} text is empty")]
    EmptyText(&'static str),
    #[error("the text names {{{0}}}, which is neither `value` nor an indicator")]
    UnknownPlaceholder(String),
    #[error("a line quotes at most {MAX_QUOTED} values")]
    TooManyQuotes,
    #[error("{0:?} is not a date of the form YYYY-MM-DD")]
    BadDate(String),
    #[error(
        "the version id is empty or has characters other than letters, digits, '.', '-' and '_'"
    )]
    BadVersion,
    #[error("the file declares no rules")]
    NoRules,
    #[error("a proactive measure needs an `eligible` rule and an `offer` message")]
    ProactiveShape,
}

impl Problem {
    /// Stable code, for translation and tests.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Syntax(_) => "methodology.syntax",
            Problem::UnknownIndicator(_) => "methodology.unknown_indicator",
            Problem::UnknownDomain(_) => "methodology.unknown_domain",
            Problem::DuplicateKey(_) => "methodology.duplicate_key",
            Problem::OverlappingBands { .. } => "methodology.overlapping_bands",
            Problem::EmptyBand => "methodology.empty_band",
            Problem::RuleShape => "methodology.rule_shape",
            Problem::IndicatorKind { .. } => "methodology.indicator_kind",
            Problem::CutoffsOutOfOrder { .. } => "methodology.cutoffs_order",
            Problem::UnknownLevel(_) => "methodology.unknown_level",
            Problem::Expression(_) => "methodology.expression",
            Problem::BadNumber(_) => "methodology.bad_number",
            Problem::UnknownScale(_) => "methodology.unknown_scale",
            Problem::EmptyText(_) => "methodology.empty_text",
            Problem::UnknownPlaceholder(_) => "methodology.unknown_placeholder",
            Problem::TooManyQuotes => "methodology.too_many_quotes",
            Problem::BadDate(_) => "methodology.bad_date",
            Problem::BadVersion => "methodology.bad_version",
            Problem::NoRules => "methodology.no_rules",
            Problem::ProactiveShape => "measures.proactive_shape",
        }
    }
}

impl MethodologyError {
    pub fn code(&self) -> &'static str {
        self.problem.code()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    version: Spanned<String>,
    effective_from: Spanned<String>,
    #[serde(default)]
    reconstruction: bool,
    title: Spanned<Texts>,
    note: Option<Spanned<Texts>>,
    cutoffs: Spanned<RawCutoffs>,
    #[serde(rename = "domain", default)]
    domains: Vec<RawDomain>,
    #[serde(rename = "rule", default)]
    rules: Vec<Spanned<RawRule>>,
    #[serde(rename = "override", default)]
    overrides: Vec<RawOverride>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCutoffs {
    #[serde(rename = "A")]
    a: Spanned<i64>,
    #[serde(rename = "B")]
    b: Spanned<i64>,
    #[serde(rename = "C")]
    c: Spanned<i64>,
    #[serde(rename = "D")]
    d: Spanned<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDomain {
    key: Spanned<String>,
    name: Spanned<Texts>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    key: Spanned<String>,
    domain: Spanned<String>,
    indicator: Spanned<String>,
    scale: Option<Spanned<String>>,
    points: Option<i64>,
    says: Option<Spanned<Texts>>,
    #[serde(rename = "band", default)]
    bands: Vec<Spanned<RawBand>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    above: Option<Spanned<Number>>,
    upto: Option<Spanned<Number>>,
    points: i64,
    says: Spanned<Texts>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(untagged)]
enum Number {
    Int(i64),
    Float(f64),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    key: Spanned<String>,
    when: Spanned<String>,
    level: Spanned<String>,
    reason: Spanned<Texts>,
    family_reason: Option<Spanned<Texts>>,
}

/// Where errors point: the file's name and text.
pub(crate) struct At<'a> {
    pub(crate) file: &'a str,
    pub(crate) text: &'a str,
}

impl At<'_> {
    pub(crate) fn error(
        &self,
        span: Range<usize>,
        key: impl Into<String>,
        problem: Problem,
    ) -> MethodologyError {
        let start = span.start.min(self.text.len());
        let line = self.text.as_bytes()[..start].iter().filter(|b| **b == b'\n').count() + 1;
        MethodologyError { file: self.file.to_owned(), line, key: key.into(), problem }
    }
}

/// Reads and checks a methodology. `file` names it in errors.
pub fn parse_methodology(file: &str, text: &str) -> Result<Methodology, MethodologyError> {
    let at = At { file, text };
    let raw: RawFile = from_toml(&at)?;

    let version = raw.version.get_ref().trim().to_owned();
    if version.is_empty()
        || !version.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        return Err(at.error(raw.version.span(), "version", Problem::BadVersion));
    }
    let effective_from = parse_iso(raw.effective_from.get_ref()).map_err(|_| {
        at.error(
            raw.effective_from.span(),
            "effective_from",
            Problem::BadDate(raw.effective_from.get_ref().clone()),
        )
    })?;
    let title = texts(&at, &raw.title, "title")?;
    let note = raw.note.as_ref().map(|n| texts(&at, n, "note")).transpose()?;
    let cutoffs = cutoffs(&at, raw.cutoffs.get_ref())?;

    let mut domains: Vec<Domain> = Vec::with_capacity(raw.domains.len());
    for (i, d) in raw.domains.iter().enumerate() {
        let key = d.key.get_ref().clone();
        if domains.iter().any(|x| x.key == key) {
            return Err(at.error(
                d.key.span(),
                format!("domain[{i}].key"),
                Problem::DuplicateKey(key),
            ));
        }
        let name = texts(&at, &d.name, &format!("domain[{i}].name"))?;
        domains.push(Domain { key, name });
    }

    if raw.rules.is_empty() {
        return Err(at.error(0..0, "rule", Problem::NoRules));
    }
    let mut rules: Vec<Rule> = Vec::with_capacity(raw.rules.len());
    let mut keys = HashSet::new();
    for (i, r) in raw.rules.iter().enumerate() {
        let rule = rule(&at, i, r, &domains)?;
        if !keys.insert(rule.key.clone()) {
            let r = r.get_ref();
            return Err(at.error(
                r.key.span(),
                format!("rule[{i}].key"),
                Problem::DuplicateKey(rule.key),
            ));
        }
        rules.push(rule);
    }

    let mut overrides: Vec<Override> = Vec::with_capacity(raw.overrides.len());
    for (i, o) in raw.overrides.iter().enumerate() {
        let key = o.key.get_ref().clone();
        if overrides.iter().any(|x| x.key == key) {
            return Err(at.error(
                o.key.span(),
                format!("override[{i}].key"),
                Problem::DuplicateKey(key),
            ));
        }
        let when = condition(&at, &o.when, format!("override[{i}].when"))?;
        let level = o.level.get_ref().parse::<Level>().map_err(|_| {
            at.error(
                o.level.span(),
                format!("override[{i}].level"),
                Problem::UnknownLevel(o.level.get_ref().clone()),
            )
        })?;
        let reason = texts(&at, &o.reason, &format!("override[{i}].reason"))?;
        let family_reason = o
            .family_reason
            .as_ref()
            .map(|t| texts(&at, t, &format!("override[{i}].family_reason")))
            .transpose()?;
        let mut quotes: Vec<Var> =
            when.slots().iter().filter_map(|s| Var::ALL.get(*s).copied()).collect();
        for (t, name) in [(Some(&o.reason), "reason"), (o.family_reason.as_ref(), "family_reason")]
        {
            if let Some(t) = t {
                add_placeholders(&at, t, &format!("override[{i}].{name}"), None, &mut quotes)?;
            }
        }
        if quotes.len() > MAX_QUOTED {
            return Err(at.error(o.when.span(), format!("override[{i}]"), Problem::TooManyQuotes));
        }
        overrides.push(Override { key, when, level, reason, family_reason, quotes });
    }

    Ok(Methodology {
        version,
        effective_from,
        title,
        reconstruction: raw.reconstruction,
        note,
        domains,
        rules,
        cutoffs,
        overrides,
    })
}

fn rule(
    at: &At<'_>,
    i: usize,
    spanned: &Spanned<RawRule>,
    domains: &[Domain],
) -> Result<Rule, MethodologyError> {
    let r = spanned.get_ref();
    let path = format!("rule[{i}]");
    let domain = domains.iter().position(|d| d.key == *r.domain.get_ref()).ok_or_else(|| {
        at.error(
            r.domain.span(),
            format!("{path}.domain"),
            Problem::UnknownDomain(r.domain.get_ref().clone()),
        )
    })?;
    let var = Var::from_key(r.indicator.get_ref()).ok_or_else(|| {
        at.error(
            r.indicator.span(),
            format!("{path}.indicator"),
            Problem::UnknownIndicator(r.indicator.get_ref().clone()),
        )
    })?;
    let kind_error = |needed: &'static str| {
        let found = if var.unit() == Unit::Flag { "a yes/no indicator" } else { "a number" };
        at.error(
            r.indicator.span(),
            format!("{path}.indicator"),
            Problem::IndicatorKind { indicator: var.key().to_owned(), found, needed },
        )
    };
    let mut quotes = Vec::new();
    let kind = match (r.points, &r.says, r.bands.is_empty()) {
        (Some(points), Some(says), true) => {
            if var.unit() != Unit::Flag {
                return Err(kind_error("a rule with `points` and no bands needs a yes/no one"));
            }
            if r.scale.is_some() {
                return Err(at.error(spanned.span(), format!("{path}.scale"), Problem::RuleShape));
            }
            let says_texts = texts(at, says, &format!("{path}.says"))?;
            add_placeholders(at, says, &format!("{path}.says"), Some(var), &mut quotes)?;
            RuleKind::Flag { points, says: says_texts }
        }
        (None, None, false) => {
            if var.unit() == Unit::Flag {
                return Err(kind_error("bands need a number"));
            }
            let scale = match r.scale.as_ref().map(|s| s.get_ref().as_str()) {
                None | Some("units") => Scale::Units,
                Some("pm") if var.unit() == Unit::Tenge => Scale::Pm,
                Some("pm") => return Err(kind_error("bands in ПМ need an amount of money")),
                Some(other) => {
                    let span = r.scale.as_ref().map_or(0..0, Spanned::span);
                    return Err(at.error(
                        span,
                        format!("{path}.scale"),
                        Problem::UnknownScale(other.to_owned()),
                    ));
                }
            };
            let mut bands: Vec<(Band, Range<usize>)> = Vec::with_capacity(r.bands.len());
            for (j, b) in r.bands.iter().enumerate() {
                let bpath = format!("{path}.band[{j}]");
                let raw = b.get_ref();
                let bound = |n: &Option<Spanned<Number>>, name: &str| {
                    n.as_ref()
                        .map(|s| {
                            thousandths(*s.get_ref()).ok_or_else(|| {
                                at.error(
                                    s.span(),
                                    format!("{bpath}.{name}"),
                                    Problem::BadNumber(show(*s.get_ref())),
                                )
                            })
                        })
                        .transpose()
                };
                let above = bound(&raw.above, "above")?;
                let upto = bound(&raw.upto, "upto")?;
                if let (Some(a), Some(u)) = (above, upto)
                    && a >= u
                {
                    return Err(at.error(b.span(), bpath, Problem::EmptyBand));
                }
                let says = texts(at, &raw.says, &format!("{bpath}.says"))?;
                add_placeholders(at, &raw.says, &format!("{bpath}.says"), Some(var), &mut quotes)?;
                let band = Band { above, upto, points: raw.points, says };
                if let Some(other) = bands.iter().position(|(o, _)| overlap(o, &band)) {
                    return Err(at.error(b.span(), bpath, Problem::OverlappingBands { other }));
                }
                bands.push((band, b.span()));
            }
            RuleKind::Bands { scale, bands: bands.into_iter().map(|(b, _)| b).collect() }
        }
        _ => return Err(at.error(spanned.span(), path, Problem::RuleShape)),
    };
    let implicit = 1 + usize::from(matches!(kind, RuleKind::Bands { scale: Scale::Pm, .. }));
    quotes.retain(|v| *v != var);
    if quotes.len() + implicit > MAX_QUOTED {
        return Err(at.error(spanned.span(), format!("{i}"), Problem::TooManyQuotes));
    }
    Ok(Rule { key: r.key.get_ref().clone(), domain, var, kind, quotes })
}

/// Whether two `(above, upto]` bands share a value.
fn overlap(x: &Band, y: &Band) -> bool {
    let below = |upper: Option<i64>, lower: Option<i64>| match (upper, lower) {
        (Some(u), Some(l)) => u <= l,
        _ => false,
    };
    !(below(x.upto, y.above) || below(y.upto, x.above))
}

fn thousandths(n: Number) -> Option<i64> {
    match n {
        Number::Int(i) => i.checked_mul(1000),
        Number::Float(f) => {
            let scaled = f * 1000.0;
            let rounded = scaled.round();
            ((scaled - rounded).abs() < 1e-6 && rounded.abs() < 9.0e15).then_some(rounded as i64)
        }
    }
}

fn show(n: Number) -> String {
    match n {
        Number::Int(i) => i.to_string(),
        Number::Float(f) => f.to_string(),
    }
}

fn cutoffs(at: &At<'_>, c: &RawCutoffs) -> Result<Cutoffs, MethodologyError> {
    let pairs = [(&c.a, "A", &c.b, "B"), (&c.b, "B", &c.c, "C"), (&c.c, "C", &c.d, "D")];
    for (upper, un, lower, ln) in pairs {
        if upper.get_ref() <= lower.get_ref() {
            return Err(at.error(
                lower.span(),
                format!("cutoffs.{ln}"),
                Problem::CutoffsOutOfOrder { upper: un, lower: ln },
            ));
        }
    }
    Ok(Cutoffs { a: *c.a.get_ref(), b: *c.b.get_ref(), c: *c.c.get_ref(), d: *c.d.get_ref() })
}

pub(crate) fn texts(at: &At<'_>, t: &Spanned<Texts>, key: &str) -> Result<Texts, MethodologyError> {
    if let Some(lang) = t.get_ref().missing() {
        return Err(at.error(
            t.span(),
            format!("{key}.{}", lang.code()),
            Problem::EmptyText(lang.code()),
        ));
    }
    Ok(t.get_ref().clone())
}

/// Adds the variables `{name}` placeholders of `t` quote to `quotes`; `{value}` is the rule's
/// own variable (`own`).
fn add_placeholders(
    at: &At<'_>,
    t: &Spanned<Texts>,
    key: &str,
    own: Option<Var>,
    quotes: &mut Vec<Var>,
) -> Result<(), MethodologyError> {
    for lang in Lang::ALL {
        for name in placeholders(t.get_ref().get(lang)) {
            let var = match (name, own) {
                ("value", Some(v)) => v,
                _ => Var::from_key(name).ok_or_else(|| {
                    at.error(
                        t.span(),
                        format!("{key}.{}", lang.code()),
                        Problem::UnknownPlaceholder(name.to_owned()),
                    )
                })?,
            };
            if !quotes.contains(&var) {
                quotes.push(var);
            }
        }
    }
    Ok(())
}

/// The names in `{…}` of a text.
pub(crate) fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    text.split('{').skip(1).filter_map(|part| part.split_once('}').map(|(name, _)| name.trim()))
}

/// The file read into `T`; a TOML mistake is reported at its line, under the nearest table.
pub(crate) fn from_toml<T: serde::de::DeserializeOwned>(
    at: &At<'_>,
) -> Result<T, MethodologyError> {
    toml::from_str(at.text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let key = syntax_key(at.text, span.start);
        at.error(span, key, Problem::Syntax(e.message().trim().to_owned()))
    })
}

/// A condition compiled over the assessment's variables; a mistake is reported at the line of
/// the offending character inside the quoted expression.
pub(crate) fn condition(
    at: &At<'_>,
    text: &Spanned<String>,
    key: String,
) -> Result<Expr, MethodologyError> {
    Expr::compile(text.get_ref(), &Variables).map_err(|e| {
        let start = text.span().start + 1 + e.offset;
        at.error(start..start, key, Problem::Expression(e))
    })
}

/// A best guess at the key a syntax error is in: the nearest `[table]` header above it.
fn syntax_key(text: &str, offset: usize) -> String {
    let before = &text[..offset.min(text.len())];
    before
        .lines()
        .rev()
        .find_map(|l| {
            let l = l.trim();
            l.starts_with('[').then(|| l.trim_matches(|c| c == '[' || c == ']').to_owned())
        })
        .unwrap_or_else(|| "(top)".to_owned())
}
