//! The ledger's arithmetic: amounts, French VAT, reversals, and exchange lifecycle rules.
//! `amount = round_half_up(quantity × unit_price, 2)`; `vat = round_half_up(amount × rate / 100, 2)`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::decimal::{round_cents, Money, Quantity, UnitPrice};
use super::Invalid;

/// The French VAT rates.
pub const VAT_RATES: [Decimal; 5] = [
    Decimal::from_parts(0, 0, 0, false, 0),
    Decimal::from_parts(21, 0, 0, false, 1),
    Decimal::from_parts(55, 0, 0, false, 1),
    Decimal::from_parts(10, 0, 0, false, 0),
    Decimal::from_parts(20, 0, 0, false, 0),
];

pub fn check_vat_rate(rate: Decimal) -> Result<Decimal, Invalid> {
    VAT_RATES
        .into_iter()
        .find(|r| *r == rate)
        .ok_or_else(|| Invalid::new("vat_rate"))
}

/// What a transaction is recorded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountInput {
    QuantityTimesPrice {
        quantity: Quantity,
        unit_price: UnitPrice,
    },
    /// An amount excluding VAT (HT).
    Amount(Money),
}

/// A transaction's amounts, exact to the cent: HT, the VAT rate, the VAT, TTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransactionAmounts {
    pub amount: Decimal,
    pub vat_rate: Decimal,
    pub vat_amount: Decimal,
    pub amount_incl_tax: Decimal,
}

impl TransactionAmounts {
    /// DESIGN rule 1: `amount = round_half_up(quantity × unit_price, 2)`,
    /// `vat = round_half_up(amount × rate / 100, 2)`. Errors: `vat_rate`,
    /// `amount_not_positive`, `amount_too_large`.
    pub fn compute(input: AmountInput, vat_rate: Decimal) -> Result<TransactionAmounts, Invalid> {
        let vat_rate = check_vat_rate(vat_rate)?;
        let amount = match input {
            AmountInput::QuantityTimesPrice {
                quantity,
                unit_price,
            } => round_cents(
                quantity
                    .get()
                    .checked_mul(unit_price.get())
                    .ok_or_else(too_large)?,
            ),
            AmountInput::Amount(amount) => {
                if amount.get() <= Decimal::ZERO {
                    return Err(Invalid::new("amount_not_positive"));
                }
                amount.get()
            }
        };
        if amount.abs() >= Decimal::from(1_000_000_000_000i64) {
            return Err(too_large());
        }
        let vat_amount = round_cents(amount * vat_rate / Decimal::ONE_HUNDRED);
        Ok(TransactionAmounts {
            amount: amount.round_dp(2),
            vat_rate,
            vat_amount,
            amount_incl_tax: amount + vat_amount,
        })
    }

    /// The exact opposite, so that a transaction and its reversal net to zero.
    pub fn reversed(self) -> TransactionAmounts {
        TransactionAmounts {
            amount: -self.amount,
            vat_rate: self.vat_rate,
            vat_amount: -self.vat_amount,
            amount_incl_tax: -self.amount_incl_tax,
        }
    }
}

fn too_large() -> Invalid {
    Invalid::new("amount_too_large")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExchangeStatus {
    Agreed,
    InProgress,
    Completed,
    Cancelled,
}

crate::named!(ExchangeStatus {
    Agreed => "agreed",
    InProgress => "in_progress",
    Completed => "completed",
    Cancelled => "cancelled",
});

impl ExchangeStatus {
    /// `agreed` → `in_progress` → `completed`, and `cancelled` from either open state.
    pub fn can_become(self, next: ExchangeStatus) -> bool {
        use ExchangeStatus::*;
        matches!(
            (self, next),
            (Agreed, InProgress)
                | (Agreed, Cancelled)
                | (InProgress, Completed)
                | (InProgress, Cancelled)
        )
    }

    /// Money is recorded once work has started.
    pub fn accepts_transactions(self) -> bool {
        matches!(self, ExchangeStatus::InProgress | ExchangeStatus::Completed)
    }
}

/// Impact figures are filled in until this many days after an exchange's completion.
pub const IMPACT_DAYS_AFTER_COMPLETION: u64 = 30;

/// May impact figures still be filled in at `now`? Until the end of the 30th Paris day
/// after the day of completion (and always before completion).
pub fn impact_window_open(
    completed_at: Option<chrono::DateTime<chrono::Utc>>,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    match completed_at {
        None => true,
        Some(at) => {
            let last = crate::clock::paris_date(at)
                .checked_add_days(chrono::Days::new(IMPACT_DAYS_AFTER_COMPLETION));
            last.is_some_and(|last| crate::clock::paris_date(now) <= last)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_impact_window_closes_at_the_end_of_the_thirtieth_paris_day() {
        let at = |t: &str| {
            chrono::DateTime::parse_from_rfc3339(t)
                .unwrap()
                .with_timezone(&chrono::Utc)
        };
        // Completed at 00:30 on 1 March, Paris time (23:30 UTC on 28 February).
        let completed = Some(at("2026-02-28T23:30:00Z"));
        // Open until 23:59 on 31 March, Paris time (summer time from 29 March: UTC+2).
        assert!(impact_window_open(completed, at("2026-03-31T21:59:59Z")));
        assert!(!impact_window_open(completed, at("2026-03-31T22:00:00Z")));
        assert!(impact_window_open(None, at("2030-01-01T00:00:00Z")));
    }
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn euros(value: Decimal) -> Money {
        Money::new(value).unwrap()
    }

    #[test]
    fn amounts_round_half_up_to_the_cent() {
        let money = TransactionAmounts::compute(
            AmountInput::QuantityTimesPrice {
                quantity: Quantity::new(dec!(3)).unwrap(),
                unit_price: UnitPrice::new(dec!(0.335)).unwrap(),
            },
            dec!(20),
        )
        .unwrap();
        assert_eq!(money.amount, dec!(1.01)); // 1.005 rounds up
        assert_eq!(money.vat_amount, dec!(0.20)); // 0.202
        assert_eq!(money.amount_incl_tax, dec!(1.21));
        let money =
            TransactionAmounts::compute(AmountInput::Amount(euros(dec!(1234.50))), dec!(5.5))
                .unwrap();
        assert_eq!(money.vat_amount, dec!(67.90)); // 67.8975
        assert_eq!(money.amount_incl_tax, dec!(1302.40));
        let money =
            TransactionAmounts::compute(AmountInput::Amount(euros(dec!(0.10))), dec!(2.1)).unwrap();
        assert_eq!(money.vat_amount, dec!(0.00)); // 0.0021
    }

    #[test]
    fn only_french_rates_and_cents_are_accepted() {
        assert!(
            TransactionAmounts::compute(AmountInput::Amount(euros(dec!(10))), dec!(19.6)).is_err()
        );
        assert_eq!(
            Money::new(dec!(10.001)).unwrap_err().code,
            "money_precision"
        );
        assert!(
            TransactionAmounts::compute(AmountInput::Amount(euros(dec!(-10))), dec!(20)).is_err()
        );
        assert!(
            TransactionAmounts::compute(AmountInput::Amount(euros(dec!(0))), dec!(20)).is_err()
        );
    }

    #[test]
    fn lifecycle_moves_forward_only() {
        use ExchangeStatus::*;
        assert!(Agreed.can_become(InProgress));
        assert!(InProgress.can_become(Completed));
        assert!(Agreed.can_become(Cancelled));
        assert!(!Completed.can_become(InProgress));
        assert!(!Cancelled.can_become(Agreed));
        assert!(!Agreed.can_become(Completed));
        assert!(!Agreed.accepts_transactions());
        assert!(Completed.accepts_transactions());
    }

    /// Reference rounding in integers: tenths to units, halves away from zero.
    fn reference_round(thousandths: i128) -> i128 {
        let sign = thousandths.signum();
        let abs = thousandths.abs();
        sign * ((abs + 5) / 10)
    }

    proptest! {
        #[test]
        fn rounding_follows_the_rule_for_every_input(quantity_milli in 1i64..10_000_000, price_milli in 0i64..10_000_000) {
            // quantity and price with 3 decimals: their product has 6; compare against integer arithmetic.
            let quantity = Decimal::new(quantity_milli, 3);
            let price = Decimal::new(price_milli, 3);
            let money = TransactionAmounts::compute(AmountInput::QuantityTimesPrice { quantity: Quantity::new(quantity).unwrap(), unit_price: UnitPrice::new(price).unwrap() }, dec!(20)).unwrap();
            let micro = i128::from(quantity_milli) * i128::from(price_milli); // product in millionths
            let cents = { let sign = micro.signum(); sign * ((micro.abs() + 5_000) / 10_000) };
            prop_assert_eq!(money.amount, Decimal::from_i128_with_scale(cents, 2));
            // VAT at 20 %, in tenths of a cent: cents × 20 / 100 × 10.
            let vat_tenths_of_cents = cents * 2;
            prop_assert_eq!(money.vat_amount, Decimal::from_i128_with_scale(reference_round(vat_tenths_of_cents), 2));
            prop_assert_eq!(money.amount_incl_tax, money.amount + money.vat_amount);
        }

        #[test]
        fn reversals_net_to_zero_and_sums_are_exact(amounts in prop::collection::vec((1i64..100_000_000, 0usize..5, any::<bool>()), 1..60)) {
            let mut total = Decimal::ZERO;
            let mut expected_cents: i128 = 0;
            for (cents, rate, reverse) in amounts {
                let money = TransactionAmounts::compute(AmountInput::Amount(euros(Decimal::new(cents, 2))), VAT_RATES[rate]).unwrap();
                total += money.amount;
                expected_cents += i128::from(cents);
                if reverse {
                    let reversal = money.reversed();
                    prop_assert_eq!(money.amount + reversal.amount, Decimal::ZERO);
                    prop_assert_eq!(money.amount_incl_tax + reversal.amount_incl_tax, Decimal::ZERO);
                    total += reversal.amount;
                    expected_cents -= i128::from(cents);
                }
            }
            prop_assert_eq!(total, Decimal::from_i128_with_scale(expected_cents, 2));
        }
    }
}
