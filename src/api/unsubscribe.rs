//! One-click unsubscribe (RFC 8058): the signed link in every notification turns the
//! account's notifications off, without signing in.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::AppState;
use crate::db;
use crate::domain::account::Notifications;
use crate::email::escape_html;
use crate::error::AppResult;
use crate::models::account::{self, AccountChanges};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnsubscribeQuery {
    /// The signed token of the emailed link.
    #[serde(default)]
    pub token: String,
}

pub(super) fn page(status: actix_web::http::StatusCode, title: &str, body: &str) -> HttpResponse {
    HttpResponse::build(status).content_type("text/html; charset=utf-8").body(format!(
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title></head><body style=\"font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1f2933\">\
         <h1>{title}</h1>{body}</body></html>"
    ))
}

fn invalid() -> HttpResponse {
    page(
        actix_web::http::StatusCode::BAD_REQUEST,
        "Lien invalide",
        "<p>Ce lien de désinscription n'est pas valide. / This unsubscribe link is not valid.</p>",
    )
}

/// The confirmation page of an unsubscribe link: one button, no sign-in.
#[utoipa::path(get, path = "/unsubscribe", tag = "accounts", params(UnsubscribeQuery),
    responses(
        (status = 200, description = "A page with a button to confirm", content_type = "text/html"),
        (status = 400, description = "The link is not valid", content_type = "text/html"),
    ))]
pub async fn confirm_page(
    state: web::Data<AppState>,
    query: web::Query<UnsubscribeQuery>,
) -> HttpResponse {
    if state.links().verify_unsubscribe(&query.token).is_none() {
        return invalid();
    }
    let action = format!("/unsubscribe?token={}", escape_html(&query.token));
    page(
        actix_web::http::StatusCode::OK,
        "Ne plus recevoir d'e-mails",
        &format!(
            "<p>Vous ne recevrez plus les notifications de PTCE Exchange. / You will no longer receive PTCE Exchange notifications.</p>\
             <form method=\"post\" action=\"{action}\"><button type=\"submit\" style=\"padding:10px 16px\">Confirmer / Confirm</button></form>"
        ),
    )
}

/// One-click unsubscribe (RFC 8058): turns the account's notifications off.
#[utoipa::path(post, path = "/unsubscribe", tag = "accounts", params(UnsubscribeQuery),
    responses(
        (status = 200, description = "Notifications turned off", content_type = "text/html"),
        (status = 400, description = "The link is not valid", content_type = "text/html"),
    ))]
pub async fn unsubscribe(
    state: web::Data<AppState>,
    query: web::Query<UnsubscribeQuery>,
) -> AppResult<HttpResponse> {
    let Some(account_id) = state.links().verify_unsubscribe(&query.token) else {
        return Ok(invalid());
    };
    db::run(&state.pool, move |conn| {
        account::update(
            conn,
            account_id,
            &AccountChanges::notify_all(Notifications::Off),
        )?;
        Ok(())
    })
    .await?;
    Ok(page(
        actix_web::http::StatusCode::OK,
        "C'est fait",
        "<p>Vous ne recevrez plus de notifications. Vous pouvez les réactiver dans vos préférences. / You will receive no more notifications; turn them back on in your preferences.</p>",
    ))
}
