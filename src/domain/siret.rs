//! SIREN and SIRET, the identifiers INSEE gives to French enterprises (SIREN, 9 digits)
//! and to each of their establishments (SIRET: the SIREN followed by a 5-digit NIC).
//!
//! Both end with a Luhn check digit (INSEE, *Répertoire SIRENE*, "clé de contrôle").
//! La Poste is the one exception: its establishments share SIREN 356 000 000, so many that
//! INSEE checks their SIRET by a different rule, the sum of the 14 digits being a multiple
//! of 5; the head office, 356 000 000 00048, satisfies Luhn instead, so either rule is
//! accepted for that SIREN.

use super::Invalid;

/// La Poste's SIREN: its establishments follow their own check rule.
pub const LA_POSTE_SIREN: &str = "356000000";

/// A SIREN: 9 digits whose Luhn key holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Siren(String);

impl Siren {
    /// Accepts 9 digits, spaces allowed between groups ("732 829 320").
    pub fn parse(input: &str) -> Result<Siren, Invalid> {
        let digits = compact(input);
        if digits.len() != 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid::new("siren_format"));
        }
        if !luhn_valid(&digits) {
            return Err(Invalid::new("siren_checksum"));
        }
        Ok(Siren(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A SIRET: 14 digits, a valid SIREN followed by the establishment's NIC, whose own key
/// holds (Luhn over the 14 digits, or La Poste's digit sum).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Siret(String);

impl Siret {
    /// Accepts 14 digits, spaces allowed between groups ("732 829 320 00074").
    ///
    /// Errors: `siret_format` (not 14 digits), `siren_checksum` (its first 9 digits are
    /// not a valid SIREN), `siret_checksum` (the establishment's key does not hold).
    pub fn parse(input: &str) -> Result<Siret, Invalid> {
        let digits = compact(input);
        if digits.len() != 14 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid::new("siret_format"));
        }
        if !luhn_valid(&digits[..9]) {
            return Err(Invalid::new("siren_checksum"));
        }
        let valid = if digits.starts_with(LA_POSTE_SIREN) {
            digit_sum(&digits) % 5 == 0 || luhn_valid(&digits)
        } else {
            luhn_valid(&digits)
        };
        if !valid {
            return Err(Invalid::new("siret_checksum"));
        }
        Ok(Siret(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The enterprise's SIREN: the first nine digits.
    pub fn siren(&self) -> Siren {
        Siren(self.0[..9].to_string())
    }

    /// As INSEE prints it: `123 456 789 00012`.
    pub fn spaced(&self) -> String {
        format!(
            "{} {} {} {}",
            &self.0[..3],
            &self.0[3..6],
            &self.0[6..9],
            &self.0[9..]
        )
    }
}

fn compact(input: &str) -> String {
    input.chars().filter(|c| !c.is_whitespace()).collect()
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

/// The digit that makes `prefix` valid under Luhn once appended.
fn luhn_digit(prefix: &str) -> char {
    (b'0'..=b'9')
        .map(char::from)
        .find(|d| luhn_valid(&format!("{prefix}{d}")))
        .expect("one of ten check digits always satisfies Luhn")
}

/// A valid SIRET built from the first 8 digits of a SIREN (`siren_body` below 10⁸) and
/// the first 4 of the NIC (`nic_body` below 10⁴): both keys are appended. Distinct inputs
/// give distinct SIRETs. Used by the demo and benchmark data generators.
pub fn siret_for(siren_body: u32, nic_body: u16) -> String {
    let siren8 = format!("{:08}", siren_body % 100_000_000);
    let siren = format!("{siren8}{}", luhn_digit(&siren8));
    let first13 = format!("{siren}{:04}", nic_body % 10_000);
    format!("{first13}{}", luhn_digit(&first13))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_real_sirets() {
        // INSEE's own establishment and a company's.
        assert!(Siret::parse("73282932000074").is_ok());
        assert!(Siret::parse("732 829 320 00074").is_ok());
        assert!(Siret::parse("44306184100047").is_ok());
        assert_eq!(
            Siret::parse("73282932000074").unwrap().spaced(),
            "732 829 320 00074"
        );
    }

    #[test]
    fn a_siret_whose_siren_fails_luhn_is_refused_with_siren_checksum() {
        // The 14 digits satisfy Luhn, but the SIREN 111 222 333 does not.
        assert!(luhn_valid("11122233344455"));
        assert!(!luhn_valid("111222333"));
        assert_eq!(
            Siret::parse("11122233344455").unwrap_err().code,
            "siren_checksum"
        );
        assert_eq!(
            Siren::parse("111222333").unwrap_err().code,
            "siren_checksum"
        );
        assert_eq!(Siren::parse("732829320").unwrap().as_str(), "732829320");
        assert_eq!(Siren::parse("73282932").unwrap_err().code, "siren_format");
    }

    #[test]
    fn refuses_wrong_check_digit_and_format() {
        assert_eq!(
            Siret::parse("73282932000075").unwrap_err().code,
            "siret_checksum"
        );
        for bad in ["7328293200007", "7328293200007A", "", "732829320000740"] {
            assert_eq!(Siret::parse(bad).unwrap_err().code, "siret_format", "{bad}");
        }
    }

    #[test]
    fn la_poste_establishments_follow_the_digit_sum_rule() {
        // La Poste's head office: Luhn-valid, digit sum 26.
        assert!(Siret::parse("35600000000048").is_ok());
        // Establishments whose digits sum to a multiple of 5 (here 45, 15)...
        assert!(Siret::parse("35600000049837").is_ok());
        // ...even when Luhn would refuse the number.
        assert!(!luhn_valid("35600000000010"));
        assert!(Siret::parse("35600000000010").is_ok());
        // Neither rule: digit sum 27 and Luhn fails.
        assert!(!luhn_valid("35600000000049"));
        assert_eq!(
            Siret::parse("35600000000049").unwrap_err().code,
            "siret_checksum"
        );
    }

    proptest! {
        #[test]
        fn generated_sirets_are_valid(siren in 0u32..100_000_000, nic in 0u16..10_000) {
            let siret = siret_for(siren, nic);
            prop_assert!(Siret::parse(&siret).is_ok());
            prop_assert!(Siren::parse(&siret[..9]).is_ok());
        }

        #[test]
        fn changing_one_digit_of_the_siren_is_caught(siren in 0u32..100_000_000, nic in 0u16..10_000, position in 0usize..9, delta in 1u8..10) {
            let mut bytes = siret_for(siren, nic).into_bytes();
            bytes[position] = b'0' + (bytes[position] - b'0' + delta) % 10;
            let altered = String::from_utf8(bytes).unwrap();
            prop_assume!(!altered.starts_with(LA_POSTE_SIREN));
            prop_assert!(Siret::parse(&altered).is_err());
        }

        #[test]
        fn changing_one_digit_of_the_nic_is_caught(siren in 0u32..100_000_000, nic in 0u16..10_000, position in 9usize..14, delta in 1u8..10) {
            let generated = siret_for(siren, nic);
            prop_assume!(!generated.starts_with(LA_POSTE_SIREN));
            let mut bytes = generated.into_bytes();
            bytes[position] = b'0' + (bytes[position] - b'0' + delta) % 10;
            let altered = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(Siret::parse(&altered).unwrap_err().code, "siret_checksum");
        }

        #[test]
        fn la_poste_sirets_are_valid_when_their_digits_sum_to_a_multiple_of_five(nic in "[0-9]{5}") {
            let siret = format!("{LA_POSTE_SIREN}{nic}");
            let expected = digit_sum(&siret) % 5 == 0 || luhn_valid(&siret);
            prop_assert_eq!(Siret::parse(&siret).is_ok(), expected);
        }
    }
}
