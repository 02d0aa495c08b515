//! The coordinator's dashboard: memberships to approve, exchanges to follow and move on,
//! the inter-pôle flows as a heatmap, volume by month, impact, and the CSV export (the
//! API's report, served here on the session cookie); and the form recording an exchange
//! agreed outside the marketplace.

use actix_web::{web, HttpResponse};
use askama::Template;
use rust_decimal::Decimal;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::charts::{self, Flow};
use super::forms::FormReader;
use super::{see_other, Ctx, FormErrors, NoFields, Posted, Web};
use crate::domain::ledger::ExchangeStatus;
use crate::domain::listing::Category;
use crate::domain::units::Unit;
use crate::error::{AppError, AppResult};
use crate::format;
use crate::models::ids::EnterpriseId;
use crate::models::pole::PendingMember;
use crate::ops::exchanges::{self as exchange_ops, IdempotencyKey, NewExchangeCommand};
use crate::ops::reports::{self, CsvFormat, ReportQuery};
use crate::ops::{enterprises, poles};
use crate::views;
use crate::views::exchanges::ExchangeView;
use crate::views::poles::MemberGroup;
use crate::views::reports::{CountView, FlowReport, PoleReport};

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
    sankey: String,
    report: Option<PoleReport>,
    bars: String,
    /// Exchanges agreed with no change since this instant are "without news".
    stale_before: chrono::DateTime<chrono::Utc>,
}

impl CoordinatorPage {
    /// Exchanges still agreed with no change for `exchanges.follow_up_days`: the ones to
    /// ask about (their parties got the follow-up reminder).
    fn without_news(&self) -> Vec<&ExchangeView> {
        self.exchanges
            .iter()
            .filter(|x| x.status == ExchangeStatus::Agreed)
            .filter(|x| {
                x.transitions
                    .iter()
                    .map(|t| t.at)
                    .max()
                    .is_some_and(|at| at < self.stale_before)
            })
            .collect()
    }

    fn next(&self, x: &ExchangeView) -> Vec<ExchangeStatus> {
        super::exchanges::next_statuses(x.status)
    }

    fn impact_label(&self, key: &str) -> String {
        self.ctx.t(&format!("impact-{key}"))
    }

    fn impact_value(&self, c: &CountView) -> String {
        self.ctx.num(&c.amount)
    }

    fn pole_name(&self, slug: &Option<String>) -> String {
        name_of(&self.poles, slug, &self.ctx)
    }
}

/// A pôle's name from its slug; "no pôle" for exchanges outside any.
fn name_of(poles: &[(String, String)], slug: &Option<String>, ctx: &Ctx) -> String {
    match slug {
        Some(s) => poles
            .iter()
            .find(|p| &p.0 == s)
            .map(|p| p.1.clone())
            .unwrap_or_else(|| s.clone()),
        None => ctx.t("no-pole"),
    }
}

#[derive(Deserialize)]
struct PoleQuery {
    #[serde(default)]
    pole: String,
}

/// Everything the coordinator's dashboard reads, in one trip to the blocking pool.
struct Dashboard {
    poles: Vec<(String, String)>,
    pending: Vec<PendingMember>,
    exchanges: Vec<ExchangeView>,
    flows: FlowReport,
    report: Option<PoleReport>,
    current: Option<(String, String)>,
}

async fn dashboard(web: Web, query: web::Query<PoleQuery>) -> AppResult<HttpResponse> {
    let caller = web.require()?;
    let wanted = query.into_inner().pole;
    let c = web
        .run(move |conn, env| {
            let views::poles::Coordination { poles, pending } = poles::coordination(conn, &caller)?;
            let everything = ReportQuery::default();
            let current = poles
                .iter()
                .find(|p| p.0 == wanted)
                .or_else(|| poles.first())
                .cloned();
            let report = match &current {
                Some((slug, _)) => Some(reports::pole_report(
                    conn,
                    &caller,
                    slug,
                    &everything,
                    env.clock.now(),
                )?),
                None => None,
            };
            Ok(Dashboard {
                exchanges: exchange_ops::list(conn, &caller, None)?.items,
                flows: reports::flows(conn, &caller, &everything)?,
                poles,
                pending,
                report,
                current,
            })
        })
        .await?;
    let lang = web.ctx.lang;
    let mut labels: Vec<String> = Vec::new();
    let mut cells = Vec::new();
    for f in &c.flows.items {
        let from = name_of(&c.poles, &f.provider_pole, &web.ctx);
        let to = name_of(&c.poles, &f.beneficiary_pole, &web.ctx);
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
    let (rows, columns) = (web.t("provider-pole"), web.t("beneficiary-pole"));
    let heatmap = charts::heatmap(
        "flows",
        &web.t("flows-title"),
        &web.t("flows-desc"),
        charts::Axes {
            rows: &rows,
            columns: &columns,
        },
        &labels,
        &cells,
        |d| format::money(d, lang),
    );
    let sankey = charts::sankey(
        "flow-diagram",
        &web.t("flow-diagram-title"),
        &web.t("flow-diagram-desc"),
        charts::Axes {
            rows: &rows,
            columns: &columns,
        },
        &cells,
        |d| format::money(d, lang),
        |n| web.ctx.tn("exchanges-count", "count", n),
    );
    let points: Vec<(String, Decimal)> = c
        .report
        .as_ref()
        .map(|r| {
            r.volume_by_month
                .iter()
                .map(|m| (m.key.clone(), m.amount.0))
                .collect()
        })
        .unwrap_or_default();
    let bars = charts::bars(
        "volume",
        &web.t("volume-title"),
        &web.t("volume-desc"),
        &points,
        |d| format::money(d, lang),
    );
    web.page(&CoordinatorPage {
        ctx: web.ctx.clone(),
        poles: c.poles,
        current: c.current,
        pending: c.pending,
        exchanges: c.exchanges,
        flows: c.flows,
        heatmap,
        sankey,
        report: c.report,
        bars,
        stale_before: web.state.clock.now()
            - chrono::Duration::days(web.state.settings.exchanges.follow_up_days),
    })
}

async fn approve(
    posted: Posted<NoFields>,
    path: web::Path<(String, EnterpriseId)>,
) -> AppResult<HttpResponse> {
    let caller = posted.web.require()?;
    let (slug, enterprise) = path.into_inner();
    posted
        .web
        .run(move |conn, env| enterprises::approve(conn, env, &caller, &slug, enterprise))
        .await?;
    Ok(super::confirm::redirect_with(
        &posted.web.state,
        "/coordinator#memberships",
        "membership-approved",
    ))
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
    let format = CsvFormat::parse(query.format.as_deref())?;
    let filters = ReportQuery {
        from: query.from,
        to: query.to,
        category: query.category,
    };
    let body = web
        .run(move |conn, _| reports::transactions_csv(conn, &caller, &filters, format))
        .await?;
    Ok(crate::http::csv_download(body))
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
    groups: Vec<MemberGroup>,
    categories: Vec<(&'static str, String)>,
    units: Vec<(&'static str, String)>,
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
    let groups = web
        .run(move |conn, _| poles::member_directory(conn, &caller))
        .await?;
    web.page_with(
        errors.status(),
        &NewExchangePage {
            ctx: web.ctx.clone(),
            groups,
            categories: Category::ALL
                .iter()
                .map(|c| (c.as_str(), web.ctx.category(c)))
                .collect(),
            units: Unit::ALL
                .iter()
                .map(|u| (u.as_str(), web.ctx.unit(&Some(*u))))
                .collect(),
            form,
            errors,
        },
    )
}

async fn create_exchange(posted: Posted<ExchangeForm>) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let caller = web.require()?;
    let mut reader = FormReader::new(web.words());
    let provider = reader.whole::<i64>("provider_enterprise_id", &form.provider);
    let provider = reader.required("provider_enterprise_id", provider);
    let beneficiary = reader.whole::<i64>("beneficiary_enterprise_id", &form.beneficiary);
    let beneficiary = reader.required("beneficiary_enterprise_id", beneficiary);
    let category = reader.choice::<Category>("category", &form.category);
    let category = reader.required("category", category);
    let unit = reader.choice::<Unit>("unit", &form.unit);
    let quantity = reader.decimal("quantity", &form.quantity);
    let unit_price = reader.decimal("unit_price", &form.unit_price);
    let (Some(provider), Some(beneficiary), Some(category), true) =
        (provider, beneficiary, category, reader.errors.is_empty())
    else {
        return exchange_form_page(&web, form, reader.errors).await;
    };
    let command = NewExchangeCommand {
        provider_enterprise_id: EnterpriseId(provider),
        beneficiary_enterprise_id: EnterpriseId(beneficiary),
        category,
        title: form.title.clone(),
        quantity,
        unit,
        unit_price,
    };
    // The form's one-time key makes a double submission create one exchange; the hash
    // binds the key to what was chosen.
    let hash = Sha256::digest(format!("{form:?}").as_bytes()).to_vec();
    let key = IdempotencyKey::new(&format!("web:{}", form.key.trim()), hash).ok();
    let answer = web
        .run(move |conn, env| exchange_ops::create(conn, env, &caller, key, command))
        .await;
    let refused = match answer {
        Ok(created) => {
            return Ok(see_other(&format!(
                "/exchanges/{}",
                created.into_inner().id
            )))
        }
        Err(error) => error,
    };
    let shown = match refused {
        // Neither enterprise is in a pôle the caller coordinates: said on the form.
        AppError::Forbidden(refusal) if refusal.code != "csrf_refused" => FormErrors {
            general: Some(web.t("not-your-pole")),
            ..FormErrors::default()
        },
        other => FormErrors::from_error(other, web.words())?.lift("Idempotency-Key"),
    };
    // A corrected form is a new request: it gets a new key.
    let form = ExchangeForm {
        key: super::csrf::random_key(),
        ..form
    };
    exchange_form_page(&web, form, shown).await
}
