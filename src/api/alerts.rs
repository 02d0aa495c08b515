//! Saved searches: an account describes what it looks for, and each listing that opens and
//! fits is emailed to it (at once or in the daily digest), once per listing.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::json::Json;
use crate::auth::Caller;
use crate::domain::account::AlertFrequency;
use crate::domain::listing::{Category, Kind};
use crate::error::{AppError, AppResult, Problem};
use crate::models::ids::AlertId;
use crate::ops::alerts::{self, NewAlertCommand};
use crate::state::AppState;
use crate::views::alerts::{AlertList, AlertView};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"category": "local_resource", "naf": "16.1", "commune": "69123", "radius_km": 40, "keywords": "palettes bois", "frequency": "daily"}))]
pub struct CreateAlertRequest {
    /// Offers or needs; both when absent.
    pub kind: Option<Kind>,
    pub category: Option<Category>,
    /// A NAF code at any level: the alert fits listings in it and below it.
    #[schema(example = "16.1")]
    pub naf: Option<String>,
    /// INSEE code of the centre of the area; with `radius_km`.
    #[schema(example = "69123", pattern = "^[0-9][0-9AB][0-9]{3}$")]
    pub commune: Option<String>,
    /// 1 to 1000 km around `commune` (30 when the commune is given alone).
    #[schema(minimum = 1, maximum = 1000)]
    pub radius_km: Option<i32>,
    /// Words the listing's title or description must hold (French full-text search).
    #[schema(example = "palettes bois", max_length = 200)]
    pub keywords: Option<String>,
    /// `instant` (default) or `daily`.
    pub frequency: Option<AlertFrequency>,
}

/// Save an alert: at least one criterion, at most 50 per account.
#[utoipa::path(post, path = "/api/v1/alerts", tag = "alerts", security(("bearer" = [])),
    request_body = CreateAlertRequest,
    responses(
        (status = 201, body = AlertView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`too_many_alerts`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateAlertRequest>,
) -> AppResult<HttpResponse> {
    let body = body.0;
    let command = NewAlertCommand {
        kind: body.kind,
        category: body.category,
        naf: body.naf,
        commune: body.commune,
        radius_km: body.radius_km,
        keywords: body.keywords,
        frequency: body.frequency,
    };
    let view = state
        .run(move |conn, _| alerts::create(conn, &caller, command))
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Your alerts.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "alerts", security(("bearer" = [])),
    responses(
        (status = 200, body = AlertList),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(state: web::Data<AppState>, caller: Caller) -> AppResult<HttpResponse> {
    let list = state
        .run(move |conn, _| alerts::list(conn, &caller))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Delete one of your alerts.
#[utoipa::path(delete, path = "/api/v1/alerts/{id}", tag = "alerts", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Alert id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = path
        .parse::<i64>()
        .map(AlertId)
        .map_err(|_| AppError::NotFound)?;
    state
        .run(move |conn, _| alerts::delete(conn, &caller, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
