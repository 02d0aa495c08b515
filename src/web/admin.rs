//! The admin page: create pôles and appoint their coordinators.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{commune, see_other, Ctx, FormErrors, Posted, Web};
use crate::error::AppResult;
use crate::ops::poles::{self, NewPoleCommand};
use crate::views::poles::PoleView;

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
    commune_code: String,
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
    let list = web.run(|conn, _| poles::list(conn)).await?;
    let status = if pole_errors.any() {
        pole_errors.status()
    } else {
        appoint_errors.status()
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
    let mut errors = FormErrors::default();
    let commune = commune::resolve(
        &web,
        &mut errors,
        "commune",
        &form.commune,
        &form.commune_code,
    )
    .await?;
    let Some(commune) = commune.filter(|_| errors.is_empty()) else {
        if errors.is_empty() {
            errors.add(
                "commune",
                crate::domain::Invalid::new("required"),
                web.words(),
            );
        }
        return render(
            &web,
            form,
            errors,
            AppointForm::default(),
            FormErrors::default(),
        )
        .await;
    };
    let command = NewPoleCommand {
        slug: form.slug.trim().to_string(),
        name: form.name.clone(),
        description: form.description.clone(),
        commune,
        departements: form
            .departements
            .split([',', ' ', ';'])
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(String::from)
            .collect(),
    };
    match web
        .run(move |conn, _| poles::create(conn, &caller, command))
        .await
    {
        Ok(created) => Ok(see_other(&format!("/poles/{}", created.slug))),
        Err(error) => {
            let errors = FormErrors::from_error(error, web.words())?;
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
    let (slug, email) = (form.pole.clone(), form.email.clone());
    match web
        .run(move |conn, _| poles::appoint_coordinator(conn, &caller, &slug, &email))
        .await
    {
        Ok(pole) => Ok(see_other(&format!("/poles/{}", pole.slug))),
        Err(error) => {
            let errors = FormErrors::from_error(error, web.words())?;
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
