//! My dashboard: my enterprises and their pôle memberships (create one, asking to join
//! pôles, or correct one's details), my listings, the matches to answer, my exchanges with
//! their transactions.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::listings::{invalid, own_enterprises, parse_int, resolve_commune};
use super::{api_json, see_other, Ctx, FormErrors, Posted, Web};
use crate::api::enterprises::{self as api_enterprises, EnterpriseView};
use crate::api::exchanges::{self as api_exchanges, ExchangeList, ExchangeView};
use crate::api::json::Json;
use crate::api::listings::{Disclosure, ListingView};
use crate::api::matches::{self as api_matches, MatchList, MatchView};
use crate::api::poles::{self as api_poles, PoleList};
use crate::db;
use crate::domain::enterprise::LegalForm;
use crate::error::{AppError, AppResult, FieldError};
use crate::models::{enterprise, listing};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/dashboard", web::get().to(dashboard))
        .service(
            web::resource("/enterprises/new")
                .route(web::get().to(enterprise_form))
                .route(web::post().to(create_enterprise)),
        )
        .service(
            web::resource("/enterprises/{id}/edit")
                .route(web::get().to(edit_enterprise_form))
                .route(web::post().to(update_enterprise)),
        )
        .route("/enterprises/{id}/join", web::post().to(join_pole));
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    ctx: Ctx,
    enterprises: Vec<EnterpriseView>,
    /// Every pôle: (slug, name).
    poles: Vec<(String, String)>,
    listings: Vec<ListingView>,
    matches: Vec<MatchView>,
    exchanges: Vec<ExchangeView>,
    /// (family, choice) of my notification preferences.
    notifications: Vec<(&'static str, &'static str)>,
    alert_count: usize,
}

impl DashboardPage {
    /// The pôles an enterprise has not joined nor asked to join.
    fn joinable(&self, e: &EnterpriseView) -> Vec<&(String, String)> {
        self.poles
            .iter()
            .filter(|(slug, _)| !e.memberships.iter().any(|m| &m.pole == slug))
            .collect()
    }

    /// The listing of mine in a match: the side that is not the counterpart.
    fn my_listing(&self, m: &MatchView) -> i64 {
        match &m.counterpart {
            Some(c) if c.id == m.offer_id => m.need_id.0,
            _ => m.offer_id.0,
        }
    }

    fn my_side(&self, m: &MatchView) -> &'static str {
        match &m.counterpart {
            Some(c) if c.id == m.offer_id => "need",
            Some(_) => "offer",
            None => "",
        }
    }
}

async fn dashboard(web: Web) -> AppResult<HttpResponse> {
    let caller = web.require()?;
    let notifications = super::notifications::summary(web.ctx.lang, &caller.account.preferences());
    let owner = caller.id();
    let alert_count = db::run(&web.state.pool, move |conn| {
        Ok(crate::models::alert::count_of_account(conn, owner)?)
    })
    .await? as usize;
    let own = own_enterprises(&web).await?;
    let mut enterprises = Vec::new();
    for (id, _) in &own {
        enterprises.push(
            api_json::<EnterpriseView>(
                api_enterprises::show(web.state.clone(), web.maybe(), web::Path::from(id.0)).await,
            )
            .await?,
        );
    }
    let ids: Vec<_> = own.iter().map(|(id, _)| *id).collect();
    let listings = db::run(&web.state.pool, move |conn| {
        let rows = listing::of_enterprises(conn, &ids)?;
        let names = enterprise::names(conn, &ids)?;
        Ok(rows
            .into_iter()
            .map(|l| {
                let name = names.get(&l.enterprise_id).cloned();
                ListingView::new(l, name, Disclosure::Full)
            })
            .collect::<Vec<_>>())
    })
    .await?;
    let matches: MatchList = api_json(
        api_matches::mine(
            web.state.clone(),
            caller.clone(),
            web::Query(api_matches::MatchQuery {
                status: Some("proposed".into()),
                limit: Some(50),
            }),
        )
        .await,
    )
    .await?;
    let exchanges: ExchangeList = api_json(
        api_exchanges::list(
            web.state.clone(),
            caller,
            web::Query(api_exchanges::ExchangeQuery { status: None }),
        )
        .await,
    )
    .await?;
    let poles: PoleList = api_json(api_poles::list(web.state.clone()).await).await?;
    web.page(&DashboardPage {
        ctx: web.ctx.clone(),
        enterprises,
        poles: poles.items.into_iter().map(|p| (p.slug, p.name)).collect(),
        listings,
        matches: matches.items,
        exchanges: exchanges.items,
        notifications,
        alert_count,
    })
}

// ---- Create an enterprise, asking to join pôles ----

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
struct EnterpriseForm {
    siret: String,
    name: String,
    legal_form: String,
    ess: String,
    naf: String,
    commune: String,
    headcount: String,
}

#[derive(Template)]
#[template(path = "enterprise_form.html")]
struct EnterprisePage {
    ctx: Ctx,
    /// The enterprise being edited; `None` when creating one.
    editing: Option<i64>,
    form: EnterpriseForm,
    chosen: Vec<String>,
    poles: Vec<(String, String)>,
    legal_forms: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

impl EnterprisePage {
    fn is_chosen(&self, slug: &str) -> bool {
        self.chosen.iter().any(|c| c == slug)
    }
}

async fn enterprise_page(
    web: &Web,
    editing: Option<i64>,
    form: EnterpriseForm,
    chosen: Vec<String>,
    errors: FormErrors,
) -> AppResult<HttpResponse> {
    let list: PoleList = api_json(api_poles::list(web.state.clone()).await).await?;
    let poles = list.items.into_iter().map(|p| (p.slug, p.name)).collect();
    let status = errors.status();
    web.page_with(
        status,
        &EnterprisePage {
            ctx: web.ctx.clone(),
            editing,
            form,
            chosen,
            poles,
            legal_forms: super::i18n::options(web.ctx.lang, "legal_form"),
            errors,
        },
    )
}

#[derive(Deserialize)]
struct PoleQuery {
    #[serde(default)]
    pole: String,
}

async fn enterprise_form(web: Web, query: web::Query<PoleQuery>) -> AppResult<HttpResponse> {
    web.require()?;
    let form = EnterpriseForm {
        ess: "on".into(),
        legal_form: "scop".into(),
        ..EnterpriseForm::default()
    };
    let chosen = if query.pole.is_empty() {
        Vec::new()
    } else {
        vec![query.pole.clone()]
    };
    enterprise_page(&web, None, form, chosen, FormErrors::default()).await
}

async fn create_enterprise(posted: Posted<EnterpriseForm>) -> AppResult<HttpResponse> {
    let poles = posted.all("poles");
    let Posted { web, form, .. } = posted;
    let caller = web.require()?;
    let mut errors: Vec<FieldError> = Vec::new();
    let headcount = parse_int::<i32>(&mut errors, "headcount", &form.headcount);
    let legal_form = chosen_legal_form(&mut errors, &form.legal_form);
    let commune = resolve_commune(&web, &form.commune).await?;
    let (Some(legal_form), true) = (legal_form, errors.is_empty()) else {
        let errors = FormErrors::from_error(AppError::Validation(errors), web.tr())?;
        return enterprise_page(&web, None, form, poles, errors).await;
    };
    let request = api_enterprises::CreateEnterpriseRequest {
        siret: form.siret.clone(),
        name: form.name.clone(),
        legal_form,
        ess: !form.ess.is_empty(),
        naf: form.naf.trim().to_string(),
        commune,
        headcount: headcount.unwrap_or(0),
        poles: poles.clone(),
    };
    match api_enterprises::create(web.state.clone(), caller, Json(request)).await {
        Ok(_) => Ok(see_other("/dashboard")),
        Err(error) => {
            let errors = FormErrors::from_error(error, web.tr())?;
            enterprise_page(&web, None, form, poles, errors).await
        }
    }
}

/// The legal form chosen in the form, or an error on its field.
fn chosen_legal_form(errors: &mut Vec<FieldError>, value: &str) -> Option<LegalForm> {
    let legal_form =
        serde_json::from_value::<LegalForm>(serde_json::Value::String(value.to_string())).ok();
    if legal_form.is_none() {
        invalid(
            errors,
            "legal_form",
            "invalid_value",
            "Choose a legal form.",
        );
    }
    legal_form
}

/// Only an enterprise's own accounts open or send its edit form.
async fn require_own_enterprise(web: &Web, id: i64) -> AppResult<()> {
    if own_enterprises(web).await?.iter().any(|(e, _)| e.0 == id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only the enterprise's accounts edit it.",
        ))
    }
}

/// My enterprise's details, to correct (the SIRET stays: it names the enterprise).
async fn edit_enterprise_form(web: Web, id: web::Path<i64>) -> AppResult<HttpResponse> {
    web.require()?;
    let id = id.into_inner();
    require_own_enterprise(&web, id).await?;
    let found: EnterpriseView =
        api_json(api_enterprises::show(web.state.clone(), web.maybe(), web::Path::from(id)).await)
            .await?;
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
        commune: found.commune,
        headcount: found.headcount.to_string(),
    };
    enterprise_page(&web, Some(id), form, Vec::new(), FormErrors::default()).await
}

async fn update_enterprise(
    posted: Posted<EnterpriseForm>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let caller = web.require()?;
    let id = id.into_inner();
    require_own_enterprise(&web, id).await?;
    let mut errors: Vec<FieldError> = Vec::new();
    let headcount = parse_int::<i32>(&mut errors, "headcount", &form.headcount);
    let legal_form = chosen_legal_form(&mut errors, &form.legal_form);
    let commune = resolve_commune(&web, &form.commune).await?;
    let refused = if errors.is_empty() {
        let request = api_enterprises::UpdateEnterpriseRequest {
            name: Some(form.name.clone()),
            legal_form,
            ess: Some(!form.ess.is_empty()),
            naf: Some(form.naf.trim().to_string()),
            commune: Some(commune),
            headcount: Some(headcount.unwrap_or(0)),
        };
        match api_enterprises::update(
            web.state.clone(),
            caller,
            web::Path::from(id),
            Json(request),
        )
        .await
        {
            Ok(_) => return Ok(see_other("/dashboard")),
            Err(error) => error,
        }
    } else {
        AppError::Validation(errors)
    };
    let errors = FormErrors::from_error(refused, web.tr())?;
    enterprise_page(&web, Some(id), form, Vec::new(), errors).await
}

#[derive(Deserialize)]
struct JoinForm {
    #[serde(default)]
    pole: String,
}

/// Asks for one of my enterprises to join another pôle.
async fn join_pole(posted: Posted<JoinForm>, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let caller = posted.web.require()?;
    super::api_done(
        api_enterprises::join(
            posted.web.state.clone(),
            caller,
            web::Path::from(id.into_inner()),
            Json(api_enterprises::JoinRequest {
                pole: posted.form.pole.clone(),
            }),
        )
        .await,
    )
    .await?;
    Ok(see_other("/dashboard"))
}
