//! Matches between offers and needs, and proposals answering a listing: seeing them,
//! answering them, and the exchange created when both sides agree.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::json::Json;
use crate::auth::{Caller, ClientAddress};
use crate::domain::decimal::ExactDecimal;
use crate::domain::listing::Kind;
use crate::domain::units::Unit;
use crate::error::{AppResult, Problem};
use crate::models::ids::{EnterpriseId, ListingId, MatchId, ProposalId};
use crate::ops::limits::Requester;
use crate::ops::listings::exact;
use crate::ops::{matches, proposals};
use crate::state::AppState;
use crate::views::matches::{DecisionView, MatchList, ProposalList, ProposalView};

/// The matches of a listing, best first, explained (its enterprise's accounts and its
/// pôles' coordinators).
#[utoipa::path(get, path = "/api/v1/listings/{id}/matches", tag = "matches", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Listing id")),
    responses(
        (status = 200, body = MatchList),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_listing_manager`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn of_listing(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<ListingId>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let list = state
        .run(move |conn, _| matches::of_listing(conn, &caller, id))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatchQuery {
    /// `proposed`, `accepted`, `declined` or `withdrawn`; default: all but withdrawn.
    #[param(pattern = "^(proposed|accepted|declined|withdrawn)$")]
    pub status: Option<String>,
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// Matches involving the enterprises you act for or coordinate, best first.
#[utoipa::path(get, path = "/api/v1/matches", tag = "matches", security(("bearer" = [])), params(MatchQuery),
    responses(
        (status = 200, body = MatchList),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn mine(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<MatchQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let limit = query.limit.unwrap_or(50);
    let list = state
        .run(move |conn, _| matches::mine(conn, &caller, query.status.as_deref(), limit))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"side": "need"}))]
pub struct DecisionRequest {
    /// Which side you answer for; needed only when you manage both.
    pub side: Option<Kind>,
}

async fn decide(
    state: web::Data<AppState>,
    caller: Caller,
    id: MatchId,
    body: Option<Json<DecisionRequest>>,
    accepted: bool,
) -> AppResult<HttpResponse> {
    let side = body.and_then(|b| b.0.side);
    let view = state
        .run(move |conn, env| matches::decide(conn, env, &caller, id, side, accepted))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Accept a match for your side. When both sides have accepted, exactly one exchange is
/// created, committing no more than the offer has left.
#[utoipa::path(post, path = "/api/v1/matches/{id}/accept", tag = "matches", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Match id")),
    request_body(content = Option<DecisionRequest>),
    responses(
        (status = 200, body = DecisionView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_your_side`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`match_already_decided`, `listing_not_open`, `offer_exhausted`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn accept(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<MatchId>,
    body: Option<Json<DecisionRequest>>,
) -> AppResult<HttpResponse> {
    decide(state, caller, id.into_inner(), body, true).await
}

/// Decline a match for your side.
#[utoipa::path(post, path = "/api/v1/matches/{id}/decline", tag = "matches", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Match id")),
    request_body(content = Option<DecisionRequest>),
    responses(
        (status = 200, body = DecisionView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_your_side`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`match_already_decided`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn decline(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<MatchId>,
    body: Option<Json<DecisionRequest>>,
) -> AppResult<HttpResponse> {
    decide(state, caller, id.into_inner(), body, false).await
}

// ---- Proposals ----

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"enterprise_id": 2, "message": "Nous pouvons livrer 500 kg la semaine prochaine.", "quantity": "500", "unit": "kg", "unit_price": "0.10"}))]
pub struct CreateProposalRequest {
    /// The enterprise that proposes (one you act for).
    pub enterprise_id: EnterpriseId,
    #[schema(min_length = 1, max_length = 2000)]
    pub message: String,
    #[schema(value_type = Option<String>, example = "500", pattern = r"^\d{1,14}(\.\d{1,6})?$")]
    pub quantity: Option<ExactDecimal>,
    pub unit: Option<Unit>,
    #[schema(value_type = Option<String>, example = "0.10", pattern = r"^\d{1,14}(\.\d{1,6})?$")]
    pub unit_price: Option<ExactDecimal>,
}

/// Answer a listing directly, without a listing of your own.
#[utoipa::path(post, path = "/api/v1/listings/{id}/proposals", tag = "matches", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Id of the listing")),
    request_body = CreateProposalRequest,
    responses(
        (status = 201, body = ProposalView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_your_enterprise`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`listing_not_open`, `own_listing`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn propose(
    state: web::Data<AppState>,
    caller: Caller,
    address: ClientAddress,
    id: web::Path<ListingId>,
    body: Json<CreateProposalRequest>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let body = body.0;
    let command = proposals::NewProposalCommand {
        enterprise_id: body.enterprise_id,
        message: body.message,
        quantity: exact(body.quantity),
        unit: body.unit,
        unit_price: exact(body.unit_price),
    };
    let requester = Requester::at(address.limit_key());
    let view = state
        .run(move |conn, env| proposals::propose(conn, env, &caller, &requester, id, command))
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The proposals made to a listing (its enterprise's accounts and its pôles' coordinators).
#[utoipa::path(get, path = "/api/v1/listings/{id}/proposals", tag = "matches", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Id of the listing")),
    responses(
        (status = 200, body = ProposalList),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_listing_manager`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn proposals_of(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<ListingId>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let list = state
        .run(move |conn, _| proposals::of_listing(conn, &caller, id))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

async fn decide_proposal(
    state: web::Data<AppState>,
    caller: Caller,
    id: ProposalId,
    accepted: bool,
) -> AppResult<HttpResponse> {
    let view = state
        .run(move |conn, env| proposals::decide(conn, env, &caller, id, accepted))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Accept a proposal to your listing: the exchange is created at once.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/accept", tag = "matches", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Proposal id")),
    responses(
        (status = 200, body = ProposalView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_your_side`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`proposal_already_decided`, `listing_not_open`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn accept_proposal(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<ProposalId>,
) -> AppResult<HttpResponse> {
    decide_proposal(state, caller, id.into_inner(), true).await
}

/// Decline a proposal to your listing.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/decline", tag = "matches", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Proposal id")),
    responses(
        (status = 200, body = ProposalView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_your_side`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`proposal_already_decided`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn decline_proposal(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<ProposalId>,
) -> AppResult<HttpResponse> {
    decide_proposal(state, caller, id.into_inner(), false).await
}
