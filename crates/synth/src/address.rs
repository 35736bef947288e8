//! Addresses: street names as they appear in Kazakhstan's address register — Kazakh forms
//! (`Абай даңғылы`, `Достық көшесі`) and Russian ones (`пр. Абая`, `ул. Ленина`), chosen by the
//! region's share of Kazakh — house numbers, and flats in towns.
//!
//! In towns 12 % of addresses are in a microdistrict instead of a street, 70 % are flats
//! (1–240); houses are 1–200 (smaller numbers likelier), 6 % with a letter (`12А`) and 4 % with
//! a building number (`45/2`). In villages houses go up to 120 and 4 % are flats in a small block.

use shanyraq_domain::{Address, Kato};

use crate::rng::Rng;

const URBAN_KK: &[&str] = &[
    "Абай даңғылы",
    "Абай көшесі",
    "Достық даңғылы",
    "Тәуелсіздік даңғылы",
    "Жамбыл көшесі",
    "Сейфуллин көшесі",
    "Әуезов көшесі",
    "Бөкейхан көшесі",
    "Құнанбаев көшесі",
    "Қабанбай батыр даңғылы",
    "Төле би көшесі",
    "Қонаев көшесі",
    "Желтоқсан көшесі",
    "Бейбітшілік көшесі",
    "Наурыз көшесі",
    "Байтұрсынұлы көшесі",
    "Әл-Фараби даңғылы",
    "Сәтпаев көшесі",
    "Мәметова көшесі",
    "Жансүгіров көшесі",
    "Абылай хан даңғылы",
    "Райымбек даңғылы",
    "Қазыбек би көшесі",
    "Кенесары көшесі",
    "Бауыржан Момышұлы даңғылы",
    "Мұқанов көшесі",
    "Шоқан Уәлиханов көшесі",
    "Ыбырай Алтынсарин көшесі",
    "Мағжан Жұмабаев көшесі",
    "Республика даңғылы",
    "Бірлік көшесі",
    "Жібек жолы көшесі",
];

const URBAN_RU: &[&str] = &[
    "пр. Абая",
    "ул. Абая",
    "пр. Достык",
    "ул. Тауелсиздик",
    "ул. Жамбыла",
    "ул. Сейфуллина",
    "ул. Ауэзова",
    "ул. Ленина",
    "ул. Мира",
    "ул. Пушкина",
    "ул. Гагарина",
    "ул. Советская",
    "ул. Набережная",
    "ул. Строителей",
    "ул. Молодёжная",
    "ул. Юбилейная",
    "ул. Победы",
    "ул. Комсомольская",
    "ул. Первомайская",
    "ул. Чехова",
    "ул. Толстого",
    "ул. Лермонтова",
    "ул. Горького",
    "ул. Шевченко",
    "ул. Кирова",
    "ул. Космонавтов",
    "ул. Сатпаева",
    "ул. Торайгырова",
    "пр. Республики",
    "ул. Казыбек би",
    "ул. Бухар жырау",
];

const MICRODISTRICTS: &[&str] = &[
    "мкр. Самал-2",
    "мкр. Аксай-4",
    "мкр. Орбита-3",
    "мкр. Жетысу-2",
    "мкр. Восток",
    "мкр. Юго-Восток",
    "12 мкр.",
    "5 мкр.",
    "Мамыр-1 шағын ауданы",
    "Жетісу-2 шағын ауданы",
    "Нұрсат шағын ауданы",
    "Шұғыла шағын ауданы",
];

const RURAL_KK: &[&str] = &[
    "Абай көшесі",
    "Бейбітшілік көшесі",
    "Орталық көшесі",
    "Мектеп көшесі",
    "Жастар көшесі",
    "Жеңіс көшесі",
    "Достық көшесі",
    "Тәуелсіздік көшесі",
    "Бірлік көшесі",
    "Жамбыл көшесі",
    "Ынтымақ көшесі",
    "Болашақ көшесі",
];

const RURAL_RU: &[&str] = &[
    "ул. Школьная",
    "ул. Центральная",
    "ул. Молодёжная",
    "ул. Садовая",
    "ул. Степная",
    "ул. Новая",
    "ул. Мира",
    "ул. Абая",
    "ул. Жамбыла",
    "ул. Луговая",
    "ул. Заречная",
    "ул. Целинная",
];

/// Appends the decimal digits of `n`.
pub fn push_number(out: &mut String, n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for d in &digits[i..] {
        out.push(char::from(*d));
    }
}

/// An address in `territory`; `kk_per_mille` is the share of Kazakh street names.
pub fn address(rng: &mut Rng, territory: Kato, urban: bool, kk_per_mille: u32) -> Address {
    let kazakh = rng.per_mille(kk_per_mille);
    let street = if urban && rng.below(100) < 12 {
        MICRODISTRICTS
    } else {
        match (urban, kazakh) {
            (true, true) => URBAN_KK,
            (true, false) => URBAN_RU,
            (false, true) => RURAL_KK,
            (false, false) => RURAL_RU,
        }
    };
    let street = rng.pick(street).copied().unwrap_or("");
    let max_house = if urban { 200 } else { 120 };
    // The smaller of two draws: low house numbers are commoner.
    let house_no = 1 + rng.below(max_house).min(rng.below(max_house));
    let mut house = String::with_capacity(8);
    push_number(&mut house, house_no);
    match rng.below(100) {
        0..=5 => house.push(if rng.below(2) == 0 { 'А' } else { 'Б' }),
        6..=9 if urban => {
            house.push('/');
            push_number(&mut house, 1 + rng.below(4));
        }
        _ => {}
    }
    let flat = if rng.below(100) < if urban { 70 } else { 4 } {
        let mut f = String::with_capacity(4);
        push_number(&mut f, 1 + rng.below(if urban { 240 } else { 16 }));
        Some(f)
    } else {
        None
    };
    Address { territory, street: Some(street.to_owned()), house: Some(house), flat }
}

/// A Kazakh mobile number, `+77XXXXXXXXX`, on one of the real operator prefixes.
pub fn phone(rng: &mut Rng) -> String {
    const PREFIXES: &[u64] = &[700, 701, 702, 705, 707, 708, 747, 771, 775, 776, 777, 778];
    let mut s = String::with_capacity(12);
    s.push_str("+7");
    push_number(&mut s, rng.pick(PREFIXES).copied().unwrap_or(701));
    let rest = rng.below(10_000_000);
    let mut digits = String::with_capacity(7);
    push_number(&mut digits, rest);
    for _ in digits.len()..7 {
        s.push('0');
    }
    s.push_str(&digits);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_like_format() {
        for n in [0u64, 7, 10, 99, 240, 1_000_000, u64::MAX] {
            let mut s = String::new();
            push_number(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }

    #[test]
    fn addresses_and_phones_look_right() {
        let mut rng = Rng::from_key(4);
        let k: Kato = "111010000".parse().unwrap();
        let mut flats = 0;
        for _ in 0..2_000 {
            let a = address(&mut rng, k, true, 500);
            assert!(!a.street.as_deref().unwrap_or("").is_empty());
            let house = a.house.unwrap();
            assert!(house.starts_with(|c: char| c.is_ascii_digit() && c != '0'), "{house}");
            flats += usize::from(a.flat.is_some());
            let p = phone(&mut rng);
            assert_eq!(p.len(), 12);
            assert!(p.starts_with("+77"));
            assert!(p[1..].bytes().all(|b| b.is_ascii_digit()));
        }
        assert!((1_200..1_600).contains(&flats), "{flats}");
        let rural = address(&mut rng, k, false, 1000);
        assert!(rural.street.unwrap().ends_with("көшесі"));
    }
}
