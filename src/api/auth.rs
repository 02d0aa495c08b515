//! Accounts: registration, login, logout, the current account, and the extractor that
//! authenticates API callers by bearer token.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::json::Json;
use super::AppState;
use crate::db;
use crate::domain::account::{
    check_password, Email, Family, Locale, Notifications, Preferences, Role,
};
use crate::email::messages;
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::models::account::{self, Account, AccountChanges, NewAccount};
use crate::models::ids::AccountId;
use crate::models::outbox;

/// The authenticated caller. Extracting it answers 401 without a valid bearer token.
#[derive(Debug, Clone)]
pub struct CurrentAccount {
    pub account: Account,
    pub token_id: i64,
}

impl CurrentAccount {
    pub fn id(&self) -> AccountId {
        self.account.id
    }

    pub fn role(&self) -> Role {
        self.account.role()
    }

    pub fn is_admin(&self) -> bool {
        self.role() == Role::Admin
    }

    pub fn require_admin(&self) -> AppResult<()> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(AppError::Forbidden("Only administrators may do this."))
        }
    }
}

/// The caller when a token is given; `None` for anonymous visitors. A token that is given
/// but invalid is still refused with 401, so a client never silently loses its identity.
#[derive(Debug, Clone)]
pub struct MaybeAccount(pub Option<CurrentAccount>);

fn bearer_token(req: &HttpRequest) -> Result<Option<String>, AppError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| AppError::Unauthorized)?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim().to_string()))
        }
        _ => Err(AppError::Unauthorized),
    }
}

async fn authenticate(req: HttpRequest) -> AppResult<Option<CurrentAccount>> {
    let Some(token) = bearer_token(&req)? else {
        return Ok(None);
    };
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("application state missing")))?
        .clone();
    let found = db::run(&state.pool, move |conn| {
        Ok(account::authenticate(conn, &token)?)
    })
    .await?;
    match found {
        Some((token_id, account)) => Ok(Some(CurrentAccount { account, token_id })),
        None => Err(AppError::Unauthorized),
    }
}

impl FromRequest for CurrentAccount {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(req).await?.ok_or(AppError::Unauthorized) })
    }
}

impl FromRequest for MaybeAccount {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(req).await.map(MaybeAccount) })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    pub id: AccountId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub locale: Locale,
    /// For each family of events: instant email, daily digest, or off.
    pub notifications: Preferences,
    /// Whether the address was confirmed through the welcome email's link.
    pub email_verified: bool,
}

impl From<&Account> for AccountView {
    fn from(account: &Account) -> Self {
        AccountView {
            id: account.id,
            email: account.email.clone(),
            display_name: account.display_name.clone(),
            role: account.role(),
            locale: account.locale(),
            notifications: account.preferences(),
            email_verified: account.email_verified_at.is_some(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionResponse {
    pub account: AccountView,
    /// Bearer token for the `Authorization` header. Shown once; only its hash is stored.
    pub token: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[schema(example = "claire.martin@example.fr")]
    pub email: String,
    /// 10 to 128 characters.
    pub password: String,
    #[validate(length(
        min = 1,
        max = 100,
        message = "The display name needs 1 to 100 characters."
    ))]
    pub display_name: String,
    pub locale: Option<Locale>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    #[validate(length(
        min = 1,
        max = 100,
        message = "The display name needs 1 to 100 characters."
    ))]
    pub display_name: Option<String>,
    pub locale: Option<Locale>,
    /// One choice for every family (`"daily"`), or some families
    /// (`{"matches": "instant", "exchanges": "daily"}`).
    pub notifications: Option<NotificationsChange>,
    /// A new password; `current_password` must be given with it.
    pub password: Option<String>,
    pub current_password: Option<String>,
}

/// A change of notification preferences: all families at once, or some of them.
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
}

impl NotificationsChange {
    pub fn apply(&self, changes: &mut AccountChanges) {
        match self {
            NotificationsChange::All(choice) => {
                for family in Family::ALL {
                    changes.notify(family, *choice);
                }
            }
            NotificationsChange::Families(some) => {
                for (family, choice) in [
                    (Family::Matches, some.matches),
                    (Family::Exchanges, some.exchanges),
                    (Family::Memberships, some.memberships),
                    (Family::Listings, some.listings),
                    (Family::Alerts, some.alerts),
                ] {
                    if let Some(choice) = choice {
                        changes.notify(family, choice);
                    }
                }
            }
        }
    }
}

/// Create an account and sign in.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "accounts",
    request_body = RegisterRequest,
    responses(
        (status = 201, body = SessionResponse),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An account with this e-mail exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn register(
    state: web::Data<AppState>,
    body: Json<RegisterRequest>,
) -> AppResult<HttpResponse> {
    let body = body.0;
    let mut errors = FieldErrors::from(body.validate().err().unwrap_or_default());
    let email = errors.check(
        "email",
        Email::parse_with(&body.email, state.mail.smtputf8()),
    );
    errors.check("password", check_password(&body.password));
    errors.finish()?;
    let email = email.expect("checked above");
    let display_name = body.display_name.trim().to_string();
    let locale = body.locale.unwrap_or(Locale::Fr);
    let ttl = state.settings.app.token_ttl_days;
    let links = state.links();
    let password = body.password;
    let password_hash = web::block(move || account::hash_password(&password)).await??;
    let (account, token) = db::run(&state.pool, move |conn| {
        use diesel::Connection;
        conn.transaction(|conn| {
            if account::find_by_email(conn, &email)?.is_some() {
                return Err(AppError::Conflict(
                    "An account with this e-mail already exists.".into(),
                ));
            }
            let account = account::insert(
                conn,
                &NewAccount {
                    email: email.as_str(),
                    password_hash: &password_hash,
                    display_name: &display_name,
                    role: Role::Member.as_str(),
                    locale: locale.as_str(),
                },
            )?;
            outbox::enqueue(conn, &messages::welcome(&account, locale, &links))?;
            let token = account::issue_token(conn, account.id, ttl)?;
            Ok((account, token))
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(SessionResponse {
        account: AccountView::from(&account),
        token,
    }))
}

/// Sign in with e-mail and password. An unknown e-mail and a wrong password get the same
/// answer, in the same time.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "accounts",
    request_body = LoginRequest,
    responses(
        (status = 200, body = SessionResponse),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn login(
    state: web::Data<AppState>,
    body: Json<LoginRequest>,
) -> AppResult<HttpResponse> {
    let body = body.0;
    let Ok(email) = Email::parse_with(&body.email, true) else {
        return Err(AppError::Unauthorized);
    };
    let found = db::run(&state.pool, move |conn| {
        Ok(account::find_by_email(conn, &email)?)
    })
    .await?;
    let hash = found
        .as_ref()
        .map(|a| a.password_hash.clone())
        .unwrap_or_else(|| account::dummy_hash().to_string());
    let password = body.password;
    let verified = web::block(move || account::verify_password(&password, &hash)).await?;
    let account = match (found, verified) {
        (Some(account), true) => account,
        _ => return Err(AppError::Unauthorized),
    };
    let ttl = state.settings.app.token_ttl_days;
    let account_id = account.id;
    let token = db::run(&state.pool, move |conn| {
        Ok(account::issue_token(conn, account_id, ttl)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(SessionResponse {
        account: AccountView::from(&account),
        token,
    }))
}

/// Revoke the token used for this request.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "accounts", security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn logout(state: web::Data<AppState>, caller: CurrentAccount) -> AppResult<HttpResponse> {
    let token_id = caller.token_id;
    db::run(&state.pool, move |conn| {
        Ok(account::revoke_token(conn, token_id)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The current account.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses(
        (status = 200, body = AccountView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn me(caller: CurrentAccount) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(AccountView::from(&caller.account)))
}

/// Change the display name, language, notification preference or password.
#[utoipa::path(patch, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    request_body = UpdateMeRequest,
    responses(
        (status = 200, body = AccountView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_me(
    state: web::Data<AppState>,
    caller: CurrentAccount,
    body: Json<UpdateMeRequest>,
) -> AppResult<HttpResponse> {
    let body = body.0;
    let mut errors = FieldErrors::from(body.validate().err().unwrap_or_default());
    let mut changes = AccountChanges {
        display_name: body.display_name.map(|n| n.trim().to_string()),
        locale: body.locale.map(|l| l.as_str().to_string()),
        ..AccountChanges::default()
    };
    if let Some(notifications) = &body.notifications {
        notifications.apply(&mut changes);
    }
    if let Some(password) = &body.password {
        errors.check("password", check_password(password));
        let current = body.current_password.clone().unwrap_or_default();
        let hash = caller.account.password_hash.clone();
        if !web::block(move || account::verify_password(&current, &hash)).await? {
            errors.add(
                "current_password",
                crate::domain::Invalid::new(
                    "wrong_password",
                    "The current password is not correct.",
                ),
            );
        }
    }
    errors.finish()?;
    if let Some(password) = body.password {
        changes.password_hash = Some(web::block(move || account::hash_password(&password)).await??);
    }
    let id = caller.id();
    let updated = db::run(&state.pool, move |conn| {
        Ok(account::update(conn, id, &changes)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(AccountView::from(&updated)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    pub email: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetConfirm {
    /// The token from the emailed link.
    pub token: String,
    /// The new password, 10 to 128 characters.
    pub password: String,
}

/// Ask for a password reset link by email. The answer is the same whether or not an
/// account has this address.
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "accounts",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If an account has this address, a link is on its way"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    body: Json<PasswordResetRequest>,
) -> AppResult<HttpResponse> {
    let email =
        Email::parse_with(&body.email, true).map_err(|e| AppError::invalid_field("email", e))?;
    let base_url = state.settings.base_url().to_string();
    db::run(&state.pool, move |conn| {
        use diesel::Connection;
        conn.transaction(|conn| {
            if let Some(found) = account::find_by_email(conn, &email)? {
                let token = account::issue_password_reset(conn, found.id)?;
                let link = format!("{base_url}/reset-password?token={token}");
                let message = messages::password_reset(
                    &token[..16],
                    &found.email,
                    &found.display_name,
                    found.locale(),
                    &link,
                );
                outbox::enqueue(conn, &message)?;
            }
            Ok(())
        })
    })
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
        (status = 422, description = "Invalid, used or expired token, or a weak password", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn confirm_password_reset(
    state: web::Data<AppState>,
    body: Json<PasswordResetConfirm>,
) -> AppResult<HttpResponse> {
    let body = body.0;
    check_password(&body.password).map_err(|e| AppError::invalid_field("password", e))?;
    let password = body.password;
    let hash = web::block(move || account::hash_password(&password)).await??;
    let token = body.token;
    db::run(&state.pool, move |conn| {
        use diesel::Connection;
        conn.transaction(|conn| {
            let Some(account_id) = account::use_password_reset(conn, token.trim())? else {
                return Err(AppError::invalid_field(
                    "token",
                    crate::domain::Invalid::new(
                        "invalid_token",
                        "This link is invalid, used already or expired; ask for a new one.",
                    ),
                ));
            };
            account::update(
                conn,
                account_id,
                &AccountChanges {
                    password_hash: Some(hash),
                    ..AccountChanges::default()
                },
            )?;
            account::revoke_all_tokens(conn, account_id)?;
            Ok(())
        })
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyEmailRequest {
    /// The token from the welcome email's link.
    pub token: String,
}

/// Confirm the account's address with the token of the welcome email (no sign-in needed:
/// the token is signed for this account and this address).
#[utoipa::path(post, path = "/api/v1/auth/verify-email", tag = "accounts",
    request_body = VerifyEmailRequest,
    responses(
        (status = 200, body = AccountView),
        (status = 422, description = "Invalid token, or the address changed since", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn verify_email(
    state: web::Data<AppState>,
    body: Json<VerifyEmailRequest>,
) -> AppResult<HttpResponse> {
    let verified = super::verify_email::verify(&state, &body.token).await?;
    Ok(HttpResponse::Ok().json(AccountView::from(&verified)))
}
