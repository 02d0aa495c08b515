//! Administration: the emails parked after too many failed attempts, and their retry.

use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::auth::CurrentAccount;
use super::AppState;
use crate::db;
use crate::error::{AppError, AppResult, Problem};
use crate::models::ids::OutboxId;
use crate::models::outbox;

#[derive(Debug, Serialize, ToSchema)]
pub struct DeadMessageView {
    pub id: OutboxId,
    pub recipient: String,
    pub subject: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeadMessageList {
    pub items: Vec<DeadMessageView>,
}

/// Emails parked as dead after `mail.max_attempts` failures (admins).
#[utoipa::path(get, path = "/api/v1/admin/outbox/dead", tag = "operations", security(("bearer" = [])),
    responses(
        (status = 200, body = DeadMessageList),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn dead_messages(
    state: web::Data<AppState>,
    caller: CurrentAccount,
) -> AppResult<HttpResponse> {
    caller.require_admin()?;
    let items = db::run(&state.pool, |conn| Ok(outbox::dead(conn, 500)?))
        .await?
        .into_iter()
        .map(|m| DeadMessageView {
            id: m.id,
            recipient: m.recipient,
            subject: m.subject,
            attempts: m.attempts,
            last_error: m.last_error,
            created_at: m.created_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(DeadMessageList { items }))
}

/// Put a dead email back in the queue (admins).
#[utoipa::path(post, path = "/api/v1/admin/outbox/{id}/retry", tag = "operations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Outbox message id")),
    responses(
        (status = 204, description = "Queued again"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No dead message with this id", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn retry_dead(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    caller.require_admin()?;
    let id = OutboxId(id.into_inner());
    let retried = db::run(&state.pool, move |conn| {
        Ok(outbox::retry_dead(conn, Some(id))?)
    })
    .await?;
    if retried == 0 {
        return Err(AppError::NotFound);
    }
    Ok(HttpResponse::NoContent().finish())
}
