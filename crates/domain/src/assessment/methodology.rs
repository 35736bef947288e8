//! A methodology: the rules that turn a family's profile into points, the cut-offs that turn
//! points into a level, and the overrides no sum can average away. Always data (a file an
//! administrator installs, see `load`), never constants in code.

use time::Date;

use super::expr::Expr;
use super::level::Level;
use super::texts::Texts;
use super::vars::Var;

/// The most values one explanation line quotes.
pub const MAX_QUOTED: usize = 6;

/// One version of a methodology.
#[derive(Debug, Clone, PartialEq)]
pub struct Methodology {
    /// Stable id, stored with every assessment made by it.
    pub version: String,
    /// The first day it applies.
    pub effective_from: Date,
    pub title: Texts,
    /// Whether it is a reconstruction of a published method rather than its official text.
    pub reconstruction: bool,
    pub note: Option<Texts>,
    pub domains: Vec<Domain>,
    pub rules: Vec<Rule>,
    pub cutoffs: Cutoffs,
    pub overrides: Vec<Override>,
}

/// A domain of life the rules are grouped in (income and credit, health …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domain {
    pub key: String,
    pub name: Texts,
}

/// A rule gives points from one variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub key: String,
    /// Index into [`Methodology::domains`].
    pub domain: usize,
    pub var: Var,
    pub kind: RuleKind,
    /// The variables its texts quote, besides `var`, in the order first quoted.
    pub quotes: Vec<Var>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleKind {
    /// Points when a yes/no variable is yes.
    Flag { points: i64, says: Texts },
    /// Points by the band the value falls in; bands do not overlap. A value in no band gives
    /// nothing.
    Bands { scale: Scale, bands: Vec<Band> },
}

/// What band bounds are measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// The variable's own unit (tenge, people, days …).
    Units,
    /// Multiples of the regional subsistence minimum (ПМ) on the day.
    Pm,
}

/// A band `(above, upto]`: above the lower bound, up to and including the upper. Bounds are in
/// thousandths of the scale's unit (`250` with [`Scale::Pm`] is a quarter of the ПМ); a missing
/// bound is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band {
    pub above: Option<i64>,
    pub upto: Option<i64>,
    pub points: i64,
    pub says: Texts,
}

impl Band {
    /// Whether `value` (whole units) is in the band, given the ПМ for [`Scale::Pm`].
    pub fn holds(&self, value: i64, scale: Scale, pm: i64) -> bool {
        let v = i128::from(value) * 1000;
        let bound = |b: i64| match scale {
            Scale::Units => i128::from(b),
            Scale::Pm => i128::from(b) * i128::from(pm),
        };
        self.above.is_none_or(|a| v > bound(a)) && self.upto.is_none_or(|u| v <= bound(u))
    }
}

/// The lowest total of each level; a total below `d` is level E.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutoffs {
    pub a: i64,
    pub b: i64,
    pub c: i64,
    pub d: i64,
}

impl Cutoffs {
    pub fn level(&self, total: i64) -> Level {
        if total >= self.a {
            Level::A
        } else if total >= self.b {
            Level::B
        } else if total >= self.c {
            Level::C
        } else if total >= self.d {
            Level::D
        } else {
            Level::E
        }
    }
}

/// A hard override: when the condition holds, the family is at least at `level`.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    pub key: String,
    pub when: Expr,
    pub level: Level,
    /// The reason, for a worker.
    pub reason: Texts,
    /// The reason in words for the family, where the worker's words could harm (a report of
    /// violence read by the person reported); the worker's reason otherwise.
    pub family_reason: Option<Texts>,
    /// The variables the explanation quotes: those the condition reads, then those its texts
    /// name.
    pub quotes: Vec<Var>,
}

impl Methodology {
    /// The methodology of `versions` in force on `on`: the latest that took effect by then.
    pub fn in_force(versions: &[Methodology], on: Date) -> Option<&Methodology> {
        versions.iter().filter(|m| m.effective_from <= on).max_by_key(|m| m.effective_from)
    }

    pub fn rule(&self, key: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.key == key)
    }
}
