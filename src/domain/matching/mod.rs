//! The matching rules, in one pure function: does an offer fit a need, how well (0–100),
//! and why, factor by factor, as message keys said in the reader's language; and when a
//! pair fails, which rule it fails and by how much (the near misses shown to owners).
//!
//! What is exchanged decides, not who exchanges it (DESIGN §7): materials and by-products
//! meet by what they are made of (and their European List of Waste code), whatever the two
//! enterprises' NAF codes; equipment, premises and energy by their kind; know-how,
//! relocated production and takeovers by their NAF division, or, across divisions, when
//! their words agree (a text score of at least [`CROSS_SECTOR_TEXT_MIN`]).

mod factors;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::listing::{Category, EwcCode, Material, Period, ResourceType};
use super::naf::NafCode;
use super::units::Unit;
use super::words::Words;
use super::Arg;

pub use factors::common_code;

/// Where a match stands: `proposed` until both sides accept (`accepted`, with its
/// exchange) or one declines; `withdrawn` when a listing closes or expires first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchStatus {
    Proposed,
    Accepted,
    Declined,
    Withdrawn,
}

crate::named!(MatchStatus {
    Proposed => "proposed",
    Accepted => "accepted",
    Declined => "declined",
    Withdrawn => "withdrawn",
});

/// One side's answer to a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Accepted,
    Declined,
}

crate::named!(Decision { Accepted => "accepted", Declined => "declined" });

/// Where a proposal (an answer to a listing without a listing of one's own) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    Pending,
    Accepted,
    Declined,
    Withdrawn,
}

crate::named!(ProposalStatus {
    Pending => "pending",
    Accepted => "accepted",
    Declined => "declined",
    Withdrawn => "withdrawn",
});

/// How far a listing reaches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reach {
    RadiusKm(i32),
    National,
}

/// What a listing exchanges, as matching compares it.
#[derive(Debug, Clone, PartialEq)]
pub enum What {
    /// A material or by-product: what it is made of, and its EWC code when given.
    Matter {
        material: Material,
        ewc: Option<EwcCode>,
    },
    /// Equipment, premises or energy.
    Resource(ResourceType),
    /// Know-how, relocated production, a takeover (or an older material listing that does
    /// not name its material): the NAF code decides.
    Sector,
}

/// What matching needs to know of one listing.
#[derive(Debug, Clone)]
pub struct Side {
    pub category: Category,
    pub what: What,
    pub naf: NafCode,
    pub commune: String,
    /// Approximate coordinates of the commune, when known.
    pub point: Option<(f64, f64)>,
    pub reach: Reach,
    /// What is still available (offer) or still wanted (need), per `period` when given.
    pub quantity: Option<(Decimal, Unit)>,
    /// Offer: asking price per unit; need: maximum budget per unit (€ HT).
    pub unit_price: Option<(Decimal, Unit)>,
    pub available_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// A recurring quantity is counted per this period.
    pub period: Option<Period>,
    /// Title and description, stemmed.
    pub words: Words,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FactorKind {
    Sector,
    Material,
    Text,
    Distance,
    Quantity,
    Price,
    Dates,
}

crate::named!(FactorKind {
    Sector => "sector",
    Material => "material",
    Text => "text",
    Distance => "distance",
    Quantity => "quantity",
    Price => "price",
    Dates => "dates",
});

impl FactorKind {
    /// Weight of the factor in the total score (they sum to 100 when all apply).
    fn weight(self) -> u32 {
        match self {
            FactorKind::Sector | FactorKind::Material => 25,
            FactorKind::Distance => 25,
            FactorKind::Text => 15,
            FactorKind::Quantity => 15,
            FactorKind::Price => 10,
            FactorKind::Dates => 10,
        }
    }
}

/// One factor of a match: its score and why, as a message key with its values (Fluent
/// `match-…` keys), said in the reader's language when the match is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Factor {
    pub factor: FactorKind,
    pub score: u8,
    pub key: String,
    #[serde(default)]
    pub args: Vec<(String, Arg)>,
}

impl Factor {
    fn new(factor: FactorKind, score: u8, key: &str) -> Factor {
        Factor {
            factor,
            score,
            key: key.to_string(),
            args: Vec::new(),
        }
    }

    fn with(mut self, name: &str, value: impl Into<Arg>) -> Factor {
        self.args.push((name.to_string(), value.into()));
        self
    }

    /// The value of one argument (tests, and explanations built from several factors).
    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub score: u8,
    pub factors: Vec<Factor>,
    pub distance_km: Option<f64>,
}

/// A rule a pair fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Not the same thing: another material, resource or trade.
    What,
    /// Beyond one side's radius.
    Distance,
    /// Quantities in units that do not compare (kg and m³).
    Unit,
    /// The asking price is above the budget.
    Price,
    /// The periods of availability do not overlap.
    Dates,
}

crate::named!(Rule {
    What => "what",
    Distance => "distance",
    Unit => "unit",
    Price => "price",
    Dates => "dates",
});

impl Rule {
    /// Can an owner act on it (widen a radius, raise a budget, move dates, count in
    /// another unit)? Those are the near misses worth showing; another thing is not.
    pub fn is_near(self) -> bool {
        self != Rule::What
    }
}

/// Why a pair does not match, by how much (Fluent `miss-…` keys).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Miss {
    pub rule: Rule,
    pub key: String,
    pub args: Vec<(String, Arg)>,
}

impl Miss {
    fn new(rule: Rule, key: &str) -> Miss {
        Miss {
            rule,
            key: key.to_string(),
            args: Vec::new(),
        }
    }

    fn with(mut self, name: &str, value: impl Into<Arg>) -> Miss {
        self.args.push((name.to_string(), value.into()));
        self
    }

    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

/// The least text score that lets two listings of different NAF divisions match (know-how,
/// relocated production, takeovers): their titles and descriptions must share a good part
/// of their words (see `words::Words::similarity`), such as "montage de chaussures" in
/// both.
pub const CROSS_SECTOR_TEXT_MIN: u8 = 35;

/// Labels that explanations quote: of the NAF code both listings share (INSEE publishes
/// them in French), of the EWC code (French and English).
#[derive(Debug, Clone, Copy, Default)]
pub struct Labels<'a> {
    pub sector: Option<&'a str>,
    pub ewc_fr: Option<&'a str>,
    pub ewc_en: Option<&'a str>,
}

/// Evaluates an offer against a need: the match, or every rule the pair fails.
pub fn evaluate(offer: &Side, need: &Side, labels: Labels<'_>) -> Result<Evaluation, Vec<Miss>> {
    let mut misses = Vec::new();
    let mut factors = Vec::new();
    let (text_score, shared) = offer.words.similarity(&need.words);
    match factors::what_factor(offer, need, labels, text_score) {
        Ok(factor) => factors.push(factor),
        Err(miss) => misses.push(miss),
    }
    let mut distance_km = None;
    match factors::distance_factor(offer, need) {
        Ok((factor, km)) => {
            factors.push(factor);
            distance_km = km;
        }
        Err(miss) => misses.push(miss),
    }
    if !offer.words.is_empty() && !need.words.is_empty() {
        factors.push(factors::text_factor(text_score, &shared));
    }
    for factor in [
        factors::quantity_factor(offer, need),
        factors::price_factor(offer, need),
    ] {
        match factor {
            Ok(Some(factor)) => factors.push(factor),
            Ok(None) => {}
            Err(miss) => misses.push(miss),
        }
    }
    match factors::dates_factor(offer, need) {
        Ok(factor) => factors.push(factor),
        Err(miss) => misses.push(miss),
    }
    if !misses.is_empty() {
        return Err(misses);
    }
    let total_weight: u32 = factors.iter().map(|f| f.factor.weight()).sum();
    let weighted: u32 = factors
        .iter()
        .map(|f| f.factor.weight() * u32::from(f.score))
        .sum();
    // Rounded to the nearest integer, halves up.
    let score = ((2 * weighted + total_weight) / (2 * total_weight)) as u8;
    Ok(Evaluation {
        score,
        factors,
        distance_km,
    })
}

/// A pair that fails exactly one rule an owner can act on: what would make it match.
pub fn near_miss(misses: &[Miss]) -> Option<&Miss> {
    match misses {
        [only] if only.rule.is_near() => Some(only),
        _ => None,
    }
}
