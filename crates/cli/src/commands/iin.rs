//! `shanyraq iin VALUE…`: a data steward's check of IINs.

use std::process::ExitCode;

use shanyraq_domain::{Iin, Sex, dates};

use crate::cli::IinArgs;

pub fn run(args: &IinArgs) -> ExitCode {
    let mut all_valid = true;
    for value in &args.values {
        let (line, valid) = describe(value);
        println!("{line}");
        all_valid &= valid;
    }
    if all_valid { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

/// One output line for `value`, and whether it is valid.
pub fn describe(value: &str) -> (String, bool) {
    match value.parse::<Iin>() {
        Err(e) => (format!("{value} invalid: {e}"), false),
        Ok(iin) => match iin.read_structure() {
            Ok(s) => {
                let sex = match s.sex {
                    Sex::Male => "male",
                    Sex::Female => "female",
                };
                (format!("{value} valid: born {}, {sex}", dates::dotted(s.birth_date)), true)
            }
            Err(w) => (format!("{value} valid (structure warning: {w})"), true),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn lines_say_what_and_why() {
        assert_eq!(
            describe("791028302728"),
            ("791028302728 valid: born 28.10.1979, male".into(), true)
        );
        assert_eq!(
            describe("061211600012"),
            ("061211600012 valid: born 11.12.2006, female".into(), true)
        );
        assert_eq!(
            describe("791028302729"),
            ("791028302729 invalid: check digit expected 8, found 9".into(), false)
        );
        assert_eq!(
            describe("7910283027"),
            ("7910283027 invalid: an IIN has 12 digits, this has 10".into(), false)
        );
        assert_eq!(
            describe("79102830272a"),
            ("79102830272a invalid: character 12 is 'a', not a digit".into(), false)
        );
    }

    #[test]
    fn structure_warning_is_still_valid() {
        // Digit 7 is 0: no century; the check digit is right.
        let iin =
            shanyraq_domain::Iin::from_first_eleven([9, 9, 1, 3, 4, 0, 0, 0, 0, 0, 1]).unwrap();
        let (line, valid) = describe(&iin.to_string());
        assert!(valid);
        assert!(line.contains("structure warning"), "{line}");
    }
}
