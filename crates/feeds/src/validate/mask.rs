//! Masking values for rejected-row reports: reports travel further than the data.

use crate::schema::ColumnType;

/// Longest value shown in a report; longer ones are cut with `…`.
const MAX_SHOWN: usize = 64;

/// IINs keep their last four digits (`******2728`), names their first letter (`А***`); in a
/// sensitive feed every other value is hidden; elsewhere values are shown, cut to a readable
/// length.
pub fn mask(ty: &ColumnType, sensitive: bool, value: &str) -> String {
    match ty {
        ColumnType::Iin => mask_iin(value),
        ColumnType::Name => mask_name(value),
        _ if sensitive && !value.is_empty() => "***".to_owned(),
        _ => cut(value),
    }
}

/// A person's birth date keeps only what cannot rebuild an IIN: its length and separators,
/// digits hidden (`****-**-**`, `**.**.****`).
pub fn mask_birth_date(value: &str) -> String {
    cut(value).chars().map(|c| if c.is_ascii_digit() { '*' } else { c }).collect()
}

pub fn mask_iin(value: &str) -> String {
    let count = value.chars().count();
    let tail: String = value.chars().skip(count.saturating_sub(4)).collect();
    if count > 4 { format!("******{tail}") } else { "******".to_owned() }
}

pub fn mask_name(value: &str) -> String {
    value.chars().next().map(|c| format!("{c}***")).unwrap_or_default()
}

fn cut(value: &str) -> String {
    match value.char_indices().nth(MAX_SHOWN) {
        Some((at, _)) => format!("{}…", &value[..at]),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iin_keeps_last_four() {
        assert_eq!(mask_iin("850217402728"), "******2728");
        assert_eq!(mask_iin("123"), "******");
    }

    #[test]
    fn names_keep_first_letter() {
        assert_eq!(mask_name("Әлиева"), "Ә***");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn birth_dates_keep_only_their_shape() {
        assert_eq!(mask_birth_date("1985-02-17"), "****-**-**");
        assert_eq!(mask_birth_date("17.02.1985"), "**.**.****");
        assert_eq!(mask_birth_date("not a date"), "not a date");
    }

    #[test]
    fn sensitive_feeds_hide_every_value_but_the_masked_iin() {
        assert_eq!(mask(&ColumnType::Date, true, "2026-01-05"), "***");
        assert_eq!(mask(&ColumnType::Flag, true, "да"), "***");
        assert_eq!(mask(&ColumnType::Iin, true, "850217402728"), "******2728");
        assert_eq!(mask(&ColumnType::Date, false, "2026-01-05"), "2026-01-05");
    }

    #[test]
    fn sensitive_text_is_hidden_and_long_values_cut() {
        assert_eq!(mask(&ColumnType::Text, true, "КУСП 123"), "***");
        assert_eq!(mask(&ColumnType::Text, false, "КУСП 123"), "КУСП 123");
        let long = "x".repeat(100);
        assert_eq!(mask(&ColumnType::Text, false, &long).chars().count(), MAX_SHOWN + 1);
    }
}
