//! Learning visits (*visites apprenantes*): planning, registration with a waiting list,
//! attendance, the CSV of registrations, and the report that goes to the library.
//! Times are ISO 8601 with an offset; answers give them in Paris time.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::json::Json;
use crate::auth::{Caller, MaybeCaller};
use crate::domain::visit::{Audience, ResourceVisibility, Theme, TransversalIssue, VisitStatus};
use crate::error::{AppResult, Problem};
use crate::models::ids::{EnterpriseId, RegistrationId, VisitId};
use crate::ops::resources::{self, ReportInput};
use crate::ops::visits::registrations;
use crate::ops::visits::{self, VisitInput, VisitQuery};
use crate::state::AppState;
use crate::views::visits::{
    RegistrationList, RegistrationView, ResourceView, VisitList, VisitView,
};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"pole": "vallee-drome", "title": "Gouvernance partagée dans une SCIC de la Drôme", "description": "Une journée chez un membre : comment décider à 40 sociétaires.", "theme": "governance", "transversal_issue": "social_impact", "host_enterprise_id": 1, "commune": "26281", "starts_at": "2026-12-10T09:30:00+01:00", "ends_at": "2026-12-10T16:30:00+01:00", "capacity": 20, "registration_deadline": "2026-12-07T18:00:00+01:00", "audience": "network"}))]
pub struct CreateVisit {
    /// Slug of the organising pôle (you coordinate it).
    pub pole: String,
    #[schema(min_length = 3, max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    pub theme: Option<Theme>,
    pub transversal_issue: Option<TransversalIssue>,
    /// An enterprise approved in the pôle that hosts it.
    pub host_enterprise_id: Option<EnterpriseId>,
    /// INSEE code of the commune where it takes place.
    #[schema(example = "26281")]
    pub commune: Option<String>,
    /// ISO 8601 with an offset; in the future.
    pub starts_at: Option<DateTime<Utc>>,
    /// After the start.
    pub ends_at: Option<DateTime<Utc>>,
    #[schema(minimum = 1, maximum = 500)]
    pub capacity: Option<i64>,
    /// No later than the start (default: the start).
    pub registration_deadline: Option<DateTime<Utc>>,
    /// Default `network`.
    pub audience: Option<Audience>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateVisit {
    pub title: Option<String>,
    pub description: Option<String>,
    pub theme: Option<Theme>,
    pub transversal_issue: Option<TransversalIssue>,
    pub host_enterprise_id: Option<EnterpriseId>,
    pub commune: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    #[schema(minimum = 1, maximum = 500)]
    pub capacity: Option<i64>,
    pub registration_deadline: Option<DateTime<Utc>>,
    pub audience: Option<Audience>,
}

macro_rules! visit_input {
    ($body:expr) => {
        VisitInput {
            title: $body.title,
            description: $body.description,
            theme: $body.theme,
            transversal_issue: $body.transversal_issue,
            host_enterprise_id: $body.host_enterprise_id,
            commune: $body.commune,
            starts_at: $body.starts_at,
            ends_at: $body.ends_at,
            capacity: $body.capacity,
            registration_deadline: $body.registration_deadline,
            audience: $body.audience,
        }
    };
}

/// Plan a learning visit for a pôle you coordinate; its audience is told by email.
#[utoipa::path(post, path = "/api/v1/visits", tag = "visits", security(("bearer" = [])),
    request_body = CreateVisit,
    responses(
        (status = 201, body = VisitView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_pole_coordinator`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`required`, `length`, `range` (capacity 1–500), `unknown_pole`, `unknown_commune`, `starts_in_past`, `starts_too_far`, `ends_before_start`, `visit_too_long`, `deadline_after_start`, `deadline_in_past`, `host_not_member`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateVisit>,
) -> AppResult<HttpResponse> {
    let body = body.0;
    let pole = body.pole.clone();
    let input = visit_input!(body);
    let view = state
        .run(move |conn, env| visits::create(conn, env, &caller, &pole, input))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/visits/{}", view.id)))
        .json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListVisits {
    /// Slug of the organising pôle.
    pub pole: Option<String>,
    pub theme: Option<Theme>,
    /// Visits ending on or after: RFC 3339 or a day (`2026-12-01`, Paris time).
    pub from: Option<String>,
    /// Visits starting before: RFC 3339 or a day.
    pub to: Option<String>,
    /// `planned`, `held` or `cancelled`.
    pub status: Option<VisitStatus>,
    /// The previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// The calendar of learning visits, by start time; anyone may read it.
#[utoipa::path(get, path = "/api/v1/visits", tag = "visits",
    params(ListVisits),
    responses(
        (status = 200, body = VisitList),
        (status = 422, description = "`unknown_pole`, `date_format`, `invalid_cursor`, `range` (limit)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    query: web::Query<ListVisits>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let query = VisitQuery {
        pole: q.pole,
        theme: q.theme,
        from: q.from,
        to: q.to,
        status: q.status,
        cursor: q.cursor,
        limit: q.limit,
    };
    let list = state
        .run(move |conn, env| visits::list(conn, env, caller.as_ref(), query))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// A visit, with its seats left and your own registration.
#[utoipa::path(get, path = "/api/v1/visits/{id}", tag = "visits",
    params(("id" = i64, Path, description = "Visit id")),
    responses(
        (status = 200, body = VisitView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn show(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    id: web::Path<VisitId>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let view = state
        .run(move |conn, env| visits::show(conn, env, caller.as_ref(), id))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Change a visit (its organisers). A larger capacity confirms the waiting list in order.
#[utoipa::path(patch, path = "/api/v1/visits/{id}", tag = "visits", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Visit id")),
    request_body = UpdateVisit,
    responses(
        (status = 200, body = VisitView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_visit_organiser`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`visit_cancelled`, `visit_held`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "as when planning, and `capacity_below_confirmed`, `registered_outside_pole`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<VisitId>,
    body: Json<UpdateVisit>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let body = body.0;
    let input = visit_input!(body);
    let view = state
        .run(move |conn, env| visits::update(conn, env, &caller, id, input))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Cancel a visit (its organisers): everyone registered is told, calendars drop it.
#[utoipa::path(post, path = "/api/v1/visits/{id}/cancel", tag = "visits", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Visit id")),
    responses(
        (status = 200, body = VisitView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_visit_organiser`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`visit_cancelled`, `visit_started`, `visit_held`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn cancel(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<VisitId>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let view = state
        .run(move |conn, env| visits::cancel(conn, env, &caller, id))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"enterprise_id": 4, "note": "Nous viendrons à deux, dont notre directrice."}))]
pub struct CreateRegistration {
    /// The enterprise you come for (one you belong to).
    pub enterprise_id: EnterpriseId,
    #[schema(max_length = 1000)]
    #[serde(default)]
    pub note: String,
}

/// Register for a visit: `confirmed` while seats are left, then `waitlisted`.
#[utoipa::path(post, path = "/api/v1/visits/{id}/registrations", tag = "visits", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Visit id")),
    request_body = CreateRegistration,
    responses(
        (status = 201, body = RegistrationView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_your_enterprise`, `not_network_member`, `audience_pole_only`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`visit_cancelled`, `visit_held`, `registration_closed`, `already_registered`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`length` (note)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn register(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<VisitId>,
    body: Json<CreateRegistration>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let body = body.0;
    let view = state
        .run(move |conn, env| {
            registrations::register(conn, env, &caller, id, body.enterprise_id, &body.note)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Every registration of a visit (its organisers): confirmed, waiting list, cancelled.
#[utoipa::path(get, path = "/api/v1/visits/{id}/registrations", tag = "visits", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Visit id")),
    responses(
        (status = 200, body = RegistrationList),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_visit_organiser`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn registrations(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<VisitId>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let list = state
        .run(move |conn, _| registrations::registrations(conn, &caller, id))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// The registrations as CSV (organisers): UTF-8, comma-separated, a header row.
#[utoipa::path(get, path = "/api/v1/visits/{id}/registrations.csv", tag = "visits", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Visit id")),
    responses(
        (status = 200, description = "registration_id, enterprise, siret, participant, email, status, waitlist_position, attended, note, registered_at (Paris time)", content_type = "text/csv"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_visit_organiser`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn registrations_csv(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<VisitId>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let csv = state
        .run(move |conn, _| registrations::registrations_csv(conn, &caller, id))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"visite-{id}-inscriptions.csv\""),
        ))
        .body(csv))
}

/// Cancel a registration (yours, your enterprise's, or as organiser); the first of the
/// waiting list takes the seat and is told by email.
#[utoipa::path(delete, path = "/api/v1/visits/{id}/registrations/{registration_id}", tag = "visits", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Visit id"), ("registration_id" = i64, Path, description = "Registration id")),
    responses(
        (status = 200, body = RegistrationView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`registration_cancelled`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn unregister(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(VisitId, RegistrationId)>,
) -> AppResult<HttpResponse> {
    let (id, registration) = path.into_inner();
    let view = state
        .run(move |conn, env| registrations::unregister(conn, env, &caller, id, registration))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attendance {
    /// Confirmed registrations of this visit whose participant came (all of them: the
    /// others are recorded absent; empty when nobody came).
    pub registration_ids: Vec<RegistrationId>,
}

/// Record who came (organisers, once the visit has started): the ids given attended,
/// the other confirmed registrations did not.
#[utoipa::path(post, path = "/api/v1/visits/{id}/attendance", tag = "visits", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Visit id")),
    request_body = Attendance,
    responses(
        (status = 200, body = RegistrationList),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_visit_organiser`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`visit_cancelled`, `visit_not_started`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`not_confirmed_registration`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn attendance(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<VisitId>,
    body: Json<Attendance>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let ids = body.0.registration_ids;
    let list = state
        .run(move |conn, env| registrations::attendance(conn, env, &caller, id, &ids))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"summary": "Quinze personnes de quatre pôles ont vu comment la SCIC décide.", "lessons": "Un collège par partie prenante; des décisions préparées en commission.", "next_steps": "Un atelier statuts en mars."}))]
pub struct CreateReport {
    #[schema(min_length = 1, max_length = 5000)]
    pub summary: String,
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub lessons: String,
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub next_steps: String,
    /// SPDX licence identifier (default `CC-BY-SA-4.0`).
    pub licence: Option<String>,
    /// Default `public`.
    pub visibility: Option<ResourceVisibility>,
}

/// Write the record of a visit (its organisers, once it has started): it becomes a
/// resource of the library (kind `visit_report`) linked to the visit and its theme.
#[utoipa::path(post, path = "/api/v1/visits/{id}/report", tag = "visits", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Visit id")),
    request_body = CreateReport,
    responses(
        (status = 201, body = ResourceView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_visit_organiser`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`visit_cancelled`, `visit_not_held_yet`, `report_exists`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`required`, `length`, `licence_unknown`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn report(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<VisitId>,
    body: Json<CreateReport>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let body = body.0;
    let input = ReportInput {
        summary: body.summary,
        lessons: body.lessons,
        next_steps: body.next_steps,
        licence: body.licence,
        visibility: body.visibility,
    };
    let view = state
        .run(move |conn, env| resources::report(conn, env, &caller, id, input))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/resources/{}", view.id)))
        .json(view))
}
