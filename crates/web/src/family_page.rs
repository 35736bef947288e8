//! What the family page shows: the family's number and where it lives, and its well-being
//! assessment explained, ready for the template.

use shanyraq_app::assess::AssessmentView;
use shanyraq_domain::Territory;
use shanyraq_domain::assessment::explain::points;
use shanyraq_domain::assessment::{Audience, Explanation, Lang as TextLang, Level, LineKind};
use shanyraq_domain::dates::dotted;
use shanyraq_store::HistoryEntry;

use crate::api::dto::localized_name;
use crate::i18n;
use crate::lang::Lang;

/// A territory the family lives in, from the nearest up to the region.
#[derive(Debug, Clone)]
pub struct Place {
    pub name: String,
    /// Set when the name is in another language than the page (a settlement's Kazakh name on
    /// an English page).
    pub lang: Option<&'static str>,
}

/// Places from the family's own territory up to its region.
pub fn places(territory: &Territory, ancestry: &[Territory], lang: Lang) -> Vec<Place> {
    std::iter::once(territory)
        .chain(ancestry.iter().rev())
        .map(|t| {
            let (name, in_lang) = localized_name(t, lang);
            Place { name: name.to_owned(), lang: (in_lang != lang).then(|| in_lang.code()) }
        })
        .collect()
}

/// A level as a page shows it: letter and word, with a colour class as a third cue.
#[derive(Debug, Clone)]
pub struct LevelBadge {
    pub letter: &'static str,
    pub word: &'static str,
    /// `level-a` … `level-e`.
    pub class: &'static str,
}

impl LevelBadge {
    pub fn new(level: Level, lang: TextLang) -> LevelBadge {
        let class = match level {
            Level::A => "level-a",
            Level::B => "level-b",
            Level::C => "level-c",
            Level::D => "level-d",
            Level::E => "level-e",
        };
        LevelBadge { letter: level.letter(), word: level.word(lang), class }
    }
}

/// One reason of the explanation.
#[derive(Debug, Clone)]
pub struct Reason {
    pub is_override: bool,
    /// The domain of life (rules only).
    pub domain: Option<String>,
    /// The reason without its points.
    pub text: String,
    /// "+40 points" (rules only).
    pub points: Option<String>,
}

/// One row of the level history.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    pub date: String,
    pub level: LevelBadge,
    pub total: String,
    pub methodology: String,
    pub trigger: String,
}

/// The assessment section of the page.
#[derive(Debug, Clone)]
pub struct AssessmentSection {
    pub level: LevelBadge,
    pub summary: String,
    pub assessed_on: String,
    pub total: String,
    pub methodology_title: String,
    pub methodology_version: String,
    pub reconstruction: bool,
    pub note: Option<String>,
    /// Overrides first, then rules by weight.
    pub reasons: Vec<Reason>,
    /// Newest first.
    pub history: Vec<HistoryRow>,
}

impl AssessmentSection {
    pub fn new(v: &AssessmentView, e: &Explanation, lang: Lang) -> AssessmentSection {
        let text_lang = TextLang::from(lang);
        let reasons = e
            .lines
            .iter()
            .map(|line| {
                let shown = line.points.map(|p| points(p, text_lang));
                // The line ends with its points; the page shows them in a column of their own.
                let text = shown
                    .as_ref()
                    .and_then(|p| line.text.strip_suffix(p.as_str()))
                    .and_then(|t| t.strip_suffix(": "))
                    .unwrap_or(&line.text)
                    .to_owned();
                Reason {
                    is_override: line.kind == LineKind::Override,
                    domain: line.domain.clone(),
                    text,
                    points: shown,
                }
            })
            .collect();
        let m = &v.methodology;
        AssessmentSection {
            level: LevelBadge::new(v.stored.level, text_lang),
            summary: e.summary.clone(),
            assessed_on: dotted(v.stored.assessed_on),
            total: number(v.stored.total, lang),
            methodology_title: m.title.get(text_lang).to_owned(),
            methodology_version: m.version.clone(),
            reconstruction: m.reconstruction,
            note: m.note.as_ref().map(|n| n.get(text_lang).to_owned()),
            reasons,
            history: v.history.iter().rev().map(|h| history_row(h, lang)).collect(),
        }
    }
}

fn history_row(h: &HistoryEntry, lang: Lang) -> HistoryRow {
    HistoryRow {
        date: dotted(h.assessed_on),
        level: LevelBadge::new(h.level, lang.into()),
        total: number(h.total, lang),
        methodology: h.methodology.clone(),
        trigger: i18n::t(lang, &format!("trigger-{}", h.trigger.code())),
    }
}

/// Who the explanation is worded for, and the links that switch between the two.
#[derive(Debug, Clone)]
pub struct AudienceChoice {
    pub family: bool,
    pub worker_href: String,
    pub family_href: String,
}

impl AudienceChoice {
    /// `keep` (`purpose=…`, already encoded) stays on both links.
    pub fn new(id: i64, audience: Audience, keep: Option<&str>) -> AudienceChoice {
        let (worker, family) = match keep {
            Some(k) => (format!("?{k}"), format!("&{k}")),
            None => (String::new(), String::new()),
        };
        AudienceChoice {
            family: audience == Audience::Family,
            worker_href: format!("/families/{id}{worker}"),
            family_href: format!("/families/{id}?audience=family{family}"),
        }
    }
}

/// A whole number as readers write it: `1 250` in kk and ru, `1,250` in English, with a true
/// minus sign.
pub fn number(n: i64, lang: Lang) -> String {
    let digits = n.unsigned_abs().to_string();
    let sep = if lang == Lang::En { ',' } else { '\u{a0}' };
    let mut out = String::with_capacity(digits.len() + 6);
    if n < 0 {
        out.push('−');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_and_signed() {
        assert_eq!(number(0, Lang::Kk), "0");
        assert_eq!(number(-458, Lang::Ru), "−458");
        assert_eq!(number(1250, Lang::Ru), "1\u{a0}250");
        assert_eq!(number(-1_234_567, Lang::En), "−1,234,567");
        assert_eq!(number(999, Lang::En), "999");
    }

    #[test]
    fn every_trigger_has_words_in_every_language() {
        for trigger in shanyraq_domain::assessment::Trigger::ALL {
            let key = format!("trigger-{}", trigger.code());
            for lang in Lang::ALL {
                assert_ne!(i18n::t(lang, &key), key, "{lang} lacks {key}");
            }
        }
    }
}
