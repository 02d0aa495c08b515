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

/// A quantity of what is exchanged: more than zero, at most 6 decimals and 14 digits
/// before the point (NUMERIC(20, 6)). Built only through [`Quantity::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quantity(Decimal);

impl Quantity {
    /// Errors: `quantity_not_positive`, `quantity_precision`.
    pub fn new(value: Decimal) -> Result<Quantity, Invalid> {
        if value <= Decimal::ZERO {
            return Err(Invalid::new("quantity_not_positive"));
        }
        if decimals(value) > 6 || value >= limit() {
            return Err(Invalid::new("quantity_precision"));
        }
        Ok(Quantity(value.normalize()))
    }

    pub fn get(self) -> Decimal {
        self.0
    }
}

/// A price per unit, in euros excluding VAT (HT): zero or more, at most 6 decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnitPrice(Decimal);

impl UnitPrice {
    /// Errors: `price_negative`, `price_precision`.
    pub fn new(value: Decimal) -> Result<UnitPrice, Invalid> {
        if value < Decimal::ZERO {
            return Err(Invalid::new("price_negative"));
        }
        if decimals(value) > 6 || value >= limit() {
            return Err(Invalid::new("price_precision"));
        }
        Ok(UnitPrice(value.normalize()))
    }

    pub fn get(self) -> Decimal {
        self.0
    }
}

/// An amount in euros: at most 2 decimals (the cent), 14 digits before the point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(Decimal);

impl Money {
    /// Error: `money_precision`.
    pub fn new(value: Decimal) -> Result<Money, Invalid> {
        if decimals(value) > 2 || value.abs() >= limit() {
            return Err(Invalid::new("money_precision"));
        }
        Ok(Money(value.round_dp(2)))
    }

    pub fn get(self) -> Decimal {
        self.0
    }
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
    fn quantities_prices_and_money_are_built_only_through_their_checks() {
        assert_eq!(
            Quantity::new(dec!(0)).unwrap_err().code,
            "quantity_not_positive"
        );
        assert_eq!(
            Quantity::new(dec!(0.0000001)).unwrap_err().code,
            "quantity_precision"
        );
        assert_eq!(Quantity::new(dec!(1.500000)).unwrap().get(), dec!(1.5));
        assert_eq!(UnitPrice::new(dec!(-1)).unwrap_err().code, "price_negative");
        assert!(UnitPrice::new(dec!(0)).is_ok());
        assert_eq!(Money::new(dec!(1.234)).unwrap_err().code, "money_precision");
        assert_eq!(Money::new(dec!(-12.5)).unwrap().get(), dec!(-12.5));
        assert!(Quantity::new(dec!(100000000000000)).is_err());
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
