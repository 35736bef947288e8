//! The three interface languages and how a request picks one: `?lang=`, then the `lang` cookie,
//! then `Accept-Language`, then the deployment's default.

use std::fmt;
use std::str::FromStr;

use axum::http::HeaderMap;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};
use serde::{Deserialize, Serialize};

/// An interface language. Kazakh is the state language; Russian is used on a par with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Kk,
    Ru,
    En,
}

/// The text names none of kk, ru, en.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?}; use kk, ru or en")]
pub struct UnknownLang(pub String);

impl Lang {
    /// In the order the language switcher shows them.
    pub const ALL: [Lang; 3] = [Lang::Kk, Lang::Ru, Lang::En];

    /// The BCP 47 tag, as `<html lang>` and the cookie carry it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Kk => "kk",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// The language's own name for itself, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Kk => "Қазақша",
            Lang::Ru => "Русский",
            Lang::En => "English",
        }
    }

    /// The language a request asked for, or `default`.
    pub fn negotiate(query: Option<&str>, headers: &HeaderMap, default: Lang) -> Lang {
        query
            .and_then(lang_from_query)
            .or_else(|| lang_from_cookie(headers))
            .or_else(|| lang_from_accept(headers))
            .unwrap_or(default)
    }
}

/// The same language, as the domain's texts (methodology words, level names) are chosen by.
impl From<Lang> for shanyraq_domain::assessment::Lang {
    fn from(l: Lang) -> shanyraq_domain::assessment::Lang {
        match l {
            Lang::Kk => shanyraq_domain::assessment::Lang::Kk,
            Lang::Ru => shanyraq_domain::assessment::Lang::Ru,
            Lang::En => shanyraq_domain::assessment::Lang::En,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = UnknownLang;

    /// Accepts `kk`, `ru`, `en` and any tag with one of them as its primary subtag (`ru-KZ`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let primary = s.trim().split(['-', '_']).next().unwrap_or_default();
        match primary.to_ascii_lowercase().as_str() {
            "kk" => Ok(Lang::Kk),
            "ru" => Ok(Lang::Ru),
            "en" => Ok(Lang::En),
            _ => Err(UnknownLang(s.to_owned())),
        }
    }
}

/// The `lang` parameter of a query string, when it names a language.
pub fn lang_from_query(query: &str) -> Option<Lang> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == "lang")
        .and_then(|(_, v)| v.parse().ok())
}

/// The `lang` cookie, when it names a language.
pub fn lang_from_cookie(headers: &HeaderMap) -> Option<Lang> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == "lang")
        .and_then(|(_, v)| v.parse().ok())
}

/// The best of our languages by the `Accept-Language` weights; ties go to the first listed.
pub fn lang_from_accept(headers: &HeaderMap) -> Option<Lang> {
    let mut best: Option<(u16, Lang)> = None;
    for value in headers.get_all(ACCEPT_LANGUAGE).iter().filter_map(|v| v.to_str().ok()) {
        for item in value.split(',') {
            let mut parts = item.split(';');
            let Some(Ok(lang)) = parts.next().map(str::parse::<Lang>) else { continue };
            let weight = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .next()
                .map_or(Some(1000), parse_weight);
            let Some(weight) = weight.filter(|w| *w > 0) else { continue };
            if best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, lang));
            }
        }
    }
    best.map(|(_, lang)| lang)
}

/// `q` values in thousandths; `None` for a malformed one (the item is then ignored).
fn parse_weight(q: &str) -> Option<u16> {
    let q = q.trim();
    let (whole, frac) = q.split_once('.').unwrap_or((q, ""));
    if frac.len() > 3 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let frac_value: u16 = format!("{frac:0<3}").parse().ok()?;
    match whole {
        "0" => Some(frac_value),
        "1" if frac_value == 0 => Some(1000),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(name: axum::http::HeaderName, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn accept_language_uses_weights() {
        let h = headers(ACCEPT_LANGUAGE, "de-DE, ru;q=0.5, en;q=0.8");
        assert_eq!(lang_from_accept(&h), Some(Lang::En));
        let h = headers(ACCEPT_LANGUAGE, "kk-KZ,ru;q=0.9");
        assert_eq!(lang_from_accept(&h), Some(Lang::Kk));
        let h = headers(ACCEPT_LANGUAGE, "fr, en;q=0");
        assert_eq!(lang_from_accept(&h), None);
        let h = headers(ACCEPT_LANGUAGE, "ru;q=abc, en;q=0.1");
        assert_eq!(lang_from_accept(&h), Some(Lang::En));
    }

    #[test]
    fn query_beats_cookie_beats_header() {
        let mut h = headers(ACCEPT_LANGUAGE, "en");
        assert_eq!(Lang::negotiate(None, &h, Lang::Kk), Lang::En);
        h.insert(COOKIE, HeaderValue::from_static("a=b; lang=ru"));
        assert_eq!(Lang::negotiate(None, &h, Lang::Kk), Lang::Ru);
        assert_eq!(Lang::negotiate(Some("x=1&lang=kk"), &h, Lang::En), Lang::Kk);
        assert_eq!(Lang::negotiate(Some("lang=de"), &HeaderMap::new(), Lang::Ru), Lang::Ru);
    }

    #[test]
    fn parses_tags_by_primary_subtag() {
        assert_eq!("ru-KZ".parse(), Ok(Lang::Ru));
        assert_eq!("KK".parse(), Ok(Lang::Kk));
        assert!("eng".parse::<Lang>().is_err());
    }
}
