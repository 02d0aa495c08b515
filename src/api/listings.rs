//! Listings: post, edit, publish, close, show and search offers and needs.

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};
use utoipa::{IntoParams, ToSchema};

use super::json::Json;
use crate::auth::{Caller, MaybeCaller};
use crate::domain::decimal::ExactDecimal;
use crate::domain::listing::{Category, CloseReason, Kind, Period, Visibility};
use crate::domain::units::Unit;
use crate::error::{AppResult, Problem};
use crate::models::ids::{EnterpriseId, ListingId};
use crate::ops::listings::{self, exact, ListingFields, ListingUpdate, NewListingCommand};
use crate::ops::search::{self, SearchQuery};
use crate::state::{AppState, ReadAfter};
use crate::views::listings::{ListingPage, ListingView};
use crate::views::matches::ListingWithMatches;

fn double_option<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"enterprise_id": 1, "kind": "offer", "category": "local_resource", "title": "Chutes de chêne massif", "description": "Chutes sèches, à enlever sur place.", "naf": "16.10A", "commune": "26281", "radius_km": 50, "quantity": "2", "unit": "t", "unit_price": "120", "details": {"resource_type": "by_product", "recurrence": "recurring", "material": "wood", "ewc_code": "03 01 05"}, "publish": true}))]
pub struct CreateListingRequest {
    pub enterprise_id: EnterpriseId,
    pub kind: Kind,
    pub category: Category,
    #[schema(example = "Chutes de chêne massif", min_length = 5, max_length = 120)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub description: String,
    /// NAF code of what is exchanged, at least a division ("16" … "16.10A").
    #[schema(example = "16.10A")]
    pub naf: String,
    /// INSEE code of the commune (arrondissements of Paris, Lyon and Marseille too).
    #[schema(example = "26281", pattern = "^[0-9][0-9AB][0-9]{3}$")]
    pub commune: String,
    /// Reach in km (1–1000), unless `national`.
    #[schema(minimum = 1, maximum = 1000)]
    pub radius_km: Option<i32>,
    #[serde(default)]
    pub national: bool,
    /// More than zero, up to 6 decimals, as a string.
    #[schema(value_type = Option<String>, example = "1500", pattern = r"^\d{1,14}(\.\d{1,6})?$")]
    pub quantity: Option<ExactDecimal>,
    pub unit: Option<Unit>,
    /// Offer: asking price per unit; need: maximum budget per unit (€ HT, up to 6 decimals).
    #[schema(value_type = Option<String>, example = "0.12", pattern = r"^\d{1,14}(\.\d{1,6})?$")]
    pub unit_price: Option<ExactDecimal>,
    pub available_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// A recurring flow: the quantity is per `week`, `month` or `year`.
    pub period: Option<Period>,
    /// Category details: local_resource `{resource_type, recurrence, material, ewc_code}`
    /// (`material` is required for `materials` and `by_product`: wood, metal, plastic,
    /// paper_cardboard, textile, glass, organic_food, organic_green, oil_fat,
    /// construction_minerals, chemicals, electronic, other; `ewc_code` is a European List
    /// of Waste entry such as "03 01 05"),
    /// know_how `{format, hours}`, business_takeover `{revenue_band, headcount_band,
    /// asking_price, reason, timeline_months}`, relocated_production `{monthly_capacity,
    /// lead_time_days}`.
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
#[schema(example = json!({"title": "Chutes de chêne sec", "quantity": "3"}))]
pub struct UpdateListingRequest {
    #[schema(min_length = 5, max_length = 120)]
    pub title: Option<String>,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    pub naf: Option<String>,
    #[schema(pattern = "^[0-9][0-9AB][0-9]{3}$")]
    pub commune: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(minimum = 1, maximum = 1000)]
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
    #[serde(default, deserialize_with = "double_option")]
    pub period: Option<Option<Period>>,
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
    pub visibility: Option<Visibility>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "fulfilled"}))]
pub struct CloseRequest {
    pub reason: CloseReason,
}

/// Post an offer or a need.
#[utoipa::path(post, path = "/api/v1/listings", tag = "listings", security(("bearer" = [])),
    request_body = CreateListingRequest,
    responses(
        (status = 201, body = ListingWithMatches),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_listing_manager`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateListingRequest>,
) -> AppResult<HttpResponse> {
    let body = body.0;
    let command = NewListingCommand {
        enterprise_id: body.enterprise_id,
        kind: body.kind,
        category: body.category,
        fields: ListingFields {
            title: body.title,
            description: body.description,
            naf: body.naf,
            commune: body.commune,
            radius_km: body.radius_km,
            national: body.national,
            quantity: exact(body.quantity),
            unit: body.unit,
            unit_price: exact(body.unit_price),
            available_from: body.available_from,
            valid_until: body.valid_until,
            details: body.details,
            visibility: body.visibility.unwrap_or(Visibility::Public),
            period: body.period,
        },
        publish: body.publish,
    };
    let view = state
        .run(move |conn, env| listings::create(conn, env, &caller, command))
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// A listing. Drafts, and listings of enterprises not yet approved, are seen only by the
/// enterprise's accounts and its pôles' coordinators; a confidential takeover is a teaser
/// for everyone but them and the counterpart it accepted.
#[utoipa::path(get, path = "/api/v1/listings/{id}", tag = "listings",
    params(("id" = i64, Path, description = "Listing id")),
    responses(
        (status = 200, body = ListingView),
        (status = 401, description = "Invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn show(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    id: web::Path<ListingId>,
    read_after: ReadAfter,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let view = state
        .read(read_after, move |conn, _| {
            listings::show(conn, caller.as_ref(), id)
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
        (status = 200, body = ListingWithMatches),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_listing_manager`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`listing_closed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<ListingId>,
    body: Json<UpdateListingRequest>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let body = body.0;
    let change = ListingUpdate {
        title: body.title,
        description: body.description,
        naf: body.naf,
        commune: body.commune,
        radius_km: body.radius_km,
        national: body.national,
        quantity: body.quantity.map(exact),
        unit: body.unit,
        unit_price: body.unit_price.map(exact),
        available_from: body.available_from,
        valid_until: body.valid_until,
        details: body.details,
        visibility: body.visibility,
        period: body.period,
    };
    let view = state
        .run(move |conn, env| listings::update(conn, env, &caller, id, change))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Open a draft (or an expired listing whose dates were moved); its matches are computed
/// before the answer. Publishing an open listing changes nothing.
#[utoipa::path(post, path = "/api/v1/listings/{id}/publish", tag = "listings", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Listing id")),
    responses(
        (status = 200, body = ListingWithMatches),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_listing_manager`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`listing_closed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`in_the_past`: the listing has ended", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn publish(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<ListingId>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let view = state
        .run(move |conn, env| listings::publish(conn, env, &caller, id))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Close a listing as fulfilled or withdrawn; its unanswered matches are withdrawn.
#[utoipa::path(post, path = "/api/v1/listings/{id}/close", tag = "listings", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Listing id")),
    request_body = CloseRequest,
    responses(
        (status = 200, body = ListingView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_listing_manager`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`listing_closed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn close(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<ListingId>,
    body: Json<CloseRequest>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let reason = body.0.reason;
    let view = state
        .run(move |conn, _| listings::close(conn, &caller, id, reason))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Filters of the listing search. Every parameter is optional; an unknown parameter or an
/// unknown value is refused (422).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListingQuery {
    /// `offer` or `need`.
    #[param(pattern = "^(offer|need)$")]
    pub kind: Option<String>,
    /// `local_resource`, `know_how`, `business_takeover` or `relocated_production`.
    #[param(pattern = "^(local_resource|know_how|business_takeover|relocated_production)$")]
    pub category: Option<String>,
    /// NAF code prefix: "16", "16.1", "16.10A".
    pub naf: Option<String>,
    /// What a material or by-product is made of: `wood`, `metal`, `textile`, …
    pub material: Option<String>,
    /// European List of Waste code prefix: "03", "03 01", "03 01 05" (spaces optional).
    pub ewc: Option<String>,
    /// Département code.
    #[param(pattern = "^([0-9]{2}|2A|2B|9[78][0-9])$")]
    pub departement: Option<String>,
    /// Région code.
    #[param(pattern = "^[0-9]{2,3}$")]
    pub region: Option<String>,
    /// EPCI (intercommunalité) SIREN code: listings in its communes.
    #[param(pattern = "^[0-9]{9}$")]
    pub epci: Option<String>,
    /// INSEE code of a commune: only listings within `radius_km` of it (default 50), nearest
    /// first (unless `q` is given).
    #[param(pattern = "^[0-9][0-9AB][0-9]{3}$")]
    pub near: Option<String>,
    /// 1–1000.
    pub radius_km: Option<String>,
    /// Words to find, French stemming, accents ignored ("chene" finds "chênes"); the 1,000
    /// newest matches are ranked by relevance.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Pôle slug: listings of its approved members.
    pub pole: Option<String>,
    /// Enterprise id.
    pub enterprise: Option<String>,
    /// `open` (default); other statuses only for listings you manage.
    #[param(pattern = "^(draft|open|closed|expired)$")]
    pub status: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl From<ListingQuery> for SearchQuery {
    fn from(q: ListingQuery) -> Self {
        SearchQuery {
            kind: q.kind,
            category: q.category,
            naf: q.naf,
            material: q.material,
            ewc: q.ewc,
            departement: q.departement,
            region: q.region,
            epci: q.epci,
            near: q.near,
            radius_km: q.radius_km,
            q: q.q,
            pole: q.pole,
            enterprise: q.enterprise,
            status: q.status,
            limit: q.limit,
            cursor: q.cursor,
        }
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
    caller: MaybeCaller,
    query: web::Query<ListingQuery>,
    read_after: ReadAfter,
) -> AppResult<HttpResponse> {
    let query = SearchQuery::from(query.into_inner());
    let page = state
        .read(read_after, move |conn, _| {
            search::search(conn, caller.as_ref(), query)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}
