//! Administration: emails parked as dead, and their retry.

use actix_web::{web, HttpResponse};

use crate::auth::Caller;
use crate::error::{AppResult, Problem};
use crate::models::ids::OutboxId;
use crate::ops::admin::{self, DeadMessageList};
use crate::state::AppState;

/// Emails parked as dead: refused for good by the mail server, or failed
/// `mail.max_attempts` times (admins).
#[utoipa::path(get, path = "/api/v1/admin/outbox/dead", tag = "operations", security(("bearer" = [])),
    responses(
        (status = 200, body = DeadMessageList),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`admin_only`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn dead_messages(state: web::Data<AppState>, caller: Caller) -> AppResult<HttpResponse> {
    let list = state
        .run(move |conn, _| admin::dead_messages(conn, &caller))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Put a dead email back in the queue (admins).
#[utoipa::path(post, path = "/api/v1/admin/outbox/{id}/retry", tag = "operations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Outbox message id")),
    responses(
        (status = 204, description = "Queued again"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`admin_only`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No dead message with this id", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn retry_dead(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<OutboxId>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    state
        .run(move |conn, _| admin::retry_dead(conn, &caller, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
