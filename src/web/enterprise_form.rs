//! The forms to register an enterprise (asking to join pôles) and to correct its details,
//! and the button that asks to join one more pôle. The commune is kept by its INSEE code
//! through every round trip (see `web::commune`).

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::commune;
use super::forms::FormReader;
use super::{Ctx, FormErrors, Posted, Web};
use crate::domain::enterprise::LegalForm;
use crate::error::{AppError, AppResult};
use crate::models::ids::EnterpriseId;
use crate::ops::enterprises::{self as ops, EnterpriseUpdate, NewEnterpriseCommand};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/enterprises/new")
            .route(web::get().to(new_form))
            .route(web::post().to(create)),
    )
    .service(
        web::resource("/enterprises/{id}/edit")
            .route(web::get().to(edit_form))
            .route(web::post().to(update)),
    )
    .route("/enterprises/{id}/join", web::post().to(join_pole));
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
struct EnterpriseForm {
    siret: String,
    name: String,
    legal_form: String,
    ess: String,
    naf: String,
    /// The commune as shown and typed ("Aubagne (13)").
    commune: String,
    /// The INSEE code chosen beside it.
    commune_code: String,
    headcount: String,
}

/// What both forms send, read: (legal form, headcount, commune code).
struct Read {
    legal_form: LegalForm,
    headcount: i32,
    commune: String,
}

impl EnterpriseForm {
    async fn read(&self, web: &Web, reader: &mut FormReader) -> AppResult<Option<Read>> {
        let headcount = reader.whole::<i32>("headcount", &self.headcount);
        let legal_form = LegalForm::parse(&self.legal_form);
        let legal_form = reader.required("legal_form", legal_form);
        let commune = commune::resolve(
            web,
            &mut reader.errors,
            "commune",
            &self.commune,
            &self.commune_code,
        )
        .await?;
        let commune = reader.required("commune", commune);
        Ok(match (legal_form, commune, reader.errors.is_empty()) {
            (Some(legal_form), Some(commune), true) => Some(Read {
                legal_form,
                headcount: headcount.unwrap_or(0),
                commune,
            }),
            _ => None,
        })
    }
}

#[derive(Template)]
#[template(path = "enterprise_form.html")]
struct EnterprisePage {
    ctx: Ctx,
    /// The enterprise being edited; `None` when creating one.
    editing: Option<EnterpriseId>,
    form: EnterpriseForm,
    chosen: Vec<String>,
    poles: Vec<(String, String)>,
    legal_forms: Vec<(&'static str, String)>,
    errors: FormErrors,
}

impl EnterprisePage {
    fn is_chosen(&self, slug: &str) -> bool {
        self.chosen.iter().any(|c| c == slug)
    }
}

/// Every pôle: (slug, name).
pub async fn all_poles(web: &Web) -> AppResult<Vec<(String, String)>> {
    let list = web.run(|conn, _| crate::ops::poles::list(conn)).await?;
    Ok(list.items.into_iter().map(|p| (p.slug, p.name)).collect())
}

async fn enterprise_page(
    web: &Web,
    editing: Option<EnterpriseId>,
    form: EnterpriseForm,
    chosen: Vec<String>,
    errors: FormErrors,
) -> AppResult<HttpResponse> {
    let poles = all_poles(web).await?;
    web.page_with(
        errors.status(),
        &EnterprisePage {
            ctx: web.ctx.clone(),
            editing,
            form,
            chosen,
            poles,
            legal_forms: super::i18n::options(&web.ctx, "legal_form"),
            errors,
        },
    )
}

#[derive(Deserialize)]
struct PoleQuery {
    #[serde(default)]
    pole: String,
}

async fn new_form(web: Web, query: web::Query<PoleQuery>) -> AppResult<HttpResponse> {
    web.require()?;
    let form = EnterpriseForm {
        ess: "on".into(),
        legal_form: LegalForm::Scop.as_str().into(),
        ..EnterpriseForm::default()
    };
    let chosen = if query.pole.is_empty() {
        Vec::new()
    } else {
        vec![query.pole.clone()]
    };
    enterprise_page(&web, None, form, chosen, FormErrors::default()).await
}

async fn create(posted: Posted<EnterpriseForm>) -> AppResult<HttpResponse> {
    let poles = posted.all("poles");
    let Posted { web, form, .. } = posted;
    let caller = web.require()?;
    let mut reader = FormReader::new(web.words());
    let Some(read) = form.read(&web, &mut reader).await? else {
        return enterprise_page(&web, None, form, poles, reader.errors).await;
    };
    let command = NewEnterpriseCommand {
        siret: form.siret.clone(),
        name: form.name.clone(),
        legal_form: read.legal_form,
        ess: !form.ess.is_empty(),
        naf: form.naf.trim().to_string(),
        commune: read.commune,
        headcount: read.headcount,
        poles: poles.clone(),
    };
    match web
        .run(move |conn, env| ops::create(conn, env, &caller, command))
        .await
    {
        Ok(_) => Ok(super::confirm::redirect_with(
            &web.state,
            "/dashboard",
            "enterprise-saved",
        )),
        Err(error) => {
            let errors = FormErrors::from_error(error, web.words())?;
            enterprise_page(&web, None, form, poles, errors).await
        }
    }
}

/// Only an enterprise's own accounts open or send its edit form.
async fn require_own_enterprise(web: &Web, id: EnterpriseId) -> AppResult<()> {
    let own = super::listing_form::own_enterprises(web).await?;
    if own.iter().any(|(e, _)| *e == id) {
        Ok(())
    } else {
        Err(AppError::forbidden("not_enterprise_account"))
    }
}

/// My enterprise's details, to correct (the SIRET stays: it names the enterprise).
async fn edit_form(web: Web, id: web::Path<EnterpriseId>) -> AppResult<HttpResponse> {
    let caller = web.require()?;
    let id = id.into_inner();
    require_own_enterprise(&web, id).await?;
    let found = web
        .run(move |conn, _| ops::show(conn, Some(&caller), id))
        .await?;
    let code = found.commune.clone().unwrap_or_default();
    let form = EnterpriseForm {
        siret: found.siret,
        name: found.name,
        legal_form: found.legal_form.as_str().to_string(),
        ess: if found.ess {
            "on".into()
        } else {
            String::new()
        },
        naf: found.naf,
        commune: commune::label_of(&web, &code).await?,
        commune_code: code,
        headcount: found.headcount.map(|h| h.to_string()).unwrap_or_default(),
    };
    enterprise_page(&web, Some(id), form, Vec::new(), FormErrors::default()).await
}

async fn update(
    posted: Posted<EnterpriseForm>,
    id: web::Path<EnterpriseId>,
) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let caller = web.require()?;
    let id = id.into_inner();
    require_own_enterprise(&web, id).await?;
    let mut reader = FormReader::new(web.words());
    let Some(read) = form.read(&web, &mut reader).await? else {
        return enterprise_page(&web, Some(id), form, Vec::new(), reader.errors).await;
    };
    let change = EnterpriseUpdate {
        name: Some(form.name.clone()),
        legal_form: Some(read.legal_form),
        ess: Some(!form.ess.is_empty()),
        naf: Some(form.naf.trim().to_string()),
        commune: Some(read.commune),
        headcount: Some(read.headcount),
    };
    match web
        .run(move |conn, _| ops::update(conn, &caller, id, change))
        .await
    {
        Ok(_) => Ok(super::confirm::redirect_with(
            &web.state,
            "/dashboard",
            "enterprise-saved",
        )),
        Err(error) => {
            let errors = FormErrors::from_error(error, web.words())?;
            enterprise_page(&web, Some(id), form, Vec::new(), errors).await
        }
    }
}

#[derive(Deserialize)]
struct JoinForm {
    #[serde(default)]
    pole: String,
}

/// Asks for one of my enterprises to join another pôle.
async fn join_pole(
    posted: Posted<JoinForm>,
    id: web::Path<EnterpriseId>,
) -> AppResult<HttpResponse> {
    let caller = posted.web.require()?;
    let id = id.into_inner();
    let pole = posted.form.pole.clone();
    posted
        .web
        .run(move |conn, env| ops::join(conn, env, &caller, id, &pole))
        .await?;
    Ok(super::confirm::redirect_with(
        &posted.web.state,
        "/dashboard",
        "membership-requested",
    ))
}
