//! The engine: a profile and a methodology give an assessment. Pure, deterministic, and cheap
//! enough to run over a whole country in seconds (one allocation per family).

use serde::{Deserialize, Serialize};

use super::level::Level;
use super::methodology::{MAX_QUOTED, Methodology, RuleKind, Scale};
use super::profile::Profile;
use super::vars::Var;

/// Values an explanation line quotes, inline (no allocation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Quoted {
    len: u8,
    items: [(u8, i64); MAX_QUOTED],
}

impl Quoted {
    fn of(vars: impl IntoIterator<Item = Var>, profile: &Profile) -> Quoted {
        let mut q = Quoted::default();
        for v in vars {
            let n = usize::from(q.len);
            if n == MAX_QUOTED {
                break;
            }
            q.items[n] = (v as u8, profile.get(v));
            q.len += 1;
        }
        q
    }

    /// The quoted variables and their values.
    pub fn iter(&self) -> impl Iterator<Item = (Var, i64)> + '_ {
        self.items[..usize::from(self.len)]
            .iter()
            .filter_map(|(slot, value)| Var::ALL.get(usize::from(*slot)).map(|v| (*v, *value)))
    }

    pub fn get(&self, var: Var) -> Option<i64> {
        self.iter().find(|(v, _)| *v == var).map(|(_, x)| x)
    }

    /// Rebuilds from stored pairs (unknown variables are dropped).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (Var, i64)>) -> Quoted {
        let mut q = Quoted::default();
        for (v, x) in pairs {
            let n = usize::from(q.len);
            if n == MAX_QUOTED {
                break;
            }
            q.items[n] = (v as u8, x);
            q.len += 1;
        }
        q
    }
}

/// The points one rule gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contribution {
    /// Index into the methodology's rules.
    pub rule: u16,
    /// For band rules, the band that held.
    pub band: Option<u16>,
    pub points: i64,
    /// The rule's variable, then those its text quotes.
    pub values: Quoted,
}

/// An override whose condition held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// Index into the methodology's overrides.
    pub rule: u16,
    pub level: Level,
    pub values: Quoted,
}

/// A family's assessment by one methodology on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub total: i64,
    /// The level the total alone gives.
    pub score_level: Level,
    /// The level after overrides: never better than `score_level`.
    pub level: Level,
    /// Every rule that gave points (zero-point bands included), in rule order. Their points sum
    /// to `total`.
    pub contributions: Vec<Contribution>,
    /// Overrides that held, in methodology order.
    pub overrides: Vec<Applied>,
}

/// What set an assessment off, kept in the level history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// A full run over every family.
    Full,
    /// Facts of the family changed (the change feed).
    Facts,
    /// A new methodology version was installed.
    Methodology,
    /// Someone asked for this family.
    Manual,
}

impl Trigger {
    pub const ALL: [Trigger; 4] =
        [Trigger::Full, Trigger::Facts, Trigger::Methodology, Trigger::Manual];
    pub fn code(self) -> &'static str {
        match self {
            Trigger::Full => "full",
            Trigger::Facts => "facts",
            Trigger::Methodology => "methodology",
            Trigger::Manual => "manual",
        }
    }
    pub fn from_code(code: &str) -> Option<Trigger> {
        Trigger::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// Assesses `profile` by `methodology`.
pub fn assess(profile: &Profile, methodology: &Methodology) -> Assessment {
    let pm = profile.get(Var::Pm);
    let mut contributions = Vec::with_capacity(methodology.rules.len());
    let mut total: i64 = 0;
    for (i, rule) in methodology.rules.iter().enumerate() {
        let value = profile.get(rule.var);
        let hit = match &rule.kind {
            RuleKind::Flag { points, .. } => (value != 0).then_some((None, *points)),
            RuleKind::Bands { scale, bands } => bands
                .iter()
                .position(|b| b.holds(value, *scale, pm))
                .and_then(|j| bands.get(j).map(|b| (Some(j as u16), b.points))),
        };
        if let Some((band, points)) = hit {
            total = total.saturating_add(points);
            let pm_quote =
                matches!(rule.kind, RuleKind::Bands { scale: Scale::Pm, .. }).then_some(Var::Pm);
            let vars = std::iter::once(rule.var)
                .chain(pm_quote.filter(|v| !rule.quotes.contains(v)))
                .chain(rule.quotes.iter().copied());
            contributions.push(Contribution {
                rule: i as u16,
                band,
                points,
                values: Quoted::of(vars, profile),
            });
        }
    }
    let score_level = methodology.cutoffs.level(total);
    let mut level = score_level;
    let mut overrides = Vec::new();
    for (i, o) in methodology.overrides.iter().enumerate() {
        if o.when.eval(profile.values()) {
            level = level.max(o.level);
            overrides.push(Applied {
                rule: i as u16,
                level: o.level,
                values: Quoted::of(o.quotes.iter().copied(), profile),
            });
        }
    }
    Assessment { total, score_level, level, contributions, overrides }
}
