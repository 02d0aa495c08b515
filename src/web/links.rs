//! The pages that signed links in emails open without signing in: one-click unsubscribe
//! (RFC 8058: a confirmation page, and the POST that mail clients send) and email
//! verification.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{Ctx, Web};
use crate::error::{AppError, AppResult};
use crate::ops::accounts;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/unsubscribe")
            .route(web::get().to(unsubscribe_page))
            .route(web::post().to(unsubscribe)),
    )
    .route("/verify-email", web::get().to(verify_page));
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TokenQuery {
    /// The signed token of the emailed link.
    #[serde(default)]
    pub token: String,
}

#[derive(Template)]
#[template(path = "link_page.html")]
struct LinkPage {
    ctx: Ctx,
    title: String,
    message: String,
    /// The form's target on the unsubscribe confirmation.
    confirm_action: Option<String>,
}

fn page(
    web: &Web,
    status: StatusCode,
    key: &str,
    confirm_action: Option<String>,
) -> AppResult<HttpResponse> {
    web.page_with(
        status,
        &LinkPage {
            ctx: web.ctx.clone(),
            title: web.t(&format!("{key}-title")),
            message: web.t(&format!("{key}-text")),
            confirm_action,
        },
    )
}

/// The confirmation page of an unsubscribe link: one button, no sign-in.
#[utoipa::path(get, path = "/unsubscribe", tag = "accounts", params(TokenQuery),
    responses(
        (status = 200, description = "A page with a button to confirm", content_type = "text/html"),
        (status = 400, description = "The link is not valid", content_type = "text/html"),
    ))]
pub async fn unsubscribe_page(web: Web, query: web::Query<TokenQuery>) -> AppResult<HttpResponse> {
    if accounts::unsubscribe_target(&web.state.env(), &query.token).is_none() {
        return page(&web, StatusCode::BAD_REQUEST, "unsubscribe-invalid", None);
    }
    let action = format!(
        "/unsubscribe?token={}",
        crate::format::url_encode(&query.token)
    );
    page(&web, StatusCode::OK, "unsubscribe-ask", Some(action))
}

/// One-click unsubscribe (RFC 8058): turns the account's notifications off. Needs no CSRF
/// token: the signed link is the proof, and mail clients post it without a page.
#[utoipa::path(post, path = "/unsubscribe", tag = "accounts", params(TokenQuery),
    responses(
        (status = 200, description = "Notifications turned off", content_type = "text/html"),
        (status = 400, description = "The link is not valid", content_type = "text/html"),
    ))]
pub async fn unsubscribe(web: Web, query: web::Query<TokenQuery>) -> AppResult<HttpResponse> {
    let token = query.into_inner().token;
    match web
        .run(move |conn, env| accounts::unsubscribe(conn, env, &token))
        .await
    {
        Ok(()) => page(&web, StatusCode::OK, "unsubscribe-done", None),
        Err(AppError::NotFound) => page(&web, StatusCode::BAD_REQUEST, "unsubscribe-invalid", None),
        Err(other) => Err(other),
    }
}

/// The page the welcome email links to: confirms the address and says so. Following the
/// link twice is harmless, so a mail scanner that opens it first does no damage.
#[utoipa::path(get, path = "/verify-email", tag = "accounts", params(TokenQuery),
    responses(
        (status = 200, description = "The address is confirmed", content_type = "text/html"),
        (status = 400, description = "The link is not valid", content_type = "text/html"),
    ))]
pub async fn verify_page(web: Web, query: web::Query<TokenQuery>) -> AppResult<HttpResponse> {
    let token = query.into_inner().token;
    match web
        .run(move |conn, env| accounts::verify_email(conn, env, &token))
        .await
    {
        Ok(_) => page(&web, StatusCode::OK, "verify-done", None),
        Err(AppError::Validation(_)) => page(&web, StatusCode::BAD_REQUEST, "verify-invalid", None),
        Err(other) => Err(other),
    }
}
