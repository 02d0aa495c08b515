//! Email verification: the link of the welcome email confirms the address, without
//! signing in (the token is signed for the account and its current address).

use actix_web::{http::StatusCode, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::unsubscribe::page;
use super::AppState;
use crate::db;
use crate::domain::Invalid;
use crate::error::{AppError, AppResult};
use crate::models::account::{self, Account};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VerifyEmailQuery {
    /// The signed token of the emailed link.
    #[serde(default)]
    pub token: String,
}

/// Checks the token and marks the address verified; the account as it is now.
pub async fn verify(state: &AppState, token: &str) -> AppResult<Account> {
    let links = state.links();
    let token = token.to_string();
    db::run(&state.pool, move |conn| {
        let invalid = || {
            AppError::invalid_field(
                "token",
                Invalid::new(
                    "invalid_token",
                    "This link is not valid, or the address changed since it was sent.",
                ),
            )
        };
        let Some(id) = links.verify_email_token(&token, |id| {
            account::find(conn, id).ok().map(|found| found.email)
        }) else {
            return Err(invalid());
        };
        let found = account::find(conn, id)?;
        if !account::verify_email(conn, id, &found.email)? {
            return Err(invalid());
        }
        Ok(account::find(conn, id)?)
    })
    .await
}

/// The page the welcome email links to: confirms the address and says so. Following the
/// link twice is harmless, so a mail scanner that opens it first does no damage.
#[utoipa::path(get, path = "/verify-email", tag = "accounts", params(VerifyEmailQuery),
    responses(
        (status = 200, description = "The address is confirmed", content_type = "text/html"),
        (status = 400, description = "The link is not valid", content_type = "text/html"),
    ))]
pub async fn verify_page(
    state: web::Data<AppState>,
    query: web::Query<VerifyEmailQuery>,
) -> AppResult<HttpResponse> {
    match verify(&state, &query.token).await {
        Ok(_) => Ok(page(
            StatusCode::OK,
            "Adresse confirmée",
            "<p>Merci : votre adresse e-mail est confirmée. / Thank you: your e-mail address is confirmed.</p><p><a href=\"/\">PTCE Exchange</a></p>",
        )),
        Err(AppError::Validation(_)) => Ok(page(
            StatusCode::BAD_REQUEST,
            "Lien invalide",
            "<p>Ce lien de confirmation n'est pas valide, ou l'adresse a changé depuis son envoi. / This confirmation link is not valid, or the address changed since it was sent.</p>",
        )),
        Err(other) => Err(other),
    }
}
