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

crate::named!(ResourceType {
    Materials => "materials",
    Equipment => "equipment",
    Premises => "premises",
    ByProduct => "by_product",
    Energy => "energy",
});

impl ResourceType {
    /// Materials and by-products are matched by what they are made of.
    pub fn is_matter(self) -> bool {
        matches!(self, ResourceType::Materials | ResourceType::ByProduct)
    }
}

/// What a material or by-product is made of. Matching compares this, not the sectors of
/// the two enterprises: a sawmill's oak offcuts (16.10A) heat a heating network (35.30Z).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Material {
    Wood,
    Metal,
    Plastic,
    PaperCardboard,
    Textile,
    Glass,
    OrganicFood,
    OrganicGreen,
    OilFat,
    ConstructionMinerals,
    Chemicals,
    Electronic,
    Other,
}

crate::named!(Material {
    Wood => "wood",
    Metal => "metal",
    Plastic => "plastic",
    PaperCardboard => "paper_cardboard",
    Textile => "textile",
    Glass => "glass",
    OrganicFood => "organic_food",
    OrganicGreen => "organic_green",
    OilFat => "oil_fat",
    ConstructionMinerals => "construction_minerals",
    Chemicals => "chemicals",
    Electronic => "electronic",
    Other => "other",
});

/// A code of the European List of Waste (EWC, Commission Decision 2000/532/EC as amended,
/// French "nomenclature des déchets", annex II of article R541-8 of the Code de
/// l'environnement): six digits in three pairs, `"03 01 05"`. Accepted with or without
/// spaces and with the `*` that marks a hazardous entry; kept as `"03 01 05"`. Whether it
/// exists (and is hazardous) is in the reference table `ewc_codes`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = String, example = "03 01 05")]
pub struct EwcCode(String);

impl EwcCode {
    /// Error: `ewc_format`.
    pub fn parse(text: &str) -> Result<EwcCode, Invalid> {
        let digits: String = text
            .trim()
            .trim_end_matches('*')
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if digits.len() != 6 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(Invalid::new("ewc_format"));
        }
        Ok(EwcCode(format!(
            "{} {} {}",
            &digits[..2],
            &digits[2..4],
            &digits[4..]
        )))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The chapter: `"03"`.
    pub fn chapter(&self) -> &str {
        &self.0[..2]
    }

    /// The sub-chapter: `"03 01"`.
    pub fn subchapter(&self) -> &str {
        &self.0[..5]
    }
}

impl<'de> Deserialize<'de> for EwcCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        EwcCode::parse(&text).map_err(|_| {
            serde::de::Error::custom(format!(
                "\"{text}\" is not an EWC code: six digits in three pairs, such as \"03 01 05\""
            ))
        })
    }
}

/// The period a recurring quantity is counted per: 12 t a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Week,
    Month,
    Year,
}

crate::named!(Period { Week => "week", Month => "month", Year => "year" });

impl Period {
    /// How many of this period make a year (52 weeks, 12 months): quantities of two
    /// periods compare per year.
    pub fn per_year(self) -> rust_decimal::Decimal {
        rust_decimal::Decimal::from(match self {
            Period::Week => 52,
            Period::Month => 12,
            Period::Year => 1,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalResourceDetails {
    pub resource_type: ResourceType,
    #[serde(default = "one_off")]
    pub recurrence: Recurrence,
    /// Required for `materials` and `by_product`: what it is made of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub material: Option<Material>,
    /// Optional, for `materials` and `by_product`: its European List of Waste code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ewc_code: Option<EwcCode>,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
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
        Category::LocalResource => {
            if let Some(code) = value.get("ewc_code").and_then(|c| c.as_str()) {
                EwcCode::parse(code)?;
            }
            let parsed: LocalResourceDetails = serde_json::from_value(value.clone())
                .map_err(|e| Invalid::new("details").with("detail", e.to_string()))?;
            if parsed.resource_type.is_matter() && parsed.material.is_none() {
                return Err(Invalid::new("material_required"));
            }
            if !parsed.resource_type.is_matter()
                && (parsed.material.is_some() || parsed.ewc_code.is_some())
            {
                return Err(Invalid::new("material_for_matter_only"));
            }
            serde_json::to_value(parsed)
                .map_err(|e| Invalid::new("details").with("detail", e.to_string()))?
        }
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
    fn ewc_codes_are_six_digits_in_three_pairs() {
        for text in ["03 01 05", "030105", " 03 01 05* ", "03  0105"] {
            let code = EwcCode::parse(text).unwrap();
            assert_eq!(code.as_str(), "03 01 05");
            assert_eq!(code.chapter(), "03");
            assert_eq!(code.subchapter(), "03 01");
        }
        for text in ["03 01", "03 01 0A", "", "03 01 05 01"] {
            assert_eq!(
                EwcCode::parse(text),
                Err(Invalid::new("ewc_format")),
                "{text}"
            );
        }
    }

    #[test]
    fn details_are_checked_per_category() {
        let by_product = parse_details(
            Category::LocalResource,
            &json!({"resource_type": "by_product", "recurrence": "recurring", "material": "wood", "ewc_code": "030105"}),
        )
        .unwrap();
        assert_eq!(by_product["ewc_code"], "03 01 05");
        assert_eq!(
            parse_details(
                Category::LocalResource,
                &json!({"resource_type": "by_product"})
            ),
            Err(Invalid::new("material_required"))
        );
        assert_eq!(
            parse_details(
                Category::LocalResource,
                &json!({"resource_type": "premises", "material": "wood"})
            ),
            Err(Invalid::new("material_for_matter_only"))
        );
        assert!(parse_details(
            Category::LocalResource,
            &json!({"resource_type": "materials", "material": "wood", "ewc_code": "03 01"})
        )
        .is_err());
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
