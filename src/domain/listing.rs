//! Listings: offers and needs in four categories, their lifecycle and category details.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::decimal::ExactDecimal;
use super::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Offer,
    Need,
}

crate::named!(Kind { Offer => "offer", Need => "need" });

impl Kind {
    pub fn opposite(self) -> Kind {
        match self {
            Kind::Offer => Kind::Need,
            Kind::Need => Kind::Offer,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Materials, equipment, premises, by-products, energy.
    LocalResource,
    /// Training, mentoring, apprenticeship.
    KnowHow,
    /// A business to hand over, or a buyer looking for one. Confidential.
    BusinessTakeover,
    /// Production or subcontracting capacity brought back to the territory.
    RelocatedProduction,
}

crate::named!(Category {
    LocalResource => "local_resource",
    KnowHow => "know_how",
    BusinessTakeover => "business_takeover",
    RelocatedProduction => "relocated_production",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Open,
    Closed,
    Expired,
}

crate::named!(Status { Draft => "draft", Open => "open", Closed => "closed", Expired => "expired" });

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CloseReason {
    Fulfilled,
    Withdrawn,
}

crate::named!(CloseReason { Fulfilled => "fulfilled", Withdrawn => "withdrawn" });

/// Who may see a listing: anyone, or signed-in accounts only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    Public,
    Members,
}

crate::named!(Visibility { Public => "public", Members => "members" });

/// Largest radius a listing may give; beyond it, choose `national`.
pub const MAX_RADIUS_KM: i32 = 1000;

pub const TITLE_CHARS: std::ops::RangeInclusive<usize> = 5..=120;
pub const DESCRIPTION_MAX_CHARS: usize = 5000;

pub fn check_title(title: &str) -> Result<String, Invalid> {
    let title = title.trim();
    if !TITLE_CHARS.contains(&title.chars().count()) {
        return Err(Invalid::new("title_length"));
    }
    Ok(title.to_string())
}

pub fn check_description(description: &str) -> Result<String, Invalid> {
    if description.chars().count() > DESCRIPTION_MAX_CHARS {
        return Err(Invalid::new("description_length"));
    }
    Ok(description.trim().to_string())
}

// ---- Category details: one type per category, stored as JSONB ----

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResourceType {
    Materials,
    Equipment,
    Premises,
    ByProduct,
    Energy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    OneOff,
    Recurring,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalResourceDetails {
    pub resource_type: ResourceType,
    #[serde(default = "one_off")]
    pub recurrence: Recurrence,
}

fn one_off() -> Recurrence {
    Recurrence::OneOff
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KnowHowFormat {
    Training,
    Mentoring,
    Apprenticeship,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KnowHowDetails {
    pub format: KnowHowFormat,
    /// Hours of training or mentoring offered or wanted.
    pub hours: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum RevenueBand {
    #[serde(rename = "under_100k")]
    Under100k,
    #[serde(rename = "100k_500k")]
    From100kTo500k,
    #[serde(rename = "500k_2m")]
    From500kTo2m,
    #[serde(rename = "2m_10m")]
    From2mTo10m,
    #[serde(rename = "over_10m")]
    Over10m,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum HeadcountBand {
    #[serde(rename = "0")]
    None,
    #[serde(rename = "1_9")]
    From1To9,
    #[serde(rename = "10_49")]
    From10To49,
    #[serde(rename = "50_249")]
    From50To249,
    #[serde(rename = "250_plus")]
    From250,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TakeoverReason {
    Retirement,
    Reorientation,
    Health,
    Growth,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BusinessTakeoverDetails {
    pub revenue_band: RevenueBand,
    pub headcount_band: HeadcountBand,
    /// Asking price (offer) or budget (need), in euros, as a string.
    #[schema(value_type = Option<String>, example = "250000.00")]
    pub asking_price: Option<ExactDecimal>,
    pub reason: Option<TakeoverReason>,
    /// When the hand-over should happen, in months from now.
    pub timeline_months: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RelocatedProductionDetails {
    /// Capacity per month, in the listing's unit.
    #[schema(value_type = Option<String>, example = "5000")]
    pub monthly_capacity: Option<ExactDecimal>,
    pub lead_time_days: Option<u16>,
}

/// Parses and checks the `details` object of a listing for its category.
pub fn parse_details(
    category: Category,
    details: &serde_json::Value,
) -> Result<serde_json::Value, Invalid> {
    fn check<T: serde::de::DeserializeOwned + Serialize>(
        value: &serde_json::Value,
    ) -> Result<serde_json::Value, Invalid> {
        let parsed: T = serde_json::from_value(value.clone())
            .map_err(|e| Invalid::new("details").with("detail", e.to_string()))?;
        serde_json::to_value(parsed)
            .map_err(|e| Invalid::new("details").with("detail", e.to_string()))
    }
    let value = if details.is_null() {
        serde_json::json!({})
    } else {
        details.clone()
    };
    let checked = match category {
        Category::LocalResource => check::<LocalResourceDetails>(&value)?,
        Category::KnowHow => check::<KnowHowDetails>(&value)?,
        Category::BusinessTakeover => {
            let checked = check::<BusinessTakeoverDetails>(&value)?;
            if let Some(price) = value.get("asking_price").filter(|p| !p.is_null()) {
                let price: ExactDecimal = serde_json::from_value(price.clone())
                    .map_err(|e| Invalid::new("details").with("detail", e.to_string()))?;
                super::decimal::Money::new(price.0)?;
                if price.0 < rust_decimal::Decimal::ZERO {
                    return Err(Invalid::new("price_negative"));
                }
            }
            checked
        }
        Category::RelocatedProduction => check::<RelocatedProductionDetails>(&value)?,
    };
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn details_are_checked_per_category() {
        assert!(parse_details(
            Category::LocalResource,
            &json!({"resource_type": "by_product", "recurrence": "recurring"})
        )
        .is_ok());
        assert!(parse_details(Category::LocalResource, &json!({"resource_type": "gold"})).is_err());
        assert!(parse_details(Category::LocalResource, &json!({})).is_err());
        assert!(parse_details(
            Category::KnowHow,
            &json!({"format": "mentoring", "hours": 40})
        )
        .is_ok());
        assert!(parse_details(
            Category::KnowHow,
            &json!({"format": "mentoring", "extra": 1})
        )
        .is_err());
        let takeover = parse_details(
            Category::BusinessTakeover,
            &json!({"revenue_band": "500k_2m", "headcount_band": "10_49", "asking_price": "350000.00", "reason": "retirement", "timeline_months": 12}),
        )
        .unwrap();
        assert_eq!(takeover["asking_price"], "350000.00");
        assert!(parse_details(
            Category::BusinessTakeover,
            &json!({"revenue_band": "500k_2m", "headcount_band": "10_49", "asking_price": "1.234"})
        )
        .is_err());
        assert!(parse_details(
            Category::RelocatedProduction,
            &json!({"monthly_capacity": "5000", "lead_time_days": 15})
        )
        .is_ok());
        assert!(parse_details(Category::RelocatedProduction, &json!(null)).is_ok());
    }

    #[test]
    fn titles_need_five_to_120_characters() {
        assert!(check_title("Bois").is_err());
        assert_eq!(
            check_title("  Chutes de chêne  ").unwrap(),
            "Chutes de chêne"
        );
        assert!(check_title(&"é".repeat(121)).is_err());
    }
}
