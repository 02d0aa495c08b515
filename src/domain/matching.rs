//! The matching rules, in one pure function: does an offer fit a need, how well (0–100),
//! and why, factor by factor, in French and English.

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::naf::NafCode;
use super::territory::distance_km;
use super::units::Unit;
use super::Arg;

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

/// What matching needs to know of one listing.
#[derive(Debug, Clone)]
pub struct Side {
    pub naf: NafCode,
    pub commune: String,
    /// Approximate coordinates of the commune, when known.
    pub point: Option<(f64, f64)>,
    pub reach: Reach,
    /// For an offer, what is still available; for a need, what is wanted.
    pub quantity: Option<(Decimal, Unit)>,
    /// Offer: asking price per unit; need: maximum budget per unit.
    pub unit_price: Option<(Decimal, Unit)>,
    pub available_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FactorKind {
    Sector,
    Distance,
    Quantity,
    Price,
    Dates,
}

crate::named!(FactorKind {
    Sector => "sector",
    Distance => "distance",
    Quantity => "quantity",
    Price => "price",
    Dates => "dates",
});

impl FactorKind {
    /// Weight of the factor in the total score.
    fn weight(self) -> u32 {
        match self {
            FactorKind::Sector => 30,
            FactorKind::Distance => 30,
            FactorKind::Quantity => 15,
            FactorKind::Price => 15,
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

/// Used when both sides reach nationally: nearness is judged over this distance.
const NATIONAL_SCALE_KM: f64 = 1000.0;

/// The NAF code both listings fall under (their deepest common level), if they share at
/// least a division: the label of this code explains the sector factor.
pub fn common_code(a: &NafCode, b: &NafCode) -> Option<String> {
    let depth = a.common_depth(b);
    let end = match depth {
        0 => return None,
        1 => 2,
        2 => 4,
        3 => 5,
        _ => 6,
    };
    Some(a.as_str()[..end].to_string())
}

/// Evaluates an offer against a need; `None` when they do not match. `sector_label` is
/// the label of `common_code(offer, need)`.
pub fn evaluate(offer: &Side, need: &Side, sector_label: Option<&str>) -> Option<Evaluation> {
    let sector = sector_factor(offer, need, sector_label)?;
    let (distance, distance_km) = distance_factor(offer, need)?;
    let mut factors = vec![sector, distance];
    if let Some(quantity) = quantity_factor(offer, need)? {
        factors.push(quantity);
    }
    if let Some(price) = price_factor(offer, need)? {
        factors.push(price);
    }
    factors.push(dates_factor(offer, need)?);
    let total_weight: u32 = factors.iter().map(|f| f.factor.weight()).sum();
    let weighted: u32 = factors
        .iter()
        .map(|f| f.factor.weight() * u32::from(f.score))
        .sum();
    // Rounded to the nearest integer, halves up.
    let score = ((2 * weighted + total_weight) / (2 * total_weight)) as u8;
    Some(Evaluation {
        score,
        factors,
        distance_km,
    })
}

fn sector_factor(offer: &Side, need: &Side, label: Option<&str>) -> Option<Factor> {
    let depth = offer.naf.common_depth(&need.naf);
    let code = common_code(&offer.naf, &need.naf)?;
    let (score, level) = match depth {
        1 => (40, "division"),
        2 => (60, "group"),
        3 => (80, "class"),
        _ => (100, "subclass"),
    };
    Some(
        Factor::new(FactorKind::Sector, score, "match-sector")
            .with("level", level)
            .with("code", code)
            .with("label", label.unwrap_or("none")),
    )
}

fn distance_factor(offer: &Side, need: &Side) -> Option<(Factor, Option<f64>)> {
    let distance = match (offer.point, need.point) {
        _ if offer.commune == need.commune => Some(0.0),
        (Some(a), Some(b)) => Some(distance_km(a, b)),
        _ => None,
    };
    let radii: Vec<i32> = [offer.reach, need.reach]
        .into_iter()
        .filter_map(|r| match r {
            Reach::RadiusKm(km) => Some(km),
            Reach::National => None,
        })
        .collect();
    let limit = radii.iter().min().copied();
    let Some(distance) = distance else {
        // Without coordinates, only two national listings can meet.
        if limit.is_some() {
            return None;
        }
        return Some((
            Factor::new(FactorKind::Distance, 50, "match-distance-unknown"),
            None,
        ));
    };
    let scale = match limit {
        Some(km) if distance > f64::from(km) => return None,
        Some(km) => f64::from(km.max(1)),
        None => NATIONAL_SCALE_KM,
    };
    let score = (100.0 * (1.0 - distance / scale)).round().clamp(0.0, 100.0) as u8;
    let km = distance.round() as i64;
    let factor = match limit {
        Some(limit) => Factor::new(FactorKind::Distance, score, "match-distance")
            .with("km", km)
            .with("radius", limit),
        None => Factor::new(FactorKind::Distance, score, "match-distance-national").with("km", km),
    };
    Some((factor, Some(distance)))
}

fn percent(ratio: Decimal) -> u8 {
    (ratio * Decimal::from(100))
        .round()
        .to_u8()
        .unwrap_or(100)
        .min(100)
}

/// `Some(None)`: not applicable; `None`: the pair does not match.
fn quantity_factor(offer: &Side, need: &Side) -> Option<Option<Factor>> {
    let (Some((offered, offer_unit)), Some((wanted, need_unit))) = (offer.quantity, need.quantity)
    else {
        return Some(None);
    };
    let offered_in_need_unit = offer_unit.convert(offered, need_unit)?;
    if wanted <= Decimal::ZERO {
        return Some(None);
    }
    let coverage = (offered_in_need_unit / wanted).min(Decimal::ONE);
    let score = percent(coverage);
    Some(Some(
        Factor::new(FactorKind::Quantity, score, "match-quantity")
            .with("percent", u32::from(score))
            .with("offered", Arg::Decimal(offered.normalize()))
            .with("offered_unit", offer_unit.as_str())
            .with("wanted", Arg::Decimal(wanted.normalize()))
            .with("wanted_unit", need_unit.as_str()),
    ))
}

fn price_factor(offer: &Side, need: &Side) -> Option<Option<Factor>> {
    let (Some((asked, asked_unit)), Some((budget, budget_unit))) =
        (offer.unit_price, need.unit_price)
    else {
        return Some(None);
    };
    let asked_per_budget_unit = asked_unit.convert_price(asked, budget_unit)?;
    if asked_per_budget_unit > budget {
        return None;
    }
    // Headroom: how far under the budget the price is. At the budget: 50; half of it or
    // less: 100.
    let headroom = if budget.is_zero() {
        Decimal::ONE
    } else {
        (budget - asked_per_budget_unit) / budget
    };
    let score = 50 + percent((headroom * Decimal::TWO).min(Decimal::ONE)) / 2;
    let headroom_pct = percent(headroom);
    Some(Some(
        Factor::new(FactorKind::Price, score, "match-price")
            .with(
                "asked",
                Arg::Decimal(asked_per_budget_unit.round_dp(6).normalize()),
            )
            .with("budget", Arg::Decimal(budget.normalize()))
            .with("unit", budget_unit.as_str())
            .with("headroom", u32::from(headroom_pct)),
    ))
}

fn dates_factor(offer: &Side, need: &Side) -> Option<Factor> {
    let start = offer.available_from.max(need.available_from);
    let end = match (offer.valid_until, need.valid_until) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if let (Some(start), Some(end)) = (start, end) {
        if start > end {
            return None;
        }
    }
    Some(match (start, end, need.available_from, need.valid_until) {
        (Some(start), Some(end), Some(need_from), Some(need_until)) => {
            let overlap = (end - start).num_days() + 1;
            let wanted = (need_until - need_from).num_days() + 1;
            let score = percent(Decimal::from(overlap) / Decimal::from(wanted.max(1)));
            Factor::new(FactorKind::Dates, score, "match-dates-overlap")
                .with("days", overlap)
                .with("wanted", wanted)
        }
        (_, Some(end), _, _) => {
            Factor::new(FactorKind::Dates, 100, "match-dates-until").with("date", Arg::Date(end))
        }
        _ => Factor::new(FactorKind::Dates, 100, "match-dates-open"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn side(naf: &str, point: (f64, f64), reach: Reach) -> Side {
        Side {
            naf: NafCode::parse(naf).unwrap(),
            commune: format!("{:.3}{:.3}", point.0, point.1),
            point: Some(point),
            reach,
            quantity: None,
            unit_price: None,
            available_from: None,
            valid_until: None,
        }
    }

    const ROMANS: (f64, f64) = (45.04639, 5.0562);
    const VALENCE: (f64, f64) = (44.92560, 4.90956);
    const LYON: (f64, f64) = (45.75, 4.85);

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn same_subclass_nearby_scores_high_and_explains_each_factor() {
        let offer = side("16.10A", ROMANS, Reach::RadiusKm(50));
        let need = side("16.10A", VALENCE, Reach::RadiusKm(50));
        let evaluation = evaluate(&offer, &need, Some("Sciage et rabotage du bois")).unwrap();
        assert!(evaluation.score >= 80, "{evaluation:?}");
        let sector = &evaluation.factors[0];
        assert_eq!(sector.factor, FactorKind::Sector);
        assert_eq!(sector.score, 100);
        assert_eq!(sector.key, "match-sector");
        assert_eq!(sector.arg("level"), Some(&Arg::from("subclass")));
        assert_eq!(sector.arg("code"), Some(&Arg::from("16.10A")));
        assert_eq!(
            sector.arg("label"),
            Some(&Arg::from("Sciage et rabotage du bois"))
        );
        let distance = &evaluation.factors[1];
        assert_eq!(distance.key, "match-distance");
        assert_eq!(distance.arg("km"), Some(&Arg::Number(18)));
        assert_eq!(distance.arg("radius"), Some(&Arg::Number(50)));
    }

    #[test]
    fn sector_closeness_orders_scores() {
        let need = side("10.71C", ROMANS, Reach::RadiusKm(50));
        let scores: Vec<u8> = ["10.71C", "10.71D", "10.72Z", "10.51A"]
            .iter()
            .map(|naf| {
                evaluate(&side(naf, ROMANS, Reach::RadiusKm(50)), &need, None)
                    .unwrap()
                    .score
            })
            .collect();
        assert!(scores.windows(2).all(|w| w[0] > w[1]), "{scores:?}");
        assert!(
            evaluate(&side("16.10A", ROMANS, Reach::RadiusKm(50)), &need, None).is_none(),
            "different divisions never match"
        );
    }

    #[test]
    fn each_side_must_reach_the_other() {
        // Romans–Lyon is about 80 km.
        let offer = side("16.10A", ROMANS, Reach::RadiusKm(100));
        let need = side("16.10A", LYON, Reach::RadiusKm(50));
        assert!(evaluate(&offer, &need, None).is_none());
        let need = side("16.10A", LYON, Reach::National);
        assert!(evaluate(&offer, &need, None).is_some());
        let offer = side("16.10A", ROMANS, Reach::National);
        let evaluation = evaluate(&offer, &need, None).unwrap();
        assert_eq!(evaluation.factors[1].key, "match-distance-national");
    }

    #[test]
    fn quantities_compare_after_conversion_and_only_in_one_dimension() {
        let mut offer = side("38.32Z", ROMANS, Reach::RadiusKm(50));
        let mut need = side("38.32Z", ROMANS, Reach::RadiusKm(50));
        offer.quantity = Some((dec!(800), Unit::Kg));
        need.quantity = Some((dec!(1), Unit::T));
        let evaluation = evaluate(&offer, &need, None).unwrap();
        let quantity = evaluation
            .factors
            .iter()
            .find(|f| f.factor == FactorKind::Quantity)
            .unwrap();
        assert_eq!(quantity.score, 80);
        assert_eq!(quantity.arg("percent"), Some(&Arg::Number(80)));
        assert_eq!(quantity.arg("offered"), Some(&Arg::Decimal(dec!(800))));
        assert_eq!(quantity.arg("wanted_unit"), Some(&Arg::from("t")));
        need.quantity = Some((dec!(1), Unit::M3));
        assert!(
            evaluate(&offer, &need, None).is_none(),
            "kg and m3 do not compare"
        );
        need.quantity = None;
        let evaluation = evaluate(&offer, &need, None).unwrap();
        assert!(evaluation
            .factors
            .iter()
            .all(|f| f.factor != FactorKind::Quantity));
    }

    #[test]
    fn the_offer_price_must_fit_the_budget_after_conversion() {
        let mut offer = side("38.32Z", ROMANS, Reach::RadiusKm(50));
        let mut need = side("38.32Z", ROMANS, Reach::RadiusKm(50));
        offer.unit_price = Some((dec!(120), Unit::T));
        need.unit_price = Some((dec!(0.15), Unit::Kg));
        let evaluation = evaluate(&offer, &need, None).unwrap();
        let price = evaluation
            .factors
            .iter()
            .find(|f| f.factor == FactorKind::Price)
            .unwrap();
        assert_eq!(price.score, 70);
        assert_eq!(price.arg("asked"), Some(&Arg::Decimal(dec!(0.12))));
        assert_eq!(price.arg("headroom"), Some(&Arg::Number(20)));
        need.unit_price = Some((dec!(0.11), Unit::Kg));
        assert!(evaluate(&offer, &need, None).is_none());
        need.unit_price = Some((dec!(0.12), Unit::Kg));
        let at_budget = evaluate(&offer, &need, None).unwrap();
        assert_eq!(
            at_budget
                .factors
                .iter()
                .find(|f| f.factor == FactorKind::Price)
                .unwrap()
                .score,
            50
        );
    }

    #[test]
    fn availability_windows_must_overlap() {
        let mut offer = side("38.32Z", ROMANS, Reach::RadiusKm(50));
        let mut need = side("38.32Z", ROMANS, Reach::RadiusKm(50));
        offer.available_from = Some(date("2027-01-01"));
        offer.valid_until = Some(date("2027-01-31"));
        need.available_from = Some(date("2027-01-17"));
        need.valid_until = Some(date("2027-02-15"));
        let evaluation = evaluate(&offer, &need, None).unwrap();
        let dates = evaluation
            .factors
            .iter()
            .find(|f| f.factor == FactorKind::Dates)
            .unwrap();
        assert_eq!(dates.arg("days"), Some(&Arg::Number(15)));
        assert_eq!(dates.arg("wanted"), Some(&Arg::Number(30)));
        assert_eq!(dates.score, 50);
        need.available_from = Some(date("2027-02-01"));
        assert!(evaluate(&offer, &need, None).is_none());
    }

    fn arbitrary_side() -> impl Strategy<Value = Side> {
        let nafs = prop::sample::select(vec![
            "10.71C", "10.71D", "10.72Z", "10.51A", "10", "10.7", "10.71",
        ]);
        let units = prop::sample::select(vec![Unit::Kg, Unit::T, Unit::L, Unit::Unit]);
        (
            nafs,
            (43.0f64..50.0, -1.0f64..7.0),
            prop::option::of(1i32..400),
            prop::option::of((1i64..100_000, units.clone())),
            prop::option::of((0i64..100_000, units)),
            prop::option::of(0i64..400),
            prop::option::of(0i64..400),
        )
            .prop_map(|(naf, point, radius, quantity, price, from, len)| Side {
                naf: NafCode::parse(naf).unwrap(),
                commune: format!("{:.4}{:.4}", point.0, point.1),
                point: Some(point),
                reach: radius.map_or(Reach::National, Reach::RadiusKm),
                quantity: quantity.map(|(q, u)| (Decimal::new(q, 2), u)),
                unit_price: price.map(|(p, u)| (Decimal::new(p, 3), u)),
                available_from: from.map(|d| date("2027-01-01") + chrono::Duration::days(d)),
                valid_until: from
                    .zip(len)
                    .map(|(d, l)| date("2027-01-01") + chrono::Duration::days(d + l)),
            })
    }

    proptest! {
        #[test]
        fn scores_stay_between_0_and_100(offer in arbitrary_side(), need in arbitrary_side()) {
            if let Some(evaluation) = evaluate(&offer, &need, None) {
                prop_assert!(evaluation.score <= 100);
                prop_assert!(evaluation.factors.iter().all(|f| f.score <= 100));
            }
        }

        #[test]
        fn a_farther_pair_never_scores_higher(offer in arbitrary_side(), need in arbitrary_side(), shift in 0.0f64..2.0) {
            let mut farther = need.clone();
            let (lat, lon) = need.point.unwrap();
            let (olat, olon) = offer.point.unwrap();
            // Move the need straight away from the offer.
            farther.point = Some((lat + (lat - olat).signum() * shift, lon + (lon - olon).signum() * shift));
            farther.commune = "elsewhere".into();
            let near = evaluate(&offer, &need, None);
            let far = evaluate(&offer, &farther, None);
            if let (Some(near), Some(far)) = (&near, &far) {
                prop_assert!(far.score <= near.score, "near {:?} far {:?}", near, far);
            }
            if near.is_none() && need.commune != offer.commune {
                prop_assert!(far.is_none(), "a pair out of reach stays out of reach farther away");
            }
        }

        #[test]
        fn evaluation_is_deterministic_whatever_the_order_of_calls(offer in arbitrary_side(), need in arbitrary_side()) {
            // Publishing the need first or the offer first runs the same evaluation.
            let first = evaluate(&offer, &need, Some("x"));
            let _ = evaluate(&need, &offer, Some("x"));
            let second = evaluate(&offer, &need, Some("x"));
            prop_assert_eq!(first, second);
        }
    }
}
