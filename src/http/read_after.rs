//! Read your own writes with a replica: after a successful write (any method but GET,
//! HEAD and OPTIONS, answered 2xx or 3xx), the primary's WAL position is given back in the
//! `PTCE-Read-After` header and the `ptce_read_after` cookie (for browsers), and recorded on
//! the bearer token (for API clients, on every app node). Nothing is done without a
//! replica. See `db::replica`.

use actix_web::body::BoxBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::Method;
use actix_web::web;

use crate::db::{self, replica};
use crate::state::{AppState, READ_AFTER_COOKIE};

/// How long a browser keeps routing its reads by its last write: past this, the replica's
/// lag limit bounds what it may miss.
const COOKIE_SECS: i64 = 60;

/// Middleware (`App::wrap_fn`): see the module's documentation.
pub fn record_writes<S>(
    req: ServiceRequest,
    srv: &S,
) -> impl std::future::Future<Output = Result<ServiceResponse<BoxBody>, actix_web::Error>>
where
    S: Service<ServiceRequest, Response = ServiceResponse<BoxBody>, Error = actix_web::Error>,
{
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let token = crate::auth::bearer_token(req.request()).ok().flatten();
    let future = srv.call(req);
    async move {
        let mut response = future.await?;
        let Some(state) = state.filter(|s| s.replica.is_some() && writes) else {
            return Ok(response);
        };
        let status = response.status();
        if !(status.is_success() || status.is_redirection()) {
            return Ok(response);
        }
        let position = db::run(&state.pool, move |conn| {
            Ok(match token {
                Some(token) => crate::models::account::mark_token_write(conn, &token)?,
                None => replica::current_lsn(conn)?.map(|lsn| lsn.to_string()),
            })
        })
        .await;
        let Ok(Some(position)) = position else {
            return Ok(response);
        };
        if let Ok(value) = HeaderValue::from_str(&position) {
            response
                .headers_mut()
                .insert(HeaderName::from_static("ptce-read-after"), value);
        }
        let cookie = Cookie::build(READ_AFTER_COOKIE, position)
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .max_age(actix_web::cookie::time::Duration::seconds(COOKIE_SECS))
            .finish();
        let _ = response.response_mut().add_cookie(&cookie);
        Ok(response)
    }
}
