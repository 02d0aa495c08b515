//! An exchange's page: parties, status and the allowed next statuses, transactions with
//! their exact totals, recording one and reversing one, and its impact figures.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::listings::{parse_decimal, parse_int};
use super::{api_done, api_json, see_other, Ctx, FormErrors, Posted, Web};
use crate::api::exchanges::{self as api_exchanges, ExchangeView, ImpactView, TransactionList};
use crate::api::json::{HashedJson, Json};
use crate::domain::account::Locale;
use crate::domain::decimal::ExactDecimal;
use crate::domain::ledger::ExchangeStatus;
use crate::error::{AppError, AppResult, FieldError};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/exchanges/{id}", web::get().to(show))
        .route("/exchanges/{id}/transition", web::post().to(transition))
        .route("/exchanges/{id}/transactions", web::post().to(record))
        .route("/exchanges/{id}/impact", web::post().to(impact))
        .route("/transactions/{id}/reverse", web::post().to(reverse));
}

/// The statuses an exchange may move to next.
pub fn next_statuses(status: ExchangeStatus) -> Vec<&'static str> {
    [
        ExchangeStatus::InProgress,
        ExchangeStatus::Completed,
        ExchangeStatus::Cancelled,
    ]
    .into_iter()
    .filter(|next| status.can_become(*next))
    .map(|s| s.as_str())
    .collect()
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct TransactionForm {
    /// A random key per rendering of the form (idempotency).
    pub key: String,
    pub quantity: String,
    pub unit_price: String,
    pub amount: String,
    pub vat_rate: String,
    pub description: String,
    pub occurred_on: String,
}

/// The impact figures as typed: empty is "not known".
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ImpactForm {
    pub jobs_created: String,
    pub jobs_kept: String,
    pub tonnes_diverted: String,
    pub km_avoided: String,
    pub note: String,
}

impl ImpactForm {
    /// The saved figures, written as the reader types them (a decimal comma in French).
    fn of(impact: &ImpactView, lang: Locale) -> ImpactForm {
        let text = |v: Option<String>| v.unwrap_or_default();
        let decimal = |v: &ExactDecimal| {
            let plain = v.0.normalize().to_string();
            match lang {
                Locale::Fr => plain.replace('.', ","),
                Locale::En => plain,
            }
        };
        ImpactForm {
            jobs_created: text(impact.jobs_created.map(|v| v.to_string())),
            jobs_kept: text(impact.jobs_kept.map(|v| v.to_string())),
            tonnes_diverted: text(impact.tonnes_diverted.as_ref().map(decimal)),
            km_avoided: text(impact.km_avoided.as_ref().map(decimal)),
            note: text(impact.note.clone()),
        }
    }
}

/// What a refused form brings back to the page: the input and its errors.
enum Refused {
    Nothing,
    Transaction(TransactionForm, FormErrors),
    Impact(ImpactForm, FormErrors),
}

#[derive(Template)]
#[template(path = "exchange.html")]
struct ExchangePage {
    ctx: Ctx,
    x: ExchangeView,
    tx: TransactionList,
    next: Vec<&'static str>,
    form: TransactionForm,
    errors: FormErrors,
    impact: ImpactForm,
    impact_errors: FormErrors,
    now: chrono::DateTime<chrono::Utc>,
}

impl ExchangePage {
    /// Impact figures are filled in on exchanges not cancelled, until 30 days after
    /// completion (the API's rule; the form is not shown when the API would refuse it).
    fn accepts_impact(&self) -> bool {
        let too_late = !crate::domain::ledger::impact_window_open(self.x.completed_at, self.now);
        self.x.status != ExchangeStatus::Cancelled && !too_late
    }

    /// The figures recorded, as (label, value).
    fn impact_figures(&self) -> Vec<(&'static str, String)> {
        let i = &self.x.impact;
        let label = |key| super::i18n::impact_label(self.ctx.tr, key);
        let mut out = Vec::new();
        if let Some(v) = i.jobs_created {
            out.push((label("jobs_created"), v.to_string()));
        }
        if let Some(v) = i.jobs_kept {
            out.push((label("jobs_kept"), v.to_string()));
        }
        if let Some(v) = &i.tonnes_diverted {
            out.push((label("tonnes_diverted"), self.ctx.num(v)));
        }
        if let Some(v) = &i.km_avoided {
            out.push((label("km_avoided"), self.ctx.num(v)));
        }
        out
    }

    fn impact_label(&self, key: &str) -> &'static str {
        super::i18n::impact_label(self.ctx.tr, key)
    }

    fn accepts_transactions(&self) -> bool {
        self.x.status.accepts_transactions()
    }

    fn reversed(&self, id: &crate::models::ids::TransactionId) -> bool {
        self.tx
            .items
            .iter()
            .any(|t| t.reverses_id.as_ref() == Some(id))
    }
}

fn fresh_transaction_form() -> TransactionForm {
    TransactionForm {
        key: super::csrf::random_key(),
        vat_rate: "20".into(),
        ..TransactionForm::default()
    }
}

async fn page(web: &Web, id: i64, refused: Refused) -> AppResult<HttpResponse> {
    let caller = web.require()?;
    let x: ExchangeView =
        api_json(api_exchanges::show(web.state.clone(), caller.clone(), web::Path::from(id)).await)
            .await?;
    let tx: TransactionList =
        api_json(api_exchanges::transactions(web.state.clone(), caller, web::Path::from(id)).await)
            .await?;
    let (status, form, errors, impact, impact_errors) = match refused {
        Refused::Nothing => (
            actix_web::http::StatusCode::OK,
            fresh_transaction_form(),
            FormErrors::default(),
            ImpactForm::of(&x.impact, web.ctx.lang),
            FormErrors::default(),
        ),
        Refused::Transaction(form, errors) => (
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            form,
            errors,
            ImpactForm::of(&x.impact, web.ctx.lang),
            FormErrors::default(),
        ),
        Refused::Impact(impact, errors) => (
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            fresh_transaction_form(),
            FormErrors::default(),
            impact,
            errors,
        ),
    };
    let next = next_statuses(x.status);
    web.page_with(
        status,
        &ExchangePage {
            ctx: web.ctx.clone(),
            x,
            tx,
            next,
            form,
            errors,
            impact,
            impact_errors,
            now: web.state.clock.now(),
        },
    )
}

async fn show(web: Web, id: web::Path<i64>) -> AppResult<HttpResponse> {
    page(&web, id.into_inner(), Refused::Nothing).await
}

#[derive(Deserialize)]
struct TransitionForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    back: String,
}

async fn transition(posted: Posted<TransitionForm>, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let caller = posted.web.require()?;
    let id = id.into_inner();
    let to =
        serde_json::from_value::<ExchangeStatus>(serde_json::Value::String(posted.form.to.clone()))
            .map_err(|_| AppError::BadRequest("Unknown status.".into()))?;
    api_done(
        api_exchanges::transition(
            posted.web.state.clone(),
            caller,
            web::Path::from(id),
            Json(api_exchanges::TransitionRequest {
                to,
                note: posted.form.note.clone(),
            }),
        )
        .await,
    )
    .await?;
    let back = if posted.form.back == "coordinator" {
        format!("/coordinator#exchange-{id}")
    } else {
        format!("/exchanges/{id}")
    };
    Ok(see_other(&back))
}

async fn record(posted: Posted<TransactionForm>, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let caller = web.require()?;
    let id = id.into_inner();
    let mut errors: Vec<FieldError> = Vec::new();
    let quantity = parse_decimal(&mut errors, "quantity", &form.quantity);
    let unit_price = parse_decimal(&mut errors, "unit_price", &form.unit_price);
    let amount = parse_decimal(&mut errors, "amount", &form.amount);
    let vat_rate = parse_decimal(&mut errors, "vat_rate", &form.vat_rate);
    let occurred_on = match form.occurred_on.trim() {
        "" => None,
        text => match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(date) => Some(date),
            Err(_) => {
                errors.push(FieldError {
                    field: "occurred_on".into(),
                    code: "invalid_date".into(),
                    message: "Give a date such as 2026-03-31.".into(),
                });
                None
            }
        },
    };
    let Some(vat_rate) = vat_rate.filter(|_| errors.is_empty()) else {
        if errors.is_empty() {
            errors.push(FieldError {
                field: "vat_rate".into(),
                code: "required".into(),
                message: "Choose the VAT rate.".into(),
            });
        }
        let errors = FormErrors::from_error(AppError::Validation(errors), web.tr())?;
        return page(&web, id, Refused::Transaction(form, errors)).await;
    };
    let body = api_exchanges::CreateTransactionRequest {
        quantity,
        unit_price,
        amount,
        vat_rate,
        description: form.description.clone(),
        occurred_on,
    };
    // The form's one-time key makes a double submission record one transaction; the
    // hash binds the key to what was typed.
    let key = Some(form.key.trim().to_string()).filter(|k| (1..=200).contains(&k.len()));
    let hash = Sha256::digest(format!("{id}\n{form:?}").as_bytes()).to_vec();
    let answer = api_exchanges::record_transaction_keyed(
        web.state.clone(),
        caller,
        key.map(|k| format!("web:{k}")),
        web::Path::from(id),
        HashedJson { value: body, hash },
    )
    .await;
    match answer {
        Ok(_) => Ok(see_other(&format!("/exchanges/{id}#transactions"))),
        Err(error) => {
            let mut form = form;
            let errors = FormErrors::from_keyed_error(error, web.tr(), &mut form.key)?;
            page(&web, id, Refused::Transaction(form, errors)).await
        }
    }
}

#[derive(Deserialize)]
struct ReverseForm {
    #[serde(default)]
    exchange: String,
}

async fn reverse(posted: Posted<ReverseForm>, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let caller = posted.web.require()?;
    api_done(
        api_exchanges::reverse(
            posted.web.state.clone(),
            caller,
            web::Path::from(id.into_inner()),
            None,
        )
        .await,
    )
    .await?;
    let exchange: i64 = posted.form.exchange.parse().unwrap_or(0);
    Ok(see_other(&format!("/exchanges/{exchange}#transactions")))
}

async fn impact(posted: Posted<ImpactForm>, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let caller = web.require()?;
    let id = id.into_inner();
    let mut errors: Vec<FieldError> = Vec::new();
    let body = ImpactView {
        jobs_created: parse_int(&mut errors, "jobs_created", &form.jobs_created),
        jobs_kept: parse_int(&mut errors, "jobs_kept", &form.jobs_kept),
        tonnes_diverted: parse_decimal(&mut errors, "tonnes_diverted", &form.tonnes_diverted),
        km_avoided: parse_decimal(&mut errors, "km_avoided", &form.km_avoided),
        note: Some(form.note.trim().to_string()).filter(|n| !n.is_empty()),
    };
    let refused = if errors.is_empty() {
        match api_exchanges::set_impact(web.state.clone(), caller, web::Path::from(id), Json(body))
            .await
        {
            Ok(_) => return Ok(see_other(&format!("/exchanges/{id}#impact"))),
            Err(error) => error,
        }
    } else {
        AppError::Validation(errors)
    };
    let errors = FormErrors::from_error(refused, web.tr())?;
    page(&web, id, Refused::Impact(form, errors)).await
}
