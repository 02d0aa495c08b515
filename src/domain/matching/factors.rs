//! Each factor of a match: its score (0–100) and its explanation, or the rule it breaks.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::{Factor, FactorKind, Labels, Miss, Reach, Rule, Side, What, CROSS_SECTOR_TEXT_MIN};
use crate::domain::naf::NafCode;
use crate::domain::territory::distance_km;
use crate::domain::Arg;

/// Used when both sides reach nationally: nearness is judged over this distance.
const NATIONAL_SCALE_KM: f64 = 1000.0;

/// The NAF code both listings fall under (their deepest common level), if they share at
/// least a division: the label of this code explains the sector factor.
pub fn common_code(a: &NafCode, b: &NafCode) -> Option<String> {
    let end = match a.common_depth(b) {
        0 => return None,
        1 => 2,
        2 => 4,
        3 => 5,
        _ => 6,
    };
    Some(a.as_str()[..end].to_string())
}

fn percent(ratio: Decimal) -> u8 {
    (ratio * Decimal::from(100))
        .round()
        .to_u8()
        .unwrap_or(100)
        .min(100)
}

/// What is exchanged: the same material (closer by EWC code), the same kind of resource,
/// or the same trade (NAF division, or different divisions whose words agree).
pub fn what_factor(
    offer: &Side,
    need: &Side,
    labels: Labels<'_>,
    text: u8,
) -> Result<Factor, Miss> {
    let other = || Miss::new(Rule::What, "miss-what");
    match (&offer.what, &need.what) {
        (
            What::Matter {
                material: a,
                ewc: a_code,
            },
            What::Matter {
                material: b,
                ewc: b_code,
            },
        ) => {
            if a != b {
                return Err(other());
            }
            let factor = match (a_code, b_code) {
                (Some(x), Some(y)) if x == y => {
                    Factor::new(FactorKind::Material, 100, "match-ewc").with("level", "code")
                }
                (Some(x), Some(y)) if x.subchapter() == y.subchapter() => {
                    Factor::new(FactorKind::Material, 90, "match-ewc").with("level", "subchapter")
                }
                (Some(x), Some(y)) if x.chapter() == y.chapter() => {
                    Factor::new(FactorKind::Material, 80, "match-ewc").with("level", "chapter")
                }
                _ => Factor::new(FactorKind::Material, 70, "match-material"),
            };
            let code = a_code.as_ref().or(b_code.as_ref());
            Ok(factor
                .with("material", a.as_str())
                .with("code", code.map(|c| c.as_str()).unwrap_or("none"))
                .with("label_fr", labels.ewc_fr.unwrap_or("none"))
                .with("label_en", labels.ewc_en.unwrap_or("none")))
        }
        (What::Resource(a), What::Resource(b)) if a == b => {
            Ok(Factor::new(FactorKind::Material, 100, "match-resource")
                .with("resource", a.as_str()))
        }
        (What::Sector, What::Sector) => sector_factor(offer, need, labels, text),
        // A material listing and an older one that does not name its material: the trade.
        (What::Matter { .. }, What::Sector) | (What::Sector, What::Matter { .. })
            if offer.naf.common_depth(&need.naf) > 0 =>
        {
            sector_factor(offer, need, labels, text)
        }
        _ => Err(other()),
    }
}

fn sector_factor(offer: &Side, need: &Side, labels: Labels<'_>, text: u8) -> Result<Factor, Miss> {
    let Some(code) = common_code(&offer.naf, &need.naf) else {
        // Different divisions: only when the words say it is the same trade.
        if text >= CROSS_SECTOR_TEXT_MIN {
            return Ok(Factor::new(FactorKind::Sector, 0, "match-sector-across")
                .with("offer", offer.naf.as_str()[..2].to_string())
                .with("need", need.naf.as_str()[..2].to_string()));
        }
        return Err(Miss::new(Rule::What, "miss-what"));
    };
    let (score, level) = match offer.naf.common_depth(&need.naf) {
        1 => (40, "division"),
        2 => (60, "group"),
        3 => (80, "class"),
        _ => (100, "subclass"),
    };
    Ok(Factor::new(FactorKind::Sector, score, "match-sector")
        .with("level", level)
        .with("code", code)
        .with("label", labels.sector.unwrap_or("none")))
}

/// Both sides must reach each other: the distance is within each radius.
pub fn distance_factor(offer: &Side, need: &Side) -> Result<(Factor, Option<f64>), Miss> {
    let distance = match (offer.point, need.point) {
        _ if offer.commune == need.commune => Some(0.0),
        (Some(a), Some(b)) => Some(distance_km(a, b)),
        _ => None,
    };
    let radii = [(offer.reach, "offer"), (need.reach, "need")];
    let limit = radii
        .iter()
        .filter_map(|(reach, side)| match reach {
            Reach::RadiusKm(km) => Some((*km, *side)),
            Reach::National => None,
        })
        .min_by_key(|(km, _)| *km);
    let Some(distance) = distance else {
        // Without coordinates, only two national listings can meet.
        if limit.is_some() {
            return Err(Miss::new(Rule::What, "miss-what"));
        }
        return Ok((
            Factor::new(FactorKind::Distance, 50, "match-distance-unknown"),
            None,
        ));
    };
    let km = distance.round() as i64;
    let scale = match limit {
        Some((radius, side)) if distance > f64::from(radius) => {
            return Err(Miss::new(Rule::Distance, "miss-distance")
                .with(
                    "beyond",
                    (distance - f64::from(radius)).ceil().max(1.0) as i64,
                )
                .with("radius", radius)
                .with("side", side)
                .with("km", km));
        }
        Some((radius, _)) => f64::from(radius.max(1)),
        None => NATIONAL_SCALE_KM,
    };
    let score = (100.0 * (1.0 - distance / scale)).round().clamp(0.0, 100.0) as u8;
    let factor = match limit {
        Some((radius, _)) => Factor::new(FactorKind::Distance, score, "match-distance")
            .with("km", km)
            .with("radius", radius),
        None => Factor::new(FactorKind::Distance, score, "match-distance-national").with("km", km),
    };
    Ok((factor, Some(distance)))
}

/// How much the titles and descriptions say the same thing, with the words in common.
pub fn text_factor(score: u8, shared: &[String]) -> Factor {
    if shared.is_empty() {
        return Factor::new(FactorKind::Text, 0, "match-text-none");
    }
    let words: Vec<&str> = shared.iter().take(5).map(String::as_str).collect();
    Factor::new(FactorKind::Text, score, "match-text").with("words", words.join(", "))
}

/// The offer's quantity against what the need still wants, in the need's unit; per the
/// need's period when both are recurring, one period of the recurring side against a
/// one-off. `Ok(None)`: not applicable.
pub fn quantity_factor(offer: &Side, need: &Side) -> Result<Option<Factor>, Miss> {
    let (Some((offered, offer_unit)), Some((wanted, need_unit))) = (offer.quantity, need.quantity)
    else {
        return Ok(None);
    };
    let Some(mut comparable) = offer_unit.convert(offered, need_unit) else {
        return Err(Miss::new(Rule::Unit, "miss-unit")
            .with("offered_unit", offer_unit.as_str())
            .with("wanted_unit", need_unit.as_str()));
    };
    if let (Some(offer_period), Some(need_period)) = (offer.period, need.period) {
        comparable = comparable * offer_period.per_year() / need_period.per_year();
    }
    if wanted <= Decimal::ZERO {
        return Ok(None);
    }
    let coverage = (comparable / wanted).min(Decimal::ONE);
    let score = percent(coverage);
    let period = |p: Option<super::Period>| p.map(|p| p.as_str()).unwrap_or("none");
    Ok(Some(
        Factor::new(FactorKind::Quantity, score, "match-quantity")
            .with("percent", u32::from(score))
            .with("offered", Arg::Decimal(offered.normalize()))
            .with("offered_unit", offer_unit.as_str())
            .with("offered_period", period(offer.period))
            .with("wanted", Arg::Decimal(wanted.normalize()))
            .with("wanted_unit", need_unit.as_str())
            .with("wanted_period", period(need.period)),
    ))
}

/// The asking price, in the budget's unit, within the budget.
pub fn price_factor(offer: &Side, need: &Side) -> Result<Option<Factor>, Miss> {
    let (Some((asked, asked_unit)), Some((budget, budget_unit))) =
        (offer.unit_price, need.unit_price)
    else {
        return Ok(None);
    };
    let Some(asked_per_budget_unit) = asked_unit.convert_price(asked, budget_unit) else {
        return Err(Miss::new(Rule::Unit, "miss-unit")
            .with("offered_unit", asked_unit.as_str())
            .with("wanted_unit", budget_unit.as_str()));
    };
    if asked_per_budget_unit > budget {
        let over = if budget.is_zero() {
            100
        } else {
            ((asked_per_budget_unit - budget) / budget * Decimal::from(100))
                .ceil()
                .to_u32()
                .unwrap_or(u32::MAX)
        };
        return Err(Miss::new(Rule::Price, "miss-price")
            .with("percent", over)
            .with(
                "asked",
                Arg::Decimal(asked_per_budget_unit.round_dp(6).normalize()),
            )
            .with("budget", Arg::Decimal(budget.normalize()))
            .with("unit", budget_unit.as_str()));
    }
    // Headroom: how far under the budget the price is. At the budget: 50; half of it or
    // less: 100.
    let headroom = if budget.is_zero() {
        Decimal::ONE
    } else {
        (budget - asked_per_budget_unit) / budget
    };
    let score = 50 + percent((headroom * Decimal::TWO).min(Decimal::ONE)) / 2;
    Ok(Some(
        Factor::new(FactorKind::Price, score, "match-price")
            .with(
                "asked",
                Arg::Decimal(asked_per_budget_unit.round_dp(6).normalize()),
            )
            .with("budget", Arg::Decimal(budget.normalize()))
            .with("unit", budget_unit.as_str())
            .with("headroom", u32::from(percent(headroom))),
    ))
}

/// The periods of availability overlap; the more of the need's period, the better.
pub fn dates_factor(offer: &Side, need: &Side) -> Result<Factor, Miss> {
    let start = offer.available_from.max(need.available_from);
    let end = match (offer.valid_until, need.valid_until) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if let (Some(start), Some(end)) = (start, end) {
        if start > end {
            return Err(Miss::new(Rule::Dates, "miss-dates")
                .with("from", Arg::Date(start))
                .with("until", Arg::Date(end)));
        }
    }
    Ok(match (start, end, need.available_from, need.valid_until) {
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
