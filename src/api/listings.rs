//! Listings: post, edit, publish, close, search; the views every listing answer uses,
//! including the teaser of a confidential business takeover.

use actix_web::{web, HttpResponse};
use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::PgConnection;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::{CurrentAccount, MaybeAccount};
use super::json::Json;
use super::matches::{match_views, MatchView};
use super::AppState;
use crate::db;
use crate::domain::account::Locale;
use crate::domain::decimal::{price_display, quantity_display, ExactDecimal};
use crate::domain::listing::{
    check_description, check_title, parse_details, Category, CloseReason, Kind, Status, Visibility,
    MAX_RADIUS_KM,
};
use crate::domain::naf::{NafCode, NafLevel};
use crate::domain::territory::{CommuneCode, DepartementCode};
use crate::domain::units::Unit;
use crate::domain::Invalid;
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::models::ids::{EnterpriseId, ListingId};
use crate::models::listing::{
    self, Cursor, Listing, ListingChanges, NewListing, Relation, SearchFilters, Viewer,
};
use crate::models::{enterprise, matching, pole, reference};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
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
    pub naf: String,
    /// Hidden in the teaser of a confidential takeover.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commune: Option<String>,
    pub departement: String,
    pub region: String,
    pub radius_km: Option<i32>,
    pub national: bool,
    #[schema(value_type = Option<String>, example = "1500")]
    pub quantity: Option<ExactDecimal>,
    /// What an offer still has to give.
    #[schema(value_type = Option<String>, example = "1200")]
    pub quantity_remaining: Option<ExactDecimal>,
    pub unit: Option<Unit>,
    /// Offer: asking price per unit; need: maximum budget per unit.
    #[schema(value_type = Option<String>, example = "0.12")]
    pub unit_price: Option<ExactDecimal>,
    pub available_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub visibility: Visibility,
    pub status: Status,
    pub close_reason: Option<String>,
    /// True when this is the public teaser of a confidential takeover.
    pub teaser: bool,
    /// Distance from the `near` commune of a search, in km.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    pub listed_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    /// The matches computed when the listing opened (create with `publish`, publish, edit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matches: Option<Vec<MatchView>>,
}

/// How much of a listing a viewer may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disclosure {
    Full,
    Teaser,
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
            for key in ["revenue_band", "headcount_band"] {
                if let Some(value) = listing.details.get(key) {
                    kept.insert(key.to_string(), value.clone());
                }
            }
            serde_json::Value::Object(kept)
        } else {
            listing.details.clone()
        };
        let unit = listing.unit();
        ListingView {
            id: listing.id,
            enterprise_id: (!teaser).then_some(listing.enterprise_id),
            enterprise_name: if teaser { None } else { enterprise_name },
            kind: listing.kind(),
            category: listing.category(),
            naf: listing.naf_code.clone(),
            commune: (!teaser).then(|| listing.commune_code.clone()),
            departement: listing.departement_code.clone(),
            region: listing.region_code.clone(),
            radius_km: if listing.national {
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
            quantity_remaining: if listing.kind() == Kind::Offer && !teaser {
                listing.remaining().map(quantity_display)
            } else {
                None
            },
            unit,
            unit_price: if teaser {
                None
            } else {
                listing.unit_price.map(price_display)
            },
            available_from: listing.available_from,
            valid_until: listing.valid_until,
            details,
            visibility: Visibility::from_db(&listing.visibility),
            status: listing.status(),
            close_reason: listing.close_reason.clone(),
            teaser,
            distance_km: None,
            listed_at: listing.listed_at,
            created_at: listing.created_at,
            matches: None,
            title: listing.title,
            description: listing.description,
        }
    }
}

/// Can this caller see the listing at all, and how much of it?
pub fn disclosure_for(
    conn: &mut PgConnection,
    caller: Option<&CurrentAccount>,
    managed: &[EnterpriseId],
    found: &Listing,
) -> AppResult<Option<Disclosure>> {
    if managed.contains(&found.enterprise_id) {
        return Ok(Some(Disclosure::Full));
    }
    let public = found.status() == Status::Open
        && listing::enterprise_is_approved(conn, found.enterprise_id)?
        && (caller.is_some() || found.visibility == Visibility::Public.as_str());
    let counterpart = listing::has_accepted_counterpart(conn, found.id, managed)?;
    if !public && !counterpart {
        // Matched listings stay visible to their counterpart after they close.
        return Ok(None);
    }
    if found.category() == Category::BusinessTakeover && !counterpart {
        return Ok(Some(Disclosure::Teaser));
    }
    Ok(Some(Disclosure::Full))
}

pub fn managed_by(
    conn: &mut PgConnection,
    caller: Option<&CurrentAccount>,
) -> AppResult<Vec<EnterpriseId>> {
    Ok(match caller {
        Some(c) => listing::managed_enterprises(conn, c.id())?,
        None => Vec::new(),
    })
}

fn enterprise_name(conn: &mut PgConnection, id: EnterpriseId) -> AppResult<Option<String>> {
    Ok(Some(enterprise::find(conn, id)?.name))
}

// ---- Input ----

fn double_option<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateListingRequest {
    pub enterprise_id: EnterpriseId,
    pub kind: Kind,
    pub category: Category,
    /// 5 to 120 characters.
    #[schema(example = "Chutes de chêne massif")]
    pub title: String,
    /// Up to 5,000 characters.
    #[serde(default)]
    pub description: String,
    /// NAF code of what is exchanged, at least a division ("16" … "16.10A").
    #[schema(example = "16.10A")]
    pub naf: String,
    /// INSEE code of the commune.
    #[schema(example = "26281")]
    pub commune: String,
    /// Reach in km (1–1000), unless `national`.
    pub radius_km: Option<i32>,
    #[serde(default)]
    pub national: bool,
    #[schema(value_type = Option<String>, example = "1500")]
    pub quantity: Option<ExactDecimal>,
    pub unit: Option<Unit>,
    /// Offer: asking price per unit; need: maximum budget per unit (euros, up to 6 decimals).
    #[schema(value_type = Option<String>, example = "0.12")]
    pub unit_price: Option<ExactDecimal>,
    pub available_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// Category details: local_resource `{resource_type, recurrence}`, know_how
    /// `{format, hours}`, business_takeover `{revenue_band, headcount_band, asking_price,
    /// reason, timeline_months}`, relocated_production `{monthly_capacity, lead_time_days}`.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub visibility: Option<Visibility>,
    /// Open at once (and compute matches before answering).
    #[serde(default)]
    pub publish: bool,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateListingRequest {
    pub title: Option<String>,
    pub description: Option<String>,
    pub naf: Option<String>,
    pub commune: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub radius_km: Option<Option<i32>>,
    pub national: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub quantity: Option<Option<ExactDecimal>>,
    #[serde(default, deserialize_with = "double_option")]
    pub unit: Option<Option<Unit>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub unit_price: Option<Option<ExactDecimal>>,
    #[serde(default, deserialize_with = "double_option")]
    pub available_from: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    pub valid_until: Option<Option<NaiveDate>>,
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
    pub visibility: Option<Visibility>,
}

/// Every field of a listing, as given (create) or as it would become (edit).
struct ListingInput {
    category: Category,
    title: String,
    description: String,
    naf: String,
    commune: String,
    radius_km: Option<i32>,
    national: bool,
    quantity: Option<ExactDecimal>,
    unit: Option<Unit>,
    unit_price: Option<ExactDecimal>,
    available_from: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
    details: serde_json::Value,
    visibility: Visibility,
}

/// The checked listing, ready for the database.
struct CheckedListing {
    title: String,
    description: String,
    naf: NafCode,
    commune: reference::Commune,
    radius_km: Option<i32>,
    national: bool,
    quantity: Option<rust_decimal::Decimal>,
    unit: Option<Unit>,
    unit_price: Option<rust_decimal::Decimal>,
    available_from: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
    details: serde_json::Value,
    visibility: Visibility,
}

/// Checks every field, naming each one at fault; the reference data comes from `conn`.
fn check_listing(
    conn: &mut PgConnection,
    input: ListingInput,
    mut errors: FieldErrors,
) -> AppResult<CheckedListing> {
    let title = errors.check("title", check_title(&input.title));
    let description = errors.check("description", check_description(&input.description));
    let naf = errors.check("naf", NafCode::parse(&input.naf));
    if let Some(code) = &naf {
        if code.level() == NafLevel::Section {
            errors.add(
                "naf",
                Invalid::new(
                    "naf_too_broad",
                    "Choose at least a NAF division (two digits), such as 16.",
                ),
            );
        } else if reference::find_naf(conn, code.as_str())?.is_none() {
            errors.add(
                "naf",
                Invalid::new("unknown_naf", "No NAF rév. 2 code is spelled like this."),
            );
        }
    }
    let commune = match errors.check("commune", CommuneCode::parse(&input.commune)) {
        Some(code) => {
            let found = reference::find_commune(conn, code.as_str())?;
            if found.is_none() {
                errors.add(
                    "commune",
                    Invalid::new("unknown_commune", "No commune has this INSEE code."),
                );
            }
            found
        }
        None => None,
    };
    let radius_km = if input.national {
        None
    } else {
        match input.radius_km {
            Some(km) if (1..=MAX_RADIUS_KM).contains(&km) => Some(km),
            Some(_) => {
                errors.add("radius_km", Invalid::new("radius_range", format!("The radius is between 1 and {MAX_RADIUS_KM} km; beyond, choose national.")));
                None
            }
            None => {
                errors.add(
                    "radius_km",
                    Invalid::new("required", "Give a radius in km, or choose national."),
                );
                None
            }
        }
    };
    let (quantity, unit_price) =
        super::check_terms(&mut errors, input.quantity, input.unit, input.unit_price);
    if let (Some(from), Some(until)) = (input.available_from, input.valid_until) {
        if from > until {
            errors.add(
                "valid_until",
                Invalid::new(
                    "dates_order",
                    "The end of availability comes after its start.",
                ),
            );
        }
    }
    let details = match parse_details(input.category, &input.details) {
        Ok(details) => Some(details),
        Err(invalid) => {
            errors.add("details", invalid);
            None
        }
    };
    errors.finish()?;
    Ok(CheckedListing {
        title: title.expect("checked"),
        description: description.expect("checked"),
        naf: naf.expect("checked"),
        commune: commune.expect("checked"),
        radius_km,
        national: input.national,
        quantity,
        unit: input.unit,
        unit_price,
        available_from: input.available_from,
        valid_until: input.valid_until,
        details: details.expect("checked"),
        visibility: input.visibility,
    })
}

/// Opening needs a listing that has not ended.
fn check_can_open(listing: &Listing, today: NaiveDate) -> AppResult<()> {
    if listing.valid_until.is_some_and(|until| until < today) {
        return Err(AppError::invalid_field(
            "valid_until",
            Invalid::new(
                "in_the_past",
                "This listing has ended: move valid_until to today or later first.",
            ),
        ));
    }
    Ok(())
}

/// Opens the listing, computes its matches, and returns its view with them.
fn open_and_match(
    conn: &mut PgConnection,
    id: ListingId,
    locale: Locale,
    links: &crate::email::events::Links,
    today: NaiveDate,
) -> AppResult<ListingView> {
    let opened = listing::open(conn, id)?;
    check_can_open(&opened, today)?;
    view_with_matches(conn, opened, locale, links)
}

/// Computes the listing's matches, tells both sides of each new one, and returns the
/// listing's view with its matches.
fn view_with_matches(
    conn: &mut PgConnection,
    found: Listing,
    locale: Locale,
    links: &crate::email::events::Links,
) -> AppResult<ListingView> {
    let fresh = matching::refresh(conn, &found)?;
    crate::email::events::new_matches(conn, links, &fresh)?;
    crate::email::events::listing_opened(conn, &found)?;
    let rows = matching::of_listing(conn, found.id)?;
    let name = enterprise_name(conn, found.enterprise_id)?;
    let managed = vec![found.enterprise_id];
    let mut view = ListingView::new(found, name, Disclosure::Full);
    view.matches = Some(match_views(conn, rows, &managed, locale)?);
    Ok(view)
}

fn require_manager(
    conn: &mut PgConnection,
    caller: &CurrentAccount,
    enterprise: EnterpriseId,
) -> AppResult<()> {
    match listing::relation(conn, Some(caller.id()), enterprise)? {
        Relation::Manager => Ok(()),
        Relation::Stranger => Err(AppError::Forbidden(
            "Only the enterprise's accounts and its pôles' coordinators may manage its listings.",
        )),
    }
}

/// Post an offer or a need.
#[utoipa::path(post, path = "/api/v1/listings", tag = "listings", security(("bearer" = [])),
    request_body = CreateListingRequest,
    responses(
        (status = 201, body = ListingView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    body: Json<CreateListingRequest>,
) -> AppResult<HttpResponse> {
    let body = body.0;
    let locale = caller.account.locale();
    let links = state.links();
    let today = state.clock.today();
    let view = db::run(&state.pool, move |conn| {
        use diesel::Connection;
        conn.transaction(|conn| {
            let errors = FieldErrors::new();
            // Unknown and foreign enterprises get the same answer: whether an enterprise
            // exists is not for strangers to learn.
            require_manager(conn, &caller, body.enterprise_id)?;
            let checked = check_listing(
                conn,
                ListingInput {
                    category: body.category,
                    title: body.title,
                    description: body.description,
                    naf: body.naf,
                    commune: body.commune,
                    radius_km: body.radius_km,
                    national: body.national,
                    quantity: body.quantity,
                    unit: body.unit,
                    unit_price: body.unit_price,
                    available_from: body.available_from,
                    valid_until: body.valid_until,
                    details: body.details,
                    visibility: body.visibility.unwrap_or(Visibility::Public),
                },
                errors,
            )?;
            let created = listing::insert(
                conn,
                &NewListing {
                    enterprise_id: body.enterprise_id,
                    kind: body.kind.as_str().into(),
                    category: body.category.as_str().into(),
                    title: checked.title,
                    description: checked.description,
                    naf_division: checked.naf.as_str()[..2].to_string(),
                    naf_code: checked.naf.as_str().into(),
                    departement_code: checked.commune.departement_code.clone(),
                    region_code: checked.commune.region_code.clone(),
                    lat: checked.commune.lat,
                    lon: checked.commune.lon,
                    commune_code: checked.commune.code,
                    radius_km: checked.radius_km,
                    national: checked.national,
                    quantity: checked.quantity,
                    unit: checked.unit.map(|u| u.as_str().into()),
                    unit_price: checked.unit_price,
                    available_from: checked.available_from,
                    valid_until: checked.valid_until,
                    details: checked.details,
                    visibility: checked.visibility.as_str().into(),
                    created_by: caller.id(),
                    // Published listings are written open at once: one index update, not two.
                    status: if body.publish {
                        Status::Open
                    } else {
                        Status::Draft
                    }
                    .as_str()
                    .into(),
                },
            )?;
            if body.publish {
                check_can_open(&created, today)?;
                view_with_matches(conn, created, locale, &links)
            } else {
                let name = enterprise_name(conn, created.enterprise_id)?;
                Ok(ListingView::new(created, name, Disclosure::Full))
            }
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// A listing. Drafts, and listings of enterprises not yet approved, are seen only by the
/// enterprise's accounts and its pôles' coordinators; a confidential takeover is a teaser
/// for everyone but them and the counterpart of an accepted match.
#[utoipa::path(get, path = "/api/v1/listings/{id}", tag = "listings",
    params(("id" = i64, Path, description = "Listing id")),
    responses(
        (status = 200, body = ListingView),
        (status = 401, description = "Invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn show(
    state: web::Data<AppState>,
    caller: MaybeAccount,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = ListingId(id.into_inner());
    let view = db::run(&state.pool, move |conn| {
        let found = listing::find(conn, id)?;
        let managed = managed_by(conn, caller.0.as_ref())?;
        let disclosure =
            disclosure_for(conn, caller.0.as_ref(), &managed, &found)?.ok_or(AppError::NotFound)?;
        let name = enterprise_name(conn, found.enterprise_id)?;
        Ok(ListingView::new(found, name, disclosure))
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Edit a draft, open or expired listing. An open listing's matches are computed again
/// before the answer.
#[utoipa::path(patch, path = "/api/v1/listings/{id}", tag = "listings", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Listing id")),
    request_body = UpdateListingRequest,
    responses(
        (status = 200, body = ListingView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The listing is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    id: web::Path<i64>,
    body: Json<UpdateListingRequest>,
) -> AppResult<HttpResponse> {
    let id = ListingId(id.into_inner());
    let body = body.0;
    let locale = caller.account.locale();
    let links = state.links();
    let today = state.clock.today();
    let view = db::run(&state.pool, move |conn| {
        use diesel::Connection;
        conn.transaction(|conn| {
            let current = listing::find_for_update(conn, id)?;
            require_manager(conn, &caller, current.enterprise_id)?;
            if current.status() == Status::Closed {
                return Err(AppError::Conflict(
                    "A closed listing cannot be edited.".into(),
                ));
            }
            let input = ListingInput {
                category: current.category(),
                title: body.title.unwrap_or_else(|| current.title.clone()),
                description: body
                    .description
                    .unwrap_or_else(|| current.description.clone()),
                naf: body.naf.unwrap_or_else(|| current.naf_code.clone()),
                commune: body.commune.unwrap_or_else(|| current.commune_code.clone()),
                radius_km: body.radius_km.unwrap_or(current.radius_km),
                national: body.national.unwrap_or(current.national),
                quantity: body.quantity.unwrap_or(current.quantity.map(ExactDecimal)),
                unit: body.unit.unwrap_or(current.unit()),
                unit_price: body
                    .unit_price
                    .unwrap_or(current.unit_price.map(ExactDecimal)),
                available_from: body.available_from.unwrap_or(current.available_from),
                valid_until: body.valid_until.unwrap_or(current.valid_until),
                details: body.details.unwrap_or_else(|| current.details.clone()),
                visibility: body
                    .visibility
                    .unwrap_or(Visibility::from_db(&current.visibility)),
            };
            let mut errors = FieldErrors::new();
            if current.quantity_committed > rust_decimal::Decimal::ZERO {
                if input.unit != current.unit() {
                    errors.add("unit", Invalid::new("committed", "Exchanges have taken part of this quantity: its unit can no longer change."));
                }
                if input.quantity.is_none() {
                    errors.add("quantity", Invalid::new("committed", "Exchanges have taken part of this quantity: it can no longer be removed."));
                }
            }
            if let Some(quantity) = input.quantity {
                if quantity.0 < current.quantity_committed {
                    errors.add(
                        "quantity",
                        Invalid::new(
                            "below_committed",
                            "Exchanges have already taken more than this quantity.",
                        ),
                    );
                }
            }
            let checked = check_listing(conn, input, errors)?;
            let updated = listing::update(
                conn,
                id,
                &ListingChanges {
                    title: Some(checked.title),
                    description: Some(checked.description),
                    naf_division: Some(checked.naf.as_str()[..2].to_string()),
                    naf_code: Some(checked.naf.as_str().into()),
                    departement_code: Some(checked.commune.departement_code.clone()),
                    region_code: Some(checked.commune.region_code.clone()),
                    lat: Some(checked.commune.lat),
                    lon: Some(checked.commune.lon),
                    commune_code: Some(checked.commune.code),
                    radius_km: Some(checked.radius_km),
                    national: Some(checked.national),
                    quantity: Some(checked.quantity),
                    unit: Some(checked.unit.map(|u| u.as_str().into())),
                    unit_price: Some(checked.unit_price),
                    available_from: Some(checked.available_from),
                    valid_until: Some(checked.valid_until),
                    details: Some(checked.details),
                    visibility: Some(checked.visibility.as_str().into()),
                },
            )?;
            // Answers were given to the old terms: the matches are to be answered afresh.
            matching::reset_answers(conn, id)?;
            if updated.status() == Status::Open {
                check_can_open(&updated, today)?;
                view_with_matches(conn, updated, locale, &links)
            } else {
                let name = enterprise_name(conn, updated.enterprise_id)?;
                Ok(ListingView::new(updated, name, Disclosure::Full))
            }
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Open a draft (or an expired listing whose dates were moved); its matches are computed
/// before the answer. Publishing an open listing changes nothing.
#[utoipa::path(post, path = "/api/v1/listings/{id}/publish", tag = "listings", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Listing id")),
    responses(
        (status = 200, body = ListingView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The listing is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The listing has ended", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn publish(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = ListingId(id.into_inner());
    let locale = caller.account.locale();
    let links = state.links();
    let today = state.clock.today();
    let view = db::run(&state.pool, move |conn| {
        use diesel::Connection;
        conn.transaction(|conn| {
            let current = listing::find_for_update(conn, id)?;
            require_manager(conn, &caller, current.enterprise_id)?;
            match current.status() {
                Status::Closed => Err(AppError::Conflict(
                    "A closed listing cannot be published again.".into(),
                )),
                Status::Open => view_with_matches(conn, current, locale, &links),
                Status::Draft | Status::Expired => open_and_match(conn, id, locale, &links, today),
            }
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseRequest {
    pub reason: CloseReason,
}

/// Close a listing as fulfilled or withdrawn; its unanswered matches are withdrawn.
#[utoipa::path(post, path = "/api/v1/listings/{id}/close", tag = "listings", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Listing id")),
    request_body = CloseRequest,
    responses(
        (status = 200, body = ListingView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Closed already", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn close(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    id: web::Path<i64>,
    body: Json<CloseRequest>,
) -> AppResult<HttpResponse> {
    let id = ListingId(id.into_inner());
    let reason = body.0.reason;
    let view = db::run(&state.pool, move |conn| {
        use diesel::Connection;
        conn.transaction(|conn| {
            let current = listing::find_for_update(conn, id)?;
            require_manager(conn, &caller, current.enterprise_id)?;
            if current.status() == Status::Closed {
                return Err(AppError::Conflict("This listing is closed already.".into()));
            }
            let closed = listing::close(conn, id, reason.as_str())?;
            matching::withdraw_for_listing(conn, id)?;
            let name = enterprise_name(conn, closed.enterprise_id)?;
            Ok(ListingView::new(closed, name, Disclosure::Full))
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

// ---- Search ----

/// Filters of the listing search. Every parameter is optional.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListingQuery {
    /// `offer` or `need`.
    pub kind: Option<String>,
    /// `local_resource`, `know_how`, `business_takeover` or `relocated_production`.
    pub category: Option<String>,
    /// NAF code prefix: "16", "16.1", "16.10A".
    pub naf: Option<String>,
    /// Département code.
    pub departement: Option<String>,
    /// Région code.
    pub region: Option<String>,
    /// INSEE code of a commune: only listings within `radius_km` of it (default 50).
    pub near: Option<String>,
    pub radius_km: Option<String>,
    /// Words to find, French stemming, accents ignored ("chene" finds "chênes").
    pub q: Option<String>,
    /// Pôle slug: listings of its approved members.
    pub pole: Option<String>,
    /// Enterprise id.
    pub enterprise: Option<String>,
    /// `open` (default); other statuses only for listings you manage.
    pub status: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ListingPage {
    pub items: Vec<ListingView>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

fn parse_enum<T: serde::de::DeserializeOwned>(
    errors: &mut FieldErrors,
    field: &str,
    value: &Option<String>,
) -> Option<T> {
    let value = value.as_ref()?;
    match serde_json::from_value(serde_json::Value::String(value.clone())) {
        Ok(parsed) => Some(parsed),
        Err(_) => {
            errors.add(
                field,
                Invalid::new(
                    "invalid_value",
                    format!("\"{value}\" is not an accepted value."),
                ),
            );
            None
        }
    }
}

fn encode_cursor(cursor: Cursor) -> String {
    let text = match cursor {
        Cursor::Newest {
            listed_at_micros,
            id,
        } => format!("n:{listed_at_micros}:{id}"),
        Cursor::Relevance { rank, id } => format!("r:{}:{id}", rank.to_bits()),
    };
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

fn decode_cursor(text: &str) -> Option<Cursor> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut parts = text.split(':');
    let (kind, key, id) = (parts.next()?, parts.next()?, parts.next()?.parse().ok()?);
    match kind {
        "n" => Some(Cursor::Newest {
            listed_at_micros: key.parse().ok()?,
            id,
        }),
        "r" => Some(Cursor::Relevance {
            rank: f32::from_bits(key.parse().ok()?),
            id,
        }),
        _ => None,
    }
}

/// Search listings. Newest first, or by relevance when `q` is given; keyset pagination.
#[utoipa::path(get, path = "/api/v1/listings", tag = "listings", params(ListingQuery),
    responses(
        (status = 200, body = ListingPage),
        (status = 401, description = "Invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn search(
    state: web::Data<AppState>,
    caller: MaybeAccount,
    query: web::Query<ListingQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let mut errors = FieldErrors::new();
    let kind: Option<Kind> = parse_enum(&mut errors, "kind", &query.kind);
    let category: Option<Category> = parse_enum(&mut errors, "category", &query.category);
    let status: Option<Status> = parse_enum(&mut errors, "status", &query.status);
    let naf_prefix = query
        .naf
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|n| {
            errors
                .check("naf", NafCode::parse(n))
                .map(|c| c.as_str().to_string())
        });
    let departement = query
        .departement
        .as_deref()
        .and_then(|d| errors.check("departement", DepartementCode::parse(d)));
    let region = query.region.clone().filter(|r| !r.is_empty());
    if region
        .as_ref()
        .is_some_and(|r| r.len() > 3 || !r.chars().all(|c| c.is_ascii_digit()))
    {
        errors.add(
            "region",
            Invalid::new("region_format", "A région code has two digits, such as 84."),
        );
    }
    let near = query
        .near
        .as_deref()
        .and_then(|c| errors.check("near", CommuneCode::parse(c)));
    let radius_km = match &query.radius_km {
        Some(text) => match text.parse::<f64>() {
            Ok(km) if (1.0..=f64::from(MAX_RADIUS_KM)).contains(&km) => km,
            _ => {
                errors.add(
                    "radius_km",
                    Invalid::new(
                        "radius_range",
                        "The radius is a number of km between 1 and 1000.",
                    ),
                );
                50.0
            }
        },
        None => 50.0,
    };
    let enterprise = query
        .enterprise
        .as_deref()
        .and_then(|e| match e.parse::<i64>() {
            Ok(id) => Some(EnterpriseId(id)),
            Err(_) => {
                errors.add(
                    "enterprise",
                    Invalid::new("invalid_value", "An enterprise id is a number."),
                );
                None
            }
        });
    let limit = match &query.limit {
        Some(text) => match text.parse::<i64>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => {
                errors.add(
                    "limit",
                    Invalid::new("limit_range", "The limit is between 1 and 100."),
                );
                20
            }
        },
        None => 20,
    };
    let text = query
        .q
        .clone()
        .map(|q| q.trim().to_string())
        .filter(|q| !q.is_empty());
    if text.as_ref().is_some_and(|q| q.chars().count() > 200) {
        errors.add(
            "q",
            Invalid::new("too_long", "Search with at most 200 characters."),
        );
    }
    let after = match &query.cursor {
        Some(encoded) => match decode_cursor(encoded) {
            Some(cursor @ Cursor::Relevance { .. }) if text.is_some() => Some(cursor),
            Some(cursor @ Cursor::Newest { .. }) if text.is_none() => Some(cursor),
            _ => {
                errors.add(
                    "cursor",
                    Invalid::new(
                        "invalid_cursor",
                        "This cursor does not belong to this search.",
                    ),
                );
                None
            }
        },
        None => None,
    };
    errors.finish()?;
    let pole_slug = query.pole.clone();
    let page = db::run(&state.pool, move |conn| {
        let mut errors = FieldErrors::new();
        let near_point = match &near {
            Some(code) => match reference::find_commune(conn, code.as_str())? {
                Some(commune) => match commune.lat.zip(commune.lon) {
                    Some(point) => Some((point, radius_km)),
                    None => {
                        errors.add(
                            "near",
                            Invalid::new(
                                "no_coordinates",
                                "This commune has no known coordinates.",
                            ),
                        );
                        None
                    }
                },
                None => {
                    errors.add(
                        "near",
                        Invalid::new("unknown_commune", "No commune has this INSEE code."),
                    );
                    None
                }
            },
            None => None,
        };
        let pole = match &pole_slug {
            Some(slug) => match pole::find_by_slug(conn, slug) {
                Ok(found) => Some(found.id),
                Err(diesel::result::Error::NotFound) => {
                    errors.add(
                        "pole",
                        Invalid::new("unknown_pole", "No pôle has this slug."),
                    );
                    None
                }
                Err(other) => return Err(other.into()),
            },
            None => None,
        };
        errors.finish()?;
        let managed = managed_by(conn, caller.0.as_ref())?;
        let viewer = Viewer {
            signed_in: caller.0.is_some(),
            managed: managed.clone(),
        };
        let filters = SearchFilters {
            kind,
            category,
            naf_prefix,
            departement: departement.map(|d| d.as_str().to_string()),
            region,
            near: near_point,
            text,
            pole,
            enterprise,
            status,
        };
        let hits = listing::search(conn, &viewer, &filters, after, limit + 1)?;
        let has_more = hits.len() as i64 > limit;
        let hits: Vec<_> = hits.into_iter().take(limit as usize).collect();
        let next_cursor = if has_more {
            hits.last().map(|h| encode_cursor(h.cursor))
        } else {
            None
        };
        let mut items = Vec::with_capacity(hits.len());
        for hit in hits {
            let disclosure = if managed.contains(&hit.listing.enterprise_id) {
                Disclosure::Full
            } else if hit.listing.category() == Category::BusinessTakeover
                && !listing::has_accepted_counterpart(conn, hit.listing.id, &managed)?
            {
                Disclosure::Teaser
            } else {
                Disclosure::Full
            };
            let mut view = ListingView::new(hit.listing, Some(hit.enterprise_name), disclosure);
            if disclosure == Disclosure::Full {
                view.distance_km = hit.distance_km.map(|d| (d * 10.0).round() / 10.0);
            }
            items.push(view);
        }
        Ok(ListingPage { items, next_cursor })
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}
