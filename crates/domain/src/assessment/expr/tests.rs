use proptest::prelude::*;

use super::*;

/// Slots 0‥8: five numbers, two booleans, and the dotted names rules use.
struct Vocab;

impl Vocabulary for Vocab {
    fn lookup(&self, name: &str) -> Option<(usize, ExprType)> {
        Some(match name {
            "a" => (0, ExprType::Number),
            "b" => (1, ExprType::Number),
            "c" => (2, ExprType::Number),
            "x" => (3, ExprType::Number),
            "flag" => (4, ExprType::Bool),
            "income.per_capita" => (5, ExprType::Number),
            "poverty_line" => (6, ExprType::Number),
            "employment.able_bodied_members" => (7, ExprType::Number),
            "disabled" => (8, ExprType::Bool),
            _ => return None,
        })
    }
}

const SLOTS: usize = 9;

fn compile(text: &str) -> Expr {
    match Expr::compile(text, &Vocab) {
        Ok(expr) => expr,
        Err(err) => panic!("{text:?} does not compile: {err}"),
    }
}

fn holds(text: &str, values: &[i64]) -> bool {
    compile(text).eval(values)
}

fn error(text: &str) -> ExprError {
    match Expr::compile(text, &Vocab) {
        Ok(expr) => panic!("{text:?} compiled to {expr:?}"),
        Err(err) => err,
    }
}

/// Asserts the error's kind, byte offset and column, and that its code matches.
fn assert_error(text: &str, kind: ExprErrorKind, offset: usize, column: usize, code: &str) {
    let err = error(text);
    assert_eq!(err.kind, kind, "{text:?}");
    assert_eq!((err.offset, err.column), (offset, column), "{text:?}: {err}");
    assert_eq!(err.code(), code, "{text:?}");
}

fn syntax(expected: &'static str, found: &str) -> ExprErrorKind {
    ExprErrorKind::Expected { expected, found: found.to_owned() }
}

fn mismatch(expected: ExprType, found: ExprType, context: &'static str) -> ExprErrorKind {
    ExprErrorKind::TypeMismatch { expected, found, context }
}

const VALUE: &str = "a value (a number, a name, true, false or '(')";
const OPERATOR: &str = "an operator or the end of the expression";
const CHAIN: &str = "'and' or 'or' (comparisons do not chain)";

#[test]
fn arithmetic_precedence_and_associativity() {
    for text in [
        "1 + 2 * 3 == 7",
        "(1 + 2) * 3 == 9",
        "10 - 3 - 2 == 5",
        "10 - (3 - 2) == 9",
        "100 / 10 / 2 == 5",
        "100 / (10 / 2) == 20",
        "2 * 3 + 4 * 5 == 26",
        "-2 * 3 == -6",
        "-(2 + 3) == -5",
        "- -4 == 4",
        "2 - -3 == 5",
        "8 / 2 * 4 == 16",
        "1 + 2 < 4",
        "-a < 0",
    ] {
        assert!(holds(text, &[1]), "{text}");
    }
}

#[test]
fn logic_precedence() {
    // `and` binds tighter than `or`.
    assert!(holds("true or false and false", &[]));
    assert!(!holds("(true or false) and false", &[]));
    assert!(holds("true || false && false", &[]));
    // `not` binds tighter than `and` / `or` but looser than comparisons.
    assert!(holds("not true or true", &[]));
    assert!(!holds("not (true or true)", &[]));
    assert!(holds("not 1 == 2", &[]));
    assert!(holds("! 1 > 2 && 2 > 1", &[]));
    assert!(holds("not not true", &[]));
    assert!(holds("1 + 2 < 4 and 3 > 2", &[]));
    // Boolean equality.
    assert!(holds("(1 < 2) == (3 < 4)", &[]));
    assert!(holds("flag != disabled", &[1, 1, 1, 1, 7, 0, 0, 0, 0]));
    assert!(holds("flag == true", &[0, 0, 0, 0, -1]));
    assert!(!holds("flag", &[0, 0, 0, 0, 0]));
}

#[test]
fn comparisons() {
    let values = [3, 5];
    for (text, expected) in [
        ("a < b", true),
        ("a <= b", true),
        ("a > b", false),
        ("a >= b", false),
        ("a == b", false),
        ("a != b", true),
        ("a <= 3", true),
        ("a >= 3", true),
        ("a < 3", false),
    ] {
        assert_eq!(holds(text, &values), expected, "{text}");
    }
}

#[test]
fn decimals_are_exact() {
    // 0.35 × 50 851 = 17 797.85 exactly.
    let rule = compile("0.35 * 50851 < x");
    assert!(!rule.eval(&[0, 0, 0, 17_797]));
    assert!(rule.eval(&[0, 0, 0, 17_798]));
    // 0.35 × 50 860 = 17 801 exactly: the boundary is inclusive for `<=`.
    let rule = compile("0.35 * 50860 <= x");
    assert!(rule.eval(&[0, 0, 0, 17_801]));
    assert!(!rule.eval(&[0, 0, 0, 17_800]));
    let rule = compile("income.per_capita < 0.7 * poverty_line");
    assert!(rule.eval(&[0, 0, 0, 0, 0, 34_999, 50_000]));
    assert!(!rule.eval(&[0, 0, 0, 0, 0, 35_000, 50_000]));
    assert!(holds("0.1 + 0.2 == 0.3", &[]));
    assert!(holds("0.5 + 0.25 == 0.75", &[]));
    assert!(holds("4.000 == 4", &[]));
    assert!(holds("1_000 == 1000", &[]));
    assert!(holds("1_000_000.5 == 1000000.500", &[]));
    assert!(holds("007 == 7", &[]));
}

#[test]
fn division_truncates_toward_zero_and_by_zero_is_zero() {
    assert!(holds("7 / 2 == 3.5", &[]));
    assert!(holds("-7 / 2 == -3.5", &[]));
    assert!(holds("1 / 3 == 0.333", &[]));
    assert!(holds("-1 / 3 == -0.333", &[]));
    assert!(holds("2 / 3 * 3 == 1.998", &[]));
    assert!(holds("0.001 * 0.5 == 0", &[]));
    assert!(holds("-0.001 * 0.5 == 0", &[]));
    assert!(holds("a / 0 == 0", &[12_345]));
    assert!(holds("a / b == 0", &[-12_345, 0]));
    assert!(holds("a / (b - b) == 0", &[i64::MIN, 4]));
}

#[test]
fn arithmetic_saturates() {
    let big = [i64::MAX, i64::MIN];
    assert!(holds("a * a * a * a > 0", &big));
    assert!(holds("a * a * a * a == a * a * a * a * a", &big));
    assert!(holds("b * a * a * a < 0", &big));
    assert!(holds("a * a * a * a + 1 == a * a * a * a + 2", &big));
    assert!(holds("a * a * a * a / 0.001 > a", &big));
    assert!(holds("-(b * b * b * b) < b", &big));
    assert!(holds("1_000_000_000_000_000_000_000_000_000_000 + a > 0", &big));
    // Whole i64 slot values are exact.
    assert!(holds("a - 1 < a and b + 1 > b", &big));
    assert!(holds("a + b == -1", &big));
}

#[test]
fn slots_read_as_documented() {
    // A boolean slot is true when non-zero; an absent slot reads 0.
    assert!(holds("flag", &[0, 0, 0, 0, 42]));
    assert!(holds("not disabled and a == 0", &[]));
    assert!(holds("poverty_line == 0", &[1, 2]));
}

#[test]
fn slots_are_sorted_and_unique() {
    let expr = compile("x > a and a < c and flag or x == c and flag");
    assert_eq!(expr.slots(), &[0, 2, 3, 4]);
    assert!(compile("true").slots().is_empty());
    assert_eq!(compile("employment.able_bodied_members > 0").slots(), &[7]);
}

#[test]
fn source_is_kept() {
    let text = "  income.per_capita   <  poverty_line ";
    let expr = compile(text);
    assert_eq!(expr.source(), text);
    assert_eq!(expr.to_string(), text);
    assert_eq!(expr.clone(), expr);
}

#[test]
fn deep_stack_programs_evaluate() {
    // 32 nested levels, two pending operands at each: the largest stack size class.
    let mut text = String::from("a");
    for _ in 0..MAX_DEPTH {
        text = format!("a + a * ({text})");
    }
    let expr = compile(&format!("{text} == 17179869182"));
    assert!(expr.stack > 32);
    assert!(expr.eval(&[2]));
    assert!(!expr.eval(&[3]));
}

#[test]
fn syntax_errors() {
    let code = "expr.syntax";
    assert_error("a > 1 $ 2", ExprErrorKind::UnexpectedChar('$'), 6, 7, code);
    assert_error("«a» > 1", ExprErrorKind::UnexpectedChar('«'), 0, 1, code);
    // Offsets are bytes, columns are characters (a no-break space is two bytes).
    assert_error("a\u{a0}> 1 $", ExprErrorKind::UnexpectedChar('$'), 7, 7, code);
    assert_error("Income > 1", ExprErrorKind::UnexpectedChar('I'), 0, 1, code);
    assert_error("a <", ExprErrorKind::UnexpectedEnd, 3, 4, code);
    assert_error("(a < 1", ExprErrorKind::UnexpectedEnd, 6, 7, code);
    assert_error("", ExprErrorKind::UnexpectedEnd, 0, 1, code);
    assert_error("   ", ExprErrorKind::UnexpectedEnd, 3, 4, code);
    assert_error("income.", ExprErrorKind::UnexpectedEnd, 7, 8, code);
    assert_error("a < )", syntax(VALUE, ")"), 4, 5, code);
    assert_error("a < and", syntax(VALUE, "and"), 4, 5, code);
    assert_error("(a < 1))", syntax(OPERATOR, ")"), 7, 8, code);
    assert_error("a 1", syntax(OPERATOR, "1"), 2, 3, code);
    assert_error("(a < 1 b", syntax("')'", "b"), 7, 8, code);
    assert_error("a = 1", syntax("'=='", "="), 2, 3, code);
    assert_error("flag & flag", syntax("'&&'", "&"), 5, 6, code);
    assert_error("flag | flag", syntax("'||'", "|"), 5, 6, code);
    assert_error("income.1 > 0", syntax("a name part after '.'", "1"), 7, 8, code);
    assert_error("income..x > 0", syntax("a name part after '.'", "."), 7, 8, code);
}

#[test]
fn comparisons_do_not_chain() {
    let code = "expr.syntax";
    assert_error("a < b < c", syntax(CHAIN, "<"), 6, 7, code);
    assert_error("a == b == c", syntax(CHAIN, "=="), 7, 8, code);
    assert_error("a < b >= c", syntax(CHAIN, ">="), 6, 7, code);
    // With parentheses or `and` it is fine.
    assert!(holds("a < b and b < c", &[1, 2, 3]));
    assert!(holds("(a < b) == (b < c)", &[3, 2, 1]));
}

#[test]
fn unknown_names() {
    let code = "expr.unknown_name";
    let kind = |name: &str| ExprErrorKind::UnknownName(name.to_owned());
    assert_error("a < 1 and nobody.knows > 2", kind("nobody.knows"), 10, 11, code);
    assert_error("income > 1", kind("income"), 0, 1, code);
    assert_error("income.per_capita.x > 1", kind("income.per_capita.x"), 0, 1, code);
    assert_eq!(
        error("a < 1 and nobody.knows > 2").to_string(),
        "unknown name \"nobody.knows\" at character 11"
    );
}

#[test]
fn type_errors_point_at_the_operand() {
    use ExprType::{Bool, Number};
    let code = "expr.type";
    assert_error("a + true < 1", mismatch(Number, Bool, "'+'"), 4, 5, code);
    assert_error("true * a < 1", mismatch(Number, Bool, "'*'"), 0, 1, code);
    assert_error("not 5", mismatch(Bool, Number, "'not'"), 4, 5, code);
    assert_error("! (a + 1)", mismatch(Bool, Number, "'!'"), 2, 3, code);
    assert_error("flag and 1", mismatch(Bool, Number, "'and'"), 9, 10, code);
    assert_error("x and 1", mismatch(Bool, Number, "'and'"), 0, 1, code);
    assert_error("flag || a", mismatch(Bool, Number, "'||'"), 8, 9, code);
    assert_error("a == flag", mismatch(Number, Bool, "'=='"), 5, 6, code);
    assert_error("flag != 1", mismatch(Bool, Number, "'!='"), 8, 9, code);
    assert_error("flag < 1", mismatch(Number, Bool, "'<'"), 0, 1, code);
    assert_error("1 >= (a < b)", mismatch(Number, Bool, "'>='"), 5, 6, code);
    assert_error("-flag", mismatch(Number, Bool, "prefix '-'"), 1, 2, code);
    assert_eq!(
        error("a + true < 1").to_string(),
        "the operand of '+' must be a number, not a boolean at character 5"
    );
}

#[test]
fn whole_expression_must_be_bool() {
    let code = "expr.not_bool";
    assert_error("a + 1", ExprErrorKind::NotBool, 0, 1, code);
    assert_error("  (a)", ExprErrorKind::NotBool, 2, 3, code);
    assert_error("42", ExprErrorKind::NotBool, 0, 1, code);
}

#[test]
fn bad_numbers() {
    let code = "expr.number";
    let kind = |text: &str| ExprErrorKind::BadNumber(text.to_owned());
    assert_error("a < 1.2345", kind("1.2345"), 4, 5, code);
    assert_error("a < 1.", kind("1."), 4, 5, code);
    assert_error("a < 1.5.3", kind("1.5.3"), 4, 5, code);
    assert_error("a < 1__0", kind("1__0"), 4, 5, code);
    assert_error("a < 1_", kind("1_"), 4, 5, code);
    assert_error("a < 1._5", kind("1._5"), 4, 5, code);
    assert_error("a < 12abc", kind("12abc"), 4, 5, code);
    assert_error("a < 1e5", kind("1e5"), 4, 5, code);
    let too_big = "1_000_000_000_000_000_000_000_000_000_000.001";
    assert_error(&format!("a < {too_big}"), kind(too_big), 4, 5, code);
    let huge = "9".repeat(60);
    assert_error(&format!("a < {huge}"), kind(&huge), 4, 5, code);
    // The limit itself is accepted.
    assert!(holds("a < 1_000_000_000_000_000_000_000_000_000_000", &[i64::MAX]));
}

#[test]
fn length_limit() {
    let at_limit = format!("a < 1{}", " ".repeat(MAX_LEN - 5));
    assert_eq!(at_limit.len(), MAX_LEN);
    assert!(Expr::compile(&at_limit, &Vocab).is_ok());
    let text = format!("{at_limit} ");
    assert_error(
        &text,
        ExprErrorKind::TooLong { max: MAX_LEN },
        MAX_LEN,
        MAX_LEN + 1,
        "expr.too_long",
    );
    // The offset stays on a character boundary.
    let text = format!("{}{}", " ".repeat(MAX_LEN - 1), "ж".repeat(3));
    let err = error(&text);
    assert_eq!(err.kind, ExprErrorKind::TooLong { max: MAX_LEN });
    assert_eq!((err.offset, err.column), (MAX_LEN - 1, MAX_LEN));
}

#[test]
fn depth_limit() {
    let code = "expr.too_deep";
    let deep = ExprErrorKind::TooDeep { max: MAX_DEPTH };
    let nested = |n: usize| format!("{}a > 1{}", "(".repeat(n), ")".repeat(n));
    assert!(holds(&nested(MAX_DEPTH), &[2]));
    assert_error(&nested(MAX_DEPTH + 1), deep.clone(), MAX_DEPTH, MAX_DEPTH + 1, code);
    let nots = |n: usize| format!("{}flag", "not ".repeat(n));
    assert!(holds(&nots(MAX_DEPTH), &[0, 0, 0, 0, 1]));
    assert!(!holds(&nots(MAX_DEPTH - 1), &[0, 0, 0, 0, 1]));
    assert_error(&nots(MAX_DEPTH + 1), deep.clone(), 4 * MAX_DEPTH, 4 * MAX_DEPTH + 1, code);
    let negations = |n: usize| format!("{}1 < a", "-".repeat(n));
    assert!(holds(&negations(MAX_DEPTH), &[2]));
    assert_error(&negations(MAX_DEPTH + 1), deep.clone(), MAX_DEPTH, MAX_DEPTH + 1, code);
    // Mixed prefixes and parentheses count together.
    let mixed = format!("{}flag{}", "not (".repeat(17), ")".repeat(17));
    assert_eq!(error(&mixed).kind, deep);
    // Hostile input: refused, not a stack overflow.
    assert_eq!(error(&"(".repeat(1_500)).kind, deep);
    assert_eq!(error(&"not ".repeat(400)).kind, deep);
    assert_eq!(error(&"!".repeat(1_999)).kind, deep);
    assert_eq!(error(&"(".repeat(10_000)).kind, ExprErrorKind::TooLong { max: MAX_LEN });
    assert_eq!(error(&"not ".repeat(10_000)).kind, ExprErrorKind::TooLong { max: MAX_LEN });
}

#[test]
fn long_flat_chains_are_fine() {
    // Left-associative chains do not nest: 500 additions are one level.
    let text = format!("{} == 500", ["1"; 500].join("+"));
    assert!(text.len() <= MAX_LEN);
    assert!(holds(&text, &[]));
    let text = ["flag"; 200].join(" or ");
    assert!(text.len() <= MAX_LEN);
    assert!(holds(&text, &[0, 0, 0, 0, 1]));
}

#[test]
fn types_display_in_english() {
    assert_eq!(ExprType::Number.to_string(), "number");
    assert_eq!(ExprType::Bool.to_string(), "boolean");
}

/// Pieces of the language (and a few near misses), joined at random by the token soup.
const TOKENS: &str = "a b x flag disabled income.per_capita nobody ( ) not and or ! && || < <= == \
                      != > >= + - * / 0 1 0.35 1_000 true false 99999999999999999999 = .";

fn token_soup() -> impl Strategy<Value = String> {
    let tokens: Vec<&str> = TOKENS.split_whitespace().collect();
    prop::collection::vec(prop::sample::select(tokens), 0..40).prop_map(|tokens| tokens.join(" "))
}

fn check(text: &str, values: &[i64]) {
    match Expr::compile(text, &Vocab) {
        Ok(expr) => {
            let _ = expr.eval(values);
            let _ = expr.eval(&[]);
            assert!(expr.slots().windows(2).all(|w| w[0] < w[1]), "{text:?}");
            assert!(expr.slots().iter().all(|&slot| slot < SLOTS), "{text:?}");
            assert!(expr.stack <= STACK_CAP);
        }
        Err(err) => {
            assert!(err.offset <= text.len(), "{text:?}: {err:?}");
            assert!(text.is_char_boundary(err.offset), "{text:?}: {err:?}");
            assert_eq!(err.column, text[..err.offset].chars().count() + 1);
            assert!(!err.code().is_empty());
            assert!(!err.to_string().is_empty());
        }
    }
}

proptest! {
    #[test]
    fn eval_never_panics(values in prop::collection::vec(any::<i64>(), 0..12)) {
        for text in [
            "a * b * c * x / income.per_capita > poverty_line - a",
            "-a / -b * -c <= x + x + x and flag or not disabled",
            "a / (b - b) == 0 and (flag == disabled) != (a < b)",
            "employment.able_bodied_members * 0.001 * 0.001 * 1000 * 1000 > a",
        ] {
            let _ = compile(text).eval(&values);
        }
    }

    #[test]
    fn arithmetic_matches_a_reference(a in any::<i64>(), b in any::<i64>()) {
        let (wa, wb) = (i128::from(a), i128::from(b));
        let values = [a, b];
        prop_assert_eq!(holds("a < b", &values), a < b);
        prop_assert_eq!(holds("a + b > 0", &values), wa + wb > 0);
        prop_assert_eq!(holds("a - b <= 0", &values), wa - wb <= 0);
        prop_assert_eq!(holds("0.35 * a < b", &values), wa * 350 < wb * 1000);
        prop_assert_eq!(holds("a * b >= 0", &values), wa * wb >= 0);
        let quotient = if b == 0 { 0 } else { wa * 1000 / wb };
        prop_assert_eq!(holds("a / b * 1000 == 0", &values), quotient == 0);
    }

    #[test]
    fn compiling_random_text_never_panics(
        text in "\\PC{0,80}",
        values in prop::collection::vec(any::<i64>(), 0..12),
    ) {
        check(&text, &values);
    }

    #[test]
    fn compiling_token_soup_never_panics(
        text in token_soup(),
        values in prop::collection::vec(any::<i64>(), 0..12),
    ) {
        check(&text, &values);
    }
}
