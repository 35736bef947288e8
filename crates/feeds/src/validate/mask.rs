//! Masking values for rejected-row reports: reports travel further than the data.

use crate::schema::ColumnType;

/// Longest value shown in a report; longer ones are cut with `…`.
const MAX_SHOWN: usize = 64;

/// IINs keep their last four digits (`******2728`), names their first letter (`А***`), text in a
/// sensitive feed nothing; other values are shown, cut to a readable length.
pub fn mask(ty: &ColumnType, sensitive: bool, value: &str) -> String {
    match ty {
        ColumnType::Iin => mask_iin(value),
        ColumnType::Name => mask_name(value),
        ColumnType::Text if sensitive && !value.is_empty() => "***".to_owned(),
        _ => cut(value),
    }
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
    fn sensitive_text_is_hidden_and_long_values_cut() {
        assert_eq!(mask(&ColumnType::Text, true, "КУСП 123"), "***");
        assert_eq!(mask(&ColumnType::Text, false, "КУСП 123"), "КУСП 123");
        let long = "x".repeat(100);
        assert_eq!(mask(&ColumnType::Text, false, &long).chars().count(), MAX_SHOWN + 1);
    }
}
