//! Exchanges and their transactions: lifecycle, impact, the decimal-exact ledger with
//! reversals, and `Idempotency-Key` on the writes that create records.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::{Connection, PgConnection};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::CurrentAccount;
use super::json::{HashedJson, Json};
use super::listings::managed_by;
use super::AppState;
use crate::db;
use crate::domain::decimal::{price_display, quantity_display, ExactDecimal};
use crate::domain::ledger::{AmountInput, ExchangeStatus, Money};
use crate::domain::listing::Category;
use crate::domain::units::Unit;
use crate::domain::Invalid;
use crate::email::events;
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::models::exchange::{self, Exchange, NewExchange};
use crate::models::ids::{AccountId, EnterpriseId, ExchangeId, PoleId, TransactionId};
use crate::models::ledger::{self, Impact, NewTransaction, Transaction};
use crate::models::{enterprise, idempotency, listing, pole};

// ---- Access ----

/// What the caller may do with an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    None,
    /// Admins see everything.
    Read,
    /// The parties and their pôles' coordinators follow and record.
    Act,
}

fn access(conn: &mut PgConnection, caller: &CurrentAccount, found: &Exchange) -> AppResult<Access> {
    let managed = managed_by(conn, Some(caller))?;
    let coordinated = pole::coordinated_by(conn, caller.id())?;
    let party = managed.contains(&found.provider_enterprise_id)
        || managed.contains(&found.beneficiary_enterprise_id);
    let coordinator = [found.provider_pole_id, found.beneficiary_pole_id]
        .into_iter()
        .flatten()
        .any(|p| coordinated.contains(&p));
    Ok(if party || coordinator {
        Access::Act
    } else if caller.is_admin() {
        Access::Read
    } else {
        Access::None
    })
}

fn require(
    conn: &mut PgConnection,
    caller: &CurrentAccount,
    found: &Exchange,
    needed: Access,
) -> AppResult<()> {
    match (access(conn, caller, found)?, needed) {
        (Access::None, _) => Err(AppError::NotFound),
        (Access::Read, Access::Act) => Err(AppError::Forbidden(
            "Only the exchange's parties and their pôles' coordinators may do this.",
        )),
        _ => Ok(()),
    }
}

// ---- Views ----

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PartyView {
    pub enterprise_id: EnterpriseId,
    pub name: String,
    /// Slug of the pôle the party was seen through when the exchange was agreed.
    pub pole: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TransitionView {
    pub from: Option<String>,
    pub to: String,
    pub note: String,
    pub by: Option<AccountId>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TotalsView {
    pub count: i64,
    #[schema(value_type = String, example = "1234.50")]
    pub amount: ExactDecimal,
    #[schema(value_type = String)]
    pub vat_amount: ExactDecimal,
    #[schema(value_type = String)]
    pub amount_incl_tax: ExactDecimal,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ImpactView {
    pub jobs_created: Option<i32>,
    pub jobs_kept: Option<i32>,
    #[schema(value_type = Option<String>, example = "12.5")]
    pub tonnes_diverted: Option<ExactDecimal>,
    #[schema(value_type = Option<String>, example = "340")]
    pub km_avoided: Option<ExactDecimal>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ExchangeView {
    pub id: ExchangeId,
    pub status: ExchangeStatus,
    pub category: Category,
    pub title: String,
    pub provider: PartyView,
    pub beneficiary: PartyView,
    #[schema(value_type = Option<String>)]
    pub quantity: Option<ExactDecimal>,
    pub unit: Option<Unit>,
    #[schema(value_type = Option<String>)]
    pub unit_price: Option<ExactDecimal>,
    /// quantity × unit price, rounded half up to the cent.
    #[schema(value_type = Option<String>)]
    pub total_amount: Option<ExactDecimal>,
    pub match_id: Option<crate::models::ids::MatchId>,
    pub proposal_id: Option<crate::models::ids::ProposalId>,
    pub transitions: Vec<TransitionView>,
    pub totals: TotalsView,
    pub impact: ImpactView,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

fn pole_slug(conn: &mut PgConnection, id: Option<PoleId>) -> AppResult<Option<String>> {
    use crate::schema::poles;
    use diesel::prelude::*;
    Ok(match id {
        Some(id) => Some(poles::table.find(id).select(poles::slug).first(conn)?),
        None => None,
    })
}

fn exchange_view(conn: &mut PgConnection, found: Exchange) -> AppResult<ExchangeView> {
    let names = enterprise::names(
        conn,
        &[
            found.provider_enterprise_id,
            found.beneficiary_enterprise_id,
        ],
    )?;
    let transitions = ledger::transitions_of(conn, found.id)?
        .into_iter()
        .map(|t| TransitionView {
            from: t.from_status,
            to: t.to_status,
            note: t.note,
            by: t.account_id,
            at: t.created_at,
        })
        .collect();
    let totals = ledger::totals(conn, found.id)?;
    Ok(ExchangeView {
        id: found.id,
        status: ExchangeStatus::from_db(&found.status),
        category: Category::from_db(&found.category),
        title: found.title,
        provider: PartyView {
            enterprise_id: found.provider_enterprise_id,
            name: names
                .get(&found.provider_enterprise_id)
                .cloned()
                .unwrap_or_default(),
            pole: pole_slug(conn, found.provider_pole_id)?,
        },
        beneficiary: PartyView {
            enterprise_id: found.beneficiary_enterprise_id,
            name: names
                .get(&found.beneficiary_enterprise_id)
                .cloned()
                .unwrap_or_default(),
            pole: pole_slug(conn, found.beneficiary_pole_id)?,
        },
        quantity: found.quantity.map(quantity_display),
        unit: found.unit.as_deref().and_then(Unit::parse),
        unit_price: found.unit_price.map(price_display),
        total_amount: found.total_amount.map(ExactDecimal),
        match_id: found.match_id,
        proposal_id: found.proposal_id,
        transitions,
        totals: TotalsView {
            count: totals.count,
            amount: ExactDecimal(totals.amount),
            vat_amount: ExactDecimal(totals.vat_amount),
            amount_incl_tax: ExactDecimal(totals.amount_incl_tax),
        },
        impact: ImpactView {
            jobs_created: found.jobs_created,
            jobs_kept: found.jobs_kept,
            tonnes_diverted: found.tonnes_diverted.map(quantity_display),
            km_avoided: found.km_avoided.map(quantity_display),
            note: found.impact_note,
        },
        created_at: found.created_at,
        completed_at: found.completed_at,
    })
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TransactionView {
    pub id: TransactionId,
    pub exchange_id: ExchangeId,
    /// The transaction this one reverses.
    pub reverses_id: Option<TransactionId>,
    #[schema(value_type = Option<String>)]
    pub quantity: Option<ExactDecimal>,
    #[schema(value_type = Option<String>)]
    pub unit_price: Option<ExactDecimal>,
    /// Excluding tax, in euros.
    #[schema(value_type = String, example = "1234.50")]
    pub amount: ExactDecimal,
    #[schema(value_type = String, example = "20")]
    pub vat_rate: ExactDecimal,
    #[schema(value_type = String, example = "246.90")]
    pub vat_amount: ExactDecimal,
    #[schema(value_type = String, example = "1481.40")]
    pub amount_incl_tax: ExactDecimal,
    pub occurred_on: NaiveDate,
    pub description: String,
    pub recorded_by: AccountId,
    pub created_at: DateTime<Utc>,
}

impl From<Transaction> for TransactionView {
    fn from(t: Transaction) -> Self {
        TransactionView {
            id: t.id,
            exchange_id: t.exchange_id,
            reverses_id: t.reverses_id,
            quantity: t.quantity.map(quantity_display),
            unit_price: t.unit_price.map(price_display),
            amount: ExactDecimal(t.amount),
            vat_rate: quantity_display(t.vat_rate),
            vat_amount: ExactDecimal(t.vat_amount),
            amount_incl_tax: ExactDecimal(t.amount_incl_tax),
            occurred_on: t.occurred_on,
            description: t.description,
            recorded_by: t.recorded_by,
            created_at: t.created_at,
        }
    }
}

// ---- Idempotency ----

fn idempotency_key(req: &HttpRequest) -> AppResult<Option<String>> {
    match req.headers().get("Idempotency-Key") {
        None => Ok(None),
        Some(value) => {
            let key = value
                .to_str()
                .map_err(|_| AppError::BadRequest("Idempotency-Key must be ASCII.".into()))?
                .trim();
            if key.is_empty() || key.len() > 200 {
                return Err(AppError::invalid_field(
                    "Idempotency-Key",
                    Invalid::new(
                        "idempotency_key",
                        "An Idempotency-Key has 1 to 200 characters.",
                    ),
                ));
            }
            Ok(Some(key.to_string()))
        }
    }
}

/// Runs `create` in one transaction with the idempotency key: a retry with the same key and
/// body gets the first response again (status and body), a different body gets 422.
async fn idempotent<F>(
    state: &AppState,
    account: AccountId,
    key: Option<String>,
    request_hash: Vec<u8>,
    create: F,
) -> AppResult<HttpResponse>
where
    F: FnOnce(&mut PgConnection) -> AppResult<(StatusCode, String)> + Send + 'static,
{
    let (status, body) = db::run(&state.pool, move |conn| {
        conn.transaction(|conn| {
            if let Some(key) = &key {
                match idempotency::begin(conn, account, key, &request_hash)? {
                    idempotency::Begin::Fresh => {}
                    idempotency::Begin::Replay { status, body } => {
                        return Ok((StatusCode::from_u16(status).unwrap_or(StatusCode::OK), body));
                    }
                    idempotency::Begin::Mismatch => {
                        return Err(AppError::invalid_field(
                            "Idempotency-Key",
                            Invalid::new(
                                "idempotency_key_reused",
                                "This Idempotency-Key was used with another request body.",
                            ),
                        ));
                    }
                }
            }
            let (status, body) = create(conn)?;
            if let Some(key) = &key {
                idempotency::save(conn, account, key, status.as_u16(), &body)?;
            }
            Ok((status, body))
        })
    })
    .await?;
    Ok(HttpResponse::build(status)
        .content_type("application/json")
        .body(body))
}

fn to_json<T: Serialize>(value: &T) -> AppResult<String> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(e.into()))
}

// ---- Handlers ----

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateExchangeRequest {
    pub provider_enterprise_id: EnterpriseId,
    pub beneficiary_enterprise_id: EnterpriseId,
    pub category: Category,
    /// 5 to 120 characters.
    pub title: String,
    #[schema(value_type = Option<String>, example = "2")]
    pub quantity: Option<ExactDecimal>,
    pub unit: Option<Unit>,
    #[schema(value_type = Option<String>, example = "120.00")]
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
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    req: HttpRequest,
    body: HashedJson<CreateExchangeRequest>,
) -> AppResult<HttpResponse> {
    let key = idempotency_key(&req)?;
    create_keyed(state, caller, key, body).await
}

/// `create` with its idempotency key given (the web form sends it as a field).
pub async fn create_keyed(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    key: Option<String>,
    body: HashedJson<CreateExchangeRequest>,
) -> AppResult<HttpResponse> {
    let HashedJson { value: body, hash } = body;
    let mut errors = FieldErrors::new();
    errors.check("title", crate::domain::listing::check_title(&body.title));
    let (quantity, unit_price) =
        super::check_terms(&mut errors, body.quantity, body.unit, body.unit_price);
    if body.provider_enterprise_id == body.beneficiary_enterprise_id {
        errors.add(
            "beneficiary_enterprise_id",
            Invalid::new(
                "same_enterprise",
                "An enterprise cannot exchange with itself.",
            ),
        );
    }
    errors.finish()?;
    let account = caller.id();
    let links = state.links();
    idempotent(&state, account, key, hash, move |conn| {
        let coordinated = pole::coordinated_by(conn, account)?;
        let mut errors = FieldErrors::new();
        let mut homes = Vec::new();
        for (field, id) in [
            ("provider_enterprise_id", body.provider_enterprise_id),
            ("beneficiary_enterprise_id", body.beneficiary_enterprise_id),
        ] {
            match listing::home_pole(conn, id)? {
                Some(home) => homes.push((id, home)),
                None => errors.add(
                    field,
                    Invalid::new(
                        "not_approved",
                        "This enterprise is not an approved member of any pôle.",
                    ),
                ),
            }
        }
        errors.finish()?;
        let mut involved = Vec::new();
        for (id, _) in &homes {
            involved.extend(
                crate::models::enterprise::memberships_of(conn, *id)?
                    .into_iter()
                    .filter(|m| m.status == "approved")
                    .map(|m| m.pole_id),
            );
        }
        if !caller.is_admin() && !involved.iter().any(|p| coordinated.contains(p)) {
            return Err(AppError::Forbidden(
                "Only a coordinator of one of the two enterprises' pôles may record an exchange.",
            ));
        }
        let created = exchange::insert(
            conn,
            NewExchange {
                provider_enterprise_id: body.provider_enterprise_id,
                beneficiary_enterprise_id: body.beneficiary_enterprise_id,
                provider_pole_id: None,
                beneficiary_pole_id: None,
                category: body.category.as_str().into(),
                title: body.title.trim().into(),
                offer_listing_id: None,
                need_listing_id: None,
                quantity,
                unit: body.unit.map(|u| u.as_str().into()),
                unit_price,
                total_amount: None,
                created_by: Some(account),
                match_id: None,
                proposal_id: None,
            },
        )?;
        events::exchange_created(conn, &links, &created)?;
        Ok((
            StatusCode::CREATED,
            to_json(&exchange_view(conn, created)?)?,
        ))
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExchangeQuery {
    /// `agreed`, `in_progress`, `completed` or `cancelled`.
    pub status: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ExchangeList {
    pub items: Vec<ExchangeView>,
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
    caller: CurrentAccount,
    query: web::Query<ExchangeQuery>,
) -> AppResult<HttpResponse> {
    let status = match &query.status {
        Some(text) => Some(
            serde_json::from_value::<ExchangeStatus>(serde_json::Value::String(text.clone()))
                .map_err(|_| {
                    AppError::invalid_field(
                        "status",
                        Invalid::new("invalid_value", "Unknown exchange status."),
                    )
                })?,
        ),
        None => None,
    };
    let items = db::run(&state.pool, move |conn| {
        let managed = managed_by(conn, Some(&caller))?;
        let coordinated = pole::coordinated_by(conn, caller.id())?;
        let found = ledger::visible(conn, &managed, &coordinated, caller.is_admin(), status)?;
        found
            .into_iter()
            .map(|e| exchange_view(conn, e))
            .collect::<AppResult<Vec<_>>>()
    })
    .await?;
    Ok(HttpResponse::Ok().json(ExchangeList { items }))
}

/// An exchange with its transitions, totals and impact.
#[utoipa::path(get, path = "/api/v1/exchanges/{id}", tag = "exchanges", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Exchange id")),
    responses(
        (status = 200, body = ExchangeView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn show(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = ExchangeId(id.into_inner());
    let view = db::run(&state.pool, move |conn| {
        let found = exchange::find(conn, id)?;
        require(conn, &caller, &found, Access::Read)?;
        exchange_view(conn, found)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    pub to: ExchangeStatus,
    #[serde(default)]
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
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed from the current status", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn transition(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    id: web::Path<i64>,
    body: Json<TransitionRequest>,
) -> AppResult<HttpResponse> {
    let id = ExchangeId(id.into_inner());
    let body = body.0;
    if body.note.chars().count() > 2000 {
        return Err(AppError::invalid_field(
            "note",
            Invalid::new("too_long", "The note may have at most 2,000 characters."),
        ));
    }
    let links = state.links();
    let view = db::run(&state.pool, move |conn| {
        conn.transaction(|conn| {
            let found = ledger::find_for_update(conn, id)?;
            require(conn, &caller, &found, Access::Act)?;
            let current = ExchangeStatus::from_db(&found.status);
            if !current.can_become(body.to) {
                return Err(AppError::Conflict(format!(
                    "An exchange cannot go from {} to {}.",
                    current.as_str(),
                    body.to.as_str()
                )));
            }
            let moved = ledger::transition(conn, &found, body.to, body.note.trim(), caller.id())?;
            events::exchange_status_changed(conn, &links, &moved, body.to)?;
            exchange_view(conn, moved)
        })
    })
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
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Cancelled, or completed more than 30 days ago", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn set_impact(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    id: web::Path<i64>,
    body: Json<ImpactView>,
) -> AppResult<HttpResponse> {
    let id = ExchangeId(id.into_inner());
    let body = body.0;
    let clock = state.clock.clone();
    let mut errors = FieldErrors::new();
    for (field, value) in [
        ("jobs_created", body.jobs_created),
        ("jobs_kept", body.jobs_kept),
    ] {
        if value.is_some_and(|v| v < 0) {
            errors.add(field, Invalid::new("negative", "Give zero or more."));
        }
    }
    let mut decimal = |field: &str, value: Option<ExactDecimal>, scale: u32| {
        value.and_then(|v| {
            if v.0 < rust_decimal::Decimal::ZERO
                || v.0.normalize().scale() > scale
                || v.0 >= rust_decimal::Decimal::from(10_000_000_000i64)
            {
                errors.add(
                    field,
                    Invalid::new(
                        "impact_precision",
                        format!("Give zero or more, with at most {scale} decimals."),
                    ),
                );
                None
            } else {
                Some(v.0)
            }
        })
    };
    let tonnes = decimal("tonnes_diverted", body.tonnes_diverted, 3);
    let km = decimal("km_avoided", body.km_avoided, 1);
    if body.note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
        errors.add(
            "note",
            Invalid::new("too_long", "The note may have at most 2,000 characters."),
        );
    }
    errors.finish()?;
    let view = db::run(&state.pool, move |conn| {
        conn.transaction(|conn| {
            let found = ledger::find_for_update(conn, id)?;
            require(conn, &caller, &found, Access::Act)?;
            let status = ExchangeStatus::from_db(&found.status);
            let too_late =
                !crate::domain::ledger::impact_window_open(found.completed_at, clock.now());
            if status == ExchangeStatus::Cancelled || too_late {
                return Err(AppError::Conflict(
                    "Impact can be filled in until 30 days after completion.".into(),
                ));
            }
            let updated = ledger::set_impact(
                conn,
                id,
                &Impact {
                    jobs_created: body.jobs_created,
                    jobs_kept: body.jobs_kept,
                    tonnes_diverted: tonnes,
                    km_avoided: km,
                    impact_note: body.note.map(|n| n.trim().to_string()),
                },
            )?;
            exchange_view(conn, updated)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTransactionRequest {
    /// With `unit_price`: amount = quantity × unit price, rounded half up to the cent.
    #[schema(value_type = Option<String>, example = "2.5")]
    pub quantity: Option<ExactDecimal>,
    #[schema(value_type = Option<String>, example = "120.00")]
    pub unit_price: Option<ExactDecimal>,
    /// Or the amount excluding tax directly (euros, 2 decimals).
    #[schema(value_type = Option<String>, example = "300.00")]
    pub amount: Option<ExactDecimal>,
    /// 0, 2.1, 5.5, 10 or 20.
    #[schema(value_type = String, example = "20")]
    pub vat_rate: ExactDecimal,
    #[serde(default)]
    pub description: String,
    /// Defaults to today.
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
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The exchange is not in progress or completed", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn record_transaction(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    req: HttpRequest,
    id: web::Path<i64>,
    body: HashedJson<CreateTransactionRequest>,
) -> AppResult<HttpResponse> {
    let key = idempotency_key(&req)?;
    record_transaction_keyed(state, caller, key, id, body).await
}

/// `record_transaction` with its idempotency key given (the web form sends it as a field).
pub async fn record_transaction_keyed(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    key: Option<String>,
    id: web::Path<i64>,
    body: HashedJson<CreateTransactionRequest>,
) -> AppResult<HttpResponse> {
    let id = ExchangeId(id.into_inner());
    let HashedJson { value: body, hash } = body;
    let input = match (body.quantity, body.unit_price, body.amount) {
        (Some(quantity), Some(unit_price), None) => AmountInput::QuantityTimesPrice {
            quantity: quantity.0,
            unit_price: unit_price.0,
        },
        (None, None, Some(amount)) => AmountInput::Amount(amount.0),
        _ => {
            return Err(AppError::invalid_field(
                "amount",
                Invalid::new(
                    "amount_or_quantity",
                    "Give either an amount, or a quantity with a unit price.",
                ),
            ))
        }
    };
    let field = if matches!(input, AmountInput::Amount(_)) {
        "amount"
    } else {
        "quantity"
    };
    let money = Money::compute(input, body.vat_rate.0).map_err(|invalid| {
        let field = if invalid.code == "vat_rate" {
            "vat_rate"
        } else if invalid.code.starts_with("price") {
            "unit_price"
        } else {
            field
        };
        AppError::invalid_field(field, invalid)
    })?;
    if body.description.chars().count() > 500 {
        return Err(AppError::invalid_field(
            "description",
            Invalid::new(
                "too_long",
                "The description may have at most 500 characters.",
            ),
        ));
    }
    let occurred_on = body.occurred_on.unwrap_or_else(|| state.clock.today());
    let account = caller.id();
    let links = state.links();
    idempotent(&state, account, key, hash, move |conn| {
        let found = ledger::find_for_update(conn, id)?;
        require(conn, &caller, &found, Access::Act)?;
        if !ExchangeStatus::from_db(&found.status).accepts_transactions() {
            return Err(AppError::Conflict(
                "Transactions are recorded on exchanges in progress or completed.".into(),
            ));
        }
        let recorded = ledger::insert(
            conn,
            NewTransaction {
                exchange: &found,
                money,
                quantity: body.quantity.map(|q| q.0),
                unit_price: body.unit_price.map(|p| p.0),
                occurred_on,
                description: body.description.trim(),
                reverses: None,
                recorded_by: account,
            },
        )?;
        events::transaction_recorded(conn, &links, &found, &recorded)?;
        Ok((
            StatusCode::CREATED,
            to_json(&TransactionView::from(recorded))?,
        ))
    })
    .await
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TransactionList {
    pub items: Vec<TransactionView>,
    pub totals: TotalsView,
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
    caller: CurrentAccount,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = ExchangeId(id.into_inner());
    let list = db::run(&state.pool, move |conn| {
        let found = exchange::find(conn, id)?;
        require(conn, &caller, &found, Access::Read)?;
        let items = ledger::of_exchange(conn, id)?
            .into_iter()
            .map(TransactionView::from)
            .collect();
        let totals = ledger::totals(conn, id)?;
        Ok(TransactionList {
            items,
            totals: TotalsView {
                count: totals.count,
                amount: ExactDecimal(totals.amount),
                vat_amount: ExactDecimal(totals.vat_amount),
                amount_incl_tax: ExactDecimal(totals.amount_incl_tax),
            },
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReverseRequest {
    #[serde(default)]
    pub description: String,
}

/// Undo a transaction with a reversal that nets it to zero (once per transaction).
#[utoipa::path(post, path = "/api/v1/transactions/{id}/reverse", tag = "exchanges", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Transaction id")),
    request_body(content = Option<ReverseRequest>),
    responses(
        (status = 201, body = TransactionView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Reversed already, or itself a reversal", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn reverse(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    id: web::Path<i64>,
    body: Option<Json<ReverseRequest>>,
) -> AppResult<HttpResponse> {
    let id = TransactionId(id.into_inner());
    let description = body.map(|b| b.0.description).unwrap_or_default();
    if description.chars().count() > 500 {
        return Err(AppError::invalid_field(
            "description",
            Invalid::new(
                "too_long",
                "The description may have at most 500 characters.",
            ),
        ));
    }
    let links = state.links();
    let today = state.clock.today();
    let view = db::run(&state.pool, move |conn| {
        conn.transaction(|conn| {
            let original = ledger::find(conn, id)?;
            let found = ledger::find_for_update(conn, original.exchange_id)?;
            require(conn, &caller, &found, Access::Act)?;
            if original.reverses_id.is_some() {
                return Err(AppError::Conflict(
                    "A reversal cannot itself be reversed.".into(),
                ));
            }
            if ledger::is_reversed(conn, id)? {
                return Err(AppError::Conflict(
                    "This transaction is reversed already.".into(),
                ));
            }
            let money = Money {
                amount: original.amount,
                vat_rate: original.vat_rate,
                vat_amount: original.vat_amount,
                amount_incl_tax: original.amount_incl_tax,
            }
            .reversed();
            let description = if description.trim().is_empty() {
                format!("Annulation de l'opération {}", original.id)
            } else {
                description.trim().to_string()
            };
            let reversal = ledger::insert(
                conn,
                NewTransaction {
                    exchange: &found,
                    money,
                    quantity: original.quantity.map(|q| -q),
                    unit_price: original.unit_price,
                    occurred_on: today,
                    description: &description,
                    reverses: Some(id),
                    recorded_by: caller.id(),
                },
            )?;
            events::transaction_recorded(conn, &links, &found, &reversal)?;
            Ok(TransactionView::from(reversal))
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}
