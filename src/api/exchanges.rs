//! Exchanges and their transactions: lifecycle, impact, the decimal-exact ledger with
//! reversals, and `Idempotency-Key` on the writes that create records.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::json::{HashedJson, Json};
use crate::auth::Caller;
use crate::domain::decimal::ExactDecimal;
use crate::domain::ledger::ExchangeStatus;
use crate::domain::listing::Category;
use crate::domain::units::Unit;
use crate::error::{AppError, AppResult, Problem};
use crate::models::ids::{EnterpriseId, ExchangeId, TransactionId};
use crate::ops::exchanges::{self, IdempotencyKey, Keyed, NewExchangeCommand};
use crate::ops::listings::exact;
use crate::ops::transactions::{self, NewTransactionCommand};
use crate::state::AppState;
use crate::views::exchanges::{
    ExchangeList, ExchangeView, ImpactView, TransactionList, TransactionView,
};

/// The `Idempotency-Key` header, bound to this request's method, path and body.
fn idempotency_key(req: &HttpRequest, request_hash: Vec<u8>) -> AppResult<Option<IdempotencyKey>> {
    match req.headers().get("Idempotency-Key") {
        None => Ok(None),
        Some(value) => {
            let key = value
                .to_str()
                .map_err(|_| AppError::bad_request("idempotency_key_ascii"))?;
            IdempotencyKey::new(key, request_hash).map(Some)
        }
    }
}

/// A keyed write's answer: 201 with the record, the first time and on every retry.
fn created<V: Serialize>(answer: Keyed<V>) -> HttpResponse {
    HttpResponse::Created().json(answer.into_inner())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"provider_enterprise_id": 1, "beneficiary_enterprise_id": 2, "category": "local_resource", "title": "Palettes reconditionnées", "quantity": "40", "unit": "unit", "unit_price": "6.50"}))]
pub struct CreateExchangeRequest {
    pub provider_enterprise_id: EnterpriseId,
    pub beneficiary_enterprise_id: EnterpriseId,
    pub category: Category,
    #[schema(min_length = 5, max_length = 120)]
    pub title: String,
    #[schema(value_type = Option<String>, example = "2", pattern = r"^\d{1,14}(\.\d{1,6})?$")]
    pub quantity: Option<ExactDecimal>,
    pub unit: Option<Unit>,
    /// € HT per unit.
    #[schema(value_type = Option<String>, example = "120.00", pattern = r"^\d{1,14}(\.\d{1,6})?$")]
    pub unit_price: Option<ExactDecimal>,
}

/// A coordinator records an exchange between two approved enterprises, at least one of
/// them in its pôle. Accepts `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/exchanges", tag = "exchanges", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key and body return the first response")),
    request_body = CreateExchangeRequest,
    responses(
        (status = 201, body = ExchangeView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_pole_coordinator`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: HashedJson<CreateExchangeRequest>,
) -> AppResult<HttpResponse> {
    let HashedJson { value: body, hash } = body;
    let key = idempotency_key(&req, hash)?;
    let command = NewExchangeCommand {
        provider_enterprise_id: body.provider_enterprise_id,
        beneficiary_enterprise_id: body.beneficiary_enterprise_id,
        category: body.category,
        title: body.title,
        quantity: exact(body.quantity),
        unit: body.unit,
        unit_price: exact(body.unit_price),
    };
    let answer = state
        .run(move |conn, env| exchanges::create(conn, env, &caller, key, command))
        .await?;
    Ok(created(answer))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExchangeQuery {
    /// `agreed`, `in_progress`, `completed` or `cancelled`.
    #[param(pattern = "^(agreed|in_progress|completed|cancelled)$")]
    pub status: Option<String>,
}

/// Exchanges of the enterprises you act for and of the pôles you coordinate (all for admins).
#[utoipa::path(get, path = "/api/v1/exchanges", tag = "exchanges", security(("bearer" = [])), params(ExchangeQuery),
    responses(
        (status = 200, body = ExchangeList),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ExchangeQuery>,
) -> AppResult<HttpResponse> {
    let status = query.into_inner().status;
    let list = state
        .run(move |conn, _| exchanges::list(conn, &caller, status.as_deref()))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// An exchange with its transitions, totals and impact.
#[utoipa::path(get, path = "/api/v1/exchanges/{id}", tag = "exchanges", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Exchange id")),
    responses(
        (status = 200, body = ExchangeView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn show(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<ExchangeId>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let view = state
        .run(move |conn, _| exchanges::show(conn, &caller, id))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "in_progress", "note": "Livraison planifiée"}))]
pub struct TransitionRequest {
    pub to: ExchangeStatus,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub note: String,
}

/// Move an exchange along `agreed` → `in_progress` → `completed` (or `cancelled`); who and
/// when are recorded.
#[utoipa::path(post, path = "/api/v1/exchanges/{id}/transition", tag = "exchanges", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Exchange id")),
    request_body = TransitionRequest,
    responses(
        (status = 200, body = ExchangeView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_exchange_party`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`transition_not_allowed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn transition(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<ExchangeId>,
    body: Json<TransitionRequest>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let body = body.0;
    let view = state
        .run(move |conn, env| exchanges::transition(conn, env, &caller, id, body.to, &body.note))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Record the exchange's impact: jobs created or kept, tonnes diverted, km avoided.
#[utoipa::path(put, path = "/api/v1/exchanges/{id}/impact", tag = "exchanges", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Exchange id")),
    request_body = ImpactView,
    responses(
        (status = 200, body = ExchangeView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_exchange_party`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`impact_window_closed`: cancelled, or completed more than 30 days ago", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn set_impact(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<ExchangeId>,
    body: Json<ImpactView>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let figures = body.0;
    let view = state
        .run(move |conn, env| exchanges::set_impact(conn, env, &caller, id, figures))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"amount": "300.00", "vat_rate": "20", "description": "Livraison de mars", "occurred_on": "2026-03-15"}))]
pub struct CreateTransactionRequest {
    /// With `unit_price`: amount = quantity × unit price, rounded half up to the cent.
    #[schema(value_type = Option<String>, example = "2.5", pattern = r"^\d{1,14}(\.\d{1,6})?$")]
    pub quantity: Option<ExactDecimal>,
    #[schema(value_type = Option<String>, example = "120.00", pattern = r"^\d{1,14}(\.\d{1,6})?$")]
    pub unit_price: Option<ExactDecimal>,
    /// Or the amount excluding tax (HT) directly (euros, 2 decimals).
    #[schema(value_type = Option<String>, example = "300.00", pattern = r"^\d{1,14}(\.\d{1,2})?$")]
    pub amount: Option<ExactDecimal>,
    /// 0, 2.1, 5.5, 10 or 20.
    #[schema(value_type = String, example = "20", pattern = r"^(0|2\.1|5\.5|10|20)(\.0*)?$")]
    pub vat_rate: ExactDecimal,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub description: String,
    /// Defaults to today in Paris.
    pub occurred_on: Option<NaiveDate>,
}

/// Record a transaction on an exchange in progress or completed. Accepts `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/exchanges/{id}/transactions", tag = "exchanges", security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Exchange id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key and body return the first response"),
    ),
    request_body = CreateTransactionRequest,
    responses(
        (status = 201, body = TransactionView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_exchange_party`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`exchange_not_in_progress`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn record_transaction(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<ExchangeId>,
    body: HashedJson<CreateTransactionRequest>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let HashedJson { value: body, hash } = body;
    let key = idempotency_key(&req, hash)?;
    let command = NewTransactionCommand {
        quantity: exact(body.quantity),
        unit_price: exact(body.unit_price),
        amount: exact(body.amount),
        vat_rate: body.vat_rate.0,
        description: body.description,
        occurred_on: body.occurred_on,
    };
    let answer = state
        .run(move |conn, env| transactions::record(conn, env, &caller, id, key, command))
        .await?;
    Ok(created(answer))
}

/// An exchange's transactions and their exact totals.
#[utoipa::path(get, path = "/api/v1/exchanges/{id}/transactions", tag = "exchanges", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Exchange id")),
    responses(
        (status = 200, body = TransactionList),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn transactions(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<ExchangeId>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let list = state
        .run(move |conn, _| transactions::list(conn, &caller, id))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"description": "Montant erroné"}))]
pub struct ReverseRequest {
    #[serde(default)]
    #[schema(max_length = 500)]
    pub description: String,
}

/// Undo a transaction with a reversal that nets it to zero (once per transaction).
#[utoipa::path(post, path = "/api/v1/transactions/{id}/reverse", tag = "exchanges", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Transaction id")),
    request_body(content = Option<ReverseRequest>),
    responses(
        (status = 201, body = TransactionView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_exchange_party`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`transaction_reversed`, `reversal_of_reversal`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn reverse(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<TransactionId>,
    body: Option<Json<ReverseRequest>>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let description = body.map(|b| b.0.description).unwrap_or_default();
    let view = state
        .run(move |conn, env| transactions::reverse(conn, env, &caller, id, &description))
        .await?;
    Ok(HttpResponse::Created().json(view))
}
