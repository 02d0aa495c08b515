//! Contact requests about a business takeover: a would-be buyer asks, the seller answers;
//! an accepted request shows the buyer the whole listing (DESIGN §2).

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::json::Json;
use crate::auth::{Caller, ClientAddress};
use crate::error::{AppResult, Problem};
use crate::models::ids::{ContactRequestId, EnterpriseId, ListingId};
use crate::ops::contact_requests::{self, NewContactRequestCommand};
use crate::ops::limits::Requester;
use crate::state::AppState;
use crate::views::contact_requests::{ContactRequestList, ContactRequestView};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"enterprise_id": 4, "message": "SCOP de 12 salariés, nous cherchons à reprendre une activité de fabrication dans la Drôme.", "confidentiality_accepted": true}))]
pub struct CreateContactRequest {
    /// The enterprise that asks (one you act for).
    pub enterprise_id: EnterpriseId,
    /// Who you are and what you intend.
    #[schema(min_length = 1, max_length = 2000)]
    pub message: String,
    /// You commit to keep what you learn about the business confidential (must be true).
    pub confidentiality_accepted: bool,
}

/// Ask the seller of a business takeover to be put in touch.
#[utoipa::path(post, path = "/api/v1/listings/{id}/contact-requests", tag = "listings", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Id of the takeover listing")),
    request_body = CreateContactRequest,
    responses(
        (status = 201, body = ContactRequestView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_your_enterprise`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`contact_requests_for_takeovers`, `listing_not_open`, `own_listing`, `contact_request_exists`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`message_length`, `must_accept`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    address: ClientAddress,
    id: web::Path<ListingId>,
    body: Json<CreateContactRequest>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let body = body.0;
    let command = NewContactRequestCommand {
        enterprise_id: body.enterprise_id,
        message: body.message,
        confidentiality_accepted: body.confidentiality_accepted,
    };
    let requester = Requester::at(address.limit_key());
    let view = state
        .run(move |conn, env| {
            contact_requests::request(conn, env, &caller, &requester, id, command)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The contact requests about a listing: all of them for its managers, your own for a buyer.
#[utoipa::path(get, path = "/api/v1/listings/{id}/contact-requests", tag = "listings", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Id of the listing")),
    responses(
        (status = 200, body = ContactRequestList),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn of_listing(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<ListingId>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let list = state
        .run(move |conn, _| contact_requests::of_listing(conn, &caller, id))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

async fn decide(
    state: web::Data<AppState>,
    caller: Caller,
    id: ContactRequestId,
    accepted: bool,
) -> AppResult<HttpResponse> {
    let view = state
        .run(move |conn, env| contact_requests::decide(conn, env, &caller, id, accepted))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Accept a contact request: the buyer's enterprise sees the whole listing, and who sells.
#[utoipa::path(post, path = "/api/v1/contact-requests/{id}/accept", tag = "listings", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Contact request id")),
    responses(
        (status = 200, body = ContactRequestView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_your_side`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`contact_request_already_decided`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn accept(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<ContactRequestId>,
) -> AppResult<HttpResponse> {
    decide(state, caller, id.into_inner(), true).await
}

/// Decline a contact request: the buyer is told, and sees the teaser only.
#[utoipa::path(post, path = "/api/v1/contact-requests/{id}/decline", tag = "listings", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Contact request id")),
    responses(
        (status = 200, body = ContactRequestView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_your_side`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`contact_request_already_decided`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn decline(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<ContactRequestId>,
) -> AppResult<HttpResponse> {
    decide(state, caller, id.into_inner(), false).await
}
