//! Property tests for amounts: every usual way of writing an amount reads back as that amount or
//! as a specific error, never as another amount; shares round as a reference computation does.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use shanyraq_domain::Tenge;

/// `digits` in groups of three from the right, joined by `mark`.
fn grouped(digits: &str, mark: Option<char>) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if let Some(mark) = mark
            && i > 0
            && (digits.len() - i).is_multiple_of(3)
        {
            out.push(mark);
        }
        out.push(c);
    }
    out
}

const GROUPINGS: [Option<char>; 6] =
    [None, Some(' '), Some('\u{a0}'), Some('\u{202f}'), Some(','), Some('.')];
const FRACTIONS: [&str; 5] = ["", ",00", ".00", ",0", ".0"];
const SUFFIXES: [&str; 4] = ["", " ₸", "\u{a0}₸", "₸"];

fn rendering() -> impl Strategy<Value = (i64, String, bool)> {
    (any::<i64>(), 0..GROUPINGS.len(), 0..FRACTIONS.len(), 0..SUFFIXES.len()).prop_map(
        |(v, g, f, s)| {
            let digits = v.unsigned_abs().to_string();
            let sign = if v < 0 { "-" } else { "" };
            let (mark, fraction) = (GROUPINGS[g], FRACTIONS[f]);
            let text = format!("{sign}{}{fraction}{}", grouped(&digits, mark), SUFFIXES[s]);
            // Grouping and fraction with the same mark (`1,000,00`) cannot be read either way.
            let same_mark = digits.len() > 3
                && mark.is_some_and(|m| matches!(m, ',' | '.') && fraction.starts_with(m));
            (v, text, same_mark)
        },
    )
}

/// Text close to an amount: groups of digits, mostly three long, joined by `,`, `.` or a space.
fn near_amount() -> impl Strategy<Value = String> {
    let later_group = prop_oneof![4 => "[0-9]{3}", 2 => "[0-9]{1,2}", 1 => "[0-9]{4}"];
    let separator = prop_oneof![Just(','), Just('.'), Just(' ')];
    (any::<bool>(), "[0-9]{1,4}", proptest::collection::vec((separator, later_group), 0..4))
        .prop_map(|(negative, first, rest)| {
            let mut text = String::from(if negative { "-" } else { "" });
            text.push_str(&first);
            for (separator, group) in rest {
                text.push(separator);
                text.push_str(&group);
            }
            text
        })
}

/// The only amount `text` may be read as: the digits before the last `.`/`,` when one or two
/// digits follow it (a fraction), all the digits otherwise (thousands separators).
fn only_possible_reading(text: &str) -> i128 {
    let compact: String = text.chars().filter(|c| *c != ' ').collect();
    let (negative, body) = match compact.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, compact.as_str()),
    };
    let whole = match body.rfind([',', '.']) {
        Some(i) if (1..=2).contains(&(body.len() - i - 1)) => &body[..i],
        _ => body,
    };
    let digits: String = whole.chars().filter(char::is_ascii_digit).collect();
    let magnitude: i128 = digits.parse().unwrap();
    if negative { -magnitude } else { magnitude }
}

/// Reference for [`Tenge::share`] on small numbers: exact rational rounding on `i128`.
fn small_reference(amount: i64, numerator: i64, denominator: i64) -> i64 {
    let n = i128::from(amount) * i128::from(numerator);
    let d = i128::from(denominator);
    let magnitude = (2 * n.abs() + d.abs()) / (2 * d.abs());
    let sign = if (n < 0) != (d < 0) { -1 } else { 1 };
    i64::try_from(sign * magnitude).unwrap()
}

/// Reference for [`Tenge::share`] on any `i64`s: the same rounding on magnitudes in `u128`
/// (2·|a·b| + |d| < 2^128), then clamped to `i64`.
fn full_reference(amount: i64, numerator: i64, denominator: i64) -> i64 {
    if denominator == 0 {
        return 0;
    }
    let n = i128::from(amount) * i128::from(numerator);
    let d = i128::from(denominator);
    let magnitude = (2 * n.unsigned_abs() + d.unsigned_abs()) / (2 * d.unsigned_abs());
    let magnitude = i128::try_from(magnitude).unwrap();
    let q = if (n < 0) != (d < 0) { -magnitude } else { magnitude };
    i64::try_from(q).unwrap_or(if q > 0 { i64::MAX } else { i64::MIN })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn every_usual_rendering_reads_back_as_the_amount((v, text, same_mark) in rendering()) {
        let parsed = text.parse::<Tenge>();
        if same_mark {
            prop_assert_eq!(parsed.map_err(|e| e.code()), Err("money.ambiguous_separator"), "{}", text);
        } else {
            prop_assert_eq!(parsed, Ok(Tenge(v)), "{}", text);
        }
    }

    #[test]
    fn near_amounts_are_never_read_as_another_amount(text in near_amount()) {
        match text.parse::<Tenge>() {
            Ok(amount) => prop_assert_eq!(i128::from(amount.0), only_possible_reading(&text)),
            Err(e) => prop_assert!(
                matches!(
                    e.code(),
                    "money.ambiguous_separator" | "money.fractional" | "money.too_large"
                ),
                "{text:?}: {e}"
            ),
        }
    }

    #[test]
    fn accepted_amounts_reprint_and_read_back(text in near_amount()) {
        if let Ok(amount) = text.parse::<Tenge>() {
            prop_assert_eq!(amount.to_string().parse::<Tenge>(), Ok(amount));
        }
    }

    #[test]
    fn shares_match_the_reference_on_small_numbers(
        amount in -100_000i64..=100_000,
        numerator in -1_000i64..=1_000,
        denominator in (-1_000i64..=1_000).prop_filter("non-zero", |d| *d != 0),
    ) {
        prop_assert_eq!(
            Tenge(amount).share(numerator, denominator),
            Tenge(small_reference(amount, numerator, denominator))
        );
    }

    #[test]
    fn shares_match_the_reference_anywhere(
        amount in any::<i64>(),
        numerator in any::<i64>(),
        denominator in any::<i64>(),
    ) {
        prop_assert_eq!(
            Tenge(amount).share(numerator, denominator),
            Tenge(full_reference(amount, numerator, denominator))
        );
    }
}

/// The near-amount properties only test something if a fair share of their inputs parse.
#[test]
fn near_amounts_parse_often_enough_to_test_something() {
    let mut runner = TestRunner::deterministic();
    let strategy = near_amount();
    let samples = 2_000;
    let (mut accepted, mut grouped_accepted) = (0, 0);
    for _ in 0..samples {
        let text = strategy.new_tree(&mut runner).unwrap().current();
        if text.parse::<Tenge>().is_ok() {
            accepted += 1;
            if text.contains([',', '.']) {
                grouped_accepted += 1;
            }
        }
    }
    assert!(accepted * 5 > samples, "only {accepted} of {samples} parsed");
    assert!(grouped_accepted * 10 > samples, "only {grouped_accepted} with separators parsed");
}

#[test]
fn renderings_include_the_cases_that_once_went_wrong() {
    assert_eq!(grouped("1000", Some(',')), "1,000");
    assert_eq!("1,000".parse::<Tenge>(), Ok(Tenge(1_000)));
    assert_eq!("50.000".parse::<Tenge>(), Ok(Tenge(50_000)));
    assert_eq!(only_possible_reading("1,000"), 1_000);
    assert_eq!(only_possible_reading("-1.000,00"), -1_000);
    assert_eq!(Tenge(5).share(1, -2), Tenge(small_reference(5, 1, -2)));
    assert_eq!(small_reference(5, 1, -2), -3);
}
