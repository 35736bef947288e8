//! How a file is written: the habits of the spreadsheet or system that exported it.

use shanyraq_domain::dates::{dotted, iso};
use time::Date;

use super::rows::Cell;

/// The language of the header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderLang {
    Kk,
    Ru,
    En,
}

impl std::str::FromStr for HeaderLang {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "kk" => Ok(HeaderLang::Kk),
            "ru" => Ok(HeaderLang::Ru),
            "en" => Ok(HeaderLang::En),
            other => Err(format!("{other:?} is not a header language (kk, ru or en)")),
        }
    }
}

/// One file's writing habits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// `;` with `DD.MM.YYYY` dates and decimal commas (a spreadsheet in a Russian locale), or
    /// `,` with ISO dates and plain whole numbers.
    pub delimiter: u8,
    pub bom: bool,
    pub crlf: bool,
}

/// Four habits, so that any four consecutive feeds show all of them.
const STYLES: [Style; 4] = [
    Style { delimiter: b',', bom: false, crlf: false },
    Style { delimiter: b';', bom: true, crlf: true },
    Style { delimiter: b',', bom: true, crlf: true },
    Style { delimiter: b';', bom: false, crlf: false },
];

impl Style {
    /// The style of feed `name` for `seed`: a seed-chosen rotation over the feeds' fixed order.
    pub fn for_feed(seed: u64, name: &str) -> Style {
        let index = super::DERIVABLE.iter().position(|n| *n == name).unwrap_or(0);
        let shift = shanyraq_synth::rng::mix64(seed) as usize;
        STYLES[(index + shift) % STYLES.len()]
    }

    pub fn locale_ru(&self) -> bool {
        self.delimiter == b';'
    }

    pub fn newline(&self) -> &'static str {
        if self.crlf { "\r\n" } else { "\n" }
    }

    /// A cell as the exporter writes it, before quoting, appended to `out`.
    pub(crate) fn text_into(&self, cell: &Cell<'_>, lang: HeaderLang, out: &mut String) {
        match cell {
            Cell::Empty => {}
            Cell::Text(t) => out.push_str(t),
            Cell::Iin(iin) => out.extend(iin.digits().iter().map(|d| char::from(b'0' + d))),
            Cell::Kato(kato) => push_number(out, u64::from(kato.as_u32()), 9),
            Cell::Date(d) => self.push_date(*d, out),
            Cell::Money(m) => {
                push_signed(out, *m);
                if self.locale_ru() {
                    out.push_str(",00");
                }
            }
            Cell::Count(n) => push_signed(out, *n),
            Cell::Flag(b) if self.locale_ru() => out.push_str(match (lang, b) {
                (HeaderLang::Kk, true) => "иә",
                (HeaderLang::Kk, false) => "жоқ",
                (HeaderLang::Ru, true) => "да",
                (HeaderLang::Ru, false) => "нет",
                (HeaderLang::En, true) => "yes",
                (HeaderLang::En, false) => "no",
            }),
            Cell::Flag(b) => out.push(if *b { '1' } else { '0' }),
        }
    }

    /// `DD.MM.YYYY` or ISO, as [`dotted`] and [`iso`] write them.
    fn push_date(&self, date: Date, out: &mut String) {
        let Ok(year) = u64::try_from(date.year()) else {
            out.push_str(&if self.locale_ru() { dotted(date) } else { iso(date) });
            return;
        };
        if year > 9999 {
            out.push_str(&if self.locale_ru() { dotted(date) } else { iso(date) });
            return;
        }
        let (month, day) = (u64::from(u8::from(date.month())), u64::from(date.day()));
        if self.locale_ru() {
            push_number(out, day, 2);
            out.push('.');
            push_number(out, month, 2);
            out.push('.');
            push_number(out, year, 4);
        } else {
            push_number(out, year, 4);
            out.push('-');
            push_number(out, month, 2);
            out.push('-');
            push_number(out, day, 2);
        }
    }

    /// Quotes a field when it holds the delimiter, a quote, a line break or edge spaces.
    pub fn quote(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 2);
        self.quote_into(text, &mut out);
        out
    }

    /// As [`Style::quote`], appended to `out`.
    pub fn quote_into(&self, text: &str, out: &mut String) {
        let needs =
            text.bytes().any(|b| b == self.delimiter || b == b'"' || b == b'\n' || b == b'\r')
                || text.starts_with(' ')
                || text.ends_with(' ');
        if needs {
            out.push('"');
            for (i, part) in text.split('"').enumerate() {
                if i > 0 {
                    out.push_str("\"\"");
                }
                out.push_str(part);
            }
            out.push('"');
        } else {
            out.push_str(text);
        }
    }
}

/// `n` in decimal, zero-padded to `width` digits.
fn push_number(out: &mut String, n: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut i = digits.len();
    let mut rest = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let start = i.min(digits.len().saturating_sub(width));
    out.extend(digits[start..].iter().map(|b| char::from(*b)));
}

fn push_signed(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_number(out, n.unsigned_abs(), 1);
}
