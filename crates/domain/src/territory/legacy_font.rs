//! Repairs letters typed with a legacy Kazakh font.
//!
//! Before Unicode had Kazakh letters in common fonts, Kazakh text was typed with fonts that drew
//! қ, ұ, ү and ә on the code points of other Cyrillic letters (Macedonian ќ, Belarusian ў,
//! Ukrainian ї, Serbian ј). A dozen KATO names still carry them (listed in
//! `data/kato/SOURCE.md`). None of those letters belongs in a Kazakh or Russian name, so the
//! mapping below is unambiguous; it is the only change the loader makes to a name
//! (`data/kato/LOADING.md`).

use std::borrow::Cow;

/// Legacy-font letter → the Kazakh letter it stood for.
const MAP: [(char, char); 8] = [
    ('ќ', 'қ'),
    ('Ќ', 'Қ'),
    ('ў', 'ұ'),
    ('Ў', 'Ұ'),
    ('ї', 'ү'),
    ('Ї', 'Ү'),
    ('ј', 'ә'),
    ('Ј', 'Ә'),
];

fn replacement(c: char) -> Option<char> {
    MAP.iter().find(|(from, _)| *from == c).map(|(_, to)| *to)
}

/// Whether `text` contains a legacy-font letter.
pub fn has_legacy_letters(text: &str) -> bool {
    text.chars().any(|c| replacement(c).is_some())
}

/// `text` with every legacy-font letter replaced by its Kazakh letter; borrowed when nothing
/// changes.
pub fn fix_legacy_font(text: &str) -> Cow<'_, str> {
    if !has_legacy_letters(text) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(|c| replacement(c).unwrap_or(c)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_each_legacy_letter() {
        assert_eq!(fix_legacy_font("ќЌўЎїЇјЈ"), "қҚұҰүҮәӘ");
        assert_eq!(fix_legacy_font("Форт-Шевченко ќ."), "Форт-Шевченко қ.");
        assert_eq!(fix_legacy_font("с.\"Ќўрылысшы\""), "с.\"Құрылысшы\"");
    }

    #[test]
    fn leaves_other_text_alone() {
        let text = "Қараауыл а.о. / Карааульский с.о. йё";
        assert!(matches!(fix_legacy_font(text), Cow::Borrowed(t) if t == text));
        assert!(!has_legacy_letters(text));
        assert!(has_legacy_letters("Кјркес а."));
    }
}
