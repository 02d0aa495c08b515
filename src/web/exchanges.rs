//! An exchange's page: parties, status and the allowed next statuses, transactions with
//! their exact totals, recording one and reversing one.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::listings::parse_decimal;
use super::{api_done, api_json, see_other, Ctx, FormErrors, Posted, Web};
use crate::api::exchanges::{self as api_exchanges, ExchangeView, TransactionList};
use crate::api::json::{HashedJson, Json};
use crate::domain::ledger::ExchangeStatus;
use crate::error::{AppError, AppResult, FieldError};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/exchanges/{id}", web::get().to(show))
        .route("/exchanges/{id}/transition", web::post().to(transition))
        .route("/exchanges/{id}/transactions", web::post().to(record))
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

#[derive(Template)]
#[template(path = "exchange.html")]
struct ExchangePage {
    ctx: Ctx,
    x: ExchangeView,
    tx: TransactionList,
    next: Vec<&'static str>,
    form: TransactionForm,
    errors: FormErrors,
}

impl ExchangePage {
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

async fn page(
    web: &Web,
    id: i64,
    form: TransactionForm,
    errors: FormErrors,
) -> AppResult<HttpResponse> {
    let caller = web.require()?;
    let x: ExchangeView =
        api_json(api_exchanges::show(web.state.clone(), caller.clone(), web::Path::from(id)).await)
            .await?;
    let tx: TransactionList =
        api_json(api_exchanges::transactions(web.state.clone(), caller, web::Path::from(id)).await)
            .await?;
    let status = if errors.any() {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        actix_web::http::StatusCode::OK
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
        },
    )
}

async fn show(web: Web, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let form = TransactionForm {
        key: super::csrf::random_key(),
        vat_rate: "20".into(),
        ..TransactionForm::default()
    };
    page(&web, id.into_inner(), form, FormErrors::default()).await
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
        return page(&web, id, form, errors).await;
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
            let errors = FormErrors::from_error(error, web.tr())?;
            page(&web, id, form, errors).await
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
