//! Property tests for the parsers: what they accept re-prints the same, values round-trip, and
//! no input makes them panic.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use shanyraq_domain::dates::{dotted, iso, parse_dotted, parse_iso};
use shanyraq_domain::iin::check_digit;
use shanyraq_domain::{Iin, IinError, Kato, KatoLevel, Tenge};
use time::Date;

fn first_eleven() -> impl Strategy<Value = [u8; 11]> {
    proptest::array::uniform11(0u8..=9)
}

fn valid_iin() -> impl Strategy<Value = Iin> {
    first_eleven().prop_filter_map("no check digit", Iin::from_first_eleven)
}

fn valid_kato() -> impl Strategy<Value = Kato> {
    (10_000_000u32..=999_999_999).prop_map(|v| Kato::from_u32(v).unwrap())
}

/// Codes that share leading parts with each other more often than random ones would.
fn kato_pair() -> impl Strategy<Value = (Kato, Kato)> {
    (valid_kato(), 0u32..1_000_000_000, 0usize..=4).prop_map(|(a, noise, keep)| {
        let keep_digits = [0u32, 2, 4, 6, 9][keep];
        let scale = 10u32.pow(9 - keep_digits);
        let b = a.as_u32() / scale * scale + noise % scale;
        (a, Kato::from_u32(b.max(10_000_000)).unwrap())
    })
}

fn any_date() -> impl Strategy<Value = Date> {
    (1i32..=9999, 1u16..=366).prop_map(|(year, ordinal)| {
        Date::from_ordinal_date(year, ordinal)
            .or_else(|_| Date::from_ordinal_date(year, 365))
            .unwrap()
    })
}

fn digits_to_string(digits: &[u8]) -> String {
    digits.iter().map(|d| char::from(b'0' + d)).collect()
}

/// Ways to spoil a code near the edges parsers get wrong: whitespace, length, non-ASCII digits.
const SPOILERS: [fn(&mut String); 6] = [
    |s| s.insert(0, ' '),
    |s| s.push('\n'),
    |s| {
        s.pop();
    },
    |s| s.push('7'),
    |s| s.replace_range(..1, "О"),
    |s| s.replace_range(..1, "٣"),
];

/// `text` unchanged half the time, otherwise spoiled by one of [`SPOILERS`].
fn maybe_spoiled(text: String, spoiler: usize) -> String {
    let mut text = text;
    if let Some(spoil) = SPOILERS.get(spoiler) {
        spoil(&mut text);
    }
    text
}

fn spoiler() -> impl Strategy<Value = usize> {
    0..SPOILERS.len() * 2
}

/// Twelve digits whose last is the right check digit about half the time, sometimes spoiled.
fn near_iin() -> impl Strategy<Value = String> {
    (first_eleven(), 0u8..20, spoiler()).prop_map(|(first, last, spoiler)| {
        let last = if last < 10 { last } else { check_digit(&first).unwrap_or(0) };
        let mut digits = first.to_vec();
        digits.push(last);
        maybe_spoiled(digits_to_string(&digits), spoiler)
    })
}

/// Nine digits, sometimes spoiled.
fn near_kato() -> impl Strategy<Value = String> {
    ("[0-9]{9}", spoiler()).prop_map(|(code, spoiler)| maybe_spoiled(code, spoiler))
}

/// Dates in the right form whose month and day are often, but not always, in range.
fn near_iso() -> impl Strategy<Value = String> {
    "[0-9]{4}-[01][0-9]-[0-3][0-9]"
}

fn near_dotted() -> impl Strategy<Value = String> {
    "[0-3][0-9]\\.[01][0-9]\\.[0-9]{4}"
}

/// How many of 2 000 deterministic samples of `strategy` `accept` takes.
fn accepted_of_2000(
    strategy: impl Strategy<Value = String>,
    accept: impl Fn(&str) -> bool,
) -> usize {
    let mut runner = TestRunner::deterministic();
    (0..2_000).filter(|_| accept(&strategy.new_tree(&mut runner).unwrap().current())).count()
}

/// Whether `text` is `layout` with each `d` a digit: the form, whatever the numbers.
fn has_form(text: &str, layout: &str) -> bool {
    text.len() == layout.len()
        && text.bytes().zip(layout.bytes()).all(
            |(t, l)| {
                if l == b'd' { t.is_ascii_digit() } else { t == l }
            },
        )
}

/// The "accepted strings re-print the same" properties below only test something if a fair
/// share of their near-valid inputs are accepted, and a fair share refused.
#[test]
fn near_valid_inputs_are_accepted_often_enough_to_test_something() {
    let fair = 200..=1_800;
    let iin = accepted_of_2000(near_iin(), |s| s.parse::<Iin>().is_ok());
    assert!(fair.contains(&iin), "{iin} of 2000 near-IINs accepted");
    let kato = accepted_of_2000(near_kato(), |s| s.parse::<Kato>().is_ok());
    assert!(fair.contains(&kato), "{kato} of 2000 near-KATO codes accepted");
    let iso_dates = accepted_of_2000(near_iso(), |s| parse_iso(s).is_ok());
    assert!(fair.contains(&iso_dates), "{iso_dates} of 2000 near-ISO dates accepted");
    let dotted_dates = accepted_of_2000(near_dotted(), |s| parse_dotted(s).is_ok());
    assert!(fair.contains(&dotted_dates), "{dotted_dates} of 2000 near-dotted dates accepted");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn iin_accepted_strings_reprint_identically(s in near_iin()) {
        if let Ok(iin) = s.parse::<Iin>() {
            prop_assert_eq!(iin.to_string(), s);
        }
    }

    #[test]
    fn iin_twelve_digits_valid_iff_check_digit_matches(s in "[0-9]{12}") {
        let digits: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
        let first: [u8; 11] = digits[..11].try_into().unwrap();
        let expected = check_digit(&first);
        match s.parse::<Iin>() {
            Ok(iin) => {
                prop_assert_eq!(expected, Some(digits[11]));
                prop_assert_eq!(iin.to_string(), s);
            }
            Err(IinError::CheckDigitMismatch { expected: e, found }) => {
                prop_assert_eq!(Some(e), expected);
                prop_assert_eq!(found, digits[11]);
                prop_assert_ne!(e, found);
            }
            Err(IinError::Unissuable) => prop_assert_eq!(expected, None),
            Err(other) => prop_assert!(false, "unexpected error {other:?}"),
        }
    }

    #[test]
    fn iin_built_from_first_eleven_parses_back(first in first_eleven()) {
        match Iin::from_first_eleven(first) {
            Some(iin) => {
                prop_assert_eq!(&iin.digits()[..11], &first[..]);
                prop_assert_eq!(iin.to_string().parse::<Iin>(), Ok(iin));
            }
            None => prop_assert_eq!(check_digit(&first), None),
        }
    }

    #[test]
    fn iin_single_changed_digit_is_judged_by_its_check_digit(
        iin in valid_iin(),
        position in 0usize..11,
        delta in 1u8..=9,
    ) {
        let mut digits = *iin.digits();
        digits[position] = (digits[position] + delta) % 10;
        let changed = digits_to_string(&digits);
        let first: [u8; 11] = digits[..11].try_into().unwrap();
        let result = changed.parse::<Iin>();
        match check_digit(&first) {
            Some(d) if d == digits[11] => prop_assert_eq!(result.map(|i| i.to_string()), Ok(changed)),
            Some(d) => prop_assert_eq!(
                result,
                Err(IinError::CheckDigitMismatch { expected: d, found: digits[11] })
            ),
            None => prop_assert_eq!(result, Err(IinError::Unissuable)),
        }
    }

    #[test]
    fn iin_arbitrary_input_never_panics(s in any::<String>()) {
        let _ = s.parse::<Iin>();
    }

    #[test]
    fn kato_display_round_trips(code in valid_kato()) {
        let text = code.to_string();
        prop_assert_eq!(text.len(), 9);
        prop_assert_eq!(text.parse::<Kato>(), Ok(code));
        prop_assert_eq!(Kato::from_u32(code.as_u32()), Ok(code));
    }

    #[test]
    fn kato_nine_digits_accepted_unless_region_is_zero(s in "[0-9]{9}") {
        match s.parse::<Kato>() {
            Ok(code) => prop_assert_eq!(code.to_string(), s),
            Err(e) => {
                prop_assert!(s.starts_with("00"), "{s}: {e}");
                prop_assert_eq!(e.code(), "kato.no_region");
            }
        }
    }

    #[test]
    fn kato_accepted_strings_reprint_identically(s in near_kato()) {
        if let Ok(code) = s.parse::<Kato>() {
            prop_assert_eq!(code.to_string(), s);
        }
    }

    #[test]
    fn kato_arbitrary_input_never_panics(s in any::<String>(), n in any::<u32>()) {
        let _ = s.parse::<Kato>();
        if let Ok(code) = Kato::from_u32(n) {
            let _ = (code.level(), code.prefixes().count(), code.subtree_range());
        }
    }

    #[test]
    fn kato_contains_is_prefix_of_significant_digits((a, b) in kato_pair()) {
        let significant = match a.level() {
            KatoLevel::Region => 2,
            KatoLevel::District => 4,
            KatoLevel::Okrug => 6,
            KatoLevel::Settlement => 9,
        };
        let prefix = &a.to_string()[..significant];
        prop_assert_eq!(a.contains(b), b.to_string().starts_with(prefix));
        for above in b.prefixes() {
            prop_assert!(above.contains(b));
        }
    }

    #[test]
    fn tenge_display_round_trips(v in (i64::MIN + 1)..=i64::MAX) {
        prop_assert_eq!(Tenge(v).to_string().parse::<Tenge>(), Ok(Tenge(v)));
        prop_assert_eq!(v.to_string().parse::<Tenge>(), Ok(Tenge(v)));
    }

    #[test]
    fn tenge_arbitrary_input_never_panics(s in any::<String>(), t in "[-0-9 .,₸\u{a0}]{0,30}") {
        let _ = s.parse::<Tenge>();
        let _ = t.parse::<Tenge>();
    }

    #[test]
    fn dates_round_trip(date in any_date()) {
        prop_assert_eq!(parse_iso(&iso(date)), Ok(date));
        prop_assert_eq!(parse_dotted(&dotted(date)), Ok(date));
    }

    #[test]
    fn dates_accepted_strings_reprint_identically(a in near_iso(), b in near_dotted()) {
        // Every input has the form, so a refusal can only be a day the calendar lacks.
        match parse_iso(&a) {
            Ok(date) => prop_assert_eq!(iso(date), a),
            Err(e) => prop_assert_eq!(e.code(), "date.nonexistent", "{}", e),
        }
        match parse_dotted(&b) {
            Ok(date) => prop_assert_eq!(dotted(date), b),
            Err(e) => prop_assert_eq!(e.code(), "date.nonexistent", "{}", e),
        }
    }

    #[test]
    fn dates_arbitrary_input_never_panics_and_wrong_forms_say_so(s in any::<String>()) {
        if let Err(e) = parse_iso(&s)
            && !has_form(&s, "dddd-dd-dd")
        {
            prop_assert_eq!(e.code(), "date.format");
        }
        if let Err(e) = parse_dotted(&s)
            && !has_form(&s, "dd.dd.dddd")
        {
            prop_assert_eq!(e.code(), "date.format");
        }
    }
}
