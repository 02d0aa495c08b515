//! Enterprises and their pôle memberships.

use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::PgConnection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::auth::{CurrentAccount, MaybeAccount};
use super::json::Json;
use super::AppState;
use crate::db;
use crate::domain::enterprise::{LegalForm, MembershipStatus};
use crate::domain::naf::NafCode;
use crate::domain::pole::Slug;
use crate::domain::siret::Siret;
use crate::domain::territory::CommuneCode;
use crate::domain::Invalid;
use crate::email::events;
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::models::enterprise::{self, Enterprise, EnterpriseChanges, NewEnterprise};
use crate::models::ids::{EnterpriseId, PoleId};
use crate::models::{pole, reference};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MembershipView {
    /// The pôle's slug.
    pub pole: String,
    pub pole_name: String,
    pub status: MembershipStatus,
    pub requested_at: DateTime<Utc>,
    pub approved_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EnterpriseView {
    pub id: EnterpriseId,
    pub siret: String,
    pub name: String,
    pub legal_form: LegalForm,
    pub ess: bool,
    pub naf: String,
    pub commune: String,
    pub headcount: i32,
    pub memberships: Vec<MembershipView>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEnterpriseRequest {
    /// 14 digits, Luhn-valid (La Poste: digit sum a multiple of 5).
    #[schema(example = "73282932000074")]
    pub siret: String,
    #[validate(length(min = 2, max = 200, message = "The name needs 2 to 200 characters."))]
    pub name: String,
    pub legal_form: LegalForm,
    pub ess: bool,
    #[schema(example = "16.10A")]
    pub naf: String,
    #[schema(example = "26281")]
    pub commune: String,
    #[validate(range(
        min = 0,
        max = 1_000_000,
        message = "The headcount is between 0 and 1,000,000."
    ))]
    pub headcount: i32,
    /// Slugs of the pôles to join; each membership stays pending until approved.
    #[validate(length(min = 1, max = 10, message = "Join 1 to 10 pôles."))]
    #[schema(example = json!(["pole-sud-archer"]))]
    pub poles: Vec<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEnterpriseRequest {
    #[validate(length(min = 2, max = 200, message = "The name needs 2 to 200 characters."))]
    pub name: Option<String>,
    pub legal_form: Option<LegalForm>,
    pub ess: Option<bool>,
    pub naf: Option<String>,
    pub commune: Option<String>,
    #[validate(range(
        min = 0,
        max = 1_000_000,
        message = "The headcount is between 0 and 1,000,000."
    ))]
    pub headcount: Option<i32>,
}

fn view(conn: &mut PgConnection, found: Enterprise) -> AppResult<EnterpriseView> {
    let memberships = enterprise::memberships_of(conn, found.id)?
        .into_iter()
        .map(|m| MembershipView {
            pole: m.pole_slug,
            pole_name: m.pole_name,
            status: MembershipStatus::from_db(&m.status),
            requested_at: m.requested_at,
            approved_at: m.approved_at,
        })
        .collect();
    Ok(EnterpriseView {
        id: found.id,
        siret: found.siret,
        name: found.name,
        legal_form: LegalForm::from_db(&found.legal_form),
        ess: found.ess,
        naf: found.naf_code,
        commune: found.commune_code,
        headcount: found.headcount,
        memberships,
        created_at: found.created_at,
    })
}

/// Checks that a NAF code and a commune code exist in the reference data.
fn check_references(
    conn: &mut PgConnection,
    errors: &mut FieldErrors,
    naf: Option<&NafCode>,
    commune: Option<&CommuneCode>,
) -> AppResult<()> {
    if let Some(naf) = naf {
        if reference::find_naf(conn, naf.as_str())?.is_none() {
            errors.add(
                "naf",
                Invalid::new("unknown_naf", "No NAF rév. 2 code is spelled like this."),
            );
        }
    }
    if let Some(commune) = commune {
        if reference::find_commune(conn, commune.as_str())?.is_none() {
            errors.add(
                "commune",
                Invalid::new("unknown_commune", "No commune has this INSEE code."),
            );
        }
    }
    Ok(())
}

/// Register an enterprise; the caller becomes one of its accounts.
#[utoipa::path(post, path = "/api/v1/enterprises", tag = "enterprises", security(("bearer" = [])),
    request_body = CreateEnterpriseRequest,
    responses(
        (status = 201, body = EnterpriseView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The SIRET is registered already", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    body: Json<CreateEnterpriseRequest>,
) -> AppResult<HttpResponse> {
    let body = body.0;
    let mut errors = FieldErrors::from(body.validate().err().unwrap_or_default());
    let siret = errors.check("siret", Siret::parse(&body.siret));
    let naf = errors.check("naf", NafCode::parse(&body.naf));
    let commune = errors.check("commune", CommuneCode::parse(&body.commune));
    let mut slugs = Vec::new();
    for (index, slug) in body.poles.iter().enumerate() {
        if let Some(slug) = errors.check(&format!("poles[{index}]"), Slug::parse(slug)) {
            slugs.push(slug.as_str().to_string());
        }
    }
    let creator = caller.id();
    let is_admin = caller.is_admin();
    let links = state.links();
    let created = db::run(&state.pool, move |conn| {
        check_references(conn, &mut errors, naf.as_ref(), commune.as_ref())?;
        let poles_found = pole::find_by_slugs(conn, &slugs)?;
        for (index, slug) in body.poles.iter().enumerate() {
            if slugs.contains(slug) && !poles_found.iter().any(|p| &p.slug == slug) {
                errors.add(
                    &format!("poles[{index}]"),
                    Invalid::new("unknown_pole", format!("No pôle has the slug {slug}.")),
                );
            }
        }
        errors.finish()?;
        let (siret, naf, commune) = (
            siret.expect("checked"),
            naf.expect("checked"),
            commune.expect("checked"),
        );
        let pole_ids: Vec<PoleId> = poles_found.iter().map(|p| p.id).collect();
        // A coordinator (or an admin) registering an enterprise in its own pôle would
        // approve it anyway: the membership starts approved.
        let approved: Vec<PoleId> = if is_admin {
            pole_ids.clone()
        } else {
            let coordinated = pole::coordinated_by(conn, creator)?;
            pole_ids
                .iter()
                .copied()
                .filter(|id| coordinated.contains(id))
                .collect()
        };
        let new = NewEnterprise {
            siret: siret.as_str(),
            name: body.name.trim(),
            legal_form: body.legal_form.as_str(),
            ess: body.ess,
            naf_code: naf.as_str(),
            commune_code: commune.as_str(),
            headcount: body.headcount,
        };
        use diesel::Connection;
        conn.transaction(|conn| {
            let found =
                enterprise::create(conn, &new, creator, &pole_ids, &approved).map_err(|e| {
                    match AppError::from(e) {
                        AppError::Conflict(_) => AppError::Conflict(
                            "An enterprise with this SIRET is registered already.".into(),
                        ),
                        other => other,
                    }
                })?;
            // The coordinators of each pôle asked are told (with the enterprise).
            for requested in poles_found.iter().filter(|p| !approved.contains(&p.id)) {
                events::membership_requested(
                    conn,
                    &links,
                    requested.id,
                    &requested.slug,
                    found.id,
                    &found.name,
                )?;
            }
            view(conn, found)
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(created))
}

/// An enterprise. Approved members of a pôle are public; others are seen only by their own
/// accounts, the coordinators of the pôles they asked to join, and admins.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}", tag = "enterprises",
    params(("id" = i64, Path, description = "Enterprise id")),
    responses(
        (status = 200, body = EnterpriseView),
        (status = 401, description = "Invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn show(
    state: web::Data<AppState>,
    caller: MaybeAccount,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = EnterpriseId(id.into_inner());
    let found = db::run(&state.pool, move |conn| {
        let found = enterprise::find(conn, id)?;
        let found = view(conn, found)?;
        let public = found
            .memberships
            .iter()
            .any(|m| m.status == MembershipStatus::Approved);
        let allowed = public
            || match &caller.0 {
                None => false,
                Some(c) if c.is_admin() => true,
                Some(c) => {
                    enterprise::is_member_account(conn, id, c.id())?
                        || enterprise::is_coordinated_by(conn, id, c.id())?
                }
            };
        // Not found rather than forbidden: an unapproved enterprise's existence is private.
        if allowed {
            Ok(found)
        } else {
            Err(AppError::NotFound)
        }
    })
    .await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Edit an enterprise (its own accounts only). The SIRET cannot change.
#[utoipa::path(patch, path = "/api/v1/enterprises/{id}", tag = "enterprises", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Enterprise id")),
    request_body = UpdateEnterpriseRequest,
    responses(
        (status = 200, body = EnterpriseView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    id: web::Path<i64>,
    body: Json<UpdateEnterpriseRequest>,
) -> AppResult<HttpResponse> {
    let id = EnterpriseId(id.into_inner());
    let body = body.0;
    let mut errors = FieldErrors::from(body.validate().err().unwrap_or_default());
    let naf = body
        .naf
        .as_deref()
        .and_then(|n| errors.check("naf", NafCode::parse(n)));
    let commune = body
        .commune
        .as_deref()
        .and_then(|c| errors.check("commune", CommuneCode::parse(c)));
    let account = caller.id();
    let updated = db::run(&state.pool, move |conn| {
        enterprise::find(conn, id)?;
        if !enterprise::is_member_account(conn, id, account)? {
            return Err(AppError::Forbidden(
                "Only the enterprise's own accounts may edit it.",
            ));
        }
        check_references(conn, &mut errors, naf.as_ref(), commune.as_ref())?;
        errors.finish()?;
        let changes = EnterpriseChanges {
            name: body.name.map(|n| n.trim().to_string()),
            legal_form: body.legal_form.map(|f| f.as_str().to_string()),
            ess: body.ess,
            naf_code: naf.map(|n| n.as_str().to_string()),
            commune_code: commune.map(|c| c.as_str().to_string()),
            headcount: body.headcount,
        };
        let updated = enterprise::update(conn, id, &changes)?;
        view(conn, updated)
    })
    .await?;
    Ok(HttpResponse::Ok().json(updated))
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
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such pôle, enterprise or membership request", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn approve(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    path: web::Path<(String, i64)>,
) -> AppResult<HttpResponse> {
    let (slug, enterprise_id) = path.into_inner();
    let enterprise_id = EnterpriseId(enterprise_id);
    let account = caller.id();
    let is_admin = caller.is_admin();
    let links = state.links();
    let approved = db::run(&state.pool, move |conn| {
        let found = pole::find_by_slug(conn, &slug)?;
        if !is_admin && !pole::is_coordinator(conn, found.id, account)? {
            return Err(AppError::Forbidden(
                "Only this pôle's coordinators may approve its members.",
            ));
        }
        use diesel::Connection;
        conn.transaction(|conn| {
            if !enterprise::approve_membership(conn, found.id, enterprise_id, account)? {
                return Err(AppError::NotFound);
            }
            events::membership_approved(
                conn,
                &links,
                &found.slug,
                &found.name,
                found.id,
                enterprise_id,
            )?;
            // Its open listings become visible, so they can match now.
            for open in crate::models::listing::open_of_enterprise(conn, enterprise_id)? {
                let fresh = crate::models::matching::refresh(conn, &open)?;
                events::new_matches(conn, &links, &fresh)?;
                events::listing_opened(conn, &open)?;
            }
            Ok(())
        })?;
        let found = enterprise::find(conn, enterprise_id)?;
        view(conn, found)
    })
    .await?;
    Ok(HttpResponse::Ok().json(approved))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinRequest {
    /// The slug of the pôle to join.
    #[schema(example = "pole-sud-archer")]
    pub pole: String,
}

/// Ask for an enterprise you act for to join another pôle. The membership is pending until
/// one of the pôle's coordinators approves it (at once when you coordinate it yourself).
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/memberships", tag = "enterprises", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Enterprise id")),
    request_body = JoinRequest,
    responses(
        (status = 201, body = EnterpriseView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A member already, or asked already", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn join(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    id: web::Path<i64>,
    body: Json<JoinRequest>,
) -> AppResult<HttpResponse> {
    let id = EnterpriseId(id.into_inner());
    let slug = Slug::parse(&body.0.pole).map_err(|e| AppError::invalid_field("pole", e))?;
    let links = state.links();
    let joined = db::run(&state.pool, move |conn| {
        use diesel::Connection;
        conn.transaction(|conn| {
            let found = enterprise::find(conn, id)?;
            if !caller.is_admin() && !enterprise::is_member_account(conn, id, caller.id())? {
                return Err(AppError::Forbidden(
                    "Only the enterprise's accounts may ask to join a pôle.",
                ));
            }
            let wanted = match pole::find_by_slug(conn, slug.as_str()) {
                Ok(found) => found,
                Err(diesel::result::Error::NotFound) => {
                    return Err(AppError::invalid_field(
                        "pole",
                        Invalid::new("unknown_pole", "No pôle has this slug."),
                    ))
                }
                Err(other) => return Err(other.into()),
            };
            let approver = (caller.is_admin()
                || pole::is_coordinator(conn, wanted.id, caller.id())?)
            .then_some(caller.id());
            if !enterprise::request_membership(conn, id, wanted.id, approver)? {
                return Err(AppError::Conflict(
                    "This enterprise is a member of this pôle already, or has asked to join it."
                        .into(),
                ));
            }
            if approver.is_none() {
                events::membership_requested(
                    conn,
                    &links,
                    wanted.id,
                    &wanted.slug,
                    found.id,
                    &found.name,
                )?;
            }
            view(conn, found)
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(joined))
}
