//! Pôles: the public directory, creation by admins, and appointing coordinators.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::json::Json;
use crate::auth::{Caller, MaybeCaller};
use crate::error::{AppResult, Problem};
use crate::ops::poles::{self, NewPoleCommand};
use crate::state::{AppState, ReadAfter};
use crate::views::poles::{PoleList, PoleView};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"slug": "pole-sud-archer", "name": "Pôle Sud Archer", "description": "Romans-sur-Isère et alentours", "commune": "26281", "departements": ["26", "07"]}))]
pub struct CreatePoleRequest {
    /// 2 to 60 lower-case letters or digits, words joined by single hyphens.
    #[schema(
        example = "pole-sud-archer",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$",
        min_length = 2,
        max_length = 60
    )]
    pub slug: String,
    #[schema(min_length = 2, max_length = 120)]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub description: String,
    /// INSEE code of the home commune (arrondissements of Paris, Lyon and Marseille too).
    #[schema(example = "26281", pattern = "^[0-9][0-9AB][0-9]{3}$")]
    pub commune: String,
    /// Départements the pôle works in.
    #[schema(example = json!(["26", "07"]), min_items = 1, max_items = 30)]
    pub departements: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "coordination@example.fr"}))]
pub struct AppointRequest {
    /// E-mail of an existing account.
    pub email: String,
}

/// The directory of pôles.
#[utoipa::path(get, path = "/api/v1/poles", tag = "poles",
    responses((status = 200, body = PoleList)))]
pub async fn list(state: web::Data<AppState>, read_after: ReadAfter) -> AppResult<HttpResponse> {
    let list = state.read(read_after, |conn, _| poles::list(conn)).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// A pôle with its coordinators and approved members (their communes for signed-in
/// callers only).
#[utoipa::path(get, path = "/api/v1/poles/{slug}", tag = "poles",
    params(("slug" = String, Path, description = "The pôle's slug")),
    responses(
        (status = 200, body = PoleView),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn show(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    slug: web::Path<String>,
    read_after: ReadAfter,
) -> AppResult<HttpResponse> {
    let slug = slug.into_inner();
    let view = state
        .read(read_after, move |conn, _| {
            poles::show(conn, caller.as_ref(), &slug)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Create a pôle (admins).
#[utoipa::path(post, path = "/api/v1/poles", tag = "poles", security(("bearer" = [])),
    request_body = CreatePoleRequest,
    responses(
        (status = 201, body = PoleView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`admin_only`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`pole_slug_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreatePoleRequest>,
) -> AppResult<HttpResponse> {
    let body = body.0;
    let command = NewPoleCommand {
        slug: body.slug,
        name: body.name,
        description: body.description,
        commune: body.commune,
        departements: body.departements,
    };
    let view = state
        .run(move |conn, _| poles::create(conn, &caller, command))
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Appoint an existing account as a coordinator of the pôle (admins). A member account
/// becomes a coordinator; appointing twice changes nothing.
#[utoipa::path(post, path = "/api/v1/poles/{slug}/coordinators", tag = "poles", security(("bearer" = [])),
    params(("slug" = String, Path, description = "The pôle's slug")),
    request_body = AppointRequest,
    responses(
        (status = 200, body = PoleView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`admin_only`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`unknown_account`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn appoint_coordinator(
    state: web::Data<AppState>,
    caller: Caller,
    slug: web::Path<String>,
    body: Json<AppointRequest>,
) -> AppResult<HttpResponse> {
    let slug = slug.into_inner();
    let email = body.0.email;
    let view = state
        .run(move |conn, _| poles::appoint_coordinator(conn, &caller, &slug, &email))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
