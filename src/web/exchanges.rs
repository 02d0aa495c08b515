//! An exchange's page: parties, status and the allowed next statuses, transactions with
//! their exact totals, recording one and reversing one, and its impact figures.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::confirm::{confirmed, redirect_with, ConfirmPage};
use super::forms::FormReader;
use super::{Ctx, FormErrors, Posted, Web};
use crate::domain::account::Locale;
use crate::domain::decimal::ExactDecimal;
use crate::domain::ledger::ExchangeStatus;
use crate::error::{AppError, AppResult};
use crate::models::ids::{ExchangeId, TransactionId};
use crate::ops::exchanges::{self as ops, IdempotencyKey};
use crate::ops::transactions::{self, NewTransactionCommand};
use crate::views::exchanges::{ExchangeView, ImpactView, TransactionList};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/exchanges/{id}", web::get().to(show))
        .route("/exchanges/{id}/transition", web::post().to(transition))
        .route("/exchanges/{id}/transactions", web::post().to(record))
        .route("/exchanges/{id}/impact", web::post().to(impact))
        .route("/transactions/{id}/reverse", web::post().to(reverse));
}

/// The statuses an exchange may move to next.
pub fn next_statuses(status: ExchangeStatus) -> Vec<ExchangeStatus> {
    [
        ExchangeStatus::InProgress,
        ExchangeStatus::Completed,
        ExchangeStatus::Cancelled,
    ]
    .into_iter()
    .filter(|next| status.can_become(*next))
    .collect()
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct TransactionForm {
    /// A random key per rendering of the form: a double submission records once.
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
        let decimal = |v: &ExactDecimal| {
            let plain = v.0.normalize().to_string();
            match lang {
                Locale::Fr => plain.replace('.', ","),
                Locale::En => plain,
            }
        };
        ImpactForm {
            jobs_created: impact
                .jobs_created
                .map(|v| v.to_string())
                .unwrap_or_default(),
            jobs_kept: impact.jobs_kept.map(|v| v.to_string()).unwrap_or_default(),
            tonnes_diverted: impact
                .tonnes_diverted
                .as_ref()
                .map(decimal)
                .unwrap_or_default(),
            km_avoided: impact.km_avoided.as_ref().map(decimal).unwrap_or_default(),
            note: impact.note.clone().unwrap_or_default(),
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
    next: Vec<ExchangeStatus>,
    form: TransactionForm,
    errors: FormErrors,
    impact: ImpactForm,
    impact_errors: FormErrors,
    now: chrono::DateTime<chrono::Utc>,
    /// Signed agreements, delivery notes, photos.
    files: Vec<crate::views::conversations::AttachmentView>,
}

impl ExchangePage {
    /// Impact figures are filled in on exchanges not cancelled, until 30 days after
    /// completion (the operation's rule; the form is not shown when it would refuse).
    fn accepts_impact(&self) -> bool {
        let too_late = !crate::domain::ledger::impact_window_open(self.x.completed_at, self.now);
        self.x.status != ExchangeStatus::Cancelled && !too_late
    }

    /// The figures recorded, as (label, value).
    fn impact_figures(&self) -> Vec<(String, String)> {
        let i = &self.x.impact;
        let mut out = Vec::new();
        if let Some(v) = i.jobs_created {
            out.push((self.impact_label("jobs_created"), v.to_string()));
        }
        if let Some(v) = i.jobs_kept {
            out.push((self.impact_label("jobs_kept"), v.to_string()));
        }
        if let Some(v) = &i.tonnes_diverted {
            out.push((self.impact_label("tonnes_diverted"), self.ctx.num(v)));
        }
        if let Some(v) = &i.km_avoided {
            out.push((self.impact_label("km_avoided"), self.ctx.num(v)));
        }
        out
    }

    fn impact_label(&self, key: &str) -> String {
        self.ctx.t(&format!("impact-{key}"))
    }

    fn accepts_transactions(&self) -> bool {
        self.x.status.accepts_transactions()
    }

    fn reversed(&self, id: &TransactionId) -> bool {
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

async fn page(web: &Web, id: ExchangeId, refused: Refused) -> AppResult<HttpResponse> {
    let caller = web.require()?;
    let (x, tx, files) = web
        .run(move |conn, _| {
            Ok((
                ops::show(conn, &caller, id)?,
                transactions::list(conn, &caller, id)?,
                crate::ops::attachments::of_exchange(conn, &caller, id)?,
            ))
        })
        .await?;
    let (status, form, errors, impact, impact_errors) = match refused {
        Refused::Nothing => (
            StatusCode::OK,
            fresh_transaction_form(),
            FormErrors::default(),
            ImpactForm::of(&x.impact, web.ctx.lang),
            FormErrors::default(),
        ),
        Refused::Transaction(form, errors) => (
            errors.status(),
            // A corrected form is a new request: it gets a new key.
            TransactionForm {
                key: super::csrf::random_key(),
                ..form
            },
            errors,
            ImpactForm::of(&x.impact, web.ctx.lang),
            FormErrors::default(),
        ),
        Refused::Impact(impact, errors) => (
            errors.status(),
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
            files,
        },
    )
}

async fn show(web: Web, id: web::Path<ExchangeId>) -> AppResult<HttpResponse> {
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

async fn transition(
    posted: Posted<TransitionForm>,
    id: web::Path<ExchangeId>,
) -> AppResult<HttpResponse> {
    let caller = posted.web.require()?;
    let id = id.into_inner();
    let to = ExchangeStatus::parse(&posted.form.to)
        .ok_or_else(|| AppError::bad_request("unknown_status"))?;
    let note = posted.form.note.clone();
    let back = if posted.form.back == "coordinator" {
        format!("/coordinator#exchange-{id}")
    } else {
        format!("/exchanges/{id}")
    };
    // Completing or cancelling ends the exchange for good: confirmed first.
    let final_state = matches!(to, ExchangeStatus::Completed | ExchangeStatus::Cancelled);
    if final_state && !confirmed(&posted.pairs) {
        let what = format!("exchange-{}", to.as_str());
        return ConfirmPage::answer(
            &posted.web,
            &what,
            format!("/exchanges/{id}/transition"),
            &posted.pairs,
            back,
        );
    }
    posted
        .web
        .run(move |conn, env| ops::transition(conn, env, &caller, id, to, &note))
        .await?;
    let flash = format!("exchange-{}", to.as_str().replace('_', "-"));
    Ok(redirect_with(&posted.web.state, &back, &flash))
}

async fn record(
    posted: Posted<TransactionForm>,
    id: web::Path<ExchangeId>,
) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let caller = web.require()?;
    let id = id.into_inner();
    let mut reader = FormReader::new(web.words());
    let quantity = reader.decimal("quantity", &form.quantity);
    let unit_price = reader.decimal("unit_price", &form.unit_price);
    let amount = reader.decimal("amount", &form.amount);
    let vat_rate = reader.decimal("vat_rate", &form.vat_rate);
    let vat_rate = reader.required("vat_rate", vat_rate);
    let occurred_on = reader.date("occurred_on", &form.occurred_on);
    let Some(vat_rate) = vat_rate.filter(|_| reader.errors.is_empty()) else {
        return page(&web, id, Refused::Transaction(form, reader.errors)).await;
    };
    let command = NewTransactionCommand {
        quantity,
        unit_price,
        amount,
        vat_rate,
        description: form.description.clone(),
        occurred_on,
    };
    // The form's one-time key makes a double submission record one transaction; the
    // hash binds the key to what was typed.
    let hash = Sha256::digest(format!("{id}\n{form:?}").as_bytes()).to_vec();
    let key = IdempotencyKey::new(&format!("web:{}", form.key.trim()), hash).ok();
    let answer = web
        .run(move |conn, env| transactions::record(conn, env, &caller, id, key, command))
        .await;
    match answer {
        Ok(_) => Ok(redirect_with(
            &web.state,
            &format!("/exchanges/{id}#transactions"),
            "transaction-recorded",
        )),
        Err(error) => {
            let errors = FormErrors::from_error(error, web.words())?.lift("Idempotency-Key");
            page(&web, id, Refused::Transaction(form, errors)).await
        }
    }
}

#[derive(Deserialize)]
struct ReverseForm {
    #[serde(default)]
    exchange: String,
}

/// Reverses a transaction, after a confirmation step (a reversal cannot be undone).
async fn reverse(
    posted: Posted<ReverseForm>,
    id: web::Path<TransactionId>,
) -> AppResult<HttpResponse> {
    let caller = posted.web.require()?;
    let id = id.into_inner();
    if !confirmed(&posted.pairs) {
        let back = match posted.form.exchange.parse::<i64>() {
            Ok(exchange) => format!("/exchanges/{exchange}#transactions"),
            Err(_) => "/dashboard".to_string(),
        };
        return ConfirmPage::answer(
            &posted.web,
            "reverse",
            format!("/transactions/{id}/reverse"),
            &posted.pairs,
            back,
        );
    }
    let reversal = posted
        .web
        .run(move |conn, env| transactions::reverse(conn, env, &caller, id, ""))
        .await?;
    Ok(redirect_with(
        &posted.web.state,
        &format!("/exchanges/{}#transactions", reversal.exchange_id),
        "transaction-reversed",
    ))
}

async fn impact(posted: Posted<ImpactForm>, id: web::Path<ExchangeId>) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let caller = web.require()?;
    let id = id.into_inner();
    let mut reader = FormReader::new(web.words());
    let mut exact = |field: &str, value: &str| reader.decimal(field, value).map(ExactDecimal);
    let tonnes_diverted = exact("tonnes_diverted", &form.tonnes_diverted);
    let km_avoided = exact("km_avoided", &form.km_avoided);
    let figures = ImpactView {
        jobs_created: reader.whole("jobs_created", &form.jobs_created),
        jobs_kept: reader.whole("jobs_kept", &form.jobs_kept),
        tonnes_diverted,
        km_avoided,
        note: FormReader::text(&form.note),
    };
    if !reader.errors.is_empty() {
        return page(&web, id, Refused::Impact(form, reader.errors)).await;
    }
    match web
        .run(move |conn, env| ops::set_impact(conn, env, &caller, id, figures))
        .await
    {
        Ok(_) => Ok(redirect_with(
            &web.state,
            &format!("/exchanges/{id}#impact"),
            "impact-saved",
        )),
        Err(error) => {
            let errors = FormErrors::from_error(error, web.words())?;
            page(&web, id, Refused::Impact(form, errors)).await
        }
    }
}
