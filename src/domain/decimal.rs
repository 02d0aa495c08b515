//! Exact decimals at the JSON boundary and the rules for quantities, prices and money.
//! Amounts travel as JSON strings ("1234.50"); a JSON number is accepted only as the exact
//! text it was written with (serde_json's `arbitrary_precision`), never through a float.

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Invalid;

/// A decimal read from JSON exactly and written back as a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ExactDecimal(pub Decimal);

impl Serialize for ExactDecimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for ExactDecimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let text = match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(text) => text,
            // With arbitrary_precision the number keeps the digits it was sent with.
            serde_json::Value::Number(number) => number.to_string(),
            _ => {
                return Err(D::Error::custom(
                    "expected a decimal number written as a string, such as \"12.50\"",
                ))
            }
        };
        parse_exact(&text)
            .map(ExactDecimal)
            .map_err(D::Error::custom)
    }
}

/// Parses plain decimal text ("12", "-3.5", "0.000001"); refuses exponents, spaces and
/// anything rust_decimal would have to round.
pub fn parse_exact(text: &str) -> Result<Decimal, String> {
    let well_formed = !text.is_empty()
        && text
            .trim_start_matches(['-', '+'])
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.')
        && text.matches('.').count() <= 1
        && text
            .trim_start_matches(['-', '+'])
            .chars()
            .any(|c| c.is_ascii_digit());
    if !well_formed {
        return Err(format!(
            "\"{text}\" is not a plain decimal number such as \"12.50\""
        ));
    }
    Decimal::from_str_exact(text).map_err(|_| format!("\"{text}\" has too many digits"))
}

/// Largest quantity or price accepted: NUMERIC(20, 6) keeps 14 digits before the point.
fn limit() -> Decimal {
    Decimal::from(100_000_000_000_000i64)
}

fn decimals(value: Decimal) -> u32 {
    value.normalize().scale()
}

/// A quantity: more than zero, at most 6 decimals.
pub fn check_quantity(value: Decimal) -> Result<Decimal, Invalid> {
    if value <= Decimal::ZERO {
        return Err(Invalid::new(
            "quantity_not_positive",
            "The quantity must be more than zero.",
        ));
    }
    if decimals(value) > 6 || value >= limit() {
        return Err(Invalid::new(
            "quantity_precision",
            "The quantity may have at most 6 decimals and 14 digits before the point.",
        ));
    }
    Ok(value.normalize())
}

/// A unit price: zero or more, at most 6 decimals.
pub fn check_unit_price(value: Decimal) -> Result<Decimal, Invalid> {
    if value < Decimal::ZERO {
        return Err(Invalid::new(
            "price_negative",
            "The price cannot be negative.",
        ));
    }
    if decimals(value) > 6 || value >= limit() {
        return Err(Invalid::new(
            "price_precision",
            "The price may have at most 6 decimals and 14 digits before the point.",
        ));
    }
    Ok(value.normalize())
}

/// An amount in euros: at most 2 decimals.
pub fn check_money(value: Decimal) -> Result<Decimal, Invalid> {
    if decimals(value) > 2 || value.abs() >= limit() {
        return Err(Invalid::new(
            "money_precision",
            "An amount in euros has at most 2 decimals and 14 digits before the point.",
        ));
    }
    Ok(value.round_dp(2))
}

/// A quantity as shown: without trailing zeros ("1500", "0.25").
pub fn quantity_display(value: Decimal) -> ExactDecimal {
    ExactDecimal(value.normalize())
}

/// A price as shown: at least the cents ("12.40", "0.125").
pub fn price_display(value: Decimal) -> ExactDecimal {
    let mut shown = value.normalize();
    if shown.scale() < 2 {
        shown.rescale(2);
    }
    ExactDecimal(shown)
}

/// Rounds to the cent, half away from zero (0.005 → 0.01, −0.005 → −0.01).
pub fn round_cents(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Formats a decimal the French way for sentences: "1 234,5".
/// An amount of money in French: always two decimals ("1 481,40").
pub fn french_money(value: Decimal) -> String {
    let mut cents = round_cents(value);
    cents.rescale(2);
    french_digits(&cents.to_string())
}

pub fn french(value: Decimal) -> String {
    french_digits(&value.normalize().to_string())
}

/// Groups thousands with a narrow no-break space and writes a decimal comma.
fn french_digits(text: &str) -> String {
    let text = text.to_string();
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (text, None),
    };
    let (sign, digits) = match int.strip_prefix('-') {
        Some(d) => ("-", d.to_string()),
        None => ("", int),
    };
    let mut grouped = String::new();
    for (index, c) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped},{f}"),
        None => format!("{sign}{grouped}"),
    }
}

impl FromStr for ExactDecimal {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_exact(s).map(ExactDecimal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn strings_and_exact_numbers_are_accepted() {
        let from_string: ExactDecimal = serde_json::from_str("\"1234.50\"").unwrap();
        assert_eq!(from_string.0, dec!(1234.50));
        let from_number: ExactDecimal = serde_json::from_str("0.1").unwrap();
        assert_eq!(from_number.0, dec!(0.1));
        let long: ExactDecimal = serde_json::from_str("\"0.123456789012345678\"").unwrap();
        assert_eq!(long.0.to_string(), "0.123456789012345678");
    }

    #[test]
    fn exponents_garbage_and_non_numbers_are_refused() {
        for bad in [
            "\"1e3\"",
            "1e3",
            "\"12,5\"",
            "\" 1\"",
            "\"\"",
            "true",
            "null",
            "\"NaN\"",
            "\"-\"",
            "\"1.2.3\"",
        ] {
            assert!(serde_json::from_str::<ExactDecimal>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn money_is_serialized_as_a_string() {
        assert_eq!(
            serde_json::to_string(&ExactDecimal(dec!(10.50))).unwrap(),
            "\"10.50\""
        );
    }

    #[test]
    fn quantities_and_prices_follow_their_rules() {
        assert!(check_quantity(dec!(0)).is_err());
        assert!(check_quantity(dec!(0.0000001)).is_err());
        assert_eq!(check_quantity(dec!(1.500000)).unwrap(), dec!(1.5));
        assert!(check_unit_price(dec!(-1)).is_err());
        assert!(check_unit_price(dec!(0)).is_ok());
        assert!(check_money(dec!(1.234)).is_err());
    }

    #[test]
    fn rounding_is_half_up_to_the_cent() {
        assert_eq!(round_cents(dec!(0.005)), dec!(0.01));
        assert_eq!(round_cents(dec!(0.0049)), dec!(0.00));
        assert_eq!(round_cents(dec!(2.675)), dec!(2.68));
        assert_eq!(round_cents(dec!(-0.005)), dec!(-0.01));
    }

    #[test]
    fn display_drops_storage_zeros_but_keeps_cents() {
        assert_eq!(quantity_display(dec!(1500.000000)).0.to_string(), "1500");
        assert_eq!(price_display(dec!(12.400000)).0.to_string(), "12.40");
        assert_eq!(price_display(dec!(0.125000)).0.to_string(), "0.125");
        assert_eq!(price_display(dec!(3)).0.to_string(), "3.00");
    }

    #[test]
    fn french_formatting_groups_thousands() {
        assert_eq!(french(dec!(1234.5)), "1\u{202f}234,5");
        assert_eq!(french(dec!(12)), "12");
        assert_eq!(french_money(dec!(1481.4)), "1\u{202f}481,40");
        assert_eq!(french_money(dec!(-0.005)), "-0,01");
        assert_eq!(french_money(dec!(3)), "3,00");
    }

    proptest! {
        #[test]
        fn decimals_survive_the_json_round_trip(mantissa in any::<i64>(), scale in 0u32..10) {
            let value = ExactDecimal(Decimal::new(mantissa, scale));
            let json = serde_json::to_string(&value).unwrap();
            let back: ExactDecimal = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(back.0, value.0);
            prop_assert_eq!(back.0.scale(), value.0.scale());
        }
    }
}
