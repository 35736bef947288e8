//! The JSON shapes of well-being assessments: a family's level with its explanation and
//! history, and families by level across territories.

use serde::Serialize;
use shanyraq_app::assess::AssessmentView;
use shanyraq_domain::assessment::{
    Audience, Explanation, Lang as TextLang, Level, Line, LineKind, Methodology, Trigger,
};
use shanyraq_domain::dates::iso;
use shanyraq_store::HistoryEntry;
use utoipa::ToSchema;

use super::Level as KatoLevelView;

/// A well-being level's letter: `A` (well-off) to `E` (critical).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub enum LevelLetter {
    A,
    B,
    C,
    D,
    E,
}

impl From<Level> for LevelLetter {
    fn from(l: Level) -> LevelLetter {
        match l {
            Level::A => LevelLetter::A,
            Level::B => LevelLetter::B,
            Level::C => LevelLetter::C,
            Level::D => LevelLetter::D,
            Level::E => LevelLetter::E,
        }
    }
}

/// A well-being level, always shown as its letter and its word.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LevelView {
    pub letter: LevelLetter,
    /// The level's word in the request's language.
    #[schema(example = "crisis")]
    pub word: String,
    /// Letter and word together, as pages show it.
    #[schema(example = "D — crisis")]
    pub label: String,
}

impl LevelView {
    pub fn new(level: Level, lang: TextLang) -> LevelView {
        LevelView {
            letter: level.into(),
            word: level.word(lang).to_owned(),
            label: level.label(lang),
        }
    }
}

/// Who an explanation is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AudienceView {
    /// A specialist.
    Worker,
    /// The family itself: some reasons are worded for the family.
    Family,
}

impl From<Audience> for AudienceView {
    fn from(a: Audience) -> AudienceView {
        match a {
            Audience::Worker => AudienceView::Worker,
            Audience::Family => AudienceView::Family,
        }
    }
}

/// What set an assessment off: a run over every family, changed facts, a new methodology
/// version, or a request for this family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TriggerView {
    Full,
    Facts,
    Methodology,
    Manual,
}

impl From<Trigger> for TriggerView {
    fn from(t: Trigger) -> TriggerView {
        match t {
            Trigger::Full => TriggerView::Full,
            Trigger::Facts => TriggerView::Facts,
            Trigger::Methodology => TriggerView::Methodology,
            Trigger::Manual => TriggerView::Manual,
        }
    }
}

/// The methodology version that made an assessment.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MethodologyView {
    /// Stable id of the version.
    #[schema(example = "ckc-2023-r1")]
    pub version: String,
    /// The first day it applies.
    #[schema(format = Date, example = "2023-07-01")]
    pub effective_from: String,
    /// In the request's language.
    pub title: String,
    /// Whether it is a reconstruction of a published method rather than its official text.
    pub reconstruction: bool,
    /// What a reader should know about it, in the request's language.
    pub note: Option<String>,
}

impl MethodologyView {
    pub fn new(m: &Methodology, lang: TextLang) -> MethodologyView {
        MethodologyView {
            version: m.version.clone(),
            effective_from: iso(m.effective_from),
            title: m.title.get(lang).to_owned(),
            reconstruction: m.reconstruction,
            note: m.note.as_ref().map(|n| n.get(lang).to_owned()),
        }
    }
}

/// Whether an explanation line is a hard override or a rule's points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineKindView {
    /// A circumstance no sum of points can average away: the level is at least the one named.
    Override,
    /// Points a rule gave.
    Points,
}

/// One line of an explanation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExplanationLineView {
    pub kind: LineKindView,
    /// The rule's or override's key in the methodology.
    #[schema(example = "income.per_capita")]
    pub rule: String,
    /// The domain of life the rule belongs to, in the request's language; `null` for overrides.
    pub domain: Option<String>,
    /// The points the rule gave; `null` for overrides.
    pub points: Option<i64>,
    /// The whole line, ready to show, in the request's language.
    pub text: String,
}

impl From<&Line> for ExplanationLineView {
    fn from(l: &Line) -> ExplanationLineView {
        ExplanationLineView {
            kind: match l.kind {
                LineKind::Override => LineKindView::Override,
                LineKind::Points => LineKindView::Points,
            },
            rule: l.rule.clone(),
            domain: l.domain.clone(),
            points: l.points,
            text: l.text.clone(),
        }
    }
}

/// One entry of a family's level history: written whenever the result changed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistoryEntryView {
    /// 1, 2, … per family.
    pub seq: i64,
    #[schema(format = Date)]
    pub assessed_on: String,
    pub level: LevelView,
    pub total: i64,
    /// The methodology version.
    #[schema(example = "ckc-2023-r1")]
    pub methodology: String,
    pub trigger: TriggerView,
}

impl HistoryEntryView {
    pub fn new(h: &HistoryEntry, lang: TextLang) -> HistoryEntryView {
        HistoryEntryView {
            seq: h.seq,
            assessed_on: iso(h.assessed_on),
            level: LevelView::new(h.level, lang),
            total: h.total,
            methodology: h.methodology.clone(),
            trigger: h.trigger.into(),
        }
    }
}

/// A family's current well-being assessment: its level, why it is there in plain words, and
/// how its level changed over time.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FamilyAssessmentView {
    pub family: i64,
    #[schema(format = Date)]
    pub assessed_on: String,
    /// Who the texts are worded for.
    pub audience: AudienceView,
    pub methodology: MethodologyView,
    /// The sum of the points of every rule.
    pub total: i64,
    /// The level the total alone gives.
    pub score_level: LevelView,
    /// The level after hard overrides: never better than `score_level`.
    pub level: LevelView,
    /// What set this assessment off.
    pub trigger: TriggerView,
    /// One or two sentences: the points, the level, and whether an override decided it.
    pub summary: String,
    /// Overrides first, then rules by the weight of their points.
    pub lines: Vec<ExplanationLineView>,
    /// Oldest first.
    pub history: Vec<HistoryEntryView>,
}

impl FamilyAssessmentView {
    pub fn new(
        v: &AssessmentView,
        explanation: &Explanation,
        lang: TextLang,
        audience: Audience,
    ) -> FamilyAssessmentView {
        let s = &v.stored;
        FamilyAssessmentView {
            family: s.family.0,
            assessed_on: iso(s.assessed_on),
            audience: audience.into(),
            methodology: MethodologyView::new(&v.methodology, lang),
            total: s.total,
            score_level: LevelView::new(s.score_level, lang),
            level: LevelView::new(s.level, lang),
            trigger: s.trigger.into(),
            summary: explanation.summary.clone(),
            lines: explanation.lines.iter().map(ExplanationLineView::from).collect(),
            history: v.history.iter().map(|h| HistoryEntryView::new(h, lang)).collect(),
        }
    }
}

/// Families at each level; `null` where the number is too small to show to this account
/// (fewer than 5, for accounts that see totals only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct LevelCountsView {
    #[serde(rename = "A")]
    pub a: Option<u64>,
    #[serde(rename = "B")]
    pub b: Option<u64>,
    #[serde(rename = "C")]
    pub c: Option<u64>,
    #[serde(rename = "D")]
    pub d: Option<u64>,
    #[serde(rename = "E")]
    pub e: Option<u64>,
}

impl LevelCountsView {
    pub fn zero() -> LevelCountsView {
        LevelCountsView { a: Some(0), b: Some(0), c: Some(0), d: Some(0), e: Some(0) }
    }

    /// Adds `families` at `level`; a suppressed number (`None`) makes the level's sum unknown.
    pub fn add(&mut self, level: Level, families: Option<u64>) {
        let slot = match level {
            Level::A => &mut self.a,
            Level::B => &mut self.b,
            Level::C => &mut self.c,
            Level::D => &mut self.d,
            Level::E => &mut self.e,
        };
        *slot = slot.zip(families).map(|(a, b)| a + b);
    }

    /// The sum, unless a number in it is suppressed (it could be worked out from the rest).
    pub fn total(&self) -> Option<u64> {
        [self.a, self.b, self.c, self.d, self.e].into_iter().sum()
    }
}

/// Assessed families of one territory by level.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TerritoryLevelsView {
    /// KATO code of the group: the families' territory's ancestor at the level asked for.
    #[schema(example = "113800000")]
    pub territory: String,
    /// The territory's name in the request's language (Kazakh where the tree has no English
    /// name); `null` when the tree lacks the code.
    pub name: Option<String>,
    pub levels: LevelCountsView,
    /// `null` when a number in the group is suppressed.
    pub total: Option<u64>,
}

/// All groups together.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LevelTotalsView {
    pub levels: LevelCountsView,
    /// `null` when a number in it is suppressed.
    pub total: Option<u64>,
}

/// Families that moved from one level to another over the period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MovementView {
    /// The level on the first day; `null` for families not yet assessed then.
    pub from: Option<LevelLetter>,
    /// The level on the last day.
    pub to: LevelLetter,
    /// `null` when the number is too small to show to this account.
    pub families: Option<u64>,
}

/// Assessed families of a territory's subtree by level, grouped by territories one level
/// down (or deeper), and how families moved between levels over a period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LevelStatsView {
    /// KATO code of the subtree's root.
    #[schema(example = "110000000")]
    pub territory: String,
    /// The level the counts are grouped at.
    pub by: KatoLevelView,
    /// The period of `movements`; `null` when none was asked for.
    #[schema(format = Date)]
    pub from: Option<String>,
    #[schema(format = Date)]
    pub to: Option<String>,
    /// Whether numbers under 5 are suppressed (`null`) for this account, which sees totals
    /// only; the totals that would reveal them are `null` too.
    pub suppressed: bool,
    /// By territory code. Only territories with assessed families appear.
    pub counts: Vec<TerritoryLevelsView>,
    pub totals: LevelTotalsView,
    /// By (from, to), `null` first; `null` when no period was asked for.
    pub movements: Option<Vec<MovementView>>,
}
