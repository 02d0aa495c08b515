//! Reference data: communes, NAF codes, départements and régions, with autocomplete.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{AppResult, Problem};
use crate::models::reference::{Commune, Departement, EwcEntry, NafEntry, Region};
use crate::ops::reference;
use crate::state::{AppState, ReadAfter};

#[derive(Debug, Deserialize, IntoParams)]
pub struct SearchQuery {
    /// Communes: the start of a name as people type it ("havre", "st etienne", "Paris 8e";
    /// articles, St/Ste, accents and case do not matter), a postal code ("26100") or an
    /// INSEE code. NAF: code prefix ("10.7") or words of the label ("patisserie").
    #[serde(default)]
    pub q: String,
    /// At most this many results (1–50, default 10).
    pub limit: Option<i64>,
}

impl SearchQuery {
    fn limit(&self) -> i64 {
        self.limit.unwrap_or(10).clamp(1, 50)
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommuneList {
    pub items: Vec<Commune>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NafList {
    pub items: Vec<NafEntry>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EwcList {
    pub items: Vec<EwcEntry>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartementList {
    pub items: Vec<Departement>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegionList {
    pub items: Vec<Region>,
}

/// Commune autocomplete, biggest towns first.
#[utoipa::path(get, path = "/api/v1/reference/communes", tag = "reference", params(SearchQuery),
    responses(
        (status = 200, body = CommuneList),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn communes(
    state: web::Data<AppState>,
    query: web::Query<SearchQuery>,
    read_after: ReadAfter,
) -> AppResult<HttpResponse> {
    let limit = query.limit();
    let q = query.into_inner().q;
    let items = state
        .read(read_after, move |conn, _| {
            reference::communes(conn, &q, limit)
        })
        .await?;
    Ok(HttpResponse::Ok().json(CommuneList { items }))
}

/// NAF rév. 2 autocomplete.
#[utoipa::path(get, path = "/api/v1/reference/naf", tag = "reference", params(SearchQuery),
    responses(
        (status = 200, body = NafList),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn naf(
    state: web::Data<AppState>,
    query: web::Query<SearchQuery>,
    read_after: ReadAfter,
) -> AppResult<HttpResponse> {
    let limit = query.limit();
    let q = query.into_inner().q;
    let items = state
        .read(read_after, move |conn, _| reference::naf(conn, &q, limit))
        .await?;
    Ok(HttpResponse::Ok().json(NafList { items }))
}

/// European List of Waste autocomplete (entries, hazardous ones flagged), by code prefix
/// ("03 01", "0301") or by words of the French or English label ("sciure", "sawdust").
#[utoipa::path(get, path = "/api/v1/reference/ewc", tag = "reference", params(SearchQuery),
    responses(
        (status = 200, body = EwcList),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn ewc(
    state: web::Data<AppState>,
    query: web::Query<SearchQuery>,
    read_after: ReadAfter,
) -> AppResult<HttpResponse> {
    let limit = query.limit();
    let q = query.into_inner().q;
    let items = state
        .read(read_after, move |conn, _| reference::ewc(conn, &q, limit))
        .await?;
    Ok(HttpResponse::Ok().json(EwcList { items }))
}

/// Every département.
#[utoipa::path(get, path = "/api/v1/reference/departements", tag = "reference",
    responses((status = 200, body = DepartementList)))]
pub async fn departements(
    state: web::Data<AppState>,
    read_after: ReadAfter,
) -> AppResult<HttpResponse> {
    let items = state
        .read(read_after, |conn, _| reference::departements(conn))
        .await?;
    Ok(HttpResponse::Ok().json(DepartementList { items }))
}

/// Every région.
#[utoipa::path(get, path = "/api/v1/reference/regions", tag = "reference",
    responses((status = 200, body = RegionList)))]
pub async fn regions(state: web::Data<AppState>, read_after: ReadAfter) -> AppResult<HttpResponse> {
    let items = state
        .read(read_after, |conn, _| reference::regions(conn))
        .await?;
    Ok(HttpResponse::Ok().json(RegionList { items }))
}
