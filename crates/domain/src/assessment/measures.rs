//! The catalogue of measures (DESIGN §3.4): the kinds of help, who provides them, and for the
//! proactive ones an eligibility rule and a rule that says the family already receives it, both
//! in the expression language over the assessment's variables, checked when the file is read.
//! Eligible families that do not yet receive a proactive measure are offered it.

use serde::Deserialize;
use toml::Spanned;

use super::expr::Expr;
use super::load::{At, MethodologyError, Problem, condition, from_toml, texts};
use super::profile::Profile;
use super::texts::Texts;

/// The catalogue shipped with the project.
pub const DEFAULT_MEASURES: &str = include_str!("../../../../data/measures.toml");
pub const DEFAULT_MEASURES_FILE: &str = "data/measures.toml";

/// One kind of help.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    pub key: String,
    /// cash, child, disability, employment, services, psychosocial, health, education,
    /// housing, in_kind.
    pub kind: String,
    /// The providing agency.
    pub agency: String,
    pub name: Texts,
    /// Offered without being asked, to families the rule finds eligible.
    pub proactive: bool,
    pub eligible: Option<Expr>,
    /// The family already gets it (no offer then).
    pub receives: Option<Expr>,
    /// The message of an offer; `{name}` placeholders are not filled (messages carry no
    /// figures about the family).
    pub offer: Option<Texts>,
}

impl Measure {
    /// Whether a family with `profile` should be offered the measure: proactive, eligible and
    /// not already receiving it.
    pub fn to_offer(&self, profile: &Profile) -> bool {
        self.proactive
            && self.eligible.as_ref().is_some_and(|e| e.eval(profile.values()))
            && !self.receives.as_ref().is_some_and(|r| r.eval(profile.values()))
    }

    pub fn is_eligible(&self, profile: &Profile) -> bool {
        self.eligible.as_ref().is_some_and(|e| e.eval(profile.values()))
    }
}

/// The catalogue.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Catalogue {
    pub measures: Vec<Measure>,
}

impl Catalogue {
    /// The measures to offer a family with `profile`.
    pub fn offers<'a>(&'a self, profile: &'a Profile) -> impl Iterator<Item = &'a Measure> + 'a {
        self.measures.iter().filter(|m| m.to_offer(profile))
    }

    pub fn measure(&self, key: &str) -> Option<&Measure> {
        self.measures.iter().find(|m| m.key == key)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(rename = "measure", default)]
    measures: Vec<Spanned<RawMeasure>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeasure {
    key: Spanned<String>,
    kind: String,
    agency: String,
    name: Spanned<Texts>,
    #[serde(default)]
    proactive: bool,
    eligible: Option<Spanned<String>>,
    receives: Option<Spanned<String>>,
    offer: Option<Spanned<Texts>>,
}

/// Reads and checks a catalogue of measures.
pub fn parse_measures(file: &str, text: &str) -> Result<Catalogue, MethodologyError> {
    let at = At { file, text };
    let raw: RawFile = from_toml(&at)?;
    let mut measures: Vec<Measure> = Vec::with_capacity(raw.measures.len());
    for (i, spanned) in raw.measures.iter().enumerate() {
        let r = spanned.get_ref();
        let key = r.key.get_ref().clone();
        if measures.iter().any(|m| m.key == key) {
            return Err(at.error(
                r.key.span(),
                format!("measure[{i}].key"),
                Problem::DuplicateKey(key),
            ));
        }
        let rule = |s: &Option<Spanned<String>>, name: &str| {
            s.as_ref().map(|s| condition(&at, s, format!("measure[{i}].{name}"))).transpose()
        };
        let eligible = rule(&r.eligible, "eligible")?;
        let receives = rule(&r.receives, "receives")?;
        let name = texts(&at, &r.name, &format!("measure[{i}].name"))?;
        let offer =
            r.offer.as_ref().map(|t| texts(&at, t, &format!("measure[{i}].offer"))).transpose()?;
        if r.proactive && (eligible.is_none() || offer.is_none()) {
            return Err(at.error(spanned.span(), format!("measure[{i}]"), Problem::ProactiveShape));
        }
        measures.push(Measure {
            key,
            kind: r.kind.clone(),
            agency: r.agency.clone(),
            name,
            proactive: r.proactive,
            eligible,
            receives,
            offer,
        });
    }
    Ok(Catalogue { measures })
}
