//! Listings as the API and the pages show them, including the teaser of a confidential
//! business takeover.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::decimal::{price_display, quantity_display, ExactDecimal};
use crate::domain::listing::{Category, CloseReason, Kind, Period, Status, Visibility};
use crate::domain::units::Unit;
use crate::models::ids::{EnterpriseId, ListingId};
use crate::models::listing::Listing;

/// How much of a listing a viewer may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disclosure {
    Full,
    /// A confidential takeover seen by a stranger: what `domain::takeover` allows.
    Teaser,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ListingView {
    pub id: ListingId,
    /// Hidden in the teaser of a confidential takeover.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enterprise_id: Option<EnterpriseId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enterprise_name: Option<String>,
    pub kind: Kind,
    pub category: Category,
    pub title: String,
    pub description: String,
    /// NAF code of what is exchanged; a teaser shows it only as precisely as keeps at
    /// least five enterprises possible (a class, a division, a section, or nothing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub naf: Option<String>,
    /// INSEE code; hidden in a teaser.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commune: Option<String>,
    /// A teaser may show the région only, or neither.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departement: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub radius_km: Option<i32>,
    pub national: bool,
    #[schema(value_type = Option<String>, example = "1500")]
    pub quantity: Option<ExactDecimal>,
    /// What an offer still has to give, or a need still wants (exchanges take from both).
    #[schema(value_type = Option<String>, example = "1200")]
    pub quantity_remaining: Option<ExactDecimal>,
    pub unit: Option<Unit>,
    /// A recurring flow: the quantity is per this period.
    pub period: Option<Period>,
    /// Offer: asking price per unit; need: maximum budget per unit (€ HT).
    #[schema(value_type = Option<String>, example = "0.12")]
    pub unit_price: Option<ExactDecimal>,
    pub available_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub visibility: Visibility,
    pub status: Status,
    pub close_reason: Option<CloseReason>,
    /// True when this is the public teaser of a confidential takeover.
    pub teaser: bool,
    /// Distance from the `near` commune of a search, in km.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    pub listed_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

impl ListingView {
    pub fn new(
        listing: Listing,
        enterprise_name: Option<String>,
        disclosure: Disclosure,
    ) -> ListingView {
        let teaser = disclosure == Disclosure::Teaser;
        let details = if teaser {
            let mut kept = serde_json::Map::new();
            if let Some(value) = listing.details.get("revenue_band") {
                kept.insert("revenue_band".into(), value.clone());
            }
            if listing.teaser_headcount_band {
                if let Some(value) = listing.details.get("headcount_band") {
                    kept.insert("headcount_band".into(), value.clone());
                }
            }
            serde_json::Value::Object(kept)
        } else {
            listing.details.clone()
        };
        let (naf, departement, region) = if teaser {
            (
                listing.teaser_naf.clone(),
                listing.teaser_departement.clone(),
                listing.teaser_region.clone(),
            )
        } else {
            (
                Some(listing.naf_code.clone()),
                Some(listing.departement_code.clone()),
                Some(listing.region_code.clone()),
            )
        };
        ListingView {
            id: listing.id,
            enterprise_id: (!teaser).then_some(listing.enterprise_id),
            enterprise_name: if teaser { None } else { enterprise_name },
            kind: listing.kind,
            category: listing.category,
            naf,
            commune: (!teaser).then(|| listing.commune_code.clone()),
            departement,
            region,
            radius_km: if listing.national || teaser {
                None
            } else {
                listing.radius_km
            },
            national: listing.national,
            quantity: if teaser {
                None
            } else {
                listing.quantity.map(quantity_display)
            },
            quantity_remaining: if teaser {
                None
            } else {
                listing.remaining().map(quantity_display)
            },
            period: if teaser { None } else { listing.period },
            unit: if teaser { None } else { listing.unit },
            unit_price: if teaser {
                None
            } else {
                listing.unit_price.map(price_display)
            },
            available_from: listing.available_from,
            valid_until: listing.valid_until,
            details,
            visibility: listing.visibility,
            status: listing.status,
            close_reason: listing.close_reason,
            teaser,
            distance_km: None,
            listed_at: listing.listed_at,
            created_at: listing.created_at,
            title: listing.title,
            description: listing.description,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ListingPage {
    pub items: Vec<ListingView>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}
