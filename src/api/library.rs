//! The shared know-how library: resources (methods, tools, case studies, visit reports,
//! templates) with their files, French full-text search, and the resources a know-how
//! listing teaches from.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::json::Json;
use crate::auth::{Caller, MaybeCaller};
use crate::domain::visit::{ResourceKind, ResourceVisibility, Theme};
use crate::error::{AppResult, Problem};
use crate::models::attachment::Parent;
use crate::models::ids::{ListingId, ResourceId, VisitId};
use crate::ops::attachments;
use crate::ops::resources::{self, ResourceInput, ResourceQuery};
use crate::state::AppState;
use crate::views::conversations::AttachmentView;
use crate::views::visits::{ResourceLink, ResourceList, ResourceView};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Grille d’analyse d’une reprise en SCOP", "summary": "Les dix questions à poser avant de reprendre une entreprise en coopérative.", "kind": "tool", "themes": ["economic_model", "financial_engineering"], "naf": "16", "pole": "vallee-drome", "licence": "CC-BY-SA-4.0", "visibility": "public", "url": "https://example.org/grille.pdf"}))]
pub struct CreateResource {
    #[schema(min_length = 3, max_length = 200)]
    pub title: String,
    #[schema(min_length = 1, max_length = 5000)]
    pub summary: String,
    #[schema(required = true)]
    pub kind: Option<ResourceKind>,
    #[serde(default)]
    pub themes: Vec<Theme>,
    /// NAF code it concerns (a division or finer, such as `16` or `16.10A`).
    pub naf: Option<String>,
    /// Slug of the pôle it comes from (you belong to it or coordinate it).
    pub pole: Option<String>,
    /// A visit it comes from; required for a `visit_report` (its organisers only).
    pub visit_id: Option<VisitId>,
    /// SPDX licence identifier, such as `CC-BY-SA-4.0` or `etalab-2.0`.
    #[schema(required = true)]
    pub licence: Option<String>,
    /// Default `public`; `members`: members of the network only (accounts of approved
    /// enterprises, coordinators, admins).
    pub visibility: Option<ResourceVisibility>,
    /// http(s) link to the resource elsewhere.
    pub url: Option<String>,
    #[serde(default)]
    pub lessons: String,
    #[serde(default)]
    pub next_steps: String,
}

/// Publish a resource of the library; add its files with
/// `POST /api/v1/resources/{id}/attachments`.
#[utoipa::path(post, path = "/api/v1/resources", tag = "library", security(("bearer" = [])),
    request_body = CreateResource,
    responses(
        (status = 201, body = ResourceView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_network_member`, `not_pole_member`, `not_visit_organiser`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`report_exists`, `visit_not_held_yet`, `visit_cancelled`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`required`, `length`, `licence_unknown`, `naf_format`, `unknown_naf`, `naf_too_broad`, `unknown_pole`, `unknown_visit`, `url_format`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateResource>,
) -> AppResult<HttpResponse> {
    let b = body.0;
    let input = ResourceInput {
        title: b.title,
        summary: b.summary,
        kind: b.kind,
        themes: b.themes,
        naf: b.naf,
        pole: b.pole,
        visit_id: b.visit_id,
        licence: b.licence,
        visibility: b.visibility,
        url: b.url,
        lessons: b.lessons,
        next_steps: b.next_steps,
    };
    let view = state
        .run(move |conn, env| resources::create(conn, env, &caller, input))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/resources/{}", view.id)))
        .json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchResources {
    /// French words, stemmed and unaccented (“économie circulaire”, “gouvernance -statuts”).
    pub q: Option<String>,
    pub theme: Option<Theme>,
    pub kind: Option<ResourceKind>,
    /// Slug of the pôle it comes from.
    pub pole: Option<String>,
    /// NAF prefix (`16`, `16.1`, `16.10A`).
    pub naf: Option<String>,
    /// The previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Search the library, newest first; anonymous visitors (and accounts of no approved
/// enterprise) see public resources only.
#[utoipa::path(get, path = "/api/v1/resources", tag = "library",
    params(SearchResources),
    responses(
        (status = 200, body = ResourceList),
        (status = 422, description = "`unknown_pole`, `naf_format`, `invalid_cursor`, `range` (limit)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn search(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    query: web::Query<SearchResources>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let query = ResourceQuery {
        q: q.q,
        theme: q.theme,
        kind: q.kind,
        pole: q.pole,
        naf: q.naf,
        cursor: q.cursor,
        limit: q.limit,
    };
    let list = state
        .run(move |conn, _| resources::search(conn, caller.as_ref(), query))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// A resource with its files and the listings that teach from it.
#[utoipa::path(get, path = "/api/v1/resources/{id}", tag = "library",
    params(("id" = i64, Path, description = "Resource id")),
    responses(
        (status = 200, body = ResourceView),
        (status = 404, description = "unknown, or `members` and the caller is not a member of the network", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn show(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    id: web::Path<ResourceId>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let view = state
        .run(move |conn, _| resources::show(conn, caller.as_ref(), id))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Add files to a resource (its author, its pôle's coordinators, admins): multipart
/// `file` parts; PDF, images, office documents, by content; 10 MB each, 10 per resource.
#[utoipa::path(post, path = "/api/v1/resources/{id}/attachments", tag = "library", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Resource id")),
    request_body(content = String, content_type = "multipart/form-data", description = "`file` fields"),
    responses(
        (status = 201, body = Vec<AttachmentView>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_resource_editor`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`payload_too_large`", body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`required`, `file_type`, `too_many_files`, `image_unreadable`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn attach(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<ResourceId>,
    req: HttpRequest,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let files = super::conversations::files_of(&req, payload).await?;
    let stored = state
        .run(move |conn, _| attachments::add(conn, &caller, Parent::Resource(id), files))
        .await?;
    Ok(HttpResponse::Created().json(stored))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListingResources {
    /// The resources it teaches from (replaces the previous list; at most 20).
    pub resource_ids: Vec<ResourceId>,
}

/// The library resources a listing teaches from.
#[utoipa::path(get, path = "/api/v1/listings/{id}/resources", tag = "library",
    params(("id" = i64, Path, description = "Listing id")),
    responses(
        (status = 200, body = Vec<ResourceLink>),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn of_listing(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    id: web::Path<ListingId>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let links = state
        .run(move |conn, _| resources::of_listing(conn, caller.as_ref(), id))
        .await?;
    Ok(HttpResponse::Ok().json(links))
}

/// Link the resources a know-how listing teaches from (its managers).
#[utoipa::path(put, path = "/api/v1/listings/{id}/resources", tag = "library", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Listing id")),
    request_body = ListingResources,
    responses(
        (status = 200, body = Vec<ResourceLink>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_listing_manager`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`resources_for_know_how`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`unknown_resource`, `too_many`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn link_listing(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<ListingId>,
    body: Json<ListingResources>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let ids = body.0.resource_ids;
    let links = state
        .run(move |conn, _| resources::link_to_listing(conn, &caller, id, &ids))
        .await?;
    Ok(HttpResponse::Ok().json(links))
}
