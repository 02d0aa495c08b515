//! What every request can reach: the database pool, the settings, the clock, the metrics
//! and what the mail server carries; and what handlers extract from a request with it (the
//! caller of a bearer token, the client's address). Shared by the API and the pages; nodes
//! keep no other state, so any number of them can serve behind a load balancer.

use std::future::{ready, Future, Ready};
use std::pin::Pin;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};

use crate::auth::{Caller, ClientAddress, MaybeCaller};
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::replica::{Lsn, Replica, Target};
use crate::db::{self, DbPool};
use crate::email::mailer::MailCapabilities;
use crate::error::{AppError, AppResult};
use crate::links::Links;
use crate::metrics::Metrics;
use crate::models::account;
use crate::ops::Env;

pub struct AppState {
    /// The primary: every write, and every read inside a write.
    pub pool: DbPool,
    /// The streaming replica for read-heavy paths, when `database.replica_url` is set.
    pub replica: Option<Arc<Replica>>,
    pub settings: Arc<Settings>,
    pub metrics: Arc<Metrics>,
    /// Now and today (Paris); tests set it.
    pub clock: Clock,
    /// What the mail server carries (SMTPUTF8), as the worker last asked.
    pub mail: MailCapabilities,
    /// What this node keeps for its pages (reference names, the search map's counts).
    pub cache: crate::web::labels::PageCache,
}

impl AppState {
    /// Link builder for the emails a request causes.
    pub fn links(&self) -> Links {
        Links::new(self.settings.base_url(), self.settings.app.secret.clone())
    }

    /// What operations need besides a connection.
    pub fn env(&self) -> Env {
        Env {
            clock: self.clock.clone(),
            links: self.links(),
            settings: self.settings.clone(),
            mail: self.mail.clone(),
        }
    }

    /// Runs an operation on the blocking pool with a pooled connection and the
    /// operations' environment.
    pub async fn run<T, F>(&self, operation: F) -> AppResult<T>
    where
        F: FnOnce(&mut diesel::PgConnection, &Env) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let env = self.env();
        db::run(&self.pool, move |conn| operation(conn, &env)).await
    }

    /// Runs a read-only operation on the replica when it is up, not late, and has replayed
    /// past `read_after` (the caller's last write); else, or when it fails there, on the
    /// primary (see `db::replica`). Counted by target in `/metrics`.
    pub async fn read<T, F>(&self, read_after: ReadAfter, operation: F) -> AppResult<T>
    where
        F: FnOnce(&mut diesel::PgConnection, &Env) -> AppResult<T> + Clone + Send + 'static,
        T: Send + 'static,
    {
        let env = self.env();
        if let Some(replica) = &self.replica {
            if replica.target_for(read_after.0) == Target::Replica {
                let (on_replica, replica_env) = (operation.clone(), env.clone());
                let answer =
                    db::run(&replica.pool, move |conn| on_replica(conn, &replica_env)).await;
                match answer {
                    // Lost, refused, or cancelled by recovery: the primary answers instead.
                    Err(AppError::Unavailable(error)) | Err(AppError::Internal(error)) => {
                        tracing::warn!(error = %error, "read on the replica failed; on the primary");
                        replica.mark_down();
                    }
                    Err(AppError::Conflict(refusal)) if refusal.code == "concurrent_change" => {
                        tracing::warn!("read on the replica cancelled by recovery; on the primary");
                    }
                    answer => {
                        self.metrics.count_read(Target::Replica);
                        return answer;
                    }
                }
            }
        }
        self.metrics.count_read(Target::Primary);
        db::run(&self.pool, move |conn| operation(conn, &env)).await
    }
}

/// The WAL position a request's reads must see: the caller's last write, from the
/// `PTCE-Read-After` header, the `ptce_read_after` cookie, or its bearer token's record
/// (the largest).
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadAfter(pub Option<Lsn>);

/// Name of the header (answers to writes carry it; reads may send it back).
pub const READ_AFTER_HEADER: &str = "PTCE-Read-After";
/// Name of the cookie that carries it for browsers.
pub const READ_AFTER_COOKIE: &str = "ptce_read_after";

impl ReadAfter {
    /// What the request itself carries: the header and the cookie.
    pub fn of(req: &HttpRequest) -> ReadAfter {
        let header = req
            .headers()
            .get(READ_AFTER_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<Lsn>().ok());
        let cookie = req
            .cookie(READ_AFTER_COOKIE)
            .and_then(|c| c.value().parse::<Lsn>().ok());
        ReadAfter(header.max(cookie))
    }
}

/// With a replica configured and a bearer token, the token's last write too (read on the
/// primary, so any node knows it); without a replica, nothing is read.
impl FromRequest for ReadAfter {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let carried = ReadAfter::of(req);
        let state = state_of(req).ok().filter(|s| s.replica.is_some());
        let token = crate::auth::bearer_token(req).ok().flatten();
        Box::pin(async move {
            let (Some(state), Some(token)) = (state, token) else {
                return Ok(carried);
            };
            let recorded = db::run(&state.pool, move |conn| {
                Ok(account::token_read_after(conn, &token)?)
            })
            .await?
            .and_then(|lsn| lsn.parse::<Lsn>().ok());
            Ok(ReadAfter(carried.0.max(recorded)))
        })
    }
}

// ---- What handlers extract from a request ----

/// The caller of a token, `None` when the token is unknown, expired or revoked.
pub async fn caller_of_token(state: &AppState, token: String) -> AppResult<Option<Caller>> {
    let found = db::run(&state.pool, move |conn| {
        Ok(account::authenticate(conn, &token)?)
    })
    .await?;
    Ok(found.map(|(token_id, account)| Caller { account, token_id }))
}

fn state_of(req: &HttpRequest) -> AppResult<web::Data<AppState>> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("application state missing")))
}

async fn authenticate(req: HttpRequest) -> AppResult<Option<Caller>> {
    let Some(token) = crate::auth::bearer_token(&req)? else {
        return Ok(None);
    };
    let state = state_of(&req)?;
    match caller_of_token(&state, token).await? {
        Some(caller) => Ok(Some(caller)),
        None => Err(AppError::Unauthorized),
    }
}

impl FromRequest for Caller {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(req).await?.ok_or(AppError::Unauthorized) })
    }
}

impl FromRequest for MaybeCaller {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(req).await.map(MaybeCaller) })
    }
}

impl FromRequest for ClientAddress {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trusted = state_of(req)
            .map(|s| s.settings.server.trusted_proxies.clone())
            .unwrap_or_default();
        ready(Ok(ClientAddress::of(req, &trusted)))
    }
}
