//! Methodology files that must be refused, each with the expected error: its code, the line
//! it points at and the key.

use shanyraq_domain::assessment::{DEFAULT_METHODOLOGY, parse_methodology};

struct Case {
    what: &'static str,
    from: &'static str,
    to: &'static str,
    code: &'static str,
    key: &'static str,
    /// The error's line is the first line of the changed file that holds this text.
    line_of: &'static str,
}

const CASES: &[Case] = &[
    Case {
        what: "an indicator the assessment does not know",
        from: "indicator = \"property.vehicles\"",
        to: "indicator = \"property.yachts\"",
        code: "methodology.unknown_indicator",
        key: "rule[2].indicator",
        line_of: "property.yachts",
    },
    Case {
        what: "overlapping bands",
        from: "above = 2\nupto = 3",
        to: "above = 1.5\nupto = 3",
        code: "methodology.overlapping_bands",
        key: "rule[0].band[4]",
        line_of: "[[rule.band]]\nabove = 1.5",
    },
    Case {
        what: "cut-offs out of order",
        from: "C = -30",
        to: "C = 900",
        code: "methodology.cutoffs_order",
        key: "cutoffs.C",
        line_of: "C = 900",
    },
    Case {
        what: "a domain nobody declared",
        from: "domain = \"agriculture\"\nindicator = \"property.land_ha\"",
        to: "domain = \"farming\"\nindicator = \"property.land_ha\"",
        code: "methodology.unknown_domain",
        key: "rule[18].domain",
        line_of: "\"farming\"",
    },
    Case {
        what: "an override condition naming an unknown indicator",
        from: "when = \"housing.none\"",
        to: "when = \"housing.nowhere\"",
        code: "methodology.expression",
        key: "override[2].when",
        line_of: "housing.nowhere",
    },
    Case {
        what: "an override condition that is not yes/no",
        from: "when = \"education.max_absence_days >= 30\"",
        to: "when = \"education.max_absence_days + 30\"",
        code: "methodology.expression",
        key: "override[1].when",
        line_of: "max_absence_days + 30",
    },
    Case {
        what: "a level that does not exist",
        from: "level = \"D\"",
        to: "level = \"F\"",
        code: "methodology.unknown_level",
        key: "override[3].level",
        line_of: "level = \"F\"",
    },
    Case {
        what: "bands on a yes/no indicator",
        from: "indicator = \"housing.area_per_capita\"",
        to: "indicator = \"housing.none\"",
        code: "methodology.indicator_kind",
        key: "rule[15].indicator",
        line_of: "indicator = \"housing.none\"\n\n",
    },
    Case {
        what: "a bound with more than three decimals",
        from: "upto = 0.25",
        to: "upto = 0.2501",
        code: "methodology.bad_number",
        key: "rule[0].band[1].upto",
        line_of: "0.2501",
    },
    Case {
        what: "an empty band",
        from: "above = 3\nupto = 4",
        to: "above = 4\nupto = 3",
        code: "methodology.empty_band",
        key: "rule[0].band[5]",
        line_of: "[[rule.band]]\nabove = 4\nupto = 3",
    },
    Case {
        what: "a text that quotes an unknown value",
        from: "({value} a month)",
        to: "({amount} a month)",
        code: "methodology.unknown_placeholder",
        key: "rule[7].band[0].says.en",
        line_of: "{amount}",
    },
    Case {
        what: "an empty translation",
        from: "en = \"The family has no housing\" }\n\n[[rule]]",
        to: "en = \"\" }\n\n[[rule]]",
        code: "methodology.empty_text",
        key: "rule[14].says.en",
        line_of: "en = \"\" }",
    },
    Case {
        what: "a missing translation",
        from: "ru = \"У семьи нет жилья\", en = \"The family has no housing\" }\n\n[[rule]]",
        to: "ru = \"У семьи нет жилья\" }\n\n[[rule]]",
        code: "methodology.syntax",
        key: "rule",
        line_of: "ru = \"У семьи нет жилья\" }\n\n[[rule]]",
    },
    Case {
        what: "two rules with one key",
        from: "key = \"property.real_estate\"",
        to: "key = \"property.vehicles\"",
        code: "methodology.duplicate_key",
        key: "rule[3].key",
        line_of: "key = \"property.vehicles\"\ndomain = \"property\"\nindicator = \"property.real_estate\"",
    },
    Case {
        what: "a date that is not a date",
        from: "effective_from = \"2023-07-01\"",
        to: "effective_from = \"01.07.2023\"",
        code: "methodology.bad_date",
        key: "effective_from",
        line_of: "01.07.2023",
    },
    Case {
        what: "a key the format does not have",
        from: "reconstruction = true",
        to: "reconstruction = true\nauthor = \"someone\"",
        code: "methodology.syntax",
        key: "(top)",
        line_of: "author",
    },
    Case {
        what: "a scale that does not exist",
        from: "scale = \"pm\"\n\n[[rule.band]]",
        to: "scale = \"mrp\"\n\n[[rule.band]]",
        code: "methodology.unknown_scale",
        key: "rule[0].scale",
        line_of: "scale = \"mrp\"",
    },
];

fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in the changed file"));
    text[..at].matches('\n').count() + 1
}

#[test]
fn each_bad_file_is_refused_with_file_line_and_key() {
    for case in CASES {
        assert!(
            DEFAULT_METHODOLOGY.contains(case.from),
            "{}: {:?} not found",
            case.what,
            case.from
        );
        let text = DEFAULT_METHODOLOGY.replacen(case.from, case.to, 1);
        let err = match parse_methodology("bad.toml", &text) {
            Ok(_) => panic!("{}: accepted", case.what),
            Err(e) => e,
        };
        assert_eq!(err.code(), case.code, "{}: {err}", case.what);
        assert_eq!(err.key, case.key, "{}: {err}", case.what);
        assert_eq!(err.file, "bad.toml");
        assert_eq!(err.line, line_of(&text, case.line_of), "{}: {err}", case.what);
        assert!(err.to_string().starts_with(&format!("bad.toml:{}: ", err.line)), "{err}");
    }
}

#[test]
fn the_default_methodology_is_a_labelled_reconstruction_of_eight_domains() {
    let m = crate::common::default_methodology();
    assert!(m.reconstruction);
    assert_eq!(m.domains.len(), 8);
    assert_eq!((m.cutoffs.a, m.cutoffs.b, m.cutoffs.c, m.cutoffs.d), (1800, 730, -30, -458));
    assert_eq!(m.overrides.len(), 4);
    assert!(m.title.en.contains("reconstruction"));
}

#[test]
fn a_file_without_rules_is_refused() {
    let text = DEFAULT_METHODOLOGY.split("[[rule]]").next().unwrap_or_default();
    let err = parse_methodology("empty.toml", text).err();
    assert_eq!(err.map(|e| e.code()), Some("methodology.no_rules"));
}
