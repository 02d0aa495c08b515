//! Enterprises and their pôle memberships.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::json::Json;
use crate::auth::{Caller, MaybeCaller};
use crate::domain::enterprise::LegalForm;
use crate::error::{AppError, AppResult, Problem};
use crate::models::ids::EnterpriseId;
use crate::ops::enterprises::{self, EnterpriseUpdate, NewEnterpriseCommand};
use crate::state::AppState;
use crate::views::enterprises::{EnterpriseList, EnterpriseView};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"siret": "73282932000074", "name": "Menuiserie du Royans", "legal_form": "scop", "ess": true, "naf": "16.23Z", "commune": "26281", "headcount": 8, "poles": ["pole-sud-archer"]}))]
pub struct CreateEnterpriseRequest {
    /// 14 digits: a SIREN whose Luhn key holds, then the NIC; the SIRET's own key holds
    /// (La Poste, SIREN 356 000 000: digit sum a multiple of 5). Spaces allowed.
    #[schema(example = "73282932000074", pattern = "^[0-9 ]{14,20}$")]
    pub siret: String,
    #[schema(min_length = 2, max_length = 200)]
    pub name: String,
    /// Any case and the French spellings are accepted ("SCOP", "Scic", "coopérative");
    /// the canonical value is answered.
    pub legal_form: LegalForm,
    pub ess: bool,
    #[schema(example = "16.10A")]
    pub naf: String,
    /// INSEE code of the commune; the arrondissements of Paris, Lyon and Marseille
    /// (75101–75120, 69381–69389, 13201–13216) are communes too.
    #[schema(example = "26281", pattern = "^[0-9][0-9AB][0-9]{3}$")]
    pub commune: String,
    #[schema(minimum = 0, maximum = 1000000)]
    pub headcount: i32,
    /// Slugs of the pôles to join; each membership stays pending until approved.
    #[schema(example = json!(["pole-sud-archer"]), min_items = 1, max_items = 10)]
    pub poles: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"headcount": 12}))]
pub struct UpdateEnterpriseRequest {
    #[schema(min_length = 2, max_length = 200)]
    pub name: Option<String>,
    pub legal_form: Option<LegalForm>,
    pub ess: Option<bool>,
    pub naf: Option<String>,
    #[schema(pattern = "^[0-9][0-9AB][0-9]{3}$")]
    pub commune: Option<String>,
    #[schema(minimum = 0, maximum = 1000000)]
    pub headcount: Option<i32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"pole": "pole-sud-archer"}))]
pub struct JoinRequest {
    /// The slug of the pôle to join.
    #[schema(example = "pole-sud-archer")]
    pub pole: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EnterpriseQuery {
    /// `true`: the enterprises you act for (the only listing there is).
    pub mine: Option<bool>,
}

/// Register an enterprise; the caller becomes one of its accounts.
#[utoipa::path(post, path = "/api/v1/enterprises", tag = "enterprises", security(("bearer" = [])),
    request_body = CreateEnterpriseRequest,
    responses(
        (status = 201, body = EnterpriseView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`siret_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateEnterpriseRequest>,
) -> AppResult<HttpResponse> {
    let body = body.0;
    let command = NewEnterpriseCommand {
        siret: body.siret,
        name: body.name,
        legal_form: body.legal_form,
        ess: body.ess,
        naf: body.naf,
        commune: body.commune,
        headcount: body.headcount,
        poles: body.poles,
    };
    let view = state
        .run(move |conn, env| enterprises::create(conn, env, &caller, command))
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The enterprises you act for (`mine=true`), with their memberships.
#[utoipa::path(get, path = "/api/v1/enterprises", tag = "enterprises", security(("bearer" = [])),
    params(EnterpriseQuery),
    responses(
        (status = 200, body = EnterpriseList),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`mine` must be true", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<EnterpriseQuery>,
) -> AppResult<HttpResponse> {
    if query.mine != Some(true) {
        return Err(AppError::invalid_field(
            "mine",
            crate::domain::Invalid::new("required"),
        ));
    }
    let list = state
        .run(move |conn, _| enterprises::mine(conn, &caller))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// An enterprise. Approved members of a pôle are public (without commune and headcount for
/// anonymous visitors); others are seen only by their own accounts, the coordinators of the
/// pôles they asked to join, and admins.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}", tag = "enterprises",
    params(("id" = i64, Path, description = "Enterprise id")),
    responses(
        (status = 200, body = EnterpriseView),
        (status = 401, description = "Invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn show(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    id: web::Path<EnterpriseId>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let view = state
        .run(move |conn, _| enterprises::show(conn, caller.as_ref(), id))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Edit an enterprise (its own accounts only). The SIRET cannot change.
#[utoipa::path(patch, path = "/api/v1/enterprises/{id}", tag = "enterprises", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Enterprise id")),
    request_body = UpdateEnterpriseRequest,
    responses(
        (status = 200, body = EnterpriseView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_enterprise_account`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<EnterpriseId>,
    body: Json<UpdateEnterpriseRequest>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let body = body.0;
    let update = EnterpriseUpdate {
        name: body.name,
        legal_form: body.legal_form,
        ess: body.ess,
        naf: body.naf,
        commune: body.commune,
        headcount: body.headcount,
    };
    let view = state
        .run(move |conn, _| enterprises::update(conn, &caller, id, update))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Approve an enterprise's request to join a pôle (that pôle's coordinators, or admins).
/// Approving an approved membership changes nothing.
#[utoipa::path(post, path = "/api/v1/poles/{slug}/members/{enterprise_id}/approve", tag = "enterprises", security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The pôle's slug"),
        ("enterprise_id" = i64, Path, description = "Enterprise id"),
    ),
    responses(
        (status = 200, body = EnterpriseView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_pole_coordinator`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such pôle, enterprise or membership request", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn approve(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, EnterpriseId)>,
) -> AppResult<HttpResponse> {
    let (slug, enterprise_id) = path.into_inner();
    let view = state
        .run(move |conn, env| enterprises::approve(conn, env, &caller, &slug, enterprise_id))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Ask for an enterprise you act for to join another pôle. The membership is pending until
/// one of the pôle's coordinators approves it (at once when you coordinate it yourself).
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/memberships", tag = "enterprises", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Enterprise id")),
    request_body = JoinRequest,
    responses(
        (status = 201, body = EnterpriseView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_enterprise_account`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`membership_exists`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn join(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<EnterpriseId>,
    body: Json<JoinRequest>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let pole = body.0.pole;
    let view = state
        .run(move |conn, env| enterprises::join(conn, env, &caller, id, &pole))
        .await?;
    Ok(HttpResponse::Created().json(view))
}
