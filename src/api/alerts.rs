//! Saved searches: an account describes what it looks for, and each listing that opens and
//! fits is emailed to it (at once or in the daily digest), once per listing.

use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::CurrentAccount;
use super::json::Json;
use super::AppState;
use crate::db;
use crate::domain::listing::{Category, Kind, MAX_RADIUS_KM};
use crate::domain::naf::NafCode;
use crate::domain::territory::CommuneCode;
use crate::domain::Invalid;
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::models::alert::{self, Alert, NewAlert, MAX_ALERTS_PER_ACCOUNT};
use crate::models::ids::AlertId;
use crate::models::reference;

/// How soon an alert's owner hears of a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AlertFrequency {
    Instant,
    Daily,
}

impl AlertFrequency {
    fn as_str(self) -> &'static str {
        match self {
            AlertFrequency::Instant => "instant",
            AlertFrequency::Daily => "daily",
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAlertRequest {
    /// Offers or needs; both when absent.
    pub kind: Option<Kind>,
    pub category: Option<Category>,
    /// A NAF code at any level: the alert fits listings in it and below it.
    #[schema(example = "16.1")]
    pub naf: Option<String>,
    /// INSEE code of the centre of the area; with `radius_km`.
    #[schema(example = "69123")]
    pub commune: Option<String>,
    /// 1 to 1000 km around `commune` (30 when the commune is given alone).
    pub radius_km: Option<i32>,
    /// Words the listing's title or description must hold (French full-text search).
    #[schema(example = "palettes bois")]
    pub keywords: Option<String>,
    /// `instant` (default) or `daily`.
    pub frequency: Option<AlertFrequency>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AlertCommune {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AlertView {
    pub id: AlertId,
    pub kind: Option<Kind>,
    pub category: Option<Category>,
    pub naf: Option<String>,
    pub commune: Option<AlertCommune>,
    pub radius_km: Option<i32>,
    pub keywords: Option<String>,
    pub frequency: AlertFrequency,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AlertList {
    pub items: Vec<AlertView>,
}

fn view(found: Alert, commune_name: Option<String>) -> AlertView {
    let nonempty = |s: String| (!s.is_empty()).then_some(s);
    AlertView {
        id: found.id,
        kind: nonempty(found.kind).map(|k| Kind::from_db(&k)),
        category: nonempty(found.category).map(|c| Category::from_db(&c)),
        naf: nonempty(found.naf_prefix),
        commune: found.commune_code.map(|code| AlertCommune {
            code,
            name: commune_name.unwrap_or_default(),
        }),
        radius_km: found.radius_km,
        keywords: nonempty(found.keywords),
        frequency: if found.frequency == "daily" {
            AlertFrequency::Daily
        } else {
            AlertFrequency::Instant
        },
        created_at: found.created_at,
    }
}

fn views(conn: &mut diesel::PgConnection, found: Vec<Alert>) -> AppResult<Vec<AlertView>> {
    let mut out = Vec::with_capacity(found.len());
    for one in found {
        let name = match &one.commune_code {
            Some(code) => reference::find_commune(conn, code)?.map(|c| c.name),
            None => None,
        };
        out.push(view(one, name));
    }
    Ok(out)
}

/// Save a search: listings that open and fit it are emailed to you.
#[utoipa::path(post, path = "/api/v1/alerts", tag = "alerts", security(("bearer" = [])),
    request_body = CreateAlertRequest,
    responses(
        (status = 201, body = AlertView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Too many alerts already", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    body: Json<CreateAlertRequest>,
) -> AppResult<HttpResponse> {
    let body = body.0;
    let account_id = caller.id();
    let created = db::run(&state.pool, move |conn| {
        let mut errors = FieldErrors::new();
        let naf = body
            .naf
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .and_then(|n| errors.check("naf", NafCode::parse(n)));
        if let Some(code) = &naf {
            if reference::find_naf(conn, code.as_str())?.is_none() {
                errors.add(
                    "naf",
                    Invalid::new("unknown_naf", "No NAF code is spelled so."),
                );
            }
        }
        let commune = body
            .commune
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .and_then(|c| errors.check("commune", CommuneCode::parse(c)));
        let place = match commune {
            Some(code) => match reference::find_commune(conn, code.as_str())? {
                Some(found) => match found.lat.zip(found.lon) {
                    Some((lat, lon)) => Some((found.code, lat, lon)),
                    None => {
                        errors.add(
                            "commune",
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
                        "commune",
                        Invalid::new("unknown_commune", "No commune has this INSEE code."),
                    );
                    None
                }
            },
            None => None,
        };
        let radius = match body.radius_km {
            Some(km) if !(1..=MAX_RADIUS_KM).contains(&km) => {
                errors.add(
                    "radius_km",
                    Invalid::new(
                        "radius_range",
                        format!("The radius is between 1 and {MAX_RADIUS_KM} km."),
                    ),
                );
                None
            }
            Some(_) if body.commune.is_none() => {
                errors.add(
                    "radius_km",
                    Invalid::new(
                        "commune_required",
                        "A radius needs the commune at its centre.",
                    ),
                );
                None
            }
            Some(km) => Some(km),
            None => Some(30),
        };
        let keywords = body
            .keywords
            .as_deref()
            .map(str::trim)
            .unwrap_or("")
            .to_string();
        if keywords.chars().count() > 200 {
            errors.add(
                "keywords",
                Invalid::new("too_long", "Keywords take at most 200 characters."),
            );
        }
        if body.kind.is_none()
            && body.category.is_none()
            && body.naf.as_deref().is_none_or(|n| n.trim().is_empty())
            && body.commune.as_deref().is_none_or(|c| c.trim().is_empty())
            && keywords.is_empty()
        {
            errors.add(
                "criteria",
                Invalid::new(
                    "no_criteria",
                    "Give at least one criterion: kind, category, NAF, place or keywords.",
                ),
            );
        }
        errors.finish()?;
        if alert::count_of_account(conn, account_id)? >= MAX_ALERTS_PER_ACCOUNT {
            return Err(AppError::Conflict(format!(
                "An account keeps at most {MAX_ALERTS_PER_ACCOUNT} alerts: delete one first."
            )));
        }
        let new = NewAlert {
            account_id,
            kind: body
                .kind
                .map(|k| k.as_str().to_string())
                .unwrap_or_default(),
            category: body
                .category
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
            naf_prefix: naf.map(|n| n.as_str().to_string()).unwrap_or_default(),
            place: place
                .zip(radius)
                .map(|((code, lat, lon), km)| (code, lat, lon, km)),
            keywords,
            frequency: body
                .frequency
                .unwrap_or(AlertFrequency::Instant)
                .as_str()
                .to_string(),
        };
        let inserted = alert::insert(conn, &new)?;
        Ok(views(conn, vec![inserted])?.remove(0))
    })
    .await?;
    Ok(HttpResponse::Created().json(created))
}

/// My alerts, oldest first.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "alerts", security(("bearer" = [])),
    responses(
        (status = 200, body = AlertList),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(state: web::Data<AppState>, caller: CurrentAccount) -> AppResult<HttpResponse> {
    let account_id = caller.id();
    let items = db::run(&state.pool, move |conn| {
        let found = alert::of_account(conn, account_id)?;
        views(conn, found)
    })
    .await?;
    Ok(HttpResponse::Ok().json(AlertList { items }))
}

/// Delete one of my alerts. Someone else's alert answers 404, as if it did not exist.
#[utoipa::path(delete, path = "/api/v1/alerts/{id}", tag = "alerts", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Alert id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = path
        .parse::<i64>()
        .map(AlertId)
        .map_err(|_| AppError::NotFound)?;
    let account_id = caller.id();
    let deleted = db::run(&state.pool, move |conn| {
        Ok(alert::delete(conn, account_id, id)?)
    })
    .await?;
    if !deleted {
        return Err(AppError::NotFound);
    }
    Ok(HttpResponse::NoContent().finish())
}
