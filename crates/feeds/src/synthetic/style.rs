//! How a file is written: the habits of the spreadsheet or system that exported it.

use shanyraq_domain::dates::{dotted, iso};

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

    /// A cell as the exporter writes it, before quoting.
    pub(crate) fn text(&self, cell: &Cell, lang: HeaderLang) -> String {
        match cell {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Date(d) if self.locale_ru() => dotted(*d),
            Cell::Date(d) => iso(*d),
            Cell::Money(m) if self.locale_ru() => format!("{m},00"),
            Cell::Money(m) | Cell::Count(m) => m.to_string(),
            Cell::Flag(b) if self.locale_ru() => match (lang, b) {
                (HeaderLang::Kk, true) => "иә".into(),
                (HeaderLang::Kk, false) => "жоқ".into(),
                (HeaderLang::Ru, true) => "да".into(),
                (HeaderLang::Ru, false) => "нет".into(),
                (HeaderLang::En, true) => "yes".into(),
                (HeaderLang::En, false) => "no".into(),
            },
            Cell::Flag(b) => u8::from(*b).to_string(),
        }
    }

    /// Quotes a field when it holds the delimiter, a quote, a line break or edge spaces.
    pub fn quote(&self, text: &str) -> String {
        let needs =
            text.bytes().any(|b| b == self.delimiter || b == b'"' || b == b'\n' || b == b'\r')
                || text.starts_with(' ')
                || text.ends_with(' ');
        if needs { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_owned() }
    }
}
