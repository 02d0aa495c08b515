//! The admin page: create pôles and appoint their coordinators.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::listings::resolve_commune;
use super::{api_json, see_other, Ctx, FormErrors, Posted, Web};
use crate::api::json::Json;
use crate::api::poles::{self as api_poles, PoleList, PoleView};
use crate::error::{AppError, AppResult};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin", web::get().to(page))
        .route("/admin/poles", web::post().to(create_pole))
        .route("/admin/coordinators", web::post().to(appoint));
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
struct PoleForm {
    slug: String,
    name: String,
    description: String,
    commune: String,
    departements: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
struct AppointForm {
    pole: String,
    email: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    ctx: Ctx,
    poles: Vec<PoleView>,
    pole: PoleForm,
    pole_errors: FormErrors,
    appoint: AppointForm,
    appoint_errors: FormErrors,
}

async fn render(
    web: &Web,
    pole: PoleForm,
    pole_errors: FormErrors,
    appoint: AppointForm,
    appoint_errors: FormErrors,
) -> AppResult<HttpResponse> {
    let caller = web.require()?;
    caller.require_admin()?;
    let list: PoleList = api_json(api_poles::list(web.state.clone()).await).await?;
    let status = if pole_errors.any() || appoint_errors.any() {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        actix_web::http::StatusCode::OK
    };
    web.page_with(
        status,
        &AdminPage {
            ctx: web.ctx.clone(),
            poles: list.items,
            pole,
            pole_errors,
            appoint,
            appoint_errors,
        },
    )
}

async fn page(web: Web) -> AppResult<HttpResponse> {
    render(
        &web,
        PoleForm::default(),
        FormErrors::default(),
        AppointForm::default(),
        FormErrors::default(),
    )
    .await
}

async fn create_pole(posted: Posted<PoleForm>) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let caller = web.require()?;
    caller.require_admin()?;
    let commune = resolve_commune(&web, &form.commune).await?;
    let departements = form
        .departements
        .split([',', ' ', ';'])
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(String::from)
        .collect();
    let request = api_poles::CreatePoleRequest {
        slug: form.slug.trim().to_string(),
        name: form.name.clone(),
        description: form.description.clone(),
        commune,
        departements,
    };
    match api_poles::create(web.state.clone(), caller, Json(request)).await {
        Ok(_) => Ok(see_other(&format!("/poles/{}", form.slug.trim()))),
        Err(error) => {
            let errors = FormErrors::from_error(error, web.tr())?;
            render(
                &web,
                form,
                errors,
                AppointForm::default(),
                FormErrors::default(),
            )
            .await
        }
    }
}

async fn appoint(posted: Posted<AppointForm>) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let caller = web.require()?;
    caller.require_admin()?;
    let answer = api_poles::appoint_coordinator(
        web.state.clone(),
        caller,
        web::Path::from(form.pole.clone()),
        Json(api_poles::AppointRequest {
            email: form.email.clone(),
        }),
    )
    .await;
    match answer {
        Ok(_) => Ok(see_other(&format!("/poles/{}", form.pole))),
        Err(AppError::NotFound) => {
            let errors = FormErrors {
                general: Some(web.tr().form_has_errors.into()),
                fields: vec![crate::error::FieldError {
                    field: "email".into(),
                    code: "not_found".into(),
                    message: web.tr().no_such_account.into(),
                }],
            };
            render(
                &web,
                PoleForm::default(),
                FormErrors::default(),
                form,
                errors,
            )
            .await
        }
        Err(error) => {
            let errors = FormErrors::from_error(error, web.tr())?;
            render(
                &web,
                PoleForm::default(),
                FormErrors::default(),
                form,
                errors,
            )
            .await
        }
    }
}
