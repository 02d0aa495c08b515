//! The server-rendered pages (askama templates), French first with an English switch,
//! usable without JavaScript. Pages call the JSON API's handlers in process, so who may see
//! or change what — access rules, validation, the teaser of a confidential takeover — is
//! the API's by construction; this layer adds sessions, CSRF, forms and HTML.

pub mod admin;
pub mod assets;
pub mod charts;
pub mod coordinator;
pub mod csrf;
pub mod dashboard;
pub mod exchanges;
pub mod format;
pub mod i18n;
pub mod listings;
pub mod notifications;
pub mod poles;
pub mod redirect;
pub mod search;
pub mod session;

use std::future::Future;
use std::pin::Pin;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::cookie::Cookie;
use actix_web::dev::{Payload, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use askama::Template;
use serde::de::DeserializeOwned;

use crate::api::auth::{CurrentAccount, MaybeAccount};
use crate::api::AppState;
use crate::domain::account::{Locale, Role};
use crate::error::{AppError, AppResult, FieldError};
use i18n::Tr;

/// The pages' routes, served at the root beside `/api`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("")
            .wrap(html_errors())
            .route("/static/{file}", web::get().to(assets::serve))
            .route("/", web::get().to(search::home))
            .route("/lang/{code}", web::get().to(i18n::switch))
            .configure(session::routes)
            .configure(listings::routes)
            .configure(dashboard::routes)
            .configure(notifications::routes)
            .configure(exchanges::routes)
            .configure(poles::routes)
            .configure(coordinator::routes)
            .configure(admin::routes)
            .default_service(web::to(not_found)),
    );
}

async fn not_found() -> AppResult<HttpResponse> {
    Err(AppError::NotFound)
}

/// The signed-in person as the layout shows them.
#[derive(Debug, Clone)]
pub struct UserBadge {
    pub display_name: String,
    pub coordinator: bool,
    pub admin: bool,
}

/// What every page's layout needs: language, strings, who is signed in, the CSRF token.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Locale,
    pub tr: &'static Tr,
    pub user: Option<UserBadge>,
    pub csrf: String,
    /// Path and query of this page, for the language switch to come back to.
    pub here: String,
    pub css: &'static str,
    pub js: &'static str,
    /// A fresh anonymous CSRF cookie to set with the response.
    new_anon: Option<String>,
}

impl Ctx {
    pub fn lang_code(&self) -> &'static str {
        self.lang.as_str()
    }

    pub fn signed_in(&self) -> bool {
        self.user.is_some()
    }

    pub fn is_coordinator(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.coordinator)
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.admin)
    }

    pub fn other_lang(&self) -> (&'static str, &'static str) {
        match self.lang {
            Locale::Fr => ("en", "English"),
            Locale::En => ("fr", "Français"),
        }
    }

    pub fn here_encoded(&self) -> String {
        format::url_encode(&self.here)
    }
}

/// A page request: the application, the caller (from the session cookie) and the layout.
pub struct Web {
    pub state: web::Data<AppState>,
    pub caller: Option<CurrentAccount>,
    pub ctx: Ctx,
    pub req: HttpRequest,
}

impl Web {
    /// The caller, or a 401 that the error pages turn into a redirect to the login form.
    pub fn require(&self) -> AppResult<CurrentAccount> {
        self.caller.clone().ok_or(AppError::Unauthorized)
    }

    pub fn maybe(&self) -> MaybeAccount {
        MaybeAccount(self.caller.clone())
    }

    pub fn tr(&self) -> &'static Tr {
        self.ctx.tr
    }

    /// Renders a page with status 200.
    pub fn page(&self, template: &impl Template) -> AppResult<HttpResponse> {
        self.page_with(StatusCode::OK, template)
    }

    pub fn page_with(
        &self,
        status: StatusCode,
        template: &impl Template,
    ) -> AppResult<HttpResponse> {
        let html = template
            .render()
            .map_err(|e| AppError::Internal(anyhow::anyhow!("rendering a page: {e}")))?;
        let mut response = HttpResponse::build(status);
        response.content_type("text/html; charset=utf-8");
        page_headers(&mut response);
        if let Some(value) = &self.ctx.new_anon {
            response.cookie(csrf::anon_cookie(&self.state, value.clone()));
        }
        Ok(response.body(html))
    }
}

async fn build_web(req: HttpRequest) -> AppResult<Web> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("application state missing")))?
        .clone();
    let caller = session::caller(&state, &req).await?;
    let lang = i18n::locale_of(&req, caller.as_ref());
    let (csrf, new_anon) = csrf::token_for(&state, &req, caller.as_ref());
    let user = caller.as_ref().map(|c| UserBadge {
        display_name: c.account.display_name.clone(),
        coordinator: c.account.role() == Role::Coordinator || c.is_admin(),
        admin: c.is_admin(),
    });
    let here = match req.uri().path_and_query() {
        Some(pq) => pq.as_str().to_string(),
        None => "/".into(),
    };
    Ok(Web {
        ctx: Ctx {
            lang,
            tr: i18n::tr(lang),
            user,
            csrf,
            here,
            css: assets::CSS_URL,
            js: assets::JS_URL,
            new_anon,
        },
        state,
        caller,
        req,
    })
}

impl FromRequest for Web {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(build_web(req))
    }
}

/// A posted form whose CSRF token was checked: the page request, the form as `T` (text
/// fields, unknown ones ignored) and every pair as sent, for repeated fields.
pub struct Posted<T> {
    pub web: Web,
    pub form: T,
    pub pairs: Vec<(String, String)>,
}

impl<T> Posted<T> {
    /// Every value of a repeated field (checkboxes).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

const FORM_LIMIT: usize = 64 * 1024;

impl<T: DeserializeOwned + 'static> FromRequest for Posted<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let web = build_web(req.clone()).await?;
            let is_form = req
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
            let body = body.await.map_err(|_| AppError::PayloadTooLarge)?;
            if body.len() > FORM_LIMIT {
                return Err(AppError::PayloadTooLarge);
            }
            if !is_form && !body.is_empty() {
                return Err(AppError::BadRequest("Send the page's form.".into()));
            }
            let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
                .map_err(|_| AppError::BadRequest("The form is malformed.".into()))?;
            let sent = pairs
                .iter()
                .find(|(k, _)| k == "csrf")
                .map(|(_, v)| v.as_str())
                .unwrap_or_default();
            if !csrf::verify(&web.state, &req, web.caller.as_ref(), sent) {
                return Err(AppError::Forbidden(csrf::REFUSED));
            }
            let form: T = serde_urlencoded::from_bytes(&body)
                .map_err(|_| AppError::BadRequest("The form is malformed.".into()))?;
            Ok(Posted { web, form, pairs })
        })
    }
}

/// A redirect (303 See Other, so the browser follows with GET) to a page of this site.
/// Every redirect of the service goes through here, and so through
/// [`redirect::local_target`]: a target from a query string or a form that could lead
/// elsewhere goes to the dashboard instead.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, redirect::local_target(location)))
        .finish()
}

/// Reads the JSON answer of an API handler called in process.
pub async fn api_json<T: DeserializeOwned>(answer: AppResult<HttpResponse>) -> AppResult<T> {
    let response = answer?;
    let bytes = actix_web::body::to_bytes(response.into_body())
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("reading an API answer: {e}")))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("decoding an API answer: {e}")))
}

/// Runs an API write called in process; its answer body is not needed.
pub async fn api_done(answer: AppResult<HttpResponse>) -> AppResult<()> {
    answer.map(|_| ())
}

/// Field errors of a refused form, by field, ready for the template; other errors pass.
#[derive(Debug, Default, Clone)]
pub struct FormErrors {
    pub fields: Vec<FieldError>,
    /// An error that is not about one field (conflict, refusal).
    pub general: Option<String>,
}

impl FormErrors {
    /// Keeps what a person can correct (422, 409, 401 at login); anything else is raised.
    pub fn from_error(error: AppError, tr: &Tr) -> AppResult<FormErrors> {
        match error {
            AppError::Validation(fields) => Ok(FormErrors {
                general: Some(tr.form_has_errors.to_string()),
                fields: fields
                    .into_iter()
                    .map(|mut f| {
                        f.message = i18n::field_message(tr, &f.code, &f.message);
                        f
                    })
                    .collect(),
            }),
            AppError::Conflict(detail) => Ok(FormErrors {
                fields: Vec::new(),
                general: Some(i18n::conflict_message(tr, &detail)),
            }),
            AppError::BadRequest(_) => Ok(FormErrors {
                fields: Vec::new(),
                general: Some(tr.form_malformed.to_string()),
            }),
            other => Err(other),
        }
    }

    /// As [`FormErrors::from_error`], for a form carrying a one-time key: when the key was
    /// used already with other input (the form was sent, then changed and sent again), the
    /// person is told so and the form gets a fresh key, instead of an error on a field they
    /// cannot see.
    pub fn from_keyed_error(error: AppError, tr: &Tr, key: &mut String) -> AppResult<FormErrors> {
        let reused = matches!(&error, AppError::Validation(fields)
            if fields.iter().any(|f| f.code == "idempotency_key_reused"));
        if reused {
            *key = csrf::random_key();
            return Ok(FormErrors {
                fields: Vec::new(),
                general: Some(tr.form_sent_already.to_string()),
            });
        }
        FormErrors::from_error(error, tr)
    }

    pub fn has(&self, field: &str) -> bool {
        self.fields
            .iter()
            .any(|f| f.field == field || f.field.starts_with(&format!("{field}.")))
    }

    /// The messages for one field, joined.
    pub fn of(&self, field: &str) -> String {
        self.fields
            .iter()
            .filter(|f| f.field == field || f.field.starts_with(&format!("{field}.")))
            .map(|f| f.message.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn any(&self) -> bool {
        self.general.is_some() || !self.fields.is_empty()
    }

    /// A page that shows refused input answers 422, so that scripts and tests see it.
    pub fn status(&self) -> actix_web::http::StatusCode {
        if self.any() {
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
        } else {
            actix_web::http::StatusCode::OK
        }
    }
}

// ---- Error pages ----

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    ctx: Ctx,
    status: u16,
    title: &'static str,
    message: String,
}

/// Turns error answers of the pages into HTML pages in the reader's language; a page that
/// needs a session sends anonymous visitors to the login form.
fn html_errors<B: MessageBody + 'static>() -> ErrorHandlers<B> {
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
        let detail = response
            .response()
            .error()
            .and_then(|e| e.as_error::<AppError>())
            .map(|e| match e {
                AppError::Forbidden(detail) => *detail,
                _ => "",
            })
            .unwrap_or_default();
        let (request, _) = response.into_parts();
        let body = error_page(&request, status, detail);
        let response: ServiceResponse<EitherBody<B, BoxBody>> =
            ServiceResponse::new(request, body).map_into_right_body();
        Ok(ErrorHandlerResponse::Response(response))
    })
}

fn error_page(req: &HttpRequest, status: StatusCode, detail: &str) -> HttpResponse<BoxBody> {
    if status == StatusCode::UNAUTHORIZED {
        let next = req
            .uri()
            .path_and_query()
            .map(|pq| pq.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let next = if req.method() == actix_web::http::Method::GET {
            next
        } else {
            "/dashboard".into()
        };
        return see_other(&format!("/login?next={}", format::url_encode(&next)));
    }
    let lang = i18n::locale_of(req, None);
    let tr = i18n::tr(lang);
    let (title, message) = match status.as_u16() {
        403 if detail == csrf::REFUSED => (tr.csrf_title, tr.csrf_text.to_string()),
        403 => (tr.forbidden_title, tr.forbidden_text.to_string()),
        404 => (tr.not_found_title, tr.not_found_text.to_string()),
        409 => (tr.conflict_title, tr.conflict_text.to_string()),
        413 => (tr.too_large_title, tr.too_large_text.to_string()),
        400 | 405 | 415 | 422 => (tr.bad_request_title, tr.bad_request_text.to_string()),
        503 => (tr.unavailable_title, tr.unavailable_text.to_string()),
        _ => (tr.error_title, tr.error_text.to_string()),
    };
    let state = req.app_data::<web::Data<AppState>>();
    let (csrf, _) = match state {
        Some(state) => csrf::token_for(state, req, None),
        None => (String::new(), None),
    };
    let page = ErrorPage {
        ctx: Ctx {
            lang,
            tr,
            user: None,
            csrf,
            here: req.path().to_string(),
            css: assets::CSS_URL,
            js: assets::JS_URL,
            new_anon: None,
        },
        status: status.as_u16(),
        title,
        message,
    };
    let html = page.render().unwrap_or_else(|_| title.to_string());
    let mut response = HttpResponse::build(status);
    response.content_type("text/html; charset=utf-8");
    page_headers(&mut response);
    response.body(html)
}

/// Pages are personal (no caching), load nothing from elsewhere, run only our script, and
/// may not be framed; links do not carry a page's URL (a reset token) to other sites.
fn page_headers(response: &mut actix_web::HttpResponseBuilder) {
    response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data:; connect-src 'self'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ))
        .insert_header((header::REFERRER_POLICY, "same-origin"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"));
}

/// For handlers that answer a refused form by rendering it again: `Ok(errors)` to show.
pub fn form_errors(error: AppError, tr: &Tr) -> AppResult<FormErrors> {
    FormErrors::from_error(error, tr)
}

/// A cookie helper shared by the session and CSRF modules.
pub fn base_cookie(state: &AppState, name: &'static str, value: String) -> Cookie<'static> {
    let secure = state.settings.base_url().starts_with("https://");
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(actix_web::cookie::SameSite::Lax)
        .finish()
}

/// A form whose only field is the CSRF token (a button).
#[derive(Debug, serde::Deserialize)]
pub struct NoFields {}

/// Formatting for templates, in the page's language.
impl Ctx {
    pub fn money(&self, value: &crate::domain::decimal::ExactDecimal) -> String {
        format::money_of(value, self.lang)
    }

    pub fn money_opt(&self, value: &Option<crate::domain::decimal::ExactDecimal>) -> String {
        value
            .as_ref()
            .map(|v| self.money(v))
            .unwrap_or_else(|| "—".into())
    }

    pub fn price(&self, value: &crate::domain::decimal::ExactDecimal) -> String {
        format::price(value, self.lang)
    }

    pub fn num(&self, value: &crate::domain::decimal::ExactDecimal) -> String {
        format::number(value.0, self.lang)
    }

    pub fn date(&self, value: &chrono::NaiveDate) -> String {
        format::date(value, self.lang)
    }

    pub fn datetime(&self, value: &chrono::DateTime<chrono::Utc>) -> String {
        format::datetime(value, self.lang)
    }

    pub fn km(&self, value: &f64) -> String {
        format::km(*value, self.lang)
    }

    pub fn category(&self, value: &crate::domain::listing::Category) -> &'static str {
        match self.lang {
            Locale::Fr => value.label_fr(),
            Locale::En => value.label_en(),
        }
    }

    pub fn kind(&self, value: &crate::domain::listing::Kind) -> &'static str {
        match value {
            crate::domain::listing::Kind::Offer => self.tr.kind_offer,
            crate::domain::listing::Kind::Need => self.tr.kind_need,
        }
    }

    pub fn unit(&self, value: &Option<crate::domain::units::Unit>) -> &'static str {
        value.map(|u| u.label()).unwrap_or("")
    }

    /// A status word (listing, match, exchange, membership) in the page's language.
    pub fn status(&self, value: &str) -> &'static str {
        i18n::status_label(self.tr, value)
    }
}
