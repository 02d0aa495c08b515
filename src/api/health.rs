//! Operations endpoints outside the API: liveness, readiness and Prometheus metrics.

use std::time::Duration;

use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::models::{self, outbox};
use crate::state::AppState;

/// The process is up.
#[utoipa::path(get, path = "/health/live", tag = "operations",
    responses((status = 200, description = "Alive")))]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// The service can reach its database. Answers 503 while it cannot; the pool reconnects by
/// itself when the database returns.
#[utoipa::path(get, path = "/health/ready", tag = "operations",
    responses(
        (status = 200, description = "Ready"),
        (status = 503, description = "The database is unreachable"),
    ))]
pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.clone();
    let result = web::block(move || -> anyhow::Result<()> {
        let mut conn = pool.get_timeout(Duration::from_secs(2))?;
        models::ping(&mut conn)?;
        Ok(())
    })
    .await;
    match result {
        Ok(Ok(())) => HttpResponse::Ok().json(json!({"status": "ok", "database": "ok"})),
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "readiness check failed");
            HttpResponse::ServiceUnavailable()
                .json(json!({"status": "unavailable", "database": "unreachable"}))
        }
        Err(_) => HttpResponse::ServiceUnavailable().json(json!({"status": "unavailable"})),
    }
}

/// Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Metrics in Prometheus text format", content_type = "text/plain")))]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let pool_state = state.pool.state();
    state.metrics.set_pool(
        pool_state.connections,
        pool_state.idle_connections,
        state.pool.max_size(),
    );
    state
        .metrics
        .set_replica(state.replica.as_ref().and_then(|r| r.lag_secs()));
    let pool = state.pool.clone();
    let backlog = web::block(move || -> anyhow::Result<(i64, i64)> {
        let mut conn = pool.get_timeout(Duration::from_secs(2))?;
        Ok(outbox::backlog(&mut conn)?)
    })
    .await;
    if let Ok(Ok((pending, dead))) = backlog {
        state.metrics.set_outbox(pending, dead);
    }
    let out = state.metrics.render();
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(out)
}
