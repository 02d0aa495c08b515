//! Exchanges, their transitions, totals and impact; transactions.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::decimal::{price_display, quantity_display, ExactDecimal};
use crate::domain::ledger::ExchangeStatus;
use crate::domain::listing::Category;
use crate::domain::units::Unit;
use crate::models::ids::{AccountId, EnterpriseId, ExchangeId, MatchId, ProposalId, TransactionId};
use crate::models::ledger::{Totals, Transaction};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PartyView {
    pub enterprise_id: EnterpriseId,
    pub name: String,
    /// Slug of the pôle the party was seen through when the exchange was agreed.
    pub pole: Option<String>,
    /// Who to talk to at this enterprise: the accounts that manage it. Agreeing to an
    /// exchange discloses them to the other party (for a takeover too: the seller agreed).
    pub contacts: Vec<ContactView>,
}

/// A person to contact about an exchange.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ContactView {
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TransitionView {
    pub from: Option<ExchangeStatus>,
    pub to: ExchangeStatus,
    pub note: String,
    pub by: Option<AccountId>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TotalsView {
    pub count: i64,
    /// € HT.
    #[schema(value_type = String, example = "1234.50")]
    pub amount: ExactDecimal,
    /// € of VAT (TVA).
    #[schema(value_type = String)]
    pub vat_amount: ExactDecimal,
    /// € TTC.
    #[schema(value_type = String)]
    pub amount_incl_tax: ExactDecimal,
}

impl From<Totals> for TotalsView {
    fn from(totals: Totals) -> Self {
        TotalsView {
            count: totals.count,
            amount: ExactDecimal(totals.amount),
            vat_amount: ExactDecimal(totals.vat_amount),
            amount_incl_tax: ExactDecimal(totals.amount_incl_tax),
        }
    }
}

/// Impact figures of an exchange; also the body of `PUT /exchanges/{id}/impact`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"jobs_created": 1, "jobs_kept": 2, "tonnes_diverted": "12.5", "km_avoided": "340", "note": "Livraisons groupées"}))]
pub struct ImpactView {
    #[schema(minimum = 0)]
    pub jobs_created: Option<i32>,
    #[schema(minimum = 0)]
    pub jobs_kept: Option<i32>,
    /// Tonnes of materials kept out of waste, up to 3 decimals.
    #[schema(value_type = Option<String>, example = "12.5")]
    pub tonnes_diverted: Option<ExactDecimal>,
    /// Kilometres of transport avoided, up to 1 decimal.
    #[schema(value_type = Option<String>, example = "340")]
    pub km_avoided: Option<ExactDecimal>,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExchangeView {
    pub id: ExchangeId,
    /// The conversation of the parties and their coordinators (`exchange-<id>`).
    #[schema(example = "exchange-7")]
    pub conversation_id: String,
    pub status: ExchangeStatus,
    pub category: Category,
    pub title: String,
    pub provider: PartyView,
    pub beneficiary: PartyView,
    #[schema(value_type = Option<String>)]
    pub quantity: Option<ExactDecimal>,
    pub unit: Option<Unit>,
    /// € HT per unit.
    #[schema(value_type = Option<String>)]
    pub unit_price: Option<ExactDecimal>,
    /// quantity × unit price, rounded half up to the cent (€ HT).
    #[schema(value_type = Option<String>)]
    pub total_amount: Option<ExactDecimal>,
    pub match_id: Option<MatchId>,
    pub proposal_id: Option<ProposalId>,
    pub transitions: Vec<TransitionView>,
    pub totals: TotalsView,
    pub impact: ImpactView,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExchangeList {
    pub items: Vec<ExchangeView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TransactionView {
    pub id: TransactionId,
    pub exchange_id: ExchangeId,
    /// The transaction this one reverses.
    pub reverses_id: Option<TransactionId>,
    #[schema(value_type = Option<String>)]
    pub quantity: Option<ExactDecimal>,
    #[schema(value_type = Option<String>)]
    pub unit_price: Option<ExactDecimal>,
    /// Excluding tax (HT), in euros.
    #[schema(value_type = String, example = "1234.50")]
    pub amount: ExactDecimal,
    /// Percent: 0, 2.1, 5.5, 10 or 20.
    #[schema(value_type = String, example = "20")]
    pub vat_rate: ExactDecimal,
    #[schema(value_type = String, example = "246.90")]
    pub vat_amount: ExactDecimal,
    /// Including tax (TTC), in euros.
    #[schema(value_type = String, example = "1481.40")]
    pub amount_incl_tax: ExactDecimal,
    /// A date in France (Europe/Paris).
    pub occurred_on: NaiveDate,
    pub description: String,
    pub recorded_by: AccountId,
    pub created_at: DateTime<Utc>,
}

impl From<Transaction> for TransactionView {
    fn from(t: Transaction) -> Self {
        TransactionView {
            id: t.id,
            exchange_id: t.exchange_id,
            reverses_id: t.reverses_id,
            quantity: t.quantity.map(quantity_display),
            unit_price: t.unit_price.map(price_display),
            amount: ExactDecimal(t.amount),
            vat_rate: quantity_display(t.vat_rate),
            vat_amount: ExactDecimal(t.vat_amount),
            amount_incl_tax: ExactDecimal(t.amount_incl_tax),
            occurred_on: t.occurred_on,
            description: t.description,
            recorded_by: t.recorded_by,
            created_at: t.created_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TransactionList {
    pub items: Vec<TransactionView>,
    pub totals: TotalsView,
}
