//! Interface texts in kk/ru/en through Fluent (`locales/{kk,ru,en}/main.ftl`), compiled in.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use unic_langid::langid;

use crate::lang::Lang;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Isolation marks around arguments would end up inside JSON messages and <title>.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static KK: LanguageIdentifier = langid!("kk");
static RU: LanguageIdentifier = langid!("ru");
static EN: LanguageIdentifier = langid!("en");

fn id(lang: Lang) -> &'static LanguageIdentifier {
    match lang {
        Lang::Kk => &KK,
        Lang::Ru => &RU,
        Lang::En => &EN,
    }
}

/// The text `key` in `lang`; English when `lang` lacks it, the key itself when all do.
pub fn t(lang: Lang, key: &str) -> String {
    LOCALES.try_lookup(id(lang), key).unwrap_or_else(|| key.to_owned())
}

/// Like [`t`], with named arguments.
pub fn t_args(lang: Lang, key: &str, args: &[(&'static str, String)]) -> String {
    try_t_args(lang, key, args).unwrap_or_else(|| key.to_owned())
}

/// The text `key` with `args`, or `None` when no locale has it (or an argument is missing).
pub fn try_t_args(lang: Lang, key: &str, args: &[(&'static str, String)]) -> Option<String> {
    let map: HashMap<Cow<'static, str>, FluentValue<'_>> =
        args.iter().map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.as_str()))).collect();
    LOCALES.try_lookup_with_args(id(lang), key, &map)
}

/// A language bound to the lookups, for templates: `{{ tr.t("key") }}`.
#[derive(Debug, Clone, Copy)]
pub struct Tr(pub Lang);

impl Tr {
    pub fn t(&self, key: &str) -> String {
        t(self.0, key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn ids(source: &str) -> BTreeSet<String> {
        source
            .lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
            .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_owned()))
            .collect()
    }

    #[test]
    fn every_locale_has_every_message() {
        let en = ids(include_str!("../locales/en/main.ftl"));
        let kk = ids(include_str!("../locales/kk/main.ftl"));
        let ru = ids(include_str!("../locales/ru/main.ftl"));
        assert!(!en.is_empty());
        assert_eq!(kk.symmetric_difference(&en).collect::<Vec<_>>(), Vec::<&String>::new());
        assert_eq!(ru.symmetric_difference(&en).collect::<Vec<_>>(), Vec::<&String>::new());
    }

    #[test]
    fn lookups_use_the_language_and_arguments() {
        assert_ne!(t(Lang::Kk, "site-name"), t(Lang::Ru, "site-name"));
        let msg = t_args(
            Lang::En,
            "err-iin-check_digit",
            &[("expected", "8".into()), ("found", "9".into())],
        );
        assert!(msg.contains('8') && msg.contains('9'), "{msg}");
        assert_eq!(t(Lang::En, "no-such-message"), "no-such-message");
    }
}
