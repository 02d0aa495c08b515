//! Transactions: money records on an exchange in progress or completed — decimal-exact
//! (HT, TVA at a French rate, TTC), append-only, undone by a reversal that nets to zero.

use chrono::NaiveDate;
use diesel::{Connection, PgConnection};
use rust_decimal::Decimal;

use super::exchanges::{idempotent, require, Access, IdempotencyKey, Keyed};
use super::Env;
use crate::auth::Caller;
use crate::domain::decimal::{Money, Quantity, UnitPrice};
use crate::domain::ledger::{AmountInput, TransactionAmounts};
use crate::domain::Invalid;
use crate::email::events;
use crate::error::{AppError, AppResult};
use crate::i18n::words;
use crate::models::exchange;
use crate::models::ids::{ExchangeId, TransactionId};
use crate::models::ledger::{self, NewTransaction};
use crate::views::exchanges::{TotalsView, TransactionList, TransactionView};

/// How the amount is given: quantity × unit price, or the amount HT directly.
pub struct NewTransactionCommand {
    pub quantity: Option<Decimal>,
    pub unit_price: Option<Decimal>,
    pub amount: Option<Decimal>,
    /// Percent: 0, 2.1, 5.5, 10 or 20.
    pub vat_rate: Decimal,
    pub description: String,
    /// Defaults to today in Paris.
    pub occurred_on: Option<NaiveDate>,
}

const DESCRIPTION_MAX: usize = 500;

fn amounts(new: &NewTransactionCommand) -> AppResult<TransactionAmounts> {
    let input = match (new.quantity, new.unit_price, new.amount) {
        (Some(quantity), Some(unit_price), None) => AmountInput::QuantityTimesPrice {
            quantity: Quantity::new(quantity)
                .map_err(|e| AppError::invalid_field("quantity", e))?,
            unit_price: UnitPrice::new(unit_price)
                .map_err(|e| AppError::invalid_field("unit_price", e))?,
        },
        (None, None, Some(amount)) => AmountInput::Amount(
            Money::new(amount).map_err(|e| AppError::invalid_field("amount", e))?,
        ),
        _ => {
            return Err(AppError::invalid_field(
                "amount",
                Invalid::new("amount_or_quantity"),
            ))
        }
    };
    let field = if matches!(input, AmountInput::Amount(_)) {
        "amount"
    } else {
        "quantity"
    };
    TransactionAmounts::compute(input, new.vat_rate).map_err(|invalid| {
        let field = if invalid.code == "vat_rate" {
            "vat_rate"
        } else {
            field
        };
        AppError::invalid_field(field, invalid)
    })
}

/// Records a transaction (the parties and their pôles' coordinators); both sides and their
/// coordinators are told. 409 `exchange_not_in_progress`.
pub fn record(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    id: ExchangeId,
    key: Option<IdempotencyKey>,
    new: NewTransactionCommand,
) -> AppResult<Keyed<TransactionView>> {
    let money = amounts(&new)?;
    if new.description.chars().count() > DESCRIPTION_MAX {
        return Err(AppError::invalid_field(
            "description",
            Invalid::new("too_long").with("max", DESCRIPTION_MAX),
        ));
    }
    let occurred_on = new.occurred_on.unwrap_or_else(|| env.clock.today());
    idempotent(conn, caller.id(), key, |conn| {
        let found = exchange::find_for_update(conn, id)?;
        require(conn, caller, &found, Access::Act)?;
        if !found.status.accepts_transactions() {
            return Err(AppError::conflict("exchange_not_in_progress"));
        }
        let recorded = ledger::insert(
            conn,
            NewTransaction {
                exchange: &found,
                money,
                quantity: new.quantity,
                unit_price: new.unit_price,
                occurred_on,
                description: new.description.trim(),
                reverses: None,
                recorded_by: caller.id(),
            },
        )?;
        events::transaction_recorded(conn, &env.links, &found, &recorded)?;
        Ok(TransactionView::from(recorded))
    })
}

/// An exchange's transactions and their exact totals.
pub fn list(
    conn: &mut PgConnection,
    caller: &Caller,
    id: ExchangeId,
) -> AppResult<TransactionList> {
    let found = exchange::find(conn, id)?;
    require(conn, caller, &found, Access::Read)?;
    let items = ledger::of_exchange(conn, id)?
        .into_iter()
        .map(TransactionView::from)
        .collect();
    Ok(TransactionList {
        items,
        totals: TotalsView::from(ledger::totals(conn, id)?),
    })
}

/// Undoes a transaction with a reversal that nets it to zero, dated today (Paris), once.
/// 409 `reversal_of_reversal`, `transaction_reversed`.
pub fn reverse(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    id: TransactionId,
    description: &str,
) -> AppResult<TransactionView> {
    if description.chars().count() > DESCRIPTION_MAX {
        return Err(AppError::invalid_field(
            "description",
            Invalid::new("too_long").with("max", DESCRIPTION_MAX),
        ));
    }
    conn.transaction(|conn| {
        let original = ledger::find(conn, id)?;
        let found = exchange::find_for_update(conn, original.exchange_id)?;
        require(conn, caller, &found, Access::Act)?;
        if original.reverses_id.is_some() {
            return Err(AppError::conflict("reversal_of_reversal"));
        }
        if ledger::is_reversed(conn, id)? {
            return Err(AppError::conflict("transaction_reversed"));
        }
        let money = TransactionAmounts {
            amount: original.amount,
            vat_rate: original.vat_rate,
            vat_amount: original.vat_amount,
            amount_incl_tax: original.amount_incl_tax,
        }
        .reversed();
        let description = if description.trim().is_empty() {
            words(caller.locale()).t_args(
                "reversal-description",
                &[("id", crate::domain::Arg::from(original.id.0))],
            )
        } else {
            description.trim().to_string()
        };
        let reversal = ledger::insert(
            conn,
            NewTransaction {
                exchange: &found,
                money,
                quantity: original.quantity.map(|q| -q),
                unit_price: original.unit_price,
                occurred_on: env.clock.today(),
                description: &description,
                reverses: Some(id),
                recorded_by: caller.id(),
            },
        )?;
        events::transaction_recorded(conn, &env.links, &found, &reversal)?;
        Ok(TransactionView::from(reversal))
    })
}
