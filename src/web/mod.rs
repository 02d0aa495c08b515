//! The server-rendered pages (askama templates), French first with an English switch,
//! usable without JavaScript. A page turns its form into an operation's command, calls the
//! same operation as the API (`crate::ops`), and renders the view it returns; refusals are
//! said in the reader's language from their code. This layer adds sessions, CSRF, forms
//! and HTML.

pub mod admin;
pub mod assets;
pub mod charts;
pub mod commune;
pub mod confirm;
pub mod conversations;
pub mod coordinator;
pub mod csrf;
pub mod dashboard;
pub mod enterprise_form;
pub mod errors;
pub mod exchanges;
pub mod form_errors;
pub mod forms;
pub mod i18n;
pub mod labels;
pub mod library;
pub mod links;
pub mod listing_form;
pub mod listings;
pub mod map;
pub mod notifications;
pub mod poles;
pub mod redirect;
pub mod search;
pub mod session;
pub mod visits;

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::Cookie;
use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, HttpResponse};
use askama::Template;
use serde::de::DeserializeOwned;

use crate::auth::{Caller, ClientAddress};
use crate::domain::account::{Locale, Role};
use crate::domain::Arg;
use crate::error::{AppError, AppResult};
use crate::format;
use crate::i18n::{words, Words};
use crate::ops::limits::Requester;
use crate::ops::Env;
use crate::state::AppState;

/// The pages' routes, served at the root beside `/api`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("")
            .wrap(errors::html_errors())
            .route("/static/{file}", web::get().to(assets::serve))
            .route("/", web::get().to(search::home))
            .route("/lang/{code}", web::get().to(i18n::switch))
            .configure(links::routes)
            .configure(session::routes)
            .configure(listings::routes)
            .configure(dashboard::routes)
            .configure(notifications::routes)
            .configure(exchanges::routes)
            .configure(conversations::routes)
            .configure(visits::routes)
            .configure(library::routes)
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
    /// Messages from others not read yet, for the header.
    pub unread: i64,
    pub coordinator: bool,
    pub admin: bool,
}

/// What every page's layout needs: language, words, who is signed in, the CSRF token.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Locale,
    pub words: Words,
    pub user: Option<UserBadge>,
    pub csrf: String,
    /// Path and query of this page, for the language switch to come back to.
    pub here: String,
    pub css: &'static str,
    pub js: &'static str,
    /// Names for codes (communes, NAF, départements, pôles).
    pub labels: labels::Labels,
    /// What the last action did, shown once after its redirect (see [`confirm`]).
    pub flash: Option<String>,
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

    /// The words of `key` in the page's language.
    pub fn t(&self, key: &str) -> String {
        self.words.t(key)
    }

    /// The words of `key` with one argument.
    pub fn t1(&self, key: &str, name: &'static str, value: impl std::fmt::Display) -> String {
        self.words
            .t_args(key, &[(name, Arg::Text(value.to_string()))])
    }

    /// The words of `key` with a number argument.
    pub fn tn(
        &self,
        key: &str,
        name: &'static str,
        value: impl std::borrow::Borrow<i64>,
    ) -> String {
        self.words
            .t_args(key, &[(name, Arg::Number(*value.borrow()))])
    }

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

    /// A ratio as a percentage, whole ("67 %"), the reader's way.
    pub fn percent(&self, value: &crate::domain::decimal::ExactDecimal) -> String {
        let percent = (value.0 * rust_decimal::Decimal::ONE_HUNDRED).round();
        match self.lang {
            Locale::Fr => format!("{percent}\u{a0}%"),
            Locale::En => format!("{percent}%"),
        }
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

    pub fn category(&self, value: &crate::domain::listing::Category) -> String {
        self.t(&format!("category-{}", value.as_str()))
    }

    pub fn kind(&self, value: &crate::domain::listing::Kind) -> String {
        self.t(&format!("kind-{}", value.as_str()))
    }

    pub fn unit(&self, value: &Option<crate::domain::units::Unit>) -> String {
        value
            .map(|u| self.t(&format!("unit-{}", u.as_str())))
            .unwrap_or_default()
    }

    /// A status word (listing, match, exchange, membership, decision) in the page's
    /// language, from its name.
    pub fn status(&self, value: &str) -> String {
        self.t(&format!("status-{value}"))
    }

    /// "Valence (26)" for an INSEE commune code.
    pub fn commune_name(&self, code: &str) -> String {
        self.labels.commune(code)
    }

    /// "Drôme (26)" for a département code.
    pub fn departement_name(&self, code: &str) -> String {
        self.labels.departement(code)
    }

    /// A région's name from its INSEE code.
    pub fn region_name(&self, code: &str) -> String {
        self.labels.region(code)
    }

    /// "Sciage et rabotage du bois (16.10A)": the NAF label with its code.
    pub fn naf_name(&self, code: &str) -> String {
        let label = self.labels.naf(code);
        if label == code {
            format!("NAF {code}")
        } else {
            format!("{label} ({code})")
        }
    }

    /// A pôle's name from its slug.
    pub fn pole_name(&self, slug: &str) -> String {
        self.labels.pole(slug)
    }

    /// A SIRET as people write it: "123 456 789 00012" (SIREN in threes, then the NIC).
    pub fn siret(&self, siret: &str) -> String {
        if siret.len() == 14 && siret.bytes().all(|b| b.is_ascii_digit()) {
            format!(
                "{} {} {} {}",
                &siret[..3],
                &siret[3..6],
                &siret[6..9],
                &siret[9..]
            )
        } else {
            siret.to_string()
        }
    }

    /// The label of one choice of a list (`option-<name>-<value>`).
    pub fn option(&self, name: &str, value: &str) -> String {
        self.t(&format!("option-{name}-{value}"))
    }
}

/// A page request: the application, the caller (from the session cookie) and the layout.
pub struct Web {
    pub state: web::Data<AppState>,
    pub caller: Option<Caller>,
    pub ctx: Ctx,
    pub req: HttpRequest,
}

impl Web {
    /// The caller, or a 401 that the error pages turn into a redirect to the login form.
    pub fn require(&self) -> AppResult<Caller> {
        self.caller.clone().ok_or(AppError::Unauthorized)
    }

    pub fn words(&self) -> Words {
        self.ctx.words
    }

    pub fn t(&self, key: &str) -> String {
        self.ctx.t(key)
    }

    /// Runs an operation, as the API does.
    pub async fn run<T, F>(&self, operation: F) -> AppResult<T>
    where
        F: FnOnce(&mut diesel::PgConnection, &Env) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.state.run(operation).await
    }

    /// Runs a read-only operation where the reads of this request may go: the replica
    /// when it has what this browser last wrote (see `AppState::read`).
    pub async fn read<T, F>(&self, operation: F) -> AppResult<T>
    where
        F: FnOnce(&mut diesel::PgConnection, &Env) -> AppResult<T> + Clone + Send + 'static,
        T: Send + 'static,
    {
        self.state
            .read(crate::state::ReadAfter::of(&self.req), operation)
            .await
    }

    /// Who this request counts against for abuse limits.
    pub fn requester(&self) -> Requester {
        let address = ClientAddress::of(&self.req, &self.state.settings.server.trusted_proxies);
        Requester::at(address.limit_key())
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
        if self.ctx.flash.is_some() {
            response.cookie(confirm::clear_flash(&self.state));
        }
        Ok(response.body(html))
    }
}

pub(crate) fn ctx_for(
    req: &HttpRequest,
    state: Option<&AppState>,
    caller: Option<&Caller>,
    labels: labels::Labels,
) -> Ctx {
    let lang = i18n::locale_of(req, caller);
    let (csrf, new_anon) = match state {
        Some(state) => csrf::token_for(state, req, caller),
        None => (String::new(), None),
    };
    let user = caller.map(|c| UserBadge {
        display_name: c.account.display_name.clone(),
        unread: 0,
        coordinator: c.role() == Role::Coordinator || c.is_admin(),
        admin: c.is_admin(),
    });
    let here = match req.uri().path_and_query() {
        Some(pq) => pq.as_str().to_string(),
        None => "/".into(),
    };
    Ctx {
        lang,
        words: words(lang),
        user,
        csrf,
        here,
        css: assets::CSS_URL,
        js: assets::JS_URL,
        labels,
        flash: confirm::flash_of(req, words(lang)),
        new_anon,
    }
}

async fn build_web(req: HttpRequest) -> AppResult<Web> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("application state missing")))?
        .clone();
    let caller = session::caller(&state, &req).await?;
    // Kept for the error page, should this request end in one.
    req.extensions_mut()
        .insert(errors::SignedIn(caller.clone()));
    let labels = labels::Labels::for_page(&state.cache, &state.pool).await?;
    let mut ctx = ctx_for(&req, Some(&state), caller.as_ref(), labels);
    if let (Some(c), Some(user)) = (caller.as_ref(), ctx.user.as_mut()) {
        let account = c.id();
        user.unread = crate::db::run(&state.pool, move |conn| {
            Ok(crate::models::conversation::unread_total(conn, account)?)
        })
        .await?;
    }
    Ok(Web {
        ctx,
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
                return Err(AppError::bad_request("malformed_form"));
            }
            let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
                .map_err(|_| AppError::bad_request("malformed_form"))?;
            let sent = pairs
                .iter()
                .find(|(k, _)| k == "csrf")
                .map(|(_, v)| v.as_str())
                .unwrap_or_default();
            if !csrf::verify(&web.state, &req, web.caller.as_ref(), sent) {
                return Err(AppError::forbidden("csrf_refused"));
            }
            let form: T = serde_urlencoded::from_bytes(&body)
                .map_err(|_| AppError::bad_request("malformed_form"))?;
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

pub use form_errors::{FormErrors, ShownError};

/// Pages are personal (no caching), load nothing from elsewhere, run only our script, and
/// may not be framed; links do not carry a page's URL (a reset token) to other sites.
pub(crate) fn page_headers(response: &mut actix_web::HttpResponseBuilder) {
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
