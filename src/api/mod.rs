//! The JSON API under `/api/v1`, its OpenAPI document, and the operations endpoints.

pub mod admin;
pub mod alerts;
pub mod auth;
pub mod enterprises;
pub mod exchanges;
pub mod health;
pub mod json;
pub mod listings;
pub mod matches;
pub mod poles;
pub mod reference;
pub mod reports;
pub mod unsubscribe;
pub mod verify_email;

use std::sync::Arc;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::header;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{web, HttpResponse, ResponseError};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::config::Settings;
use crate::db::DbPool;
use crate::error::{AppError, FieldError, Problem, PROBLEM_JSON};
use crate::metrics::Metrics;

/// What every handler can reach.
pub struct AppState {
    pub pool: DbPool,
    pub settings: Arc<Settings>,
    pub metrics: Arc<Metrics>,
    /// Now and today (Paris); tests set it.
    pub clock: crate::clock::Clock,
    /// What the mail server carries (SMTPUTF8), as the worker last asked.
    pub mail: crate::email::mailer::MailCapabilities,
}

impl AppState {
    /// Link builder for the emails a request causes.
    pub fn links(&self) -> crate::email::events::Links {
        crate::email::events::Links::new(self.settings.base_url(), self.settings.app.secret.clone())
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "PTCE Exchange API",
        description = "The marketplace of the pôles territoriaux de coopération économique: offers and needs, matching by sector and territory, exchanges and exact transaction records. Errors are application/problem+json (RFC 9457).",
    ),
    paths(
        auth::register, auth::login, auth::logout, auth::me, auth::update_me,
        auth::request_password_reset, auth::confirm_password_reset, auth::verify_email,
        alerts::create, alerts::list, alerts::delete,
        poles::list, poles::show, poles::create, poles::appoint_coordinator,
        enterprises::create, enterprises::show, enterprises::update, enterprises::approve, enterprises::join,
        listings::create, listings::search, listings::show, listings::update, listings::publish, listings::close,
        matches::of_listing, matches::mine, matches::accept, matches::decline,
        matches::propose, matches::proposals_of, matches::accept_proposal, matches::decline_proposal,
        exchanges::create, exchanges::list, exchanges::show, exchanges::transition, exchanges::set_impact,
        exchanges::record_transaction, exchanges::transactions, exchanges::reverse,
        reports::flows, reports::pole_report, reports::transactions_csv,
        reference::communes, reference::naf, reference::departements, reference::regions,
        admin::dead_messages, admin::retry_dead, unsubscribe::confirm_page, unsubscribe::unsubscribe,
        verify_email::verify_page,
        health::live, health::ready, health::metrics,
    ),
    components(schemas(Problem, FieldError)),
    modifiers(&BearerAuth),
    tags(
        (name = "accounts", description = "Registration, sign-in and preferences"),
        (name = "poles", description = "The pôles and their coordinators"),
        (name = "enterprises", description = "Enterprises and pôle membership"),
        (name = "listings", description = "Offers and needs: post, publish, search"),
        (name = "matches", description = "Offer–need matches, proposals, and the exchanges they create"),
        (name = "exchanges", description = "Exchanges, their lifecycle and their transactions"),
        (name = "alerts", description = "Saved searches that email new listings"),
        (name = "reports", description = "Inter-pôle flows, pôle activity, CSV export"),
        (name = "reference", description = "French territorial and sector reference data"),
        (name = "operations", description = "Health and metrics"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The terms of an offer, a need, a proposal or an exchange: a quantity (more than zero)
/// and a unit price (zero or more), each with at most 6 decimals, and the unit they are
/// counted in, required as soon as either is given. Returns the checked quantity and price.
pub fn check_terms(
    errors: &mut crate::error::FieldErrors,
    quantity: Option<crate::domain::decimal::ExactDecimal>,
    unit: Option<crate::domain::units::Unit>,
    unit_price: Option<crate::domain::decimal::ExactDecimal>,
) -> (Option<rust_decimal::Decimal>, Option<rust_decimal::Decimal>) {
    use crate::domain::decimal::{check_quantity, check_unit_price};
    let checked_quantity = quantity.and_then(|q| errors.check("quantity", check_quantity(q.0)));
    let checked_price = unit_price.and_then(|p| errors.check("unit_price", check_unit_price(p.0)));
    if unit.is_none() && (quantity.is_some() || unit_price.is_some()) {
        errors.add(
            "unit",
            crate::domain::Invalid::new("required", "Give the unit of the quantity or price."),
        );
    }
    (checked_quantity, checked_price)
}

/// Routes under `/api/v1`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/auth/register", web::post().to(auth::register))
        .route("/auth/login", web::post().to(auth::login))
        .route("/auth/logout", web::post().to(auth::logout))
        .route(
            "/auth/password-reset",
            web::post().to(auth::request_password_reset),
        )
        .route(
            "/auth/password-reset/confirm",
            web::post().to(auth::confirm_password_reset),
        )
        .route("/auth/verify-email", web::post().to(auth::verify_email))
        .service(
            web::resource("/alerts")
                .route(web::get().to(alerts::list))
                .route(web::post().to(alerts::create)),
        )
        .route("/alerts/{id}", web::delete().to(alerts::delete))
        .service(
            web::resource("/me")
                .route(web::get().to(auth::me))
                .route(web::patch().to(auth::update_me)),
        )
        .service(
            web::resource("/poles")
                .route(web::get().to(poles::list))
                .route(web::post().to(poles::create)),
        )
        .route("/poles/{slug}", web::get().to(poles::show))
        .route(
            "/poles/{slug}/coordinators",
            web::post().to(poles::appoint_coordinator),
        )
        .route(
            "/poles/{slug}/members/{enterprise_id}/approve",
            web::post().to(enterprises::approve),
        )
        .route("/enterprises", web::post().to(enterprises::create))
        .service(
            web::resource("/enterprises/{id}")
                .route(web::get().to(enterprises::show))
                .route(web::patch().to(enterprises::update)),
        )
        .route(
            "/enterprises/{id}/memberships",
            web::post().to(enterprises::join),
        )
        .service(
            web::resource("/listings")
                .route(web::get().to(listings::search))
                .route(web::post().to(listings::create)),
        )
        .service(
            web::resource("/listings/{id}")
                .route(web::get().to(listings::show))
                .route(web::patch().to(listings::update)),
        )
        .route("/listings/{id}/publish", web::post().to(listings::publish))
        .route("/listings/{id}/close", web::post().to(listings::close))
        .route("/listings/{id}/matches", web::get().to(matches::of_listing))
        .service(
            web::resource("/listings/{id}/proposals")
                .route(web::get().to(matches::proposals_of))
                .route(web::post().to(matches::propose)),
        )
        .route("/matches", web::get().to(matches::mine))
        .route("/matches/{id}/accept", web::post().to(matches::accept))
        .route("/matches/{id}/decline", web::post().to(matches::decline))
        .route(
            "/proposals/{id}/accept",
            web::post().to(matches::accept_proposal),
        )
        .route(
            "/proposals/{id}/decline",
            web::post().to(matches::decline_proposal),
        )
        .service(
            web::resource("/exchanges")
                .route(web::get().to(exchanges::list))
                .route(web::post().to(exchanges::create)),
        )
        .route("/exchanges/{id}", web::get().to(exchanges::show))
        .route(
            "/exchanges/{id}/transition",
            web::post().to(exchanges::transition),
        )
        .route(
            "/exchanges/{id}/impact",
            web::put().to(exchanges::set_impact),
        )
        .service(
            web::resource("/exchanges/{id}/transactions")
                .route(web::get().to(exchanges::transactions))
                .route(web::post().to(exchanges::record_transaction)),
        )
        .route(
            "/transactions/{id}/reverse",
            web::post().to(exchanges::reverse),
        )
        .route("/reports/flows", web::get().to(reports::flows))
        .route("/reports/poles/{slug}", web::get().to(reports::pole_report))
        .route(
            "/reports/transactions.csv",
            web::get().to(reports::transactions_csv),
        )
        .route("/admin/outbox/dead", web::get().to(admin::dead_messages))
        .route(
            "/admin/outbox/{id}/retry",
            web::post().to(admin::retry_dead),
        )
        .route("/reference/communes", web::get().to(reference::communes))
        .route("/reference/naf", web::get().to(reference::naf))
        .route(
            "/reference/departements",
            web::get().to(reference::departements),
        )
        .route("/reference/regions", web::get().to(reference::regions));
}

/// Query and path extractors answer problem+json too.
pub fn extractor_config(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::QueryConfig::default().error_handler(|error, _| {
        AppError::BadRequest(format!("The query string is invalid: {error}.")).into()
    }))
    .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()));
}

pub async fn api_not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// Turns any error answer under `/api` that is not problem+json yet (405 from the router,
/// framework errors) into one, so clients only ever parse one error format.
pub fn problem_errors<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(|response: ServiceResponse<B>| {
        let is_problem = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
        if is_problem {
            return Ok(ErrorHandlerResponse::Response(
                response.map_into_left_body(),
            ));
        }
        let status = response.status();
        let error = match status.as_u16() {
            400 => AppError::BadRequest("The request is malformed.".into()),
            401 => AppError::Unauthorized,
            403 => AppError::Forbidden("Not allowed."),
            404 => AppError::NotFound,
            413 => AppError::PayloadTooLarge,
            415 => AppError::UnsupportedMediaType,
            _ => {
                let (request, _) = response.into_parts();
                let problem = Problem {
                    kind: "about:blank".into(),
                    title: status.canonical_reason().unwrap_or("Error").into(),
                    status: status.as_u16(),
                    detail: None,
                    errors: Vec::new(),
                };
                let body = HttpResponse::build(status)
                    .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
                    .body(serde_json::to_string(&problem).unwrap_or_default());
                return Ok(ErrorHandlerResponse::Response(
                    ServiceResponse::new(request, body).map_into_right_body(),
                ));
            }
        };
        let (request, _) = response.into_parts();
        let body: HttpResponse<BoxBody> = error.error_response();
        let response: ServiceResponse<EitherBody<B, BoxBody>> =
            ServiceResponse::new(request, body).map_into_right_body();
        Ok(ErrorHandlerResponse::Response(response))
    })
}
