//! The coordinator's dashboard: memberships to approve, exchanges to follow and move on,
//! the inter-pôle flows as a heatmap, volume by month, impact, and the CSV export (the
//! API's report, served here on the session cookie); and the form recording an exchange
//! agreed outside the marketplace.

use actix_web::{web, HttpResponse};
use askama::Template;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::charts::{self, Flow};
use super::listings::{invalid, parse_decimal};
use super::{api_done, api_json, see_other, Ctx, FormErrors, NoFields, Posted, Web};
use crate::api::enterprises as api_enterprises;
use crate::api::exchanges::{self as api_exchanges, ExchangeList, ExchangeView};
use crate::api::json::HashedJson;
use crate::api::reports::{self as api_reports, CountView, FlowReport, PoleReport, ReportQuery};
use crate::db;
use crate::domain::listing::Category;
use crate::domain::units::Unit;
use crate::error::{AppError, AppResult, FieldError};
use crate::models::ids::EnterpriseId;
use crate::models::pole::{self, PendingMember};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/coordinator", web::get().to(dashboard))
        .route(
            "/coordinator/poles/{slug}/members/{enterprise}/approve",
            web::post().to(approve),
        )
        .route("/coordinator/transactions.csv", web::get().to(csv))
        .route("/coordinator/exchanges/new", web::get().to(new_exchange))
        .route("/coordinator/exchanges", web::post().to(create_exchange));
}

#[derive(Template)]
#[template(path = "coordinator.html")]
struct CoordinatorPage {
    ctx: Ctx,
    poles: Vec<(String, String)>,
    current: Option<(String, String)>,
    pending: Vec<PendingMember>,
    exchanges: Vec<ExchangeView>,
    flows: FlowReport,
    heatmap: String,
    report: Option<PoleReport>,
    bars: String,
}

impl CoordinatorPage {
    fn next(&self, x: &ExchangeView) -> Vec<&'static str> {
        super::exchanges::next_statuses(x.status)
    }

    fn impact_label(&self, key: &str) -> &'static str {
        super::i18n::impact_label(self.ctx.tr, key)
    }

    fn impact_value(&self, c: &CountView) -> String {
        self.ctx.num(&c.amount)
    }

    fn pole_name(&self, slug: &Option<String>) -> String {
        match slug {
            Some(s) => self
                .poles
                .iter()
                .find(|p| &p.0 == s)
                .map(|p| p.1.clone())
                .unwrap_or_else(|| s.clone()),
            None => "—".into(),
        }
    }
}

#[derive(Deserialize)]
struct PoleQuery {
    #[serde(default)]
    pole: String,
}

fn no_filter() -> ReportQuery {
    ReportQuery {
        from: None,
        to: None,
        category: None,
        format: None,
    }
}

async fn dashboard(web: Web, query: web::Query<PoleQuery>) -> AppResult<HttpResponse> {
    let caller = web.require()?;
    let account = caller.id();
    let admin = caller.is_admin();
    let (poles, pending) = db::run(&web.state.pool, move |conn| {
        let ids = if admin {
            pole::list(conn)?.into_iter().map(|d| d.pole.id).collect()
        } else {
            pole::coordinated_by(conn, account)?
        };
        Ok((
            pole::names_of(conn, &ids)?,
            pole::pending_members(conn, &ids)?,
        ))
    })
    .await?;
    if poles.is_empty() {
        return Err(AppError::Forbidden(
            "The coordinator's dashboard is for pôle coordinators and admins.",
        ));
    }
    let exchanges: ExchangeList = api_json(
        api_exchanges::list(
            web.state.clone(),
            caller.clone(),
            web::Query(api_exchanges::ExchangeQuery { status: None }),
        )
        .await,
    )
    .await?;
    let flows: FlowReport = api_json(
        api_reports::flows(web.state.clone(), caller.clone(), web::Query(no_filter())).await,
    )
    .await?;
    let current = poles
        .iter()
        .find(|p| p.0 == query.pole)
        .or_else(|| poles.first())
        .cloned();
    let report: Option<PoleReport> = match &current {
        Some((slug, _)) => Some(
            api_json(
                api_reports::pole_report(
                    web.state.clone(),
                    caller,
                    web::Path::from(slug.clone()),
                    web::Query(no_filter()),
                )
                .await,
            )
            .await?,
        ),
        None => None,
    };
    let lang = web.ctx.lang;
    let tr = web.tr();
    let name_of = |slug: &Option<String>| -> String {
        match slug {
            Some(s) => poles
                .iter()
                .find(|p| &p.0 == s)
                .map(|p| p.1.clone())
                .unwrap_or_else(|| s.clone()),
            None => tr.no_pole.to_string(),
        }
    };
    let mut labels: Vec<String> = Vec::new();
    let mut cells = Vec::new();
    for f in &flows.items {
        let (from, to) = (name_of(&f.provider_pole), name_of(&f.beneficiary_pole));
        for label in [&from, &to] {
            if !labels.contains(label) {
                labels.push(label.clone());
            }
        }
        cells.push(Flow {
            from,
            to,
            amount: f.amount.0,
            exchanges: f.exchanges,
        });
    }
    let heatmap = charts::heatmap(
        "flows",
        tr.flows_title,
        tr.flows_desc,
        &labels,
        &cells,
        |d| super::format::money(d, lang),
    );
    let points: Vec<(String, Decimal)> = report
        .as_ref()
        .map(|r| {
            r.volume_by_month
                .iter()
                .map(|c| (c.key.clone(), c.amount.0))
                .collect()
        })
        .unwrap_or_default();
    let bars = charts::bars("volume", tr.volume_title, tr.volume_desc, &points, |d| {
        super::format::money(d, lang)
    });
    web.page(&CoordinatorPage {
        ctx: web.ctx.clone(),
        poles,
        current,
        pending,
        exchanges: exchanges.items,
        flows,
        heatmap,
        report,
        bars,
    })
}

async fn approve(
    posted: Posted<NoFields>,
    path: web::Path<(String, i64)>,
) -> AppResult<HttpResponse> {
    let caller = posted.web.require()?;
    let (slug, enterprise) = path.into_inner();
    api_done(
        api_enterprises::approve(
            posted.web.state.clone(),
            caller,
            web::Path::from((slug, enterprise)),
        )
        .await,
    )
    .await?;
    Ok(see_other("/coordinator#memberships"))
}

#[derive(Deserialize)]
struct CsvQuery {
    format: Option<String>,
    from: Option<String>,
    to: Option<String>,
    category: Option<String>,
}

/// The API's CSV export, for a signed-in coordinator or admin.
async fn csv(web: Web, query: web::Query<CsvQuery>) -> AppResult<HttpResponse> {
    let caller = web.require()?;
    let query = query.into_inner();
    api_reports::transactions_csv(
        web.state.clone(),
        caller,
        web::Query(ReportQuery {
            from: query.from,
            to: query.to,
            category: query.category,
            format: query.format,
        }),
    )
    .await
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
struct ExchangeForm {
    /// A random key per rendering of the form: sending it twice creates one exchange.
    key: String,
    provider: String,
    beneficiary: String,
    category: String,
    title: String,
    quantity: String,
    unit: String,
    unit_price: String,
}

#[derive(Template)]
#[template(path = "coordinator_exchange.html")]
struct NewExchangePage {
    ctx: Ctx,
    /// (pôle name, its approved members as (id, name)).
    groups: Vec<(String, Vec<(i64, String)>)>,
    categories: Vec<(&'static str, &'static str)>,
    units: Vec<(&'static str, &'static str)>,
    form: ExchangeForm,
    errors: FormErrors,
}

async fn new_exchange(web: Web) -> AppResult<HttpResponse> {
    let form = ExchangeForm {
        key: super::csrf::random_key(),
        ..ExchangeForm::default()
    };
    exchange_form_page(&web, form, FormErrors::default()).await
}

async fn exchange_form_page(
    web: &Web,
    form: ExchangeForm,
    errors: FormErrors,
) -> AppResult<HttpResponse> {
    let caller = web.require()?;
    let account = caller.id();
    let admin = caller.is_admin();
    let directory = db::run(&web.state.pool, move |conn| {
        if !admin && pole::coordinated_by(conn, account)?.is_empty() {
            return Err(AppError::Forbidden(
                "Only pôle coordinators and admins record exchanges.",
            ));
        }
        Ok(pole::approved_directory(conn)?)
    })
    .await?;
    let mut groups: Vec<(String, Vec<(i64, String)>)> = Vec::new();
    for (pole_name, id, name) in directory {
        match groups.last_mut() {
            Some((last, members)) if *last == pole_name => members.push((id.0, name)),
            _ => groups.push((pole_name, vec![(id.0, name)])),
        }
    }
    let status = errors.status();
    web.page_with(
        status,
        &NewExchangePage {
            ctx: web.ctx.clone(),
            groups,
            categories: Category::ALL
                .iter()
                .map(|c| (c.as_str(), web.ctx.category(c)))
                .collect(),
            units: Unit::ALL.iter().map(|u| (u.as_str(), u.label())).collect(),
            form,
            errors,
        },
    )
}

async fn create_exchange(posted: Posted<ExchangeForm>) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let caller = web.require()?;
    let mut errors: Vec<FieldError> = Vec::new();
    let provider = form.provider.parse::<i64>().ok();
    if provider.is_none() {
        invalid(
            &mut errors,
            "provider_enterprise_id",
            "required",
            "Choose the provider.",
        );
    }
    let beneficiary = form.beneficiary.parse::<i64>().ok();
    if beneficiary.is_none() {
        invalid(
            &mut errors,
            "beneficiary_enterprise_id",
            "required",
            "Choose the beneficiary.",
        );
    }
    let category = Category::ALL
        .into_iter()
        .find(|c| c.as_str() == form.category);
    if category.is_none() {
        invalid(&mut errors, "category", "required", "Choose a category.");
    }
    let unit = Unit::parse(&form.unit);
    if unit.is_none() && !form.unit.is_empty() {
        invalid(
            &mut errors,
            "unit",
            "invalid_value",
            "Choose a unit from the list.",
        );
    }
    let quantity = parse_decimal(&mut errors, "quantity", &form.quantity);
    let unit_price = parse_decimal(&mut errors, "unit_price", &form.unit_price);
    let refused = match (provider, beneficiary, category) {
        (Some(provider), Some(beneficiary), Some(category)) if errors.is_empty() => {
            let body = api_exchanges::CreateExchangeRequest {
                provider_enterprise_id: EnterpriseId(provider),
                beneficiary_enterprise_id: EnterpriseId(beneficiary),
                category,
                title: form.title.clone(),
                quantity,
                unit,
                unit_price,
            };
            // The form's one-time key makes a double submission create one exchange; the
            // hash binds the key to what was chosen.
            let key = Some(form.key.trim().to_string()).filter(|k| (1..=200).contains(&k.len()));
            let hash = {
                use sha2::Digest;
                sha2::Sha256::digest(format!("{form:?}").as_bytes()).to_vec()
            };
            let answer = api_exchanges::create_keyed(
                web.state.clone(),
                caller,
                key.map(|k| format!("web:{k}")),
                HashedJson { value: body, hash },
            )
            .await;
            match answer {
                Ok(response) => {
                    let created: ExchangeView = api_json(Ok(response)).await?;
                    return Ok(see_other(&format!("/exchanges/{}", created.id)));
                }
                Err(error) => error,
            }
        }
        _ => AppError::Validation(errors),
    };
    let mut form = form;
    let shown = match refused {
        // Neither enterprise is in a pôle the caller coordinates: said on the form.
        AppError::Forbidden(_) => FormErrors {
            fields: Vec::new(),
            general: Some(web.tr().not_your_pole.to_string()),
        },
        other => super::FormErrors::from_keyed_error(other, web.tr(), &mut form.key)?,
    };
    exchange_form_page(&web, form, shown).await
}
