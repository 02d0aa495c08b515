//! Pôles: the public directory, creation by admins, and appointing coordinators.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::auth::CurrentAccount;
use super::json::Json;
use super::AppState;
use crate::db;
use crate::domain::account::Email;
use crate::domain::pole::Slug;
use crate::domain::territory::{CommuneCode, DepartementCode};
use crate::domain::Invalid;
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::models::ids::{AccountId, EnterpriseId};
use crate::models::pole::{self, NewPole, PoleDetails};
use crate::models::{account, reference};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CoordinatorView {
    pub id: AccountId,
    pub display_name: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MemberView {
    pub id: EnterpriseId,
    pub name: String,
    pub commune: String,
    pub naf: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PoleView {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// INSEE code of the home commune.
    pub commune: String,
    pub departements: Vec<String>,
    pub coordinators: Vec<CoordinatorView>,
    pub member_count: i64,
    /// Approved member enterprises (on a single pôle's page only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<MemberView>>,
}

impl PoleView {
    fn from_details(details: PoleDetails, members: Option<Vec<MemberView>>) -> PoleView {
        PoleView {
            slug: details.pole.slug,
            name: details.pole.name,
            description: details.pole.description,
            commune: details.pole.commune_code,
            departements: details.departements,
            coordinators: details
                .coordinators
                .into_iter()
                .map(|(id, display_name)| CoordinatorView { id, display_name })
                .collect(),
            member_count: details.approved_members,
            members,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PoleList {
    pub items: Vec<PoleView>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePoleRequest {
    #[schema(example = "pole-sud-archer")]
    pub slug: String,
    #[validate(length(min = 2, max = 120, message = "The name needs 2 to 120 characters."))]
    pub name: String,
    #[validate(length(
        max = 5000,
        message = "The description may have at most 5,000 characters."
    ))]
    #[serde(default)]
    pub description: String,
    /// INSEE code of the home commune.
    #[schema(example = "26281")]
    pub commune: String,
    /// Départements the pôle works in.
    #[validate(length(min = 1, max = 30, message = "Give 1 to 30 départements."))]
    #[schema(example = json!(["26", "07"]))]
    pub departements: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppointRequest {
    /// E-mail of an existing account.
    pub email: String,
}

/// The directory of pôles.
#[utoipa::path(get, path = "/api/v1/poles", tag = "poles",
    responses((status = 200, body = PoleList)))]
pub async fn list(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let poles = db::run(&state.pool, |conn| Ok(pole::list(conn)?)).await?;
    Ok(HttpResponse::Ok().json(PoleList {
        items: poles
            .into_iter()
            .map(|d| PoleView::from_details(d, None))
            .collect(),
    }))
}

/// A pôle with its coordinators and approved members.
#[utoipa::path(get, path = "/api/v1/poles/{slug}", tag = "poles",
    params(("slug" = String, Path, description = "The pôle's slug")),
    responses(
        (status = 200, body = PoleView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn show(state: web::Data<AppState>, slug: web::Path<String>) -> AppResult<HttpResponse> {
    let slug = slug.into_inner();
    let view = db::run(&state.pool, move |conn| {
        let found = pole::find_by_slug(conn, &slug)?;
        let members = pole::approved_members(conn, found.id)?
            .into_iter()
            .map(|(id, name, commune, naf)| MemberView {
                id,
                name,
                commune,
                naf,
            })
            .collect();
        Ok(PoleView::from_details(
            pole::details(conn, found)?,
            Some(members),
        ))
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
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The slug is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    body: Json<CreatePoleRequest>,
) -> AppResult<HttpResponse> {
    caller.require_admin()?;
    let body = body.0;
    let mut errors = FieldErrors::from(body.validate().err().unwrap_or_default());
    let slug = errors.check("slug", Slug::parse(&body.slug));
    let commune = errors.check("commune", CommuneCode::parse(&body.commune));
    let mut departements = Vec::new();
    for (index, code) in body.departements.iter().enumerate() {
        if let Some(code) = errors.check(
            &format!("departements[{index}]"),
            DepartementCode::parse(code),
        ) {
            departements.push(code.as_str().to_string());
        }
    }
    errors.finish()?;
    let (slug, commune) = (slug.expect("checked"), commune.expect("checked"));
    let (name, description) = (
        body.name.trim().to_string(),
        body.description.trim().to_string(),
    );
    let view = db::run(&state.pool, move |conn| {
        let mut errors = FieldErrors::new();
        if reference::find_commune(conn, commune.as_str())?.is_none() {
            errors.add(
                "commune",
                Invalid::new("unknown_commune", "No commune has this INSEE code."),
            );
        }
        let known = reference::existing_departements(conn, &departements)?;
        for (index, code) in departements.iter().enumerate() {
            if !known.contains(code) {
                errors.add(
                    &format!("departements[{index}]"),
                    Invalid::new(
                        "unknown_departement",
                        format!("No département has the code {code}."),
                    ),
                );
            }
        }
        errors.finish()?;
        let created = pole::create(
            conn,
            &NewPole {
                slug: slug.as_str(),
                name: &name,
                description: &description,
                commune_code: commune.as_str(),
            },
            &departements,
        )
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => {
                AppError::Conflict("A pôle with this slug already exists.".into())
            }
            other => other,
        })?;
        Ok(PoleView::from_details(pole::details(conn, created)?, None))
    })
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
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn appoint_coordinator(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    slug: web::Path<String>,
    body: Json<AppointRequest>,
) -> AppResult<HttpResponse> {
    caller.require_admin()?;
    let email =
        Email::parse_with(&body.email, true).map_err(|e| AppError::invalid_field("email", e))?;
    let slug = slug.into_inner();
    let view = db::run(&state.pool, move |conn| {
        let found = pole::find_by_slug(conn, &slug)?;
        let Some(appointee) = account::find_by_email(conn, &email)? else {
            return Err(AppError::invalid_field(
                "email",
                Invalid::new(
                    "unknown_account",
                    "No account has this e-mail; ask the person to register first.",
                ),
            ));
        };
        pole::add_coordinator(conn, found.id, appointee.id)?;
        Ok(PoleView::from_details(pole::details(conn, found)?, None))
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
