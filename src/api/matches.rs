//! Matches between offers and needs, and proposals to needs: seeing them, answering them,
//! and the exchange created when both sides agree.

use actix_web::{web, HttpResponse};
use diesel::PgConnection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::CurrentAccount;
use super::json::Json;
use super::listings::{disclosure_for, managed_by, Disclosure, ListingView};
use super::AppState;
use crate::db;
use crate::domain::account::Locale;
use crate::domain::decimal::{price_display, quantity_display, ExactDecimal};
use crate::domain::listing::{Kind, Status};
use crate::domain::matching::{Factor, FactorKind};
use crate::domain::units::Unit;
use crate::domain::Invalid;
use crate::email::events;
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::models::exchange::{self, NewProposal, Proposal};
use crate::models::ids::{EnterpriseId, ExchangeId, ListingId, MatchId, ProposalId};
use crate::models::listing::{self, Listing};
use crate::models::matching::{self, Match};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FactorView {
    pub factor: FactorKind,
    /// 0–100.
    pub score: u8,
    /// One sentence in the reader's language.
    pub detail: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MatchView {
    pub id: MatchId,
    pub offer_id: ListingId,
    pub need_id: ListingId,
    /// 0–100, higher is better.
    pub score: i16,
    /// `proposed`, `accepted`, `declined` or `withdrawn`.
    pub status: String,
    pub explanation: Vec<FactorView>,
    pub distance_km: Option<f64>,
    pub offer_decision: Option<String>,
    pub need_decision: Option<String>,
    pub exchange_id: Option<ExchangeId>,
    /// The other listing, as the reader may see it (a teaser for a confidential takeover
    /// until the match is accepted).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(no_recursion)]
    pub counterpart: Option<ListingView>,
}

fn explanation(value: &serde_json::Value, locale: Locale) -> Vec<FactorView> {
    let factors: Vec<Factor> = serde_json::from_value(value.clone()).unwrap_or_default();
    factors
        .into_iter()
        .map(|f| FactorView {
            factor: f.factor,
            score: f.score,
            detail: match locale {
                Locale::Fr => f.detail_fr,
                Locale::En => f.detail_en,
            },
        })
        .collect()
}

/// Views of matches for a reader who manages `managed`: each with the listing on the other
/// side, when the reader may see it.
pub fn match_views(
    conn: &mut PgConnection,
    rows: Vec<Match>,
    managed: &[EnterpriseId],
    locale: Locale,
) -> AppResult<Vec<MatchView>> {
    let ids: Vec<ListingId> = rows.iter().flat_map(|m| [m.offer_id, m.need_id]).collect();
    let listings = listing::find_many(conn, &ids)?;
    let names = crate::models::enterprise::names(
        conn,
        &listings.iter().map(|l| l.enterprise_id).collect::<Vec<_>>(),
    )?;
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let offer = listings.iter().find(|l| l.id == row.offer_id);
        let need = listings.iter().find(|l| l.id == row.need_id);
        let counterpart = match (offer, need) {
            (Some(offer), Some(need))
                if managed.contains(&need.enterprise_id)
                    && !managed.contains(&offer.enterprise_id) =>
            {
                Some(offer)
            }
            (Some(offer), Some(need))
                if managed.contains(&offer.enterprise_id)
                    && !managed.contains(&need.enterprise_id) =>
            {
                Some(need)
            }
            _ => None,
        };
        let counterpart = match counterpart {
            Some(other) => {
                let disclosure = if other.category()
                    == crate::domain::listing::Category::BusinessTakeover
                    && row.status != "accepted"
                {
                    Disclosure::Teaser
                } else {
                    Disclosure::Full
                };
                let name = names.get(&other.enterprise_id).cloned();
                Some(ListingView::new(other.clone(), name, disclosure))
            }
            None => None,
        };
        // Facing a takeover's teaser, the reader learns the sector and the score, not the
        // price, quantity or distance that would point at the enterprise.
        let teaser = counterpart.as_ref().is_some_and(|c| c.teaser);
        let mut factors = explanation(&row.explanation, locale);
        if teaser {
            factors.retain(|f| matches!(f.factor, FactorKind::Sector | FactorKind::Dates));
        }
        views.push(MatchView {
            id: row.id,
            offer_id: row.offer_id,
            need_id: row.need_id,
            score: row.score,
            explanation: factors,
            distance_km: if teaser {
                None
            } else {
                row.distance_km.map(|d| (d * 10.0).round() / 10.0)
            },
            status: row.status,
            offer_decision: row.offer_decision,
            need_decision: row.need_decision,
            exchange_id: row.exchange_id,
            counterpart,
        });
    }
    Ok(views)
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MatchList {
    pub items: Vec<MatchView>,
}

/// The matches of a listing, best first, explained (its enterprise's accounts and its
/// pôles' coordinators).
#[utoipa::path(get, path = "/api/v1/listings/{id}/matches", tag = "matches", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Listing id")),
    responses(
        (status = 200, body = MatchList),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn of_listing(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = ListingId(id.into_inner());
    let locale = caller.account.locale();
    let list = db::run(&state.pool, move |conn| {
        let found = listing::find(conn, id)?;
        let managed = managed_by(conn, Some(&caller))?;
        if !managed.contains(&found.enterprise_id) {
            return match disclosure_for(conn, Some(&caller), &managed, &found)? {
                Some(_) => Err(AppError::Forbidden(
                    "Only the listing's enterprise and its pôles' coordinators see its matches.",
                )),
                None => Err(AppError::NotFound),
            };
        }
        let rows = matching::of_listing(conn, id)?;
        Ok(MatchList {
            items: match_views(conn, rows, &managed, locale)?,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatchQuery {
    /// `proposed`, `accepted`, `declined` or `withdrawn`; default: all but withdrawn.
    pub status: Option<String>,
    /// 1–200, default 50.
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
    caller: CurrentAccount,
    query: web::Query<MatchQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    if let Some(status) = &query.status {
        if !["proposed", "accepted", "declined", "withdrawn"].contains(&status.as_str()) {
            return Err(AppError::invalid_field(
                "status",
                Invalid::new("invalid_value", "Unknown match status."),
            ));
        }
    }
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    let locale = caller.account.locale();
    let list = db::run(&state.pool, move |conn| {
        let managed = managed_by(conn, Some(&caller))?;
        let ids = matching::listing_ids_of(conn, &managed)?;
        let rows = matching::of_listings(conn, &ids, query.status.as_deref(), limit)?;
        Ok(MatchList {
            items: match_views(conn, rows, &managed, locale)?,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// Which side you answer for; needed only when you manage both.
    pub side: Option<Kind>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DecisionView {
    #[serde(rename = "match")]
    pub found: MatchView,
    /// Set when this answer completed the agreement.
    pub exchange_id: Option<ExchangeId>,
}

async fn decide(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    id: MatchId,
    side: Option<Kind>,
    accepted: bool,
) -> AppResult<HttpResponse> {
    let locale = caller.account.locale();
    let links = state.links();
    let view = db::run(&state.pool, move |conn| {
        use diesel::Connection;
        conn.transaction(|conn| {
            // Locks in one order everywhere, the offer and then the match: answers to one
            // match see each other (two accepts at the same instant create one exchange),
            // and answers to matches of one offer take its quantity one at a time.
            let offer_id = matching::find(conn, id)?.offer_id;
            let offer = listing::find_for_update(conn, offer_id)?;
            let found = matching::find_for_update(conn, id)?;
            let need = listing::find(conn, found.need_id)?;
            let managed = managed_by(conn, Some(&caller))?;
            let (manages_offer, manages_need) = (
                managed.contains(&offer.enterprise_id),
                managed.contains(&need.enterprise_id),
            );
            let side =
                match (side, manages_offer, manages_need) {
                    (Some(Kind::Offer), true, _) => Kind::Offer,
                    (Some(Kind::Need), _, true) => Kind::Need,
                    (None, true, false) => Kind::Offer,
                    (None, false, true) => Kind::Need,
                    (None, true, true) => return Err(AppError::invalid_field(
                        "side",
                        Invalid::new(
                            "required",
                            "You manage both sides: say which one you answer for (offer or need).",
                        ),
                    )),
                    (_, false, false) => {
                        return if disclosure_for(conn, Some(&caller), &managed, &offer)?.is_some()
                            || disclosure_for(conn, Some(&caller), &managed, &need)?.is_some()
                        {
                            Err(AppError::Forbidden(
                                "Only the two sides of a match may answer it.",
                            ))
                        } else {
                            Err(AppError::NotFound)
                        };
                    }
                    (Some(_), _, _) => {
                        return Err(AppError::Forbidden(
                            "You do not manage that side of the match.",
                        ))
                    }
                };
            let previous = match side {
                Kind::Offer => found.offer_decision.clone(),
                Kind::Need => found.need_decision.clone(),
            };
            let wanted = if accepted { "accepted" } else { "declined" };
            if previous.as_deref() == Some(wanted) {
                // The same answer again changes nothing.
                let views = match_views(conn, vec![found.clone()], &managed, locale)?;
                return Ok(DecisionView {
                    exchange_id: found.exchange_id,
                    found: views.into_iter().next().expect("one view"),
                });
            }
            if found.status != "proposed" {
                return Err(AppError::Conflict(format!(
                    "This match is {} already.",
                    found.status
                )));
            }
            if offer.status() != Status::Open || need.status() != Status::Open {
                return Err(AppError::Conflict(
                    "One of the two listings is no longer open.".into(),
                ));
            }
            let mut updated = matching::record_decision(conn, id, side, accepted, caller.id())?;
            events::match_answered(conn, &links, &updated, side, accepted)?;
            let mut exchange_id = None;
            if updated.offer_decision.as_deref() == Some("accepted")
                && updated.need_decision.as_deref() == Some("accepted")
            {
                let created = exchange::create_from_match(conn, &updated, caller.id())?;
                events::exchange_created(conn, &links, &created)?;
                exchange_id = Some(created.id);
                updated = matching::find(conn, id)?;
            }
            let views = match_views(conn, vec![updated], &managed, locale)?;
            Ok(DecisionView {
                found: views.into_iter().next().expect("one view"),
                exchange_id,
            })
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

fn optional_body(body: Option<Json<DecisionRequest>>) -> Option<Kind> {
    body.and_then(|b| b.0.side)
}

/// Accept a match for your side. When both sides have accepted, exactly one exchange is
/// created, committing no more than the offer has left.
#[utoipa::path(post, path = "/api/v1/matches/{id}/accept", tag = "matches", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Match id")),
    request_body(content = Option<DecisionRequest>),
    responses(
        (status = 200, body = DecisionView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Declined, withdrawn, or nothing left", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn accept(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    id: web::Path<i64>,
    body: Option<Json<DecisionRequest>>,
) -> AppResult<HttpResponse> {
    decide(
        state,
        caller,
        MatchId(id.into_inner()),
        optional_body(body),
        true,
    )
    .await
}

/// Decline a match for your side.
#[utoipa::path(post, path = "/api/v1/matches/{id}/decline", tag = "matches", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Match id")),
    request_body(content = Option<DecisionRequest>),
    responses(
        (status = 200, body = DecisionView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn decline(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    id: web::Path<i64>,
    body: Option<Json<DecisionRequest>>,
) -> AppResult<HttpResponse> {
    decide(
        state,
        caller,
        MatchId(id.into_inner()),
        optional_body(body),
        false,
    )
    .await
}

// ---- Proposals ----

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProposalRequest {
    /// The enterprise that proposes (one you act for).
    pub enterprise_id: EnterpriseId,
    /// 1 to 2,000 characters.
    pub message: String,
    #[schema(value_type = Option<String>, example = "500")]
    pub quantity: Option<ExactDecimal>,
    pub unit: Option<Unit>,
    #[schema(value_type = Option<String>, example = "0.10")]
    pub unit_price: Option<ExactDecimal>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ProposalView {
    pub id: ProposalId,
    pub need_id: ListingId,
    pub enterprise_id: EnterpriseId,
    pub enterprise_name: String,
    pub message: String,
    #[schema(value_type = Option<String>)]
    pub quantity: Option<ExactDecimal>,
    pub unit: Option<Unit>,
    #[schema(value_type = Option<String>)]
    pub unit_price: Option<ExactDecimal>,
    /// `pending`, `accepted` or `declined`.
    pub status: String,
    pub exchange_id: Option<ExchangeId>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

fn proposal_view(conn: &mut PgConnection, proposal: Proposal) -> AppResult<ProposalView> {
    let name = crate::models::enterprise::find(conn, proposal.enterprise_id)?.name;
    Ok(ProposalView {
        id: proposal.id,
        need_id: proposal.need_id,
        enterprise_id: proposal.enterprise_id,
        enterprise_name: name,
        message: proposal.message,
        quantity: proposal.quantity.map(quantity_display),
        unit: proposal.unit.as_deref().and_then(Unit::parse),
        unit_price: proposal.unit_price.map(price_display),
        status: proposal.status,
        exchange_id: proposal.exchange_id,
        created_at: proposal.created_at,
    })
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ProposalList {
    pub items: Vec<ProposalView>,
}

fn visible_need(
    conn: &mut PgConnection,
    caller: &CurrentAccount,
    managed: &[EnterpriseId],
    id: ListingId,
) -> AppResult<Listing> {
    let need = listing::find(conn, id)?;
    if disclosure_for(conn, Some(caller), managed, &need)?.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(need)
}

/// Propose to answer a need directly, without an offer listing.
#[utoipa::path(post, path = "/api/v1/listings/{id}/proposals", tag = "matches", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Id of the need")),
    request_body = CreateProposalRequest,
    responses(
        (status = 201, body = ProposalView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The need is not open", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn propose(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    id: web::Path<i64>,
    body: Json<CreateProposalRequest>,
) -> AppResult<HttpResponse> {
    let id = ListingId(id.into_inner());
    let body = body.0;
    let mut errors = FieldErrors::new();
    let message = body.message.trim().to_string();
    if !(1..=2000).contains(&message.chars().count()) {
        errors.add(
            "message",
            Invalid::new("message_length", "The message needs 1 to 2,000 characters."),
        );
    }
    let (quantity, unit_price) =
        super::check_terms(&mut errors, body.quantity, body.unit, body.unit_price);
    errors.finish()?;
    let view = db::run(&state.pool, move |conn| {
        let managed = managed_by(conn, Some(&caller))?;
        let need = visible_need(conn, &caller, &managed, id)?;
        if need.kind() != Kind::Need {
            return Err(AppError::Conflict(
                "Proposals answer needs; this listing is an offer.".into(),
            ));
        }
        if need.status() != Status::Open {
            return Err(AppError::Conflict("This need is not open.".into()));
        }
        if !managed.contains(&body.enterprise_id)
            || !crate::models::enterprise::is_member_account(conn, body.enterprise_id, caller.id())?
        {
            return Err(AppError::Forbidden(
                "You may propose only for an enterprise you act for.",
            ));
        }
        if body.enterprise_id == need.enterprise_id {
            return Err(AppError::Conflict(
                "An enterprise cannot answer its own need.".into(),
            ));
        }
        let created = exchange::insert_proposal(
            conn,
            &NewProposal {
                need_id: id,
                enterprise_id: body.enterprise_id,
                message,
                quantity,
                unit: body.unit.map(|u| u.as_str().to_string()),
                unit_price,
                created_by: caller.id(),
            },
        )?;
        proposal_view(conn, created)
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The proposals made to a need (its enterprise's accounts and its pôles' coordinators).
#[utoipa::path(get, path = "/api/v1/listings/{id}/proposals", tag = "matches", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Id of the need")),
    responses(
        (status = 200, body = ProposalList),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn proposals_of(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = ListingId(id.into_inner());
    let list = db::run(&state.pool, move |conn| {
        let managed = managed_by(conn, Some(&caller))?;
        let need = visible_need(conn, &caller, &managed, id)?;
        if !managed.contains(&need.enterprise_id) {
            return Err(AppError::Forbidden(
                "Only the need's enterprise and its pôles' coordinators see its proposals.",
            ));
        }
        let rows = exchange::proposals_of_need(conn, id)?;
        let items = rows
            .into_iter()
            .map(|p| proposal_view(conn, p))
            .collect::<AppResult<Vec<_>>>()?;
        Ok(ProposalList { items })
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

async fn decide_proposal(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    id: ProposalId,
    accepted: bool,
) -> AppResult<HttpResponse> {
    let links = state.links();
    let view = db::run(&state.pool, move |conn| {
        use diesel::Connection;
        conn.transaction(|conn| {
            let proposal = exchange::find_proposal_for_update(conn, id)?;
            let need = listing::find(conn, proposal.need_id)?;
            let managed = managed_by(conn, Some(&caller))?;
            if !managed.contains(&need.enterprise_id) {
                return if managed.contains(&proposal.enterprise_id) {
                    Err(AppError::Forbidden(
                        "Only the need's side answers a proposal.",
                    ))
                } else {
                    Err(AppError::NotFound)
                };
            }
            if accepted && need.status() != Status::Open {
                return Err(AppError::Conflict("This need is not open.".into()));
            }
            let decided = exchange::decide_proposal(conn, &proposal, accepted, caller.id())?;
            if let Some(exchange_id) = decided.exchange_id {
                let created = exchange::find(conn, exchange_id)?;
                events::exchange_created(conn, &links, &created)?;
            }
            proposal_view(conn, decided)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Accept a proposal to your need: the exchange is created at once.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/accept", tag = "matches", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Proposal id")),
    responses(
        (status = 200, body = ProposalView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn accept_proposal(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    decide_proposal(state, caller, ProposalId(id.into_inner()), true).await
}

/// Decline a proposal to your need.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/decline", tag = "matches", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Proposal id")),
    responses(
        (status = 200, body = ProposalView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn decline_proposal(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    decide_proposal(state, caller, ProposalId(id.into_inner()), false).await
}
