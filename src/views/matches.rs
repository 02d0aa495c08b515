//! Matches (with their explanation, factor by factor, in the reader's language) and
//! proposals.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::listings::ListingView;
use crate::domain::decimal::ExactDecimal;
use crate::domain::matching::{Decision, Factor, FactorKind, MatchStatus, ProposalStatus, Rule};
use crate::domain::units::Unit;
use crate::i18n::Words;
use crate::models::ids::{EnterpriseId, ExchangeId, ListingId, MatchId, ProposalId};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FactorView {
    pub factor: FactorKind,
    /// 0–100.
    pub score: u8,
    /// One sentence in the reader's language.
    pub detail: String,
}

/// The stored explanation of a match, said in the reader's language. Explanations stored
/// before they were keyed by message (French and English sentences) are read as they were.
pub fn explanation(value: &serde_json::Value, words: Words) -> Vec<FactorView> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Keyed(Factor),
        Sentences {
            factor: FactorKind,
            score: u8,
            detail_fr: String,
            detail_en: String,
        },
    }
    let stored: Vec<Stored> = serde_json::from_value(value.clone()).unwrap_or_default();
    stored
        .into_iter()
        .map(|f| match f {
            Stored::Keyed(mut f) => {
                // Explanations stored before quantities had periods.
                for name in ["offered_period", "wanted_period"] {
                    if f.key == "match-quantity" && f.arg(name).is_none() {
                        f.args
                            .push((name.to_string(), crate::domain::Arg::from("none")));
                    }
                }
                FactorView {
                    factor: f.factor,
                    score: f.score,
                    detail: words.t_args(&f.key, &f.args),
                }
            }
            Stored::Sentences {
                factor,
                score,
                detail_fr,
                detail_en,
            } => FactorView {
                factor,
                score,
                detail: match words.locale() {
                    crate::domain::account::Locale::Fr => detail_fr,
                    crate::domain::account::Locale::En => detail_en,
                },
            },
        })
        .collect()
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MatchView {
    pub id: MatchId,
    /// The conversation between the two sides (`match-<id>`).
    #[schema(example = "match-12")]
    pub conversation_id: String,
    pub offer_id: ListingId,
    pub need_id: ListingId,
    /// 0–100, higher is better.
    pub score: i16,
    pub status: MatchStatus,
    pub explanation: Vec<FactorView>,
    pub distance_km: Option<f64>,
    pub offer_decision: Option<Decision>,
    pub need_decision: Option<Decision>,
    pub exchange_id: Option<ExchangeId>,
    /// The other listing, as the reader may see it (a teaser for a confidential takeover
    /// until the match is accepted).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(no_recursion)]
    pub counterpart: Option<ListingView>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MatchList {
    pub items: Vec<MatchView>,
    /// For a listing's owner: the closest listings that fail exactly one rule an owner can
    /// act on (distance, price, dates, unit), and what would make them match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub near_misses: Option<Vec<NearMissView>>,
}

/// A listing that would match but for one rule.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NearMissView {
    pub listing_id: ListingId,
    pub title: String,
    /// `distance`, `price`, `dates` or `unit`.
    pub rule: Rule,
    /// What would make it match, in the reader's language.
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DecisionView {
    #[serde(rename = "match")]
    pub found: MatchView,
    /// Set when this answer completed the agreement.
    pub exchange_id: Option<ExchangeId>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposalView {
    pub id: ProposalId,
    /// The listing answered: a need or an offer.
    pub listing_id: ListingId,
    /// The conversation between the proposer and the listing's enterprise.
    #[schema(example = "proposal-12")]
    pub conversation_id: String,
    pub enterprise_id: EnterpriseId,
    pub enterprise_name: String,
    pub message: String,
    #[schema(value_type = Option<String>)]
    pub quantity: Option<ExactDecimal>,
    pub unit: Option<Unit>,
    #[schema(value_type = Option<String>)]
    pub unit_price: Option<ExactDecimal>,
    pub status: ProposalStatus,
    pub exchange_id: Option<ExchangeId>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposalList {
    pub items: Vec<ProposalView>,
}

/// A listing just posted, edited or published, with the matches computed as it opened
/// (the same JSON as a listing, plus `matches`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ListingWithMatches {
    #[serde(flatten)]
    pub listing: ListingView,
    /// Best first; absent while the listing is a draft.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matches: Option<Vec<MatchView>>,
}

impl ListingWithMatches {
    pub fn draft(listing: ListingView) -> ListingWithMatches {
        ListingWithMatches {
            listing,
            matches: None,
        }
    }
}
