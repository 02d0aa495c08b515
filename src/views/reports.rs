//! Reports: inter-pôle flows and a pôle's activity. Every amount is a NUMERIC sum.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::decimal::ExactDecimal;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FlowView {
    /// Slug of the provider's pôle.
    pub provider_pole: Option<String>,
    pub beneficiary_pole: Option<String>,
    /// Exchanges between them (with money moved within the dates, when dates are given).
    pub exchanges: i64,
    /// Sum of the transactions, € HT.
    #[schema(value_type = String, example = "1234.50")]
    pub amount: ExactDecimal,
}

/// What a pôle provided and received, and the difference.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BalanceView {
    pub pole: String,
    /// € HT of the transactions where the pôle's enterprise provided.
    #[schema(value_type = String)]
    pub provided: ExactDecimal,
    /// € HT of the transactions where the pôle's enterprise received.
    #[schema(value_type = String)]
    pub received: ExactDecimal,
    /// provided − received.
    #[schema(value_type = String)]
    pub net: ExactDecimal,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FlowReport {
    pub items: Vec<FlowView>,
    #[schema(value_type = String, example = "1234.50")]
    pub total_amount: ExactDecimal,
    /// Each pôle's net balance over the same transactions.
    pub balances: Vec<BalanceView>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CountView {
    pub key: String,
    pub count: i64,
    #[schema(value_type = String)]
    pub amount: ExactDecimal,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PoleReport {
    pub pole: String,
    /// By `category:kind`.
    pub listings: Vec<CountView>,
    /// By status: proposed, accepted, declined, withdrawn.
    pub matches: Vec<CountView>,
    /// By status, with the sum of their agreed totals.
    pub exchanges: Vec<CountView>,
    /// Transactions by month (YYYY-MM, Paris dates), € HT.
    pub volume_by_month: Vec<CountView>,
    /// jobs_created, jobs_kept, tonnes_diverted, km_avoided.
    pub impact: Vec<CountView>,
    /// What the pôle provided and received (€ HT), and the difference.
    pub balance: BalanceView,
    /// Its learning visits held and resources published over the period.
    pub learning: LearningFigures,
}

/// A pôle's learning visits (*visites apprenantes*) held in the period (planned, ended,
/// not cancelled) and the library resources it published then.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LearningFigures {
    pub visits_held: i64,
    /// Confirmed registrations of those visits.
    pub registered: i64,
    /// Of them, marked as present.
    pub participants: i64,
    /// participants ÷ registered, two decimals (`"0.85"`); null without registrations.
    #[schema(value_type = Option<String>, example = "0.85")]
    pub attendance_rate: Option<ExactDecimal>,
    /// Participants by the pôle their enterprise belongs to (the organising pôle first
    /// when it belongs to several).
    pub participants_by_pole: Vec<ParticipantsFrom>,
    pub resources_published: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParticipantsFrom {
    /// Pôle slug.
    pub pole: String,
    pub pole_name: String,
    pub participants: i64,
}
