//! Error pages: error answers of the pages turned into HTML pages in the reader's language,
//! with the signed-in header kept; a documented path asked with another method gets 405
//! with `Allow`; a page that needs a session sends anonymous visitors to the login form.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::{header, StatusCode};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use askama::Template;

use super::{ctx_for, labels, page_headers, see_other, session, Ctx};
use crate::auth::Caller;
use crate::error::AppError;
use crate::format;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    ctx: Ctx,
    status: u16,
    title: String,
    message: String,
}

/// Turns error answers of the pages into HTML pages in the reader's language; a page that
/// needs a session sends anonymous visitors to the login form.
pub(crate) fn html_errors<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(|response: ServiceResponse<B>| {
        let status = response.status();
        let is_html = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
        // A page rendered on purpose with an error status (a refused form) stays as it is.
        if response.response().error().is_none() && is_html {
            return Ok(ErrorHandlerResponse::Response(
                response.map_into_left_body(),
            ));
        }
        let refusal = response
            .response()
            .error()
            .and_then(|e| e.as_error::<AppError>())
            .and_then(|e| match e {
                AppError::Forbidden(r) | AppError::Conflict(r) => Some(r.clone()),
                _ => None,
            });
        // A documented path (health, unsubscribe…) asked with another method: 405 with
        // the methods it takes (RFC 9110 §15.5.6).
        let allowed = matches!(status.as_u16(), 404 | 405)
            .then(|| crate::openapi::allowed_methods(response.request().path()))
            .flatten()
            .filter(|methods| !methods.contains(&response.request().method().as_str().to_string()));
        let (request, _) = response.into_parts();
        Ok(ErrorHandlerResponse::Future(Box::pin(async move {
            let mut body = error_page(&request, status, refusal).await;
            if let Some(allowed) = allowed {
                *body.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
                if let Ok(value) = header::HeaderValue::from_str(&allowed.join(", ")) {
                    body.headers_mut().insert(header::ALLOW, value);
                }
            }
            let response: ServiceResponse<EitherBody<B, BoxBody>> =
                ServiceResponse::new(request, body).map_into_right_body();
            Ok(response)
        })))
    })
}

/// Who was signed in on a page request, kept in the request's extensions so that its error
/// page, if any, shows the same header.
#[derive(Clone)]
pub(crate) struct SignedIn(pub(crate) Option<Caller>);

/// The caller and names for an error page: as the page request found them, or looked up
/// again when the error came before (a 404 of an unknown path); nothing when the database
/// cannot be reached (a 503 page).
async fn error_context(req: &HttpRequest, state: Option<&web::Data<AppState>>) -> Ctx {
    let Some(state) = state else {
        return ctx_for(req, None, None, labels::Labels::default());
    };
    let known = req.extensions().get::<SignedIn>().cloned();
    let caller = match known {
        Some(SignedIn(caller)) => caller,
        None => session::caller(state, req).await.ok().flatten(),
    };
    let labels = labels::Labels::for_page(&state.cache, &state.pool)
        .await
        .unwrap_or_default();
    ctx_for(req, Some(state), caller.as_ref(), labels)
}

async fn error_page(
    req: &HttpRequest,
    status: StatusCode,
    refusal: Option<crate::error::Refusal>,
) -> HttpResponse<BoxBody> {
    if status == StatusCode::UNAUTHORIZED {
        let next = if req.method() == actix_web::http::Method::GET {
            req.uri()
                .path_and_query()
                .map(|pq| pq.as_str().to_string())
                .unwrap_or_else(|| "/".into())
        } else {
            "/dashboard".into()
        };
        return see_other(&format!("/login?next={}", format::url_encode(&next)));
    }
    let state = req.app_data::<web::Data<AppState>>();
    let ctx = error_context(req, state).await;
    let key = match status.as_u16() {
        403 if refusal.as_ref().is_some_and(|r| r.code == "csrf_refused") => "csrf",
        403 => "forbidden",
        404 => "not-found",
        409 => "conflict",
        413 => "too-large",
        429 => "too-many",
        400 | 405 | 415 | 422 => "bad-request",
        503 => "unavailable",
        _ => "error",
    };
    let title = ctx.t(&format!("{key}-title"));
    let message = match (&refusal, status.as_u16()) {
        (Some(r), 403 | 409) if r.code != "forbidden" => r.message(ctx.words),
        _ => ctx.t(&format!("{key}-text")),
    };
    let page = ErrorPage {
        ctx,
        status: status.as_u16(),
        title: title.clone(),
        message,
    };
    let html = page.render().unwrap_or(title);
    let mut response = HttpResponse::build(status);
    response.content_type("text/html; charset=utf-8");
    page_headers(&mut response);
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response.insert_header((header::RETRY_AFTER, "5"));
    }
    response.body(html)
}
