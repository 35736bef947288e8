//! Explanations: why a family is at its level, in plain words, in kk/ru/en. The words of each
//! rule come from the methodology file; this module fills in the values and the points and puts
//! the lines in order: overrides first, then rules by weight.

use serde::{Deserialize, Serialize};

use super::engine::{Assessment, Quoted};
use super::load::placeholders;
use super::methodology::{Methodology, RuleKind};
use super::texts::{Lang, Texts};
use super::vars::{Unit, Var};
use crate::access::CategorySet;
use crate::money::Tenge;

/// Who reads the explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// A specialist: every line with its points.
    Worker,
    /// The family itself: overrides in the words written for families.
    Family,
}

/// Whether a line is an override or a rule's points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    Override,
    Points,
}

/// One line of an explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub kind: LineKind,
    /// The rule's or override's key in the methodology.
    pub rule: String,
    /// The domain's name (rules only).
    pub domain: Option<String>,
    /// The points (rules only).
    pub points: Option<i64>,
    /// The whole line, ready to show.
    pub text: String,
}

/// Why a family is where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    /// One or two sentences: the points, the level, and whether an override decided it.
    pub summary: String,
    pub lines: Vec<Line>,
}

/// Explains `a`, made by `m`, to `audience` in `lang`.
pub fn explain(a: &Assessment, m: &Methodology, lang: Lang, audience: Audience) -> Explanation {
    let mut lines = Vec::with_capacity(a.overrides.len() + a.contributions.len());
    for applied in &a.overrides {
        let Some(o) = m.overrides.get(usize::from(applied.rule)) else { continue };
        let reason = match (audience, &o.family_reason) {
            (Audience::Family, Some(f)) => f,
            _ => &o.reason,
        };
        let reason = fill(reason.get(lang), None, &applied.values, lang);
        let label = applied.level.label(lang);
        let text = match lang {
            Lang::Kk => format!("Деңгей «{label}» деңгейінен жақсы емес: {reason}"),
            Lang::Ru => format!("Уровень не лучше «{label}»: {reason}"),
            Lang::En => format!("Level no better than “{label}”: {reason}"),
        };
        lines.push(Line {
            kind: LineKind::Override,
            rule: o.key.clone(),
            domain: None,
            points: None,
            text,
        });
    }
    let mut contributions: Vec<_> = a.contributions.iter().collect();
    // By weight; equal weights keep the methodology's order (the sort is stable).
    contributions.sort_by_key(|c| std::cmp::Reverse(c.points.unsigned_abs()));
    for c in contributions {
        let Some(rule) = m.rules.get(usize::from(c.rule)) else { continue };
        let says: Option<&Texts> = match &rule.kind {
            RuleKind::Flag { says, .. } => Some(says),
            RuleKind::Bands { bands, .. } => {
                c.band.and_then(|b| bands.get(usize::from(b))).map(|b| &b.says)
            }
        };
        let Some(says) = says else { continue };
        let said = fill(says.get(lang), Some(rule.var), &c.values, lang);
        lines.push(Line {
            kind: LineKind::Points,
            rule: rule.key.clone(),
            domain: m.domains.get(rule.domain).map(|d| d.name.get(lang).to_owned()),
            points: Some(c.points),
            text: format!("{said}: {}", points(c.points, lang)),
        });
    }
    Explanation { summary: summary(a, lang), lines }
}

/// Leaves out the lines that rest on facts of a sensitive category the reader may not see
/// (`visible` is what they may): hidden facts are absent from the explanation as from the card.
/// An override worded for families keeps its line in the family's wording, which was written
/// to be safe for anyone in the family to read. The summary keeps the total and the level,
/// which the reader may know.
pub fn without_hidden(
    mut e: Explanation,
    m: &Methodology,
    visible: CategorySet,
    audience: Audience,
) -> Explanation {
    let shown = |v: &Var| v.category().is_none_or(|c| visible.contains(c));
    e.lines.retain(|l| match l.kind {
        LineKind::Override => m.overrides.iter().find(|o| o.key == l.rule).is_some_and(|o| {
            let family_words = audience == Audience::Family && o.family_reason.is_some();
            family_words || o.quotes.iter().all(shown)
        }),
        LineKind::Points => m
            .rules
            .iter()
            .find(|r| r.key == l.rule)
            .is_some_and(|r| shown(&r.var) && r.quotes.iter().all(shown)),
    });
    e
}

fn summary(a: &Assessment, lang: Lang) -> String {
    let total = signed(a.total);
    let score = a.score_level.label(lang);
    let level = a.level.label(lang);
    let overridden = a.level != a.score_level;
    match (lang, overridden) {
        (Lang::Kk, false) => format!("Отбасы {total} ұпай жинады: бұл — «{score}» деңгейі."),
        (Lang::Kk, true) => format!(
            "Отбасы {total} ұпай жинады, бұл — «{score}» деңгейі. Ерекше жағдайға байланысты деңгей — «{level}»."
        ),
        (Lang::Ru, false) => {
            format!("Семья набирает {total} {}: это уровень «{score}».", ru_points(a.total))
        }
        (Lang::Ru, true) => format!(
            "Семья набирает {total} {}: это уровень «{score}». Из-за особого обстоятельства уровень — «{level}».",
            ru_points(a.total)
        ),
        (Lang::En, false) => format!("The family scores {total} points: level “{score}”."),
        (Lang::En, true) => format!(
            "The family scores {total} points, which is level “{score}”. Because of a special circumstance the level is “{level}”."
        ),
    }
}

/// "+40 points", "−100 баллов", "+300 ұпай".
pub fn points(n: i64, lang: Lang) -> String {
    let s = signed(n);
    match lang {
        Lang::Kk => format!("{s} ұпай"),
        Lang::Ru => format!("{s} {}", ru_points(n)),
        Lang::En if n.unsigned_abs() == 1 => format!("{s} point"),
        Lang::En => format!("{s} points"),
    }
}

fn signed(n: i64) -> String {
    match n {
        0 => "0".to_owned(),
        n if n > 0 => format!("+{n}"),
        n => format!("−{}", n.unsigned_abs()),
    }
}

/// балл, балла, баллов by the Russian rule for numerals.
fn ru_points(n: i64) -> &'static str {
    let n = n.unsigned_abs();
    match (n % 10, n % 100) {
        (1, r) if r != 11 => "балл",
        (2..=4, r) if !(12..=14).contains(&r) => "балла",
        _ => "баллов",
    }
}

/// The text with `{value}` and `{indicator}` placeholders filled from `values`.
fn fill(text: &str, own: Option<Var>, values: &Quoted, lang: Lang) -> String {
    let mut out = text.to_owned();
    for name in placeholders(text).collect::<Vec<_>>() {
        let var = match (name, own) {
            ("value", Some(v)) => Some(v),
            _ => Var::from_key(name),
        };
        if let Some(v) = var
            && let Some(x) = values.get(v)
        {
            out = out.replace(&format!("{{{name}}}"), &format_value(v.unit(), x, lang));
        }
    }
    out
}

/// A value as a reader writes it: `50 851 ₸` (kk, ru) or `50,851 ₸` (en), `12 га`, `3`.
pub fn format_value(unit: Unit, value: i64, lang: Lang) -> String {
    let number = |n: i64| match lang {
        Lang::En => Tenge(n).to_string().replace('\u{a0}', ",").trim_end_matches(",₸").to_owned(),
        _ => Tenge(n).to_string().trim_end_matches("\u{a0}₸").to_owned(),
    };
    match unit {
        Unit::Tenge => format!("{}\u{a0}₸", number(value)),
        Unit::Count | Unit::Days => number(value),
        Unit::Hectares => match lang {
            Lang::En => format!("{}\u{a0}ha", number(value)),
            _ => format!("{}\u{a0}га", number(value)),
        },
        Unit::SquareMetres => match lang {
            Lang::En => format!("{}\u{a0}m²", number(value)),
            _ => format!("{}\u{a0}м²", number(value)),
        },
        Unit::Flag => match (lang, value != 0) {
            (Lang::Kk, true) => "иә".to_owned(),
            (Lang::Kk, false) => "жоқ".to_owned(),
            (Lang::Ru, true) => "да".to_owned(),
            (Lang::Ru, false) => "нет".to_owned(),
            (Lang::En, true) => "yes".to_owned(),
            (Lang::En, false) => "no".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_readers_write_them() {
        assert_eq!(format_value(Unit::Tenge, 50_851, Lang::En), "50,851\u{a0}₸");
        assert_eq!(format_value(Unit::Tenge, 50_851, Lang::Ru), "50\u{a0}851\u{a0}₸");
        assert_eq!(format_value(Unit::Count, 3, Lang::Kk), "3");
        assert_eq!(points(40, Lang::En), "+40 points");
        assert_eq!(points(-100, Lang::Ru), "−100 баллов");
        assert_eq!(points(21, Lang::Ru), "+21 балл");
        assert_eq!(points(-3, Lang::Ru), "−3 балла");
        assert_eq!(points(12, Lang::Ru), "+12 баллов");
    }
}
