//! The stored form of an assessment's contributions and overrides: compact JSON that names
//! variables by key (stable across builds) and rules by their index in the methodology version
//! (an installed version never changes).

use serde::{Deserialize, Serialize};
use shanyraq_domain::assessment::{
    Applied, Assessment, Contribution, Level, Methodology, Quoted, Var,
};

use crate::error::AppError;

/// Quoted values: [[variable key, value] …].
type Pairs = Vec<(String, i64)>;

#[derive(Serialize, Deserialize)]
struct Detail {
    /// [rule, band (−1: none), points, values]
    c: Vec<(u16, i32, i64, Pairs)>,
    /// [override, level, values]
    o: Vec<(u16, Level, Pairs)>,
}

fn pairs(q: &Quoted) -> Vec<(String, i64)> {
    q.iter().map(|(v, x)| (v.key().to_owned(), x)).collect()
}

fn quoted(pairs: &[(String, i64)]) -> Quoted {
    Quoted::from_pairs(pairs.iter().filter_map(|(k, x)| Var::from_key(k).map(|v| (v, *x))))
}

/// The JSON stored with an assessment.
pub fn encode_detail(a: &Assessment) -> String {
    let d = Detail {
        c: a.contributions
            .iter()
            .map(|c| (c.rule, c.band.map_or(-1, i32::from), c.points, pairs(&c.values)))
            .collect(),
        o: a.overrides.iter().map(|o| (o.rule, o.level, pairs(&o.values))).collect(),
    };
    serde_json::to_string(&d).unwrap_or_default()
}

/// Rebuilds the assessment from its stored parts, checking the rule indexes against `m`.
pub fn decode_detail(
    detail: &str,
    total: i64,
    score_level: Level,
    level: Level,
    m: &Methodology,
) -> Result<Assessment, AppError> {
    let corrupt = |why: &str| AppError::Internal(format!("stored assessment detail: {why}"));
    let d: Detail = serde_json::from_str(detail).map_err(|_| corrupt("not JSON of the form"))?;
    let mut contributions = Vec::with_capacity(d.c.len());
    for (rule, band, points, values) in &d.c {
        if usize::from(*rule) >= m.rules.len() {
            return Err(corrupt("rule out of range"));
        }
        contributions.push(Contribution {
            rule: *rule,
            band: u16::try_from(*band).ok(),
            points: *points,
            values: quoted(values),
        });
    }
    let mut overrides = Vec::with_capacity(d.o.len());
    for (rule, lvl, values) in &d.o {
        if usize::from(*rule) >= m.overrides.len() {
            return Err(corrupt("override out of range"));
        }
        overrides.push(Applied { rule: *rule, level: *lvl, values: quoted(values) });
    }
    Ok(Assessment { total, score_level, level, contributions, overrides })
}
