//! Units of quantity, and which of them compare after conversion.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Kg,
    T,
    L,
    M3,
    M2,
    M,
    Kwh,
    Mwh,
    H,
    Day,
    Unit,
}

/// What a unit measures; quantities compare only within one dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    Mass,
    Volume,
    Energy,
    Area,
    Length,
    Hours,
    Days,
    Units,
}

crate::named!(Unit {
    Kg => "kg",
    T => "t",
    L => "l",
    M3 => "m3",
    M2 => "m2",
    M => "m",
    Kwh => "kwh",
    Mwh => "mwh",
    H => "h",
    Day => "day",
    Unit => "unit",
});

impl Unit {
    pub fn dimension(self) -> Dimension {
        match self {
            Unit::Kg | Unit::T => Dimension::Mass,
            Unit::L | Unit::M3 => Dimension::Volume,
            Unit::Kwh | Unit::Mwh => Dimension::Energy,
            Unit::M2 => Dimension::Area,
            Unit::M => Dimension::Length,
            Unit::H => Dimension::Hours,
            Unit::Day => Dimension::Days,
            Unit::Unit => Dimension::Units,
        }
    }

    /// How many base units (kg, l, kWh, or the unit itself) one of this unit is.
    pub fn base_factor(self) -> Decimal {
        match self {
            Unit::T | Unit::M3 | Unit::Mwh => Decimal::from(1000),
            _ => Decimal::ONE,
        }
    }

    pub fn compatible(self, other: Unit) -> bool {
        self.dimension() == other.dimension()
    }

    /// Converts an amount of this unit into `target` (same dimension), exactly.
    pub fn convert(self, amount: Decimal, target: Unit) -> Option<Decimal> {
        if !self.compatible(target) {
            return None;
        }
        amount
            .checked_mul(self.base_factor())?
            .checked_div(target.base_factor())
    }

    /// Converts a price per one of this unit into a price per one `target`.
    pub fn convert_price(self, price: Decimal, target: Unit) -> Option<Decimal> {
        if !self.compatible(target) {
            return None;
        }
        price
            .checked_mul(target.base_factor())?
            .checked_div(self.base_factor())
    }

    /// Label for sentences, in French and English.
    pub fn label(self) -> &'static str {
        match self {
            Unit::Kg => "kg",
            Unit::T => "t",
            Unit::L => "l",
            Unit::M3 => "m³",
            Unit::M2 => "m²",
            Unit::M => "m",
            Unit::Kwh => "kWh",
            Unit::Mwh => "MWh",
            Unit::H => "h",
            Unit::Day => "j",
            Unit::Unit => "u.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn converts_within_a_dimension_only() {
        assert_eq!(Unit::T.convert(dec!(1.5), Unit::Kg), Some(dec!(1500)));
        assert_eq!(Unit::Kg.convert(dec!(250), Unit::T), Some(dec!(0.25)));
        assert_eq!(Unit::L.convert(dec!(2000), Unit::M3), Some(dec!(2)));
        assert_eq!(Unit::Mwh.convert(dec!(3), Unit::Kwh), Some(dec!(3000)));
        assert_eq!(Unit::Kg.convert(dec!(1), Unit::L), None);
        assert_eq!(Unit::H.convert(dec!(1), Unit::Day), None);
        assert_eq!(Unit::Unit.convert(dec!(7), Unit::Unit), Some(dec!(7)));
    }

    #[test]
    fn converts_prices_the_other_way() {
        // 120 € per tonne is 0.12 € per kg.
        assert_eq!(Unit::T.convert_price(dec!(120), Unit::Kg), Some(dec!(0.12)));
        assert_eq!(Unit::Kg.convert_price(dec!(0.12), Unit::T), Some(dec!(120)));
    }

    proptest! {
        #[test]
        fn converting_there_and_back_is_exact(mantissa in 1i64..1_000_000_000, scale in 0u32..6) {
            let amount = Decimal::new(mantissa, scale);
            for (a, b) in [(Unit::Kg, Unit::T), (Unit::L, Unit::M3), (Unit::Kwh, Unit::Mwh)] {
                let there = a.convert(amount, b).unwrap();
                prop_assert_eq!(b.convert(there, a).unwrap(), amount);
            }
        }
    }
}
