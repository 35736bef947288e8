//! A small, safe, type-checked expression language for conditions: the hard overrides of the
//! well-being methodology and the eligibility rules of the catalogue of measures.
//!
//! ```text
//! income.per_capita < 0.7 * poverty_line and not employment.able_bodied_members > 0
//! ```
//!
//! # The language
//!
//! * Literals: whole and decimal numbers with at most three decimal places (`4`, `0.35`,
//!   `1_000`), and `true`, `false`.
//! * Names: lowercase parts of `[a-z_][a-z0-9_]*` joined by dots (`income.per_capita`), resolved
//!   through a [`Vocabulary`] to a slot in the values and a type.
//! * Operators, lowest precedence first:
//!   `or` / `||`; `and` / `&&`; prefix `not` / `!`; comparisons `<` `<=` `>` `>=` `==` `!=`
//!   (these do not chain: `a < b < c` is an error); `+` `-`; `*` `/`; prefix `-`; parentheses.
//!   Binary operators of one level group from the left: `10 - 3 - 2` is `5`.
//! * Types: arithmetic and ordering take numbers; `==` and `!=` take two values of one type;
//!   `and`, `or` and `not` take booleans. The whole expression must be a boolean.
//!
//! # Arithmetic
//!
//! Exact and deterministic, with no floating point: numbers are kept as whole thousandths in an
//! `i128` (a slot value `v` is `v × 1000`).
//!
//! * `a * b` is `a × b ÷ 1000` and `a / b` is `a × 1000 ÷ b`, both truncated toward zero, so
//!   `1 / 3` is `0.333` and `-7 / 2` is `-3.5`.
//! * Division by zero gives zero: `x / 0 == 0` for every `x`. A rule that divides should guard
//!   the divisor (`members > 0 and income / members < line`) if zero must mean something else.
//! * Nothing overflows: every result saturates at ±10³⁰ units (±10³³ thousandths), far beyond
//!   any amount, count or number of days the platform holds.
//!
//! # Limits
//!
//! A text is at most [`MAX_LEN`] bytes and nests at most [`MAX_DEPTH`] levels (parentheses and
//! prefix `not` / `-` each count one), so hostile input is refused, never a crash.
//!
//! # Evaluation
//!
//! An expression compiles to a flat postfix program evaluated on a small stack array: evaluation
//! allocates nothing and never panics. Both sides of `and` / `or` are evaluated (there are no side
//! effects and no failures, so the result is the same as with short-circuiting).

use std::fmt;

use serde::{Deserialize, Serialize};

/// The longest text accepted, in bytes.
pub const MAX_LEN: usize = 2_000;

/// The deepest nesting accepted: parentheses and prefix `not`, `!` and `-` each count one level.
pub const MAX_DEPTH: usize = 32;

/// Numbers are kept in thousandths.
const SCALE: i128 = 1_000;

/// Every number saturates at ± this many thousandths (10³⁰ units). `LIMIT × SCALE` fits in an
/// `i128`, which keeps division exact, and a product that overflows `i128` is certainly beyond it.
const LIMIT: i128 = 1_000_000_000_000_000_000_000_000_000_000_000;

/// The largest evaluation stack a program may need. With [`MAX_DEPTH`] levels the parser cannot
/// reach it (each level holds at most five pending operands); it is checked all the same.
const STACK_CAP: usize = 256;

/// The type of an expression or variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExprType {
    Number,
    Bool,
}

impl fmt::Display for ExprType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ExprType::Number => "number",
            ExprType::Bool => "boolean",
        })
    }
}

/// Names the variables an expression may read: a name → its slot in the values slice and its type.
pub trait Vocabulary {
    fn lookup(&self, name: &str) -> Option<(usize, ExprType)>;
}

/// Why a text is not an expression, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at character {column}")]
pub struct ExprError {
    /// Byte offset in the text.
    pub offset: usize,
    /// 1-based character position in the text.
    pub column: usize,
    pub kind: ExprErrorKind,
}

/// What is wrong with an expression.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExprErrorKind {
    #[error("unexpected character {0:?}")]
    UnexpectedChar(char),
    #[error("the expression ends too early")]
    UnexpectedEnd,
    #[error("expected {expected}, found {found:?}")]
    Expected { expected: &'static str, found: String },
    #[error("unknown name {0:?}")]
    UnknownName(String),
    #[error("the operand of {context} must be a {expected}, not a {found}")]
    TypeMismatch { expected: ExprType, found: ExprType, context: &'static str },
    #[error("the expression is a number; it must be a condition that is true or false")]
    NotBool,
    #[error("the expression is longer than {max} bytes")]
    TooLong { max: usize },
    #[error("the expression is nested more than {max} levels deep")]
    TooDeep { max: usize },
    #[error(
        "{0:?} is not a number: write digits, optionally with `_` between them and at most \
         3 decimal places (4, 0.35, 1_000), up to 10^30"
    )]
    BadNumber(String),
}

impl ExprError {
    /// A stable code for the kind of error.
    pub fn code(&self) -> &'static str {
        match self.kind {
            ExprErrorKind::UnexpectedChar(_)
            | ExprErrorKind::UnexpectedEnd
            | ExprErrorKind::Expected { .. } => "expr.syntax",
            ExprErrorKind::UnknownName(_) => "expr.unknown_name",
            ExprErrorKind::TypeMismatch { .. } => "expr.type",
            ExprErrorKind::NotBool => "expr.not_bool",
            ExprErrorKind::TooLong { .. } => "expr.too_long",
            ExprErrorKind::TooDeep { .. } => "expr.too_deep",
            ExprErrorKind::BadNumber(_) => "expr.number",
        }
    }

    fn at(text: &str, offset: usize, kind: ExprErrorKind) -> ExprError {
        let offset = floor_char_boundary(text, offset);
        let column = text.get(..offset).map_or(0, |before| before.chars().count()) + 1;
        ExprError { offset, column, kind }
    }
}

/// The largest char boundary of `text` at or before `offset`.
fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A compiled, type-checked boolean expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    source: String,
    program: Box<[Op]>,
    slots: Box<[usize]>,
    /// The most values the program holds on its stack at once.
    stack: usize,
}

impl Expr {
    /// Parses and type-checks `text`; the whole expression must be Bool.
    pub fn compile(text: &str, vocabulary: &dyn Vocabulary) -> Result<Expr, ExprError> {
        if text.len() > MAX_LEN {
            return Err(ExprError::at(text, MAX_LEN, ExprErrorKind::TooLong { max: MAX_LEN }));
        }
        let mut parser = Parser::new(text, vocabulary)?;
        let (ty, start) = parser.parse_or()?;
        if parser.token.tok != Tok::End {
            return Err(parser.expected("an operator or the end of the expression"));
        }
        if ty != ExprType::Bool {
            return Err(ExprError::at(text, start, ExprErrorKind::NotBool));
        }
        if parser.max_height > STACK_CAP {
            return Err(ExprError::at(text, 0, ExprErrorKind::TooDeep { max: MAX_DEPTH }));
        }
        let mut slots = parser.slots;
        slots.sort_unstable();
        slots.dedup();
        Ok(Expr {
            source: text.to_owned(),
            program: parser.program.into_boxed_slice(),
            slots: slots.into_boxed_slice(),
            stack: parser.max_height,
        })
    }

    /// Evaluates over `values` (indexed by slot). Numbers in slots are whole units (tenge, counts,
    /// days); Bools are 0 or 1 (any non-zero is true). Never panics: a slot out of range reads 0.
    pub fn eval(&self, values: &[i64]) -> bool {
        if self.stack <= 8 {
            run::<8>(&self.program, values)
        } else if self.stack <= 32 {
            run::<32>(&self.program, values)
        } else {
            run::<STACK_CAP>(&self.program, values)
        }
    }

    /// The slots the expression reads, sorted, without repeats (for explanations: which values decided).
    pub fn slots(&self) -> &[usize] {
        &self.slots
    }

    /// The text it was compiled from.
    pub fn source(&self) -> &str {
        &self.source
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

// ---------------------------------------------------------------------------------------------
// The program

/// One step of a postfix program. Numbers are thousandths; booleans are 0 or 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Const(i128),
    /// A number slot: its value × 1000.
    Number(usize),
    /// A boolean slot: 1 if non-zero.
    Bool(usize),
    Neg,
    Add,
    Sub,
    Mul,
    Div,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    Not,
    And,
    Or,
}

impl Op {
    /// How the op changes the height of the stack.
    fn effect(self) -> isize {
        match self {
            Op::Const(_) | Op::Number(_) | Op::Bool(_) => 1,
            Op::Neg | Op::Not => 0,
            _ => -1,
        }
    }
}

fn clamp(value: i128) -> i128 {
    value.clamp(-LIMIT, LIMIT)
}

fn mul(a: i128, b: i128) -> i128 {
    match a.checked_mul(b) {
        Some(product) => clamp(product / SCALE),
        // Beyond i128, so certainly beyond the limit.
        None if (a < 0) != (b < 0) => -LIMIT,
        None => LIMIT,
    }
}

fn div(a: i128, b: i128) -> i128 {
    // `a` is within the limit, so `a × 1000` fits; a zero divisor gives zero.
    a.saturating_mul(SCALE).checked_div(b).map_or(0, clamp)
}

fn truth(condition: bool) -> i128 {
    i128::from(condition)
}

/// The evaluation stack. The compiler guarantees programs are well formed and fit; should one
/// not, reads outside the stack give 0 and writes are dropped, never a panic.
struct Stack<const N: usize> {
    values: [i128; N],
    height: usize,
}

impl<const N: usize> Stack<N> {
    #[inline]
    fn push(&mut self, value: i128) {
        if let Some(top) = self.values.get_mut(self.height) {
            *top = value;
        }
        self.height += 1;
    }

    /// Replaces the top value `b` by `f(b)`.
    #[inline]
    fn unary(&mut self, f: impl FnOnce(i128) -> i128) {
        if let Some(top) = self.values.get_mut(self.height.wrapping_sub(1)) {
            *top = f(*top);
        }
    }

    /// Replaces the two top values `a`, `b` by `f(a, b)`.
    #[inline]
    fn binary(&mut self, f: impl FnOnce(i128, i128) -> i128) {
        let b = self.values.get(self.height.wrapping_sub(1)).copied().unwrap_or(0);
        self.height = self.height.saturating_sub(1);
        self.unary(|a| f(a, b));
    }
}

/// Runs a program on a stack of `N` values.
fn run<const N: usize>(program: &[Op], values: &[i64]) -> bool {
    let mut stack = Stack { values: [0_i128; N], height: 0 };
    let slot = |slot: usize| values.get(slot).copied().unwrap_or(0);
    for &op in program {
        match op {
            Op::Const(value) => stack.push(value),
            Op::Number(index) => stack.push(i128::from(slot(index)) * SCALE),
            Op::Bool(index) => stack.push(truth(slot(index) != 0)),
            Op::Neg => stack.unary(|b| clamp(b.saturating_neg())),
            Op::Not => stack.unary(|b| truth(b == 0)),
            Op::Add => stack.binary(|a, b| clamp(a.saturating_add(b))),
            Op::Sub => stack.binary(|a, b| clamp(a.saturating_sub(b))),
            Op::Mul => stack.binary(mul),
            Op::Div => stack.binary(div),
            Op::Lt => stack.binary(|a, b| truth(a < b)),
            Op::Le => stack.binary(|a, b| truth(a <= b)),
            Op::Gt => stack.binary(|a, b| truth(a > b)),
            Op::Ge => stack.binary(|a, b| truth(a >= b)),
            Op::Eq => stack.binary(|a, b| truth(a == b)),
            Op::Ne => stack.binary(|a, b| truth(a != b)),
            Op::And => stack.binary(|a, b| truth(a != 0 && b != 0)),
            Op::Or => stack.binary(|a, b| truth(a != 0 || b != 0)),
        }
    }
    stack.values.first().is_some_and(|&value| value != 0)
}

// ---------------------------------------------------------------------------------------------
// Lexing

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Number(i128),
    Name,
    True,
    False,
    And,
    Or,
    Not,
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    Ne,
    Plus,
    Minus,
    Star,
    Slash,
    LParen,
    RParen,
    End,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_lowercase() || b == b'_'
}

fn is_name_char(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'
}

impl Lexer<'_> {
    fn peek_byte(&self, ahead: usize) -> Option<u8> {
        self.text.as_bytes().get(self.pos + ahead).copied()
    }

    fn error(&self, offset: usize, kind: ExprErrorKind) -> ExprError {
        ExprError::at(self.text, offset, kind)
    }

    fn skip_while(&mut self, keep: impl Fn(u8) -> bool) {
        while self.peek_byte(0).is_some_and(&keep) {
            self.pos += 1;
        }
    }

    fn next(&mut self) -> Result<Token, ExprError> {
        // Skip white space, ASCII or not.
        while let Some(c) = self.text.get(self.pos..).and_then(|rest| rest.chars().next()) {
            if !c.is_whitespace() {
                break;
            }
            self.pos += c.len_utf8();
        }
        let start = self.pos;
        let Some(b) = self.peek_byte(0) else {
            return Ok(Token { tok: Tok::End, start, end: start });
        };
        let next = self.peek_byte(1);
        let (tok, len) = match (b, next) {
            (b'(', _) => (Tok::LParen, 1),
            (b')', _) => (Tok::RParen, 1),
            (b'+', _) => (Tok::Plus, 1),
            (b'-', _) => (Tok::Minus, 1),
            (b'*', _) => (Tok::Star, 1),
            (b'/', _) => (Tok::Slash, 1),
            (b'<', Some(b'=')) => (Tok::Le, 2),
            (b'<', _) => (Tok::Lt, 1),
            (b'>', Some(b'=')) => (Tok::Ge, 2),
            (b'>', _) => (Tok::Gt, 1),
            (b'=', Some(b'=')) => (Tok::EqEq, 2),
            (b'!', Some(b'=')) => (Tok::Ne, 2),
            (b'!', _) => (Tok::Not, 1),
            (b'&', Some(b'&')) => (Tok::And, 2),
            (b'|', Some(b'|')) => (Tok::Or, 2),
            (b'=' | b'&' | b'|', _) => {
                let expected = match b {
                    b'=' => "'=='",
                    b'&' => "'&&'",
                    _ => "'||'",
                };
                let found = char::from(b).to_string();
                return Err(self.error(start, ExprErrorKind::Expected { expected, found }));
            }
            (b'0'..=b'9', _) => return self.number(),
            _ if is_name_start(b) => return self.name(),
            _ => {
                let c = self.text.get(start..).and_then(|rest| rest.chars().next()).unwrap_or('?');
                return Err(self.error(start, ExprErrorKind::UnexpectedChar(c)));
            }
        };
        self.pos += len;
        Ok(Token { tok, start, end: self.pos })
    }

    fn number(&mut self) -> Result<Token, ExprError> {
        let start = self.pos;
        // Take everything that could belong to the number, so `12abc` or `1.5.3` is one bad
        // number rather than a number followed by something else.
        self.skip_while(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
        let text = self.text.get(start..self.pos).unwrap_or_default();
        match parse_number(text) {
            Some(value) => Ok(Token { tok: Tok::Number(value), start, end: self.pos }),
            None => Err(self.error(start, ExprErrorKind::BadNumber(text.to_owned()))),
        }
    }

    fn name(&mut self) -> Result<Token, ExprError> {
        let start = self.pos;
        self.skip_while(is_name_char);
        while self.peek_byte(0) == Some(b'.') {
            match self.peek_byte(1) {
                Some(b) if is_name_start(b) => {
                    self.pos += 1;
                    self.skip_while(is_name_char);
                }
                Some(_) => {
                    let after = self.pos + 1;
                    let found = self
                        .text
                        .get(after..)
                        .and_then(|rest| rest.chars().next())
                        .map(String::from)
                        .unwrap_or_default();
                    let expected = "a name part after '.'";
                    return Err(self.error(after, ExprErrorKind::Expected { expected, found }));
                }
                None => return Err(self.error(self.pos + 1, ExprErrorKind::UnexpectedEnd)),
            }
        }
        let tok = match self.text.get(start..self.pos).unwrap_or_default() {
            "and" => Tok::And,
            "or" => Tok::Or,
            "not" => Tok::Not,
            "true" => Tok::True,
            "false" => Tok::False,
            _ => Tok::Name,
        };
        Ok(Token { tok, start, end: self.pos })
    }
}

/// Reads `digits[.ddd]` with optional single `_` between digits of the whole part, as thousandths.
fn parse_number(text: &str) -> Option<i128> {
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    if whole.is_empty() || whole.starts_with('_') || whole.ends_with('_') || whole.contains("__") {
        return None;
    }
    let mut value: i128 = 0;
    for b in whole.bytes().filter(|&b| b != b'_') {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
        if value > LIMIT {
            return None;
        }
    }
    value = value.checked_mul(SCALE)?;
    if let Some(fraction) = fraction {
        if fraction.is_empty() || fraction.len() > 3 {
            return None;
        }
        let mut place = SCALE;
        for b in fraction.bytes() {
            if !b.is_ascii_digit() {
                return None;
            }
            place /= 10;
            value = value.checked_add(i128::from(b - b'0') * place)?;
        }
    }
    (value <= LIMIT).then_some(value)
}

// ---------------------------------------------------------------------------------------------
// Parsing and type checking

/// A recursive-descent parser that type-checks as it goes and emits postfix code directly.
/// Recursion happens only through parentheses and prefix operators, bounded by [`MAX_DEPTH`].
struct Parser<'a, 'v> {
    lexer: Lexer<'a>,
    token: Token,
    vocabulary: &'v dyn Vocabulary,
    program: Vec<Op>,
    slots: Vec<usize>,
    depth: usize,
    height: usize,
    max_height: usize,
}

/// A parsed part: its type and the byte offset where it starts.
type Part = (ExprType, usize);

impl<'a, 'v> Parser<'a, 'v> {
    fn new(text: &'a str, vocabulary: &'v dyn Vocabulary) -> Result<Self, ExprError> {
        let mut lexer = Lexer { text, pos: 0 };
        let token = lexer.next()?;
        Ok(Parser {
            lexer,
            token,
            vocabulary,
            program: Vec::new(),
            slots: Vec::new(),
            depth: 0,
            height: 0,
            max_height: 0,
        })
    }

    fn text(&self) -> &'a str {
        self.lexer.text
    }

    fn advance(&mut self) -> Result<(), ExprError> {
        self.token = self.lexer.next()?;
        Ok(())
    }

    fn error(&self, offset: usize, kind: ExprErrorKind) -> ExprError {
        ExprError::at(self.text(), offset, kind)
    }

    /// The current token is not what the grammar needs here.
    fn expected(&self, expected: &'static str) -> ExprError {
        if self.token.tok == Tok::End {
            return self.error(self.token.start, ExprErrorKind::UnexpectedEnd);
        }
        let found = self.text().get(self.token.start..self.token.end).unwrap_or_default();
        self.error(self.token.start, ExprErrorKind::Expected { expected, found: found.to_owned() })
    }

    fn emit(&mut self, op: Op) {
        self.height = self.height.saturating_add_signed(op.effect());
        self.max_height = self.max_height.max(self.height);
        self.program.push(op);
    }

    fn enter(&mut self) -> Result<(), ExprError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(self.token.start, ExprErrorKind::TooDeep { max: MAX_DEPTH }));
        }
        self.depth += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn require(
        &self,
        (found, offset): Part,
        expected: ExprType,
        context: &'static str,
    ) -> Result<(), ExprError> {
        if found == expected {
            Ok(())
        } else {
            Err(self.error(offset, ExprErrorKind::TypeMismatch { expected, found, context }))
        }
    }

    /// How the current operator token is spelled, for messages.
    fn label(&self) -> &'static str {
        match self.text().get(self.token.start..self.token.end).unwrap_or_default() {
            "or" => "'or'",
            "||" => "'||'",
            "and" => "'and'",
            "&&" => "'&&'",
            "not" => "'not'",
            "!" => "'!'",
            "<" => "'<'",
            "<=" => "'<='",
            ">" => "'>'",
            ">=" => "'>='",
            "==" => "'=='",
            "!=" => "'!='",
            "+" => "'+'",
            "-" => "'-'",
            "*" => "'*'",
            "/" => "'/'",
            _ => "the operator",
        }
    }

    /// `or` / `||`, the lowest level; also what parentheses hold.
    fn parse_or(&mut self) -> Result<Part, ExprError> {
        self.parse_logic(Tok::Or, Op::Or, Self::parse_and)
    }

    fn parse_and(&mut self) -> Result<Part, ExprError> {
        self.parse_logic(Tok::And, Op::And, Self::parse_not)
    }

    fn parse_logic(
        &mut self,
        tok: Tok,
        op: Op,
        operand: fn(&mut Self) -> Result<Part, ExprError>,
    ) -> Result<Part, ExprError> {
        let left = operand(self)?;
        while self.token.tok == tok {
            let context = self.label();
            self.require(left, ExprType::Bool, context)?;
            self.advance()?;
            let right = operand(self)?;
            self.require(right, ExprType::Bool, context)?;
            self.emit(op);
        }
        Ok(left)
    }

    /// Prefix `not` / `!`: binds looser than comparisons, so `not a == b` is `not (a == b)`.
    fn parse_not(&mut self) -> Result<Part, ExprError> {
        if self.token.tok != Tok::Not {
            return self.parse_comparison();
        }
        let start = self.token.start;
        let context = self.label();
        self.enter()?;
        self.advance()?;
        let operand = self.parse_not()?;
        self.require(operand, ExprType::Bool, context)?;
        self.emit(Op::Not);
        self.leave();
        Ok((ExprType::Bool, start))
    }

    fn comparison(tok: Tok) -> Option<Op> {
        Some(match tok {
            Tok::Lt => Op::Lt,
            Tok::Le => Op::Le,
            Tok::Gt => Op::Gt,
            Tok::Ge => Op::Ge,
            Tok::EqEq => Op::Eq,
            Tok::Ne => Op::Ne,
            _ => return None,
        })
    }

    /// One comparison at most: `a < b < c` is refused.
    fn parse_comparison(&mut self) -> Result<Part, ExprError> {
        let left = self.parse_sum()?;
        let Some(op) = Self::comparison(self.token.tok) else {
            return Ok(left);
        };
        let context = self.label();
        let equality = matches!(op, Op::Eq | Op::Ne);
        if !equality {
            self.require(left, ExprType::Number, context)?;
        }
        self.advance()?;
        let right = self.parse_sum()?;
        self.require(right, if equality { left.0 } else { ExprType::Number }, context)?;
        self.emit(op);
        if Self::comparison(self.token.tok).is_some() {
            return Err(self.expected("'and' or 'or' (comparisons do not chain)"));
        }
        Ok((ExprType::Bool, left.1))
    }

    fn parse_sum(&mut self) -> Result<Part, ExprError> {
        self.parse_arithmetic(&[(Tok::Plus, Op::Add), (Tok::Minus, Op::Sub)], Self::parse_product)
    }

    fn parse_product(&mut self) -> Result<Part, ExprError> {
        self.parse_arithmetic(&[(Tok::Star, Op::Mul), (Tok::Slash, Op::Div)], Self::parse_negation)
    }

    fn parse_arithmetic(
        &mut self,
        ops: &[(Tok, Op)],
        operand: fn(&mut Self) -> Result<Part, ExprError>,
    ) -> Result<Part, ExprError> {
        let left = operand(self)?;
        while let Some(&(_, op)) = ops.iter().find(|(tok, _)| *tok == self.token.tok) {
            let context = self.label();
            self.require(left, ExprType::Number, context)?;
            self.advance()?;
            let right = operand(self)?;
            self.require(right, ExprType::Number, context)?;
            self.emit(op);
        }
        Ok(left)
    }

    /// Prefix `-`: binds tighter than `*`.
    fn parse_negation(&mut self) -> Result<Part, ExprError> {
        if self.token.tok != Tok::Minus {
            return self.parse_primary();
        }
        let start = self.token.start;
        self.enter()?;
        self.advance()?;
        let operand = self.parse_negation()?;
        self.require(operand, ExprType::Number, "prefix '-'")?;
        // A negated literal is folded into the literal.
        if let Some(Op::Const(value)) = self.program.last_mut() {
            *value = -*value;
        } else {
            self.emit(Op::Neg);
        }
        self.leave();
        Ok((ExprType::Number, start))
    }

    fn parse_primary(&mut self) -> Result<Part, ExprError> {
        let start = self.token.start;
        let ty = match self.token.tok {
            Tok::Number(value) => {
                self.emit(Op::Const(value));
                ExprType::Number
            }
            Tok::True | Tok::False => {
                self.emit(Op::Const(truth(self.token.tok == Tok::True)));
                ExprType::Bool
            }
            Tok::Name => {
                let name = self.text().get(start..self.token.end).unwrap_or_default();
                let Some((slot, ty)) = self.vocabulary.lookup(name) else {
                    return Err(self.error(start, ExprErrorKind::UnknownName(name.to_owned())));
                };
                self.slots.push(slot);
                self.emit(match ty {
                    ExprType::Number => Op::Number(slot),
                    ExprType::Bool => Op::Bool(slot),
                });
                ty
            }
            Tok::LParen => {
                self.enter()?;
                self.advance()?;
                let (ty, _) = self.parse_or()?;
                if self.token.tok != Tok::RParen {
                    return Err(self.expected("')'"));
                }
                self.leave();
                ty
            }
            _ => return Err(self.expected("a value (a number, a name, true, false or '(')")),
        };
        self.advance()?;
        Ok((ty, start))
    }
}

#[cfg(test)]
mod tests;
