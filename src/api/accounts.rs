//! Accounts: registration, sign-in and out, the current account and its preferences,
//! password reset and email verification.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::json::Json;
use crate::auth::{Caller, ClientAddress};
use crate::domain::account::{Family, Locale, Notifications};
use crate::error::{AppResult, Problem};
use crate::ops::accounts::{self, AccountUpdate, PreferencesChange, Registration};
use crate::ops::limits::Requester;
use crate::state::AppState;
use crate::views::accounts::{AccountView, SessionView};

fn requester(address: ClientAddress) -> Requester {
    Requester::at(address.limit_key())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "claire.martin@example.fr", "password": "correct horse battery", "display_name": "Claire Martin", "locale": "fr"}))]
pub struct RegisterRequest {
    /// An e-mail address; its domain may be international (stored in its ASCII form).
    #[schema(example = "claire.martin@example.fr", max_length = 254)]
    pub email: String,
    #[schema(min_length = 10, max_length = 128)]
    pub password: String,
    #[schema(min_length = 1, max_length = 100)]
    pub display_name: String,
    pub locale: Option<Locale>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "claire.martin@example.fr", "password": "correct horse battery"}))]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// One choice for every family (`"daily"`), or some families
/// (`{"matches": "instant", "exchanges": "daily"}`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum NotificationsChange {
    All(Notifications),
    Families(FamiliesChange),
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FamiliesChange {
    pub matches: Option<Notifications>,
    pub exchanges: Option<Notifications>,
    pub memberships: Option<Notifications>,
    pub listings: Option<Notifications>,
    pub alerts: Option<Notifications>,
    pub messages: Option<Notifications>,
    pub visits: Option<Notifications>,
}

impl From<NotificationsChange> for PreferencesChange {
    fn from(change: NotificationsChange) -> Self {
        match change {
            NotificationsChange::All(choice) => PreferencesChange::All(choice),
            NotificationsChange::Families(some) => PreferencesChange::Families(
                [
                    (Family::Matches, some.matches),
                    (Family::Exchanges, some.exchanges),
                    (Family::Memberships, some.memberships),
                    (Family::Listings, some.listings),
                    (Family::Alerts, some.alerts),
                    (Family::Messages, some.messages),
                    (Family::Visits, some.visits),
                ]
                .into_iter()
                .filter_map(|(family, choice)| choice.map(|c| (family, c)))
                .collect(),
            ),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"display_name": "Claire M.", "locale": "en", "notifications": {"matches": "daily"}}))]
pub struct UpdateMeRequest {
    #[schema(min_length = 1, max_length = 100)]
    pub display_name: Option<String>,
    pub locale: Option<Locale>,
    pub notifications: Option<NotificationsChange>,
    /// A new password (10 to 128 characters); `current_password` must be given with it.
    #[schema(min_length = 10, max_length = 128)]
    pub password: Option<String>,
    pub current_password: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "claire.martin@example.fr"}))]
pub struct PasswordResetRequest {
    pub email: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"token": "9f2c…", "password": "a new long password"}))]
pub struct PasswordResetConfirm {
    /// The token from the emailed link.
    pub token: String,
    /// The new password, 10 to 128 characters.
    #[schema(min_length = 10, max_length = 128)]
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"token": "42.9f2c…"}))]
pub struct VerifyEmailRequest {
    /// The token from the welcome email's link.
    pub token: String,
}

/// Create an account and sign in; a welcome email asks to confirm the address.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "accounts",
    request_body = RegisterRequest,
    responses(
        (status = 201, body = SessionView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`email_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`: too many registrations from this address", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn register(
    state: web::Data<AppState>,
    address: ClientAddress,
    body: Json<RegisterRequest>,
) -> AppResult<HttpResponse> {
    let body = body.0;
    let command = Registration {
        email: body.email,
        password: body.password,
        display_name: body.display_name,
        locale: body.locale,
    };
    let requester = requester(address);
    let session = state
        .run(move |conn, env| accounts::register(conn, env, &requester, command))
        .await?;
    Ok(HttpResponse::Created().json(session))
}

/// Sign in with e-mail and password. An unknown e-mail and a wrong password get the same
/// answer, in the same time.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "accounts",
    request_body = LoginRequest,
    responses(
        (status = 200, body = SessionView),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`: too many attempts for this address or account", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn login(
    state: web::Data<AppState>,
    address: ClientAddress,
    body: Json<LoginRequest>,
) -> AppResult<HttpResponse> {
    let body = body.0;
    let requester = requester(address);
    let session = state
        .run(move |conn, env| accounts::login(conn, env, &requester, &body.email, &body.password))
        .await?;
    Ok(HttpResponse::Ok().json(session))
}

/// Revoke the token used for this request.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "accounts", security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn logout(state: web::Data<AppState>, caller: Caller) -> AppResult<HttpResponse> {
    state
        .run(move |conn, _| accounts::logout(conn, &caller))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The current account.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses(
        (status = 200, body = AccountView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn me(caller: Caller) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(AccountView::from(&caller.account)))
}

/// Change the display name, language, notification preferences or password.
#[utoipa::path(patch, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    request_body = UpdateMeRequest,
    responses(
        (status = 200, body = AccountView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_me(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<UpdateMeRequest>,
) -> AppResult<HttpResponse> {
    let body = body.0;
    let update = AccountUpdate {
        display_name: body.display_name,
        locale: body.locale,
        notifications: body.notifications.map(Into::into),
        password: body
            .password
            .map(|p| (p, body.current_password.unwrap_or_default())),
    };
    let view = state
        .run(move |conn, _| accounts::update_me(conn, &caller, update))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Ask for a password reset link by email. The answer is the same whether or not an
/// account has this address.
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "accounts",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If an account has this address, a link is on its way"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`, for known and unknown addresses alike", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    address: ClientAddress,
    body: Json<PasswordResetRequest>,
) -> AppResult<HttpResponse> {
    let requester = requester(address);
    let email = body.0.email;
    state
        .run(move |conn, env| accounts::request_password_reset(conn, env, &requester, &email))
        .await?;
    Ok(HttpResponse::Accepted().json(
        serde_json::json!({"status": "If an account has this address, a link is on its way."}),
    ))
}

/// Choose a new password with the emailed token (single use, 30 minutes). Every session of
/// the account is signed out.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "accounts",
    request_body = PasswordResetConfirm,
    responses(
        (status = 204, description = "Password changed"),
        (status = 422, description = "Invalid, used or expired token (`invalid_token`), or a weak password", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn confirm_password_reset(
    state: web::Data<AppState>,
    body: Json<PasswordResetConfirm>,
) -> AppResult<HttpResponse> {
    let body = body.0;
    state
        .run(move |conn, _| accounts::confirm_password_reset(conn, &body.token, &body.password))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Confirm the account's address with the token of the welcome email (no sign-in needed:
/// the token is signed for this account and this address).
#[utoipa::path(post, path = "/api/v1/auth/verify-email", tag = "accounts",
    request_body = VerifyEmailRequest,
    responses(
        (status = 200, body = AccountView),
        (status = 422, description = "`invalid_token`, or the address changed since", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn verify_email(
    state: web::Data<AppState>,
    body: Json<VerifyEmailRequest>,
) -> AppResult<HttpResponse> {
    let token = body.0.token;
    let view = state
        .run(move |conn, env| accounts::verify_email(conn, env, &token))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
