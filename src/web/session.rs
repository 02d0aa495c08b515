//! Sessions for people: the cookie holds an API token (the same hashed, revocable tokens
//! the API uses, so app nodes stay stateless) signed with a key derived from `app.secret`;
//! HttpOnly, SameSite=Lax, Secure when `app.base_url` is https. Login, registration,
//! logout and the password reset of the emailed link.

use actix_web::cookie::{time, Cookie};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{see_other, Ctx, FormErrors, Posted, Web};
use crate::auth::Caller;
use crate::domain::Invalid;
use crate::error::{AppError, AppResult};
use crate::ops::accounts::{self, Registration};
use crate::state::caller_of_token;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "ptce_session";

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/login")
            .route(web::get().to(login_form))
            .route(web::post().to(login)),
    )
    .service(
        web::resource("/register")
            .route(web::get().to(register_form))
            .route(web::post().to(register)),
    )
    .route("/logout", web::post().to(logout))
    .service(
        web::resource("/forgot-password")
            .route(web::get().to(forgot_form))
            .route(web::post().to(forgot)),
    )
    .service(
        web::resource("/reset-password")
            .route(web::get().to(reset_form))
            .route(web::post().to(reset)),
    );
}

fn cookie_value(state: &AppState, token: &str) -> String {
    format!("{token}.{}", super::csrf::sign(state, "session", token))
}

/// The token of a session cookie whose signature holds.
fn token_of(state: &AppState, value: &str) -> Option<String> {
    let (token, signature) = value.rsplit_once('.')?;
    let expected = super::csrf::sign(state, "session", token);
    (expected.len() == signature.len()
        && expected
            .bytes()
            .zip(signature.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0)
        .then(|| token.to_string())
}

/// The signed-in caller; an absent, forged, expired or revoked session is anonymous.
pub async fn caller(state: &AppState, req: &HttpRequest) -> AppResult<Option<Caller>> {
    let Some(cookie) = req.cookie(SESSION_COOKIE) else {
        return Ok(None);
    };
    let Some(token) = token_of(state, cookie.value()) else {
        return Ok(None);
    };
    caller_of_token(state, token).await
}

fn session_cookie(state: &AppState, token: &str) -> Cookie<'static> {
    let mut cookie = super::base_cookie(state, SESSION_COOKIE, cookie_value(state, token));
    cookie.set_max_age(time::Duration::days(state.settings.app.token_ttl_days));
    cookie
}

fn removal(state: &AppState, name: &'static str) -> Cookie<'static> {
    let mut cookie = super::base_cookie(state, name, String::new());
    cookie.make_removal();
    cookie
}

fn signed_in_redirect(state: &AppState, token: &str, to: &str) -> HttpResponse {
    let mut response = see_other(to);
    let _ = response.add_cookie(&session_cookie(state, token));
    let _ = response.add_cookie(&removal(state, super::csrf::ANON_COOKIE));
    response
}

// ---- Login ----

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: Ctx,
    email: String,
    next: String,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

async fn login_form(web: Web, query: web::Query<NextQuery>) -> AppResult<HttpResponse> {
    if web.caller.is_some() {
        return Ok(see_other(&super::redirect::local_target(&query.next)));
    }
    web.page(&LoginPage {
        ctx: web.ctx.clone(),
        email: String::new(),
        next: query.next.clone(),
        errors: FormErrors::default(),
    })
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn login(posted: Posted<LoginForm>) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let requester = web.requester();
    let (email, password) = (form.email.clone(), form.password.clone());
    let answer = web
        .run(move |conn, env| accounts::login(conn, env, &requester, &email, &password))
        .await;
    let errors = match answer {
        Ok(session) => {
            return Ok(signed_in_redirect(
                &web.state,
                &session.token,
                &super::redirect::local_target(&form.next),
            ))
        }
        Err(AppError::Unauthorized) => FormErrors {
            general: Some(web.t("login-failed")),
            ..FormErrors::default()
        },
        Err(other) => FormErrors::from_error(other, web.words())?,
    };
    let status = if errors.general.as_deref() == Some(web.t("login-failed").as_str()) {
        actix_web::http::StatusCode::UNAUTHORIZED
    } else {
        actix_web::http::StatusCode::TOO_MANY_REQUESTS
    };
    web.page_with(
        status,
        &LoginPage {
            ctx: web.ctx.clone(),
            email: form.email,
            next: form.next,
            errors,
        },
    )
}

async fn logout(posted: Posted<super::NoFields>) -> AppResult<HttpResponse> {
    let web = posted.web;
    if let Some(caller) = web.caller.clone() {
        web.run(move |conn, _| accounts::logout(conn, &caller))
            .await?;
    }
    let mut response = see_other("/");
    let _ = response.add_cookie(&removal(&web.state, SESSION_COOKIE));
    Ok(response)
}

// ---- Registration ----

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    ctx: Ctx,
    display_name: String,
    email: String,
    errors: FormErrors,
}

async fn register_form(web: Web) -> AppResult<HttpResponse> {
    if web.caller.is_some() {
        return Ok(see_other("/dashboard"));
    }
    web.page(&RegisterPage {
        ctx: web.ctx.clone(),
        display_name: String::new(),
        email: String::new(),
        errors: FormErrors::default(),
    })
}

#[derive(Deserialize)]
struct RegisterForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

async fn register(posted: Posted<RegisterForm>) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let requester = web.requester();
    let command = Registration {
        email: form.email.clone(),
        password: form.password,
        display_name: form.display_name.clone(),
        locale: Some(web.ctx.lang),
    };
    let answer = web
        .run(move |conn, env| accounts::register(conn, env, &requester, command))
        .await;
    match answer {
        // A new account is guided to attach its enterprise first.
        Ok(session) => Ok(signed_in_redirect(
            &web.state,
            &session.token,
            "/dashboard?welcome=1",
        )),
        Err(error) => {
            let taken = matches!(&error, AppError::Conflict(r) if r.code == "email_taken");
            let mut errors = FormErrors::from_error(error, web.words())?;
            if taken {
                errors.general = None;
                errors.add("email", Invalid::new("email_taken"), web.words());
            }
            web.page_with(
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                &RegisterPage {
                    ctx: web.ctx.clone(),
                    display_name: form.display_name,
                    email: form.email,
                    errors,
                },
            )
        }
    }
}

// ---- Password reset ----

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotPage {
    ctx: Ctx,
    email: String,
    sent: bool,
    errors: FormErrors,
}

async fn forgot_form(web: Web) -> AppResult<HttpResponse> {
    web.page(&ForgotPage {
        ctx: web.ctx.clone(),
        email: String::new(),
        sent: false,
        errors: FormErrors::default(),
    })
}

#[derive(Deserialize)]
struct ForgotForm {
    #[serde(default)]
    email: String,
}

async fn forgot(posted: Posted<ForgotForm>) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let requester = web.requester();
    let email = form.email.clone();
    let answer = web
        .run(move |conn, env| accounts::request_password_reset(conn, env, &requester, &email))
        .await;
    let (sent, errors) = match answer {
        Ok(()) => (true, FormErrors::default()),
        Err(error) => (false, FormErrors::from_error(error, web.words())?),
    };
    web.page_with(
        errors.status(),
        &ForgotPage {
            ctx: web.ctx.clone(),
            email: form.email,
            sent,
            errors,
        },
    )
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage {
    ctx: Ctx,
    token: String,
    done: bool,
    errors: FormErrors,
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

async fn reset_form(web: Web, query: web::Query<TokenQuery>) -> AppResult<HttpResponse> {
    web.page(&ResetPage {
        ctx: web.ctx.clone(),
        token: query.token.clone(),
        done: false,
        errors: FormErrors::default(),
    })
}

#[derive(Deserialize)]
struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

async fn reset(posted: Posted<ResetForm>) -> AppResult<HttpResponse> {
    let Posted { web, form, .. } = posted;
    let answer = if form.password != form.confirm {
        Err(AppError::invalid_field(
            "confirm",
            Invalid::new("confirm_mismatch"),
        ))
    } else {
        let (token, password) = (form.token.clone(), form.password);
        web.run(move |conn, _| accounts::confirm_password_reset(conn, &token, &password))
            .await
    };
    let (done, errors) = match answer {
        Ok(()) => (true, FormErrors::default()),
        Err(error) => (false, FormErrors::from_error(error, web.words())?),
    };
    web.page_with(
        errors.status(),
        &ResetPage {
            ctx: web.ctx.clone(),
            token: form.token,
            done,
            errors,
        },
    )
}
