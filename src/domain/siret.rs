//! SIRET: the 14-digit identifier of a French establishment.

use super::Invalid;

/// La Poste's establishments share this SIREN and follow their own check rule.
const LA_POSTE_SIREN: &str = "356000000";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Siret(String);

impl Siret {
    /// Accepts 14 digits, spaces allowed between groups ("732 829 320 00074").
    pub fn parse(input: &str) -> Result<Siret, Invalid> {
        let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != 14 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid::new(
                "siret_format",
                "A SIRET has exactly 14 digits.",
            ));
        }
        let valid = if digits.starts_with(LA_POSTE_SIREN) {
            digit_sum(&digits) % 5 == 0
        } else {
            luhn_valid(&digits)
        };
        if !valid {
            return Err(Invalid::new(
                "siret_checksum",
                "This SIRET is not valid: its check digit does not match.",
            ));
        }
        Ok(Siret(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn digit_sum(digits: &str) -> u32 {
    digits.bytes().map(|b| u32::from(b - b'0')).sum()
}

/// Luhn: from the right, double every second digit (minus 9 above 9); the sum ends in 0.
pub fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(index, b)| {
            let digit = u32::from(b - b'0');
            if index % 2 == 1 {
                let doubled = digit * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                digit
            }
        })
        .sum();
    sum % 10 == 0
}

/// Appends the Luhn check digit that makes `prefix` (13 digits) a valid SIRET.
/// Used by the demo and benchmark data generators.
pub fn with_check_digit(prefix13: &str) -> String {
    (0..10)
        .map(|d| format!("{prefix13}{d}"))
        .find(|candidate| luhn_valid(candidate))
        .expect("one of ten check digits always satisfies Luhn")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_real_sirets() {
        // Known valid SIRETs (INSEE's own and a company's).
        assert!(Siret::parse("73282932000074").is_ok());
        assert!(Siret::parse("732 829 320 00074").is_ok());
        assert!(Siret::parse("44306184100047").is_ok());
    }

    #[test]
    fn refuses_wrong_check_digit_and_format() {
        assert_eq!(
            Siret::parse("73282932000075").unwrap_err().code,
            "siret_checksum"
        );
        assert_eq!(
            Siret::parse("7328293200007").unwrap_err().code,
            "siret_format"
        );
        assert_eq!(
            Siret::parse("7328293200007A").unwrap_err().code,
            "siret_format"
        );
        assert_eq!(Siret::parse("").unwrap_err().code, "siret_format");
    }

    #[test]
    fn la_poste_uses_the_digit_sum_rule() {
        // La Poste's establishments: the digits sum to a multiple of 5 (here 45)...
        assert!(Siret::parse("35600000049837").is_ok());
        // ...even when Luhn would refuse the number (digit sum 15).
        assert!(!luhn_valid("35600000000010"));
        assert!(Siret::parse("35600000000010").is_ok());
        // A digit sum of 26 is refused.
        assert_eq!(
            Siret::parse("35600000000048").unwrap_err().code,
            "siret_checksum"
        );
    }

    proptest! {
        #[test]
        fn check_digit_generator_always_yields_valid_sirets(prefix in "[1-9][0-9]{12}") {
            prop_assume!(!prefix.starts_with(LA_POSTE_SIREN));
            let siret = with_check_digit(&prefix);
            prop_assert!(Siret::parse(&siret).is_ok());
        }

        #[test]
        fn changing_one_digit_breaks_luhn(prefix in "[1-9][0-9]{12}", position in 0usize..14, delta in 1u8..10) {
            prop_assume!(!prefix.starts_with(LA_POSTE_SIREN));
            let mut bytes = with_check_digit(&prefix).into_bytes();
            bytes[position] = b'0' + (bytes[position] - b'0' + delta) % 10;
            let altered = String::from_utf8(bytes).unwrap();
            prop_assume!(!altered.starts_with(LA_POSTE_SIREN));
            prop_assert!(Siret::parse(&altered).is_err());
        }
    }
}
