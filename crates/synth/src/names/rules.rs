//! How names change with sex and descent: patronymics from the father's first name, and the
//! feminine form of surnames.

use shanyraq_domain::Sex;

/// Russian patronymics that do not follow the general endings.
const RUSSIAN_EXCEPTIONS: &[(&str, &str, &str)] = &[
    ("Илья", "Ильич", "Ильинична"),
    ("Никита", "Никитич", "Никитична"),
    ("Фома", "Фомич", "Фоминична"),
    ("Кузьма", "Кузьмич", "Кузьминична"),
    ("Лука", "Лукич", "Лукинична"),
    ("Савва", "Саввич", "Саввична"),
    ("Лев", "Львович", "Львовна"),
    ("Павел", "Павлович", "Павловна"),
    ("Пётр", "Петрович", "Петровна"),
    ("Яков", "Яковлевич", "Яковлевна"),
    ("Михаил", "Михайлович", "Михайловна"),
];

const VOWELS: &str = "аеёиоуыэюяәөұүіАЕЁИОУЫЭЮЯӘӨҰҮІ";

fn is_vowel(c: char) -> bool {
    VOWELS.contains(c)
}

/// The Russian-style patronymic (отчество) of a child of `father`:
///
/// - the exceptions above (Илья → Ильич / Ильинична, Лев → Львович, Павел → Павлович …);
/// - `-ий` → `-ьевич`/`-ьевна` (Юрий → Юрьевич), but `-иевич` after two consonants
///   (Дмитрий → Дмитриевич);
/// - `-й` after a vowel → `-евич`/`-евна` (Сергей → Сергеевич, Николай → Николаевич);
/// - `-ь` → `-евич`/`-евна` (Игорь → Игоревич, Равиль → Равилевич);
/// - a final vowel is kept and `-евич`/`-евна` added (Мұса → Мұсаевич, Әли → Әлиевич);
/// - after ж ш ч щ ц: `-евич`/`-евна` (Қуаныш → Қуанышевич);
/// - otherwise `-ович`/`-овна` (Иван → Иванович, Серік → Серікович).
pub fn russian_patronymic(father: &str, sex: Sex) -> String {
    let female = sex == Sex::Female;
    if let Some((_, m, f)) = RUSSIAN_EXCEPTIONS.iter().find(|(name, _, _)| *name == father) {
        return (if female { *f } else { *m }).to_owned();
    }
    let (ev, ov) = if female { ("евна", "овна") } else { ("евич", "ович") };
    let mut out = String::with_capacity(father.len() + 10);
    if let Some(stem) = father.strip_suffix("ий") {
        let mut rev = stem.chars().rev();
        let two_consonants =
            matches!((rev.next(), rev.next()), (Some(a), Some(b)) if !is_vowel(a) && !is_vowel(b));
        out.push_str(stem);
        out.push_str(if two_consonants { "и" } else { "ь" });
        out.push_str(ev);
        return out;
    }
    if let Some(stem) = father.strip_suffix('й').or_else(|| father.strip_suffix('ь')) {
        out.push_str(stem);
        out.push_str(ev);
        return out;
    }
    out.push_str(father);
    match father.chars().last() {
        Some(c) if is_vowel(c) || "жшчщц".contains(c) => out.push_str(ev),
        _ => out.push_str(ov),
    }
    out
}

/// The Kazakh patronymic: the father's name joined with `ұлы` (son) or `қызы` (daughter),
/// e.g. Серік → Серікұлы / Серікқызы.
pub fn kazakh_patronymic(father: &str, sex: Sex) -> String {
    let suffix = if sex == Sex::Female { "қызы" } else { "ұлы" };
    let mut out = String::with_capacity(father.len() + suffix.len());
    out.push_str(father);
    out.push_str(suffix);
    out
}

/// A surname in the form for `sex`, given its masculine form: `-ов/-ев/-ёв/-ин/-ын` add `-а`
/// (Иванов → Иванова, Ахметов → Ахметова, Ильин → Ильина), `-ский/-цкий/-ой/-ый` become
/// `-ская/-цкая/-ая` (Толстой → Толстая); any other surname does not change (Сейітқали,
/// Шевченко, Шмидт, Мельник).
pub fn surname_for(masculine: &str, sex: Sex) -> String {
    if sex == Sex::Male {
        return masculine.to_owned();
    }
    let mut out = String::with_capacity(masculine.len() + 2);
    if ["ов", "ев", "ёв", "ин", "ын"].iter().any(|e| masculine.ends_with(e)) {
        out.push_str(masculine);
        out.push('а');
    } else if let Some(stem) = masculine.strip_suffix("ий").filter(|s| s.ends_with('к')) {
        out.push_str(stem);
        out.push_str("ая");
    } else if let Some(stem) = masculine.strip_suffix("ой").or_else(|| masculine.strip_suffix("ый"))
    {
        out.push_str(stem);
        out.push_str("ая");
    } else {
        out.push_str(masculine);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Sex::{Female, Male};

    #[test]
    fn russian_patronymics_follow_the_rules() {
        let cases = [
            ("Иван", "Иванович", "Ивановна"),
            ("Сергей", "Сергеевич", "Сергеевна"),
            ("Николай", "Николаевич", "Николаевна"),
            ("Андрей", "Андреевич", "Андреевна"),
            ("Алексей", "Алексеевич", "Алексеевна"),
            ("Юрий", "Юрьевич", "Юрьевна"),
            ("Василий", "Васильевич", "Васильевна"),
            ("Геннадий", "Геннадьевич", "Геннадьевна"),
            ("Евгений", "Евгеньевич", "Евгеньевна"),
            ("Дмитрий", "Дмитриевич", "Дмитриевна"),
            ("Игорь", "Игоревич", "Игоревна"),
            ("Илья", "Ильич", "Ильинична"),
            ("Никита", "Никитич", "Никитична"),
            ("Кузьма", "Кузьмич", "Кузьминична"),
            ("Лев", "Львович", "Львовна"),
            ("Павел", "Павлович", "Павловна"),
            ("Пётр", "Петрович", "Петровна"),
            ("Яков", "Яковлевич", "Яковлевна"),
            ("Михаил", "Михайлович", "Михайловна"),
            ("Фёдор", "Фёдорович", "Фёдоровна"),
            ("Генрих", "Генрихович", "Генриховна"),
            ("Равиль", "Равилевич", "Равилевна"),
            ("Серік", "Серікович", "Серіковна"),
            ("Қуаныш", "Қуанышевич", "Қуанышевна"),
            ("Мұса", "Мұсаевич", "Мұсаевна"),
            ("Ыбырай", "Ыбыраевич", "Ыбыраевна"),
            ("Бахтиёр", "Бахтиёрович", "Бахтиёровна"),
        ];
        for (father, son, daughter) in cases {
            assert_eq!(russian_patronymic(father, Male), son, "{father}");
            assert_eq!(russian_patronymic(father, Female), daughter, "{father}");
        }
    }

    #[test]
    fn kazakh_patronymics_join_ulu_and_qyzy() {
        assert_eq!(kazakh_patronymic("Серік", Male), "Серікұлы");
        assert_eq!(kazakh_patronymic("Серік", Female), "Серікқызы");
        assert_eq!(kazakh_patronymic("Нұрлан", Female), "Нұрланқызы");
    }

    #[test]
    fn feminine_surnames_agree() {
        let cases = [
            ("Иванов", "Иванова"),
            ("Ахметов", "Ахметова"),
            ("Соловьёв", "Соловьёва"),
            ("Ильин", "Ильина"),
            ("Ғабдуллин", "Ғабдуллина"),
            ("Покровский", "Покровская"),
            ("Толстой", "Толстая"),
            ("Сейітқали", "Сейітқали"),
            ("Шевченко", "Шевченко"),
            ("Шмидт", "Шмидт"),
            ("Мельник", "Мельник"),
        ];
        for (m, f) in cases {
            assert_eq!(surname_for(m, Female), f, "{m}");
            assert_eq!(surname_for(m, Male), m);
        }
    }
}
